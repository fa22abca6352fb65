"""``autograder collect WEEK``: pick each student's on-time and first late version, snapshot them.

Nothing is dropped silently: misnamed files, unknown students, duplicates and unreadable
notebooks each get a line in the collection report (and in the gradebook).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder import roster as roster_mod
from autograder.sources.git_history import (FileVersion, branch_commits, folder_exists, link_target, materialise,
                                            pack_folder, read_blob, versions)
from autograder.collect.regrade_files import collect_requests
from autograder.sources.scan import summary
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.gradebook import Gradebook, IssueRow, SubmissionRow, now
from autograder.kinds import kind_of
from autograder.kinds.base import Found, Misnamed, WrongType
from autograder.naming import ParsedName, nfc, typed_in_english
from autograder.regrade.request_file import parse_name as regrade_file

MAX_BYTES = 50 << 20


@dataclass
class CollectReport:
    assignment: str
    accepted: list[SubmissionRow] = field(default_factory=list)  # one row per stored version
    added: list[SubmissionRow] = field(default_factory=list)  # of those, the ones this run stored first
    issues: list[IssueRow] = field(default_factory=list)
    regrades: list[str] = field(default_factory=list)  # regrade requests new, changed or withdrawn this run
    new: int = 0
    unreachable: int = 0


def _late(when: dt.datetime, due: dt.datetime, grace_minutes: int) -> tuple[float, int]:
    over = (when - due).total_seconds() - grace_minutes * 60
    return (max(over, 0.0), math.ceil(over / 86400) if over > 0 else 0)


@dataclass(frozen=True)
class _Repo:
    """One repository to read: where it is, whose files it holds (None: decided by file name)."""

    url: str
    branch: str | None
    owner: object | None = None  # a roster Student for a student's own repository


def source_urls(cfg: CourseConfig) -> list[str]:
    """Every repository the course's submission sources name, once each (the watcher polls these)."""
    return sorted({r.url for r in _repos(cfg, roster_mod.load(cfg.path(cfg.roster)), lambda *a: None)})


