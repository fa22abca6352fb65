"""Warm sandboxes: a zygote (``autograder.inside.zygote``) in bubblewrap with torch imported,
serving one submission at a time by fork — the interpreter and torch import is paid once per
worker instead of once per submission.

Every isolation guarantee of a fresh sandbox holds per submission: the same bubblewrap
namespaces, uid, read-only view, rlimits and cgroups; the plan folder is read-only; between
submissions the zygote kills every process the last one left and empties /tmp, /dev/shm and
System V IPC, and the grader empties the exchange folders. A submission that outlives its wall
clock, or a zygote that stops answering, takes the whole sandbox down (a fresh one starts for the
next submission), exactly as a one-shot sandbox would be killed.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from autograder.engine import exchange
from autograder.engine.limits import Limits
from autograder.engine.netns import NetnsWatch
from autograder.engine.cgroups import SandboxCgroups
from autograder.engine.sandbox import (SandboxRun, SandboxUnavailable, _killpg, bwrap_command,
                                       child_env, choose_isolation, limits_preexec)

START_TIMEOUT_S = 120.0
RECYCLE_AFTER = 100  # submissions per zygote: bounds its own CPU-time rlimit use


class WarmSandbox:
    def __init__(self, limits: Limits, root: Path | None = None):
        self.limits = limits
        self.dir = Path(tempfile.mkdtemp(prefix="ag-warm-", dir=root))
        self.dir.chmod(0o755)
        self.proc: subprocess.Popen | None = None
        self.cgroup: SandboxCgroups | None = None
        self.net: NetnsWatch | None = None
        self.runs = 0
        self.label = "bwrap+warm"

    # -- lifecycle -------------------------------------------------------------------------------
    def _start(self) -> None:
        for sub, mode in (("in", 0o755), ("out", 0o777)):
            (self.dir / sub).mkdir(exist_ok=True)
            (self.dir / sub).chmod(mode)
        self.cgroup = SandboxCgroups(self.limits)
        self.stderr = open(self.dir / "zygote.stderr", "wb")
        self.proc = subprocess.Popen(bwrap_command(self.dir, self.limits, zygote=True), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr,
                                     preexec_fn=limits_preexec(self.limits, self.cgroup, False),
                                     env=child_env(self.dir / "out"), cwd=self.dir)
        self.net = NetnsWatch.attach(self.proc.pid)
        line = self._read_line(START_TIMEOUT_S)
        if line != "ready":
            tail = (self.dir / "zygote.stderr").read_bytes()[-800:].decode("utf-8", "replace")
            self.close()
            raise SandboxUnavailable(f"the warm sandbox did not start: {tail or line!r}")
        self.label = "bwrap+warm" + self.cgroup.label
        self.runs = 0

    def close(self) -> None:
        # the grading thread and an interrupted batch (SIGTERM to the watcher) may close at once:
        # each takes what it closes before closing it
        net, self.net = self.net, None
        if net:
            net.close()
        proc, self.proc = self.proc, None
        if proc is not None:
            _killpg(proc)
            if self.cgroup:
                self.cgroup.kill_all()
            proc.wait()
            self.stderr.close()

    def destroy(self) -> None:
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _read_line(self, timeout: float) -> str | None:
        """One line from the zygote, or None on timeout or when it died."""
        assert self.proc and self.proc.stdout
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return line.decode().strip() if line else None

    # -- one submission --------------------------------------------------------------------------
    def run(self, workdir: Path, limits: Limits) -> SandboxRun:
        """Same contract as ``sandbox.run``: ``workdir/in`` holds the plan, results land in ``workdir/out``."""
        if self.proc is None or self.proc.poll() is not None or self.runs >= RECYCLE_AFTER:
            self.close()
            self._start()
        run_id = uuid.uuid4().hex
        shutil.copytree(workdir / "in", self.dir / "in" / run_id)
        (self.dir / "out" / run_id).mkdir(mode=0o777)
        (self.dir / "out" / run_id).chmod(0o777)
        start = time.monotonic()
        self.runs += 1
        started = False
        before = self.net.counters() if self.net else None
        try:
            self.proc.stdin.write(f"run {run_id}\n".encode())
            self.proc.stdin.flush()
            reply = self._read_line(limits.wall_s)
            if reply == "started":
                started = True
                reply = self._read_line(max(limits.wall_s - (time.monotonic() - start), 0.1))
        except (BrokenPipeError, OSError):
            reply = None
        timed_out = reply is None and self.proc.poll() is None
        if reply is None or not reply.startswith("done "):
            self.close()  # timed out, or the zygote died: the whole sandbox goes, as a one-shot one would
            returncode = None if timed_out else -signal.SIGKILL
        else:
            returncode = os.waitstatus_to_exitcode(int(reply.split()[1]))
        network = self.net.used_since(before) if self.net and before is not None else None
        seconds = time.monotonic() - start
        exchange.take(self.dir / "out" / run_id, workdir / "out")  # never opens what the submission left
        for sub in ("in", "out"):  # nothing a submission left in the exchange folders survives it
            for entry in (self.dir / sub).iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        return SandboxRun(returncode, timed_out, seconds, self.label, "", started, network)


class SandboxPool:
    """Warm sandboxes lent one submission at a time (as many as threads grade at once); ``runner``
    for ``grade_notebook`` where bubblewrap works. A box dies with the thread that started it
    (bubblewrap's --die-with-parent follows the thread), and is restarted by the next run that
    borrows it: a caller that grades batch after batch keeps its threads (the watcher's executor)."""

    def __init__(self, limits: Limits, root: Path | None = None):
        self.limits = limits
        self.root = root
        self.idle: list[WarmSandbox] = []
        self.all: list[WarmSandbox] = []
        self.lock = threading.Lock()

    @staticmethod
    def usable(limits: Limits) -> bool:
        try:
            return choose_isolation(limits.isolation, limits.container_engine) == "bwrap"
        except SandboxUnavailable:
            return False

    def run(self, workdir: Path, limits: Limits) -> SandboxRun:
        with self.lock:
            box = self.idle.pop() if self.idle else None
            if box is None:
                box = WarmSandbox(self.limits, self.root)
                self.all.append(box)
        try:
            return box.run(workdir, limits)
        finally:
            with self.lock:
                if box in self.all:  # not closed meanwhile
                    self.idle.append(box)

    def close(self) -> None:
        with self.lock:
            for box in self.all:
                box.destroy()
            self.all.clear()
            self.idle.clear()
