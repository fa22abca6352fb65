"""What the watcher grades in a cycle: each student's newest version, within the rate limit.

Before a student's deadline at most ``max_per_hour`` of their versions are graded in any hour, so
hidden tests cannot be used as an oracle; a newer version past the limit waits (its feedback says
until when) and is never dropped. Older versions that a newer push superseded are graded once the
deadline has passed (they can count: the best graded version does), with the limit off then — so
the last version before the deadline is always graded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from autograder.gradebook import Gradebook, runs, submissions

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Version:
    """One stored version of a student's work and what grading made of it so far."""

    submission_id: int
    student_id: str
    commit: str
    first_seen: str | None
    ok: bool  # readable (status ok); else ``problem`` says why not
    problem: str | None
    graded_run: int | None  # the current graded run
    score: float | None
    rejected: str | None  # the grader's reason when it refused the submission


def versions(book: Gradebook, assignment: str) -> dict[str, list[Version]]:
    """Student id → their stored versions of ``assignment``, oldest first."""
    with book.engine.connect() as conn:
        subs = conn.execute(select(submissions.c.id, submissions.c.student_id, submissions.c.commit_sha,
                                   submissions.c.first_seen, submissions.c.status, submissions.c.problem)
                            .where(submissions.c.assignment == assignment, submissions.c.student_id.is_not(None))
                            .order_by(submissions.c.id)).all()
        ids = [s.id for s in subs]
        attempts = conn.execute(select(runs.c.id, runs.c.submission_id, runs.c.status, runs.c.current, runs.c.score,
                                       runs.c.error).where(runs.c.submission_id.in_(ids)).order_by(runs.c.id)).all() \
            if ids else []
    graded: dict[int, tuple[int, float]] = {}
    rejected: dict[int, str] = {}
    for r in attempts:
        if r.status == "graded" and r.current:
            graded[r.submission_id] = (r.id, r.score)
        elif r.status == "rejected":
            rejected[r.submission_id] = r.error or "rejected"
    out: dict[str, list[Version]] = {}
    for s in subs:
        run, score = graded.get(s.id, (None, None))
        out.setdefault(s.student_id, []).append(Version(
            s.id, s.student_id, s.commit_sha or "", s.first_seen, s.status == "ok", s.problem, run, score,
            None if run else rejected.get(s.id)))
    return out


def recent_runs(book: Gradebook, assignment: str, since: dt.datetime) -> dict[str, list[dt.datetime]]:
    """Student id → start times of their versions graded since ``since`` (the rate limit's window)."""
    with book.engine.connect() as conn:
        rows = conn.execute(select(submissions.c.student_id, runs.c.started_at)
                            .join(runs, runs.c.submission_id == submissions.c.id)
                            .where(submissions.c.assignment == assignment, runs.c.status == "graded",
                                   runs.c.started_at >= since.astimezone(dt.timezone.utc).isoformat(timespec="seconds"))
                            ).all()
    out: dict[str, list[dt.datetime]] = {}
    for r in rows:
        out.setdefault(r.student_id, []).append(dt.datetime.fromisoformat(r.started_at))
    return out


def waiting(v: Version) -> bool:
    """Readable, and neither graded nor refused by the grader."""
    return v.ok and v.graded_run is None and v.rejected is None


@dataclass
class Plan:
    grade: list[int] = field(default_factory=list)  # submission ids to grade now, newest versions first
    deferred: dict[str, tuple[int, dt.datetime]] = field(default_factory=dict)  # student → (version, graded after)


def plan(by_student: dict[str, list[Version]], recent: dict[str, list[dt.datetime]], due: dict[str, dt.datetime],
         at: dt.datetime, max_per_hour: int) -> Plan:
    """``due``: each student's deadline (extensions included)."""
    out, older = Plan(), []
    for sid, mine in by_student.items():
        if not mine:
            continue
        newest, rest = mine[-1], [v.submission_id for v in mine[:-1] if waiting(v)]
        open_ = at < due[sid]
        if not open_:
            older += rest  # superseded before the deadline; they can count now
        if not waiting(newest):
            continue
        graded = sorted(recent.get(sid, []))
        if open_ and len(graded) >= max_per_hour:
            out.deferred[sid] = (newest.submission_id, graded[len(graded) - max_per_hour] + HOUR)
            continue
        out.grade.append(newest.submission_id)
    out.grade += older
    return out
