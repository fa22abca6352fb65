"""A public test's doctest report said to a student: each failed example with what was expected
and what came out, the exception's last line instead of its traceback, and a plain "not
implemented yet, or a missing return" where None came out — in Korean and English."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(r"^\*{20,}\s*$", re.M)
_HEADS = ("Failed example:", "Expected:", "Got:", "Got nothing", "Exception raised:")
NOT_YET = ("None이 나왔습니다: 아직 구현하지 않았거나 return이 빠졌습니다 / got None: not implemented yet, or a "
           "missing return")


@dataclass(frozen=True)
class FailedExample:
    source: str
    expected: str = ""
    got: str = ""
    error: str = ""  # the exception's last line

    @property
    def returns_none(self) -> bool:
        return self.got.strip() == "None" or "'NoneType' object" in self.error or "NoneType" in self.error


def _sections(block: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    head = None
    for line in block.splitlines():
        stripped = line.strip()
        if stripped in _HEADS or stripped.startswith("Got nothing"):
            head = "Got:" if stripped.startswith("Got nothing") else stripped
            out.setdefault(head, [])
        elif head is not None:
            out[head].append(line[4:] if line.startswith("    ") else line.strip())
    return out


def failed_examples(report: str) -> list[FailedExample]:
    found = []
    for block in _BLOCK.split(report):
        parts = _sections(block)
        if "Failed example:" not in parts:
            continue
        error_lines = [l for l in parts.get("Exception raised:", []) if l.strip() and not l.startswith((" ", "^"))]
        found.append(FailedExample("\n".join(parts["Failed example:"]).strip(),
                                   "\n".join(parts.get("Expected:", [])).strip(),
                                   "\n".join(parts.get("Got:", [])).strip(),
                                   error_lines[-1].strip() if error_lines else ""))
    return found


def explain(report: str, limit: int = 3) -> str:
    """The report in a student's terms; a report that is not a doctest one (a forbidden call, a crash)
    as it is."""
    examples = failed_examples(report)
    if not examples:
        return report
    lines = []
    for ex in examples[:limit]:
        lines.append(f"실패한 예제 / Failed example: {ex.source}")
        if ex.error:
            lines.append(f"  오류 / Error: {ex.error}")
        else:
            lines.append(f"  기대한 값 / Expected: {ex.expected or '(nothing)'}")
            lines.append(f"  실제 값 / Got: {ex.got or '(nothing)'}")
        if ex.returns_none:
            lines.append(f"  → {NOT_YET}")
    if len(examples) > limit:
        lines.append(f"… 외 {len(examples) - limit}개 / and {len(examples) - limit} more")
    return "\n".join(lines)