def source_parallelism(cfg: CourseConfig) -> int:
    """Repositories read at once (``submissions[].parallel``)."""
    return max([getattr(s, "parallel", 1) for s in cfg.submissions] + [1])


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
                 show_progress: bool = False, only: set[str] | None = None) -> CollectReport:
    """Read every source; store each student's versions that can count. ``seen_at`` (the
    collector's clock, UTC) is a parameter only so that tests can replay a collection schedule;
    ``only`` limits the read to those repository URLs (the watcher's repositories that changed)."""
    roster = roster_mod.load(cfg.path(cfg.roster))
    data_dir = cfg.path(cfg.storage.data_dir)
    collected_at = (dt.datetime.fromisoformat(seen_at).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
                    if seen_at else now())
    report = CollectReport(assignment.id)
    deadlines = book.deadlines(assignment.id, cfg.due(assignment))

    def issue(path: str, kind: str, detail: str, student: str | None = None) -> None:
        row = IssueRow(assignment.id, collected_at, path, kind, detail, student)
        report.issues.append(row)
        book.add_issue(row)

    repos = _repos(cfg, roster, issue if only is None else (lambda *a: None))
    if only is not None:
        repos = [r for r in repos if r.url in only]
    run = _Collection(cfg, assignment, book, report, data_dir, collected_at, issue)

    def read(repo: _Repo):
        try:
            mirror = materialise(repo.url, data_dir / "repos", repo.branch)
            head, shas = branch_commits(mirror)
            return repo, mirror, head, shas, versions(mirror), None
        except UserError as exc:
            return repo, None, None, [], [], exc.render()

    columns = (TextColumn(f"collecting {assignment.id}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    parallel = source_parallelism(cfg)
    with Progress(*columns, disable=not show_progress) as progress, ThreadPoolExecutor(parallel) as pool:
        task = progress.add_task("collect", total=len(repos))
        for repo, mirror, head, shas, found, error in pool.map(read, repos):
            progress.advance(task)
            who = repo.owner.name if repo.owner else None
            if error:
                report.unreachable += 1
                issue(repo.url, "unreachable-repo", f"cannot read the repository ({error.splitlines()[0][:300]}); "
                      "nothing from it was collected this time — check the URL and access, then collect again", who)
                continue
            for ref in mirror.shadows:
                issue(repo.url, "shadowing-ref", f"the repository has {ref}, named like the branch it is collected from "
                      f"({mirror.ref}); only {mirror.ref} is read — a tag or ref with the branch's name is a sign "
                      "someone tried to replace the branch (check who pushed it)", who)
            first_seen = book.record_sightings(repo.url, repo.branch or "HEAD", head, shas, collected_at)
            _check_history(book, assignment, repo, set(shas), issue)
            by_student = _owners(found, assignment, roster, repo, issue, mirror.path)
            for sid, items in by_student.items():
                _store(run, mirror.path, repo.url, deadlines[sid], roster.by_id(sid), items, first_seen)
            report.regrades += collect_requests(cfg, assignment, book, repo.url, mirror.path, found, first_seen,
                                                repo.owner, roster, issue, collected_at)
    return report


def _check_history(book: Gradebook, assignment: Assignment, repo: _Repo, reachable: set[str], issue) -> None:
    """A collected commit that the branch no longer contains: its history was rewritten."""
    for sha, paths in book.submitted_commits(repo.url, assignment.id).items():
        if sha not in reachable:
            issue(" | ".join(paths), "force-push", f"commit {sha[:10]} was collected before but is no longer on the "
                  "branch (history rewritten, e.g. a force-push); the stored snapshot is kept and still counts",
                  repo.owner.name if repo.owner else None)


def _owners(found: list[FileVersion], assignment: Assignment, roster, repo: _Repo, issue,
            local: Path) -> dict[str, list]:
    """Student id → [Found] for this assignment's submissions in one repository."""
    kind = kind_of(assignment)
    by_student: dict[str, list[Found]] = {}
    seen: set[tuple[str, str]] = set()
    wrong_type: dict[str, tuple] = {}  # student id → (path, student, extension, accepted extensions)
    for version in found:
        if regrade_file(version.path):
            continue  # a regrade request: read by collect_requests
        if version.deleted:  # a file that is gone from the branch: the collector must know when
            hit = kind.match(dataclasses.replace(version, mode="100644"), assignment.week)
            if isinstance(hit, Found):  # its owner found as for an added file (keyboard-mode names too)
                hit = _tolerate_owner(_keyboard_name(hit, roster, repo), repo)
                gone = dataclasses.replace(hit, version=dataclasses.replace(hit.version, mode=version.mode))
                for student in _file_owners(hit.parsed, roster, repo):
                    by_student.setdefault(student.student_id, []).append(gone)
            continue
        hit = kind.match(version, assignment.week)
        if not version.regular and not (isinstance(hit, Found) and hit.version.path != version.path):
            _not_a_file(version, kind, assignment, roster, repo, issue, local)  # an entry inside a folder: packing
            continue                                                           # leaves it out and says so
        if isinstance(hit, Misnamed) and repo.owner:
            hit = _owners_misnamed(hit, version, kind, assignment.week, repo.owner) or hit
        if isinstance(hit, Misnamed):
            issue(hit.path, "bad-name", hit.detail, repo.owner.name if repo.owner else None)
            continue
        if isinstance(hit, WrongType):
            for student in _file_owners(hit.parsed, roster, repo):
                wrong_type[student.student_id] = (hit.version.path, student, hit.parsed.ext, hit.accepted)
            continue
        if hit is None:
            continue
        if (hit.version.path, hit.version.commit) in seen:
            continue  # several files of one project folder changed in one commit
        seen.add((hit.version.path, hit.version.commit))
        hit = _tolerate_owner(_keyboard_name(hit, roster, repo), repo)
        owners = _file_owners(hit.parsed, roster, repo)
        if not owners:
            _unmatched(hit, roster, issue)
            continue
        for student in owners:
            other = None if repo.owner else _other_author(roster, hit.version, student, owners)
            if other:
                issue(hit.version.path, "authored-by-other",
                      f"commit {hit.version.commit[:10]} that adds or changes {student.name} ({student.student_id})'s "
                      f"file was authored by {other.name} ({other.student_id}, git user {other.git_user}); it does not "
                      f"count — {student.name}'s own last version does", student.name)
                continue
            by_student.setdefault(student.student_id, []).append(hit)
    for sid, (path, student, ext, accepted) in wrong_type.items():
        if sid not in by_student:  # a .pdf next to the notebook is not a problem; a .pdf instead of it is
            issue(path, "wrong-file-type", f"{student.name} ({student.student_id}) submitted a .{ext} file; "
                  f"{assignment.id} takes {', '.join('.' + e for e in accepted)} — save it as one of those "
                  "and commit again", student.name)
    return by_student


_WEEK_IN_NAME = re.compile(r"(\d{1,2})\s*주\s*차")


def _owners_misnamed(hit: Misnamed, version: FileVersion, kind, week: int, owner) -> Found | None:
    """In a student's own repository a misnamed file of the week ('2주차과제_강나연_최종.ipynb') is
    still theirs: taken, with the deviation noted for the TA and the student."""
    name = PurePosixPath(version.path).name
    weeks = {int(w) for w in _WEEK_IN_NAME.findall(nfc(name))}
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if weeks != {week} or ext not in getattr(kind, "extensions", ()):
        return None
    note = (f"file name '{name}' does not follow '{week}주차 과제_<기수>기 <이름>.{ext}', but the repository is "
            f"{owner.name}'s: taken as theirs — rename it next time")
    parsed = ParsedName(week, owner.cohort, owner.name, ext, (note,), (note,))
    return Found(version, parsed, ext)


def _not_a_file(version: FileVersion, kind, assignment: Assignment, roster, repo: _Repo, issue, local: Path) -> None:
    """A symlink or submodule committed as (or in place of) the week's file or folder: one issue line
    naming its owner; nothing of it is read."""
    as_folder = dataclasses.replace(version, path=version.path + "/_", mode="100644")  # in place of a folder?
    hit = next((h for h in (kind.match(dataclasses.replace(version, mode="100644"), assignment.week),
                            kind.match(as_folder, assignment.week)) if isinstance(h, (Found, WrongType))), None)
    if hit is None:
        return
    owners = _file_owners(hit.parsed, roster, repo)
    who = ", ".join(f"{s.name} ({s.student_id})" for s in owners) or f"{hit.parsed.cohort}기 {hit.parsed.name}"
    what = version.what
    if version.mode == "120000":
        what += f" to '{link_target(local, version)}'"
    issue(version.path, "not-a-file", f"the submission of {who} is {what} at commit {version.commit[:10]}, not a "
          "file; it is not read — commit the file or folder itself (git rm --cached, copy the content in, commit "
          "again)", owners[0].name if owners else hit.parsed.name)


def _keyboard_name(hit: Found, roster, repo: _Repo) -> Found:
    """A name typed with the keyboard in English mode ('whtmdgus') read as the Hangul it spells, when that
    is a roster student's name (or the repository owner's); noted, so the TA and the student hear of it."""
    hangul = typed_in_english(nfc(hit.parsed.name))
    if hangul is None or roster.find(hit.parsed.cohort, hit.parsed.name):
        return hit
    owner = repo.owner
    if not (owner and hangul in (owner.name, owner.alias)) and not roster.find(hit.parsed.cohort, hangul):
        return hit
    note = f"'{hit.parsed.name}' is '{hangul}' typed with the keyboard in English mode"
    parsed = dataclasses.replace(hit.parsed, name=hangul, tolerated=(*hit.parsed.tolerated, note))
    return dataclasses.replace(hit, parsed=parsed)


def _tolerate_owner(hit: Found, repo: _Repo) -> Found:
    """In a student's own repository the file is theirs whatever name it carries (noted)."""
    if not repo.owner or not hit.parsed.ext or nfc(hit.parsed.name) in (repo.owner.name, repo.owner.alias):
        return hit
    note = f"file names '{hit.parsed.name}' but the repository is {repo.owner.name}'s"
    return dataclasses.replace(hit, parsed=dataclasses.replace(hit.parsed, tolerated=(*hit.parsed.tolerated, note)))


def _file_owners(parsed, roster, repo: _Repo) -> list:
    if repo.owner:
        return [repo.owner]
    student = roster.find(parsed.cohort, parsed.name)
    if student:
        return [student]
    return roster.team(parsed.cohort, parsed.name) if not parsed.ext else []


def _unmatched(hit: Found, roster, issue) -> None:
    parsed, path = hit.parsed, hit.version.path
    same = [s for s in roster if s.alias and s.cohort == parsed.cohort and s.name == nfc(parsed.name)]
    if same:  # two students of that name: the file must say which one
        issue(path, "ambiguous-student", f"{parsed.cohort}기 has {len(same)} students named {parsed.name}; the file "
              f"must use one of their aliases ({', '.join(f'{s.alias} = {s.student_id}' for s in same)}) — rename it "
              "and commit again", parsed.name)
        return
    renamed = _renamed(roster, hit.version)
    issue(path, "unknown-student", f"{parsed.cohort}기 {parsed.name} is not on the roster, nor a team in it"
          + (f" — {renamed}" if renamed else " (check the spelling or roster.csv)"), parsed.name)


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


@dataclass(frozen=True)
class _Collection:
    """What every stored version of one collect run shares."""

    cfg: CourseConfig
    assignment: Assignment
    book: Gradebook
    report: CollectReport
    data_dir: Path
    collected_at: str
    issue: object  # (path, kind, detail, student) → None


def _store(run: _Collection, local: Path, source: str, due: dt.datetime, student, items: list[Found],
           first_seen: dict[str, str]) -> None:
    cfg, assignment, issue = run.cfg, run.assignment, run.issue
    kind = kind_of(assignment)
    grace = cfg.late_policy.grace_minutes
    policy = cfg.late_policy.time_source
    over = [_late(_when(f.version, first_seen, policy), due, grace)[0] for f in items]
    # the tree at the student's last on-time commit: a file deleted by then is not their submission
    live: dict[str, int] = {}  # path → index of its latest on-time change
    late_first = None
    for i, (found, o) in enumerate(zip(items, over)):
        gone = found.version.deleted and (found.ext != "zip" or not folder_exists(local, found.version.commit,
                                                                                  found.version.path))
        if o == 0 and gone:
            live.pop(found.version.path, None)
        elif o == 0:
            live[found.version.path] = i
        elif late_first is None and not gone:
            late_first = found
    on_time = items[max(live.values())] if live else None
    chosen = [f for f in (on_time, late_first) if f is not None]
    paths = sorted({f.version.path for f in items})
    if len(paths) > 1:
        used = chosen[0].version.path if chosen else None
        deleted = sorted(set(paths) - set(live) - {f.version.path for f in chosen})
        issue(" | ".join(paths), "duplicate",
              f"{len(paths)} files for {student.name}; "
              + (f"'{used}' is used: the most recently changed one still in the repository at the last on-time "
                 f"commit" if used else "none is still in the repository")
              + (f" (deleted before then: {', '.join(deleted)})" if deleted else ""), student.name)
    for found in chosen:
        version = found.version
        if found.ext == "zip":
            packed = pack_folder(local, version.commit, version.path, MAX_BYTES)
            data = packed.data
            for entry in packed.skipped:
                issue(version.path, "not-a-file", f"commit {version.commit[:10]}: {entry} in {student.name}'s "
                      "submission folder is not a file and is left out; the rest of the folder is graded — commit "
                      "the file itself", student.name)
        else:
            data = read_blob(local, version.commit, version.path, MAX_BYTES)
        seen = first_seen.get(version.commit, run.collected_at)
        late_seconds, late_days = _late(_when(version, first_seen, policy), due, grace)
        _flag_dates(version, dt.datetime.fromisoformat(seen), due, policy, student, issue)
        for note in found.parsed.tolerated:
            if "English mode" in note or "the repository is" in note:  # who it is was inferred: say so
                issue(version.path, "name-differs", f"accepted as {student.name}'s ({student.student_id}): {note} "
                      "— the file should carry the roster's name", student.name)
        if late_days > cfg.late_policy.max_late_days:  # said now, not first at report time
            issue(version.path, "too-late", f"commit {version.commit[:10]} of {student.name} is {late_days} days late, "
                  f"more than late_policy.max_late_days ({cfg.late_policy.max_late_days}): it is stored and graded "
                  "but will not count (an extension, `autograder extend`, can make it count)", student.name)
        stored = dict(status="invalid", problem=f"larger than {MAX_BYTES >> 20} MB")
        if data is not None:
            digest = hashlib.sha256(data).hexdigest()
            snap = Path("snapshots") / digest[:2] / f"{digest}.{found.ext}"
            if not (run.data_dir / snap).exists():
                (run.data_dir / snap).parent.mkdir(parents=True, exist_ok=True)
                (run.data_dir / snap).write_bytes(data)
            problem = kind.problem(data, found.ext)
            stored = dict(status="invalid" if problem else "ok", problem=problem, content_sha256=digest,
                          snapshot=str(snap))
            findings = [] if problem else kind.review(data, found.ext, run.cfg.path(assignment.folder))
            if findings:
                issue(version.path, "needs-review", f"commit {version.commit[:10]}: {summary(findings)}", student.name)
        row = SubmissionRow(assignment.id, student.student_id, student.name, version.path, version.commit,
                            version.time.isoformat(timespec="seconds"), run.collected_at, seen, source, late_seconds,
                            late_days, tolerated="; ".join(found.parsed.tolerated) or None, **stored)
        if row.status == "invalid":
            what, fix = (("invalid-notebook", "open it in Jupyter, save") if found.ext == "ipynb"
                         else ("invalid-file", "save it as UTF-8 text"))
            issue(version.path, what, f"{row.problem} — {fix}, commit again", student.name)
        _, inserted = run.book.add_submission(row)
        run.report.new += inserted
        if inserted:
            run.report.added.append(row)
        run.report.accepted.append(row)


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
