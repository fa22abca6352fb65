"""``autograder grade WEEK``: resumable, idempotent, parallel batch grading.

Each worker thread drives one sandboxed child process at a time (the heavy work happens in
those processes). Results are written one submission per transaction, so an interrupted
batch resumes where it stopped and never grades a submission twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from autograder.casekit.loader import load_cases
from autograder.config import Assignment, CourseConfig
from autograder.engine import GradeResult, Limits, grade_notebook
from autograder.engine.pool import SandboxPool
from autograder.engine.sandbox import SandboxUnavailable, choose_isolation
from autograder.errors import UserError
from autograder.gradebook import Gradebook, Pending, now, owner_id
from autograder.project import grade_project
from autograder.writeup.rubric import AUTO_POINTS, grade_writeup
from autograder.writeup.similarity import Flag, flags
from autograder.writeup.text import read_text


@dataclass
class GradeSummary:
    assignment: str
    graded: int = 0
    infra_errors: int = 0
    rejected: int = 0
    skipped_claimed: int = 0
    seconds: float = 0.0
    isolation: set[str] = field(default_factory=set)
    flags: int = 0  # write-ups flagged for a TA (similar to each other or to the prompt)


Outcome = tuple[str, GradeResult | None, str | None]  # (graded | infra-error | rejected, result, error)


def _grade_one(p: Pending, grade: Callable[[Path], GradeResult], retries: int) -> Outcome:
    """(status, result, error): graded | infra-error | rejected."""
    last = None
    for _ in range(retries + 1):
        try:
            result = grade(p.snapshot)
        except UserError as exc:
            return "rejected", None, exc.render()
        if not result.infra_error:
            return "graded", result, None
        last = result
    return "infra-error", last, last.infra_error if last else "unknown"


def _writeup_one(p: Pending) -> Outcome:
    try:
        return "graded", grade_writeup(p.snapshot, PurePosixPath(p.path).name), None
    except UserError as exc:
        return "rejected", None, exc.render()


def _grader(cfg: CourseConfig, assignment: Assignment) -> tuple[Callable[[Pending], Outcome], Callable[[], None]]:
    """How one submission of this assignment is graded, and what to close after the batch;
    problems that would fail every submission the same way stop the batch here, before
    anything is stored."""
    if assignment.kind == "writeup":
        if abs(AUTO_POINTS - assignment.auto_points) > 1e-6:
            raise UserError(f"the write-up rubric is worth {AUTO_POINTS:g} automatic points but grader.yml leaves "
                            f"{assignment.auto_points:g} (points minus manual items)", where="grader.yml",
                            fix=f"set points to {AUTO_POINTS + assignment.manual_points:g} for {assignment.id}")
        return _writeup_one, lambda: None
    limits = Limits.from_config(cfg.grading)
    try:
        choose_isolation(limits.isolation, limits.container_engine)
    except SandboxUnavailable as exc:
        raise UserError(str(exc), where="grading.isolation in grader.yml") from None
    if cfg.grading.backend == "ray":
        from autograder.grade.ray_backend import RayGrader

        remote = RayGrader(cfg, assignment, limits)
        return lambda p: _grade_one(p, remote, cfg.grading.retries), lambda: None
    if assignment.kind == "project":
        return (lambda p: _grade_one(p, lambda path: grade_project(path, assignment, limits), cfg.grading.retries),
                lambda: None)
    cases = load_cases(cfg.path(assignment.folder))
    pool = SandboxPool(limits) if cfg.grading.warm_pool and SandboxPool.usable(limits) else None
    runner = pool.run if pool else None
    return (lambda p: _grade_one(p, lambda path: grade_notebook(path, cases, limits, runner=runner),
                                 cfg.grading.retries),
            pool.close if pool else lambda: None)


def flag_similar_writeups(cfg: CourseConfig, assignment: Assignment, book: Gradebook) -> list[Flag]:
    """Similar write-ups and prompt copies, recorded as collection issues for a TA (no score changes)."""
    latest = book.latest_submissions(assignment.id)
    data_dir = cfg.path(cfg.storage.data_dir)
    texts, by_name = {}, {}
    for s in latest:
        who = f"{s['student_name']} ({s['student_id']})"
        try:
            texts[who] = read_text(data_dir / s["snapshot"], PurePosixPath(s["path"]).suffix[1:].lower())
        except UserError:
            continue  # unreadable: the rubric already says so
        by_name[who] = s["path"]
    prompt = cfg.path(assignment.folder) / "prompt.md"
    found = flags(texts, prompt.read_text(encoding="utf-8") if prompt.exists() else "")
    for f in found:
        book.add_issue({"assignment": assignment.id, "collected_at": now(), "kind": "similarity",
                        "path": " | ".join(by_name[n] for n in f.students), "student": ", ".join(f.students),
                        "detail": f.detail()})
    return found


def grade_week(cfg: CourseConfig, assignment: Assignment, book: Gradebook, *, regrade: bool = False,
               workers: int | None = None, show_progress: bool = True) -> GradeSummary:
    grade_one, close = _grader(cfg, assignment)
    pending = book.pending(assignment.id, cfg.path(cfg.storage.data_dir), regrade=regrade)
    owner = owner_id()
    summary = GradeSummary(assignment.id)
    start = time.monotonic()

    def job(group: list[Pending]) -> list[tuple]:
        """Grade identical content once (a team's folder, a shared file): snapshots are
        content-addressed, and grading is deterministic."""
        done, outcome = [], None
        for p in group:
            if not book.claim(p.submission_id, owner, unless_graded=not regrade):
                done.append((p, "claimed", None, None, None))
                continue
            began = now()
            outcome = outcome or grade_one(p)
            done.append((p, *outcome, began))
        return done

    groups: dict[Path, list[Pending]] = {}
    for p in pending:
        groups.setdefault(p.snapshot, []).append(p)

    columns = (TextColumn(f"grading {assignment.id}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, disable=not show_progress) as progress, \
            ThreadPoolExecutor(max_workers=workers or cfg.grading.workers) as pool:
        task = progress.add_task("grade", total=len(pending))
        futures = [pool.submit(job, group) for group in groups.values()]
        try:
            for fut in as_completed(futures):
                for p, status, result, error, began in fut.result():
                    progress.advance(task)
                    if status == "claimed":
                        summary.skipped_claimed += 1
                        continue
                    run = {"started_at": began, "finished_at": now(), "status": status, "error": error,
                           "score": result.score if status == "graded" else None,
                           "max_score": result.max_score if result else None,
                           "isolation": result.isolation if result else None,
                           "seconds": round(result.seconds, 3) if result else None,
                           "notes": getattr(result, "notes", None) if status == "graded" else None}
                    rows = [vars(c) for c in result.cases] if status == "graded" else []
                    book.record_run(p.submission_id, run, rows, owner, only_if_ungraded=not regrade)
                    if result and result.isolation:
                        summary.isolation.add(result.isolation)
                    summary.graded += status == "graded"
                    summary.infra_errors += status == "infra-error"
                    summary.rejected += status == "rejected"
        except KeyboardInterrupt:
            for f in futures:
                f.cancel()
            raise
        finally:
            close()
    if assignment.kind == "writeup":
        summary.flags = len(flag_similar_writeups(cfg, assignment, book))
    summary.seconds = time.monotonic() - start
    return summary
