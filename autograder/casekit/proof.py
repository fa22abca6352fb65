"""A week's proof that its hidden cases grade right, kept beside them in
``assignments/weekNN_*/mutants.py``:

- ``MUTANTS``: name → (the case it must fail, {definition: its new source}) — each a realistic
  mistake, one per mutant;
- ``ALTERNATIVES``: name → {definition: its new source} — correct solutions written the ways
  students write them (full marks, no hint);
- ``HINTS``: mutant name → the catalogue hint it must get (../shared/specs/hints.md).

A definition is a top-level function or class (``softmax``, ``Value``) or a method
(``Adam.step``); its new source replaces exactly that definition in the reference notebook (lines
the source adds above it, such as an import, stay at the definition's place)."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.casekit.loader import load_course_module

PROOF_FILE = "mutants.py"


@dataclass(frozen=True)
class Mutant:
    case: str  # the case that names the mistake: it must lose points there
    changes: dict[str, str]  # definition → its new source


@dataclass(frozen=True)
class Proof:
    mutants: dict[str, Mutant]
    alternatives: dict[str, dict[str, str]]
    hints: dict[str, str]


def has_proof(folder: Path) -> bool:
    return (Path(folder) / PROOF_FILE).is_file()


def load_proof(folder: Path) -> Proof:
    module = load_course_module(Path(folder) / PROOF_FILE, "mutants")
    mutants = {name: Mutant(case, dict(changes)) for name, (case, changes) in module.MUTANTS.items()}
    unknown = set(getattr(module, "HINTS", {})) - set(mutants)
    if unknown:
        raise ValueError(f"{folder}/{PROOF_FILE}: HINTS name no mutant: {', '.join(sorted(unknown))}")
    return Proof(mutants, dict(getattr(module, "ALTERNATIVES", {})), dict(getattr(module, "HINTS", {})))


def _find(tree: ast.Module, name: str) -> ast.AST | None:
    top, _, method = name.partition(".")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == top:
            if not method:
                return node
            return next((m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and m.name == method), None)
    return None


def replace_definition(source: str, name: str, new: str) -> str | None:
    """``source`` with the definition ``name`` replaced by ``new`` (re-indented to its place), or
    None when ``source`` does not define it."""
    try:
        node = _find(ast.parse(source), name)
    except SyntaxError:
        return None
    if node is None:
        return None
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    indent = " " * node.col_offset
    body = textwrap.indent(textwrap.dedent(new).strip("\n"), indent, lambda line: bool(line.strip()))
    return "\n".join([*lines[:first], body, *lines[node.end_lineno:]]) + ("\n" if source.endswith("\n") else "")


def with_definitions(nb: nbformat.NotebookNode, changes: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with each named definition replaced in the first code cell defining it."""
    nb = nbformat.from_dict(nb)
    for name, new in changes.items():
        for cell in nb.cells:
            if cell.cell_type == "code":
                replaced = replace_definition(cell.source, name, new)
                if replaced is not None:
                    cell.source = replaced
                    break
        else:
            raise KeyError(f"no code cell defines {name}")
    return nb


def mutant_notebook(solution: nbformat.NotebookNode, mutant: Mutant) -> nbformat.NotebookNode:
    return with_definitions(solution, mutant.changes)
