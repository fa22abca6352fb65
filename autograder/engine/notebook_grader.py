"""Grade one notebook: plan the calls, run them in the sandbox, judge what comes back.

The judge (this process) never imports or executes student code: it reads JSON and .npy files
the sandbox wrote, with size limits, and compares them with references it computes itself.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.casekit.core import Case, Observation, Status, Verdict
from autograder.engine import sandbox
from autograder.engine.limits import Limits
from autograder.errors import UserError
from autograder.inside import wire

_SIGNALS = {11: "segmentation fault", 9: "killed", 6: "aborted", 7: "bus error", 8: "floating-point exception"}


@dataclass(frozen=True)
class CaseResult:
    case_id: str
    title: str
    points: float
    max_points: float
    status: str
    message: str
    seconds: float


@dataclass
class GradeResult:
    cases: list[CaseResult] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)
    isolation: str = ""
    seconds: float = 0.0
    infra_error: str | None = None  # set → not a student outcome; retry, never store a zero

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.cases), 4)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_points for c in self.cases), 4)


def read_code_cells(path: Path) -> list[str]:
    """Code cells of a submission, or a UserError saying what is wrong with the file."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for bad files
        raise UserError(f"not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})",
                        where=str(path), fix="open it in Jupyter, save it, and commit again") from None
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _observations(out: Path, index: int) -> list[Observation] | None:
    result = out / f"case-{index}.json"
    if not result.is_file():
        return None
    try:
        payload, arrays = wire.load(result)
        return [Observation.from_json(o, arrays) for o in payload if isinstance(o, dict)]
    except (ValueError, OSError, TypeError, KeyError):
        return None


def _lost_case(exit_info: dict | None, notebook_died: str | None) -> Verdict:
    if notebook_died:
        return Verdict(Status.crashed, notebook_died)
    if exit_info is None:
        return Verdict(Status.timeout, "the submission exceeded its total time limit before this case ran")
    if "killed_after_s" in exit_info:
        return Verdict(Status.timeout, f"did not finish within {exit_info['killed_after_s']:g} s")
    if "signal" in exit_info:
        sig = int(exit_info["signal"])
        return Verdict(Status.crashed, f"the process died ({_SIGNALS.get(sig, f'signal {sig}')})")
    return Verdict(Status.crashed, f"the process exited (code {exit_info.get('exit')}) before returning a result")


def _judge(cases: list[Case], out: Path, limits: Limits, run: sandbox.SandboxRun,
           cells: list[dict] | None) -> list[CaseResult]:
    exits: dict[int, dict] = {}
    try:
        for e in json.loads((out / "exits.json").read_text()):
            exits[int(e["case"])] = e
    except (OSError, ValueError, TypeError, KeyError):
        pass
    notebook_died = None
    if cells is None:
        started = (out / "progress").read_text().split() if (out / "progress").exists() else []
        where = f" during cell {started[-1]}" if started else ""
        notebook_died = ("the whole submission timed out" if run.timed_out else
                         f"the notebook's process died{where} (exit status {run.returncode})")
    results, index = [], 0
    for case in cases:
        obs = None
        if not case.runnable():
            verdict = Verdict(Status.skipped, f"needs {case.device}, which this grading machine does not have")
        else:
            obs = None if notebook_died else _observations(out, index)
            log = out / f"case-{index}.log"
            if log.exists() and log.stat().st_size > limits.max_output_kb << 10:
                verdict = Verdict(Status.output_limit, f"printed more than {limits.max_output_kb} KiB")
            elif obs is None:
                verdict = _lost_case(exits.get(index), notebook_died)
            else:
                verdict = case.verdict(obs)
            index += 1
        seconds = 0.0 if verdict.status is Status.skipped else sum(o.seconds for o in (obs or []))
        results.append(CaseResult(case.id, case.title, case.points if verdict.passed else 0.0,
                                  case.points, verdict.status.value, verdict.message, round(seconds, 4)))
    return results


def grade_notebook(path: Path, cases: list[Case], limits: Limits = Limits(),
                   workroot: Path | None = None) -> GradeResult:
    """Grade ``path`` against ``cases``. Raises UserError for an unreadable notebook."""
    cells = read_code_cells(path)
    work = Path(tempfile.mkdtemp(prefix="ag-", dir=workroot))
    try:
        (work / "in").mkdir()
        (work / "out").mkdir()
        arrays: dict = {}
        plan = {"cells": cells, "cell_timeout": limits.cell_timeout_s,
                "cases": [c.plan(arrays, limits.case_timeout_s) for c in cases if c.runnable()]}
        wire.save(work / "in" / "plan.json", plan, arrays)
        work.chmod(0o755)
        (work / "out").chmod(0o777)  # the sandbox runs as an unprivileged uid
        run = sandbox.run(work, limits)
        out = work / "out"
        cell_records = None
        try:
            cell_records = json.loads((out / "cells.json").read_text())
        except (OSError, ValueError):
            if not (out / "progress").exists() and not run.timed_out:
                return GradeResult(isolation=run.isolation, seconds=run.seconds,
                                   infra_error=f"sandbox did not start: {run.stderr_tail[-800:]}")
        results = _judge(cases, out, limits, run, cell_records)
        return GradeResult(results, cell_records or [], run.isolation, run.seconds)
    except OSError as exc:  # disk full, permissions: the machine's fault, not the student's
        return GradeResult(infra_error=f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
