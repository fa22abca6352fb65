"""The gradebook: SQLite (the default) or PostgreSQL, through SQLAlchemy Core.

Every write that matters is one transaction: a grading run and all its case results land
together or not at all, so a killed grader leaves no half-graded submission. Claims keep two
concurrent ``grade`` runs from grading the same submission; a claim whose owner died is taken over.
Transactions are serialised the same way on both: SQLite's ``BEGIN IMMEDIATE`` write lock, or on
PostgreSQL (TAs grading from several machines) a transaction-level advisory lock.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, delete, event, func, insert, inspect, select, text,
                        update)
from sqlalchemy.engine import Engine

metadata = MetaData()

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment", String, nullable=False, index=True),
    Column("student_id", String, index=True),
    Column("student_name", String),
    Column("path", Text, nullable=False),  # path in the class repository
    Column("content_sha256", String, nullable=False),
    Column("snapshot", Text, nullable=False),  # relative to storage.data_dir
    Column("commit_sha", String, nullable=False),
    Column("commit_time", String, nullable=False),  # ISO 8601, UTC
    Column("collected_at", String, nullable=False),
    Column("late_seconds", Float, nullable=False, default=0.0),
    Column("late_days", Integer, nullable=False, default=0),
    Column("status", String, nullable=False, default="ok"),  # ok | invalid
    Column("problem", Text),
    Column("tolerated", Text),  # naming deviations that were accepted
    Column("source", Text),  # the repository it came from (grader.yml url, or a student's repo)
    Column("first_seen", String),  # ISO 8601, UTC: when the collector first saw the commit
    # one row per owner: a week-7 team folder is every member's submission
    UniqueConstraint("assignment", "path", "commit_sha", "student_id", name="uq_submission_version"),
)

collection_issues = Table(
    "collection_issues", metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment", String, nullable=False, index=True),
    Column("collected_at", String, nullable=False),
    Column("path", Text, nullable=False),
    # unknown-student | bad-name | invalid-notebook | invalid-file | duplicate | similarity | ...
    Column("kind", String, nullable=False),
    Column("student", String),
    Column("detail", Text, nullable=False),
    UniqueConstraint("assignment", "path", "kind", "detail", name="uq_issue"),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("started_at", String, nullable=False),
    Column("finished_at", String, nullable=False),
    Column("status", String, nullable=False),  # graded | infra-error
    Column("score", Float),
    Column("max_score", Float),
    Column("isolation", String),
    Column("seconds", Float),
    Column("current", Boolean, nullable=False, default=True),
    Column("error", Text),
    Column("grader", String),
    Column("notes", Text),  # how the notebook ran, for the student (skipped magics, ...)
)

results = Table(
    "results", metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False, index=True),
    Column("case_id", String, nullable=False),
    Column("title", Text),
    Column("points", Float, nullable=False),
    Column("max_points", Float, nullable=False),
    Column("status", String, nullable=False),
    Column("message", Text),
    Column("seconds", Float),
    Column("position", Integer),  # the case's place in its run (the week's case order)
    Column("hints", Text),  # JSON [[hint id, detail], ...] of the mistakes named (casekit.hints)
)

manual_scores = Table(
    "manual_scores", metadata,
    Column("assignment", String, nullable=False),
    Column("student_id", String, nullable=False),
    Column("item", String, nullable=False),
    Column("points", Float, nullable=False),
    Column("max_points", Float, nullable=False),
    Column("comment", Text),
    Column("entered_by", String, nullable=False),
    Column("entered_at", String, nullable=False),
    UniqueConstraint("assignment", "student_id", "item", name="uq_manual_score"),
)

# Append-only collection log: what every `collect` saw, so that lateness can be decided by when
# a commit reached the repository rather than by its (forgeable) commit date.
commit_sightings = Table(
    "commit_sightings", metadata,
    Column("source", Text, nullable=False),
    Column("sha", String, nullable=False),
    Column("first_seen", String, nullable=False),
    UniqueConstraint("source", "sha", name="uq_sighting"),
)

ref_log = Table(
    "ref_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("ref", String, nullable=False),
    Column("sha", String, nullable=False),
    Column("seen_at", String, nullable=False),
)

extensions = Table(
    "extensions", metadata,
    Column("student_id", String, nullable=False),
    Column("assignment", String, nullable=False),
    Column("days", Integer, nullable=False),
    Column("reason", Text),
    Column("granted_by", String, nullable=False),
    Column("granted_at", String, nullable=False),
    UniqueConstraint("student_id", "assignment", name="uq_extension"),
)

hint_reveals = Table(  # feedback that showed a question's hints before the deadline (hints: always)
    "hint_reveals", metadata,
    Column("student_id", String, nullable=False),
    Column("assignment", String, nullable=False),
    Column("question", String, nullable=False),
    Column("run_id", Integer, nullable=False),
    Column("day", String, nullable=False),  # UTC date of the first reveal
    Column("revealed_at", String, nullable=False),
    UniqueConstraint("student_id", "assignment", "question", "run_id", name="uq_hint_reveal"),
)

# `autograder watch`: what each source advertised when last read through (a poll that sees the same
# listing reads nothing more), and the feedback last published per student (what a restart resumes from)
watch_sources = Table(
    "watch_sources", metadata,
    Column("source", Text, primary_key=True),
    Column("listing", String, nullable=False),  # sha256 of `git ls-remote`
    Column("read_at", String, nullable=False),
)

watch_published = Table(
    "watch_published", metadata,
    Column("assignment", String, nullable=False),
    Column("student_id", String, nullable=False),
    Column("state", String, nullable=False),  # what the published feedback showed (run, deadline side, queue)
    Column("detail", Text),
    Column("published_at", String, nullable=False),
    UniqueConstraint("assignment", "student_id", name="uq_watch_published"),
)

# regrades: a student's request (a file in git, as collect read it last) and every TA decision, appended
# and never changed: the value that counts for a case is the latest accept/override for it, unless withdrawn
regrade_requests = Table(
    "regrade_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment", String, nullable=False, index=True),
    Column("student_id", String, nullable=False, index=True),
    Column("path", Text, nullable=False),  # the request file, as committed
    Column("source", Text, nullable=False),
    Column("commit_sha", String, nullable=False),
    Column("first_seen", String, nullable=False),  # when the collector first saw that commit (UTC)
    Column("content_sha256", String, nullable=False),
    Column("cases", Text, nullable=False),  # JSON list of the case ids it names (known ones)
    Column("reason", Text, nullable=False),
    Column("status", String, nullable=False),  # open | invalid | accepted | rejected | decided
    Column("problem", Text),  # why it cannot be decided as it stands (after the window, unknown case, ...)
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
)

grade_decisions = Table(
    "grade_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment", String, nullable=False, index=True),
    Column("student_id", String, nullable=False, index=True),
    Column("case_id", String),  # None for a rejection of a whole request
    Column("request_id", Integer),  # None for a TA's own override
    Column("action", String, nullable=False),  # accept | reject | override | withdraw
    Column("points", Float),  # the value set (accept/override)
    Column("before", Float),  # the case's value just before the decision (graded, or an earlier override)
    Column("max_points", Float),
    Column("run_id", Integer),  # the counted run when decided
    Column("reason", Text, nullable=False),
    Column("decided_by", String, nullable=False),
    Column("decided_at", String, nullable=False),
)

# when feedback about the counted version was first given after the student's deadline: the regrade
# window (regrades.window_days) runs from here
feedback_released = Table(
    "feedback_released", metadata,
    Column("assignment", String, nullable=False),
    Column("student_id", String, nullable=False),
    Column("released_at", String, nullable=False),
    UniqueConstraint("assignment", "student_id", name="uq_feedback_released"),
)

claims = Table(
    "claims", metadata,
    Column("submission_id", Integer, primary_key=True),
    Column("owner", String, nullable=False),
    Column("claimed_at", String, nullable=False),
)


class Deadlines(dict):
    """Student id → deadline; the assignment's own for a student without an extension."""

    def __init__(self, default: dt.datetime, extended: dict[str, dt.datetime]):
        super().__init__(extended)
        self.default = default

    def __missing__(self, student_id: str) -> dt.datetime:
        return self.default


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True  # cannot tell; leave another machine's claim alone
    try:
        os.kill(int(pid), 0)
        return True
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True


