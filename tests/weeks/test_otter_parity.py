"""The same notebooks under plain `otter run` and under the sandboxed engine get the same points."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.engine import Limits, grade_notebook
from tests.conftest import otter_points, per_question
from autograder.casekit.proof import with_definitions
from testkit.variants import mutants

MUTANTS = mutants("week02")


@pytest.mark.slow
@pytest.mark.parametrize("variant", [None, "softmax_global_max", "ce_library", "mse_broadcasts"])
def test_points_per_question_match_plain_otter(built, tmp_path, variant):
    nb = built.solution if variant is None else with_definitions(built.solution, MUTANTS[variant].changes)
    path = tmp_path / f"{variant or 'reference'}.ipynb"
    nbformat.write(nb, str(path))
    by_question = per_question(grade_notebook(path, built.cases, Limits(wall_s=120, case_timeout_s=5)))
    otter = otter_points(built.result.autograder_zip, path, tmp_path)
    assert set(otter) == set(by_question)
    for q, pts in by_question.items():
        assert otter[q] == pytest.approx(pts), q


def _python_without_this_project(folder: Path) -> str:
    """A venv that sees the installed libraries (torch, otter, …) but not this project's package:
    a .pth line adds .venv's site-packages to the path without running its .pth files, so the
    editable install of ``autograder`` is not there. The zip must bring what it needs."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next((folder / "lib").glob("python3*/site-packages"))
    libraries = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "torch").is_dir())
    (site / "course_libraries.pth").write_text(f"{libraries}\n", encoding="utf-8")
    python = str(folder / "bin" / "python")
    probe = subprocess.run([python, "-c", "import autograder"], cwd=folder, capture_output=True)
    assert probe.returncode != 0, "the project's package is still importable"
    return python


def test_the_otter_zip_grades_where_this_project_is_not_installed(built, tmp_path):
    with zipfile.ZipFile(built.result.autograder_zip) as zf:
        names = zf.namelist()
        environment = zf.read("environment.yml").decode()
    assert "files/autograder/casekit/otter_check.py" in names and "torch==2.13.0" in environment
    python = _python_without_this_project(tmp_path / "bare")
    wrong = with_definitions(built.solution, MUTANTS["softmax_global_max"].changes)
    for name, nb in (("reference", built.solution), ("mutant", wrong)):
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nb, str(path))
        expected = per_question(grade_notebook(path, built.cases, Limits(wall_s=120, case_timeout_s=5)))
        assert otter_points(built.result.autograder_zip, path, tmp_path, python=python) == pytest.approx(expected)
