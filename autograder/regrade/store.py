"""Regrade requests and TA decisions in the gradebook.

Decisions are appended, never changed: the value a case has for a student is the latest
``accept``/``override`` for it unless a later ``withdraw`` took it back (then the graded value
counts again). Each decision is one transaction (with the request's new status), on SQLite and
PostgreSQL alike (the gradebook serialises its transactions).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from autograder.errors import UserError
from autograder.gradebook import (Gradebook, feedback_released, grade_decisions, now, regrade_requests, results, runs,
                                  submissions)

SETS_VALUE = ("accept", "override")  # decisions that give a case a value
OPEN, INVALID, ACCEPTED, REJECTED, WITHDRAWN = "open", "invalid", "accepted", "rejected", "withdrawn"
DECIDED = "decided"  # rejected after some of its cases were accepted
UNDECIDED = (OPEN, INVALID)


@dataclass(frozen=True)
class RequestFile:
    """A request file as collection read it (one student's current version of it)."""

    assignment: str
    student_id: str
    path: str
    source: str
    commit_sha: str
    first_seen: str
    content_sha256: str
    cases: tuple[str, ...]
    reason: str
    problem: str | None  # set: the request cannot be decided as it stands (listed, not dropped)
    blocking: bool = False  # the problem makes it invalid (no case it names exists, after the window)


def record_request(book: Gradebook, req: RequestFile) -> tuple[int, str]:
    """Store a request file's current version: a new request, the open one updated (an edited
    file), or nothing when this content is the latest request's already. Returns (id, what happened:
    new | updated | same)."""
    status = INVALID if req.blocking else OPEN
    values = dict(path=req.path, source=req.source, commit_sha=req.commit_sha, first_seen=req.first_seen,
                  content_sha256=req.content_sha256, cases=json.dumps(list(req.cases), ensure_ascii=False),
                  reason=req.reason, status=status, problem=req.problem, updated_at=now())
    with book.engine.begin() as conn:
        last = _latest_request(conn, req.assignment, req.student_id)
        if last is not None and last.content_sha256 == req.content_sha256 and last.status != WITHDRAWN:
            if last.status in UNDECIDED and (last.status, last.problem, last.cases) != (
                    status, req.problem, values["cases"]):  # checked again: feedback given since, a case graded
                conn.execute(update(regrade_requests).where(regrade_requests.c.id == last.id).values(
                    status=status, problem=req.problem, cases=values["cases"], updated_at=values["updated_at"]))
                return last.id, "updated"
            return last.id, "same"
        if last is not None and last.status in UNDECIDED:  # edited: asked when it was first sent
            values["first_seen"] = min(last.first_seen, values["first_seen"])
            conn.execute(update(regrade_requests).where(regrade_requests.c.id == last.id).values(**values))
            return last.id, "updated"
        new = conn.execute(insert(regrade_requests).values(assignment=req.assignment, student_id=req.student_id,
                                                           created_at=values["updated_at"], **values))
        return new.inserted_primary_key[0], "new"


def _latest_request(conn, assignment: str, student_id: str):
    """The student's newest request for ``assignment`` (a row), or None."""
    return conn.execute(select(regrade_requests).where(
        regrade_requests.c.assignment == assignment, regrade_requests.c.student_id == student_id)
        .order_by(regrade_requests.c.id.desc()).limit(1)).first()


def asked_at(book: Gradebook, assignment: str, student_id: str, seen: str) -> str:
    """When a request was asked: an edit of an undecided one keeps the time the first version was seen."""
    with book.engine.connect() as conn:
        last = _latest_request(conn, assignment, student_id)
    return min(last.first_seen, seen) if last is not None and last.status in UNDECIDED else seen


def window_closes(released_at: str, window_days: float) -> dt.datetime:
    """When the regrade window that opened with feedback at ``released_at`` (ISO) closes."""
    return dt.datetime.fromisoformat(released_at) + dt.timedelta(days=window_days)


def withdraw_request(book: Gradebook, assignment: str, student_id: str) -> int | None:
    """The student deleted the request file: an undecided request is withdrawn (kept, listed as such)."""
    with book.engine.begin() as conn:
        last = _latest_request(conn, assignment, student_id)
        if last is None or last.status not in UNDECIDED:
            return None
        conn.execute(update(regrade_requests).where(regrade_requests.c.id == last.id).values(
            status=WITHDRAWN, updated_at=now()))
        return last.id


def known_cases(book: Gradebook, assignment: str, student_id: str) -> set[str]:
    """The case ids a request may name: those of the student's graded runs of ``assignment`` (of any
    student's, when theirs has none yet)."""
    base = (select(results.c.case_id).distinct().join(runs, runs.c.id == results.c.run_id)
            .join(submissions, submissions.c.id == runs.c.submission_id).where(submissions.c.assignment == assignment))
    with book.engine.connect() as conn:
        mine = set(conn.execute(base.where(submissions.c.student_id == student_id)).scalars())
        return mine or set(conn.execute(base).scalars())


def requests(book: Gradebook, assignment: str | None = None) -> list[dict]:
    query = select(regrade_requests).order_by(regrade_requests.c.id)
    if assignment is not None:
        query = query.where(regrade_requests.c.assignment == assignment)
    with book.engine.connect() as conn:
        return [_as_dict(r) for r in conn.execute(query)]


def request(book: Gradebook, request_id: int) -> dict | None:
    with book.engine.connect() as conn:
        r = conn.execute(select(regrade_requests).where(regrade_requests.c.id == request_id)).first()
    return None if r is None else _as_dict(r)


def _as_dict(row) -> dict:
    return {**row._mapping, "cases": json.loads(row.cases)}


def decisions(book: Gradebook, assignment: str | None = None) -> list[dict]:
    query = select(grade_decisions).order_by(grade_decisions.c.id)
    if assignment is not None:
        query = query.where(grade_decisions.c.assignment == assignment)
    with book.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def active_overrides(rows: list[dict]) -> dict[tuple[str, str, str], dict]:
    """(assignment, student id, case id) → the decision whose value counts, from ``decisions()``."""
    latest: dict[tuple[str, str, str], dict] = {}
    for d in rows:
        if d["case_id"] is not None and d["action"] in (*SETS_VALUE, "withdraw"):
            latest[(d["assignment"], d["student_id"], d["case_id"])] = d
    return {k: d for k, d in latest.items() if d["action"] in SETS_VALUE}


def graded_base(rows: list[dict], d: dict) -> float:
    """The grader's value when the case's current override began (its first accept/override since
    the last withdraw): what the TA changed."""
    base, overridden = float(d["before"]), False
    for x in rows:
        if (x["assignment"], x["student_id"], x["case_id"]) != (d["assignment"], d["student_id"], d["case_id"]):
            continue  # another case (a rubric item of another week has the same id)
        if x["action"] in SETS_VALUE and not overridden:
            base, overridden = float(x["before"]), True
        elif x["action"] == "withdraw":
            overridden = False
        if x is d:
            break
    return base


def add_decision(book: Gradebook, row: dict, request_status: str | None = None) -> int:
    """Append one decision (and set its request's status) in one transaction."""
    with book.engine.begin() as conn:
        if row.get("request_id") is not None:  # checked again inside the transaction: two TAs at once
            held = conn.execute(select(regrade_requests.c.status).where(
                regrade_requests.c.id == row["request_id"])).scalar()
            if held not in UNDECIDED:
                raise UserError(f"request #{row['request_id']} is {held} already (decided meanwhile)",
                                fix="see `autograder regrades`")
        new = conn.execute(insert(grade_decisions).values(**row)).inserted_primary_key[0]
        if row.get("request_id") is not None and request_status is not None:
            conn.execute(update(regrade_requests).where(regrade_requests.c.id == row["request_id"]).values(
                status=request_status, updated_at=row["decided_at"]))
        return new


def mark_released(book: Gradebook, assignment: str, student_ids: list[str], at: dt.datetime) -> None:
    """Feedback about the counted version was given (after the deadline) to these students: the first
    time starts their regrade window."""
    stamp = at.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    with book.engine.begin() as conn:
        have = set(conn.execute(select(feedback_released.c.student_id).where(
            feedback_released.c.assignment == assignment)).scalars())
        new = [{"assignment": assignment, "student_id": s, "released_at": stamp} for s in student_ids if s not in have]
        if new:
            conn.execute(insert(feedback_released), new)


def released(book: Gradebook, assignment: str) -> dict[str, str]:
    """Student id → when feedback was first given after their deadline (ISO, UTC)."""
    with book.engine.connect() as conn:
        return dict(conn.execute(select(feedback_released.c.student_id, feedback_released.c.released_at).where(
            feedback_released.c.assignment == assignment)).all())
