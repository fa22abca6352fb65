"""A temporary course for tests and benchmarks: the project's coded weeks (each notebook week with a
proof, ``assignments/weekNN_*/mutants.py``), read from the project's grader.yml — the one list of
weeks — with folders made absolute and dates in the test course's summer."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import nbformat
import yaml

from autograder import config
from autograder.build import build_week
from autograder.casekit.loader import load_cases
from autograder.casekit.proof import has_proof
from autograder.engine import GradeResult

PROJECT = Path(__file__).resolve().parent.parent


def _stated() -> list[dict]:
    return yaml.safe_load((PROJECT / "grader.yml").read_text(encoding="utf-8"))["assignments"]


# coded weeks: id → (folder under assignments/, points), in grader.yml's order
WEEKS: dict[str, tuple[str, float]] = {
    a["id"]: (Path(a["folder"]).name, a["points"]) for a in _stated()
    if a.get("kind", "notebook") == "notebook" and has_proof(PROJECT / a["folder"])}


def _assignments() -> str:
    """The coded weeks with the points per question grader.yml states (``points: N}`` ends each
    row: tests edit it)."""
    stated = {a["id"]: a for a in _stated()}
    rows = []
    for wid, (folder, points) in WEEKS.items():
        questions = ", ".join(f"{q}: {v:g}" for q, v in stated[wid].get("questions", {}).items())
        rows.append(f"  - {{id: {wid}, week: {int(wid[-2:])}, title: {folder}, folder: {PROJECT / 'assignments' / folder}, "
                    f"due: {date(2026, 6, 30) + timedelta(weeks=int(wid[-2:]))}T23:59:00, "
                    f"questions: {{{questions}}}, points: {points:g}}}")
    return "\n".join(rows)


def write_course(folder: Path, *, repo: Path | None = None, extra: str = "") -> Path:
    (folder / "roster.csv").write_text("student_id,name,cohort,git_user\n19001,박세훈,19,\n19002,김민지,19,\n",
                                       encoding="utf-8")
    path = folder / "grader.yml"
    path.write_text(f"""course: {{name: test class, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions:
  - kind: class_repo
    url: {repo or folder / 'class-repo'}
assignments:
{_assignments()}
grading: {{workers: 2, timeout_s: 120, case_timeout_s: 5}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
build: {{output: build, templates: templates}}
{extra}""", encoding="utf-8")
    return path


class Built:
    """One week built (otter assign + self-check) in a temporary course; a build that another
    process already made in ``root`` (``built.pickle``) is read instead of built again."""

    def __init__(self, root: Path, week: str = "week02"):
        saved = root / "built.pickle"
        if saved.exists():
            self.cfg = config.load(root / "grader.yml")
            self.week = self.cfg.assignment(week)
            self.result = pickle.loads(saved.read_bytes())
        else:
            self.cfg = config.load(write_course(root))
            self.week = self.cfg.assignment(week)
            self.result = build_week(self.cfg, self.week)
            saved.write_bytes(pickle.dumps(self.result))
        self.solution = nbformat.read(str(self.result.solution), as_version=4)
        self.template = nbformat.read(str(self.result.template), as_version=4)
        self.cases = load_cases(self.cfg.path(self.week.folder), self.week.questions)
        self.root = root


def commit_files(repo: Path, files: dict[str, bytes], when: str, message: str = "submissions") -> None:
    """A new repository at ``repo`` holding ``files`` (name → bytes) in one commit dated ``when``."""
    from autograder.demo import _git

    repo.mkdir(parents=True, exist_ok=True)
    _git(repo, "init", "-q", "-b", "main")
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", message, when=when)


def otter_points(autograder_zip: Path, notebook: Path, tmp_path: Path, python: str = sys.executable) -> dict[str, float]:
    """Points per question from plain ``otter run`` (the comparison path)."""
    out = tmp_path / f"otter-{notebook.stem}"
    out.mkdir()
    proc = subprocess.run([python, "-m", "otter", "run", "-a", str(autograder_zip),
                           str(notebook), "-o", str(out)], capture_output=True, cwd=tmp_path, timeout=400,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})  # two graders on 2 cores: no thread thrash
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: float(t["score"]) for t in tests if "score" in t and t["name"] != "Public Tests"}


def per_question(result: GradeResult) -> dict[str, float]:
    """The engine's points summed per otter question (the case id's prefix)."""
    out: dict[str, float] = {}
    for c in result.cases:
        q = c.case_id.split("/")[0]
        out[q] = out.get(q, 0.0) + c.points
    return out
