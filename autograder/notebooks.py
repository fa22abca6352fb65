"""Small notebook helpers shared by build, demo and tests."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder.errors import UserError


def master_notebook(folder: Path) -> Path:
    found = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    if len(found) != 1:
        raise UserError(f"expected exactly one master notebook, found {len(found)}", where=str(folder),
                        fix="keep one otter-assign master .ipynb per assignment folder")
    return found[0]


def _defines(source: str, name: str) -> bool:
    return re.search(rf"^(def|class)\s+{re.escape(name)}\b", source, flags=re.M) is not None


def with_functions(nb: nbformat.NotebookNode, sources: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` where the cell defining each named function holds the given source."""
    nb = nbformat.from_dict(nb)
    for name, source in sources.items():
        cells = [c for c in nb.cells if c.cell_type == "code" and _defines(c.source, name)]
        if not cells:
            raise KeyError(f"no cell defines {name}")
        cells[0].source = source
    return nb


def function_sources(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Map each top-level function/class defined in a code cell to that cell's source."""
    found = {}
    for c in nb.cells:
        if c.cell_type == "code":
            for m in re.finditer(r"^(?:def|class)\s+(\w+)", c.source, flags=re.M):
                found.setdefault(m.group(1), c.source)
    return found
