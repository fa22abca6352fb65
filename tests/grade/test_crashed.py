"""A snapshot that makes the grader fail the same way batch after batch, while the others are
graded, is scored as crashed with the reason — not "not graded yet" forever; a grader that grades
nobody is down, and no student is charged for it."""

from __future__ import annotations

import nbformat

from autograder.collect import collect_week
from autograder.engine import GradeResult
from autograder.engine.notebook_grader import CaseResult
from autograder.grade import grade_week
from autograder.grade.api import CRASH_AFTER
from autograder.gradebook import Gradebook
from autograder.kinds.base import SubmissionGrader
from autograder.report.finals import final_scores
from tests.workflow_class import _course, _file, _push, _repo

FORGER = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; os._exit(0)")])).encode()


class FakeGrader(SubmissionGrader):
    """The sandbox's outcome without a sandbox: the forger's runs end as 'did not start'."""

    def __init__(self, down: bool = False):
        self.down = down

    def grade(self, snapshot, filename):
        if self.down or b"os._exit" in snapshot.read_bytes():
            return GradeResult(infra_error="the sandbox did not start (no handshake)")
        return GradeResult(cases=[CaseResult("q/a", "a", 20.0, 20.0, "passed", "", 0.1)])


def test_identical_failures_become_crashed_only_while_others_are_graded(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00")
    _push(repo, _file("김민지"), "2026-07-14T20:00:00+09:00", data=FORGER)
    cfg = _course(tmp_path)
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week02")
    collect_week(cfg, week, book, seen_at="2026-07-14T21:00:00+09:00")
    for _ in range(3):  # the grader is down: nobody is charged, however often it is tried
        assert grade_week(cfg, week, book, grader=FakeGrader(down=True), show_progress=False).crashed == 0
    first = grade_week(cfg, week, book, grader=FakeGrader(), show_progress=False)
    assert first.graded == 1 and first.crashed == 0  # once is not "the same way every time"
    for n in range(2, CRASH_AFTER + 1):
        summary = grade_week(cfg, week, book, grader=FakeGrader(), show_progress=False)
    assert summary.crashed == 1
    finals = final_scores(cfg, book).set_index("name")
    assert finals.loc["김민지", "score"] == 0 and finals.loc["김민지", "status"].startswith("rejected: crashed")
    assert "did not start" in finals.loc["김민지", "status"]
    assert finals.loc["박세훈", "score"] == 20.0
    assert not book.pending("week02", cfg.path(cfg.storage.data_dir))  # no longer retried every batch


def test_a_grader_that_goes_down_after_working_charges_no_one(tmp_path, need_git):
    """Batches of only the failing submission ask a graded one again (a probe): when the probe fails
    too, the grader is down and the failures count for nothing."""
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00")
    cfg = _course(tmp_path)
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week02")
    collect_week(cfg, week, book, seen_at="2026-07-14T21:00:00+09:00")
    assert grade_week(cfg, week, book, grader=FakeGrader(), show_progress=False).graded == 1
    _push(repo, _file("김민지"), "2026-07-14T20:30:00+09:00")  # an honest notebook, while the grader is down
    collect_week(cfg, week, book, seen_at="2026-07-14T22:00:00+09:00")
    for _ in range(CRASH_AFTER + 1):
        assert grade_week(cfg, week, book, grader=FakeGrader(down=True), show_progress=False).crashed == 0
    assert len(book.pending("week02", cfg.path(cfg.storage.data_dir))) == 1  # still waiting to be graded
