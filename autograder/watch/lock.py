"""One watcher per course: an exclusive lock on a file in the course's data folder.

``flock`` is released by the kernel when the holder dies (kill -9 included), so a stale lock never
needs a TA to delete it; the file names the holder for the message a second watcher prints."""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

from autograder.errors import UserError
from autograder.gradebook import now


class WatchLock:
    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> "WatchLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 300).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise UserError(f"a watcher already runs for this course: {holder}", where=str(self.path),
                            fix="stop that one first (kill PID sends SIGTERM; it stops within seconds), "
                                "or use `--once` from cron only where no watcher runs") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {now()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None
