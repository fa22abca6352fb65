"""Reading what a sandbox left in its exchange folder, as hostile input.

A submission can replace any file the harness writes with a FIFO (a plain ``open`` blocks for
ever), a symlink (to ``/dev/zero`` or a host file), a directory or a file of gigabytes. Every
read here opens with ``O_NOFOLLOW | O_NONBLOCK``, checks with ``fstat`` on the opened file that
it is a regular file under a size cap, and reads at most that cap; anything else is ``Tampered``,
which the judge turns into a named verdict — never a hang, an exception or a read outside.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any

from autograder import protocol

TAMPERED = "the submission tampered with the grader's files"
_RESULTS_DIR = re.compile(re.escape(protocol.RESULTS_PREFIX) + r"[0-9a-f]{32}")


class Tampered(Exception):
    """A harness file is not a regular file within its size cap."""

    def __init__(self, name: str, why: str, *, oversized: bool = False):
        super().__init__(f"{TAMPERED} ({name}: {why})")
        self.name = name
        self.oversized = oversized  # a regular file, only larger than its cap


def _kind(mode: int) -> str:
    for test, word in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a link")):
        if test(mode):
            return word
    return "not a regular file"


def read_bytes(path: Path, cap: int) -> bytes | None:
    """The file's bytes, None when it does not exist, or ``Tampered``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Tampered(path.name, "a link") from None
        raise Tampered(path.name, exc.strerror or "unreadable") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Tampered(path.name, _kind(info.st_mode))
        if info.st_size > cap:
            raise Tampered(path.name, f"{info.st_size} bytes, over the {cap}-byte limit", oversized=True)
        chunks, left = [], cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > cap:  # grew while we read
            raise Tampered(path.name, f"over the {cap}-byte limit", oversized=True)
        return data
    finally:
        os.close(fd)


def read_text(path: Path, cap: int) -> str | None:
    data = read_bytes(path, cap)
    return None if data is None else data.decode("utf-8", "replace")


def read_json(path: Path, cap: int) -> Any:
    """The JSON value in the file, None when it is absent or not JSON (nested too deeply
    included); ``Tampered`` as for ``read_bytes``."""
    text = read_text(path, cap)
    try:
        return json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return None


def size(path: Path) -> int:
    """Size of a regular file without following links (0 when missing); ``Tampered`` otherwise."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return 0
    if not stat.S_ISREG(info.st_mode):
        raise Tampered(path.name, _kind(info.st_mode))
    return info.st_size


def results_dir(out: Path) -> Path | None:
    """The one results folder the harness made after the notebook ran (None: no case ran).
    Another one, or one that is not a plain folder, was planted: ``Tampered``."""
    found = []
    with os.scandir(out) as entries:
        for entry in entries:
            if entry.name.startswith(protocol.RESULTS_PREFIX):
                if not _RESULTS_DIR.fullmatch(entry.name) or not entry.is_dir(follow_symlinks=False):
                    raise Tampered(entry.name, "planted where results go")
                found.append(Path(entry.path))
    if len(found) > 1:
        raise Tampered(protocol.RESULTS_PREFIX + "*", f"{len(found)} results folders (one was planted)")
    return found[0] if found else None


def take(src: Path, dst: Path) -> None:
    """Move a finished sandbox's exchange folder ``src`` to the judge's ``dst`` (an empty
    folder) without opening, following or copying anything in it: one rename of the folder.
    Only across file systems are regular files copied (capped); anything else stays behind and
    reads as missing."""
    try:
        os.rename(src, dst)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    with os.scandir(src) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name.startswith(protocol.RESULTS_PREFIX):
                (dst / entry.name).mkdir()
                take(Path(entry.path), dst / entry.name)
            elif entry.is_file(follow_symlinks=False):
                try:
                    data = read_bytes(Path(entry.path), 1 << 30)
                except Tampered:
                    continue
                if data is not None:
                    (dst / entry.name).write_bytes(data)
    shutil.rmtree(src, ignore_errors=True)
