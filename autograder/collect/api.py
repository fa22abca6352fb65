"""``autograder collect WEEK``: pick each student's on-time and first late version, snapshot them.

Nothing is dropped silently: misnamed files, unknown students, duplicates and unreadable
notebooks each get a line in the collection report (and in the gradebook).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder import roster as roster_mod
from autograder.collect.git_history import FileVersion, materialise, pack_folder, read_blob, versions
from autograder.config import Assignment, CourseConfig
from autograder.gradebook import Gradebook, now
from autograder.naming import looks_like_submission, parse

MAX_BYTES = 50 << 20
EXTENSIONS = {"notebook": ("ipynb",), "writeup": ("md", "txt", "ipynb"), "project": ()}


@dataclass
class CollectReport:
    assignment: str
    accepted: list[dict] = field(default_factory=list)  # one row per stored version
    issues: list[dict] = field(default_factory=list)
    new: int = 0


def _late(when: dt.datetime, due: dt.datetime, grace_minutes: int) -> tuple[float, int]:
    over = (when - due).total_seconds() - grace_minutes * 60
    return (max(over, 0.0), math.ceil(over / 86400) if over > 0 else 0)


def _notebook_problem(data: bytes) -> str | None:
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not a text file (binary content with a .ipynb name)"
    except json.JSONDecodeError as exc:
        return f"not valid JSON (line {exc.lineno}: {exc.msg})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "JSON but not a Jupyter notebook (no 'cells' list)"
    return None


def _text_problem(data: bytes) -> str | None:
    if b"\x00" in data[:8192]:
        return "binary content, not text"
    for encoding in ("utf-8", "cp949"):
        try:
            data.decode(encoding)
            return None
        except UnicodeDecodeError:
            continue
    return "not UTF-8 text"


def _problem(data: bytes, ext: str) -> str | None:
    checks = {"ipynb": _notebook_problem, "zip": _project_problem}
    return checks.get(ext, _text_problem)(data)


def _project_folder(version: FileVersion, week: int) -> tuple[FileVersion, object] | None:
    """The week's project folder a changed file lies in, as a version of that folder."""
    parts = PurePosixPath(version.path).parts[:-1]
    for i, part in enumerate(parts):
        parsed = parse(part, folder=True)
        if parsed is not None and parsed.week == week:
            return FileVersion("/".join(parts[:i + 1]), version.commit, version.time), parsed
    return None


def _project_problem(data: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "solution.py" not in zf.namelist():
            return "no solution.py at the top of the project folder"
    return None


def collect_week(cfg: CourseConfig, assignment: Assignment, book: Gradebook) -> CollectReport:
    roster = roster_mod.load(cfg.path(cfg.roster))
    data_dir = cfg.path(cfg.storage.data_dir)
    due = cfg.due(assignment)
    collected_at = now()
    report = CollectReport(assignment.id)

    def issue(path: str, kind: str, detail: str, student: str | None = None) -> None:
        row = {"assignment": assignment.id, "collected_at": collected_at, "path": path, "kind": kind,
               "student": student, "detail": detail}
        report.issues.append(row)
        book.add_issue(row)

    by_student: dict[str, list[tuple[FileVersion, object]]] = {}
    for source in cfg.submissions:
        repo = materialise(source.url, data_dir / "repos", source.branch)
        seen_folders: set[tuple[str, str]] = set()
        for version in versions(repo, source.branch):
            if assignment.kind == "project":
                found = _project_folder(version, assignment.week)
                if found is None or (found[0].path, found[0].commit) in seen_folders:
                    continue
                version, parsed = found
                seen_folders.add((version.path, version.commit))
                student = roster.find(parsed.cohort, parsed.name)
                owners = [student] if student else roster.team(parsed.cohort, parsed.name)
            else:
                name = PurePosixPath(version.path).name
                parsed = parse(name)
                if parsed is None:
                    if looks_like_submission(name) and str(assignment.week) in name:
                        issue(version.path, "bad-name", f"file name does not follow "
                              f"'{assignment.week}주차 과제_<기수>기 <이름>.ipynb'; rename it and commit again")
                    continue
                if parsed.week != assignment.week or parsed.ext not in EXTENSIONS[assignment.kind]:
                    continue
                owners = [s for s in [roster.find(parsed.cohort, parsed.name)] if s]
            if not owners:
                issue(version.path, "unknown-student",
                      f"{parsed.cohort}기 {parsed.name} is not on the roster, nor a team in it "
                      "(check the spelling or roster.csv)", parsed.name)
                continue
            for student in owners:
                by_student.setdefault(student.student_id, []).append((version, parsed))
        for sid, items in by_student.items():
            _store(cfg, assignment, book, report, repo, due, roster.by_id(sid), items, data_dir, collected_at, issue)
        by_student.clear()
    return report


def _store(cfg, assignment, book, report, repo, due, student, items, data_dir, collected_at, issue) -> None:
    grace = cfg.late_policy.grace_minutes
    paths = sorted({v.path for v, _ in items})
    if len(paths) > 1:
        issue(" | ".join(paths), "duplicate",
              f"{len(paths)} files for {student.name}; the most recent version of any of them is used",
              student.name)
    on_time = [x for x in items if _late(x[0].time, due, grace)[0] == 0]
    late = [x for x in items if _late(x[0].time, due, grace)[0] > 0]
    chosen = ([on_time[-1]] if on_time else []) + ([late[0]] if late else [])
    for version, parsed in chosen:
        ext = parsed.ext or "zip"  # a project folder is stored as a zip of its files
        data = (pack_folder(repo, version.commit, version.path, MAX_BYTES) if ext == "zip"
                else read_blob(repo, version.commit, version.path, MAX_BYTES))
        late_seconds, late_days = _late(version.time, due, grace)
        row = {"assignment": assignment.id, "student_id": student.student_id, "student_name": student.name,
               "path": version.path, "commit_sha": version.commit,
               "commit_time": version.time.isoformat(timespec="seconds"), "collected_at": collected_at,
               "late_seconds": late_seconds, "late_days": late_days, "tolerated": "; ".join(parsed.tolerated) or None}
        if data is None:
            row.update(status="invalid", problem=f"larger than {MAX_BYTES >> 20} MB", content_sha256="-", snapshot="-")
        else:
            digest = hashlib.sha256(data).hexdigest()
            snap = Path("snapshots") / digest[:2] / f"{digest}.{ext}"
            if not (data_dir / snap).exists():
                (data_dir / snap).parent.mkdir(parents=True, exist_ok=True)
                (data_dir / snap).write_bytes(data)
            problem = _problem(data, ext)
            row.update(status="invalid" if problem else "ok", problem=problem, content_sha256=digest, snapshot=str(snap))
        if row["status"] == "invalid":
            kind, fix = (("invalid-notebook", "open it in Jupyter, save") if ext == "ipynb"
                         else ("invalid-file", "save it as UTF-8 text"))
            issue(version.path, kind, f"{row['problem']} — {fix}, commit again", student.name)
        _, inserted = book.add_submission(row)
        report.new += inserted
        report.accepted.append(row)
