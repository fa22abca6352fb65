"""Hostile submissions: each must get exactly the points its honest part earns."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.engine import grade_notebook
from autograder.engine.sandbox import SandboxUnavailable, _world_reachable, choose_isolation
from autograder.inside.child import AFTER_A_HANG_S
from tests.hostile_notebooks import FALLBACK, HOSTILE, LIMITS, grade_hostile

@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_gets_exactly_its_honest_points(built, tmp_path, name):
    result = grade_hostile(built, tmp_path, name, LIMITS)
    if name in ("infinite_loop", "swallows_timeouts"):  # never returns: one case limit, then short budgets
        hung = [c for c in result.cases if c.case_id.startswith("softmax_ce_grad/") and c.status == "timeout"]
        assert len(hung) >= 2 and "shortened" not in hung[0].message
        assert all(f"shortened to {AFTER_A_HANG_S:g} s: an earlier case of this function did not finish" in c.message
                   for c in hung[1:])


@pytest.mark.parametrize("name", FALLBACK)
def test_rlimit_fallback_survives_the_same_attacks_or_refuses_to_start(built, tmp_path, name):
    limits = dataclasses.replace(LIMITS, isolation="rlimit")
    if os.getuid() == 0 and not _world_reachable(Path(sys.executable)):
        # as root, student code may only run as nobody; nobody cannot reach this interpreter
        with pytest.raises(SandboxUnavailable, match="install the 'bubblewrap' package"):
            choose_isolation("rlimit")
        path = tmp_path / "any.ipynb"
        nbformat.write(built.solution, str(path))
        assert "bubblewrap" in grade_notebook(path, built.cases, limits).infra_error
        return
    result = grade_hostile(built, tmp_path, name, limits)
    assert result.isolation.startswith("rlimit+nobody" if os.getuid() == 0 else "rlimit")


def test_a_notebook_of_fifty_thousand_trivial_cells_is_graded(built, tmp_path):
    """Its cell records once went over the judge's 4 MiB cap: every case 'crashed', 0 points, no word why."""
    nb = nbformat.from_dict(dict(built.solution))
    nb.cells = list(nb.cells) + [nbformat.v4.new_code_cell("x = 1") for _ in range(50_000)]
    path = tmp_path / "many.ipynb"
    nbformat.write(nb, str(path))
    result = grade_notebook(path, built.cases, LIMITS)
    assert result.infra_error is None and result.score == 20.0, [(c.case_id, c.message[:80]) for c in result.cases
                                                                 if c.status != "passed"][:3]
