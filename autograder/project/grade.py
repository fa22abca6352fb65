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
_project = os.path.join(_project, {root!r})
os.chdir(_project)
sys.path.insert(0, _project)'''
# A solution.py whose top level fails (it reads the public dataset, which the sandbox hides, or trains
# without a main guard) would leave every case with "'train' is not defined": each case says why instead.
_IMPORT = '''import importlib
try:
    _solution = importlib.import_module("solution")  # not run as __main__: its training-script part stays idle
except BaseException as _exc:
    _why = ("solution.py failed while it was imported ({}: {}): code at the top level of solution.py runs "
            "when the grader imports it, where public datasets are not readable — put loading data and training "
            "under `if __name__ == '__main__':` and keep train()/predict() at the top level. / solution.py를 "
            "불러오는 중 실패했습니다: 데이터를 읽거나 학습하는 코드는 `if __name__ == '__main__':` 아래에 두세요"
            ).format(type(_exc).__name__, str(_exc)[:300])
    def train(*args, **kwargs):
        raise ImportError(_why)
    def predict(*args, **kwargs):
        raise ImportError(_why)
    raise ImportError(_why) from None
for _name in ("train", "predict"):
    if hasattr(_solution, _name):
        globals()[_name] = getattr(_solution, _name)'''


def project_root(names: list[str]) -> str | None:
    """'' when solution.py is at the top; the folder when everything sits in one folder that holds it
    (a folder unzipped into itself: ``7주차 과제_19기 이름/project/solution.py``); None otherwise."""
    if "solution.py" in names:
        return ""
    tops = {n.split("/", 1)[0] for n in names if "/" in n}
    if len(tops) == 1 and not any("/" not in n for n in names if not n.startswith("__MACOSX")):
        top = tops.pop()
        if f"{top}/solution.py" in names:
            return top
    return None


def readme_of(archive: zipfile.ZipFile, root: str | None = "") -> str:
    prefix = f"{root}/" if root else ""
    names = {n[len(prefix):].lower(): n for n in archive.namelist() if n.startswith(prefix)}
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
            root = project_root(archive.namelist())
            readme = readme_of(archive, root)
    except zipfile.BadZipFile:
        raise UserError("the stored project is not a zip archive", where=str(snapshot),
                        fix="collect the week again") from None
    payload = base64.b64encode(snapshot.read_bytes()).decode("ascii")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_UNPACK.format(payload=payload, root=root or ".")),
                                         nbformat.v4.new_code_cell(_IMPORT)])
    cases = project_cases(task, readme, holdout_seed, time_limit)
    with tempfile.TemporaryDirectory(prefix="project-") as tmp:
        path = Path(tmp) / "project.ipynb"
        nbformat.write(nb, str(path))
        result = grade_notebook(path, cases, project_limits(limits, task, time_limit))
    if root:  # graded from the folder that holds solution.py; the student hears why
        result = replace(result, remarks=(f"solution.py was one folder down ({root}/): graded from there — put the "
                                          f"project's files at the top of its folder / solution.py가 한 폴더 아래"
                                          f"({root}/)에 있어 그 폴더를 채점했습니다",))
    return result
