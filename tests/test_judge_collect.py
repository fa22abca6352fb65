"""How the judge reads a sandbox run that ended early (no sandbox started: files only)."""

from __future__ import annotations

import json

from autograder.casekit.core import Observation, Status, Verdict
from autograder.engine.limits import Limits
from autograder.engine.notebook_grader import _collect
from autograder.engine.sandbox import SandboxRun
from autograder.inside import wire


def _run(timed_out: bool = False) -> SandboxRun:
    return SandboxRun(returncode=-9, timed_out=timed_out, seconds=1.0, isolation="test", stderr_tail="")


def _out(tmp_path, started: list[int], results: list[int], finished: bool = False):
    out = tmp_path / "out"
    out.mkdir()
    (out / "cells.json").write_text("[]")
    (out / "progress").write_text("cell 0\n" + "".join(f"case {i}\n" for i in started))
    for i in results:
        wire.save(out / f"case-{i}.json", [{"status": "ok", "seconds": 0.0}], {})
    if finished:
        (out / "exits.json").write_text(json.dumps([{"case": i, "exit": 0} for i in started]))
    return out


def test_a_case_that_kills_the_main_process_is_crashed_even_if_it_wrote_a_result(tmp_path):
    # case 1 killed its parent and then raced to write a result before the namespace died
    out = _out(tmp_path, started=[0, 1], results=[0, 1])
    outcomes, restart = _collect([None] * 4, out, Limits(), _run(), cells_ok=True)
    assert isinstance(outcomes[1], Verdict) and outcomes[1].status is Status.crashed
    assert "killed the grading process" in outcomes[1].message
    assert isinstance(outcomes[0], list) and isinstance(outcomes[0][0], Observation)
    assert restart == 2 and 2 not in outcomes and 3 not in outcomes


def test_the_last_case_of_a_timed_out_run_keeps_its_result_or_times_out(tmp_path):
    out = _out(tmp_path, started=[0, 1], results=[0])
    outcomes, restart = _collect([None] * 3, out, Limits(), _run(timed_out=True), cells_ok=True)
    assert restart is None
    assert isinstance(outcomes[0], list)
    assert outcomes[1].status is Status.timeout and outcomes[2].status is Status.timeout


def test_a_finished_run_uses_every_result_it_wrote(tmp_path):
    out = _out(tmp_path, started=[0, 1], results=[0, 1], finished=True)
    outcomes, restart = _collect([None] * 2, out, Limits(), _run(), cells_ok=True)
    assert restart is None and all(isinstance(outcomes[j], list) for j in (0, 1))