# submissions whose current run is a graded one (an infra-error run does not count)
_GRADED = select(runs.c.submission_id).where(runs.c.current.is_(True), runs.c.status == "graded")


def _is_graded(conn, submission_id: int) -> bool:
    return conn.execute(_GRADED.where(runs.c.submission_id == submission_id).limit(1)).first() is not None


@dataclass(frozen=True)
class SubmissionRow:
    """One stored version of a student's submission, as collect records it."""

    assignment: str
    student_id: str | None
    student_name: str | None
    path: str  # as committed in the repository
    commit_sha: str
    commit_time: str  # ISO 8601
    collected_at: str
    first_seen: str | None
    source: str  # the repository it came from
    late_seconds: float
    late_days: int
    status: str = "ok"  # ok | invalid
    problem: str | None = None
    tolerated: str | None = None  # naming deviations that were accepted
    content_sha256: str = "-"
    snapshot: str = "-"  # relative to storage.data_dir


@dataclass(frozen=True)
class IssueRow:
    """A line of the collection report (also similarity flags from grading)."""

    assignment: str
    collected_at: str
    path: str
    kind: str
    detail: str
    student: str | None = None


@dataclass(frozen=True)
class RunRow:
    """One grading attempt of a submission (its case results are stored with it)."""

    started_at: str
    finished_at: str
    status: str  # graded | infra-error | rejected
    score: float | None = None
    max_score: float | None = None
    isolation: str | None = None
    seconds: float | None = None
    error: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Pending:
    submission_id: int
    student_id: str | None
    snapshot: Path
    path: str = ""  # as committed in the repository


