"""Which hints a student's feedback shows, by the assignment's policy (grader.yml ``hints:``).

Hints are shown on the failing question, one line each, exactly as ``Hint.line`` writes them.
``after_deadline`` (default): once the deadline has passed. ``always``: before it too, but a
question's hints are revealed for at most ``hint_reveals_per_day`` graded versions a day, so the
hidden cases cannot be mined one push at a time; the feedback says how many are left.
``never``: not at all (the gradebook and the TA's reports still have them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from autograder.casekit.hints import Catalogue, Fired, loads
from autograder.config import Assignment, HintPolicy
from autograder.pages import md_text

FAILING = ("failed", "error", "forbidden")
# (question, run) → (revealed, reveals left today)
Reveal = Callable[[str], tuple[bool, int]]


@dataclass(frozen=True)
class QuestionHints:
    question: str
    lines: list[str] = field(default_factory=list)
    withheld: bool = False  # today's reveals for this question are used up
    left: int | None = None  # reveals left today (``always`` before the deadline)


def found(rows: list[dict]) -> dict[str, list[Fired]]:
    """The hints of the failing cases of one run, per question, each id once (first detail kept)."""
    out: dict[str, dict[str, Fired]] = {}
    for r in rows:
        if r.get("status") not in FAILING:
            continue
        for hit in loads(r.get("hints")):
            out.setdefault(str(r["case_id"]).split("/", 1)[0], {}).setdefault(hit.id, hit)
    return {q: list(hits.values()) for q, hits in out.items()}


def shown_hints(rows: list[dict], catalogue: Catalogue, assignment: Assignment, due: dt.datetime,
                at: dt.datetime, reveal: Reveal) -> tuple[list[QuestionHints], str]:
    """The questions' hint lines to show and a note on the policy ("" when nothing to say)."""
    hits = found(rows)
    policy = assignment.hints
    if not hits or policy is HintPolicy.never:
        return [], ""
    if at < due and policy is HintPolicy.after_deadline:
        return [], "실수를 짚는 힌트는 마감 후에 보입니다. / Hints naming your mistakes show after the deadline."
    early = at < due
    shown = []
    for question, fired in hits.items():
        lines = [catalogue.line(Fired(h.id, md_text(h.detail))) for h in fired]
        if not early:
            shown.append(QuestionHints(question, lines))
            continue
        ok, left = reveal(question)
        shown.append(QuestionHints(question, lines if ok else [], withheld=not ok, left=left))
    note = ""
    if early:
        n = assignment.hint_reveals_per_day
        note = (f"마감 전에는 문제마다 하루 {n}개 버전까지 힌트를 보여 줍니다 (UTC 기준). / Before the deadline, a question's "
                f"hints show for at most {n} graded versions a day (UTC).")
    return shown, note
