"""The same notebooks under plain `otter run` and under the sandboxed engine get the same points."""

from __future__ import annotations

import nbformat
import pytest

from autograder.engine import Limits, grade_notebook
from autograder.notebooks import with_functions
from tests.conftest import otter_points, per_question
from tests.week02_mutants import MUTANTS


@pytest.mark.slow
@pytest.mark.parametrize("variant", [None, "softmax_global_max", "ce_library", "mse_broadcasts"])
def test_points_per_question_match_plain_otter(built, tmp_path, variant):
    nb = built.solution if variant is None else with_functions(built.solution, MUTANTS[variant][1])
    path = tmp_path / f"{variant or 'reference'}.ipynb"
    nbformat.write(nb, str(path))
    by_question = per_question(grade_notebook(path, built.cases, Limits(wall_s=120, case_timeout_s=5)))
    otter = otter_points(built.result.autograder_zip, path, tmp_path)
    assert set(otter) == set(by_question)
    for q, pts in by_question.items():
        assert otter[q] == pytest.approx(pts), q
