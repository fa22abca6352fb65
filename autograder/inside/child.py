"""Entry point inside the sandbox: ``python -m autograder.inside.child WORKDIR``.

Reads ``WORKDIR/in/plan.json`` (cells to run and calls to make, written by the grader),
writes observations to ``WORKDIR/out``. The cases run one after another in a fork of the
executed notebook; a case that crashes, exits or hangs loses only itself (the later cases go
on in a fresh fork).
"""

from __future__ import annotations

import enum
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
from autograder.protocol.records import (CASE, CELL, DEFAULT_CASE_TIMEOUT, CallStatus, CaseExit, CasePlan,  # noqa: E402
                                         CellStatus, progress_line)
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


def _timeout(case: CasePlan | None, hung: bool) -> float:
    full = case.timeout if case else DEFAULT_CASE_TIMEOUT
    return min(full, AFTER_A_HANG_S) if hung else full


def _run_case(i: int, case: CasePlan, arrays_in: dict, namespace: dict, out: Path, results: Path,
              hung: bool = False, memo: dict | None = None) -> bool:
    """Run case ``i`` and save what it returned; True when it ran out of time."""
    calls = [Call.from_json(c, arrays_in) for c in case.calls]
    timeout = _timeout(case, hung)
    _redirect_output(out / protocol.case_log(i))
    _seed(case.seed, case.device)
    arrays: dict = {}
    obs = run_case(calls, namespace, arrays, forbidden=ForbiddenSpec.from_json(case.forbidden),
                   device=case.device, timeout=timeout, seed=case.seed, keep_armed=True, memo=memo)
    timed_out = any(o.get("status") is CallStatus.timeout for o in obs)
    if timed_out and timeout < case.timeout:
        for o in obs:
            if o.get("status") is CallStatus.timeout and isinstance(o.get("error"), dict):
                o["error"]["message"] = str(o["error"].get("message", "")) + _SHORTENED
    wire.save(results / protocol.case_result(i), obs, arrays)
    return timed_out


def _limit(case: CasePlan | None, hung: bool = False) -> float:
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


class _Phase(enum.Enum):
    """What the supervisor waits for; derived from whether a case is running."""

    BETWEEN_CASES = "between cases"  # before the first, or after one ended: the short limit runs
    RUNNING = "running"  # a case started and was let go: its own limit runs


