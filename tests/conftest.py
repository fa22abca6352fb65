"""Shared fixtures: a built week 2 (template, solution, cases) in a temporary course."""

from __future__ import annotations

import json
from datetime import date, timedelta
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock
import yaml

from autograder import config
from autograder.build import build_week
from autograder.casekit.loader import load_cases
from autograder.engine import GradeResult

PROJECT = Path(__file__).resolve().parent.parent
WEEK02 = PROJECT / "assignments" / "week02_softmax"
# coded weeks: id → (folder under assignments/, points)
WEEKS = {"week02": ("week02_softmax", 20), "week03": ("week03_backprop", 25), "week04": ("week04_regularization", 25),
         "week05": ("week05_cnn", 25), "week06": ("week06_nlp", 25)}


def _assignments() -> str:
    """The coded weeks with the points per question the project's grader.yml states, their folders
    made absolute and dates in the test course's summer (``points: N}`` ends each row: tests edit it)."""
    stated = {a["id"]: a for a in yaml.safe_load((PROJECT / "grader.yml").read_text(encoding="utf-8"))["assignments"]}
    rows = []
    for wid, (folder, points) in WEEKS.items():
        if (PROJECT / "assignments" / folder).is_dir():
            questions = ", ".join(f"{q}: {v:g}" for q, v in stated.get(wid, {}).get("questions", {}).items())
            rows.append(f"  - {{id: {wid}, week: {int(wid[-2:])}, title: {folder}, folder: {PROJECT / 'assignments' / folder}, "
                        f"due: {date(2026, 6, 30) + timedelta(weeks=int(wid[-2:]))}T23:59:00, "
                        f"questions: {{{questions}}}, points: {points}}}")
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
    test process already made in ``root`` (``built.pickle``) is read instead of built again."""

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


def _shared_build(tmp_path_factory, week: str) -> Built:
    """A week built once for the whole test run: under pytest-xdist the workers share the build
    folder (the run's base temp) and a lock, so each week's otter assign runs once, not per worker."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    root = base / f"course-{week}"
    with FileLock(str(root) + ".lock"):
        root.mkdir(exist_ok=True)
        return Built(root, week)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    return _shared_build(tmp_path_factory, "week02")


@pytest.fixture(scope="session")
def build_of(tmp_path_factory):
    """build_of("week03") → that week built once per test run."""
    done: dict[str, Built] = {}

    def get(week: str) -> Built:
        if week not in done:
            done[week] = _shared_build(tmp_path_factory, week)
        return done[week]
    return get


@pytest.fixture(scope="session")
def need_git():
    if not shutil.which("git"):
        pytest.skip("git is not installed")


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


@pytest.fixture(scope="session")
def warm_runner():
    """warm_runner(limits) → a warm sandbox runner for grade_notebook (one per worker thread,
    shared by the session), or None where bubblewrap is missing; the one-shot path stays covered
    by the build self-check and the hostile suite."""
    from autograder.engine.pool import SandboxPool

    pools: dict = {}

    def get(limits):
        if not SandboxPool.usable(limits):
            return None
        if limits not in pools:
            pools[limits] = SandboxPool(limits)
        return pools[limits].run
    yield get
    for pool in pools.values():
        pool.close()


class PostgresServer:
    """A throw-away PostgreSQL server on 127.0.0.1 (initdb + pg_ctl), one per test session."""

    def __init__(self, bin_dir: Path):
        import socket
        import tempfile

        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="ag-pg-"))
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:  # initdb refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run("initdb", "-D", str(self.root / "data"), "-U", "grader", "--auth=trust", "-E", "UTF8")
        self._run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "log"), "-w", "start", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off")
        self.url = f"postgresql://grader@127.0.0.1:{self.port}"
        self._count = 0

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / tool), *args], check=True, capture_output=True)

    def database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its URL."""
        import psycopg

        self._count += 1
        name = f"gradebook_{self._count}"
        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return f"{self.url}/{name}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    """PostgreSQL for the gradebook tests (`make test` installs it with apt where it can)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    server = PostgresServer(found[-1].parent)
    yield server
    server.stop()
