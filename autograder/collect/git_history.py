"""Read file versions out of a git repository with the git CLI (no checkout needed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UserError


@dataclass(frozen=True)
class FileVersion:
    path: str  # as committed (may be NFD)
    commit: str
    time: dt.datetime  # committer time, UTC
    authors: tuple[str, ...] = ()  # the author's name and e-mail user part (to recognise a git user)


def _git(repo: Path, *args: str) -> bytes:
    proc = subprocess.run(["git", "-c", "core.quotepath=false", "-C", str(repo), *args],
                          capture_output=True)
    if proc.returncode != 0:
        raise UserError(f"git {' '.join(args[:2])} failed: {proc.stderr.decode('utf-8', 'replace').strip()[:400]}",
                        where=str(repo))
    return proc.stdout


def materialise(url: str, cache: Path, branch: str | None) -> Path:
    """A local repository to read: the path itself, or a mirror clone kept up to date in ``cache``."""
    local = Path(url).expanduser()
    if local.exists():
        if not (local / ".git").exists() and not (local / "HEAD").exists():
            raise UserError("not a git repository", where=str(local))
        return local
    name = hashlib.sha256(url.encode()).hexdigest()[:16]
    mirror = cache / f"{name}.git"
    if mirror.exists():
        _git(mirror, "fetch", "--prune", "origin", "+refs/heads/*:refs/heads/*")
    else:
        cache.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(["git", "clone", "--mirror", url, str(mirror)], capture_output=True)
        if proc.returncode != 0:
            raise UserError(f"cannot clone the repository: {proc.stderr.decode('utf-8', 'replace')[:400]}",
                            where=url, fix="check submissions[].url in grader.yml and your git credentials")
    return mirror


def versions(repo: Path, branch: str | None) -> list[FileVersion]:
    """Every added or modified file in every commit of ``branch``, oldest first."""
    ref = branch or "HEAD"
    out = _git(repo, "log", ref, "--reverse", "--no-renames", "--name-status", "-z",
               "--format=%x01%H %ct%x02%an%x02%ae")
    found = []
    for record in out.split(b"\x01")[1:]:
        fields = [f.strip(b"\n") for f in record.split(b"\x00")]
        head, name, email = fields[0].decode("utf-8", "replace").split("\x02")
        sha, ts = head.split()
        when = dt.datetime.fromtimestamp(int(ts), dt.timezone.utc)
        authors = (name, email.split("@")[0])
        fields = [f for f in fields[1:] if f]
        for status, path in zip(fields[::2], fields[1::2]):
            if status.strip().decode()[:1] in ("A", "M"):
                found.append(FileVersion(path.decode("utf-8", "replace"), sha, when, authors))
    return found


def read_blob(repo: Path, commit: str, path: str, limit: int) -> bytes | None:
    """File content at ``commit``; None when it is larger than ``limit`` bytes."""
    size = int(_git(repo, "cat-file", "-s", f"{commit}:{path}").strip())
    if size > limit:
        return None
    return _git(repo, "cat-file", "blob", f"{commit}:{path}")


def pack_folder(repo: Path, commit: str, folder: str, limit: int) -> bytes | None:
    """The folder's files at ``commit`` as a zip (sorted names, fixed dates: the same tree
    gives the same bytes); None when they total more than ``limit`` bytes."""
    names = [n.decode("utf-8", "replace") for n in
             _git(repo, "ls-tree", "-r", "-z", "--name-only", commit, "--", folder).split(b"\x00") if n]
    total = sum(int(_git(repo, "cat-file", "-s", f"{commit}:{n}").strip()) for n in names)
    if total > limit:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(names):
            info = zipfile.ZipInfo(name[len(folder):].lstrip("/"), date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, _git(repo, "cat-file", "blob", f"{commit}:{name}"))
    return buffer.getvalue()


def branch_commits(repo: Path, branch: str | None) -> tuple[str, list[str]]:
    """(head sha, every commit reachable from the branch)."""
    ref = branch or "HEAD"
    head = _git(repo, "rev-parse", "--verify", f"{ref}^{{commit}}").decode().strip()
    return head, _git(repo, "rev-list", head).decode().split()
