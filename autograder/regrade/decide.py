"""A TA's decisions: accept or reject a regrade request, override a case without one, withdraw an
override. Each is checked (the case exists for the student, points within the case's, a reason
given) and stored as one appended gradebook row with its before and after values."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from sqlalchemy import select

from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.gradebook import Gradebook, now, results, runs, submissions
from autograder.regrade import store
from autograder.regrade.effective import MANUAL


@dataclass(frozen=True)
class CaseValue:
    case_id: str
    graded: float  # what the grader (or the TA rubric) gave
    current: float  # what counts now (an override, else graded)
    max_points: float
    run_id: int | None
    overridden: bool = False  # a TA's value counts now


def _counted_run(cfg: CourseConfig, book: Gradebook, assignment: Assignment, student_id: str) -> int | None:
    """The run of the version that counts; else the student's latest graded run of the assignment."""
    from autograder.report.finals import final_scores  # the late policy decides which version counts

    finals = final_scores(cfg, book)
    row = finals[(finals.assignment == assignment.id) & (finals.student_id == student_id)]
    if len(row) and row.run_id.notna().iloc[0]:
        return int(row.run_id.iloc[0])
    with book.engine.connect() as conn:
        return conn.execute(select(runs.c.id).join(submissions, submissions.c.id == runs.c.submission_id).where(
            submissions.c.assignment == assignment.id, submissions.c.student_id == student_id,
            runs.c.status == "graded").order_by(runs.c.current.desc(), runs.c.id.desc()).limit(1)).scalar()


def case_value(cfg: CourseConfig, book: Gradebook, assignment: Assignment, student_id: str, case_id: str) -> CaseValue:
    active = store.active_overrides(store.decisions(book, assignment.id)).get((assignment.id, student_id, case_id))
    if case_id.startswith(MANUAL):
        item = next((m for m in assignment.manual if f"{MANUAL}{m.id}" == case_id), None)
        if item is None:
            raise UserError(f"{assignment.id} has no TA rubric item {case_id.removeprefix(MANUAL)!r}",
                            fix="use one of: " + (", ".join(f"{MANUAL}{m.id}" for m in assignment.manual) or "(none)"))
        entered = next((m["points"] for m in book.manual(assignment.id) if m["student_id"] == student_id
                        and m["item"] == item.id), 0.0)
        return CaseValue(case_id, float(entered), float(active["points"]) if active else float(entered),
                         float(item.points), None, active is not None)
    run_id = _counted_run(cfg, book, assignment, student_id)
    if run_id is None:
        raise UserError(f"{student_id} has no graded version of {assignment.id}: there is no case value to change",
                        fix=f"collect and grade {assignment.id} first (`autograder grade {assignment.id}`)")
    with book.engine.connect() as conn:
        rows = {r.case_id: r for r in conn.execute(select(results.c.case_id, results.c.points, results.c.max_points)
                                                   .where(results.c.run_id == run_id))}
    if case_id not in rows:
        raise UserError(f"{assignment.id} has no case {case_id!r} in {student_id}'s graded version",
                        fix="use a case id as feedback shows it, e.g. " + ", ".join(sorted(rows)[:8]))
    graded = float(rows[case_id].points)
    return CaseValue(case_id, graded, float(active["points"]) if active else graded, float(rows[case_id].max_points),
                     run_id, active is not None)


def _need_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise UserError("a decision needs a reason (students read it in their feedback)", fix='add --reason "…"')
    return reason.strip()


def _row(assignment: str, student_id: str, action: str, reason: str, by: str | None, *, case: CaseValue | None = None,
         points: float | None = None, request_id: int | None = None) -> dict:
    return {"assignment": assignment, "student_id": student_id, "case_id": case.case_id if case else None,
            "request_id": request_id, "action": action, "points": points,
            "before": case.current if case else None, "max_points": case.max_points if case else None,
            "run_id": case.run_id if case else None, "reason": _need_reason(reason),
            "decided_by": by or getpass.getuser(), "decided_at": now()}


def _points(points: float, case: CaseValue) -> float:
    if not 0 <= points <= case.max_points + 1e-9:
        raise UserError(f"{points:g} points is outside what {case.case_id} is worth (0 to {case.max_points:g})",
                        fix=f"give --points between 0 and {case.max_points:g}")
    return float(points)


def _open_request(book: Gradebook, request_id: int) -> dict:
    req = store.request(book, request_id)
    if req is None:
        raise UserError(f"no regrade request #{request_id}", fix="see `autograder regrades` for the ids")
    if req["status"] not in store.UNDECIDED:
        raise UserError(f"request #{request_id} is {req['status']} already",
                        fix="a decided request stays as it is; to change a case's value now, use `autograder override` "
                            "(or `--withdraw` it)")
    return req


def accept(cfg: CourseConfig, book: Gradebook, request_id: int, case_id: str | None, points: float, reason: str,
           by: str | None = None) -> dict:
    req = _open_request(book, request_id)
    named = req["cases"]
    if case_id is None:
        if len(named) != 1:
            raise UserError(f"request #{request_id} names {len(named)} cases ({', '.join(named) or 'none'})",
                            fix="say which one with --case")
        case_id = named[0]
    if case_id not in named:
        raise UserError(f"request #{request_id} does not name {case_id!r} (it names {', '.join(named) or 'none'})",
                        fix="to change another case, use `autograder override`")
    assignment = cfg.assignment(req["assignment"])
    case = case_value(cfg, book, assignment, req["student_id"], case_id)
    row = _row(assignment.id, req["student_id"], "accept", reason, by, case=case, points=_points(points, case),
               request_id=request_id)
    done = {d["case_id"] for d in store.decisions(book, assignment.id)
            if d["request_id"] == request_id and d["action"] == "accept"} | {case_id}
    store.add_decision(book, row, store.ACCEPTED if set(named) <= done else store.OPEN)
    return row


def reject(cfg: CourseConfig, book: Gradebook, request_id: int, reason: str, by: str | None = None) -> dict:
    req = _open_request(book, request_id)
    accepted = any(d["request_id"] == request_id and d["action"] == "accept"
                   for d in store.decisions(book, req["assignment"]))
    row = _row(req["assignment"], req["student_id"], "reject", reason, by, request_id=request_id)
    store.add_decision(book, row, store.DECIDED if accepted else store.REJECTED)  # the rest of a partly accepted one
    return row


def override(cfg: CourseConfig, book: Gradebook, student_id: str, assignment: Assignment, case_id: str,
             points: float, reason: str, by: str | None = None) -> dict:
    case = case_value(cfg, book, assignment, student_id, case_id)
    row = _row(assignment.id, student_id, "override", reason, by, case=case, points=_points(points, case))
    store.add_decision(book, row)
    return row


def withdraw(cfg: CourseConfig, book: Gradebook, student_id: str, assignment: Assignment, case_id: str, reason: str,
             by: str | None = None) -> dict:
    """Take an override back: the graded value counts again."""
    case = case_value(cfg, book, assignment, student_id, case_id)
    if not case.overridden:
        raise UserError(f"{case_id} of {student_id} in {assignment.id} has no override to withdraw")
    row = _row(assignment.id, student_id, "withdraw", reason, by, case=case, points=case.graded)
    store.add_decision(book, row)
    return row


def age(since: str, at: dt.datetime | None = None) -> str:
    """'3 d 4 h' since an ISO time."""
    delta = (at or dt.datetime.now(dt.timezone.utc)) - dt.datetime.fromisoformat(since)
    days, hours = delta.days, delta.seconds // 3600
    return f"{days} d {hours} h" if days else f"{hours} h {delta.seconds % 3600 // 60} min"
