"""How the judge reads a sandbox run that ended early (no sandbox started: files only)."""

from __future__ import annotations

import json

from autograder import protocol
from autograder.casekit.core import Status, Verdict
from autograder.engine.limits import Limits
from autograder.engine.notebook_grader import _collect
from autograder.engine.sandbox import SandboxRun
from autograder.protocol import wire

RESULTS = protocol.RESULTS_PREFIX + "0" * 32


class _Case:
    """Judges any observations it is given as passed (the judge's reading is what is tested)."""

    hint_rules = ()

    def verdict(self, observations):
        return Verdict(Status.passed, f"{len(observations)} observations")


def _judged(outcome) -> bool:
    return outcome[0].status is Status.passed


def _run(timed_out: bool = False) -> SandboxRun:
    return SandboxRun(returncode=-9, timed_out=timed_out, seconds=1.0, isolation="test", stderr_tail="")


def _out(tmp_path, started: list[int], results: list[int], finished: bool = False):
    out = tmp_path / "out"
    (out / RESULTS).mkdir(parents=True)
    (out / RESULTS / "cells.json").write_text("[]")
    (out / "progress").write_text("cell 0\n" + "".join(f"case {i}\n" for i in started))
    for i in results:
        wire.save(out / RESULTS / f"case-{i}.json", [{"status": "ok", "seconds": 0.0}], {})
    if finished:
        (out / RESULTS / "exits.json").write_text(json.dumps([{"case": i, "exit": 0} for i in started]))
    return out


def test_a_case_that_kills_the_main_process_is_crashed_even_if_it_wrote_a_result(tmp_path):
    # case 1 killed its parent and then raced to write a result before the namespace died
    out = _out(tmp_path, started=[0, 1], results=[0, 1])
    outcomes, restart = _collect([_Case()] * 4, out, Limits(), _run(), out / RESULTS)
    assert outcomes[1][0].status is Status.crashed
    assert "killed the grading process" in outcomes[1][0].message
    assert _judged(outcomes[0])
    assert restart == 2 and 2 not in outcomes and 3 not in outcomes


def test_the_last_case_of_a_timed_out_run_keeps_its_result_or_times_out(tmp_path):
    out = _out(tmp_path, started=[0, 1], results=[0])
    outcomes, restart = _collect([_Case()] * 3, out, Limits(), _run(timed_out=True), out / RESULTS)
    assert restart is None
    assert _judged(outcomes[0])
    assert outcomes[1][0].status is Status.timeout and outcomes[2][0].status is Status.timeout


def test_a_finished_run_uses_every_result_it_wrote(tmp_path):
    out = _out(tmp_path, started=[0, 1], results=[0, 1], finished=True)
    outcomes, restart = _collect([_Case()] * 2, out, Limits(), _run(), out / RESULTS)
    assert restart is None and all(_judged(outcomes[j]) for j in (0, 1))


def test_protocol_records_round_trip_and_refuse_other_shapes():
    from autograder.protocol.records import CASE, CELL, CaseExit, parse_progress, progress_line

    for record in (CaseExit(3, exit=0), CaseExit(4, signal=9), CaseExit(5, killed_after_s=21.0, shortened=True)):
        assert CaseExit.from_json(record.to_json()) == record
    for hostile in ([], "x", {"case": "3"}, {"case": True}, {"case": None}, {"exit": 0}):
        assert CaseExit.from_json(hostile) is None
    odd = CaseExit.from_json({"case": 1, "exit": "0", "signal": 1.5, "killed_after_s": 1e12, "shortened": "yes"})
    assert odd == CaseExit(1)  # fields of the wrong type are dropped, not trusted
    text = progress_line(CELL, 0) + progress_line(CASE, 2) + "case x\nrm -rf 1\ncell 999999999999\n" + progress_line(CASE, 3)
    assert parse_progress(text) == ([0], [2, 3])
