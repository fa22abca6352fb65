"""``autograder demo``: a throw-away class on week 2, then build → collect → grade → report.

The class repository is a real local git repository with commits dated around the deadline;
its students cover what a real week brings: correct, partially wrong, blank, late, badly
named, NFD-named, not on the roster, invalid JSON, and one hostile submission.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import config
from autograder.build import build_week
from autograder.regrade.request_file import write_template
from autograder.collect import collect_week
from autograder.feedback import write_feedback
from autograder.grade import grade_week
from autograder.gradebook import Gradebook
from autograder.notebooks import with_functions
from autograder.report import write_report

DUE = "2026-07-14T23:59:00"
ON_TIME = "2026-07-14T20:00:00+09:00"
LATE = "2026-07-16T10:00:00+09:00"  # 2 started days after the deadline + grace
BACKDATED = "backdated"  # committed with the date set to ON_TIME, pushed with the late ones
# when the demo's collector runs (as cron would around the deadline): commits reach the
# repository in two waves, and lateness follows when the collector first saw them
SCHEDULE = ("2026-07-14T21:00:00+09:00", "2026-07-16T10:30:00+09:00")
LATE_BRANCH = "late-pushes"

GLOBAL_MAX_SOFTMAX = '''def softmax(logits, dim=-1):
    exp = torch.exp(logits - logits.max())  # global max: breaks rows far below it
    return exp / exp.sum(dim=dim, keepdim=True)
'''
CE_SUM_AS_MEAN = '''def cross_entropy(logits, target, reduction='mean'):
    logp = log_softmax(logits, dim=1)
    losses = -logp[torch.arange(len(target)), target.long()]
    if reduction == 'none':
        return losses
    return losses.sum()  # forgot to divide by N for 'mean'
'''
NAIVE_LOG_SOFTMAX = '''def log_softmax(logits, dim=-1):
    return torch.log(softmax(logits, dim=dim))
'''
LIBRARY_CE = '''import torch.nn.functional as F
def cross_entropy(logits, target, reduction='mean'):
    return F.cross_entropy(logits, target.long(), reduction=reduction)
'''
MSE_NO_CHECK = '''def mse_loss(pred, target, reduction='mean'):
    sq = (pred - target) ** 2
    return {'mean': sq.mean(), 'sum': sq.sum(), 'none': sq}[reduction]
'''
HOSTILE_CE_GRAD = '''import os, sys, torch
torch.allclose = lambda *a, **k: True          # try to fool in-process tests
__builtins__["open"] if isinstance(__builtins__, dict) else None
def softmax_ce_grad(logits, target):
    sys.setprofile(None)                           # switch run-time checks off (listed for review)
    for root in ("/work", "/root", os.getcwd()):
        try:
            os.listdir(root)                           # look for hidden tests
        except OSError:
            pass
    while True:                                        # and never return
        pass
'''

# (student_id, name, on roster?, what they submit, file name style, when)
STUDENTS = [
    ("19001", "박세훈", True, "correct", "canonical", ON_TIME),
    ("19002", "김민지", True, "partial-a", "canonical", ON_TIME),
    ("19003", "이준호", True, "blank", "canonical", ON_TIME),
    ("19004", "최서연", True, "correct", "canonical", LATE),
    ("19005", "정우진", True, "correct", "bad-name", ON_TIME),
    ("19006", "강하늘", True, "correct", "nfd", ON_TIME),
    ("-", "윤지아", False, "correct", "canonical", ON_TIME),
    ("19007", "임도윤", True, "invalid-json", "canonical", ON_TIME),
    ("19008", "한유나", True, "partial-b", "canonical", ON_TIME),
    ("19009", "오지훈", True, "partial-c", "tolerated", ON_TIME),
    ("19010", "서예린", True, "hostile", "canonical", ON_TIME),
    ("19011", "신동현", True, None, "canonical", ON_TIME),  # never submits
    ("19012", "문채원", True, "correct", "canonical", BACKDATED),  # forged commit date
]


@dataclass
class DemoResult:
    workdir: Path
    report_html: Path
    report_csv: Path
    cfg: config.CourseConfig


def _file_name(name: str, style: str) -> str:
    if style == "bad-name":
        return f"2주차_{name}_final.ipynb"
    if style == "nfd":
        return unicodedata.normalize("NFD", f"2주차 과제_19기 {name}.ipynb")
    if style == "tolerated":
        return f"2주차과제_19기{name}.ipynb"
    return f"2주차 과제_19기 {name}.ipynb"


def _content(kind: str | dict[str, str], solution, template) -> bytes:
    """A submission of one of the demo's kinds, or the solution with ``{function: source}`` replaced."""
    if isinstance(kind, dict):
        return nbformat.writes(with_functions(solution, kind)).encode("utf-8")
    variants = {
        "partial-a": {"softmax": GLOBAL_MAX_SOFTMAX, "cross_entropy": CE_SUM_AS_MEAN},
        "partial-b": {"log_softmax": NAIVE_LOG_SOFTMAX, "cross_entropy": LIBRARY_CE},
        "partial-c": {"mse_loss": MSE_NO_CHECK},
        "hostile": {"softmax_ce_grad": HOSTILE_CE_GRAD},
    }
    if kind == "invalid-json":
        return b'{"cells": [ {"cell_type": "code", "source": "def softmax(x'  # truncated by a bad merge
    nb = template if kind == "blank" else solution
    if kind in variants:
        nb = with_functions(solution, variants[kind])
    return nbformat.writes(nb).encode("utf-8")


