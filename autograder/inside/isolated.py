"""Run one training in a fork of its own, so that nothing it leaves behind reaches the next.

A project trained twice with the same seed must give the same predictions; when both trainings
ran in one process, a model cached in a module dict (or saved under ``$HOME`` = /tmp) was simply
returned the second time. Here each training runs in a fresh fork of the process as it was after
importing the solution, and every file it created or changed under /tmp and /dev/shm is put back
as it was before the next one starts. What comes back is tensors (``np.save`` without pickle) and
the names of forbidden calls the fork's detector recorded (merged into this process's).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from autograder.inside.forbidden import recorded_hits, report_hits

ROOTS = ("/tmp", "/dev/shm")
KEEP_BYTES = 64 << 20  # files restored by content up to this much in all


class TrainingFailed(Exception):
    """The fork's training raised; the message names the exception."""


def _files() -> dict[str, tuple[int, int]]:
    out = {}
    for root in ROOTS:
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                out[path] = (st.st_size, st.st_mtime_ns)
    return out


class FileState:
    """The files under /tmp and /dev/shm as they are now, to restore after each training."""

    def __init__(self):
        self.stat = _files()
        self.content: dict[str, bytes] = {}
        total = 0
        for path, (size, _) in self.stat.items():
            if total + size <= KEEP_BYTES and not os.path.islink(path):
                try:
                    self.content[path] = Path(path).read_bytes()
                    total += size
                except OSError:
                    pass

    def restore(self) -> None:
        for path, st in _files().items():
            if path not in self.stat:
                try:
                    os.unlink(path)
                except OSError:
                    shutil.rmtree(path, ignore_errors=True)
            elif st != self.stat[path] and path in self.content:
                try:
                    Path(path).write_bytes(self.content[path])
                except OSError:
                    pass


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(struct.pack("<Q", len(payload)) + payload)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) < 8 or struct.unpack("<Q", data[:8])[0] != len(data) - 8:
        raise TrainingFailed("the training's process ended before it returned its predictions")
    return data[8:]


def _encode(tensors: list[torch.Tensor], hits: list[str], error: str | None) -> bytes:
    out = io.BytesIO()
    np.savez(out, *[t.detach().cpu().numpy() for t in tensors],
             meta=np.array([json.dumps({"hits": hits, "error": error})]))
    return out.getvalue()


def _decode(data: bytes) -> list[torch.Tensor]:
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        meta = json.loads(str(z["meta"][0]))
        report_hits(meta.get("hits", []))
        if meta.get("error"):
            raise TrainingFailed(str(meta["error"]))
        return [torch.from_numpy(z[f"arr_{i}"].copy()) for i in range(len(z.files) - 1)]


def in_fork(work: Callable[[], list[torch.Tensor]]) -> list[torch.Tensor]:
    """``work()`` in a child process; its tensors, or TrainingFailed."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        try:
            tensors, error = work(), None
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            tensors, error = [], f"{type(exc).__name__}: {str(exc)[:500]}"
        hits = recorded_hits()
        try:
            _send(write, _encode(tensors, hits, error))
        finally:
            os._exit(0)
    os.close(write)
    try:
        data = _receive(read)
    finally:
        os.close(read)
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    return _decode(data)
