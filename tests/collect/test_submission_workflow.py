"""Submissions through git that a course can trust: lateness from when the collector first saw
a commit (not its forgeable date), force-pushes and odd dates flagged, extensions and a bank of
late days, one repository per student, unreachable repositories reported. No grading here: runs
are recorded directly so that every score follows from the policy alone."""

from __future__ import annotations

import os
import subprocess

import pytest

from autograder import config
from autograder.collect import collect_week
from autograder.demo import _git
from autograder.gradebook import Gradebook
from autograder.report.finals import final_scores
from tests.workflow_class import NOTEBOOK, _course, _file, _finals, _push, _repo, _score_all


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory, need_git):
    """A class repository collected on a schedule, around a deadline of 07-14 23:59 KST."""
    root = tmp_path_factory.mktemp("workflow")
    repo = _repo(root / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00")                  # honest, on time
    _push(repo, _file("이준호"), "2026-07-20T09:00:00+09:00")                  # clock set ahead, pushed on time
    _push(repo, _file("최서연"), "2026-07-14T19:00:00+09:00")                  # will be force-pushed away
    cfg = _course(root)
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week02")
    first = collect_week(cfg, week, book, seen_at="2026-07-14T21:00:00+09:00")
    # after the deadline: a back-dated commit, a rewritten history, an honest late push
    _git(repo, "reset", "-q", "--hard", "HEAD~1")
    _push(repo, _file("최서연"), "2026-07-14T19:30:00+09:00", data=NOTEBOOK.replace(b"x = 1", b"x = 2"))
    _push(repo, _file("김민지"), "2026-07-14T22:00:00+09:00")                  # back-dated: pushed 07-15 noon
    second = collect_week(cfg, week, book, seen_at="2026-07-15T12:00:00+09:00")
    _push(repo, _file("강하늘"), "2026-07-16T09:00:00+09:00")                  # honestly late
    third = collect_week(cfg, week, book, seen_at="2026-07-16T09:30:00+09:00")
    _score_all(cfg, book)
    return cfg, book, first, second, third, root


def test_lateness_follows_first_seen_not_the_commit_date(scheduled):
    cfg, book, *_ = scheduled
    got = _finals(cfg, book)
    assert got["박세훈"] == (20.0, 0, "on time")
    assert got["이준호"] == (20.0, 0, "on time")  # dated in the future, but here before the deadline
    assert got["김민지"] == (18.0, 1, "late (1 d, −10%)")  # dated 22:00 on the 14th, seen at noon on the 15th
    assert got["강하늘"] == (16.0, 2, "late (2 d, −20%)")
    assert got["정우진"] == (0.0, 0, "missing")


def test_forged_dates_and_force_pushes_are_flagged(scheduled):
    cfg, book, first, second, third, _ = scheduled
    issues = second.issues + third.issues
    dates = {i.student: i.detail for i in first.issues + issues if i.kind == "suspicious-date"}
    assert "after it was first seen" in dates["이준호"] and "before the deadline" in dates["김민지"]
    assert "박세훈" not in dates and "강하늘" not in dates
    pushed = [i for i in second.issues if i.kind == "force-push"]
    assert len(pushed) == 1 and _file("최서연") in pushed[0].path and "no longer on the branch" in pushed[0].detail
    from autograder.report.finals import read_sql
    logged = read_sql(book, "SELECT kind FROM collection_issues WHERE kind = 'force-push'")
    assert len(logged) == 1  # reported at every collection, listed once in the report


def test_the_collection_log_is_append_only_and_never_rewrites_first_seen(scheduled):
    cfg, book, *_ = scheduled
    from sqlalchemy import select
    from autograder.gradebook import commit_sightings, ref_log

    with book.engine.connect() as conn:
        before = sorted(conn.execute(select(commit_sightings)).all())
        heads = conn.execute(select(ref_log.c.sha, ref_log.c.seen_at)).all()
    assert len(heads) == 3  # the head changed at each of the three collections
    collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-20T10:00:00+09:00")
    with book.engine.connect() as conn:
        assert sorted(conn.execute(select(commit_sightings)).all()) == before
        assert len(conn.execute(select(ref_log)).all()) == 3  # same head: nothing new to log
    assert _finals(cfg, book)["김민지"][1] == 1


def test_commit_time_policy_trusts_the_dates(scheduled, tmp_path):
    cfg, book, *_ = scheduled
    text = (cfg.root / "grader.yml").read_text(encoding="utf-8").replace("time_source: first_seen",
                                                                          "time_source: commit_time")
    (cfg.root / "commit_time.yml").write_text(text, encoding="utf-8")
    got = _finals(config.load(cfg.root / "commit_time.yml"), book)
    assert got["김민지"] == (20.0, 0, "on time") and got["강하늘"][1] == 2


def test_extension_and_late_day_bank_recompute_scores(scheduled):
    cfg, book, *_ = scheduled
    banked = config.load(cfg.root / "grader.yml").model_copy(
        update={"late_policy": cfg.late_policy.model_copy(update={"bank_days": 2})})
    got = _finals(banked, book)
    assert got["김민지"] == (20.0, 1, "late (1 d, 1 bank day, −0%)")
    assert got["강하늘"] == (20.0, 2, "late (2 d, 2 bank days, −0%)")  # each student has their own bank
    book.put_extension({"student_id": "19005", "assignment": "week02", "days": 2, "reason": "병가 / sick",
                        "granted_by": "조교", "granted_at": "2026-07-16T12:00:00+00:00"})
    got = _finals(cfg, book)
    assert got["강하늘"] == (20.0, 0, "on time")
    finals = final_scores(cfg, book).set_index("name")
    assert finals.at["강하늘", "extension_days"] == 2
    book.put_extension({"student_id": "19005", "assignment": "week02", "days": 1, "reason": None,
                        "granted_by": "조교", "granted_at": "2026-07-16T13:00:00+00:00"})  # changed, not added
    assert _finals(cfg, book)["강하늘"] == (18.0, 1, "late (1 d, −10%)") and len(book.extensions()) == 1


def test_extend_cli_names_a_bad_student_and_records_a_good_one(scheduled):
    from typer.testing import CliRunner

    from autograder.cli import app

    cfg, book, *_ = scheduled
    runner = CliRunner()
    bad = runner.invoke(app, ["extend", "홍길동", "week02", "--days", "2", "-c", str(cfg.root / "grader.yml")])
    assert bad.exit_code == 2 and "no student '홍길동' on the roster" in " ".join(bad.output.split())
    ok = runner.invoke(app, ["extend", "정우진", "2", "--days", "3", "--reason", "대회 참가",
                             "-c", str(cfg.root / "grader.yml")])
    assert ok.exit_code == 0, ok.output
    assert any(e["student_id"] == "19006" and e["days"] == 3 for e in book.extensions())


def test_student_repositories_in_parallel_with_an_unreachable_one(tmp_path, need_git):
    own = {sid: _repo(tmp_path / "repos" / f"user{sid}") for sid in ("19001", "19002", "19003")}
    _push(own["19001"], _file("박세훈"), "2026-07-14T20:00:00+09:00")
    _push(own["19002"], "2주차_김민지_final.ipynb", "2026-07-14T20:00:00+09:00")  # not the naming convention
    _push(own["19003"], _file("김철수"), "2026-07-14T20:00:00+09:00")  # someone else's name in 이준호's repo
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}', parallel: 4}}"
    cfg = _course(tmp_path, sources=sources)
    book = Gradebook(cfg.gradebook)
    report = collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-14T21:00:00+09:00")
    stored = {r.student_id: r for r in report.accepted}
    assert set(stored) == {"19001", "19002", "19003"}
    assert "repository is 이준호's" in stored["19003"].tolerated
    # a misnamed file in her own repository is still hers: graded, the name noted for the TA and for her
    assert "does not follow" in stored["19002"].tolerated and not any(i.kind == "bad-name" for i in report.issues)
    assert any(i.kind == "name-differs" and i.student == "김민지" for i in report.issues)
    unreachable = [i for i in report.issues if i.kind == "unreachable-repo"]
    assert report.unreachable == 3 and {i.student for i in unreachable} == {"최서연", "강하늘", "정우진"}
    _score_all(cfg, book)
    assert _finals(cfg, book)["박세훈"] == (20.0, 0, "on time")
    assert _finals(cfg, book)["김민지"] == (20.0, 0, "on time")
    from autograder.feedback import write_feedback

    text = write_feedback(cfg, cfg.assignment("week02"), book, tmp_path / "fb").files["19002"].read_text("utf-8")
    assert "About your files" in text and "does not follow" in text and "20 / 20" in text
    # a file for another week, or of another type, in her repository is not taken
    _push(own["19002"], "3주차_김민지.ipynb", "2026-07-14T22:00:00+09:00")
    _push(own["19002"], "2주차 보고서_김민지.pdf", "2026-07-14T22:00:00+09:00")
    again = collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-14T23:00:00+09:00")
    assert {r.path for r in again.accepted if r.student_id == "19002"} == {"2주차_김민지_final.ipynb"}


