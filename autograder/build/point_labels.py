"""The master notebook's point labels, filled from the points the cases carry (grader.yml's
``questions:`` shared among the cases), so the handout never disagrees with the grading:
``<points>`` is the enclosing question's points (the assignment's outside a question) and
``<points:ID>`` those of a question or case by id (``<points:train_mlp/accuracy>``)."""

from __future__ import annotations

import re

import nbformat

from autograder.build.inject_hidden import question_opened
from autograder.casekit.core import Case
from autograder.errors import UserError

_LABEL = re.compile(r"<points(?::([\w/.-]+))?>")


def _number(points: float) -> str:
    return f"{round(points, 6):g}"


def fill_points(master: nbformat.NotebookNode, cases: list[Case], total: float, where: str) -> nbformat.NotebookNode:
    worth: dict[str, float] = {}
    for case in cases:
        worth[case.id] = case.points
        worth[case.function] = worth.get(case.function, 0.0) + case.points
    nb = nbformat.from_dict(master)
    question = None
    for cell in nb.cells:
        if (opened := question_opened(cell)) is not None:
            question = opened
        elif cell.cell_type == "raw" and cell.source.lstrip().startswith("# END QUESTION"):
            question = None
        if cell.cell_type != "markdown":
            continue

        def label(match: re.Match) -> str:
            key = match.group(1) or question
            if key is None:
                return _number(total)
            if key not in worth:
                raise UserError(f"the label {match.group(0)} names no question or case", where=where,
                                fix=f"use one of: {', '.join(sorted(k for k in worth if '/' not in k))} "
                                    "or a case id")
            return _number(worth[key])
        cell.source = _LABEL.sub(label, cell.source)
    return nb
