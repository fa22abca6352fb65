"""Kinds of assignment, registered by the name grader.yml's ``kind:`` uses. Each stage asks
``kind_of(assignment)``; adding a kind is a subclass of ``AssignmentKind`` and one line here."""

from __future__ import annotations

import importlib

from autograder.errors import UserError

# name → "module:class", imported on first use (config reads only the names)
REGISTRY: dict[str, str] = {
    "notebook": "autograder.kinds.notebook:NotebookKind",
    "writeup": "autograder.kinds.writeup:WriteupKind",
    "project": "autograder.kinds.project:ProjectKind",
}
_LOADED: dict = {}


def get(name: str):
    """The kind registered as ``name`` (an ``AssignmentKind``)."""
    if name not in REGISTRY:
        raise UserError(f"unknown assignment kind {name!r}", fix=f"use one of: {', '.join(REGISTRY)}")
    if name not in _LOADED:
        module, cls = REGISTRY[name].split(":")
        _LOADED[name] = getattr(importlib.import_module(module), cls)()
    return _LOADED[name]


def kind_of(assignment):
    return get(assignment.kind)
