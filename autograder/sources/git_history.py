"""Read file versions out of a git repository with the git CLI (no checkout needed).

Students can write to the repositories read here, so the grader never runs git inside them:
each source is fetched (branches only, no tags) into a bare copy the grader owns under
``data_dir/repos``, through ``gitcli`` (no hooks, no signature programs, no replace objects),
and every read names ``refs/heads/<branch>`` — a tag or other ref called like the branch cannot
stand in for it (it is reported as ``shadowing-ref``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import gitcli
from autograder.errors import UserError

REGULAR = ("100644", "100755")
DELETED = "000000"
MODE_NAMES = {"120000": "a symbolic link", "160000": "a submodule (gitlink)", "040000": "a folder"}


@dataclass(frozen=True)
class FileVersion:
    path: str  # as committed (may be NFD)
    commit: str
    time: dt.datetime  # committer time, UTC
    authors: tuple[str, ...] = ()  # the author's name and e-mail user part (to recognise a git user)
    mode: str = "100644"  # git's file mode: 100644/100755 a file, 120000 a symlink, 160000 a gitlink,
    #                       DELETED when the commit deletes it

    @property
    def regular(self) -> bool:
        return self.mode in REGULAR

    @property
    def deleted(self) -> bool:
        return self.mode == DELETED

    @property
    def what(self) -> str:
        return MODE_NAMES.get(self.mode, f"not a file (mode {self.mode})")


@dataclass(frozen=True)
class Mirror:
    """The grader's own bare copy of a source, and the branch read from it."""

    path: Path
    ref: str  # refs/heads/<branch>
    shadows: tuple[str, ...] = ()  # other refs the source has under the branch's name (a tag `main`, …)


def _git(repo: Path, *args: str) -> bytes:
    return gitcli.run(*args, cwd=repo).stdout


def _shadows(advertised: list[tuple[str, str]], branch: str) -> tuple[str, ...]:
    """Refs that git would resolve before (or beside) ``refs/heads/<branch>`` for the bare name."""
    names = {f"refs/{branch}", f"refs/tags/{branch}", f"refs/remotes/{branch}", f"refs/remotes/{branch}/HEAD",
             branch}
    return tuple(sorted({r.removesuffix("^{}") for _, r in advertised if r.removesuffix("^{}") in names}))


def materialise(url: str, cache: Path, branch: str | None) -> Mirror:
    """Fetch the source's branches into the grader's bare copy in ``cache`` (created on first use)."""
    source = gitcli.readable_source(url)
    listing = gitcli.run("ls-remote", "--symref", source, where=url)
    if listing.returncode != 0:
        raise UserError(f"cannot read the repository: {listing.stderr.decode('utf-8', 'replace')[:400]}", where=url,
                        fix="check submissions[].url in grader.yml and your git credentials")
    advertised, default = [], None
    for line in listing.stdout.decode("utf-8", "replace").splitlines():
        left, _, name = line.partition("\t")
        if left.startswith("ref: ") and name == "HEAD":
            default = left[5:]
        elif name:
            advertised.append((left, name))
    if branch:
        ref = f"refs/heads/{branch}"
    elif default and default.startswith("refs/heads/"):
        ref = default
    else:
        raise UserError("the repository has no default branch (empty, or HEAD is detached)", where=url,
                        fix="set submissions[].branch in grader.yml")
    name = hashlib.sha256(url.encode()).hexdigest()[:16]
    mirror = cache / f"{name}.git"
    if not (mirror / "HEAD").exists():
        cache.mkdir(parents=True, exist_ok=True)
        staging = cache / f".{name}.{os.getpid()}.tmp"
        gitcli.run("init", "-q", "--bare", str(staging), where=url)
        staging.rename(mirror)
    gitcli.run("fetch", "-q", "--prune", "--no-tags", "--no-write-fetch-head", source,
               "+refs/heads/*:refs/heads/*", cwd=mirror, where=url)
    gitcli.run("symbolic-ref", "HEAD", ref, cwd=mirror, where=url)
    return Mirror(mirror, ref, _shadows(advertised, ref.removeprefix("refs/heads/")))


