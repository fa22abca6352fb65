"""Load a week's hidden cases (``cases.py`` beside the master notebook)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from autograder.casekit.core import Case
from autograder.errors import UserError

CASES_FILE = "cases.py"


def load_course_module(path: Path, kind: str):
    """Execute a course file (a week's cases.py, a project's task.py) as a module of its own,
    registered so that dataclasses and pickling inside it resolve."""
    name = f"_autograder_{kind}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_cases(folder: Path) -> list[Case]:
    path = Path(folder) / CASES_FILE
    if not path.is_file():
        raise UserError(f"no {CASES_FILE} with hidden cases", where=str(folder),
                        fix="each coded week needs cases.py defining cases() -> list[Case]")
    cases = load_course_module(path, "cases").cases()
    ids = [c.id for c in cases]
    if len(ids) != len(set(ids)):
        raise UserError("case ids repeat", where=str(path))
    return cases
