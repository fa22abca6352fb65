"""Add one otter hidden-test cell per hidden case to a master notebook.

cases.py is the single source of truth for hidden tests (their points: grader.yml's
``questions:`` shared by the cases' weights); the master notebook carries the solutions and the
public tests. The injected cells call
``autograder.casekit.otter_check.check`` so plain ``otter run`` grades the same cases.
"""

from __future__ import annotations

import nbformat
import yaml

from autograder.casekit.core import Case
from autograder.casekit.loader import CASES_FILE  # noqa: F401 - build and audit read it from here
from autograder.errors import UserError


def _raw(cell, prefix: str) -> bool:
    return cell.cell_type == "raw" and cell.source.lstrip().startswith(prefix)


def question_opened(cell) -> str | None:
    """The name a ``# BEGIN QUESTION`` raw cell gives its question (None for any other cell)."""
    if not _raw(cell, "# BEGIN QUESTION"):
        return None
    return (yaml.safe_load(cell.source.split("\n", 1)[1]) or {}).get("name")


def _hidden_cell(case: Case) -> nbformat.NotebookNode:
    config = f'""" # BEGIN TEST CONFIG\npoints: {case.points:g}\nhidden: true\n""" # END TEST CONFIG\n'
    body = ("from autograder.casekit.otter_check import check\n"
            f"check({case.id!r}, globals())  # {case.title}")
    return nbformat.v4.new_code_cell(config + body)


def inject(master: nbformat.NotebookNode, cases: list[Case], where: str, *, files: tuple[str, ...] = (),
           requirements: str | None = None) -> nbformat.NotebookNode:
    """The master with a hidden-test cell per case; ``files`` go into the autograder zip beside
    cases.py, ``requirements`` (a file) is what the zip's environment installs."""
    nb = nbformat.from_dict(master)
    config_cell = next((c for c in nb.cells if _raw(c, "# ASSIGNMENT CONFIG")), None)
    if config_cell is None:
        raise UserError("the master has no '# ASSIGNMENT CONFIG' raw cell", where=where)
    config = yaml.safe_load(config_cell.source) or {}
    listed = list(config.get("autograder_files") or [])
    config["autograder_files"] = listed + [f for f in (CASES_FILE, *files) if f not in listed]
    if requirements:
        config["requirements"] = requirements
    config_cell.source = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)

    by_question: dict[str, list[Case]] = {}
    for case in cases:
        by_question.setdefault(case.function, []).append(case)
    cells, question, placed = [], None, set()
    for cell in nb.cells:
        if _raw(cell, "# BEGIN QUESTION"):
            question = question_opened(cell)
        if _raw(cell, "# END TESTS") and question in by_question:
            cells.extend(_hidden_cell(c) for c in by_question[question])
            placed.add(question)
        cells.append(cell)
    missing = sorted(set(by_question) - placed)
    if missing:
        raise UserError(f"cases for {', '.join(missing)} have no question with a tests block", where=where,
                        fix="name each question after the function its cases test")
    nb.cells = cells
    return nb