def versions(mirror: Mirror) -> list[FileVersion]:
    """Every added, modified or deleted entry in every commit of the branch, oldest first (with its
    mode: a symlink or a submodule where a file should be is the collector's to report; a deletion
    has mode DELETED, so that a deleted file is never the version that counts)."""
    out = _git(mirror.path, "log", mirror.ref, "--reverse", "--no-renames", "--raw", "--no-abbrev", "-z",
               "--format=%x01%H %ct%x02%an%x02%ae", "--")
    found = []
    for record in out.split(b"\x01")[1:]:
        fields = record.split(b"\x00")
        head, name, email = fields[0].strip(b"\n").decode("utf-8", "replace").split("\x02")
        sha, ts = head.split()
        when = dt.datetime.fromtimestamp(int(ts), dt.timezone.utc)
        authors = (name, email.split("@")[0])
        fields = [f for f in fields[1:] if f.strip(b"\n")]
        for meta, path in zip(fields[::2], fields[1::2]):
            parts = meta.strip(b"\n").lstrip(b":").split()  # old mode, new mode, old sha, new sha, status
            if len(parts) == 5 and parts[4].decode()[:1] in ("A", "M", "T", "D"):
                found.append(FileVersion(path.decode("utf-8", "replace"), sha, when, authors, parts[1].decode()))
    return found


def _entry(repo: Path, commit: str, path: str) -> tuple[str, str, int] | None:
    """(mode, type, size) of ``path`` at ``commit``; None when it is not there."""
    out = _git(repo, "ls-tree", "-z", "--long", "--full-tree", commit, "--", path).split(b"\x00")[0]
    if not out:
        return None
    meta = out.split(b"\t", 1)[0].split()
    return meta[0].decode(), meta[1].decode(), int(meta[3]) if meta[3] != b"-" else 0


def read_blob(repo: Path, commit: str, path: str, limit: int) -> bytes | None:
    """File content at ``commit``; None when it is larger than ``limit`` bytes. A UserError when
    the path is not a regular file there."""
    entry = _entry(repo, commit, path)
    if entry is None or entry[0] not in REGULAR:
        what = "missing" if entry is None else MODE_NAMES.get(entry[0], f"mode {entry[0]}")
        raise UserError(f"not a regular file at commit {commit[:10]} ({what})", where=path)
    if entry[2] > limit:
        return None
    return _git(repo, "cat-file", "blob", f"{commit}:{path}")


def link_target(repo: Path, version: FileVersion) -> str:
    """Where a committed symbolic link points (its blob is the target path), shortened."""
    target = gitcli.run("cat-file", "blob", f"{version.commit}:{version.path}", cwd=repo, check=False).stdout
    return target[:200].decode("utf-8", "replace")


def folder_exists(repo: Path, commit: str, folder: str) -> bool:
    return bool(_git(repo, "ls-tree", "-z", commit, "--", folder + "/").strip(b"\x00"))


@dataclass(frozen=True)
class Packed:
    data: bytes | None  # None: larger than the limit
    skipped: tuple[str, ...] = ()  # "path (a symbolic link)" for every entry that is not a regular file


def pack_folder(repo: Path, commit: str, folder: str, limit: int) -> Packed:
    """The folder's regular files at ``commit`` as a zip (sorted names, fixed dates: the same tree
    gives the same bytes); symlinks and submodules in it are left out and listed."""
    rows = [r for r in _git(repo, "ls-tree", "-r", "-z", "--long", "--full-tree", commit, "--", folder + "/")
            .split(b"\x00") if r]
    files, skipped = [], []
    for row in rows:
        meta, path = row.split(b"\t", 1)
        mode, _, _, size = meta.decode().split()
        name = path.decode("utf-8", "replace")
        if mode in REGULAR:
            files.append((name, int(size)))
        else:
            skipped.append(f"{name} ({MODE_NAMES.get(mode, 'mode ' + mode)})")
    if sum(size for _, size in files) > limit:
        return Packed(None, tuple(skipped))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, _ in sorted(files):
            info = zipfile.ZipInfo(name[len(folder):].lstrip("/"), date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, _git(repo, "cat-file", "blob", f"{commit}:{name}"))
    return Packed(buffer.getvalue(), tuple(skipped))


def branch_commits(mirror: Mirror) -> tuple[str, list[str]]:
    """(head sha, every commit reachable from the branch)."""
    head = _git(mirror.path, "rev-parse", "--verify", "--end-of-options", f"{mirror.ref}^{{commit}}").decode().strip()
    return head, _git(mirror.path, "rev-list", head, "--").decode().split()
