"""Case time limits from the reference's measured time: `build` writes them, `grade` uses them. A
hanging function costs seconds, and correct code much slower than the reference keeps its marks."""

from __future__ import annotations

import dataclasses
import json
import time

import nbformat

from autograder.build.timings import FACTOR, FLOOR_S, case_limits, timings_path
from autograder.casekit.loader import CASES_FILE
from autograder.engine import Limits, grade_notebook
from autograder.notebooks import with_functions
from tests.weeks.test_weeks_grading import alternatives

LIMITS = Limits(wall_s=240, case_timeout_s=20)


def _measured(built) -> tuple[tuple[str, float], ...]:
    return case_limits(built.cfg.path(built.cfg.build.output), built.week.id,
                       built.cfg.path(built.week.folder) / CASES_FILE)


def test_build_records_the_reference_time_of_every_case(built):
    limits = dict(_measured(built))
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
    limits = dataclasses.replace(LIMITS, case_limits=_measured(built))
    start = time.monotonic()
    result = grade_notebook(path, built.cases, limits)
    took = time.monotonic() - start
    hung = [c for c in result.cases if c.case_id.startswith("cross_entropy/") and c.status == "timeout"]
    assert len(hung) == 9  # every CPU case of the question
    assert result.score == 15  # the other questions keep their points
    assert took < 30, took  # otter: 20 s for each of the 9
    assert all("shortened" in c.message for c in hung[1:])


def test_correct_code_far_slower_than_the_reference_keeps_full_marks(build_of, tmp_path):
    """Week 5's naive-loop convolution and pooling (Python loops over every output pixel)."""
    built = build_of("week05")
    path = tmp_path / "loops.ipynb"
    nbformat.write(with_functions(built.solution, alternatives("week05")["naive_loops_and_argmax"]), str(path))
    limits = dataclasses.replace(LIMITS, case_limits=_measured(built))
    layers = [c for c in built.cases if not c.id.startswith("train_small_cnn/")]  # the loops, not the training
    result = grade_notebook(path, layers, limits)
    assert result.score == result.max_score, [(c.case_id, c.status, c.message[:80]) for c in result.cases
                                              if c.status != "passed"]
    own = dict(limits.case_limits)
    slowest = max((c.seconds / own[c.case_id], c.case_id) for c in result.cases if c.case_id in own)
    # well inside its limit (0.35 measured here, in conv2d/backward_grid): room for a slower machine;
    # a factor of 20 (0.69 here) failed this
    assert slowest[0] < 0.6, slowest
