"""What each student's published feedback should show, and what was last published.

The watcher derives the feedback from the gradebook every cycle and publishes only where it
differs from what the student already has (``watch_published``): a watcher killed between grading
and publishing publishes on its next start, and nothing is published twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from autograder.gradebook import Gradebook, now, watch_published
from autograder.watch.queue import Version, waiting


@dataclass(frozen=True)
class Wanted:
    run_id: int | None  # the newest graded version's run (None: nothing graded yet)
    notice: dict | None  # about a newer version without results (queued, unreadable, refused): commit, seen, text
    state: str  # compared with what was published


def _when(iso: str | None, tz: dt.tzinfo) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M") if iso else "—"


def wanted(mine: list[Version], queued_until: dt.datetime | None, after_due: bool, max_per_hour: int,
           tz: dt.tzinfo) -> Wanted | None:
    """None: nothing to publish now (no version yet, or the newest one is being graded)."""
    newest = mine[-1]
    shown = next((v.graded_run for v in reversed(mine) if v.graded_run is not None), None)
    below = ("아래 결과는 마지막으로 채점된 버전의 것입니다. / The results below are of your last graded version."
             if shown else "")
    if not newest.ok:
        notice, key = (f"채점할 수 없습니다 / cannot be graded: {newest.problem} — 고쳐서 다시 push "
                       f"하세요 / fix it and push again. {below}"), f"invalid:{newest.submission_id}"
    elif newest.rejected:
        notice, key = (f"채점되지 않았습니다 / was not graded: {newest.rejected} {below}",
                       f"rejected:{newest.submission_id}")
    elif queued_until is not None:
        notice, key = (f"대기 중이며 {queued_until.astimezone(tz).strftime('%Y-%m-%d %H:%M')} 이후에 "
                       f"채점됩니다 (마감 전에는 시간당 {max_per_hour}개 버전까지). / is queued and will be graded after "
                       f"{queued_until.astimezone(tz).strftime('%Y-%m-%d %H:%M')} (before the deadline at most "
                       f"{max_per_hour} versions are graded per hour). {below}", f"queued:{newest.submission_id}")
    elif waiting(newest):
        return None
    else:
        notice, key = None, ""
    if shown is None and notice is None:
        return None
    if notice is not None:
        notice = {"commit": newest.commit[:7], "seen": _when(newest.first_seen, tz), "text": notice}
    return Wanted(shown, notice, f"run:{shown}|{'after' if after_due else 'before'}|{key}")


def published(book: Gradebook, assignment: str) -> dict[str, str]:
    """Student id → the state of the feedback last published to them."""
    with book.engine.connect() as conn:
        rows = conn.execute(select(watch_published.c.student_id, watch_published.c.state)
                            .where(watch_published.c.assignment == assignment)).all()
    return {r.student_id: r.state for r in rows}


def mark_published(book: Gradebook, assignment: str, student_id: str, state: str, detail: str) -> None:
    with book.engine.begin() as conn:
        conn.execute(delete(watch_published).where(watch_published.c.assignment == assignment,
                                                   watch_published.c.student_id == student_id))
        conn.execute(insert(watch_published).values(assignment=assignment, student_id=student_id, state=state,
                                                    detail=detail, published_at=now()))
