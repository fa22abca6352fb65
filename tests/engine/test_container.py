"""The container backend: the command line a real engine gets, the image recipe, a clear
refusal where no engine runs, and the whole grading protocol through a stand-in engine."""

from __future__ import annotations

import dataclasses
import os
import stat
import sys

import nbformat
import pytest

from autograder.engine import Limits, grade_notebook
from autograder.engine import sandbox
from autograder.engine.sandbox import SandboxUnavailable, container_command
from tests.conftest import PROJECT

LIMITS = Limits(wall_s=120, case_timeout_s=5, isolation="container", container_image="autograder-grading:latest")


def test_run_command_isolates_like_the_bubblewrap_sandbox(tmp_path):
    cmd = container_command(tmp_path, LIMITS, "autograder-x")
    text = " ".join(cmd)
    for flag in ("--network none", "--read-only", "--cap-drop ALL", "--security-opt no-new-privileges",
                 "--user 65534:65534", "--memory 2048m", "--memory-swap 2048m", "--pids-limit 256", "--rm",
                 "--ulimit core=0", "--name autograder-x", "--tmpfs /tmp:rw,nosuid,nodev,size=512m"):
        assert flag in text, flag
    mounts = [cmd[i + 1] for i, a in enumerate(cmd) if a == "-v"]
    assert mounts == [f"{tmp_path / 'in'}:/grading/in:ro", f"{tmp_path / 'out'}:/grading/out:rw"]  # nothing else
    assert "--gpus" not in cmd
    assert cmd[-6:] == ["autograder-grading:latest", "python", "-I", "-m", "autograder.inside.child", "/grading"]
    gpu = container_command(tmp_path, dataclasses.replace(LIMITS, gpus=True, container_engine="podman"), "n")
    assert gpu[0] == "podman" and gpu[gpu.index("--gpus") + 1] == "all"
    # without a GPU the child also caps its address space (MemoryError, as under bubblewrap);
    # CUDA reserves far more address space than it uses, so with one only the cgroup bounds it
    assert "AUTOGRADER_ADDRESS_SPACE_MB=2048" in cmd and not any("ADDRESS_SPACE" in a for a in gpu)
    assert "nofile=1024:1024" in cmd and "nproc=4096" in cmd  # never the engine's defaults


def test_image_recipe_has_cuda_torch_and_the_package_but_no_hidden_tests():
    recipe = (PROJECT / "docker" / "grading.Dockerfile").read_text()
    lines = recipe.splitlines()
    assert "ARG BASE=nvidia/cuda:" in recipe and next(l for l in lines if l.startswith("FROM")) == "FROM ${BASE}"
    assert "pip install torch==2.13.0" in recipe and "pip install /src" in recipe
    assert "USER 65534:65534" in recipe and "assignments" not in [w for l in recipe.splitlines()
                                                                 if l.startswith("COPY") for w in l.split()]
    ignored = (PROJECT / ".dockerignore").read_text().split()
    assert {"assignments/", "out/", "tests/", "student_templates/"} <= set(ignored)


def test_without_a_running_engine_grading_stops_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker here at all
    sandbox._container_engine_problem.cache_clear()
    with pytest.raises(SandboxUnavailable, match="docker is not installed"):
        sandbox.choose_isolation("container", "docker")
    sandbox._container_engine_problem.cache_clear()


def test_a_docker_cli_without_its_daemon_is_refused_not_graded(built, tmp_path):
    import shutil

    if not shutil.which("docker"):
        pytest.skip("no docker CLI on this machine (the previous test covers a missing engine)")
    sandbox._container_engine_problem.cache_clear()
    problem = sandbox._container_engine_problem("docker")
    if problem is None:
        pytest.skip("a docker engine runs here: see test_grading_through_a_real_engine")
    path = tmp_path / "sub.ipynb"
    nbformat.write(built.solution, str(path))
    result = grade_notebook(path, built.cases, LIMITS)
    assert result.infra_error and "daemon" in result.infra_error and not result.cases  # retried, never a zero


