"""A static scan of a submission's code for what a TA should look at: code that reaches for the
grader's internals or for tools that evade its run-time checks.

The run-time detectors live in the student's process, so code that patches them can still
hide a forbidden call (DESIGN: what a student can and cannot forge). This scan reads the
code's syntax tree — never runs it, never greps it — and lists each such use with its cell and
line. A finding is a "needs review" line in the collection report and on the dashboard; it
never changes a score.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import zipfile
from dataclasses import dataclass

# dotted names (as written, after resolving import aliases) and why each is worth a look
_NAMES = {
    "torch._C": "torch's C internals (dispatcher, function-mode switches)",
    "torch.ops": "raw aten operators (bypass torch's Python API)",
    "torch.library": "registering or replacing operator kernels",
    "torch._ops": "raw operator objects",
    "torch.overrides._pop_mode": "removing torch function modes",
    "torch.overrides._pop_mode_temporarily": "removing torch function modes",
    "torch.overrides._get_current_function_mode_stack": "reading torch function modes",
    "torch.utils._python_dispatch": "torch dispatch modes",
    "torch._dispatch": "the dispatcher",
    "torch.autograd.Variable._execution_engine": "the autograd engine entry",
    "torch.autograd.variable.Variable._execution_engine": "the autograd engine entry",
    "sys.setprofile": "switching profilers (the forbidden-call detector) off",
    "sys.settrace": "installing a tracer",
    "threading.setprofile": "switching profilers off in threads",
    "threading.settrace": "installing a tracer in threads",
    "_thread.start_new_thread": "a raw thread",
    "sys.modules": "reaching loaded modules (the grader's harness)",
    "sys._getframe": "reading callers' frames (the grader's harness)",
    "inspect.currentframe": "reading callers' frames",
    "inspect.stack": "reading callers' frames",
    "inspect.getouterframes": "reading callers' frames",
    "gc.get_objects": "searching every live object (the grader's state)",
    "gc.get_referrers": "searching live objects",
    "gc.get_referents": "searching live objects",
    "ctypes": "raw memory and C calls",
    "importlib.reload": "reloading modules",
    "builtins": "patching builtins",
    "autograder": "the grader's own package",
    "otter": "the grading tool's internals",
    **{f"torch._fused_{opt}_": "a fused optimiser kernel (the optimiser a question forbids, by another name)"
       for opt in ("adam", "adamw", "sgd", "adagrad")},
    "_socket": "raw sockets (network use past the socket module)",
    "subprocess": "starting other programs (network or work outside the checks)",
    "multiprocessing.popen_spawn_posix": "starting other programs",
    "os.system": "starting other programs", "os.popen": "starting other programs",
    "os.posix_spawn": "starting other programs", "os.posix_spawnp": "starting other programs",
    **{f"os.{name}": "starting other programs" for name in (
        "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
        "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")},
}
_ATTRIBUTES = {"f_back": "reading callers' frames", "f_globals": "reading frames' globals",
               "f_locals": "reading frames' locals", "__code__": "rewriting a function's code",
               "_execution_engine": "the autograd engine entry"}
_STRINGS = {"/proc/self/fd": "the process's open files (the grader's exchange folder)",
            "/proc/self/mem": "the process's memory", "/grading": "the grader's exchange folder",
            "plan.json": "the grader's plan (hidden inputs)", "results-": "the grader's result folder",
            "exits.json": "the grader's records", "cells.json": "the grader's records"}
# a grader internal reached by its last name alone, e.g. getattr(some_module, "_C")
_LAST_NAMES = {"_C": _NAMES["torch._C"], "_execution_engine": "the autograd engine entry",
               "setprofile": _NAMES["sys.setprofile"], "settrace": _NAMES["sys.settrace"],
               "_getframe": _NAMES["sys._getframe"], "get_objects": _NAMES["gc.get_objects"]}
_IGNORED_MODULES = {"otter": {"otter.Notebook"}}  # the template's own `grader = otter.Notebook(...)`


@dataclass(frozen=True)
class Finding:
    cell: int | None  # code cell index (None for a script)
    line: int
    what: str  # the name or string as written
    why: str

    def render(self) -> str:
        where = f"cell {self.cell + 1}, line {self.line}" if self.cell is not None else f"line {self.line}"
        return f"{where}: {self.what} — {self.why}"


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _match(name: str) -> tuple[str, str] | None:
    for key, why in _NAMES.items():
        if name == key or name.startswith(key + "."):
            if name in _IGNORED_MODULES.get(key, ()):
                return None
            return key, why
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, cell: int | None):
        self.cell = cell
        self.aliases: dict[str, str] = {}  # local name → dotted module/object name
        self.found: list[Finding] = []

    def _add(self, node: ast.AST, what: str, why: str) -> None:
        self.found.append(Finding(self.cell, getattr(node, "lineno", 0), what, why))

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.aliases[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            if (hit := _match(a.name)) and a.name != "otter":
                self._add(node, f"import {a.name}", hit[1])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for a in node.names:
            full = f"{module}.{a.name}"
            self.aliases[a.asname or a.name] = full
            hit = _match(full) or _match(module)
            if hit:
                self._add(node, f"from {module} import {a.name}", hit[1])

    def _resolved(self, node: ast.AST) -> str | None:
        name = _dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = self.aliases.get(head)
        return (f"{base}.{rest}" if rest else base) if base else name

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self._resolved(node)
        if name and (hit := _match(name)) and name.count(".") >= hit[0].count("."):
            self._add(node, name, hit[1])
            return  # one finding per expression, not one per prefix
        if node.attr in _ATTRIBUTES:
            self._add(node, f".{node.attr}", _ATTRIBUTES[node.attr])
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = self._resolved(node.func)
        if name in ("getattr", "setattr", "delattr") and len(node.args) > 1:
            obj, attr = node.args[0], node.args[1]
            if isinstance(attr, ast.Constant) and isinstance(attr.value, str):
                base = self._imported(obj) or self._resolved(obj)
                full = f"{base}.{attr.value}" if base else attr.value
                hit = _match(full) or (attr.value in _LAST_NAMES and (attr.value, _LAST_NAMES[attr.value]))
                if hit or attr.value in _ATTRIBUTES:
                    self._add(node, f"{name}({base or '…'}, {attr.value!r})",
                              hit[1] if hit else _ATTRIBUTES[attr.value])
        elif name in ("__import__", "importlib.import_module") and node.args:
            target = node.args[0]
            if isinstance(target, ast.Constant) and isinstance(target.value, str):
                if hit := _match(target.value):
                    self._add(node, f"{name}({target.value!r})", hit[1])
            else:
                self._add(node, f"{name}(…)", "a module chosen at run time (the scan cannot read it)")
        elif name in ("eval", "exec", "compile") and node.args and not isinstance(node.args[0], ast.Constant):
            self._add(node, f"{name}(…)", "code built at run time (the scan cannot read it)")
        self.generic_visit(node)

    def _imported(self, node: ast.AST) -> str | None:
        """``__import__('x')`` → 'x'."""
        if isinstance(node, ast.Call) and self._resolved(node.func) == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
        return None

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            for needle, why in _STRINGS.items():
                if needle in node.value:
                    self._add(node, repr(node.value[:60]), why)
                    break


def scan_source(source: str, cell: int | None = None) -> list[Finding]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # cells that do not parse fail at run time, where the feedback names them
    visitor = _Visitor(cell)
    try:
        visitor.visit(tree)
    except RecursionError:
        visitor._add(tree, "deeply nested code", "too deep to read")
    return visitor.found


def _cells(data: bytes) -> list[str]:
    nb = json.loads(data.decode("utf-8"))
    cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    out = []
    for c in cells:
        if isinstance(c, dict) and c.get("cell_type") == "code":
            src = c.get("source", c.get("input", ""))
            out.append("".join(src) if isinstance(src, list) else str(src))
    return out


def _strip_magics(source: str) -> str:
    """IPython lines are not Python: blank them, keeping line numbers."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def scan_notebook(data: bytes) -> list[Finding]:
    """Findings over every code cell of a notebook (bytes of a file that passed collection)."""
    try:
        cells = _cells(data)
    except (ValueError, RecursionError, AttributeError, TypeError):
        return []
    return [f for i, src in enumerate(cells) for f in scan_source(_strip_magics(src), i)]


def scan_project(data: bytes) -> list[Finding]:
    """Findings over the Python files of a project folder (stored as a zip)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(n for n in zf.namelist() if n.endswith(".py")):
            text = zf.read(name).decode("utf-8", "replace")
            found += [dataclasses.replace(f, what=f"{name}: {f.what}") for f in scan_source(text)]
    return found


def summary(findings: list[Finding], limit: int = 8) -> str:
    """One line for the collection report: every finding up to ``limit``, then how many more."""
    shown = "; ".join(f.render() for f in findings[:limit])
    more = f"; and {len(findings) - limit} more" if len(findings) > limit else ""
    return (f"needs review (score unchanged): {shown}{more} — read these lines before the grade is final")
