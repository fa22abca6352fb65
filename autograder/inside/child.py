"""Entry point inside the sandbox: ``python -m autograder.inside.child WORKDIR``.

Reads ``WORKDIR/in/plan.json`` (cells to run and calls to make, written by the grader),
writes observations to ``WORKDIR/out``. Each test case runs in a fork of the executed
notebook, so a case that crashes, exits or hangs loses only itself.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS (before torch loads CUDA)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from autograder.inside import PIDNS_ENV, wire  # noqa: E402
from autograder.inside.doctests import run_public_tests  # noqa: E402
from autograder.inside.forbidden import ForbiddenSpec  # noqa: E402
from autograder.inside.notebook import install_otter_stub, run_cells  # noqa: E402
from autograder.inside.probe import Call, run_case  # noqa: E402


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _redirect_output(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _reap_strays(case_pid: int) -> None:
    """Kill whatever a case left running (a fork bomb's children, a daemon it started).

    In our own PID namespace kill(-1) reaches every process but us and the namespace's
    init, atomically with respect to forks; elsewhere only the case's process group can be
    reached safely (the pids cgroup and the grader's killpg cover the rest).
    """
    if os.environ.get(PIDNS_ENV) == "1":
        for _ in range(3):
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                break
    else:
        try:
            os.killpg(case_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    while True:  # collect the zombies that are ours
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break


def _run_forked_case(i: int, case: dict, arrays_in: dict, namespace: dict, out: Path) -> dict:
    calls = [Call.from_json(c, arrays_in) for c in case["calls"]]
    timeout = float(case.get("timeout") or 0) or None
    pid = os.fork()
    if pid == 0:  # the case runs here; whatever it does, only this process is lost
        try:
            os.setpgid(0, 0)
            _redirect_output(out / f"case-{i}.log")
            _seed(int(case.get("seed", 0)))
            arrays: dict = {}
            obs = run_case(calls, namespace, arrays, forbidden=ForbiddenSpec.from_json(case.get("forbidden", {})),
                           device=case.get("device", "cpu"), timeout=timeout, seed=int(case.get("seed", 0)))
            wire.save(out / f"case-{i}.json", obs, arrays)
        finally:
            os._exit(0)
    limit = (timeout or 60.0) + 5.0  # the alarm inside fires first; this catches a swallowed alarm
    start = time.monotonic()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > limit:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            _reap_strays(pid)
            return {"case": i, "killed_after_s": limit}
        time.sleep(0.002)
    _reap_strays(pid)
    if os.WIFSIGNALED(status):
        return {"case": i, "signal": os.WTERMSIG(status)}
    return {"case": i, "exit": os.WEXITSTATUS(status)}


def main(workdir: str, in_dir: str | None = None, out_dir: str | None = None) -> None:
    """Run the plan in ``workdir/in`` (or ``in_dir``), writing to ``workdir/out`` (or ``out_dir``)."""
    root = Path(workdir)
    out = Path(out_dir) if out_dir else root / "out"
    plan, arrays_in = wire.load(Path(in_dir or root / "in") / "plan.json", max_json_bytes=64 << 20)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True, warn_only=True)  # same verdicts run to run, on CPU and CUDA
    install_otter_stub()
    _seed(0)
    _redirect_output(out / "notebook.log")
    namespace: dict = {"__name__": "__main__"}
    progress = open(out / "progress", "a", buffering=1, encoding="utf-8")
    cells = run_cells(plan["cells"], namespace, plan.get("cell_timeout"),
                      on_start=lambda i: progress.write(f"cell {i}\n"))
    (out / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
    exits = []
    for i, case in enumerate(plan["cases"]):
        progress.write(f"case {i}\n")
        exits.append(_run_forked_case(i, case, arrays_in, namespace, out))
    (out / "exits.json").write_text(json.dumps(exits), encoding="utf-8")
    run_public_tests(plan.get("public_tests", []), namespace, out, plan.get("cell_timeout"))


if __name__ == "__main__":
    main(sys.argv[1])
    os._exit(0)  # skip interpreter teardown: student objects' __del__ must not run after us
