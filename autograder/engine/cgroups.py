"""Cgroups for one sandbox, where this process may create them (cgroup v1 or v2): ``pids``
bounds the processes and lets every one of them be killed; ``memory`` bounds the whole
submission — every process plus what it keeps in /tmp and /dev/shm, which are memory on the
host — where RLIMIT_AS bounds only one process at a time."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

from autograder.engine.limits import Limits


class _Cgroup:
    def __init__(self, controller: str, v1: dict[str, str], v2: dict[str, str]):
        self.path: Path | None = None
        name = f"autograder-{uuid.uuid4().hex[:12]}"
        for base, settings in ((Path("/sys/fs/cgroup") / controller, v1), (Path("/sys/fs/cgroup"), v2)):
            if base.name == controller:  # cgroup v1 hierarchy
                usable = base.is_dir()
            else:  # cgroup v2: the controller must be delegated to children
                try:
                    usable = controller in (base / "cgroup.subtree_control").read_text().split()
                except OSError:
                    usable = False
            if not usable:
                continue
            path = base / name
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                for key, value in settings.items():
                    if (path / key).exists():
                        (path / key).write_text(value)
                self.path = path
                return
            except OSError:
                path.rmdir()

    def join(self) -> None:  # runs in the child between fork and exec
        if self.path:
            fd = os.open(self.path / "cgroup.procs", os.O_WRONLY)  # no Python locks after fork
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()] if self.path else []
        except OSError:
            return []

    def remove(self) -> None:
        if self.path:
            for _ in range(50):  # a cgroup goes once its last process has been reaped
                try:
                    self.path.rmdir()
                    return
                except OSError:
                    time.sleep(0.02)


class SandboxCgroups:
    def __init__(self, limits: Limits):
        self.pids = _Cgroup("pids", {"pids.max": str(limits.max_processes)}, {"pids.max": str(limits.max_processes)})
        # the processes' own memory plus full /tmp and /dev/shm; no swap to hide in
        total = str((limits.memory_mb + 2 * limits.tmp_mb) << 20)
        self.memory = _Cgroup("memory", {"memory.limit_in_bytes": total, "memory.memsw.limit_in_bytes": total},
                              {"memory.max": total, "memory.swap.max": "0"})

    @property
    def label(self) -> str:
        return ("+pids-cgroup" if self.pids.path else "") + ("+memory-cgroup" if self.memory.path else "")

    def join(self) -> None:
        self.pids.join()
        self.memory.join()

    def kill_all(self) -> None:
        for _ in range(50):
            found = set(self.pids.pids()) | set(self.memory.pids())
            if not found:
                break
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        self.pids.remove()
        self.memory.remove()
