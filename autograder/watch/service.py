"""The watcher's loop: poll → collect what changed → grade newest versions → publish feedback.

Every step is derived from the gradebook, so the loop can stop anywhere: SIGTERM/SIGINT between
steps ends it at the next check; during grading it abandons the submission being graded (its
sandboxes are killed, nothing of it is stored) and that version is graded on the next start. A
kill -9 leaves at most an unfinished claim, which the next start takes over."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import threading
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from autograder.collect.api import collect_week, source_parallelism, source_urls
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.feedback import write_feedback
from autograder.feedback.publish import publish_feedback
from autograder.gradebook import Deadlines, Gradebook, watch_sources
from autograder.regrade.store import released
from autograder.watch import outbox, queue
from autograder.watch.lock import WatchLock
from autograder.watch.poll import Backoff, listing

from sqlalchemy import delete, insert, select


class Stopping(KeyboardInterrupt):
    """SIGTERM/SIGINT while grading: unwinds the batch (which kills its sandboxes)."""


def _utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _stamp(at: dt.datetime | None = None) -> str:
    return (at or _utc()).isoformat(timespec="seconds")


@dataclass
class Cycle:
    """One poll's figures, for the status file."""

    started: str = ""
    seconds: float = 0.0
    polled: int = 0
    changed: int = 0
    new: int = 0
    graded: int = 0
    published: int = 0
    queued: int = 0  # versions waiting for the rate limit
    errors: list[str] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step (poll, collect, grade, publish)

    def timed(self, step: str, began: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + time.monotonic() - began


class Watcher:
    def __init__(self, cfg: CourseConfig, weeks: list[str] | None = None, *, every: float | None = None,
                 log: Callable[[str], None] = print, clock: Callable[[], dt.datetime] = _utc):
        self.cfg = cfg
        self.book = Gradebook(cfg.gradebook)
        self.weeks = [cfg.assignment(w) for w in weeks] if weeks else None
        self.every = every or cfg.watch.every_s
        self.log = log
        self.clock = clock  # the deadline side of the rate limit and of feedback (tests move it)
        self.stop = threading.Event()
        self.backoff = Backoff(self.every, cfg.watch.backoff_max_s)
        self.data = cfg.path(cfg.storage.data_dir) / "watch"
        self.data.mkdir(parents=True, exist_ok=True)
        self.status_path = self.data / "status.txt"
        self.graders: dict[str, object] = {}
        self.executor: ThreadPoolExecutor | None = None  # grading threads kept across cycles (warm sandboxes)
        self.grading = False
        self.last = Cycle()
        self.errors: list[str] = []  # the last ten, for the status file
        self.started = _stamp()
        self.per_student = any(s.kind == "student_repos" for s in cfg.submissions)
        self._said: set[str] = set()  # publish failures already logged (one line each, not one per cycle)

    # -- events ---------------------------------------------------------------------------------
    def event(self, kind: str, text: str) -> None:
        """One line per event: seen, graded, queued, published, error, …"""
        line = f"{_stamp()} {kind:<9} {text}"
        self.log(line)
        if kind == "error":
            self.last.errors.append(text)
            self.errors = (self.errors + [f"{_stamp()} {text}"])[-10:]
        try:
            with open(self.data / "watch.log", "a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError:
            pass

    def write_status(self, state: str) -> None:
        c = self.last
        text = (f"watcher: pid {os.getpid()} on {socket.gethostname()}, since {self.started}\n"
                f"state: {state}\n"
                f"weeks: {', '.join(a.id for a in self.active()) or '(none open)'}\n"
                f"poll every: {self.every:g} s\n"
                f"last cycle: {c.started or '—'} took {c.seconds:.1f} s; {c.polled} repositories polled, "
                f"{c.changed} changed, {c.new} new versions, {c.graded} graded, {c.published} feedback published\n"
                f"queue: {c.queued} version(s) waiting for the rate limit\n"
                f"repositories failing: {self.backoff.failing}\n"
                f"errors (last 10):\n" + ("".join(f"  {e}\n" for e in self.errors) or "  none\n"))
        tmp = self.status_path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.status_path)  # a TA's `cat` never reads half a file

    # -- what is watched ------------------------------------------------------------------------
    def active(self) -> list[Assignment]:
        """The weeks asked for, else every assignment that can still take a version or a regrade
        request (feedback given within ``regrades.window_days``)."""
        if self.weeks is not None:
            return self.weeks
        at = self.clock()
        longest = max([e["days"] for e in self.book.extensions()] + [0])
        slack = dt.timedelta(days=self.cfg.late_policy.max_late_days + longest + 1)
        window = dt.timedelta(days=self.cfg.regrades.window_days)
        return [a for a in self.cfg.assignments if at <= self.cfg.due(a) + slack
                or any(at <= dt.datetime.fromisoformat(t) + window for t in released(self.book, a.id).values())]

    # -- the loop -------------------------------------------------------------------------------
    def run(self, once: bool = False) -> None:
        with WatchLock(self.data / "watch.lock"), self._signals():
            self.event("start", f"weeks {', '.join(a.id for a in self.active()) or '(none open)'}, every "
                                f"{self.every:g} s, at most {self.cfg.watch.max_graded_per_hour} versions graded per "
                                f"student per hour before a deadline; status: {self.status_path}")
            if not self.per_student:
                self.event("note", "submissions come from a shared class repository: there is no per-student channel "
                                   "to publish feedback to, so it is written under "
                                   f"{self.cfg.path(self.cfg.reports.output) / 'feedback'} only (per-student "
                                   "repositories, `kind: student_repos`, get it on their `feedback` branch)")
            try:
                while not self.stop.is_set():
                    began = time.monotonic()
                    try:
                        self.cycle()
                    except Stopping:
                        self.event("stop", "stopped while grading: that version is graded on the next start")
                        break
                    if once:
                        break
                    self.write_status("sleeping")
                    self.stop.wait(max(0.0, self.every - (time.monotonic() - began)))
            finally:
                self.close()
                self.write_status("stopped")
                self.event("stop", "watcher stopped")

    def close(self) -> None:
        for grader in self.graders.values():
            try:
                grader.close()
            except Exception:  # noqa: BLE001 - closing is best effort; the sandboxes die with us anyway
                pass
        self.graders.clear()
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def _signals(self):
        watcher = self

        class _Handlers:
            def __enter__(self):
                self.old = {s: signal.signal(s, self.handle) for s in (signal.SIGTERM, signal.SIGINT)}

            def handle(self, signum, frame):
                watcher.stop.set()
                if watcher.grading:
                    raise Stopping()

            def __exit__(self, *exc):
                for s, h in self.old.items():
                    signal.signal(s, h)
        return _Handlers()

    def cycle(self) -> Cycle:
        self.last = Cycle(started=_stamp())
        began = time.monotonic()
        self.write_status("polling")
        weeks = self.active()
        t = time.monotonic()
        changed = self.poll()
        self.last.timed("poll", t)
        for a in weeks:
            if self.stop.is_set():
                break
            if changed:
                t = time.monotonic()
                self.collect(a, changed)
                self.last.timed("collect", t)
        if changed and not self.stop.is_set():
            self._remember(changed)
        for a in weeks:
            if self.stop.is_set():
                break
            t = time.monotonic()
            self.grade(a)
            self.last.timed("grade", t)
            if not self.stop.is_set():
                t = time.monotonic()
                self.publish(a)
                self.last.timed("publish", t)
        c = self.last
        c.seconds = time.monotonic() - began
        if c.changed or c.graded or c.published:
            self.event("cycle", f"{c.seconds:.1f} s (" + ", ".join(f"{k} {v:.1f}" for k, v in c.steps.items())
                                + f"): {c.changed} repositories changed, {c.new} new, {c.graded} graded, "
                                  f"{c.published} published, {c.queued} queued")
        return c

    # -- steps ----------------------------------------------------------------------------------
    def poll(self) -> dict[str, str]:
        """URL → new listing, for every repository whose listing differs from the one read through."""
        urls = source_urls(self.cfg)
        known = self.listings_read()
        todo = [u for u in urls if self.backoff.due(u)]

        def one(url: str):
            try:
                return url, listing(url), None
            except UserError as exc:
                return url, None, exc.render().splitlines()[0]
        changed = {}
        with ThreadPoolExecutor(source_parallelism(self.cfg)) as pool:
            for url, digest, error in pool.map(one, todo):
                if error:
                    wait = self.backoff.failed(url)
                    self.event("error", f"{url}: {error} (retry in {wait:.0f} s)")
                    continue
                self.backoff.ok(url)
                if known.get(url) != digest:
                    changed[url] = digest
        self.last.polled, self.last.changed = len(todo), len(changed)
        return changed

    def listings_read(self) -> dict[str, str]:
        """Source → the listing of it the watcher last read through."""
        with self.book.engine.connect() as conn:
            return dict(conn.execute(select(watch_sources.c.source, watch_sources.c.listing)).all())

    def collect(self, a: Assignment, changed: dict[str, str]) -> None:
        try:
            rep = collect_week(self.cfg, a, self.book, only=set(changed))
        except UserError as exc:
            self.event("error", f"{a.id}: collect: {exc.render()}")
            for url in list(changed):
                changed.pop(url)  # read again next cycle
            return
        for i in rep.issues:
            if i.kind == "unreachable-repo":
                changed.pop(i.path, None)
                self.backoff.failed(i.path)
            self.event("issue", f"{a.id} {i.kind} {i.path}: {i.detail[:200]}")
        for line in rep.regrades:
            self.event("regrade", f"{a.id} {line}")
        for row in rep.added:
            self.event("seen", f"{a.id} {row.student_id} {row.commit_sha[:7]} {row.path} (first seen {row.first_seen}"
                               f"{f', {row.late_days} d late' if row.late_days else ''})")
        self.last.new += len(rep.added)

    def _remember(self, changed: dict[str, str]) -> None:
        with self.book.engine.begin() as conn:
            for url, digest in changed.items():
                conn.execute(delete(watch_sources).where(watch_sources.c.source == url))
                conn.execute(insert(watch_sources).values(source=url, listing=digest, read_at=_stamp()))

    def _queue(self, a: Assignment) -> tuple[dict, queue.Plan, Deadlines]:
        at = self.clock()
        by_student = queue.versions(self.book, a.id)
        due = self.book.deadlines(a.id, self.cfg.due(a))
        recent = queue.recent_runs(self.book, a.id, at - queue.HOUR)
        return by_student, queue.plan(by_student, recent, due, at, self.cfg.watch.max_graded_per_hour), due

    def grade(self, a: Assignment) -> None:
        from autograder.grade.api import grade_week, open_grader

        by_student, plan, _ = self._queue(a)
        self.last.queued += len(plan.deferred)
        if not plan.grade:
            return
        try:
            grader = self.graders.get(a.id) or open_grader(self.cfg, a)
        except UserError as exc:
            self.event("error", f"{a.id}: cannot grade: {exc.render()}")
            return
        self.graders[a.id] = grader
        self.write_status(f"grading {a.id} ({len(plan.grade)} queued)")
        self.grading = True
        try:
            if self.stop.is_set():
                raise Stopping()
            self.executor = self.executor or ThreadPoolExecutor(self.cfg.grading.workers,
                                                                thread_name_prefix="watch-grade")
            grade_week(self.cfg, a, self.book, only=set(plan.grade), grader=grader, executor=self.executor,
                       show_progress=False)
        except Stopping:
            self.graders.pop(a.id, None)  # closed by the interrupted batch
            raise
        finally:
            self.grading = False
        after = queue.versions(self.book, a.id)
        for sid, mine in after.items():
            for v in mine:
                if v.submission_id in plan.grade:
                    if v.graded_run is not None:
                        self.last.graded += 1
                        self.event("graded", f"{a.id} {sid} {v.commit[:7]} {v.score:g} / {a.points:g}")
                    else:
                        self.event("error" if not v.rejected else "rejected",
                                   f"{a.id} {sid} {v.commit[:7]}: " + (v.rejected or "not graded (infrastructure "
                                                                                     "error; retried next cycle)"))

    def publish(self, a: Assignment) -> None:
        by_student, plan, due = self._queue(a)
        at = self.clock()
        have = outbox.published(self.book, a.id)
        todo: dict[str, outbox.Wanted] = {}
        for sid, mine in by_student.items():
            queued = plan.deferred.get(sid)
            want = outbox.wanted(mine, queued[1] if queued else None, at >= due[sid],
                                 self.cfg.watch.max_graded_per_hour, self.cfg.tz)
            if want is not None and have.get(sid) != want.state:
                todo[sid] = want
                if queued and not (have.get(sid) or "").endswith(f"queued:{queued[0]}"):
                    self.event("queued", f"{a.id} {sid} {mine[-1].commit[:7]} until {_stamp(queued[1])}")
        if not todo:
            return
        files = write_feedback(self.cfg, a, self.book, at=at, shown={s: w.run_id for s, w in todo.items()},
                               notices={s: w.notice for s, w in todo.items() if w.notice})
        if not self.per_student:
            for sid, w in todo.items():
                outbox.mark_published(self.book, a.id, sid, w.state, str(files.files[sid]))
                self.last.published += 1
                self.event("published", f"{a.id} {sid} {files.files[sid].name} (file only: shared class repository)")
            return
        for p in publish_feedback(self.cfg, a, {s: files.files[s] for s in todo}):
            if p.ok:
                outbox.mark_published(self.book, a.id, p.student_id, todo[p.student_id].state, p.detail)
                self.last.published += 1
                self.event("published", f"{a.id} {p.student_id} feedback/{a.id}.md on {p.repo} ({p.detail})")
            elif (key := f"{a.id}|{p.student_id}|{todo[p.student_id].state}|{p.detail}") not in self._said:
                self._said.add(key)
                self.event("error", f"{a.id} {p.student_id}: publish to {p.repo or '(no repository)'}: {p.detail} "
                                    "(retried every cycle)")

