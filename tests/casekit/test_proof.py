"""A week's proof (assignments/weekNN_*/mutants.py): one format, and a definition's new source
replaces exactly that definition — a function, a class or one method — wherever the cell has it."""

from __future__ import annotations

import nbformat
import pytest

from autograder.casekit.proof import Mutant, has_proof, load_proof, replace_definition, with_definitions
from testkit.course import PROJECT, WEEKS

CELL = '''import torch


class Adam:
    def __init__(self, params, lr=1e-3):
        self.params = list(params)

    @torch.no_grad()
    def step(self):
        for p in self.params:
            p -= 1


def helper(x):
    return x
'''


def test_a_method_is_replaced_in_its_class_and_nothing_else_moves():
    new = replace_definition(CELL, "Adam.step", "def step(self):\n    return None\n")
    assert "    def step(self):\n        return None\n" in new and "@torch.no_grad()" not in new
    assert new.replace("    def step(self):\n        return None\n", "") == CELL.replace(
        "    @torch.no_grad()\n    def step(self):\n        for p in self.params:\n            p -= 1\n", "")


def test_a_function_is_replaced_with_the_lines_its_source_adds_above_it():
    new = replace_definition(CELL, "helper", "import math\ndef helper(x):\n    return math.floor(x)\n")
    assert new.endswith("import math\ndef helper(x):\n    return math.floor(x)\n") and "class Adam" in new


def test_a_missing_definition_is_a_clear_error_not_a_silent_no_op():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL), nbformat.v4.new_code_cell("%%time\nx = 1")])
    assert replace_definition("%%time\nx = 1", "helper", "def helper(): pass") is None  # magics: not this cell
    with pytest.raises(KeyError, match="no code cell defines Adam.zero_grad"):
        with_definitions(nb, {"Adam.zero_grad": "def zero_grad(self):\n    pass\n"})
    assert with_definitions(nb, {"helper": "def helper(x):\n    return -x\n"}).cells[0].source.endswith("return -x\n")


def test_every_coded_week_has_a_proof_in_its_folder_in_one_format():
    assert set(WEEKS) == {"week02", "week03", "week04", "week05", "week06"}  # grader.yml's notebook weeks
    for week, (folder, _) in WEEKS.items():
        assert has_proof(PROJECT / "assignments" / folder)
        proof = load_proof(PROJECT / "assignments" / folder)
        assert len(proof.mutants) >= 12 and proof.alternatives, week
        for name, mutant in proof.mutants.items():
            assert isinstance(mutant, Mutant) and "/" in mutant.case and mutant.changes, (week, name)
            assert all(src.lstrip().startswith(("def ", "class ", "import ", "from ", "@")) for src in mutant.changes.values())


def test_a_hint_for_a_mutant_that_does_not_exist_is_refused(tmp_path):
    (tmp_path / "mutants.py").write_text('MUTANTS = {"a": ("q/c", {"f": "def f(): pass"})}\nHINTS = {"b": "q.x"}\n')
    with pytest.raises(ValueError, match="HINTS name no mutant: b"):
        load_proof(tmp_path)
