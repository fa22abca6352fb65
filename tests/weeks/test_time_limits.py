"""Case time limits from the reference's measured time: `build` writes them, `grade` uses them, and
a hanging function costs seconds. That correct code much slower than the reference keeps its
marks under them is checked with every week's correct alternatives (test_weeks_grading)."""

from __future__ import annotations

import dataclasses
import json
import time

import nbformat

from autograder.build.timings import FACTOR, FLOOR_S, case_limits, timings_path
from autograder.casekit.loader import CASES_FILE
from autograder.engine import Limits, grade_notebook
from autograder.notebooks import with_functions
from tests.weeks.test_weeks_grading import measured_limits

LIMITS = Limits(wall_s=240, case_timeout_s=20)


def test_build_records_the_reference_time_of_every_case(built):
    limits = dict(measured_limits(built))
    graded = [c for c in built.cases if c.runnable()]
    assert set(limits) == {c.id for c in graded}
    seconds = json.loads(timings_path(built.cfg.path(built.cfg.build.output), "week02").read_text())["reference_seconds"]
    for case_id, limit in limits.items():
        assert limit == round(max(FLOOR_S, FACTOR * seconds[case_id]), 3)


def test_timings_of_another_cases_py_are_not_used(built, tmp_path):
    other = tmp_path / CASES_FILE
    other.write_text("# edited\n", encoding="utf-8")
    assert case_limits(built.cfg.path(built.cfg.build.output), "week02", other) == ()
    assert case_limits(tmp_path, "week02", built.cfg.path(built.week.folder) / CASES_FILE) == ()  # never built


def test_a_hanging_function_costs_seconds_not_minutes(built, tmp_path):
    path = tmp_path / "hangs.ipynb"
    hang = "def cross_entropy(logits, target, reduction='mean'):\n    while True:\n        pass\n"
    nbformat.write(with_functions(built.solution, {"cross_entropy": hang}), str(path))
    limits = dataclasses.replace(LIMITS, case_limits=measured_limits(built))
    start = time.monotonic()
    result = grade_notebook(path, built.cases, limits)
    took = time.monotonic() - start
    hung = [c for c in result.cases if c.case_id.startswith("cross_entropy/") and c.status == "timeout"]
    assert len(hung) == 9  # every CPU case of the question
    assert result.score == 15  # the other questions keep their points
    assert took < 30, took  # otter: 20 s for each of the 9
    assert all("shortened" in c.message for c in hung[1:])
