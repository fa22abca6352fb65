"""The Ray backend on a local Ray cluster: the same batch graded by the local backend and by
Ray gives the same gradebook (scores, case verdicts, the hints named — a node gets the week's
hints.py with its cases.py), each submission graded exactly once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from autograder import config
from autograder.demo import ON_TIME, collect_on_schedule, make_class
from autograder.engine import Limits
from autograder.engine.pool import SandboxPool
from autograder.grade import grade_week
from autograder.gradebook import Gradebook, results, runs, submissions
from tests.conftest import PROJECT

CLASS = [
    ("19001", "박세훈", True, "correct", "canonical", ON_TIME),
    ("19002", "김민지", True, "partial-a", "canonical", ON_TIME),
    ("19003", "이준호", True, "blank", "canonical", ON_TIME),
    ("19010", "서예린", True, "hostile", "canonical", ON_TIME),
]


def _gradebook(cfg: config.CourseConfig) -> dict[str, list[tuple]]:
    book = Gradebook(cfg.gradebook)
    query = (select(submissions.c.student_id, results.c.case_id, results.c.status, results.c.points, results.c.hints)
             .join(runs, runs.c.submission_id == submissions.c.id).join(results, results.c.run_id == runs.c.id)
             .where(runs.c.current.is_(True)).order_by(submissions.c.student_id, results.c.case_id))
    out: dict[str, list[tuple]] = {}
    with book.engine.connect() as conn:
        for sid, case_id, status, points, hints in conn.execute(query):
            out.setdefault(sid, []).append((case_id, status, points, hints))
        graded = conn.execute(select(runs.c.submission_id).where(runs.c.status == "graded")).all()
    assert len(graded) == len({g[0] for g in graded})  # exactly once
    return out


@pytest.fixture(scope="module")
def collected(tmp_path_factory, need_git) -> Path:
    work = tmp_path_factory.mktemp("ray") / "course"
    work.mkdir()
    cfg = make_class(work, PROJECT, say=lambda *a: None, students=CLASS)
    collect_on_schedule(cfg, Gradebook(cfg.gradebook))
    return work


def test_ray_backend_gives_the_local_backends_gradebook(collected, tmp_path):
    ray = pytest.importorskip("ray")
    local = shutil.copytree(collected, tmp_path / "local", ignore=shutil.ignore_patterns("class-repo"))
    remote = shutil.copytree(collected, tmp_path / "ray", ignore=shutil.ignore_patterns("class-repo"))
    yml = remote / "grader.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("grading: {workers: 2,",
                                                           "grading: {backend: ray, workers: 2,"), encoding="utf-8")
    cfg_local, cfg_ray = config.load(local / "grader.yml"), config.load(yml)
    assert cfg_ray.grading.backend == "ray"
    grade_week(cfg_local, cfg_local.assignment("week02"), Gradebook(cfg_local.gradebook), show_progress=False)
    try:
        summary = grade_week(cfg_ray, cfg_ray.assignment("week02"), Gradebook(cfg_ray.gradebook),
                             show_progress=False)
    finally:
        ray.shutdown()
    assert summary.graded == len(CLASS) and all(i.startswith("ray:") for i in summary.isolation)
    if SandboxPool.usable(Limits.from_config(cfg_ray.grading)):  # each Ray worker keeps a warm sandbox
        assert all(i.startswith("ray:bwrap+warm") for i in summary.isolation), summary.isolation
    ours, theirs = _gradebook(cfg_local), _gradebook(cfg_ray)
    assert set(ours) == {s[0] for s in CLASS} and ours == theirs
    scores = {sid: sum(row[2] for row in rows) for sid, rows in theirs.items()}
    assert scores["19001"] == 20 and scores["19003"] == 0 and scores["19010"] == 17.5
    assert any(row[3] and row[3] != "[]" for rows in theirs.values() for row in rows), "no hint reached the gradebook"
