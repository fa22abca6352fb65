"""The package's layers, read from its source: every import (at the top of a module or inside a
function) points down or sideways, never up, and no two modules or layers import each other.

Lowest first: the shared vocabulary (errors, protocol, names, files) → the sandbox side (inside) →
the course file and the gradebook → the machinery (the case kit, the sandbox engine, what a
submission is made of, the notebook builder, the write-up and project graders, regrade records) →
the kinds of assignment → the stages → the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from tests.conftest import PROJECT

PACKAGE = PROJECT / "autograder"
LAYERS: dict[str, int] = {
    **dict.fromkeys(["autograder", "autograder.errors", "autograder.protocol", "autograder.naming",
                     "autograder.text_files", "autograder.notebooks", "autograder.gitcli", "autograder.sheets",
                     "autograder.pages", "autograder.groups", "autograder.pseudonyms"], 0),
    "autograder.inside": 1,
    **dict.fromkeys(["autograder.config", "autograder.kind_settings", "autograder.roster", "autograder.gradebook"], 2),
    **dict.fromkeys(["autograder.casekit", "autograder.engine", "autograder.sources", "autograder.build",
                     "autograder.writeup", "autograder.project", "autograder.manual", "autograder.regrade"], 3),
    "autograder.kinds": 4,
    **dict.fromkeys(["autograder.collect", "autograder.grade", "autograder.report", "autograder.feedback",
                     "autograder.integrity", "autograder.regrade.decide", "autograder.watch", "autograder.audit",
                     "autograder.demo"], 5),
    **dict.fromkeys(["autograder.cli", "autograder.__main__"], 6),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer_of(module: str) -> str:
    """The LAYERS entry a module belongs to: its longest listed prefix."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _type_checking_only(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _imports(path: Path, module: str) -> set[str]:
    """The autograder modules ``path`` imports anywhere (annotations-only imports excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            # ``from autograder import gitcli`` imports the module autograder.gitcli
            found |= {f"{base}.{a.name}" if (PACKAGE.parent / f"{base}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                      or (PACKAGE.parent / f"{base}.{a.name}".replace(".", "/")).is_dir() else base for a in node.names}
    return {m for m in found if m == "autograder" or m.startswith("autograder.")}


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        graph.add_node(module)
        for target in _imports(path, module):
            if target != module and not module.startswith(target + "."):  # a package's own __init__ runs anyway
                graph.add_edge(module, target)
    return graph


def test_no_module_imports_a_higher_layer():
    upward = [f"{a} (layer {LAYERS[_layer_of(a)]}) imports {b} (layer {LAYERS[_layer_of(b)]})"
              for a, b in _graph().edges if LAYERS[_layer_of(b)] > LAYERS[_layer_of(a)]]
    assert not upward, "\n".join(upward)


def test_no_import_cycles_between_modules_or_between_layer_entries():
    graph = _graph()
    assert not list(nx.simple_cycles(graph)), list(nx.simple_cycles(graph))[:5]
    entries = nx.DiGraph((_layer_of(a), _layer_of(b)) for a, b in graph.edges if _layer_of(a) != _layer_of(b))
    cycles = list(nx.simple_cycles(entries))
    assert not cycles, cycles[:5]


def test_no_module_level_getattr_hides_an_import():
    hiding = [str(p.relative_to(PROJECT)) for p in PACKAGE.rglob("*.py")
              if any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
                     for n in ast.parse(p.read_text(encoding="utf-8")).body)]
    assert not hiding, hiding


def test_the_checker_sees_an_upward_import(tmp_path):
    """The check itself: a core module importing a stage is caught."""
    fake = tmp_path / "autograder" / "errors.py"
    fake.parent.mkdir()
    fake.write_text("from autograder.report.finals import final_scores\nfrom . import naming\n")
    found = _imports(fake, "autograder.errors")
    assert found == {"autograder.report.finals", "autograder.naming"}
    assert LAYERS[_layer_of("autograder.report.finals")] > LAYERS[
        _layer_of("autograder.errors")]


def test_the_kinds_grader_yml_may_name_are_the_kinds_implemented():
    from autograder import kind_settings, kinds

    assert set(kind_settings.KINDS) == set(kinds.REGISTRY)
