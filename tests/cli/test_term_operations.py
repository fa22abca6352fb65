"""Running a real term: rosters from Korean Excel, two students with one name, dates without a
time, and reports before anything is graded."""

from __future__ import annotations

import datetime as dt

import pytest

from autograder import config, roster
from autograder.collect import collect_week
from autograder.errors import UserError
from autograder.gradebook import Gradebook
from autograder.report import write_report
from tests.conftest import write_course
from tests.workflow_class import NOTEBOOK, _course, _push, _repo


def test_a_roster_saved_by_korean_excel_in_cp949_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("student_id,name,cohort\n20001,김민준,20\n20002,이서연,20\n".encode("cp949"))
    assert [s.name for s in roster.load(path)] == ["김민준", "이서연"]
    path.write_bytes(b"student_id,name,cohort\n20001,\xff\xfe\xfa,20\n")
    with pytest.raises(UserError, match="neither UTF-8 nor CP949") as err:
        roster.load(path)
    assert "CSV UTF-8" in err.value.render()


def test_two_students_with_one_name_need_aliases_and_files_must_say_which(tmp_path, need_git):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name,cohort\n20001,김민준,20\n20007,김민준,20\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 3: 20기 김민준 .*line 2") as err:
        roster.load(path)
    assert "alias" in err.value.render()

    cfg = _course(tmp_path)
    rows = (tmp_path / "roster.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "roster.csv").write_text("\n".join([rows[0] + ",alias"] + [r + "," for r in rows[1:]]
                                                   + ["19101,김민준,19,user19101,,김민준A", "19102,김민준,19,user19102,,김민준B"])
                                         + "\n", encoding="utf-8")
    repo = _repo(tmp_path / "class")
    _push(repo, "2주차 과제_19기 김민준B.ipynb", "2026-07-14T20:00:00+09:00", data=NOTEBOOK)
    _push(repo, "2주차 과제_19기 김민준.ipynb", "2026-07-14T20:05:00+09:00", data=NOTEBOOK)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook),
                          seen_at="2026-07-14T12:00:00+00:00")
    assert [r.student_id for r in report.accepted] == ["19102"]
    (ambiguous,) = [i for i in report.issues if i.kind == "ambiguous-student"]
    assert "김민준A = 19101" in ambiguous.detail and "김민준B = 19102" in ambiguous.detail


def test_a_due_date_without_a_time_is_the_end_of_that_day_in_the_course_time_zone(tmp_path):
    path = write_course(tmp_path)
    text = path.read_text(encoding="utf-8")
    import re
    text = re.sub(r"due: [0-9-]+T23:59:00", "due: 2026-12-08", text, count=1)
    path.write_text(text, encoding="utf-8")
    cfg = config.load(path)
    due = cfg.due(cfg.assignments[0])
    assert (due.date(), due.time()) == (dt.date(2026, 12, 8), dt.time(23, 59, 59))
    assert due.utcoffset() == dt.timedelta(hours=9)  # Asia/Seoul


def test_reports_work_before_anything_is_collected_or_graded(tmp_path):
    cfg = config.load(write_course(tmp_path))
    files = write_report(cfg, Gradebook(cfg.gradebook))
    assert files.html.exists() and "Needs review" in files.html.read_text(encoding="utf-8")


def _line(path, text: str, nth: int = 1) -> int:
    return [i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in t][nth - 1]


def test_a_repeated_assignment_id_or_week_is_said_at_its_line_with_the_id(tmp_path):
    path = write_course(tmp_path)
    text = path.read_text(encoding="utf-8")
    week03 = next(t for t in text.splitlines() if "id: week03" in t)
    path.write_text(text.replace(week03, week03 + "\n" + week03.replace("week: 3", "week: 4")), encoding="utf-8")
    with pytest.raises(UserError) as err:
        config.load(path)
    message = err.value.render()
    assert f"line {_line(path, 'id: week03', 2)}: assignments[week03].id: id week03 repeats line " \
           f"{_line(path, 'id: week03')}" in message
    assert "(top level)" not in message
    text = path.read_text(encoding="utf-8").splitlines()
    text[_line(path, "id: week03", 2) - 1] = text[_line(path, "id: week03", 2) - 1].replace("id: week03", "id: week09")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        config.load(path)
    assert f"line {_line(path, 'id: week04')}: assignments[week04].week: week 4 repeats line " \
           f"{_line(path, 'id: week09')}" in err.value.render()  # the inserted week09 comes first


