"""Load a week's hidden cases (``cases.py`` beside the master notebook)."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Mapping

from autograder.casekit.core import Case
from autograder.casekit.hints import Catalogue, attach
from autograder.errors import UserError

CASES_FILE = "cases.py"
HINTS_FILE = "hints.py"


def load_course_module(path: Path, kind: str):
    """Execute a course file (a week's cases.py, a project's task.py) as a module of its own,
    registered so that dataclasses and pickling inside it resolve."""
    name = f"_autograder_{kind}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_cases(folder: Path, points: Mapping[str, float] | None = None, holdout_seed: int | None = None) -> list[Case]:
    """The week's cases; with ``points`` (grader.yml's ``questions:``), each question's points
    are shared among its cases by their weights. ``holdout_seed`` (grader.yml) goes to a ``cases``
    that takes one: the course's own key for the held-out data."""
    path = Path(folder) / CASES_FILE
    if not path.is_file():
        raise UserError(f"no {CASES_FILE} with hidden cases", where=str(folder),
                        fix="each coded week needs cases.py defining cases() -> list[Case]")
    module = load_course_module(path, "cases")
    make = module.cases
    takes_seed = "holdout_seed" in inspect.signature(make).parameters
    cases = make(holdout_seed=holdout_seed) if takes_seed and holdout_seed is not None else make()
    ids = [c.id for c in cases]
    if len(ids) != len(set(ids)):
        raise UserError("case ids repeat", where=str(path))
    attach(cases, load_catalogue(folder, module))
    return share_points(cases, points, str(path)) if points else cases


def load_catalogue(folder: Path, cases_module=None) -> Catalogue:
    """The week's hints (``hints.py`` beside ``cases.py``: ``hints(cases) -> list[Rule]``, given
    the week's cases module to reuse its references); only the generic ones without the file."""
    path = Path(folder) / HINTS_FILE
    if not path.is_file():
        return Catalogue()
    if cases_module is None:
        cases_module = load_course_module(Path(folder) / CASES_FILE, "cases")
    rules = load_course_module(path, "hints").hints(cases_module)
    ids = [r.hint.id for r in rules]
    if len(ids) != len(set(ids)):
        raise UserError("hint ids repeat", where=str(path), fix="give each rule its own <question>.<bug> id")
    return Catalogue(list(rules))


def share_points(cases: list[Case], points: Mapping[str, float], where: str) -> list[Case]:
    weights: dict[str, float] = {}
    for case in cases:
        weights[case.function] = weights.get(case.function, 0.0) + case.points
    unknown, unpriced = sorted(set(points) - set(weights)), sorted(set(weights) - set(points))
    if unknown or unpriced:
        raise UserError("grader.yml's questions and the hidden cases' questions differ"
                        + (f"; no cases for {', '.join(unknown)}" if unknown else "")
                        + (f"; no points for {', '.join(unpriced)}" if unpriced else ""), where=where,
                        fix=f"list exactly these questions under questions: {', '.join(weights)}")
    for question, total in points.items():
        if total and not weights[question]:
            raise UserError(f"question {question} is worth {total:g} points but all its cases weigh 0",
                            where=where, fix="give at least one of its cases a weight above 0")
    for case in cases:
        worth, weight = points[case.function], weights[case.function]
        if abs(worth - weight) > 1e-9:  # weights already in points: keep them exactly
            case.points = round(worth * case.points / weight, 9) if weight else 0.0
    return cases
