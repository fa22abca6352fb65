"""`autograder watch`: a push gets feedback naming its commit; quick pushes, the rate limit, the
deadline, an unreachable repository, one watcher per course, SIGTERM and kill -9."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from sqlalchemy import func, select

from autograder import config
from autograder.demo import _git
from autograder.errors import UserError
from autograder.gradebook import Gradebook, runs, submissions
from autograder.watch import Watcher
from autograder.watch.lock import WatchLock
from tests.conftest import PROJECT
from autograder.casekit.proof import with_definitions
from testkit.variants import mutants
from tests.workflow_class import _repo as _init_repo

NAMES = {"19001": "박세훈", "19002": "김민지", "19003": "이준호"}
DUE = "2030-07-14T23:59:00"
QUESTIONS = ("{softmax: 4, log_softmax: 2.5, cross_entropy: 5, mse_loss: 2.5, gaussian_nll: 2, bernoulli_nll: 1.5, "
             "softmax_ce_grad: 2.5}")


def _course(root: Path, *, per_hour: int = 4, shared: bool = False, missing: str | None = None) -> config.CourseConfig:
    rows = ["student_id,name,cohort,git_user"] + [f"{s},{n},19,user{s}" for s, n in NAMES.items()]
    (root / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    source = (f"{{kind: class_repo, url: '{root / 'class'}', branch: main}}" if shared
              else f"{{kind: student_repos, url: '{root / 'repos'}/{{git_user}}'}}")
    (root / "grader.yml").write_text(f"""course: {{name: watch test, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions:
  - {source}
assignments:
  - {{id: week02, week: 2, title: loss, folder: {PROJECT / 'assignments' / 'week02_softmax'}, due: {DUE},
     questions: {QUESTIONS}, points: 20}}
grading: {{workers: 1, timeout_s: 120, case_timeout_s: 10}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
watch: {{every_s: 1, max_graded_per_hour: {per_hour}, backoff_max_s: 5}}
""", encoding="utf-8")
    for sid in NAMES:
        if sid != missing and not shared:
            _init_repo(root / "repos" / f"user{sid}")
    if shared:
        _init_repo(root / "class")
    return config.load(root / "grader.yml")


def _push(repo: Path, sid: str, nb) -> str:
    """Commit the student's week 2 notebook; its sha."""
    name = f"2주차 과제_19기 {NAMES[sid]}.ipynb"
    nbformat.write(nb, str(repo / name))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", f"week 2 {time.time()}")
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _feedback(repo: Path) -> str | None:
    shown = subprocess.run(["git", "-C", str(repo), "show", "feedback:feedback/week02.md"], capture_output=True)
    return shown.stdout.decode() if shown.returncode == 0 else None


def _graded(cfg) -> dict[str, int]:
    """Commit → how many graded runs it has."""
    book = Gradebook(cfg.gradebook)
    with book.engine.connect() as conn:
        rows = conn.execute(select(submissions.c.commit_sha, func.count(runs.c.id))
                            .join(runs, runs.c.submission_id == submissions.c.id)
                            .where(runs.c.status == "graded").group_by(submissions.c.commit_sha)).all()
    return {sha: n for sha, n in rows}


def _repo(cfg, sid: str) -> Path:
    return cfg.root / "repos" / f"user{sid}"


@pytest.fixture()
def solution(built):
    return built.solution


def _variant(solution, n: int):
    """The same correct code as another commit (other bytes)."""
    nb = nbformat.from_dict(solution)
    nb.metadata["variant"] = n
    return nb


def _buggy(solution):
    return with_definitions(solution, mutants("week02")["softmax_no_shift"].changes)


def test_a_push_gets_feedback_naming_its_commit_and_quick_pushes_give_the_later_one(tmp_path, solution, need_git):
    cfg = _course(tmp_path)
    lines: list[str] = []
    watcher = Watcher(cfg, log=lines.append)
    try:
        sha = _push(_repo(cfg, "19001"), "19001", solution)
        first = watcher.cycle()
        assert (first.new, first.graded, first.published) == (1, 1, 1)
        text = _feedback(_repo(cfg, "19001"))
        assert text is not None and f"`{sha[:7]}`" in text and "**20 / 20**" in text
        assert "Hidden tests show their name" in text  # hidden_tests: hidden before the deadline
        assert _feedback(_repo(cfg, "19002")) is None  # nothing pushed, nothing published
        assert any(" seen " in ln and sha[:7] in ln for ln in lines)
        assert any(" graded " in ln and "20 / 20" in ln for ln in lines)

        idle = watcher.cycle()  # publishing to the feedback branch is not a new push
        assert (idle.changed, idle.new, idle.graded, idle.published) == (0, 0, 0, 0)

        early = _push(_repo(cfg, "19001"), "19001", _buggy(solution))
        later = _push(_repo(cfg, "19001"), "19001", _variant(solution, 2))
        quick = watcher.cycle()
        assert quick.graded == 1 and quick.published == 1
        text = _feedback(_repo(cfg, "19001"))
        assert f"`{later[:7]}`" in text and early[:7] not in text
        assert later in _graded(cfg)
    finally:
        watcher.close()


@pytest.fixture()
def limited(tmp_path, need_git):
    """One version per student per hour, and a clock the test moves: (cfg, clock, watcher)."""
    cfg = _course(tmp_path, per_hour=1)
    clock = {"at": dt.datetime.now(dt.timezone.utc)}
    watcher = Watcher(cfg, log=lambda line: None, clock=lambda: clock["at"])
    yield cfg, clock, watcher
    watcher.close()


def test_the_rate_limit_defers_a_version_says_until_when_and_grades_it_later(limited, solution):
    cfg, clock, watcher = limited
    repo = _repo(cfg, "19002")
    _push(repo, "19002", _buggy(solution))
    assert watcher.cycle().graded == 1
    second = _push(repo, "19002", solution)
    held = watcher.cycle()
    assert held.graded == 0 and held.queued == 1 and held.published == 1
    text = _feedback(repo)
    assert f"`{second[:7]}`" in text and "is queued and will be graded after" in text
    assert "at most 1 versions are graded per hour" in text
    clock["at"] += dt.timedelta(hours=1, minutes=1)  # the hour has passed
    later = watcher.cycle()
    assert later.graded == 1 and later.queued == 0
    text = _feedback(repo)
    assert "**20 / 20**" in text and "queued" not in text and f"`{second[:7]}`" in text


def test_past_the_deadline_the_limit_is_off_and_every_superseded_version_is_graded(limited, solution):
    cfg, clock, watcher = limited
    repo = _repo(cfg, "19003")
    _push(repo, "19003", _buggy(solution))
    watcher.cycle()
    skipped = _push(repo, "19003", _variant(solution, 1))
    watcher.cycle()  # collected, then queued
    last = _push(repo, "19003", solution)
    watcher.cycle()
    assert skipped not in _graded(cfg) and last not in _graded(cfg)
    clock["at"] = cfg.due(cfg.assignment("week02")) + dt.timedelta(minutes=1)
    after = watcher.cycle()
    assert after.graded == 2 and set(_graded(cfg)) >= {skipped, last}
    assert all(n == 1 for n in _graded(cfg).values())
    assert "**20 / 20**" in _feedback(repo) and f"`{last[:7]}`" in _feedback(repo)


def test_an_unreachable_repository_is_logged_and_the_others_still_get_feedback(tmp_path, solution, need_git):
    cfg = _course(tmp_path, missing="19003")
    lines: list[str] = []
    watcher = Watcher(cfg, log=lines.append)
    try:
        _push(_repo(cfg, "19001"), "19001", solution)
        c = watcher.cycle()
        assert c.graded == 1 and c.published == 1
        assert any(" error " in ln and "user19003" in ln and "retry in" in ln for ln in lines)
        status = (cfg.path(cfg.storage.data_dir) / "watch" / "status.txt")
        watcher.write_status("sleeping")
        assert "repositories failing: 1" in status.read_text() and "user19003" in status.read_text()
    finally:
        watcher.close()


def test_a_shared_class_repository_says_there_is_no_student_channel_and_writes_files(tmp_path, solution, need_git):
    cfg = _course(tmp_path, shared=True)
    lines: list[str] = []
    _push(tmp_path / "class", "19002", solution)
    Watcher(cfg, log=lines.append).run(once=True)
    assert any("no per-student channel" in ln for ln in lines)
    files = list((cfg.path(cfg.reports.output) / "feedback" / "week02").glob("*.md"))
    assert [f.name for f in files] == ["2주차 피드백_19002 김민지.md"]
    assert "**20 / 20**" in files[0].read_text(encoding="utf-8")


def test_a_second_watcher_names_the_one_that_holds_the_course(tmp_path):
    path = tmp_path / "watch.lock"
    with WatchLock(path):
        with pytest.raises(UserError) as err:
            with WatchLock(path):
                pass
    assert f"pid {os.getpid()}" in err.value.render()
    with WatchLock(path):  # released on exit
        pass


def _start(cfg) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "watch", "--every", "1", "-c",
                             str(cfg.root / "grader.yml")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=cfg.root, env={**os.environ, "COLUMNS": "250"})


def _slow(solution, seconds: float):
    """A correct notebook whose first cell takes ``seconds``: grading is in progress long enough to interrupt."""
    nb = nbformat.from_dict(solution)
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})"))
    return nb


