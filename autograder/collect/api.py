"""``autograder collect WEEK``: pick each student's on-time and first late version, snapshot them.

Nothing is dropped silently: misnamed files, unknown students, duplicates and unreadable
notebooks each get a line in the collection report (and in the gradebook).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder import roster as roster_mod
from autograder.collect.git_history import (FileVersion, branch_commits, materialise, pack_folder, read_blob,
                                            versions)
from autograder.collect.scan import scan_notebook, scan_project, summary
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.gradebook import Gradebook, now
from autograder.naming import looks_like_submission, nfc, parse
from autograder.text_files import decode

MAX_BYTES = 50 << 20
EXTENSIONS = {"notebook": ("ipynb",), "writeup": ("md", "txt", "ipynb"), "project": ()}


@dataclass
class CollectReport:
    assignment: str
    accepted: list[dict] = field(default_factory=list)  # one row per stored version
    issues: list[dict] = field(default_factory=list)
    new: int = 0
    unreachable: int = 0


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
    except RecursionError:
        return "JSON nested too deeply to be a notebook"
    if not isinstance(nb, dict):
        return "JSON but not a Jupyter notebook (no 'cells' list)"
    if nb.get("nbformat") == 3 and isinstance(nb.get("worksheets"), list):
        return None  # an old (v3) notebook: nbformat converts it when it is graded
    if not isinstance(nb.get("cells"), list):
        return "JSON but not a Jupyter notebook (no 'cells' list)"
    return None


def _text_problem(data: bytes) -> str | None:
    if b"\x00" in data[:8192]:
        return "binary content, not text"
    return None if decode(data) is not None else "not UTF-8 text"


def _problem(data: bytes, ext: str) -> str | None:
    checks = {"ipynb": _notebook_problem, "zip": _project_problem}
    return checks.get(ext, _text_problem)(data)


def _project_folder(version: FileVersion, week: int) -> tuple[FileVersion, object] | None:
    """The week's project folder a changed file lies in, as a version of that folder."""
    parts = PurePosixPath(version.path).parts[:-1]
    for i, part in enumerate(parts):
        parsed = parse(part, folder=True)
        if parsed is not None and parsed.week == week:
            return FileVersion("/".join(parts[:i + 1]), version.commit, version.time, version.authors), parsed
    return None


