"""Warm sandboxes (engine.pool): the same verdicts as one-shot sandboxes, hostile submissions
included, and nothing a submission leaves behind reaches the next one."""

from __future__ import annotations

import dataclasses

import nbformat
import pytest

from autograder.engine import grade_notebook
from autograder.engine.pool import SandboxPool, WarmSandbox
from autograder.notebooks import with_functions
from tests.hostile_notebooks import HOSTILE, LIMITS, OUTSIDE

pytestmark = pytest.mark.skipif(not SandboxPool.usable(LIMITS), reason="warm sandboxes need bubblewrap")

# processes, files and IPC objects a submission leaves for whoever comes next in the same sandbox
LEAVES_TRACES = '''import ctypes, os, time
def _leave_traces():
    for path in ("/tmp/leak", "/dev/shm/leak", "/grading/out/planted.json"):
        try:
            open(path, "w").write("x")
        except OSError:
            pass
    ctypes.CDLL(None).shmget(0, 4096, 0o1666)  # IPC_PRIVATE segment, never removed
    for sig in (9, 19):
        try:
            os.kill(1, sig)  # the zygote is PID 1: signals it has no handler for are ignored
        except OSError:
            pass
    if os.fork() == 0:  # a daemon that outlives the submission, unless it is killed
        os.setsid()
        if os.fork() == 0:
            while True:
                time.sleep(1)
        os._exit(0)
_leave_traces()
'''
# correct only when the sandbox is clean: no leftover files, processes or IPC objects
CHECKS_FOR_TRACES = '''import os
def _traces():
    found = [p for p in ("/tmp/leak", "/dev/shm/leak") if os.path.exists(p)]
    found += [f"out/{n}" for n in os.listdir("/grading/out") if not os.path.isdir(f"/grading/out/{n}")]
    if open("/proc/sysvipc/shm").read().strip().count("\\n"):
        found.append("sysv shm")
    mine = {os.getpid(), os.getppid(), 1}
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in mine]
    if len(others) > 2:  # a case runs in a fork of the notebook: at most it and one helper
        found.append(f"processes {others}")
    return found
def softmax(logits, dim=-1):
    if _traces():
        return logits * 0
    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)
'''


@pytest.fixture
def box(tmp_path):
    sandbox = WarmSandbox(LIMITS, tmp_path)
    yield sandbox
    sandbox.destroy()


def _write(tmp_path, name, nb):
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_hostile_submissions_score_the_same_one_after_another_in_one_warm_sandbox(built, tmp_path, box):
    # the slow ones (fork bomb, memory bomb, loops) wait on time limits: the one-shot suite covers them
    names = ["kills_its_parent", "os_exit", "segfault", "forges_result_files", "sys_exit_top_level",
             "writes_outside_the_sandbox"]
    for name in names:
        sources, expected, statuses = HOSTILE[name]
        result = grade_notebook(_write(tmp_path, name, with_functions(built.solution, sources)), built.cases,
                                LIMITS, runner=box.run)
        assert result.infra_error is None, name
        assert result.score == expected, (name, [(c.case_id, c.status) for c in result.cases if c.status != "passed"])
        for prefix, status in statuses.items():
            assert all(c.status == status for c in result.cases if c.case_id.startswith(prefix)), name
        assert result.isolation.startswith("bwrap+warm")
    assert not any(p.exists() for p in OUTSIDE)
    reference = grade_notebook(_write(tmp_path, "ref", built.solution), built.cases, LIMITS, runner=box.run)
    assert [(c.case_id, c.status, c.points) for c in reference.cases] == \
        [(c.case_id, c.status, c.points) for c in built.result.reference.cases]


def test_nothing_a_submission_leaves_reaches_the_next_and_the_zygote_survives(built, tmp_path, box):
    dirty = with_functions(built.solution, {"mse_loss": LEAVES_TRACES + "def mse_loss(pred, target, reduction='mean'):\n"
                                            "    raise ValueError('shape')\n"})
    first = grade_notebook(_write(tmp_path, "dirty", dirty), built.cases, LIMITS, runner=box.run)
    assert first.infra_error is None
    zygote = box.proc.pid
    probe = with_functions(built.solution, {"softmax": CHECKS_FOR_TRACES})
    second = grade_notebook(_write(tmp_path, "probe", probe), built.cases, LIMITS, runner=box.run)
    assert second.score == 20.0, [(c.case_id, c.message[:120]) for c in second.cases if c.status != "passed"]
    assert box.proc.pid == zygote and box.runs == 2  # the same warm sandbox served both


def test_a_probe_that_sees_traces_does_lose_points(built, tmp_path, box):
    """The probe above can fail: with its own traces planted in the same submission, it scores less."""
    probe = with_functions(built.solution, {"softmax": LEAVES_TRACES + CHECKS_FOR_TRACES})
    result = grade_notebook(_write(tmp_path, "self", probe), built.cases, LIMITS, runner=box.run)
    assert result.score < 20.0


def test_a_submission_past_its_wall_clock_takes_the_warm_sandbox_down_and_the_next_gets_a_fresh_one(built, tmp_path,
                                                                                                    box):
    hang = with_functions(built.solution, {"softmax": "while True:\n    pass\n"})
    limits = dataclasses.replace(LIMITS, wall_s=6)
    result = grade_notebook(_write(tmp_path, "hang", hang), built.cases, limits, runner=box.run)
    assert result.infra_error is None and result.score == 0 and box.proc is None
    after = grade_notebook(_write(tmp_path, "ref", built.solution), built.cases, LIMITS, runner=box.run)
    assert after.score == 20.0 and box.proc is not None
