"""``autograder grade WEEK``: resumable, idempotent, parallel batch grading.

Each worker thread drives one sandboxed child process at a time (the heavy work happens in
those processes). Results are written one submission per transaction, so an interrupted
batch resumes where it stopped and never grades a submission twice.
"""

from __future__ import annotations

import dataclasses
import time
from contextlib import nullcontext
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from autograder.build.timings import measured_limits
from autograder.config import Assignment, CourseConfig
from autograder.engine import GradeResult, Limits
from autograder.engine.sandbox import SandboxUnavailable, choose_isolation
from autograder.errors import UserError
from autograder.gradebook import Gradebook, Pending, RunRow, now, owner_id
from autograder.kinds import kind_of
from autograder.kinds.base import SubmissionGrader


@dataclass
class GradeSummary:
    assignment: str
    graded: int = 0
    infra_errors: int = 0
    rejected: int = 0
    crashed: int = 0  # of the infrastructure errors, snapshots that failed identically CRASH_AFTER times
    skipped_claimed: int = 0
    seconds: float = 0.0
    isolation: set[str] = field(default_factory=set)
    flagged: int = 0  # students flagged for a TA after the batch (write-ups similar to another or to the prompt)
    scores: list[float] = field(default_factory=list)  # of the submissions graded in this batch


Outcome = tuple[str, GradeResult | None, str | None]  # (graded | infra-error | rejected, result, error)


def _grade_one(p: Pending, grader: SubmissionGrader, retries: int) -> Outcome:
    """(status, result, error): infrastructure failures are retried, a UserError is the submission's."""
    last = None
    for _ in range(retries + 1):
        try:
            result = grader.grade(p.snapshot, PurePosixPath(p.path).name)
        except UserError as exc:
            return "rejected", None, exc.render()
        if not result.infra_error:
            return "graded", result, None
        last = result
    return "infra-error", last, last.infra_error if last else "unknown"


CRASH_AFTER = 3  # identical infrastructure failures of one snapshot, in batches where others were graded


def _grader_works(book: Gradebook, assignment: Assignment, summary, grader: SubmissionGrader, data_dir: Path) -> bool:
    """Others were graded in this batch; else a submission graded before grades again now (a probe,
    nothing stored). A grader that grades nothing is down, and nothing is charged to the students."""
    if summary.graded:
        return True
    control = book.graded_snapshot(assignment.id, data_dir)
    if control is None:
        return False
    try:
        return not grader.grade(control[0], control[1]).infra_error
    except UserError:
        return False


def _crashed(book: Gradebook, assignment: Assignment, failed: list, summary, owner: str,
             grader: SubmissionGrader, data_dir: Path) -> None:
    """A snapshot that made the grader fail the same way CRASH_AFTER times, each time while the grader
    was working, is the submission's doing (it erased the harness's records, killed its own sandbox,
    …): scored as crashed with the reason, instead of "not graded yet" forever."""
    if not _grader_works(book, assignment, summary, grader, data_dir):
        return
    book.mark_while_others_graded([run_id for *_, run_id in failed if run_id is not None])
    for p, error, _ in failed:
        if book.identical_failures(p.submission_id, error) >= CRASH_AFTER:
            book.record_run(p.submission_id, RunRow(now(), now(), "rejected", error=(
                f"crashed: the sandbox failed the same way in {CRASH_AFTER} grading batches while other "
                f"submissions were graded ({error[:300]}) — scored 0; a TA can `grade --regrade` once the cause is "
                "known")), [], owner, only_if_ungraded=False)
            summary.crashed += 1


def open_grader(cfg: CourseConfig, assignment: Assignment) -> SubmissionGrader:
    """The batch's grader for this assignment's kind; problems that would fail every submission
    the same way stop the batch here, before anything is stored."""
    kind = kind_of(assignment)
    folder = cfg.path(assignment.folder)
    kind.check_folder(assignment, folder)
    limits = Limits.from_config(cfg.grading)
    measured = measured_limits(cfg, assignment)
    if measured:  # the reference's timings from `build` (notebook weeks)
        limits = dataclasses.replace(limits, case_limits=measured)
    if kind.runs_student_code:
        try:
            choose_isolation(limits.isolation, limits.container_engine)
        except SandboxUnavailable as exc:
            raise UserError(str(exc), where="grading.isolation in grader.yml") from None
        if cfg.grading.backend == "ray":
            from autograder.grade.ray_backend import RayGrader

            return RayGrader(cfg, assignment, limits)
    return kind.grader(assignment, folder, limits, warm=cfg.grading.warm_pool)


def grade_week(cfg: CourseConfig, assignment: Assignment, book: Gradebook, *, regrade: bool = False,
               workers: int | None = None, show_progress: bool = True, only: set[int] | None = None,
               grader: SubmissionGrader | None = None, executor: ThreadPoolExecutor | None = None) -> GradeSummary:
    """Grade what is pending (``only``: just those submission ids). A ``grader`` and ``executor``
    passed in (the watcher's: warm sandboxes live as long as the threads that started them) stay
    open afterwards, unless the batch is interrupted."""
    owned = grader is None
    grader = grader or open_grader(cfg, assignment)
    pending = book.pending(assignment.id, cfg.path(cfg.storage.data_dir), regrade=regrade)
    if only is not None:
        pending = [p for p in pending if p.submission_id in only]
    owner = owner_id()
    summary = GradeSummary(assignment.id)
    failed: list = []  # (pending, error) of this batch's infrastructure errors
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
            outcome = outcome or _grade_one(p, grader, cfg.grading.retries)
            done.append((p, *outcome, began))
        return done

    groups: dict[Path, list[Pending]] = {}
    for p in pending:
        groups.setdefault(p.snapshot, []).append(p)

    columns = (TextColumn(f"grading {assignment.id}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, disable=not show_progress) as progress, \
            (nullcontext(executor) if executor else ThreadPoolExecutor(max_workers=workers or cfg.grading.workers)) as pool:
        task = progress.add_task("grade", total=len(pending))
        futures = [pool.submit(job, group) for group in groups.values()]
        try:
            for fut in as_completed(futures):
                for p, status, result, error, began in fut.result():
                    progress.advance(task)
                    if status == "claimed":
                        summary.skipped_claimed += 1
                        continue
                    graded = status == "graded"
                    run = RunRow(began, now(), status, score=result.score if graded else None,
                                 max_score=result.max_score if result else None,
                                 isolation=result.isolation if result else None,
                                 seconds=round(result.seconds, 3) if result else None, error=error,
                                 notes=result.notes if graded else None)
                    run_id = book.record_run(p.submission_id, run, result.cases if graded else [], owner,
                                             only_if_ungraded=not regrade)
                    if graded:
                        summary.scores.append(result.score)
                    if result and result.isolation:
                        summary.isolation.add(result.isolation)
                    summary.graded += status == "graded"
                    summary.infra_errors += status == "infra-error"
                    if status == "infra-error":
                        failed.append((p, error or "unknown", run_id))
                    summary.rejected += status == "rejected"
            if failed:
                _crashed(book, assignment, failed, summary, owner, grader, cfg.path(cfg.storage.data_dir))
        except KeyboardInterrupt:  # also the watcher's SIGTERM: abandon, and kill the sandboxes now
            for f in futures:
                f.cancel()
            owned = True
            raise
        finally:
            if owned:
                grader.close()
    summary.flagged = kind_of(assignment).after_batch(cfg, assignment, book)
    summary.seconds = time.monotonic() - start
    return summary
