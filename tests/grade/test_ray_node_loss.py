"""A Ray cluster that loses a machine mid-batch loses nothing: a head and two worker nodes, each its
own `ray start` (a raylet and its workers of their own), grade a class; as soon as one worker node
runs a submission it is killed with SIGKILL (raylet and workers). Every submission is graded
exactly once, none is stored as an infrastructure zero, and the batch finishes on the node left."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from autograder import config
from autograder.demo import ON_TIME, collect_on_schedule, make_class
from autograder.grade import grade_week
from autograder.gradebook import Gradebook, runs, submissions
from tests.conftest import PROJECT

psutil = pytest.importorskip("psutil")
pytest.importorskip("ray")

CLASS = [
    ("19001", "박세훈", True, "correct", "canonical", ON_TIME),
    ("19002", "김민지", True, "partial-a", "canonical", ON_TIME),
    ("19003", "이준호", True, "blank", "canonical", ON_TIME),
    ("19004", "최서연", True, "correct", "canonical", ON_TIME),
    ("19005", "강하늘", True, "partial-a", "canonical", ON_TIME),
    ("19006", "정우진", True, "correct", "canonical", ON_TIME),
]
EXPECTED = {"19001": 20.0, "19003": 0.0, "19004": 20.0, "19006": 20.0}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ours(temp: str) -> list:
    """Every process of this test's cluster: those that name its temp folder, and everything under them
    (Ray's agents rename themselves, so their command lines no longer say where they belong)."""
    found = {}
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any(temp in part for part in p.info["cmdline"] or []):
                for q in [p, *p.children(recursive=True)]:
                    found[q.pid] = q
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return list(found.values())


def _ray(*args: str) -> None:
    ray_cli = Path(sys.executable).with_name("ray")
    subprocess.run([str(ray_cli), "start", *args, "--disable-usage-stats"], check=True, capture_output=True,
                   timeout=120)


@pytest.fixture()
def cluster():
    temp = tempfile.mkdtemp(prefix="rt", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    port = _free_port()
    started: list = []
    try:
        _ray("--head", f"--port={port}", "--num-cpus=0", "--include-dashboard=false", f"--temp-dir={temp}")
        before = {p.pid for p in _ours(temp) if p.name() == "raylet"}
        for _ in range(2):
            _ray(f"--address=127.0.0.1:{port}", "--num-cpus=1")
        started = _ours(temp)
        raylets = [p for p in started if p.name() == "raylet" and p.pid not in before]
        assert len(raylets) == 2, "two worker nodes, each with its own raylet"
        yield f"127.0.0.1:{port}", raylets
    finally:
        for p in {p.pid: p for p in [*started, *_ours(temp)]}.values():
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        shutil.rmtree(temp, ignore_errors=True)


def _kill_node_when_busy(raylet, stop: threading.Event, killed: list) -> None:
    """SIGKILL the node (its raylet and every worker under it) once one of its workers runs a grading."""
    while not stop.is_set():
        try:
            children = raylet.children(recursive=True)
            busy = any("_grade_on_node" in " ".join(c.cmdline()) for c in children)
        except psutil.NoSuchProcess:
            return
        if busy:
            for p in [raylet, *children]:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            killed.append(time.monotonic())
            return
        time.sleep(0.05)


def test_a_worker_node_killed_mid_batch_loses_no_submission(tmp_path, cluster, need_git):
    import ray

    address, raylets = cluster
    work = tmp_path / "course"
    work.mkdir()
    cfg = make_class(work, PROJECT, say=lambda *a: None, students=CLASS)
    yml = work / "grader.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "grading: {workers: 2,", f"grading: {{backend: ray, ray: {{address: '{address}'}}, retries: 3, workers: 2,"),
        encoding="utf-8")
    cfg = config.load(yml)
    book = Gradebook(cfg.gradebook)
    collect_on_schedule(cfg, book)
    stop, killed = threading.Event(), []
    watcher = threading.Thread(target=_kill_node_when_busy, args=(raylets[1], stop, killed), daemon=True)
    watcher.start()
    try:
        summary = grade_week(cfg, cfg.assignment("week02"), book, show_progress=False)
    finally:
        stop.set()
        ray.shutdown()
    assert killed, "the node was killed while it graded a submission"
    with book.engine.connect() as conn:
        stored = conn.execute(select(submissions.c.id, submissions.c.student_id)
                              .where(submissions.c.status == "ok")).all()
        rows = conn.execute(select(runs.c.submission_id, runs.c.status, runs.c.score, runs.c.current)).all()
    graded = [r for r in rows if r.status == "graded"]
    assert sorted(r.submission_id for r in graded) == sorted(s.id for s in stored)  # each exactly once
    assert not [r for r in rows if r.current and r.status != "graded"]  # no infrastructure zero counts
    assert summary.infra_errors == 0 and summary.graded == len(stored)
    score = {sid: r.score for s_id, sid in stored for r in graded if r.submission_id == s_id}
    for sid, points in EXPECTED.items():
        assert score[sid] == points, (sid, score[sid])
