"""Commands run out of order say what is missing and what to run, and do no harm: grade before
collect, feedback (and publishing it) before grade, a report on an empty gradebook."""

from __future__ import annotations

import subprocess

from typer.testing import CliRunner

from autograder.cli import app
from autograder.collect import collect_week
from autograder.gradebook import Gradebook
from tests.workflow_class import _course, _file, _push, _repo

ON_TIME, SEEN = "2026-07-14T20:00:00+09:00", "2026-07-14T21:00:00+09:00"


def _run(cfg, *args):
    return CliRunner().invoke(app, [*args, "--config", str(cfg.root / "grader.yml")])


def test_grade_before_collect_says_to_collect_first(tmp_path, need_git):
    _repo(tmp_path / "class")
    cfg = _course(tmp_path)
    done = _run(cfg, "grade", "week02")
    assert done.exit_code == 2, done.output
    assert "nothing has been collected for week02" in done.output and "autograder collect week02" in done.output


def test_feedback_before_grade_writes_and_publishes_nothing(tmp_path, need_git):
    own = _repo(tmp_path / "repos" / "user19001")
    _push(own, _file("박세훈"), ON_TIME)
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    out = tmp_path / "fb"
    done = _run(cfg, "feedback", "week02", "--commit", "--out", str(out))
    assert done.exit_code == 2, done.output
    assert "1 collected version(s) of week02 are not graded yet" in done.output
    assert "autograder grade week02" in done.output
    assert not out.exists() or not any(out.iterdir())
    branches = subprocess.run(["git", "-C", str(own), "branch", "--list", "feedback"], capture_output=True,
                              text=True).stdout
    assert branches.strip() == ""  # nothing pushed to the student


def test_a_report_on_an_empty_gradebook_says_nothing_was_collected(tmp_path, need_git):
    _repo(tmp_path / "class")
    cfg = _course(tmp_path)
    done = _run(cfg, "report")
    assert done.exit_code == 0, done.output
    assert "nothing has been collected yet" in done.output and "at risk" not in done.output


def test_collect_and_grade_say_which_versions_are_too_late_to_count(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-19T09:00:00+09:00")  # 5 days late, max_late_days is 3
    cfg = _course(tmp_path)
    book = Gradebook(cfg.gradebook)
    report = collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-19T10:00:00+09:00")
    late = [i for i in report.issues if i.kind == "too-late"]
    assert len(late) == 1 and "5 days late" in late[0].detail and "will not count" in late[0].detail
    assert book.too_late("week02", cfg.late_policy.max_late_days) == [("박세훈", 5)]


def test_the_terminal_shows_file_names_as_text_not_markup_or_escape_codes(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _push(repo, "2주차 과제_19기 [bold]홍길동[red]\x1b]0;pwned\x07\x1b[2J.ipynb", ON_TIME)
    cfg = _course(tmp_path)
    done = _run(cfg, "collect", "week02")
    assert "[bold]홍길동[red]" in done.output, done.output  # shown as typed, not styled away
    assert "\x1b" not in done.output and "\x07" not in done.output  # no title change, no screen clear


def test_help_at_80_columns_cuts_no_option_name():
    import os
    import subprocess
    import sys

    for command in ("collect", "grade", "feedback", "report", "audit", "check", "extend", "build"):
        shown = subprocess.run([sys.executable, "-m", "autograder", command, "--help"], capture_output=True,
                               text=True, env={**os.environ, "COLUMNS": "80", "TERMINAL_WIDTH": "80"}).stdout
        assert shown and "…" not in shown, (command, shown)


def test_file_names_are_never_broken_across_lines_in_a_narrow_terminal(tmp_path, need_git):
    """Rich wrapped '2주차 \\n과제_…' mid-name; a TA copies these names into git commands."""
    from autograder.gradebook import RunRow

    repo = _repo(tmp_path / "class")
    name = "2주차 과제_19기 김민지 최종 제출본 (수정).ipynb"
    _push(repo, name, ON_TIME)
    _push(repo, _file("박세훈"), ON_TIME)
    cfg = _course(tmp_path)
    book = Gradebook(cfg.gradebook)
    runner = CliRunner()
    args = ["--config", str(cfg.root / "grader.yml")]
    collected = runner.invoke(app, ["collect", "week02", *args], env={"COLUMNS": "50"})
    assert any(name in line for line in collected.output.splitlines()), collected.output
    for p in book.pending("week02", cfg.path(cfg.storage.data_dir)):
        book.record_run(p.submission_id, RunRow("2026-07-15T00:00:00+00:00", "2026-07-15T00:00:01+00:00",
                                                "rejected", error=f"the notebook {name} has no code cells"),
                        [], "test", only_if_ungraded=True)
    report = runner.invoke(app, ["report", *args], env={"COLUMNS": "60"})
    assert any(name in line for line in report.output.splitlines()), report.output  # the full status, on its line


def test_the_dashboard_of_an_empty_gradebook_says_so_and_puts_no_one_at_risk(tmp_path, need_git):
    import datetime as dt

    from autograder.report import write_report

    _repo(tmp_path / "class")
    cfg = _course(tmp_path)
    files = write_report(cfg, Gradebook(cfg.gradebook), as_of=dt.datetime(2026, 8, 1, tzinfo=dt.timezone.utc))
    html = files.html.read_text(encoding="utf-8")
    assert 'id="nothing-collected"' in html and "주의 학생 / At risk<b>0</b>" in html
    assert len(files.tables.at_risk) == 0 and "nothing has been collected" in files.tables.at_risk_rule
