"""A template saved under the submission name its own instructions give (`2주차 과제_20기 김민준.ipynb`)
still runs its public tests: `otter.Notebook()` finds the notebook under any name (it once named
`week02.ipynb` and failed with 'No such file', then NameError on every `grader.check`)."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import PROJECT


def test_a_renamed_template_runs_its_public_tests(tmp_path):
    shutil.copytree(PROJECT / "student_templates" / "week02" / "tests", tmp_path / "tests")
    path = tmp_path / "2주차 과제_20기 김민준.ipynb"
    shutil.copy(PROJECT / "student_templates" / "week02" / "week02.ipynb", path)
    nb = nbformat.read(str(path), as_version=4)
    try:
        NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    except Exception as exc:  # noqa: BLE001 - no Jupyter kernel on this machine
        pytest.skip(f"no Jupyter kernel: {exc}")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not [e for e in errors if e.ename in ("FileNotFoundError", "NameError")], [
        (e.ename, e.evalue[:120]) for e in errors]
    checks = [c for c in nb.cells if c.cell_type == "code" and "grader.check(" in c.source]
    assert checks and all(c.get("outputs") for c in checks)  # each check reported (failing: nothing written yet)
    assert "otter.Notebook()" in nb.cells[0].source


def test_a_course_of_student_repositories_tells_students_to_push_to_their_own(tmp_path):
    from autograder.build.api import finish_template

    path = tmp_path / "week02.ipynb"
    shutil.copy(PROJECT / "student_templates" / "week02" / "week02.ipynb", path)
    finish_template(path, 20, own_repositories=True)
    text = "".join(c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "markdown")
    assert "본인 저장소에 push" in text and "push it to your own repository" in text
    assert "수업 저장소" not in text and "class repository" not in text
