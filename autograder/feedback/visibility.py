"""What a student may see of each hidden test case.

``hidden``: the case's name, points and pass/fail — never the failing configuration, the
inputs or expected values. ``after_deadline``: that until the deadline, full detail after it.
``visible``: full detail. A forbidden call is always named: it is the student's own code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from autograder.config import Visibility


OUTCOME_TEXT = {"passed": "통과 / passed", "partial": "부분 점수 / partial", "failed": "실패 / failed",
                "skipped": "건너뜀 / skipped", "error": "오류 / error", "timeout": "시간 초과 / timeout",
                "forbidden": "금지된 호출 / forbidden", "crashed": "비정상 종료 / crashed"}


def outcome_text(outcome: str) -> str:
    """A case's outcome as the student reads it, Korean first."""
    return OUTCOME_TEXT.get(outcome, outcome)


@dataclass(frozen=True)
class CaseLine:
    case_id: str
    title: str
    points: float
    max_points: float
    outcome: str  # passed | partial | failed | skipped, or the status itself when details are shown
    detail: str  # "" when hidden


def shows_detail(visibility: Visibility, due: dt.datetime, at: dt.datetime) -> bool:
    return visibility is Visibility.visible or (visibility is Visibility.after_deadline and at >= due)


def visible_lines(rows: list[dict], visibility: Visibility, due: dt.datetime, at: dt.datetime) -> list[CaseLine]:
    """``rows``: the gradebook's results of one run (case_id, title, points, max_points, status, message)."""
    detail = shows_detail(visibility, due, at)
    lines = []
    for r in rows:
        status = r["status"]
        if detail:
            outcome, text = status, r.get("message") or ""
        elif status in ("passed", "partial", "skipped"):
            outcome, text = status, ""
        elif status == "forbidden":
            outcome, text = "failed", r.get("message") or ""
        else:
            outcome, text = "failed", ""
        lines.append(CaseLine(r["case_id"], r.get("title") or "", float(r["points"]), float(r["max_points"]),
                              outcome, text))
    return lines
