"""``autograder check``: a student's notebook against the week's public tests, in the same
sandbox as grading (same isolation and limits), so "passes locally" means what it says.
Only the public tests run here; the hidden tests are graded by the course."""

from __future__ import annotations

import ast
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import protocol
from autograder.engine import exchange, sandbox
from autograder.engine.limits import Limits
from autograder.engine.notebook_grader import MAX_RECORD_BYTES, read_code_cells
from autograder.errors import UserError
from autograder.protocol import wire


@dataclass(frozen=True)
class PublicResult:
    name: str
    passed: bool
    detail: str  # the doctest report of a failure, or why the test did not run


_CHECK = re.compile(r"""grader\.check\(\s*["']([^"']+)["']""")
SEARCH_DEPTH = 4  # folders below the repository (or working) folder searched for tests/


def checked_questions(notebook: Path) -> set[str]:
    """The questions a notebook's ``grader.check("…")`` calls name (what its public tests are called)."""
    try:
        return {m.group(1) for cell in read_code_cells(notebook) for m in _CHECK.finditer(cell)}
    except UserError:
        return set()


def _top(start: Path) -> Path:
    """The repository the notebook is in (its git root), else the notebook's folder."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def find_public_tests(notebook: Path) -> Path | None:
    """The tests/ folder for this notebook: beside it, or anywhere in its repository, as long as it
    holds a test for every question the notebook checks (a repository may keep several weeks)."""
    wanted = checked_questions(notebook)
    top = _top(notebook.resolve().parent)
    candidates = [notebook.resolve().parent / "tests"]
    for depth in range(SEARCH_DEPTH + 1):
        candidates += sorted(top.glob("/".join(["*"] * depth + ["tests"])))
    for folder in candidates:
        if folder.is_dir() and not folder.is_symlink() and wanted and wanted <= {p.stem for p in folder.glob("*.py")}:
            return folder
    return None


FORBIDDEN_FILE = "forbidden.json"  # question → forbidden-call spec, written by build beside the public tests


def load_public_tests(folder: Path) -> list[dict]:
    """otter's test files (``test = {...}``), read as data — never executed here; each with its
    question's forbidden-call rule from ``forbidden.json`` when the folder has one."""
    rules = {}
    if (folder / FORBIDDEN_FILE).is_file():
        try:
            rules = json.loads((folder / FORBIDDEN_FILE).read_text(encoding="utf-8"))
        except ValueError:
            raise UserError("not a readable forbidden-call file", where=str(folder / FORBIDDEN_FILE),
                            fix="use the tests/ folder that came with the template") from None
    tests = []
    for path in sorted(folder.glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            spec = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "test" for t in node.targets))
        except (SyntaxError, ValueError, StopIteration) as exc:
            raise UserError(f"not an otter test file ({type(exc).__name__})", where=str(path),
                            fix="use the tests/ folder that came with the template") from None
        cases = [c["code"] for suite in spec.get("suites", []) for c in suite.get("cases", []) if not c.get("hidden")]
        if cases:
            name = str(spec.get("name", path.stem))
            tests.append({"name": name, "cases": cases, "forbidden": rules.get(name) or {}})
    if not tests:
        raise UserError("no public tests found", where=str(folder),
                        fix="keep the tests/ folder from the template next to your notebook, or pass --tests")
    return tests


def check_notebook(path: Path, tests: list[dict], limits: Limits = Limits()) -> tuple[list[PublicResult], list[dict]]:
    """Run the notebook and its public tests in the sandbox: (results per test, cell records)."""
    cells = read_code_cells(path)
    work = Path(tempfile.mkdtemp(prefix="ag-check-"))
    try:
        (work / "in").mkdir()
        (work / "out").mkdir()
        wire.save(work / "in" / "plan.json", {"cells": cells, "cell_timeout": limits.cell_timeout_s, "cases": [],
                                              "public_tests": tests}, {})
        work.chmod(0o755)
        (work / "out").chmod(0o777)
        run = sandbox.run(work, limits)
        try:
            results = exchange.results_dir(work / "out")
            records = exchange.read_json(results / protocol.CELLS, MAX_RECORD_BYTES) if results else None
            if not isinstance(records, list):
                raise ValueError("no cell records")
        except (ValueError, exchange.Tampered):
            why = "timed out" if run.timed_out else f"stopped (exit status {run.returncode})"
            raise UserError(f"the notebook {why} before all its cells ran", where=str(path),
                            fix="run it top to bottom in Jupyter and fix the cell that hangs or crashes") from None
        checked = []
        for j, test in enumerate(tests):
            try:
                got = exchange.read_json(results / protocol.public_result(j), 1 << 20)
                checked.append(PublicResult(test["name"], got["failed"] == 0 and got["attempted"] > 0,
                                            str(got["report"]).strip()))
            except (TypeError, KeyError, exchange.Tampered):
                checked.append(PublicResult(test["name"], False, "the test crashed or ran out of time"))
        return checked, records
    finally:
        shutil.rmtree(work, ignore_errors=True)
