"""``autograder audit WEEK``: mutation testing of a week's hidden tests, for the people who write them.

Each mutant is the reference solution with one standard mutation (``audit.operators``) in one
function, graded through the engine (warm sandboxes, in parallel) on the cases that call that
function. A mutant is **killed** when it loses points, **equivalent-suspect** when it keeps
full marks and every observed value equals the reference's on the whole grid (most likely the
same program), else **survived**: a bug the hidden tests let through. The score is killed /
(killed + survived).
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import itertools
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat
import numpy as np
from cosmic_ray.mutating import mutate_code
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder.audit.operators import operators
from autograder.casekit.core import Case, Observation
from autograder.casekit.loader import load_cases
from autograder.config import Assignment, CourseConfig
from autograder.casekit import hints
from autograder.engine import Limits, grade_notebook
from autograder.engine.pool import SandboxPool
from autograder.errors import UserError
from autograder.protocol.wire import Opaque, TensorValue
from autograder.build.inject_hidden import CASES_FILE
from autograder.notebooks import function_sources, master_notebook, with_functions

TRAINING_TIMEOUT = 30.0  # cases allowed this long train a model: left out unless asked for


@dataclass(frozen=True)
class Mutant:
    function: str  # the top-level function or class the mutation is in
    cell_key: str  # a function defined in the mutated cell (``with_functions`` key)
    operator: str
    occurrence: int
    line: int
    diff: str
    source: str  # the whole mutated cell


@dataclass
class MutantResult:
    mutant: Mutant
    status: str  # killed | survived | equivalent-suspect | not-graded
    lost: float = 0.0
    failed: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # hint ids that fired: which mistakes feedback names


@dataclass
class AuditReport:
    assignment: str
    results: list[MutantResult]
    seconds: float = 0.0

    def by_function(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for r in self.results:
            row = table.setdefault(r.mutant.function, {"mutants": 0, "killed": 0, "survived": 0,
                                                       "equivalent-suspect": 0, "not-graded": 0})
            row["mutants"] += 1
            row[r.status] += 1
        return table

    @staticmethod
    def score(killed: int, survived: int) -> float | None:
        return 100.0 * killed / (killed + survived) if killed + survived else None

    @property
    def strict_score(self) -> float | None:
        t = self.total
        return self.score(t["killed"], t["survived"] + t["equivalent-suspect"])

    @property
    def total(self) -> dict[str, int]:
        out = {"killed": 0, "survived": 0, "equivalent-suspect": 0, "mutants": 0, "not-graded": 0}
        for row in self.by_function().values():
            for k in out:
                out[k] += row[k]
        return out


# -- mutants ----------------------------------------------------------------------------------
def _owner_by_line(source: str) -> dict[int, str]:
    """Line → the top-level function or class it belongs to."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    owners = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                owners[line] = node.name
    return owners


def _changed_line(before: str, after: str) -> tuple[int, str]:
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    first = next((i1 for tag, i1, _, _, _ in matcher.get_opcodes() if tag != "equal"), 0)
    diff = "\n".join(line for line in difflib.unified_diff(old, new, lineterm="", n=0)
                     if not line.startswith(("---", "+++", "@@")))
    return first + 1, diff


def generate(solution: nbformat.NotebookNode, functions: set[str] | None = None) -> list[Mutant]:
    """Every mutant of every cell that defines one of ``functions`` (default: all)."""
    cells: dict[str, str] = {}  # cell source → a function defined in it
    for name, source in function_sources(solution).items():
        cells.setdefault(source, name)
    found, seen = [], set()
    for source, key in cells.items():
        owners = _owner_by_line(source)
        for op_name, op in operators().items():
            for occurrence in itertools.count():
                try:
                    mutated = mutate_code(source, op, occurrence)
                except Exception:  # noqa: BLE001 - an operator that cannot handle a node: next one
                    mutated = None
                if mutated is None:
                    break
                line, diff = _changed_line(source, mutated)
                owner = owners.get(line)
                if mutated in seen or owner is None or (functions and owner not in functions):
                    continue
                try:
                    compile(mutated, "<mutant>", "exec")
                except SyntaxError:
                    continue
                seen.add(mutated)
                found.append(Mutant(owner, key, op_name, occurrence, line, diff, mutated))
    return found


# -- grading ----------------------------------------------------------------------------------
def _involves(case: Case, function: str) -> bool:
    return any(call.fn == function or function in [a for a in call.args if isinstance(a, str)]
               for call in case.calls)


def _cases_for(cases: list[Case], function: str, training: bool) -> list[Case]:
    mine = [c for c in cases if _involves(c, function) and c.runnable()]
    if not training:
        mine = [c for c in mine if (c.timeout or 0) < TRAINING_TIMEOUT]
    return mine


def _plain(value: Any) -> Any:
    """An observed value as comparable data (arrays kept: float rounding is compared loosely)."""
    if isinstance(value, TensorValue):
        return ("tensor", value.dtype, value.shape, np.asarray(value.array))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_plain(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((k, _plain(v)) for k, v in value.items()), key=lambda kv: kv[0])))
    if isinstance(value, Opaque):
        return ("opaque", value.type_name)
    return ("value", repr(value))


