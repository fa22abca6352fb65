"""Grade one notebook: plan the calls, run them in the sandbox, judge what comes back.

The judge (this process) never imports or executes student code: it reads JSON and .npz files
the sandbox wrote, with size limits, and compares them with references it computes itself.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
from nbformat.warnings import MissingIDFieldWarning

from autograder.casekit import hints
from autograder.casekit.core import Case, Observation, Status, Verdict
from autograder import protocol
from autograder.engine import exchange, sandbox
from autograder.engine.limits import Limits
from autograder.errors import UserError
from autograder.protocol import wire
from autograder.protocol.records import CaseExit, CellRecord, CellStatus, parse_progress

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
    hints: str = ""  # casekit.hints.dumps of the mistakes named (JSON, "" for none)


@dataclass
class GradeResult:
    cases: list[CaseResult] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)
    isolation: str = ""
    seconds: float = 0.0
    infra_error: str | None = None  # set → not a student outcome; retry, never store a zero
    remarks: tuple[str, ...] = ()  # what the grader adjusted to grade it (a project one folder down, ...)

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.cases), 4)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_points for c in self.cases), 4)

    @property
    def notes(self) -> str | None:
        """What the student should know about how their notebook ran (skipped magics, ...)."""
        found = list(self.remarks)
        for c in filter(None, map(CellRecord.from_json, self.cells[:500])):
            where = f"cell {c.cell + 1}"
            if c.note:
                found.append(f"{where}: {c.note[:200]}")
            error = c.error if c.status is not CellStatus.ok else None
            if error is not None:  # e.g. drive.mount on a machine without Colab
                found.append(f"{where} failed ({error.type[:60]}: {error.message[:160]}); "
                             "the cells after it still ran, without what it would have defined")
        return "; ".join(found[:20]) or None


def read_code_cells(path: Path) -> list[str]:
    """Code cells of a submission, or a UserError saying what is wrong with the file."""
    try:
        with warnings.catch_warnings():  # notebooks from older Jupyter have no cell ids: harmless here
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for bad files
        raise UserError(f"not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})",
                        where=str(path), fix="open it in Jupyter, save it, and commit again") from None
    return [c.source for c in nb.cells if c.cell_type == "code"]


# what the judge reads from one sandbox, at most (a submission that writes more loses the case)
MAX_RESULT_BYTES = 64 << 20  # one case's observations (JSON + arrays)
MAX_RECORD_BYTES = 4 << 20  # progress, cells.json, exits.json


def _observations(results: Path | None, index: int) -> list[Observation] | Verdict | None:
    """A case's observations; a Verdict when they are tampered with or too large; None if absent."""
    if results is None:
        return None
    name = protocol.case_result(index)
    try:
        document = exchange.read_bytes(results / name, MAX_RECORD_BYTES)
        if document is None:
            return None
        archive = exchange.read_bytes(wire.arrays_path(results / name), MAX_RESULT_BYTES - len(document))
    except exchange.Tampered as exc:
        if exc.oversized:
            return Verdict(Status.output_limit, f"returned more than {MAX_RESULT_BYTES >> 20} MiB of values")
        return Verdict(Status.crashed, str(exc))
    try:
        payload, arrays = wire.loads(document, archive)
        return [Observation.from_json(o, arrays) for o in payload if isinstance(o, dict)]
    except (ValueError, TypeError, KeyError, RecursionError, UnicodeDecodeError):
        return None


def _lost_case(exit_info: CaseExit | None, reason: str | None) -> Verdict:
    if reason:
        return Verdict(Status.crashed, reason)
    if exit_info is None:
        return Verdict(Status.timeout, "the submission exceeded its total time limit before this case ran")
    if exit_info.killed_after_s is not None:
        shortened = " (shortened: an earlier case of this function did not finish in time)" if exit_info.shortened else ""
        return Verdict(Status.timeout, f"did not finish within {exit_info.killed_after_s:g} s{shortened}")
    if exit_info.signal is not None:
        sig = exit_info.signal
        return Verdict(Status.crashed, f"the process died ({_SIGNALS.get(sig, f'signal {sig}')})")
    return Verdict(Status.crashed, f"the process exited (code {exit_info.exit}) before returning a result")


