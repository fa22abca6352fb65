"""End to end on the demo class: build → collect → grade → report, then idempotence."""

from __future__ import annotations

import re

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from autograder.collect import collect_week
from autograder.config import Visibility
from autograder.demo import run_demo
from autograder.feedback import write_feedback
from autograder.grade import grade_week
from autograder.gradebook import Gradebook, RunRow, runs, submissions
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def demo(tmp_path_factory, need_git):
    return run_demo(PROJECT, tmp_path_factory.mktemp("demo"), say=lambda *a: None, show_progress=False)


def _scores(demo) -> dict[str, tuple[float, str]]:
    df = pd.read_csv(demo.report_html.parent / "submissions.csv")
    return {r.name: (r.score, r.status) for r in df.itertuples()}


def test_demo_report_has_the_expected_verdicts(demo):
    s = _scores(demo)
    assert s["박세훈"] == (20.0, "on time")
    assert s["이준호"][0] == 0.0
    assert 0 < s["김민지"][0] < 20 and 0 < s["한유나"][0] < 20 and 0 < s["오지훈"][0] < 20
    assert s["최서연"] == (16.0, "late (2 d, −20%)")
    assert s["강하늘"][0] == 20.0  # NFD file name
    assert s["서예린"][0] == 17.5  # hostile: loops forever in one function, earns the rest
    assert s["임도윤"][1].startswith("invalid: not valid JSON")
    assert s["신동현"] == (0.0, "missing")
    assert s["문채원"] == (16.0, "late (2 d, −20%)")  # commit dated on time, first seen two days late
    issues = pd.read_csv(demo.report_html.parent / "collection_issues.csv")
    kinds = dict(zip(issues.kind, issues.path))
    assert "문채원" in kinds["suspicious-date"]
    assert "윤지아" in kinds["unknown-student"] and "정우진" in kinds["bad-name"] and "임도윤" in kinds["invalid-notebook"]
    review = issues[issues.kind == "needs-review"]  # the hostile student's evasion code, by line
    assert len(review) == 1 and "서예린" in review.path.iloc[0] and "sys.setprofile" in review.detail.iloc[0]
    html = demo.report_html.read_text(encoding="utf-8")
    assert "박세훈" in html and 'id="class-table"' in html and "softmax/mixed_extremes" in html
    assert 'id="review-table"' in html and "sys.setprofile" in html


def test_tolerated_names_are_recorded(demo):
    book = Gradebook(demo.cfg.gradebook)
    with book.engine.connect() as conn:
        tolerated = dict(conn.execute(select(submissions.c.student_name, submissions.c.tolerated)).all())
    assert "NFD" in tolerated["강하늘"] and "'주차' and '과제'" in tolerated["오지훈"]


def test_rerunning_collect_and_grade_does_nothing_new_and_regrade_keeps_history(demo):
    book = Gradebook(demo.cfg.gradebook)
    week = demo.cfg.assignment("week02")
    assert collect_week(demo.cfg, week, book).new == 0
    with book.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(runs)).scalar()
    assert grade_week(demo.cfg, week, book, show_progress=False).graded == 0
    one = book.pending(week.id, demo.cfg.path(demo.cfg.storage.data_dir), regrade=True)[:1]
    sid = one[0].submission_id
    book.record_run(sid, RunRow("t", "t", "graded", score=1.0, max_score=20.0), [], "tester:1",
                    only_if_ungraded=False)
    with book.engine.connect() as conn:
        rows = conn.execute(select(runs.c.current).where(runs.c.submission_id == sid)).scalars().all()
        total = conn.execute(select(func.count()).select_from(runs)).scalar()
    assert total == before + 1 and sorted(rows) == [False, True]


def test_a_finished_submission_is_never_stored_twice(demo):
    book = Gradebook(demo.cfg.gradebook)
    p = book.pending("week02", demo.cfg.path(demo.cfg.storage.data_dir), regrade=True)[0]
    run = RunRow("t", "t", "graded", score=3.0, max_score=20.0)
    assert book.record_run(p.submission_id, run, [], "late-grader:2", only_if_ungraded=True) is None


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_claims_block_live_owners_and_pass_from_dead_ones(tmp_path, request, database):
    book = Gradebook(tmp_path / "g.sqlite" if database == "sqlite" else request.getfixturevalue("postgres").database())
    import os
    import socket

    me = f"{socket.gethostname()}:{os.getpid()}"
    dead = f"{socket.gethostname()}:999999999"
    assert book.claim(1, me)
    assert not book.claim(1, dead)  # a live owner keeps its claim
    book.release(1, me)
    assert book.claim(2, dead)
    assert book.claim(2, me)  # the dead owner's claim is taken over


def _feedback(demo, tmp_path, visibility, at):
    week = demo.cfg.assignment("week02").model_copy(update={"hidden_tests": visibility})
    files = write_feedback(demo.cfg, week, Gradebook(demo.cfg.gradebook), tmp_path / visibility.value, at=at)
    return {sid: p.read_text(encoding="utf-8") for sid, p in files.files.items()}


def test_feedback_hides_hidden_test_details_unless_allowed(demo, tmp_path):
    due = demo.cfg.due(demo.cfg.assignment("week02"))
    before, after = due - dt.timedelta(days=1), due + dt.timedelta(days=7)
    hidden = _feedback(demo, tmp_path, Visibility.hidden, after)
    assert len(hidden) == 12  # every roster student, graded or not
    partial = hidden["19002"]  # global-max softmax and a summed 'mean' cross-entropy
    assert "`softmax/mixed_extremes`" in partial and "| 실패 / failed |" in partial and "| 통과 / passed |" in partial
    assert "relative error" not in partial and "shape=" not in partial and "seed=" not in partial
    assert "uses forbidden" in hidden["19008"]  # a forbidden call is the student's own code: always named
    assert "16 / 20" in hidden["19004"] and "late (2 d, −20%)" in hidden["19004"]
    assert "No graded submission" in hidden["19011"]

    visible = _feedback(demo, tmp_path, Visibility.visible, before)["19002"]
    assert "relative error" in visible and "seed=" in visible
    def no_hints(text):  # hints follow their own policy (after the deadline by default): tests/feedback
        return re.sub(r"### 힌트 / Hints.*?(?=\n##|\Z)", "", text, flags=re.S)
    assert no_hints(_feedback(demo, tmp_path, Visibility.after_deadline, before)["19002"]) == no_hints(partial)
    assert "seed=" in _feedback(demo, tmp_path, Visibility.after_deadline, after)["19002"]
