"""What the harness reports besides values: the progress log and how each case's process ended.

The sandbox writes them; the judge reads them as hostile input — ``from_json`` and
``parse_progress`` return nothing for what does not have the documented shape, never raise.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

CELL, CASE = "cell", "case"
DEFAULT_CASE_TIMEOUT = 60.0  # what a plan without a timeout gets (the judge always sets one)


class _Status(enum.StrEnum):
    @classmethod
    def read(cls, value: object) -> "_Status":
        """The status a record claims; anything else is an error (the record is hostile input)."""
        try:
            return cls(value)
        except ValueError:
            return cls("error")


class CallStatus(_Status):
    """How one call of a case ended, as the harness observed it (a str: the wire carries the value)."""

    ok = "ok"
    error = "error"  # the student's code raised
    timeout = "timeout"
    oom = "oom"
    missing = "missing"  # the function is not defined in the notebook


class CellStatus(_Status):
    ok = "ok"
    error = "error"
    timeout = "timeout"


@dataclass(frozen=True)
class ErrorRecord:
    """What a raised exception left on the wire: its class name, message and traceback (text only;
    anything else in a hostile record becomes its text)."""

    type: str = ""
    message: str = ""
    traceback: str = ""

    @classmethod
    def from_json(cls, data: object) -> "ErrorRecord | None":
        if not isinstance(data, dict):
            return None
        return cls(*(str(data.get(k) or "") for k in ("type", "message", "traceback")))


@dataclass(frozen=True)
class CellRecord:
    """How one notebook cell ran, as the harness wrote it (hostile input: ``from_json`` returns None
    for a record without the documented shape)."""

    cell: int
    status: CellStatus
    note: str | None = None
    error: ErrorRecord | None = None

    @classmethod
    def from_json(cls, data: object) -> "CellRecord | None":
        if not isinstance(data, dict) or not str(data.get("cell", "")).isdigit():
            return None
        note, error = data.get("note"), data.get("error")
        return cls(int(str(data["cell"])), CellStatus.read(data.get("status")), str(note) if note else None, ErrorRecord.from_json(error))


@dataclass(frozen=True)
class CasePlan:
    """One case as the sandbox receives it: its calls (wire JSON), the rules and limits — never a
    reference or a judge. ``group`` (the question) shares reused training runs and a hang's budget."""

    id: str
    calls: list[dict]
    group: str | None = None
    forbidden: dict[str, Any] = field(default_factory=dict)
    device: str = "cpu"
    timeout: float = DEFAULT_CASE_TIMEOUT
    seed: int = 0

    def to_json(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict) -> "CasePlan":
        return cls(id=str(data["id"]), calls=list(data["calls"]), group=data.get("group"),
                   forbidden=dict(data.get("forbidden") or {}), device=str(data.get("device") or "cpu"),
                   timeout=float(data.get("timeout") or 0) or DEFAULT_CASE_TIMEOUT, seed=int(data.get("seed") or 0))


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
