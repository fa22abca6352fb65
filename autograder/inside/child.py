"""Entry point inside the sandbox: ``python -m autograder.inside.child WORKDIR``.

Reads ``WORKDIR/in/plan.json`` (cells to run and calls to make, written by the grader),
writes observations to ``WORKDIR/out``. The cases run one after another in a fork of the
executed notebook; a case that crashes, exits or hangs loses only itself (the later cases go
on in a fresh fork).
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import secrets
import select
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS (before torch loads CUDA)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from autograder import protocol  # noqa: E402
from autograder.protocol import ADDRESS_SPACE_ENV, PIDNS_ENV, wire  # noqa: E402
from autograder.inside.doctests import run_public_tests  # noqa: E402
from autograder.inside.forbidden import ForbiddenSpec, hide_harness  # noqa: E402
from autograder.inside.notebook import install_otter_stub, run_cells  # noqa: E402
from autograder.inside.probe import run_case, seed_torch  # noqa: E402
from autograder.protocol.calls import Call  # noqa: E402
from autograder.protocol.records import CASE, CELL, CaseExit, progress_line  # noqa: E402
from autograder.inside.warmup import warm_up  # noqa: E402


def _seed(seed: int, device: str = "cpu") -> None:
    random.seed(seed)
    np.random.seed(seed)
    seed_torch(seed, device)


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


def _first_to_go_when_memory_runs_out() -> None:
    """Make the kernel's OOM killer pick a case's process, not the notebook's (raising one's own
    score needs no privilege): a memory-hungry case then loses only itself."""
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")
    except OSError:
        pass


def _cap_address_space() -> None:
    """Allow ``ADDRESS_SPACE_ENV`` MiB more than is mapped now (torch's CUDA build maps GBs of
    libraries it never touches, so the cap counts from after the import and warm-up)."""
    limit_mb = os.environ.get(ADDRESS_SPACE_ENV, "")
    if not limit_mb.isdigit():
        return
    mapped_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                     if line.startswith("VmSize:"))
    cap = (mapped_kb << 10) + (int(limit_mb) << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


# Once a case of a question has not finished in time, the question's later cases get this much
# each: a function that never returns costs one case limit and a few seconds, not one per case
# (a week-2 case takes 1-3 ms in the reference: this is ~100x that; the function already hung once).
AFTER_A_HANG_S = 0.25
_SHORTENED = f" (shortened to {AFTER_A_HANG_S:g} s: an earlier case of this function did not finish in time)"


def _timeout(case: dict, hung: bool) -> float:
    full = float(case.get("timeout") or 0) or 60.0
    return min(full, AFTER_A_HANG_S) if hung else full


def _run_case(i: int, case: dict, arrays_in: dict, namespace: dict, out: Path, results: Path,
              hung: bool = False, memo: dict | None = None) -> bool:
    """Run case ``i`` and save what it returned; True when it ran out of time."""
    calls = [Call.from_json(c, arrays_in) for c in case["calls"]]
    timeout = _timeout(case, hung)
    _redirect_output(out / protocol.case_log(i))
    _seed(int(case.get("seed", 0)), case.get("device", "cpu"))
    arrays: dict = {}
    obs = run_case(calls, namespace, arrays, forbidden=ForbiddenSpec.from_json(case.get("forbidden", {})),
                   device=case.get("device", "cpu"), timeout=timeout, seed=int(case.get("seed", 0)),
                   keep_armed=True, memo=memo)
    timed_out = any(o.get("status") == "timeout" for o in obs)
    if timed_out and timeout < (float(case.get("timeout") or 0) or 60.0):
        for o in obs:
            if o.get("status") == "timeout" and isinstance(o.get("error"), dict):
                o["error"]["message"] = str(o["error"].get("message", "")) + _SHORTENED
    wire.save(results / protocol.case_result(i), obs, arrays)
    return timed_out


def _limit(case: dict, hung: bool = False) -> float:
    """Wall clock for one case: its alarm fires first; this catches a swallowed alarm."""
    return _timeout(case, hung) + 5.0


def _fork(patience_s: float = 10.0) -> int:
    """``os.fork``, waiting while the process limit is full: the orphans of a killed fork bomb
    are reaped by the namespace's init a moment after they die, not at once."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            return os.fork()
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _run_in_fork(indices: list[int], cases: list[dict], arrays_in: dict, namespace: dict, out: Path,
                 results: Path, progress, hung: set) -> tuple[dict[int, CaseExit], list[int]]:
    """Run ``indices`` one after another in one fork of the executed notebook.

    The fork reports ``start I`` / ``end I`` (``slow I`` when case I ran out of time) on a pipe.
    When it dies or hangs in a case, that case alone is lost: returns exit records and the indices
    still to run (in a fresh fork). ``hung`` holds the questions (``group``) one of whose cases
    ran out of time; it grows as cases time out. One fork for all the cases, not one per case or
    per question: each fork of a process with torch loaded costs 10-15 ms in copied pages.
    """
    read_fd, write_fd = os.pipe()
    go_read, go_write = os.pipe()
    pid = _fork()
    if pid == 0:  # whatever a case does, only this process is lost
        try:
            os.close(read_fd)
            os.close(go_write)
            os.setpgid(0, 0)
            _first_to_go_when_memory_runs_out()
            memo: dict = {}  # identical training calls of one question run once (protocol.calls)
            group = None
            for i in indices:
                if cases[i].get("group") != group:
                    group, memo = cases[i].get("group"), {}
                os.write(write_fd, f"start {i}\n".encode())
                # a case begins only once the process above has taken note: when a case kills
                # that process, the fork stops here, and the last case on record is the one to blame
                if os.read(go_read, 1) != b"g":
                    break
                progress.write(progress_line(CASE, i))
                if _run_case(i, cases[i], arrays_in, namespace, out, results, _is_hung(cases[i], hung), memo):
                    hung.add(cases[i].get("group"))
                    os.write(write_fd, f"slow {i}\nend {i}\n".encode())  # one write: never read apart
                else:
                    os.write(write_fd, f"end {i}\n".encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    os.close(go_read)
    exits: dict[int, CaseExit] = {}
    running, since, pending, status = None, time.monotonic(), b"", None
    limit, short = _limit({}), False
    while True:
        ready, _, _ = select.select([read_fd], [], [], max(limit - (time.monotonic() - since), 0.0))
        data = os.read(read_fd, 4096) if ready else None
        if data is None:  # no word within the limit: the case hangs
            os.kill(pid, signal.SIGKILL)
            status = os.waitpid(pid, 0)[1]
            if running is None:  # hung between cases: charge the next one, if any is left
                running = next((i for i in indices if i not in exits), None)
            if running is not None:
                exits[running] = CaseExit(running, killed_after_s=limit, shortened=short)
                hung.add(cases[running].get("group"))
            break
        if not data:  # the fork has exited
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            word, _, num = line.decode("ascii", "replace").partition(" ")
            if not num.isdigit() or int(num) not in indices:
                continue
            if word == "start":
                # the running case's limit is fixed when it starts: a hang it reports itself
                # shortens the cases after it, not the one still finishing
                running, since = int(num), time.monotonic()
                short = _is_hung(cases[running], hung)
                limit = _limit(cases[running], short)
                try:
                    os.write(go_write, b"g")
                except OSError:  # the fork is gone; its exit is read below
                    pass
            elif word == "slow":
                hung.add(cases[int(num)].get("group"))
            elif word == "end" and int(num) == running:
                exits[running] = CaseExit(running, exit=0)
                running, since, limit, short = None, time.monotonic(), _limit({}), False
    os.close(read_fd)
    os.close(go_write)
    if status is None:
        status = os.waitpid(pid, 0)[1]
    _reap_strays(pid)
    if running is None and not exits:  # died before its first case began: count it against that case
        running = indices[0]
    if running is not None and running not in exits:
        exits[running] = (CaseExit(running, signal=os.WTERMSIG(status)) if os.WIFSIGNALED(status)
                          else CaseExit(running, exit=os.WEXITSTATUS(status)))
    return exits, [i for i in indices if i > max(exits)]


def _is_hung(case: dict, hung: set) -> bool:
    """Whether an earlier case of ``case``'s question ran out of time (ungrouped cases stand alone)."""
    return case.get("group") is not None and case.get("group") in hung


def _run_cases(cases: list[dict], arrays_in: dict, namespace: dict, out: Path, results: Path,
               progress) -> list[CaseExit]:
    """Every case, in one fork; after a case that took its fork down, the rest in a fresh one."""
    exits: dict[int, CaseExit] = {}
    todo = list(range(len(cases)))
    hung: set = set()
    gc.freeze()  # the notebook's objects, as warm_up did torch's: a fork's collections skip them
    while todo:
        found, todo = _run_in_fork(todo, cases, arrays_in, namespace, out, results, progress, hung)
        exits.update(found)
    return [exits[i] for i in range(len(cases))]


def main(workdir: str, in_dir: str | None = None, out_dir: str | None = None) -> None:
    """Run the plan in ``workdir/in`` (or ``in_dir``), writing to ``workdir/out`` (or ``out_dir``)."""
    _started()
    root = Path(workdir)
    out = Path(out_dir) if out_dir else root / "out"
    plan, arrays_in = wire.load(Path(in_dir or root / "in") / "plan.json", max_json_bytes=64 << 20)
    # Python's own setting (a zygote wants SIGPIPE's default for itself): a write to a case's
    # fork that has died raises, never kills this process
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    torch.set_num_threads(1)
    # Same verdicts run to run, on CPU and CUDA. The flag itself, not torch.use_deterministic_algorithms:
    # that also imports torch._inductor (and dynamo, sympy) for torch.compile's setting, ~1.5 s a submission.
    torch._C._set_deterministic_algorithms(True, warn_only=True)
    warm_up()  # before the notebook runs: student code never shares the process with it after
    _cap_address_space()
    install_otter_stub()
    # the results folder's name is drawn before any student code runs and the folder is made
    # only after the notebook ran: nothing the notebook's top level writes can pass for a result
    results = out / (protocol.RESULTS_PREFIX + secrets.token_hex(16))
    _seed(0)
    _redirect_output(out / protocol.NOTEBOOK_LOG)
    namespace: dict = {"__name__": "__main__"}
    progress = open(out / protocol.PROGRESS, "a", buffering=1, encoding="utf-8")
    hide_harness()
    sys.path.append(os.getcwd())  # as in Jupyter, the notebook's folder is importable (%%writefile helpers)
    cells = run_cells(plan["cells"], namespace, plan.get("cell_timeout"),
                      on_start=lambda i: progress.write(progress_line(CELL, i)))
    results.mkdir(mode=0o755)
    # only the cells a student must hear about (an error, a timeout, a skipped magic): a notebook of
    # 50,000 trivial cells once wrote records over the judge's cap and lost every case
    _write_new(results / protocol.CELLS, json.dumps([c for c in cells if c.get("status") != "ok" or c.get("note")]
                                                    [:MAX_CELL_RECORDS]))
    exits = _run_cases(plan["cases"], arrays_in, namespace, out, results, progress)
    _write_new(results / protocol.EXITS, json.dumps([e.to_json() for e in exits]))
    run_public_tests(plan.get("public_tests", []), namespace, results, plan.get("cell_timeout"))


MAX_CELL_RECORDS = 500  # what GradeResult.notes reads at most


def _started() -> None:
    """Tell the grader, through the pipe it gave us (a container's: stdout), that the harness runs,
    before any student code. The fd is then let go, so nothing that runs later can reach it."""
    fd = os.environ.pop(protocol.READY_FD_ENV, None)
    if fd and fd.isdigit():
        try:
            os.write(int(fd), b"S")
            if int(fd) <= 2:  # keep 0-2 taken: a file opened next must not land on stdout
                os.dup2(os.open(os.devnull, os.O_WRONLY), int(fd))
            else:
                os.close(int(fd))
        except OSError:
            pass


def _write_new(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)

if __name__ == "__main__":
    main(sys.argv[1])
    os._exit(0)  # skip interpreter teardown: student objects' __del__ must not run after us