def test_a_renamed_student_is_recognised_by_their_git_user(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _push(repo, _file("김민주"), "2026-07-14T20:00:00+09:00", author="user19002")  # 김민지 changed her name
    cfg = _course(tmp_path)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook),
                          seen_at="2026-07-14T21:00:00+09:00")
    unknown = [i for i in report.issues if i.kind == "unknown-student"]
    assert len(unknown) == 1 and "김민지 (19002)" in unknown[0].detail and "renamed" in unknown[0].detail


def test_feedback_is_committed_to_each_students_feedback_branch(tmp_path, need_git):
    from autograder.feedback import write_feedback
    from autograder.feedback.publish import publish_feedback

    own = {sid: _repo(tmp_path / "repos" / f"user{sid}") for sid in ("19001", "19002")}
    _push(own["19001"], _file("박세훈"), "2026-07-14T20:00:00+09:00")
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week02")
    collect_week(cfg, week, book, seen_at="2026-07-14T21:00:00+09:00")
    _score_all(cfg, book)
    files = write_feedback(cfg, week, book, tmp_path / "fb")
    done = {p.student_id: p for p in publish_feedback(cfg, week, files.files)}
    assert done["19001"].ok and done["19002"].ok, done
    assert not done["19003"].ok and "cannot read the repository" in done["19003"].detail  # no such repository: reported
    shown = subprocess.run(["git", "-C", str(own["19001"]), "show", "feedback:feedback/week02.md"],
                           capture_output=True, text=True, check=True).stdout
    assert "박세훈" in shown and "20 / 20" in shown
    main = subprocess.run(["git", "-C", str(own["19001"]), "ls-tree", "--name-only", "main"], capture_output=True,
                          text=True, check=True).stdout
    assert "feedback" not in main  # the student's own branch is untouched
    again = {p.student_id: p for p in publish_feedback(cfg, week, files.files)}
    assert again["19001"].detail == "unchanged"


def test_feedback_is_never_committed_to_a_shared_class_repository(scheduled):
    from autograder.errors import UserError
    from autograder.feedback.publish import publish_feedback

    cfg, *_ = scheduled
    with pytest.raises(UserError, match="everyone's feedback"):
        publish_feedback(cfg, cfg.assignment("week02"), {})


def test_a_repository_that_moved_keeps_its_commits_first_seen_times(tmp_path, need_git):
    """The course moved its class repository (a new host or organisation): first-seen times follow the
    commits, so nothing collected before the move reads as back-dated or late after it."""
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00")
    cfg = _course(tmp_path)
    book = Gradebook(cfg.gradebook)
    collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-14T21:00:00+09:00")
    moved = tmp_path / "new-host" / "class"
    moved.parent.mkdir()
    repo.rename(moved)
    yml = tmp_path / "grader.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(str(repo), str(moved)), encoding="utf-8")
    cfg = config.load(yml)
    after = collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-16T09:00:00+09:00")
    assert not [i for i in after.issues if i.kind in ("suspicious-date", "force-push")], after.issues
    _score_all(cfg, book)
    assert _finals(cfg, book)["박세훈"] == (20.0, 0, "on time")
