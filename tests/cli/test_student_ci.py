"""The CI workflow a course hands to students: its test step, run here on a student repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from autograder.demo import _git
from autograder.notebooks import with_functions
from tests.conftest import PROJECT

WORKFLOW = PROJECT / "student_templates" / "ci" / "public-tests.yml"


def _step(name: str) -> str:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return next(s["run"] for s in jobs["check"]["steps"] if s.get("name") == name)


def _student_repo(tmp_path: Path, built, nb) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    shutil.copytree(built.cfg.path(built.cfg.build.templates) / "week02" / "tests", repo / "tests")
    nbformat.write(nb, str(repo / "2주차 과제_19기 박세훈.ipynb"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "submit", when="2026-07-14T20:00:00+09:00")
    return repo


def _run(repo: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "COLUMNS": "200"}
    return subprocess.run(["bash", "-c", _step("public tests")], cwd=repo, capture_output=True, text=True, env=env,
                          timeout=300)


def test_workflow_runs_autograder_check_on_each_submission(built, tmp_path, need_git):
    assert "autograder check" in _step("public tests") and "torch==2.13.0" in _step("install")
    good = _run(_student_repo(tmp_path / "good", built, built.solution))
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr[-2000:]
    assert "7/7 public tests passed" in good.stdout
    wrong = with_functions(built.solution, {"softmax": "def softmax(logits, dim=-1):\n    return logits\n"})
    bad = _run(_student_repo(tmp_path / "bad", built, wrong))
    assert bad.returncode == 1 and "softmax" in bad.stdout


def test_a_plain_student_repository_with_several_weeks_finds_each_notebooks_tests(built, tmp_path, need_git):
    """Only what students receive: the week's template folder (notebook + tests/) kept in its own
    folder, the submission saved at the top, no course files, run from the repository."""
    repo = tmp_path / "student"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    shutil.copytree(built.cfg.path(built.cfg.build.templates) / "week02", repo / "2주차")
    (repo / "3주차" / "tests").mkdir(parents=True)
    (repo / "3주차" / "tests" / "linear.py").write_text("test = {'name': 'linear', 'suites': []}\n")
    nbformat.write(built.solution, str(repo / "2주차 과제_20기 김민준.ipynb"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "submit", when="2026-07-14T20:00:00+09:00")
    result = _run(repo)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout.count("7/7 public tests passed") == 1  # the submission (the template is not one)
    assert "cannot tell" not in result.stdout and "rename" not in result.stdout
