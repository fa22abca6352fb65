"""Cheap change detection: one ``git ls-remote`` per repository, compared with the listing the
watcher last read through. A repository that cannot be read is retried with backoff."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from autograder import gitcli
from autograder.errors import UserError
from autograder.feedback.publish import BRANCH

# the branch the watcher itself writes: publishing feedback must not look like a new push
IGNORED = (f"refs/heads/{BRANCH}",)


def listing(url: str) -> str:
    """A digest of the refs the source advertises (all but the feedback branch); UserError when unreadable."""
    proc = gitcli.run("ls-remote", "--symref", gitcli.readable_source(url), check=False)
    if proc.returncode != 0:
        raise UserError(f"cannot read the repository: {proc.stderr.decode('utf-8', 'replace').strip()[:300]}",
                        where=url)
    lines = [ln for ln in proc.stdout.splitlines() if ln.split(b"\t")[-1].decode("utf-8", "replace") not in IGNORED]
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()


@dataclass
class Backoff:
    """Per repository: how many reads failed in a row, and when to try again (doubling, capped)."""

    base_s: float
    max_s: float
    _fails: dict[str, int] = field(default_factory=dict)
    _next: dict[str, float] = field(default_factory=dict)

    def due(self, url: str, at: float | None = None) -> bool:
        return (at if at is not None else time.monotonic()) >= self._next.get(url, 0.0)

    def failed(self, url: str, at: float | None = None) -> float:
        """Record a failure; the seconds until the next try."""
        n = self._fails[url] = self._fails.get(url, 0) + 1
        wait = min(self.base_s * 2 ** (n - 1), self.max_s)
        self._next[url] = (at if at is not None else time.monotonic()) + wait
        return wait

    def ok(self, url: str) -> None:
        self._fails.pop(url, None)
        self._next.pop(url, None)

    @property
    def failing(self) -> int:
        return len(self._fails)