@pytest.fixture
def fake_engine(tmp_path, monkeypatch):
    shim = tmp_path / "bin" / "docker"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} {PROJECT / 'tests' / 'fake_container_engine.py'} \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("FAKE_ENGINE_STATE", str(tmp_path / "state"))
    sandbox._container_engine_problem.cache_clear()
    yield str(shim)
    sandbox._container_engine_problem.cache_clear()


def test_container_protocol_gives_the_same_verdicts_as_the_local_sandbox(built, tmp_path, fake_engine):
    path = tmp_path / "sub.ipynb"
    nbformat.write(built.solution, str(path))
    result = grade_notebook(path, built.cases, dataclasses.replace(LIMITS, container_engine=fake_engine))
    assert result.infra_error is None and result.isolation == f"container:{fake_engine}"
    local = built.result.reference
    assert [(c.case_id, c.status, c.points) for c in result.cases] == [(c.case_id, c.status, c.points)
                                                                        for c in local.cases]
    assert result.score == 20.0 and any(c.status == "skipped" for c in result.cases)  # CUDA cases, no GPU


def test_a_hanging_submission_is_killed_through_the_engine(built, tmp_path, fake_engine):
    from autograder.notebooks import with_functions

    path = tmp_path / "hang.ipynb"
    nbformat.write(with_functions(built.solution, {"softmax": "while True:\n    pass\n"}), str(path))
    limits = dataclasses.replace(LIMITS, container_engine=fake_engine, wall_s=8, cell_timeout_s=60)
    result = grade_notebook(path, built.cases, limits)
    assert result.infra_error is None and result.score == 0
    assert all(c.status in ("crashed", "skipped", "timeout") for c in result.cases)
    assert any(n.startswith("killed-autograder-") for n in os.listdir(tmp_path / "state"))  # killed by name


@pytest.mark.parametrize("erase", ["progress", "every file it holds"])
def test_a_submission_cannot_pass_for_a_container_that_never_started(built, tmp_path, fake_engine, erase):
    """No fd can be passed into a container: the harness's handshake is its first byte on stdout,
    written before any student code. Emptying the progress file (or every file the process holds)
    and exiting is then a crash scored 0, never 'sandbox did not start' (retried, never scored)."""
    from autograder.notebooks import with_functions

    which = "os.readlink(f'/proc/self/fd/{_fd}').endswith('/progress')" if erase == "progress" else "True"
    forger = ("import os\nfor _fd in os.listdir('/proc/self/fd'):\n    try:\n"
              f"        if {which}:\n            os.ftruncate(int(_fd), 0)\n    except OSError:\n        pass\n"
              "os._exit(0)\n")
    path = tmp_path / "forger.ipynb"
    nbformat.write(with_functions(built.solution, {"softmax": forger}), str(path))
    result = grade_notebook(path, built.cases, dataclasses.replace(LIMITS, container_engine=fake_engine))
    assert result.infra_error is None and result.score == 0
    assert {c.status for c in result.cases} <= {"crashed", "skipped"}


def test_a_container_whose_harness_never_ran_is_an_infrastructure_error(built, tmp_path, fake_engine,
                                                                        monkeypatch):
    """The other side of the handshake: an image whose python cannot start the harness is retried, not
    scored (no byte on stdout, no progress)."""
    monkeypatch.setattr(sandbox, "container_command", lambda workdir, limits, name: [
        fake_engine, "run", "--name", name, "-v", f"{workdir / 'in'}:/grading/in:ro",
        "-v", f"{workdir / 'out'}:/grading/out:rw", "IMAGE", "python", "-c", "import sys; sys.exit(3)"])
    path = tmp_path / "sub.ipynb"
    nbformat.write(built.solution, str(path))
    result = grade_notebook(path, built.cases, dataclasses.replace(LIMITS, container_engine=fake_engine))
    assert result.infra_error and "did not start" in result.infra_error and not result.cases