OTHERS_GRADED = "others graded in this batch"  # an infrastructure-error run's note: the grader was working

_LOCK_KEY = 0x6772616465  # the advisory lock every PostgreSQL transaction of this gradebook takes


def gradebook_url(target: Path | str) -> str:
    """A SQLAlchemy URL: a path is a SQLite file; ``postgresql://`` means the psycopg driver."""
    if isinstance(target, Path) or "://" not in str(target):
        return f"sqlite:///{Path(target)}"
    url = str(target)
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


class Gradebook:
    def __init__(self, target: Path | str):
        self.url = gradebook_url(target)
        self.dialect = self.url.split(":", 1)[0].split("+", 1)[0]
        if self.dialect == "sqlite":
            path = Path(self.url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(self.url, connect_args={"timeout": 60})

            @event.listens_for(self.engine, "connect")
            def _pragmas(conn, _):  # WAL: readers never block the writer; FKs on
                conn.isolation_level = None  # let SQLAlchemy's BEGIN below be the only one
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA foreign_keys=ON")

            @event.listens_for(self.engine, "begin")
            def _immediate(conn):  # take the write lock at BEGIN: no lost updates between graders
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)

            @event.listens_for(self.engine, "begin")
            def _serialise(conn):  # the same one-writer-at-a-time rule as SQLite's IMMEDIATE
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        with self.engine.begin() as conn:
            metadata.create_all(conn)
        self._add_new_columns()

    def _add_new_columns(self) -> None:
        """A gradebook made by an earlier version gets the columns added since (all nullable)."""
        with self.engine.begin() as conn:
            found = inspect(conn)
            for table in metadata.sorted_tables:
                have = {c["name"] for c in found.get_columns(table.name)}
                for col in table.columns:
                    if col.name not in have:
                        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {col.name} "
                                             f"{col.type.compile(self.engine.dialect)}")

    # -- the collection log -------------------------------------------------------------------
    def record_sightings(self, source: str, ref: str, head: str, shas: list[str], seen_at: str) -> dict[str, str]:
        """Log the ref's head (when it changed) and first sightings of new commits; return the
        first-seen time of every commit in ``shas``: the earliest under any source, since a commit is
        named by its content (a repository that moved to another URL keeps its commits' times).
        Existing rows are never changed."""
        with self.engine.begin() as conn:
            last = conn.execute(select(ref_log.c.sha).where(ref_log.c.source == source, ref_log.c.ref == ref)
                                .order_by(ref_log.c.id.desc()).limit(1)).scalar()
            if last != head:
                conn.execute(insert(ref_log).values(source=source, ref=ref, sha=head, seen_at=seen_at))
            known = dict(conn.execute(select(commit_sightings.c.sha, commit_sightings.c.first_seen)
                                      .where(commit_sightings.c.source == source)).all())
            new = [{"source": source, "sha": sha, "first_seen": seen_at} for sha in shas if sha not in known]
            if new:
                conn.execute(insert(commit_sightings), new)
            known.update({row["sha"]: seen_at for row in new})
            earliest: dict[str, str] = {}
            for start in range(0, len(shas), 500):
                chunk = shas[start:start + 500]
                earliest.update(conn.execute(select(commit_sightings.c.sha, func.min(commit_sightings.c.first_seen))
                                             .where(commit_sightings.c.sha.in_(chunk))
                                             .group_by(commit_sightings.c.sha)).all())
        return {sha: min(known[sha], earliest.get(sha, known[sha])) for sha in shas}

    def submitted_commits(self, source: str, assignment: str) -> dict[str, list[str]]:
        """sha → paths of this assignment's stored submissions that came from ``source``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(submissions.c.commit_sha, submissions.c.path)
                                .where(submissions.c.source == source, submissions.c.assignment == assignment)).all()
        out: dict[str, list[str]] = {}
        for sha, path in rows:
            out.setdefault(sha, []).append(path)
        return out

    # -- extensions -----------------------------------------------------------------------------
    def put_extension(self, row: dict) -> bool:
        """Grant (or change) an extension; True when it replaced an earlier one."""
        with self.engine.begin() as conn:
            key = (extensions.c.student_id == row["student_id"], extensions.c.assignment == row["assignment"])
            if conn.execute(update(extensions).where(*key).values(**row)).rowcount:
                return True
            conn.execute(insert(extensions).values(**row))
            return False

    def withdraw_extension(self, student_id: str, assignment: str) -> bool:
        """Remove an extension; False when there was none."""
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(extensions).where(extensions.c.student_id == student_id,
                                                              extensions.c.assignment == assignment)).rowcount)

    def reveal_hints(self, student_id: str, assignment: str, question: str, run_id: int, at: dt.datetime,
                     limit: int) -> tuple[bool, int]:
        """May feedback for ``run_id`` show this question's hints now, and how many reveals are left
        today? A version already revealed stays revealed (rewriting feedback costs nothing); a new
        one counts against ``limit`` versions per student, question and UTC day."""
        day = at.astimezone(dt.timezone.utc).date().isoformat()
        key = ((hint_reveals.c.student_id == student_id) & (hint_reveals.c.assignment == assignment)
               & (hint_reveals.c.question == question))
        with self.engine.begin() as conn:
            if conn.execute(select(hint_reveals.c.run_id).where(key & (hint_reveals.c.run_id == run_id))).first():
                used = conn.execute(select(func.count()).select_from(hint_reveals).where(
                    key & (hint_reveals.c.day == day))).scalar_one()
                return True, max(limit - used, 0)
            used = conn.execute(select(func.count()).select_from(hint_reveals).where(
                key & (hint_reveals.c.day == day))).scalar_one()
            if used >= limit:
                return False, 0
            conn.execute(insert(hint_reveals).values(student_id=student_id, assignment=assignment, question=question,
                                                     run_id=run_id, day=day, revealed_at=now()))
            return True, limit - used - 1

    def extensions(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(extensions))]

    def deadlines(self, assignment: str, due: dt.datetime) -> "Deadlines":
        """Each student's deadline for ``assignment``: ``due`` moved by their extension, if any."""
        moved = {e["student_id"]: due + dt.timedelta(days=e["days"]) for e in self.extensions()
                 if e["assignment"] == assignment}
        return Deadlines(due, moved)

    # -- collection ---------------------------------------------------------------------------
    def add_submission(self, row: SubmissionRow) -> tuple[int, bool]:
        """Insert unless this (assignment, path, commit, owner) is known; return (id, inserted)."""
        with self.engine.begin() as conn:
            existing = conn.execute(select(submissions.c.id).where(
                submissions.c.assignment == row.assignment, submissions.c.path == row.path,
                submissions.c.commit_sha == row.commit_sha, submissions.c.student_id == row.student_id)).scalar()
            if existing is not None:
                return existing, False
            return conn.execute(insert(submissions).values(**asdict(row))).inserted_primary_key[0], True

    def add_issue(self, row: IssueRow) -> None:
        values = asdict(row)
        with self.engine.begin() as conn:
            known = conn.execute(select(collection_issues.c.id).where(
                *(collection_issues.c[k] == values[k] for k in ("assignment", "path", "kind", "detail")))).scalar()
            if known is None:
                conn.execute(insert(collection_issues).values(**values))

    # -- manual rubric --------------------------------------------------------------------------
    def put_manual(self, rows: list[dict]) -> tuple[int, int, int]:
        """Insert or update TA scores in one transaction; returns (inserted, updated, unchanged). A row
        whose points and comment are what the gradebook holds is left alone (who entered it, and when,
        stay as they were)."""
        inserted = updated = unchanged = 0
        with self.engine.begin() as conn:
            for row in rows:
                key = (manual_scores.c.assignment == row["assignment"],
                       manual_scores.c.student_id == row["student_id"], manual_scores.c.item == row["item"])
                held = conn.execute(select(manual_scores.c.points, manual_scores.c.comment).where(*key)).first()
                if held is None:
                    conn.execute(insert(manual_scores).values(**row))
                    inserted += 1
                elif abs(held.points - row["points"]) < 1e-9 and (held.comment or None) == (row["comment"] or None):
                    unchanged += 1
                else:
                    conn.execute(update(manual_scores).where(*key).values(**row))
                    updated += 1
        return inserted, updated, unchanged

    def manual(self, assignment: str | None = None) -> list[dict]:
        query = select(manual_scores)
        if assignment is not None:
            query = query.where(manual_scores.c.assignment == assignment)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(manual_scores.c.student_id))]

    def latest_submissions(self, assignment: str) -> list[dict]:
        """Each student's most recently committed readable version of ``assignment``."""
        query = select(submissions).where(submissions.c.assignment == assignment, submissions.c.status == "ok",
                                          submissions.c.student_id.is_not(None)).order_by(submissions.c.commit_time)
        with self.engine.connect() as conn:
            latest = {r.student_id: dict(r._mapping) for r in conn.execute(query)}
        return list(latest.values())

    def collected(self, assignment: str | None = None) -> int:
        """How many versions collection stored (of ``assignment``, or of any)."""
        query = select(func.count()).select_from(submissions).where(submissions.c.student_id.is_not(None))
        if assignment is not None:
            query = query.where(submissions.c.assignment == assignment)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def too_late(self, assignment: str, max_days: int) -> list[tuple[str, int]]:
        """(student name, late days) of the stored versions later than the late policy accepts."""
        query = select(submissions.c.student_name, submissions.c.late_days).where(
            submissions.c.assignment == assignment, submissions.c.student_id.is_not(None),
            submissions.c.late_days > max_days).order_by(submissions.c.student_name)
        with self.engine.connect() as conn:
            return [(r.student_name, int(r.late_days)) for r in conn.execute(query)]

    # -- grading ------------------------------------------------------------------------------
    def pending(self, assignment: str, data_dir: Path, regrade: bool = False) -> list[Pending]:
        query = select(submissions.c.id, submissions.c.student_id, submissions.c.snapshot, submissions.c.path).where(
            submissions.c.assignment == assignment, submissions.c.status == "ok")
        if not regrade:  # graded, or rejected (the submission's own problem: retrying cannot change it)
            later = runs.alias("later")
            newest = select(func.max(later.c.id)).where(later.c.submission_id == runs.c.submission_id).scalar_subquery()
            rejected = select(runs.c.submission_id).where(runs.c.status == "rejected", runs.c.id == newest)
            query = query.where(submissions.c.id.not_in(_GRADED), submissions.c.id.not_in(rejected))
        with self.engine.connect() as conn:
            return [Pending(r.id, r.student_id, data_dir / r.snapshot, r.path)
                    for r in conn.execute(query.order_by(submissions.c.id))]

    def graded_snapshot(self, assignment: str, data_dir: Path) -> tuple[Path, str] | None:
        """(snapshot, committed name) of the newest graded submission of ``assignment``."""
        with self.engine.connect() as conn:
            row = conn.execute(select(submissions.c.snapshot, submissions.c.path).join(
                runs, runs.c.submission_id == submissions.c.id).where(
                submissions.c.assignment == assignment, runs.c.current.is_(True), runs.c.status == "graded")
                .order_by(runs.c.id.desc()).limit(1)).first()
        return None if row is None else (data_dir / row.snapshot, PurePosixPath(row.path).name)

    def mark_while_others_graded(self, run_ids: list[int]) -> None:
        """These infrastructure-error runs happened in a batch that graded other submissions."""
        if run_ids:
            with self.engine.begin() as conn:
                conn.execute(update(runs).where(runs.c.id.in_(run_ids)).values(notes=OTHERS_GRADED))

    def identical_failures(self, submission_id: int, error: str) -> int:
        """Infrastructure-error runs of this submission that failed with exactly ``error`` in batches
        where the grader graded others (a grader that was down counts for nothing)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(runs).where(
                runs.c.submission_id == submission_id, runs.c.status == "infra-error", runs.c.error == error,
                runs.c.notes == OTHERS_GRADED)).scalar())

    def claim(self, submission_id: int, owner: str, *, unless_graded: bool = False) -> bool:
        """Take a submission for grading; False when a live owner holds it (or, with
        ``unless_graded``, when another grader finished it since the batch was listed)."""
        with self.engine.begin() as conn:
            if unless_graded and _is_graded(conn, submission_id):
                return False
            holder = conn.execute(select(claims.c.owner).where(claims.c.submission_id == submission_id)).scalar()
            if holder is not None and holder != owner and _owner_alive(holder):
                return False
            conn.execute(delete(claims).where(claims.c.submission_id == submission_id))
            conn.execute(insert(claims).values(submission_id=submission_id, owner=owner, claimed_at=now()))
            return True

    def release(self, submission_id: int, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(claims).where(claims.c.submission_id == submission_id, claims.c.owner == owner))

    def record_run(self, submission_id: int, run: RunRow, case_rows: list, owner: str,
                   only_if_ungraded: bool) -> int | None:
        """Store a run and its results (``CaseResult``s) atomically; a graded run becomes the current one."""
        graded = run.status == "graded"
        with self.engine.begin() as conn:
            if only_if_ungraded and graded and _is_graded(conn, submission_id):
                conn.execute(delete(claims).where(claims.c.submission_id == submission_id))
                return None  # someone else finished it first: keep exactly one
            if graded:
                conn.execute(update(runs).where(runs.c.submission_id == submission_id).values(current=False))
            run_id = conn.execute(insert(runs).values(submission_id=submission_id, grader=owner, current=graded,
                                                      **asdict(run))).inserted_primary_key[0]
            if case_rows:
                conn.execute(insert(results), [{**asdict(r), "run_id": run_id, "position": i}
                                               for i, r in enumerate(case_rows)])
            conn.execute(delete(claims).where(claims.c.submission_id == submission_id))
            return run_id
