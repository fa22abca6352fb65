"""Errors a user can act on: what was wrong, where, and what to do about it."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input (config, roster, submission) rather than by a bug.

    The CLI prints these without a traceback.
    """

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.render())

    def render(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(f"  → {self.fix}")
        return "\n".join(parts)
