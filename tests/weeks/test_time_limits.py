"""Case time limits from the reference's measured time: `build` writes them, `grade` uses them, and
a hanging function costs seconds. That correct code much slower than the reference keeps its
marks under them is checked with every week's correct alternatives (test_weeks_grading)."""

from __future__ import annotations

import dataclasses
import json
import time

import nbformat

from autograder.build.timings import FACTOR, FLOOR_S, case_limits, measured_limits, timings_path
from autograder.casekit.loader import CASES_FILE
from autograder.engine import Limits, grade_notebook
from autograder.inside.probe import HUNG_CALL_S
from autograder.notebooks import with_functions

LIMITS = Limits(wall_s=240, case_timeout_s=20)


def test_build_records_the_reference_time_of_every_case(built):
    limits = dict(measured_limits(built.cfg, built.week))
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
    limits = dataclasses.replace(LIMITS, case_limits=measured_limits(built.cfg, built.week))
    start = time.monotonic()
    result = grade_notebook(path, built.cases, limits)
    took = time.monotonic() - start
    hung = [c for c in result.cases if c.case_id.startswith("cross_entropy/") and c.status == "timeout"]
    assert len(hung) == 9  # every CPU case of the question
    assert result.score == 15  # the other questions keep their points
    assert took < 30, took  # otter: 20 s for each of the 9
    assert all("shortened" in c.message for c in hung[1:])


def test_a_function_that_hung_gets_a_short_budget_where_another_question_calls_it(built, tmp_path):
    """cross_entropy calls log_softmax; this log_softmax never returns on float32 input. Its own
    float32 case costs the full limit; cross_entropy's float32 case stops after HUNG_CALL_S inside
    it instead of spending its own limit; every other cross_entropy case (float64, where this
    log_softmax returns at once) keeps its points. The loop runs under the detector's profile hook:
    the alarm must not land inside the hook (Python would drop it, and the case would read as the
    detector switched off, not as a timeout)."""
    source = ("def log_softmax(logits, dim=-1):\n"
              "    while logits.dtype == torch.float32:\n        pass\n"
              "    shifted = logits - logits.amax(dim=dim, keepdim=True)\n"
              "    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))\n")
    path = tmp_path / "hangs_on_float32.ipynb"
    nbformat.write(with_functions(built.solution, {"log_softmax": source}), str(path))
    result = grade_notebook(path, built.cases, dataclasses.replace(LIMITS, case_timeout_s=8))
    by_id = {c.case_id: c for c in result.cases}
    assert by_id["log_softmax/float32"].status == "timeout", by_id["log_softmax/float32"].message
    assert "8 s exceeded" in by_id["log_softmax/float32"].message
    stuck = by_id["cross_entropy/float32"]
    assert stuck.status == "timeout" and f"log_softmax ran for {HUNG_CALL_S:g} s" in stuck.message, stuck.message
    assert stuck.seconds < 3  # its own limit was 8 s
    for case_id in ("cross_entropy/mean", "cross_entropy/sum", "cross_entropy/none", "cross_entropy/stability",
                    "log_softmax/values", "log_softmax/large_gaps"):
        assert by_id[case_id].status == "passed", (case_id, by_id[case_id].message)
