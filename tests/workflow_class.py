"""A small class submitting week 2 through git, for the collection and term tests: its roster,
course file, repositories and pushes, and runs recorded without grading."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat

from autograder import config
from autograder.demo import _git
from autograder.gradebook import Gradebook, RunRow
from autograder.report.finals import final_scores

ROSTER = {"19001": "박세훈", "19002": "김민지", "19003": "이준호", "19004": "최서연", "19005": "강하늘",
          "19006": "정우진"}
NOTEBOOK = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])).encode()


def _course(root: Path, *, policy: str = "first_seen", bank: int = 0, sources: str | None = None,
            roster_extra: dict[str, str] | None = None) -> config.CourseConfig:
    rows = ["student_id,name,cohort,git_user,repo"]
    for sid, name in ROSTER.items():
        rows.append(f"{sid},{name},19,user{sid},{(roster_extra or {}).get(sid, '')}")
    (root / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "week02").mkdir(exist_ok=True)
    (root / "grader.yml").write_text(f"""course: {{name: workflow, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions:
{sources or f"  - {{kind: class_repo, url: {root / 'class'}, branch: main}}"}
assignments:
  - {{id: week02, week: 2, title: loss, folder: week02, due: 2026-07-14T23:59:00, points: 20}}
late_policy: {{grace_minutes: 15, penalty_per_day: 0.1, max_late_days: 3, time_source: {policy}, bank_days: {bank}}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
""", encoding="utf-8")
    return config.load(root / "grader.yml")


def _repo(path: Path) -> Path:
    path.mkdir(parents=True)
    _git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("submissions\n")
    _git(path, "add", "-A")
    _git(path, "commit", "-qm", "start", when="2026-07-07T10:00:00+09:00")
    return path


def _push(repo: Path, name: str, when: str, *, data: bytes = NOTEBOOK, author: str = "student") -> None:
    (repo / name).write_bytes(data)
    _git(repo, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@example.edu",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": f"{author}@example.edu",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", name], check=True, capture_output=True, env=env)


def _score_all(cfg: config.CourseConfig, book: Gradebook, score: float = 20.0) -> None:
    """Record a graded run of ``score`` for every stored submission (grading is tested elsewhere)."""
    for p in book.pending("week02", cfg.path(cfg.storage.data_dir)):
        book.record_run(p.submission_id, RunRow("t", "t", "graded", score=score, max_score=20.0, isolation="test",
                                                seconds=0.0), [], "test", only_if_ungraded=True)


def _file(name: str) -> str:
    return f"2주차 과제_19기 {name}.ipynb"


def _finals(cfg, book) -> dict[str, tuple]:
    f = final_scores(cfg, book)
    return {r.name: (r.score, r.late_days, r.status) for r in f.itertuples()}
