"""Per-kind checks of an assignment's settings in grader.yml, kept apart from the kinds' code: loading
the course file must not import what grading needs (torch, the sandbox, otter), only this."""

from __future__ import annotations

from typing import Callable

# the kinds grader.yml may name; autograder.kinds.REGISTRY implements each (a test holds them equal)
KINDS = ("notebook", "writeup", "project")


def _project(assignment) -> str | None:
    if assignment.holdout_seed is None:
        return "a project needs holdout_seed (private: it picks the held-out data)"
    return None


CHECKS: dict[str, Callable] = {"project": _project}


def problem(assignment) -> str | None:
    """A problem with ``assignment``'s settings for its kind, or None."""
    check = CHECKS.get(assignment.kind)
    return check(assignment) if check else None