def _same(a: Any, b: Any) -> bool:
    """Equal, with arrays equal up to rounding (rtol 1e-12, float32 1e-6): ``p - lr·(g + wd·p)`` and
    ``p·(1 − lr·wd) − lr·g`` are the same program for this purpose."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            rtol = 1e-12 if min(a.dtype.itemsize, b.dtype.itemsize) >= 8 else 1e-6  # float32: its own rounding
            return bool(np.allclose(a, b, rtol=rtol, atol=rtol * 1e-3, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _recording(cases: list[Case], into: dict[str, Any]) -> list[Case]:
    """The same cases, whose judge also records a digest of everything observed (in the
    grader's process: the judge runs outside the sandbox)."""
    def recorder(case: Case) -> Callable:
        def judge(calls, observations: list[Observation]):
            into[case.id] = tuple((o.status, _plain(o.output), _plain(o.grads), _plain(o.args_after))
                                  for o in observations)
            return case.judge(calls, observations)
        return judge
    return [dataclasses.replace(c, judge=recorder(c)) for c in cases]


def _built_solution(cfg: CourseConfig, assignment: Assignment) -> Path | None:
    """The solution ``autograder build`` left, when it is newer than the master and cases.py: an
    audit then does not rebuild (which would also rewrite the committed student template)."""
    built = cfg.path(cfg.build.output) / "solutions" / f"{assignment.id}.ipynb"
    folder = cfg.path(assignment.folder)
    sources = [master_notebook(folder), folder / CASES_FILE]
    if built.exists() and all(built.stat().st_mtime >= p.stat().st_mtime for p in sources if p.exists()):
        return built
    return None


def run_audit(cfg: CourseConfig, assignment: Assignment, *, workers: int | None = None,
              functions: set[str] | None = None, limit: int | None = None, training: bool = False,
              show_progress: bool = True, solution_path: Path | None = None,
              cases: list[Case] | None = None) -> AuditReport:
    """Audit ``assignment``'s hidden cases (or ``cases``, e.g. a draft) against mutants of its
    reference solution (built now, unless ``solution_path`` is the built one)."""
    if assignment.kind != "notebook":
        raise UserError(f"{assignment.id} is a {assignment.kind}: only notebook weeks have hidden tests to audit",
                        where="grader.yml")
    from autograder.build import build_week

    start = time.monotonic()
    solution = nbformat.read(str(solution_path or _built_solution(cfg, assignment) or
                                 build_week(cfg, assignment).solution), as_version=4)
    cases = cases if cases is not None else load_cases(cfg.path(assignment.folder), assignment.questions)
    mutants = generate(solution, functions)[:limit or None]
    limits = dataclasses.replace(Limits.from_config(cfg.grading), wall_s=max(cfg.grading.timeout_s, 120.0))
    pool = SandboxPool(limits) if cfg.grading.warm_pool and SandboxPool.usable(limits) else None
    runner = pool.run if pool else None
    work = Path(tempfile.mkdtemp(prefix=f"audit-{assignment.id}-"))
    reference: dict[str, Any] = {}  # every case's observations of the reference, for equivalence

    def one(k_m: tuple[int, Mutant]) -> MutantResult:
        k, m = k_m
        mine = _cases_for(cases, m.function, training)
        if not mine:
            return MutantResult(m, "not-graded")
        path = work / f"mutant-{k:04d}.ipynb"
        nbformat.write(with_functions(solution, {m.cell_key: m.source}), str(path))
        seen: dict[str, Any] = {}
        result = grade_notebook(path, _recording(mine, seen), limits, runner=runner)
        if result.infra_error:
            return MutantResult(m, "not-graded", failed=[result.infra_error[:200]])
        failed = [c.case_id for c in result.cases if c.status not in ("passed", "skipped")]
        if failed or result.score < result.max_score - 1e-9:
            named = list(dict.fromkeys(h.id for c in result.cases for h in hints.loads(c.hints)))
            return MutantResult(m, "killed", round(result.max_score - result.score, 4), failed, named)
        same = all(c.id in seen and c.id in reference and _same(seen[c.id], reference[c.id]) for c in mine)
        return MutantResult(m, "equivalent-suspect" if same else "survived")

    columns = (TextColumn(f"auditing {assignment.id}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    results: list[MutantResult] = []
    try:
        reference_path = work / "reference.ipynb"
        nbformat.write(solution, str(reference_path))
        grade_notebook(reference_path, _recording([c for c in cases if c.runnable()], reference), limits,
                       runner=runner)
        with Progress(*columns, disable=not show_progress) as progress, \
                ThreadPoolExecutor(workers or cfg.grading.workers) as threads:
            task = progress.add_task("audit", total=len(mutants))
            for r in threads.map(one, enumerate(mutants)):
                results.append(r)
                progress.advance(task)
    finally:
        if pool:
            pool.close()
        shutil.rmtree(work, ignore_errors=True)
    return AuditReport(assignment.id, results, time.monotonic() - start)
