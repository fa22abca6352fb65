"""Shared fixtures: each week built once per run in a temporary course (testkit.course), a warm
sandbox, a PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock

from testkit.course import (PROJECT, WEEKS, Built, commit_files, otter_points, per_question,  # noqa: F401 (shared)
                             write_course)


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
