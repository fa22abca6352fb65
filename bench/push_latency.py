"""Benchmark: how soon a push gets feedback under ``autograder watch``, and what watching costs idle.

N students (default 16), each with a bare repository, push 1–2 versions of week 2 at random moments
over 90 s while ``autograder watch --every 10`` runs in its own process. For every push it measures
the time until the student's ``feedback`` branch names that commit (or a later one of theirs: two
quick pushes may be graded as one). Then: one idle polling cycle over 30 and 300 repositories (every
listing already read through), against a baseline of plain sequential ``git ls-remote`` calls over
the same repositories, and the watcher's CPU use over 30 s idle.

    .venv/bin/python bench/push_latency.py [--students 16] [--seconds 90] [--every 10] [--seed 1]

Goals on the 2-core CI machine: p95 ≤ 60 s for week 2; an idle cycle over 300 repositories ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import config, gitcli  # noqa: E402
from autograder.build import build_week  # noqa: E402
from autograder.demo import GLOBAL_MAX_SOFTMAX  # noqa: E402
from autograder.notebooks import with_functions  # noqa: E402
from autograder.watch import Watcher  # noqa: E402

QUESTIONS = ("{softmax: 4, log_softmax: 2.5, cross_entropy: 5, mse_loss: 2.5, gaussian_nll: 2, bernoulli_nll: 1.5, "
             "softmax_ce_grad: 2.5}")


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.edu",
                               "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.edu"}).stdout.strip()


def course(root: Path, students: int, every: float) -> config.CourseConfig:
    rows = ["student_id,name,cohort,git_user"] + [f"{19001 + i},학생{i:03d},19,user{i:03d}" for i in range(students)]
    (root / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "grader.yml").write_text(f"""course: {{name: push latency, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions:
  - {{kind: student_repos, url: '{root / 'repos'}/{{git_user}}.git', parallel: 8}}
assignments:
  - {{id: week02, week: 2, title: loss, folder: {ROOT / 'assignments' / 'week02_softmax'}, due: 2030-07-14T23:59:00,
     questions: {QUESTIONS}, points: 20}}
grading: {{workers: 2, timeout_s: 120, case_timeout_s: 10}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
build: {{output: build, templates: templates}}
watch: {{every_s: {every}, max_graded_per_hour: 10}}
""", encoding="utf-8")
    return config.load(root / "grader.yml")


def bare_repos(root: Path, count: int) -> list[Path]:
    """``count`` bare repositories, each with a first commit on main (one seed clone pushed to each)."""
    seed = root / "seed"
    seed.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=seed)
    (seed / "README.md").write_text("submissions\n")
    git("add", "-A", cwd=seed)
    git("commit", "-qm", "start", cwd=seed)
    out = []
    for i in range(count):
        bare = root / "repos" / f"user{i:03d}.git"
        git("init", "-q", "--bare", "-b", "main", str(bare))
        git("push", "-q", str(bare), "main", cwd=seed)
        out.append(bare)
    return out


def feedback_names(bare: Path) -> str:
    shown = subprocess.run(["git", "-C", str(bare), "show", "feedback:feedback/week02.md"], capture_output=True)
    return shown.stdout.decode("utf-8", "replace") if shown.returncode == 0 else ""


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def latency(root: Path, args) -> None:
    root.mkdir(parents=True)
    cfg = course(root, args.students, args.every)
    print("building week02 (otter assign) …", flush=True)
    built = build_week(cfg, cfg.assignment("week02"))
    solution = nbformat.read(str(built.solution), as_version=4)
    buggy = with_functions(solution, {"softmax": GLOBAL_MAX_SOFTMAX})
    repos = bare_repos(root, args.students)
    clones = []
    for i, bare in enumerate(repos):
        clone = root / "clones" / f"s{i:03d}"
        git("clone", "-q", str(bare), str(clone))
        clones.append(clone)
    rng = random.Random(args.seed)
    plan = sorted((rng.uniform(0, args.seconds), i) for i in range(args.students)
                  for _ in range(rng.choice((1, 2))))
    watcher = subprocess.Popen([sys.executable, "-m", "autograder", "watch", "--every", str(args.every), "-c",
                                str(root / "grader.yml")], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "250"})
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(watcher.stdout), daemon=True).start()
    status = cfg.path(cfg.storage.data_dir) / "watch" / "status.txt"
    while not (status.exists() and "last cycle: 20" in status.read_text()):  # first (empty) cycle done
        time.sleep(0.2)
    pushes: list[dict] = []  # student, sha, pushed_at, answered_at
    done = threading.Event()

    def watch_feedback() -> None:
        """Read every feedback branch twice a second while students push (what a student would see)."""
        while not done.is_set():
            for i, bare in enumerate(repos):
                mine = [p for p in list(pushes) if p["student"] == i]
                if not mine or all(p["answered"] for p in mine):
                    continue
                text, seen = feedback_names(bare), time.monotonic()
                for k, p in enumerate(mine):
                    if p["answered"] is None and any(f"`{q['sha'][:7]}`" in text for q in mine[k:]):
                        p["answered"] = seen
            time.sleep(0.5)
    reader = threading.Thread(target=watch_feedback, daemon=True)
    reader.start()
    start = time.monotonic()
    for n, (at, i) in enumerate(plan):
        time.sleep(max(0.0, start + at - time.monotonic()))
        nb = nbformat.from_dict(buggy if n % 3 == 0 else solution)
        nb.metadata["push"] = n
        nbformat.write(nb, str(clones[i] / f"2주차 과제_19기 학생{i:03d}.ipynb"))
        git("add", "-A", cwd=clones[i])
        git("commit", "-qm", f"push {n}", cwd=clones[i])
        sha = git("rev-parse", "HEAD", cwd=clones[i])
        git("push", "-q", "origin", "main", cwd=clones[i])
        pushes.append({"student": i, "sha": sha, "at": time.monotonic(), "answered": None})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and any(p["answered"] is None for p in pushes):
        time.sleep(0.5)
    done.set()
    reader.join()
    cpu = idle_cpu(watcher, args.every)
    watcher.send_signal(signal.SIGTERM)
    watcher.wait(60)
    waits = [p["answered"] - p["at"] for p in pushes if p["answered"] is not None]
    missing = sum(p["answered"] is None for p in pushes)
    print(f"\npush → feedback, {len(pushes)} pushes by {args.students} students over {args.seconds} s, "
          f"watch --every {args.every:g}:")
    print(f"  p50 {pct(waits, 50):.1f} s   p95 {pct(waits, 95):.1f} s   max {max(waits):.1f} s   "
          f"(goal p95 ≤ 60 s: ratio {pct(waits, 95) / 60:.2f}); no feedback within 300 s: {missing}")
    print(f"  watcher CPU while idle: {cpu:.1f} % of one core over 30 s (polling every {args.every:g} s)")
    graded = sum(" graded " in ln for ln in lines)
    if args.log:
        Path(args.log).write_text("".join(lines), encoding="utf-8")
    print(f"  versions graded: {graded} (quick pushes may be graded as one)")


def idle_cpu(proc: subprocess.Popen, every: float, seconds: float = 30.0) -> float:
    """CPU of the watcher and its sandboxes over ``seconds`` of nothing new, in % of one core."""
    def total() -> float:
        p = psutil.Process(proc.pid)
        procs = [p, *p.children(recursive=True)]
        return sum(sum(x.cpu_times()[:2]) for x in procs if x.is_running())
    time.sleep(every)  # the cycle after the last publish
    before, t0 = total(), time.monotonic()
    time.sleep(seconds)
    return 100 * (total() - before) / (time.monotonic() - t0)


def idle_cycle(root: Path, count: int) -> tuple[float, float]:
    """(seconds of one idle watch cycle, seconds of sequential `git ls-remote` over the same repositories)."""
    cfg = course(root, count, 10)
    repos = bare_repos(root, count)
    watcher = Watcher(cfg, log=lambda line: None)
    watcher.cycle()  # reads every repository through once
    best = min(watcher.cycle().seconds for _ in range(3))
    t0 = time.perf_counter()
    for bare in repos:
        gitcli.run("ls-remote", "--symref", str(bare))
    return best, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--every", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="write the watcher's log here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        latency(Path(tmp) / "latency", args)
    print("\nidle cycle (nothing new; every listing read through):")
    for count in (30, 300):
        with tempfile.TemporaryDirectory() as tmp:
            cycle, baseline = idle_cycle(Path(tmp), count)
        print(f"  {count:>3} repositories: {cycle:.2f} s (baseline: sequential ls-remote {baseline:.2f} s, "
              f"ratio {cycle / baseline:.2f}; goal for 300 ≤ 5 s)")


if __name__ == "__main__":
    main()
