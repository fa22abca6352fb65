"""Regrade request files in the repositories collect reads (``regrade/N주차.md``).

Each student's current request file for the week is read at the branch's last version that
changed it; its time is when the collector first saw that commit. A request that cannot be
decided as it stands (after the window, naming no case of the assignment, no name in a shared
repository) is stored and listed with the reason — never dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from autograder.sources.git_history import FileVersion, read_blob
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.gradebook import Gradebook
from autograder.regrade import store
from autograder.regrade.request_file import file_names, parse_name, parse_request
from autograder.text_files import decode

MAX_BYTES = 64 << 10


def _latest_per_student(found: list[FileVersion], week: int, owner, roster, issue) -> dict[str, FileVersion]:
    latest: dict[str, FileVersion] = {}
    for version in found:  # oldest first: a later change of a student's request file wins
        name = parse_name(version.path)
        if name is None or name.week != week:
            continue
        student = owner
        if student is None:
            shared = file_names(week)[1]
            if name.cohort is None:
                issue(version.path, "regrade-request", f"a regrade request in the class repository must name its "
                      f"student: rename it to '{shared}'", None)
                continue
            student = roster.find(name.cohort, name.name)
            if student is None:
                issue(version.path, "regrade-request", f"{name.cohort}기 {name.name} is not on the roster: the "
                      f"request is not read — name it '{shared}' with the roster's name", name.name)
                continue
        latest[student.student_id] = version
    return latest


def _window_problem(cfg: CourseConfig, released: str | None, seen: str) -> str | None:
    if released is None:
        return None
    until = store.window_closes(released, cfg.regrades.window_days)
    if dt.datetime.fromisoformat(seen) <= until:
        return None
    tz = cfg.tz
    return (f"sent {dt.datetime.fromisoformat(seen).astimezone(tz):%Y-%m-%d %H:%M}, after the regrade window closed "
            f"({until.astimezone(tz):%Y-%m-%d %H:%M}: regrades.window_days = {cfg.regrades.window_days:g} after "
            "feedback was given) — a TA can still decide it")


def collect_requests(cfg: CourseConfig, assignment: Assignment, book: Gradebook, source: str, local: Path,
                     found: list[FileVersion], first_seen: dict[str, str], owner, roster, issue,
                     collected_at: str) -> list[str]:
    """Store the week's request files of one repository; one line per new, changed or withdrawn request."""
    lines: list[str] = []
    released = store.released(book, assignment.id)
    for sid, version in _latest_per_student(found, assignment.week, owner, roster, issue).items():
        student = roster.by_id(sid)
        if version.deleted:
            if store.withdraw_request(book, assignment.id, sid) is not None:
                lines.append(f"withdrawn: {student.name} ({sid}) deleted {version.path}")
            continue
        if not version.regular:
            issue(version.path, "regrade-request", f"{student.name}'s regrade request is {version.what}, not a file; "
                  "it is not read — commit the file itself", student.name)
            continue
        try:
            data = read_blob(local, version.commit, version.path, MAX_BYTES)
        except UserError as exc:
            issue(version.path, "regrade-request", f"cannot read {student.name}'s regrade request: {exc.what}",
                  student.name)
            continue
        text = decode(data) if data is not None else None
        if text is None:
            issue(version.path, "regrade-request", f"{student.name}'s regrade request is "
                  + ("larger than 64 KB" if data is None else "neither UTF-8 nor CP949 text")
                  + ": save it as UTF-8 text and push again", student.name)
            continue
        known = store.known_cases(book, assignment.id, sid) | {f"manual/{m.id}" for m in assignment.manual}
        parsed = parse_request(text, known)
        seen = first_seen.get(version.commit, collected_at)
        problems, blocking = [], False
        if not parsed.cases:
            blocking = True
            problems.append("names no case of this assignment"
                            + (f" ({', '.join(parsed.unknown)} are not its cases)" if parsed.unknown else "")
                            + " — write each test's name as the feedback shows it under '케이스 / Cases'")
        elif parsed.unknown:
            problems.append(f"also names {', '.join(parsed.unknown)}, which are not cases of {assignment.id}")
        if not parsed.reason:
            problems.append("gives no reason — say why under '이유 / Reason'")
        late = _window_problem(cfg, released.get(sid), store.asked_at(book, assignment.id, sid, seen))
        if late:
            blocking = True
            problems.append(late)
        req = store.RequestFile(assignment.id, sid, version.path, source, version.commit, seen,
                                hashlib.sha256(data).hexdigest(), parsed.cases, parsed.reason,
                                "; ".join(problems) or None, blocking)
        request_id, what = store.record_request(book, req)
        if what != "same":
            lines.append(f"{what} regrade request #{request_id}: {student.name} ({sid}) "
                         f"{', '.join(parsed.cases) or '-'}" + (f" — {req.problem}" if req.problem else ""))
    return lines