MAX_RESTARTS = 8


def _progress(out: Path) -> tuple[list[int], list[int]]:
    """Cells and cases the child started, in order (written before each one)."""
    return parse_progress(exchange.read_text(out / protocol.PROGRESS, MAX_RECORD_BYTES) or "")


def _json_records(path: Path) -> list | None:
    """A JSON list the harness wrote, or None (absent or unreadable); ``Tampered`` passes up."""
    value = exchange.read_json(path, MAX_RECORD_BYTES)
    return value if isinstance(value, list) else None


Outcome = tuple[Verdict, float]  # a case's verdict and the seconds its calls took


def _judged(case: Case, got: list[Observation] | Verdict) -> Outcome:
    """Judge at once, so the judge holds one case's observations at a time, not a submission's."""
    if isinstance(got, Verdict):
        return got, 0.0
    verdict = case.verdict(got)
    if case.hint_rules and verdict.status in hints.HINTED:
        verdict = replace(verdict, hints=hints.fired(case, got, verdict))
    return verdict, sum(o.seconds for o in got)


def _collect(planned: list[Case], out: Path, limits: Limits, run: sandbox.SandboxRun,
             results: Path | None) -> tuple[dict[int, Outcome], int | None]:
    """Outcomes of one sandbox run, by index into ``planned``, and where to restart (or None)."""
    records = _json_records(results / protocol.EXITS) if results else None
    exits = {e.case: e for e in map(CaseExit.from_json, records or []) if e is not None}
    finished = records is not None
    started_cells, started_cases = _progress(out)
    outcomes: dict[int, Outcome] = {}
    if results is None:  # the notebook itself never finished: nothing to restart from
        where = f" during cell {started_cells[-1]}" if started_cells else ""
        why = ("the whole submission timed out" if run.timed_out else
               f"the notebook's process died{where} (exit status {run.returncode})")
        return {j: (Verdict(Status.crashed, why), 0.0) for j in range(len(planned))}, None
    last = started_cases[-1] if started_cases else -1
    for j, case in enumerate(planned):
        try:
            printed = exchange.size(out / protocol.case_log(j))
        except exchange.Tampered as exc:
            outcomes[j] = (Verdict(Status.crashed, str(exc)), 0.0)
            continue
        if printed > limits.max_output_kb << 10:
            outcomes[j] = (Verdict(Status.output_limit, f"printed more than {limits.max_output_kb} KiB"), 0.0)
        elif j == last and not finished and not run.timed_out:
            # the main process died while only this case ran: the case killed it. Whether the
            # case still managed to write a result before the namespace went down is a race,
            # so that result is never used.
            outcomes[j] = (Verdict(Status.crashed, "this case killed the grading process"), 0.0)
        elif (obs := _observations(results, j)) is not None:
            outcomes[j] = _judged(case, obs)
        elif finished:
            outcomes[j] = (_lost_case(exits.get(j), None), 0.0)
        elif j < last:
            outcomes[j] = (_lost_case(None, "the process died before returning a result"), 0.0)
        elif j == last:
            outcomes[j] = (Verdict(Status.timeout, "this case ran out of the submission's total time"), 0.0)
    if finished or run.timed_out:
        for j in range(len(planned)):
            outcomes.setdefault(j, (_lost_case(None, None), 0.0))
        return outcomes, None
    return outcomes, last + 1


def _network_used(case: Case, outcome: Outcome | None, evidence: str) -> Outcome:
    """A case that forbids network use, when the sandbox's counters say something tried: forbidden
    (a call the in-process detector already named keeps its name; the counters are added)."""
    verdict, seconds = outcome or (None, 0.0)
    if verdict is not None and verdict.status == Status.forbidden:
        return Verdict(Status.forbidden, f"{verdict.message} ({evidence})"), seconds
    return Verdict(Status.forbidden, f"uses the network ({evidence}) — {case.forbidden_hint}"), seconds


