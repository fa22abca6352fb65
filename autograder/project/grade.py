"""Grade a project folder (stored as a zip): unpack it inside the sandbox, import
``solution.py``, then run the task's cases."""

from __future__ import annotations

import base64
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import nbformat

from autograder.engine import GradeResult, Limits, grade_notebook
from autograder.errors import UserError
from autograder.project.cases import project_cases, training_timeout
from autograder.project.task import ProjectTask

MAX_README = 200_000
IMPORT_SLACK_S = 60.0  # unpacking, importing solution.py and its libraries

# Runs in the sandbox: the project's files in a private folder, importable as modules.
_UNPACK = '''import base64, io, os, sys, tempfile, zipfile
_project = tempfile.mkdtemp(prefix="project-")
zipfile.ZipFile(io.BytesIO(base64.b64decode("{payload}"))).extractall(_project)
os.chdir(_project)
sys.path.insert(0, _project)'''
_IMPORT = '''import importlib
_solution = importlib.import_module("solution")  # not run as __main__: its training-script part stays idle
for _name in ("train", "predict"):
    if hasattr(_solution, _name):
        globals()[_name] = getattr(_solution, _name)'''


def readme_of(archive: zipfile.ZipFile) -> str:
    names = {n.lower(): n for n in archive.namelist()}
    name = names.get("readme.md") or names.get("readme.txt") or names.get("readme")
    if name is None:
        return ""
    return archive.read(name)[:MAX_README].decode("utf-8", "replace")


def project_limits(limits: Limits, task: ProjectTask, time_limit: float) -> Limits:
    """Every training gets ``time_limit``; the whole project the sum of its three trainings."""
    wall = training_timeout(time_limit, 3) + IMPORT_SLACK_S
    return replace(limits, wall_s=wall, case_timeout_s=training_timeout(time_limit, 2),
                   cpu_s=max(limits.cpu_s, int(2 * wall)), hidden_files=(*limits.hidden_files, *task.hidden_files))


def grade_project(snapshot: Path, task: ProjectTask, holdout_seed: int, time_limit: float,
                  limits: Limits) -> GradeResult:
    """Score a stored project; a snapshot that is not a project raises UserError."""
    try:
        with zipfile.ZipFile(snapshot) as archive:
            readme = readme_of(archive)
    except zipfile.BadZipFile:
        raise UserError("the stored project is not a zip archive", where=str(snapshot),
                        fix="collect the week again") from None
    payload = base64.b64encode(snapshot.read_bytes()).decode("ascii")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_UNPACK.format(payload=payload)),
                                         nbformat.v4.new_code_cell(_IMPORT)])
    cases = project_cases(task, readme, holdout_seed, time_limit)
    with tempfile.TemporaryDirectory(prefix="project-") as tmp:
        path = Path(tmp) / "project.ipynb"
        nbformat.write(nb, str(path))
        return grade_notebook(path, cases, project_limits(limits, task, time_limit))
