"""Nothing lost: a grader killed with SIGKILL mid-batch, and two graders at once — with the
SQLite gradebook and with a PostgreSQL one (a real server, started by the ``postgres`` fixture).

A small class (6 submissions) is collected once per database; each test grades its own copy of
the course folder (and of the database) with the real command line, and compares the gradebook
with an uninterrupted run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from autograder import config
from autograder.demo import LATE, ON_TIME, collect_on_schedule, make_class
from autograder.casekit.loader import load_cases
from autograder.feedback import write_feedback
from autograder.grade import grade_week
from autograder.report import class_tables
from autograder.gradebook import Gradebook, runs, submissions
from tests.conftest import PROJECT

CLASS = [
    ("19001", "박세훈", True, "correct", "canonical", ON_TIME),
    ("19002", "김민지", True, "partial-a", "canonical", ON_TIME),
    ("19003", "이준호", True, "blank", "canonical", ON_TIME),
    ("19004", "최서연", True, "correct", "canonical", LATE),
    ("19008", "한유나", True, "partial-b", "canonical", ON_TIME),
    ("19009", "오지훈", True, "partial-c", "tolerated", ON_TIME),
]


def _use_database(course: Path, url: str) -> None:
    path = course / "grader.yml"
    text = re.sub(r'(storage: \{url: ")[^"]+', lambda m: m.group(1) + url, path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def collected(request, tmp_path_factory, need_git) -> tuple[Path, object]:
    work = tmp_path_factory.mktemp(f"resilience-{request.param}") / "course"
    work.mkdir()
    server = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    cfg = make_class(work, PROJECT, say=lambda *a: None, students=CLASS)
    if server:
        _use_database(work, server.database())
        cfg = config.load(work / "grader.yml")
    book = Gradebook(cfg.gradebook)
    collect_on_schedule(cfg, book)
    book.engine.dispose()  # a database copied as a template must have no connections
    return work, server


def _copy(collected: tuple[Path, object], dest: Path) -> config.CourseConfig:
    folder, server = collected
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns("class-repo"))
    if server:
        source = config.load(folder / "grader.yml").storage.url.rsplit("/", 1)[1]
        _use_database(dest, server.database(template=source))
    return config.load(dest / "grader.yml")


def _runs(cfg: config.CourseConfig) -> list[tuple]:
    """(student, run id, finished_at, score) of every graded run, in id order."""
    book = Gradebook(cfg.gradebook)
    query = (select(submissions.c.student_id, runs.c.id, runs.c.finished_at, runs.c.score, runs.c.current)
             .join(runs, runs.c.submission_id == submissions.c.id)
             .where(runs.c.status == "graded").order_by(runs.c.id))
    with book.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def _scores(rows: list[tuple]) -> dict[str, float]:
    return {student: score for student, _, _, score, current in rows if current}


def _grade_cli(cfg: config.CourseConfig, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "grade", "week02", "-c", str(cfg.root / "grader.yml"),
                             *extra], cwd=cfg.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def uninterrupted(collected, tmp_path_factory) -> dict[str, float]:
    cfg = _copy(collected, tmp_path_factory.mktemp("straight") / "course")
    grade_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), show_progress=False)
    scores = _scores(_runs(cfg))
    assert len(scores) == len(CLASS) and scores["19001"] == 20.0 and scores["19003"] == 0.0
    return scores


def test_kill_9_mid_batch_then_resume_grades_each_submission_exactly_once(collected, uninterrupted, tmp_path):
    cfg = _copy(collected, tmp_path / "course")
    proc = _grade_cli(cfg, "--workers", "1")
    deadline = time.monotonic() + 120
    while len(_runs(cfg)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the grader and every sandbox it started
    proc.wait()
    before = _runs(cfg)
    assert 2 <= len(before) < len(CLASS), "the kill should land in the middle of the batch"

    resumed = _grade_cli(cfg)
    out = resumed.communicate(timeout=300)[0].decode()
    assert resumed.returncode == 0, out
    after = _runs(cfg)
    assert after[:len(before)] == before  # earlier results untouched
    assert sorted(r[0] for r in after) == sorted(s[0] for s in CLASS)  # once each: no duplicates, no gaps
    assert _scores(after) == uninterrupted


def test_two_grade_runs_at_once_share_the_batch_without_duplicates(collected, uninterrupted, tmp_path):
    cfg = _copy(collected, tmp_path / "course")
    procs = [_grade_cli(cfg, "--workers", "1") for _ in range(2)]
    outs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    rows = _runs(cfg)
    assert sorted(r[0] for r in rows) == sorted(s[0] for s in CLASS)
    assert _scores(rows) == uninterrupted
    assert all("graded" in o for o in outs)
    assert any("scores of this batch (of 20): median" in o for o in outs), outs  # grade says how it went
    # the reports and feedback read the same gradebook on either database, cases in the week's order
    book = Gradebook(cfg.gradebook)
    students = class_tables(cfg, book).students.set_index("student_id")
    assert students.loc["19001", "score"] == 20.0 and students.loc["19003", "score"] == 0.0
    text = write_feedback(cfg, cfg.assignment("week02"), book, tmp_path / "feedback").files["19001"].read_text()
    order = [c.id for c in load_cases(cfg.path(cfg.assignment("week02").folder))]
    shown = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]
    assert shown == order