def _project_problem(data: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "solution.py" not in zf.namelist():
            return "no solution.py at the top of the project folder"
    return None


@dataclass(frozen=True)
class _Repo:
    """One repository to read: where it is, whose files it holds (None: decided by file name)."""

    url: str
    branch: str | None
    owner: object | None = None  # a roster Student for a student's own repository


def _repos(cfg: CourseConfig, roster, issue) -> list[_Repo]:
    out = []
    for source in cfg.submissions:
        if source.kind == "class_repo":
            out.append(_Repo(source.url, source.branch))
            continue
        for s in roster:
            url = source.url_for(s)
            if not url:
                issue(f"roster: {s.student_id}", "no-repository", f"{s.name} has no repository: set the roster's "
                      "repo or git_user column", s.name)
                continue
            out.append(_Repo(url, source.branch, s))
    return out


def _when(version: FileVersion, first_seen: dict[str, str], policy: str) -> dt.datetime:
    if policy == "first_seen" and version.commit in first_seen:
        return dt.datetime.fromisoformat(first_seen[version.commit])
    return version.time


def collect_week(cfg: CourseConfig, assignment: Assignment, book: Gradebook, *, seen_at: str | None = None,
                 show_progress: bool = False) -> CollectReport:
    """Read every source; store each student's versions that can count. ``seen_at`` (the
    collector's clock, UTC) is a parameter only so that tests can replay a collection schedule."""
    roster = roster_mod.load(cfg.path(cfg.roster))
    data_dir = cfg.path(cfg.storage.data_dir)
    collected_at = (dt.datetime.fromisoformat(seen_at).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
                    if seen_at else now())
    report = CollectReport(assignment.id)
    extension_days = {(e["student_id"], e["assignment"]): e["days"] for e in book.extensions()}

    def issue(path: str, kind: str, detail: str, student: str | None = None) -> None:
        row = {"assignment": assignment.id, "collected_at": collected_at, "path": path, "kind": kind,
               "student": student, "detail": detail}
        report.issues.append(row)
        book.add_issue(row)

    repos = _repos(cfg, roster, issue)

    def read(repo: _Repo):
        try:
            local = materialise(repo.url, data_dir / "repos", repo.branch)
            head, shas = branch_commits(local, repo.branch)
            return repo, local, head, shas, versions(local, repo.branch), None
        except UserError as exc:
            return repo, None, None, [], [], exc.render()

    columns = (TextColumn(f"collecting {assignment.id}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    parallel = max([getattr(s, "parallel", 1) for s in cfg.submissions] + [1])
    with Progress(*columns, disable=not show_progress) as progress, ThreadPoolExecutor(parallel) as pool:
        task = progress.add_task("collect", total=len(repos))
        for repo, local, head, shas, found, error in pool.map(read, repos):
            progress.advance(task)
            who = repo.owner.name if repo.owner else None
            if error:
                report.unreachable += 1
                issue(repo.url, "unreachable-repo", f"cannot read the repository ({error.splitlines()[0][:300]}); "
                      "nothing from it was collected this time — check the URL and access, then collect again", who)
                continue
            first_seen = book.record_sightings(repo.url, repo.branch or "HEAD", head, shas, collected_at)
            _check_history(book, assignment, repo, set(shas), issue)
            by_student = _owners(found, assignment, roster, repo, issue)
            for sid, items in by_student.items():
                student = roster.by_id(sid)
                due = cfg.due(assignment) + dt.timedelta(days=extension_days.get((sid, assignment.id), 0))
                _store(cfg, assignment, book, report, local, repo.url, due, student, items, data_dir, collected_at,
                       first_seen, issue)
    return report


def _check_history(book: Gradebook, assignment: Assignment, repo: _Repo, reachable: set[str], issue) -> None:
    """A collected commit that the branch no longer contains: its history was rewritten."""
    for sha, paths in book.submitted_commits(repo.url, assignment.id).items():
        if sha not in reachable:
            issue(" | ".join(paths), "force-push", f"commit {sha[:10]} was collected before but is no longer on the "
                  "branch (history rewritten, e.g. a force-push); the stored snapshot is kept and still counts",
                  repo.owner.name if repo.owner else None)


def _owners(found: list[FileVersion], assignment: Assignment, roster, repo: _Repo, issue) -> dict[str, list]:
    """Student id → [(version, parsed name)] for this assignment's files in one repository."""
    by_student: dict[str, list[tuple[FileVersion, object]]] = {}
    seen_folders: set[tuple[str, str]] = set()
    for version in found:
        if assignment.kind == "project":
            hit = _project_folder(version, assignment.week)
            if hit is None or (hit[0].path, hit[0].commit) in seen_folders:
                continue
            version, parsed = hit
            seen_folders.add((version.path, version.commit))
            if repo.owner:
                owners = [repo.owner]
            else:
                student = roster.find(parsed.cohort, parsed.name)
                owners = [student] if student else roster.team(parsed.cohort, parsed.name)
        else:
            name = PurePosixPath(version.path).name
            parsed = parse(name)
            if parsed is None:
                if looks_like_submission(name) and str(assignment.week) in name:
                    issue(version.path, "bad-name", f"file name does not follow "
                          f"'{assignment.week}주차 과제_<기수>기 <이름>.ipynb'; rename it and commit again",
                          repo.owner.name if repo.owner else None)
                continue
            if parsed.week != assignment.week or parsed.ext not in EXTENSIONS[assignment.kind]:
                continue
            if repo.owner:  # a student's own repository: the file is theirs whatever name it carries
                owners = [repo.owner]
                if nfc(parsed.name) not in (repo.owner.name, repo.owner.alias):
                    parsed = dataclasses.replace(parsed, tolerated=(*parsed.tolerated, f"file names "
                                                 f"'{parsed.name}' but the repository is {repo.owner.name}'s"))
            else:
                owners = [s for s in [roster.find(parsed.cohort, parsed.name)] if s]
        if not owners:
            same = [s for s in roster if s.alias and s.cohort == parsed.cohort and s.name == nfc(parsed.name)]
            if same:  # two students of that name: the file must say which one
                issue(version.path, "ambiguous-student", f"{parsed.cohort}기 has {len(same)} students named "
                      f"{parsed.name}; the file must use one of their aliases "
                      f"({', '.join(f'{s.alias} = {s.student_id}' for s in same)}) — rename it and commit again",
                      parsed.name)
                continue
            renamed = _renamed(roster, version)
            issue(version.path, "unknown-student",
                  f"{parsed.cohort}기 {parsed.name} is not on the roster, nor a team in it"
                  + (f" — {renamed}" if renamed else " (check the spelling or roster.csv)"), parsed.name)
            continue
        for student in owners:
            other = None if repo.owner else _other_author(roster, version, student, owners)
            if other:
                issue(version.path, "authored-by-other",
                      f"commit {version.commit[:10]} that adds or changes {student.name} ({student.student_id})'s file "
                      f"was authored by {other.name} ({other.student_id}, git user {other.git_user}); it does not "
                      f"count — {student.name}'s own last version does", student.name)
                continue
            by_student.setdefault(student.student_id, []).append((version, parsed))
    return by_student


def _other_author(roster, version: FileVersion, owner, owners: list):
    """In a shared repository: the roster student (not an owner) who authored ``version`` of
    ``owner``'s file, when both have a ``git_user``; authors not on the roster (a TA) are not judged."""
    authors = {a.casefold() for a in version.authors}
    if not owner.git_user or owner.git_user.casefold() in authors:
        return None
    owner_ids = {s.student_id for s in owners}
    return next((s for s in roster if s.git_user and s.git_user.casefold() in authors
                 and s.student_id not in owner_ids), None)


def _renamed(roster, version: FileVersion) -> str | None:
    """A hint for a renamed student: the commit's author is a roster student's git user."""
    match = next((s for s in roster if s.git_user and s.git_user in version.authors), None)
    if match:
        return (f"the commit's author {match.git_user} is {match.name} ({match.student_id}) on the roster: a renamed "
                "student? fix the file name or the roster, then collect again")
    return None


def _store(cfg, assignment, book, report, repo, source, due, student, items, data_dir, collected_at, first_seen,
           issue) -> None:
    grace = cfg.late_policy.grace_minutes
    policy = cfg.late_policy.time_source
    paths = sorted({v.path for v, _ in items})
    if len(paths) > 1:
        issue(" | ".join(paths), "duplicate",
              f"{len(paths)} files for {student.name}; the most recent version of any of them is used",
              student.name)
    over = [_late(_when(v, first_seen, policy), due, grace)[0] for v, _ in items]
    on_time = [x for x, o in zip(items, over) if o == 0]
    late = [x for x, o in zip(items, over) if o > 0]
    chosen = ([on_time[-1]] if on_time else []) + ([late[0]] if late else [])
    for version, parsed in chosen:
        ext = parsed.ext or "zip"  # a project folder is stored as a zip of its files
        data = (pack_folder(repo, version.commit, version.path, MAX_BYTES) if ext == "zip"
                else read_blob(repo, version.commit, version.path, MAX_BYTES))
        seen = first_seen.get(version.commit, collected_at)
        late_seconds, late_days = _late(_when(version, first_seen, policy), due, grace)
        _flag_dates(version, dt.datetime.fromisoformat(seen), due, policy, student, issue)
        row = {"assignment": assignment.id, "student_id": student.student_id, "student_name": student.name,
               "path": version.path, "commit_sha": version.commit, "source": source, "first_seen": seen,
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
            findings = [] if problem else scan_notebook(data) if ext == "ipynb" else scan_project(data) if ext == "zip" \
                else []
            if findings:
                issue(version.path, "needs-review", f"commit {version.commit[:10]}: {summary(findings)}", student.name)
        if row["status"] == "invalid":
            kind, fix = (("invalid-notebook", "open it in Jupyter, save") if ext == "ipynb"
                         else ("invalid-file", "save it as UTF-8 text"))
            issue(version.path, kind, f"{row['problem']} — {fix}, commit again", student.name)
        _, inserted = book.add_submission(row)
        report.new += inserted
        report.accepted.append(row)


CLOCK_SLACK = dt.timedelta(minutes=10)


def _flag_dates(version: FileVersion, seen: dt.datetime, due: dt.datetime, policy: str, student, issue) -> None:
    """Commit dates a TA should look at: set in the future of when the commit arrived, or
    before the deadline for a commit that arrived after it."""
    def kst(t: dt.datetime) -> str:
        return t.astimezone(due.tzinfo).strftime("%Y-%m-%d %H:%M")

    follows = "lateness follows the first-seen time" if policy == "first_seen" else \
        "lateness follows the commit date (late_policy.time_source: commit_time)"
    if version.time > seen + CLOCK_SLACK:
        issue(version.path, "suspicious-date", f"commit {version.commit[:10]} is dated {kst(version.time)}, after it was "
              f"first seen ({kst(seen)}): the author's clock was set ahead; {follows}", student.name)
    elif version.time <= due < seen - CLOCK_SLACK:
        issue(version.path, "suspicious-date", f"commit {version.commit[:10]} is dated {kst(version.time)}, before the "
              f"deadline, but was first seen only at {kst(seen)}, after it (a pushed-late or back-dated commit); "
              f"{follows}", student.name)
