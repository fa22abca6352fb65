"""The code a submission holds, as the similarity index reads it.

A notebook's code cells (IPython magics and shell lines blanked, as grading does) or a project's
``.py`` files, each normalised through Python's AST so that what a copier changes without changing
the program does not change the text: comments and docstrings go, layout is canonical, and
``a += b`` is written ``a = a + b``. Identifier renaming is the tokenizer's to undo (copydetect
replaces names by one letter). Code that does not parse is kept as written."""

from __future__ import annotations

import ast
import io
import json
import zipfile

from autograder.config import Assignment
from autograder.kinds import kind_of
from autograder.sources.scan import _cells, _strip_magics


def _loaded(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}


def _dead(stmt: ast.stmt, used: set[str]) -> bool:
    """A statement that cannot change what the code does: ``if False:`` with no else, or a plain
    constant stored in a name nothing reads (lines a copier adds to break up a match)."""
    if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Constant) and not stmt.test.value and not stmt.orelse:
        return True
    return (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
            and all(isinstance(t, ast.Name) and t.id not in used for t in stmt.targets))


def _chain(expr: ast.expr, op: ast.operator) -> list[ast.expr]:
    """The terms of ``b + c + d`` (for + and *, whose chains a copier regroups freely)."""
    if isinstance(op, (ast.Add, ast.Mult)) and isinstance(expr, ast.BinOp) and type(expr.op) is type(op):
        return _chain(expr.left, op) + _chain(expr.right, op)
    return [expr]


class _Canonical(ast.NodeTransformer):
    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        load = ast.parse(ast.unparse(node.target), mode="eval").body  # the target read back as an expression
        terms = [load, *_chain(node.value, node.op)]  # a += b + c is written a = a + b + c, not a + (b + c)
        value = terms[0]
        for term in terms[1:]:
            value = ast.BinOp(value, node.op, term)
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)

    def _body(self, node):
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:] or [ast.Pass()]
        local = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))  # a module's names are read elsewhere
        used = _loaded(node)
        node.body = [s for s in body if not isinstance(s, ast.Pass) and not (local and _dead(s, used))] or [ast.Pass()]
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Module = _body


def normalise(source: str) -> str:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source
    try:
        return ast.unparse(ast.fix_missing_locations(_Canonical().visit(tree)))
    except (RecursionError, ValueError, AttributeError):
        return source


def notebook_code(data: bytes) -> str:
    try:
        cells = _cells(data)
    except (ValueError, RecursionError, AttributeError, TypeError, json.JSONDecodeError):
        return ""
    return "\n\n".join(n for n in (normalise(_strip_magics(c)) for c in cells) if n.strip())


def project_code(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = sorted(n for n in zf.namelist() if n.endswith(".py"))
            return "\n\n".join(normalise(zf.read(n).decode("utf-8", "replace")) for n in names)
    except (zipfile.BadZipFile, OSError):
        return ""


def submission_code(data: bytes, ext: str) -> str:
    """The normalised code of a stored submission (``ext``: ipynb, zip or py)."""
    if ext == "ipynb":
        return notebook_code(data)
    if ext == "zip":
        return project_code(data)
    if ext == "py":
        return normalise(data.decode("utf-8", "replace"))
    return ""


def is_code_week(assignment: Assignment) -> bool:
    """Weeks whose submissions are code (notebooks, projects); write-ups have their own check."""
    return kind_of(assignment).runs_student_code