def _wait_for_grading(cfg, proc: subprocess.Popen, limit: float = 90) -> list[psutil.Process]:
    status = cfg.path(cfg.storage.data_dir) / "watch" / "status.txt"
    end = time.monotonic() + limit
    while time.monotonic() < end:
        text = status.read_text() if status.exists() else ""
        if f"pid {proc.pid} " in text and "state: grading" in text:
            time.sleep(1.5)  # inside the sandbox by now
            return psutil.Process(proc.pid).children(recursive=True)
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.1)
    raise AssertionError("the watcher never started grading")


def _gone(procs: list[psutil.Process], limit: float = 10) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=limit)
    return [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_sigterm_stops_within_seconds_kill_9_resumes_and_nothing_is_graded_twice(tmp_path, solution, need_git):
    cfg = _course(tmp_path)
    sha = _push(_repo(cfg, "19001"), "19001", _slow(solution, 5))

    proc = _start(cfg)
    children = _wait_for_grading(cfg, proc)
    assert children, "grading runs in child processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert _gone(children) == [], "a sandbox outlived the killed watcher"
    assert sha not in _graded(cfg)

    proc = _start(cfg)  # resumes: the same version, graded once
    children = _wait_for_grading(cfg, proc)
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert time.monotonic() - began < 30 and proc.returncode == 0, out
    assert _gone(children) == [] and "stopped while grading" in out
    assert "state: stopped" in (cfg.path(cfg.storage.data_dir) / "watch" / "status.txt").read_text()

    lines: list[str] = []
    watcher = Watcher(cfg, log=lines.append)  # the next start, in this process
    try:
        watcher.run(once=True)
    finally:
        watcher.close()
    assert _graded(cfg) == {sha: 1}, lines
    text = _feedback(_repo(cfg, "19001"))
    assert text is not None and f"`{sha[:7]}`" in text and "**20 / 20**" in text
    assert sum(" published " in ln for ln in lines) == 1


def test_dry_run_says_what_a_cycle_would_do_and_changes_nothing(tmp_path, solution, need_git):
    cfg = _course(tmp_path, missing="19003")
    _push(_repo(cfg, "19001"), "19001", solution)
    out = subprocess.run([sys.executable, "-m", "autograder", "watch", "--dry-run", "-c", str(cfg.root / "grader.yml")],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "250"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "weeks watched: week02" in out.stdout and "would read 2 that changed" in out.stdout
    assert "unreachable" in out.stdout and "user19003" in out.stdout
    assert _feedback(_repo(cfg, "19001")) is None and Gradebook(cfg.gradebook).collected() == 0


@pytest.mark.skipif(os.environ.get("AUTOGRADER_FULL_WATCH") != "1",
                    reason="a second local Ray cluster (25 s); grade_week on Ray is tests/grade/test_ray_backend.py; "
                           "AUTOGRADER_FULL_WATCH=1 runs it")
def test_the_watcher_grades_through_ray_and_keeps_its_grader_between_cycles(tmp_path, solution, need_git):
    pytest.importorskip("ray")
    _course(tmp_path)
    path = tmp_path / "grader.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("grading: {workers: 1,", "grading: {backend: ray, workers: 1,"),
                    encoding="utf-8")
    cfg = config.load(path)
    watcher = Watcher(cfg, log=lambda line: None)
    try:
        _push(_repo(cfg, "19001"), "19001", _buggy(solution))
        assert watcher.cycle().graded == 1
        grader = watcher.graders["week02"]
        sha = _push(_repo(cfg, "19001"), "19001", solution)
        assert watcher.cycle().graded == 1 and watcher.graders["week02"] is grader
        assert type(grader).__name__ == "RayGrader"
        text = _feedback(_repo(cfg, "19001"))
        assert f"`{sha[:7]}`" in text and "**20 / 20**" in text
    finally:
        watcher.close()
