"""What the harness reports besides values: the progress log and how each case's process ended.

The sandbox writes them; the judge reads them as hostile input — ``from_json`` and
``parse_progress`` return nothing for what does not have the documented shape, never raise.
"""

from __future__ import annotations

from dataclasses import dataclass

CELL, CASE = "cell", "case"


def progress_line(kind: str, index: int) -> str:
    """One line of the progress log, written as a cell or a case starts."""
    return f"{kind} {index}\n"


def parse_progress(text: str) -> tuple[list[int], list[int]]:
    """The cells and cases that started, in order."""
    cells, cases = [], []
    for line in text.split("\n"):
        kind, _, num = line.partition(" ")
        if num.isdigit() and len(num) < 9 and kind in (CELL, CASE):
            (cells if kind == CELL else cases).append(int(num))
    return cells, cases


@dataclass(frozen=True)
class CaseExit:
    """How the process running a case ended: its exit status, the signal that killed it, or the
    harness's watchdog (``killed_after_s``; ``shortened`` when the question had hung before)."""

    case: int
    exit: int | None = None
    signal: int | None = None
    killed_after_s: float | None = None
    shortened: bool = False

    def to_json(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None and v is not False}

    @classmethod
    def from_json(cls, data: object) -> "CaseExit | None":
        if not isinstance(data, dict) or type(data.get("case")) is not int:
            return None
        ints = {k: data[k] for k in ("exit", "signal") if type(data.get(k)) is int}
        killed = data.get("killed_after_s")
        killed = float(killed) if type(killed) in (int, float) and 0 <= killed < 1e6 else None
        return cls(data["case"], ints.get("exit"), ints.get("signal"), killed, data.get("shortened") is True)