def _git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "student", "GIT_AUTHOR_EMAIL": "student@example.edu",
           "GIT_COMMITTER_NAME": "student", "GIT_COMMITTER_EMAIL": "student@example.edu"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _write_course(work: Path, project: Path, students: list[tuple]) -> Path:
    roster = ["student_id,name,cohort,git_user"] + [f"{sid},{name},19," for sid, name, on, *_ in students if on]
    (work / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    course = f"""course:
  name: "데모 반 / Demo class (19기)"
  timezone: Asia/Seoul
  cohort: 19
roster: roster.csv
submissions:
  - kind: class_repo
    url: {work / 'class-repo'}
    branch: main
assignments:
  - id: week02
    week: 2
    title: "수학 복습과 손실 함수 / Math review & loss"
    folder: {project / 'assignments' / 'week02_softmax'}
    due: {DUE}
    points: 20
late_policy: {{grace_minutes: 15, penalty_per_day: 0.1, max_late_days: 3}}
grading: {{workers: 2, timeout_s: 120, case_timeout_s: 5}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
build: {{output: build, templates: student_templates}}
"""
    path = work / "grader.yml"
    path.write_text(course, encoding="utf-8")
    return path


def make_class(work: Path, project: Path, say=print, students: list[tuple] = STUDENTS) -> config.CourseConfig:
    """The course folder and its class repository, with one commit per submission: on-time
    pushes on ``main``, later ones waiting on a branch until ``collect_on_schedule`` pushes them."""
    cfg = config.load(_write_course(work, project, students))
    say("1/4 build: otter assign + self-check (reference = full marks, blank template = 0)")
    built = build_week(cfg, cfg.assignment("week02"))
    week = cfg.assignment("week02")  # the regrade request form goes out with the template, as `build` does
    write_template(cfg.path(cfg.build.templates) / week.id, week.week, week.title, cfg.course.cohort)
    solution = nbformat.read(str(built.solution), as_version=4)
    template = nbformat.read(str(built.template), as_version=4)
    repo = work / "class-repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("19기 과제 제출 저장소 / class submissions\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "start", when="2026-07-07T10:00:00+09:00")
    waves = ([s for s in students if s[5] == ON_TIME], [s for s in students if s[5] != ON_TIME])
    for n, wave in enumerate(waves):
        if n == 1:
            _git(repo, "checkout", "-q", "-b", LATE_BRANCH)
        for sid, name, _, kind, style, when in wave:
            if kind is None:
                continue
            folder = repo / "week02"
            folder.mkdir(exist_ok=True)
            (folder / _file_name(name, style)).write_bytes(_content(kind, solution, template))
            _git(repo, "add", "-A")
            _git(repo, "commit", "-qm", f"{name} 2주차 제출", when=ON_TIME if when == BACKDATED else when)
    _git(repo, "checkout", "-q", "main")
    return cfg


def collect_on_schedule(cfg: config.CourseConfig, book: Gradebook):
    """Collect as cron would: once before the deadline, then again after the late pushes."""
    repo = cfg.path(cfg.submissions[0].url)
    week = cfg.assignment("week02")
    first = collect_week(cfg, week, book, seen_at=SCHEDULE[0])
    _git(repo, "merge", "-q", "--ff-only", LATE_BRANCH)  # the late pushes arrive
    second = collect_week(cfg, week, book, seen_at=SCHEDULE[1])
    return first, second


def run_demo(project: Path, workdir: Path | None = None, say=print, show_progress: bool = True) -> DemoResult:
    work = Path(workdir or tempfile.mkdtemp(prefix="autograder-demo-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    cfg = make_class(work, project, say)
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week02")
    say(f"2/4 collect: class repository → snapshots, as scheduled at {SCHEDULE[0]} and {SCHEDULE[1]}")
    first, second = collect_on_schedule(cfg, book)
    say(f"    {len(first.accepted) + second.new} versions stored, {len(first.issues) + len(second.issues)} problems listed")
    say("3/4 grade: sandboxed, verdicts decided outside the student's process")
    summary = grade_week(cfg, week, book, show_progress=show_progress)
    say(f"    {summary.graded} graded in {summary.seconds:.1f} s; isolation: {', '.join(sorted(summary.isolation))}")
    say("4/4 report and feedback")
    files = write_report(cfg, book)
    feedback = write_feedback(cfg, week, book)
    say(f"    {len(feedback.files)} feedback files in {feedback.folder}")
    return DemoResult(work, files.html, files.class_csv, cfg)
