"""The git CLI as the grader runs it on repositories students can write to.

Every command runs with configuration that no repository can turn into code execution on the
TA's machine: no system config, no hooks, no fsmonitor, no pager, no signature verification
(``gpg.program`` would run), no alternate-refs command, no replace objects (a pushed
``refs/replace/…`` would swap one commit's content for another's), no credential prompts.
The grader reads students' repositories only through bare copies it owns (``mirror``), and
refuses a path whose ``.git`` is a file (``gitdir:`` pointing into a classmate's repository) or
a symlink, or whose objects borrow another repository's (``objects/info/alternates``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from autograder.errors import UserError

NO_CODE = ("core.hooksPath=/dev/null", "core.fsmonitor=false", "core.pager=cat", "log.showSignature=false",
           "core.alternateRefsCommand=true", "gpg.program=false", "gpg.ssh.program=false", "gpg.x509.program=false",
           "core.quotepath=false", "protocol.ext.allow=never", "receive.autogc=false", "gc.auto=0",
           "maintenance.auto=false", "receive.denyCurrentBranch=refuse", "core.editor=false")
ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_NO_REPLACE_OBJECTS": "1", "GIT_PAGER": "cat",
       "GIT_OPTIONAL_LOCKS": "0", "GIT_AUTHOR_NAME": "autograder", "GIT_AUTHOR_EMAIL": "autograder@localhost",
       "GIT_COMMITTER_NAME": "autograder", "GIT_COMMITTER_EMAIL": "autograder@localhost"}
# what a local path's receive-pack runs as when feedback is pushed there: the same settings
# given on its command line, which outrank the repository's own config
RECEIVE_PACK = "git " + " ".join(f"-c '{c}'" for c in NO_CODE) + " receive-pack"


def hardened() -> list[str]:
    return ["git", *[a for c in NO_CODE for a in ("-c", c)]]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # no GIT_DIR etc. from the caller
    return {**env, **ENV}


def run(*args: str, cwd: Path | None = None, check: bool = True, where: str | None = None,
        input: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``git [hardened config] [-C cwd] args``; with ``check``, a failure is a UserError naming ``where``."""
    cmd = hardened() + (["-C", str(cwd)] if cwd else []) + list(args)
    proc = subprocess.run(cmd, capture_output=True, env={**environment(), **(env or {})}, input=input,
                          stdin=None if input is not None else subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise UserError(f"git {' '.join(args[:2])} failed: {proc.stderr.decode('utf-8', 'replace').strip()[:400]}",
                        where=where or str(cwd or ""))
    return proc


def local_path(url: str) -> Path | None:
    """The folder a source URL names on this machine (a path or ``file://``), or None for a remote."""
    path = Path(url.removeprefix("file://")).expanduser()
    return path if (url.startswith("file://") or "://" not in url) and path.exists() else None


def readable_source(url: str) -> str:
    """What git should read for a source URL: a local repository (checked as ``check_local`` does)
    as its resolved path, anything else as given."""
    local = local_path(url)
    if local is None:
        return url
    check_local(local)
    return str(local.resolve())


def check_local(path: Path) -> None:
    """A local repository the grader may read: a plain bare repository, or a worktree whose ``.git``
    is a real folder; never one that points into another repository."""
    if path.is_symlink():
        raise UserError("the repository path is a symbolic link; give the repository itself", where=str(path))
    dot = path / ".git"
    if dot.is_symlink() or dot.is_file():
        what = "a symbolic link" if dot.is_symlink() else "a file (gitdir: …)"
        raise UserError(f".git is {what} that points at another repository; it is not read", where=str(path),
                        fix="give the path of the repository that holds the objects (a bare repository is best)")
    gitdir = dot if dot.is_dir() else path
    if not (gitdir / "HEAD").exists() or not (gitdir / "objects").is_dir():
        raise UserError("not a git repository", where=str(path))
    for borrowed in ("objects/info/alternates", "commondir"):
        if (gitdir / borrowed).exists():
            raise UserError(f"the repository borrows another's objects ({borrowed}); it is not read", where=str(path),
                            fix="repack it without alternates (git repack -a -d) or give the original repository")
