"""The same notebooks under plain `otter run` and under the sandboxed engine get the same points."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from autograder.engine import Limits, grade_notebook
from autograder.notebooks import with_functions
from tests.week02_mutants import MUTANTS


def _otter_points(zip_path, notebook, tmp_path) -> dict[str, float]:
    out = tmp_path / f"otter-{notebook.stem}"
    out.mkdir()
    subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(zip_path), str(notebook), "-o", str(out)],
                   check=True, capture_output=True, cwd=tmp_path, timeout=300)
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: float(t["score"]) for t in tests if "score" in t and t["name"] != "Public Tests"}


@pytest.mark.slow
@pytest.mark.parametrize("variant", [None, "softmax_global_max", "ce_library", "mse_broadcasts"])
def test_points_per_question_match_plain_otter(built, tmp_path, variant):
    nb = built.solution if variant is None else with_functions(built.solution, MUTANTS[variant][1])
    path = tmp_path / f"{variant or 'reference'}.ipynb"
    nbformat.write(nb, str(path))
    ours = grade_notebook(path, built.cases, Limits(wall_s=120, case_timeout_s=5))
    by_question: dict[str, float] = {}
    for c in ours.cases:
        by_question[c.case_id.split("/")[0]] = by_question.get(c.case_id.split("/")[0], 0.0) + c.points
    otter = _otter_points(built.result.autograder_zip, path, tmp_path)
    assert set(otter) == set(by_question)
    for q, pts in by_question.items():
        assert otter[q] == pytest.approx(pts), q
