"""A week's variants as notebooks: the reference, the template, each correct alternative and each
mutant of its proof (autograder.casekit.proof), for the tests and the benchmarks alike."""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat

from autograder.casekit.proof import Mutant, Proof, load_proof, mutant_notebook, with_definitions
from testkit.course import PROJECT, WEEKS


@functools.cache
def proof(week: str) -> Proof:
    return load_proof(PROJECT / "assignments" / WEEKS[week][0])


def mutants(week: str) -> dict[str, Mutant]:
    return proof(week).mutants


def alternatives(week: str) -> dict[str, dict[str, str]]:
    """Correct solutions written another way: {name: {definition: its new source}}."""
    return proof(week).alternatives


def expected_hints(week: str) -> dict[str, str]:
    """{mutant: the catalogue hint id it must get}."""
    return proof(week).hints


def hints_of(result) -> set[str]:
    """The catalogue hint ids a graded result gave."""
    from autograder.casekit.hints import loads

    return {h.id for c in result.cases for h in loads(c.hints)}


def variant(built, name: str) -> nbformat.NotebookNode:
    if name == "reference":
        return built.solution
    if name == "template":
        return built.template
    if name in alternatives(built.week.id):
        return with_definitions(built.solution, alternatives(built.week.id)[name])
    return mutant_notebook(built.solution, mutants(built.week.id)[name])


def variant_path(built, folder: Path, name: str) -> Path:
    path = folder / f"{name}.ipynb"
    nbformat.write(variant(built, name), str(path))
    return path