def test_a_student_repos_url_without_a_student_field_is_refused(tmp_path):
    path = write_course(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - kind: class_repo\n", "  - kind: student_repos\n"), encoding="utf-8")
    with pytest.raises(UserError) as err:
        config.load(path)
    message = err.value.render()
    assert f"line {_line(path, 'url:')}: submissions[0].url" in message and "names no student" in message


def test_a_repeated_git_user_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name,cohort,git_user\n20001,김민준,20,mjkim\n20002,이서연,20,MJKim\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        roster.load(path)
    assert "line 3: git_user MJKim of 20002 repeats line 2 (20001)" in err.value.render()


def _cli(cfg, *args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "autograder", *args, "--config", str(cfg.root / "grader.yml")],
                          capture_output=True, text=True)


def test_collect_exits_1_listing_unreachable_repositories_unless_allowed(tmp_path, need_git):
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    _push(_repo(tmp_path / "repos" / "user19001"), "2주차 과제_19기 박세훈.ipynb", "2026-07-14T20:00:00+09:00")
    failed = _cli(cfg, "collect", "week02")
    assert failed.returncode == 1 and "unreachable-repo" in failed.stdout and "--allow-unreachable" in failed.stdout
    assert "class repository" not in failed.stdout
    allowed = _cli(cfg, "collect", "week02", "--allow-unreachable")
    assert allowed.returncode == 0 and "collected" in allowed.stdout


def test_extend_with_zero_days_withdraws_or_says_there_is_nothing(tmp_path):
    cfg = _course(tmp_path)
    nothing = _cli(cfg, "extend", "19001", "week02", "--days", "0")
    assert nothing.returncode == 0 and "nothing to withdraw" in nothing.stdout and "+0 d" not in nothing.stdout
    assert _cli(cfg, "extend", "19001", "week02", "--days", "2").returncode == 0
    withdrawn = _cli(cfg, "extend", "19001", "week02", "--days", "0")
    assert "withdrawn" in withdrawn.stdout and Gradebook(cfg.gradebook).extensions() == []


def test_reports_and_feedback_before_a_deadline_show_no_nan_and_no_missing(tmp_path):
    from autograder.feedback import write_feedback

    cfg = _course(tmp_path)
    book = Gradebook(cfg.gradebook)
    before = dt.datetime(2026, 7, 10, tzinfo=dt.timezone.utc)
    write_report(cfg, book, tmp_path / "report", as_of=before)
    cards = list((tmp_path / "report" / "cards").glob("*.md"))
    assert cards
    for path in cards:
        assert "nan" not in path.read_text(encoding="utf-8"), path
    files = write_feedback(cfg, cfg.assignment("week02"), book, tmp_path / "fb", at=before)
    text = next(iter(files.files.values())).read_text(encoding="utf-8")
    assert "nan" not in text and "missing" not in text.lower()


def test_failed_cells_are_named_in_the_runs_notes():
    from autograder.engine import GradeResult

    result = GradeResult(cells=[{"cell": 0, "status": "ok"},
                                {"cell": 1, "status": "error", "error": {"type": "ModuleNotFoundError",
                                                                         "message": "No module named 'google.colab'"}}])
    assert "cell 2 failed (ModuleNotFoundError: No module named 'google.colab')" in result.notes


def test_a_notebook_without_cell_ids_reads_without_warnings(tmp_path, recwarn):
    import json

    from autograder.engine.notebook_grader import read_code_cells

    nb = {"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert read_code_cells(tmp_path / "a.ipynb") == ["x = 1"]
    assert not [w for w in recwarn if "MissingIDField" in type(w.message).__name__]


def test_a_built_notebook_template_carries_the_courses_cohort(built):
    text = "".join(c.source for c in built.template.cells if c.cell_type == "markdown")
    assert "<기수>" not in text and "<cohort>" not in text
    assert f"2주차 과제_{built.cfg.course.cohort}기 <이름>.ipynb" in text


def test_feedback_help_names_the_folder_it_writes_to():
    from typer.testing import CliRunner

    from autograder.cli import app

    text = " ".join(CliRunner().invoke(app, ["feedback", "--help"], env={"COLUMNS": "200"}).output.split())
    assert "out/reports/feedback/week02" in text and "(default: reports/feedback/WEEK)" not in text
