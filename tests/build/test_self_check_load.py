"""The build's self-check gives the same verdict on a busy machine: a reference that only ran out
of time is graded again with more time; a real failure is never retried into a pass."""

from __future__ import annotations

import multiprocessing
import time

from autograder.build.api import LOADED_FACTOR, _problems, self_check
from autograder.engine import GradeResult, Limits
from autograder.engine.notebook_grader import CaseResult


def _result(status: str) -> GradeResult:
    return GradeResult(cases=[CaseResult("q/a", "a", 1.0 if status == "passed" else 0.0, 1.0, status, "", 0.1)])


def test_only_a_reference_that_ran_out_of_time_is_graded_again_with_more_time():
    seen: list[Limits] = []

    def grade(path, cases, limits):
        seen.append(limits)
        if path == "reference":
            return _result("timeout" if len(seen) == 1 else "passed")
        return _result("failed")

    reference, blank = self_check("reference", "template", [], Limits(case_timeout_s=2), grade=grade)
    assert reference.score == 1.0 and blank.score == 0
    assert [l.time_scale for l in seen] == [1.0, LOADED_FACTOR, 1.0]
    assert seen[1].case_timeout("q/a", 4.0) == 4.0 * LOADED_FACTOR and seen[1].wall_s == 300 * LOADED_FACTOR

    calls: list[Limits] = []

    def wrong(path, cases, limits):
        calls.append(limits)
        return _result("failed")

    reference, _ = self_check("reference", "template", [], Limits(), grade=wrong)
    assert len(calls) == 2 and _problems(reference, True)  # a wrong reference fails the build as before


def _burn(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def test_week02_self_check_passes_on_a_machine_busy_with_twice_its_cores(built):
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=_burn, args=(stop,), daemon=True)
               for _ in range(2 * multiprocessing.cpu_count())]
    for p in burners:
        p.start()
    try:
        time.sleep(0.5)
        reference, blank = self_check(built.result.solution, built.result.template, built.cases,
                                      Limits.from_config(built.cfg.grading))
    finally:
        stop.set()
        for p in burners:
            p.join(5)
    assert not _problems(reference, True), _problems(reference, True)
    assert not _problems(blank, False) and blank.score == 0