class CaseSupervisor:
    """Runs ``indices`` one after another in one fork of the executed notebook and watches it.

    The fork reports ``start I`` / ``end I`` (``slow I`` when case I ran out of time) on a pipe and
    waits for a ``g`` before each case. When it dies or hangs in a case, that case alone is lost:
    ``run`` returns exit records and the indices still to run (in a fresh fork). ``hung`` holds the
    questions (``group``) one of whose cases ran out of time; it grows as cases time out. One fork
    for all the cases, not one per case or per question: each fork of a process with torch loaded
    costs 10-15 ms in copied pages.
    """

    def __init__(self, indices: list[int], cases: list[CasePlan], arrays_in: dict, namespace: dict, out: Path,
                 results: Path, progress, hung: set):
        self.indices, self.cases, self.hung = indices, cases, hung
        self._case_args = (arrays_in, namespace, out, results)
        self.progress = progress
        self.exits: dict[int, CaseExit] = {}
        self._between()

    @property
    def phase(self) -> _Phase:
        return _Phase.BETWEEN_CASES if self.running is None else _Phase.RUNNING

    def _between(self) -> None:
        self.running, self.since, self.limit, self.short = None, time.monotonic(), _limit(None), False

    def run(self) -> tuple[dict[int, CaseExit], list[int]]:
        read_fd, write_fd = os.pipe()
        go_read, go_write = os.pipe()
        pid = _fork()
        if pid == 0:  # whatever a case does, only this process is lost
            try:
                os.close(read_fd)
                os.close(go_write)
                self._in_the_fork(write_fd, go_read)
            finally:
                os._exit(0)
        os.close(write_fd)
        os.close(go_read)
        try:
            status = self._watch(pid, read_fd, go_write)
        finally:
            os.close(read_fd)
            os.close(go_write)
        if status is None:
            status = os.waitpid(pid, 0)[1]
        _reap_strays(pid)
        if self.phase is _Phase.BETWEEN_CASES and not self.exits:  # died before its first case began: that case's
            self.running = self.indices[0]
        if self.running is not None and self.running not in self.exits:
            self.exits[self.running] = (CaseExit(self.running, signal=os.WTERMSIG(status)) if os.WIFSIGNALED(status)
                                        else CaseExit(self.running, exit=os.WEXITSTATUS(status)))
        return self.exits, [i for i in self.indices if i > max(self.exits)]

    def _in_the_fork(self, write_fd: int, go_read: int) -> None:
        os.setpgid(0, 0)
        _first_to_go_when_memory_runs_out()
        memo: dict = {}  # identical training calls of one question run once (protocol.calls)
        group = None
        for i in self.indices:
            case = self.cases[i]
            if case.group != group:
                group, memo = case.group, {}
            os.write(write_fd, f"start {i}\n".encode())
            # a case begins only once the process above has taken note: when a case kills
            # that process, the fork stops here, and the last case on record is the one to blame
            if os.read(go_read, 1) != b"g":
                break
            self.progress.write(progress_line(CASE, i))
            if _run_case(i, case, *self._case_args, hung=_is_hung(case, self.hung), memo=memo):
                self.hung.add(case.group)
                os.write(write_fd, f"slow {i}\nend {i}\n".encode())  # one write: never read apart
            else:
                os.write(write_fd, f"end {i}\n".encode())

    def _watch(self, pid: int, read_fd: int, go_write: int) -> int | None:
        """Read the fork's words until it exits (None) or falls silent past the limit (its status)."""
        pending = b""
        while True:
            ready, _, _ = select.select([read_fd], [], [], max(self.limit - (time.monotonic() - self.since), 0.0))
            data = os.read(read_fd, 4096) if ready else None
            if data is None:
                return self._silent(pid)
            if not data:  # the fork has exited
                return None
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                word, _, num = line.decode("ascii", "replace").partition(" ")
                if num.isdigit() and int(num) in self.indices:
                    self._heard(word, int(num), go_write)

    def _heard(self, word: str, i: int, go_write: int) -> None:
        if word == "start":
            # the running case's limit is fixed when it starts: a hang it reports itself
            # shortens the cases after it, not the one still finishing
            self.running, self.since = i, time.monotonic()
            self.short = _is_hung(self.cases[i], self.hung)
            self.limit = _limit(self.cases[i], self.short)
            try:
                os.write(go_write, b"g")
            except OSError:  # the fork is gone; its exit is read afterwards
                pass
        elif word == "slow":
            self.hung.add(self.cases[i].group)
        elif word == "end" and i == self.running:
            self.exits[i] = CaseExit(i, exit=0)
            self._between()

    def _silent(self, pid: int) -> int:
        """No word within the limit: the case hangs (or the fork hangs between cases: the next case
        left is charged). The fork is killed; its status is returned."""
        os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
        if self.phase is _Phase.BETWEEN_CASES:  # hung between cases: the next case left is charged
            self.running = next((i for i in self.indices if i not in self.exits), None)
        if self.running is not None:
            self.exits[self.running] = CaseExit(self.running, killed_after_s=self.limit, shortened=self.short)
            self.hung.add(self.cases[self.running].group)
        return status


def _is_hung(case: CasePlan, hung: set) -> bool:
    """Whether an earlier case of ``case``'s question ran out of time (ungrouped cases stand alone)."""
    return case.group is not None and case.group in hung


def _run_cases(cases: list[CasePlan], arrays_in: dict, namespace: dict, out: Path, results: Path,
               progress) -> list[CaseExit]:
    """Every case, in one fork; after a case that took its fork down, the rest in a fresh one."""
    exits: dict[int, CaseExit] = {}
    todo = list(range(len(cases)))
    hung: set = set()
    gc.freeze()  # the notebook's objects, as warm_up did torch's: a fork's collections skip them
    while todo:
        found, todo = CaseSupervisor(todo, cases, arrays_in, namespace, out, results, progress, hung).run()
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
    _write_new(results / protocol.CELLS, json.dumps([c for c in cells if c.get("status") is not CellStatus.ok or c.get("note")]
                                                    [:MAX_CELL_RECORDS]))
    exits = _run_cases([CasePlan.from_json(c) for c in plan["cases"]], arrays_in, namespace, out, results, progress)
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