def grade_notebook(path: Path, cases: list[Case], limits: Limits = Limits(),
                   workroot: Path | None = None, runner=None, plans: dict | None = None) -> GradeResult:
    """Grade ``path`` against ``cases``. Raises UserError for an unreadable notebook.

    When a case kills the sandbox's main process, the cases after it are run again in a
    fresh sandbox (up to MAX_RESTARTS times): a case can only lose itself. ``runner`` runs one
    sandbox (default ``sandbox.run``; ``engine.pool.SandboxPool.run`` for warm sandboxes).
    ``plans``, kept by the caller for a batch, holds the encoded cases between submissions.
    """
    cells = read_code_cells(path)
    runnable = [c for c in cases if c.runnable(limits.gpus)]
    outcomes: dict[int, Outcome] = {}
    cell_records: list[dict] | None = None
    isolation, seconds, start_at = "", 0.0, 0
    deadline_left = limits.wall_s
    for _ in range(MAX_RESTARTS + 1):
        planned = runnable[start_at:]
        run_limits = replace(limits, wall_s=max(deadline_left, 1.0))
        try:
            run, out_records, found, next_at = _one_run(cells, planned, run_limits, workroot, runner or sandbox.run,
                                                        plans)
        except (OSError, sandbox.SandboxUnavailable) as exc:  # the machine's fault, not the student's
            return GradeResult(infra_error=f"{type(exc).__name__}: {exc}")
        if run is None:
            return GradeResult(infra_error=out_records)
        isolation, seconds = run.isolation, seconds + run.seconds
        deadline_left -= run.seconds
        cell_records = cell_records if cell_records is not None else out_records
        outcomes.update({start_at + j: v for j, v in found.items()})
        if next_at is None or next_at >= len(planned):
            break
        start_at += next_at
    results, index = [], 0
    for case in cases:
        if not case.runnable(limits.gpus):
            verdict, secs = Verdict(Status.skipped, f"needs {case.device}, which this grading machine does not have"), 0.0
        else:
            verdict, secs = outcomes.get(index, (Verdict(Status.crashed, "too many restarts: the submission kept "
                                                         "killing the grader"), 0.0))
            index += 1
        results.append(CaseResult(case.id, case.title, round(case.points * verdict.credit, 4),
                                  case.points, verdict.status.value, verdict.message, round(secs, 4),
                                  hints.dumps(verdict.hints)))
    return GradeResult(results, cell_records or [], isolation, seconds)


def _one_run(cells: list[str], planned: list[Case], limits: Limits, workroot: Path | None, runner,
             plans: dict | None = None):
    """One sandbox run. Returns (run, cell records, outcomes, restart index), or (None, reason, ...)."""
    work = Path(tempfile.mkdtemp(prefix="ag-", dir=workroot))
    try:
        (work / "in").mkdir()
        (work / "out").mkdir()
        key = (tuple(c.id for c in planned), limits.case_timeout_s, limits.case_limits)
        if plans is not None and key in plans:  # the same cases for the whole batch: encoded once
            case_plans, arrays = plans[key]
        else:
            arrays = {}
            case_plans = [c.plan(arrays, limits.case_timeout(c.id, c.timeout)) for c in planned]
            if plans is not None:
                plans[key] = (case_plans, arrays)
        plan = {"cells": cells, "cell_timeout": limits.cell_timeout_s, "cases": case_plans}
        wire.save(work / "in" / "plan.json", plan, arrays)
        work.chmod(0o755)
        (work / "out").chmod(0o777)  # the sandbox runs as an unprivileged uid
        run = runner(work, limits)
        out = work / "out"
        try:
            results = exchange.results_dir(out)
            records = _json_records(results / protocol.CELLS) if results else None
            if results is None and not run.timed_out and not run.started and \
                    exchange.size(out / protocol.PROGRESS) == 0:
                return None, f"sandbox did not start: {run.stderr_tail[-800:]}", {}, None
            found, next_at = _collect(planned, out, limits, run, results)
            if run.network:  # the kernel's word: whichever process tried, whatever it imported
                for j, case in enumerate(planned):
                    if case.forbidden.network:
                        found[j] = _network_used(case, found.get(j), run.network)
        except exchange.Tampered as exc:  # the harness's own records are not to be trusted
            return run, None, {j: (Verdict(Status.crashed, str(exc)), 0.0) for j in range(len(planned))}, None
        return run, records, found, next_at
    finally:
        shutil.rmtree(work, ignore_errors=True)
