"""The boundary between the sandbox and the trusted grader (tests/boundary_attacks.py): what a
submission leaves in the exchange folder, or calls, never stalls, fools or escapes the grader.

Each attack is graded alone (warm sandboxes, and one-shot ones for the file attacks whose path
differs), then a batch with the worst of them next to honest students must finish, with the
honest students scored exactly as when graded alone.
"""

from __future__ import annotations

import os
import stat

import nbformat
import pytest

from autograder.engine import exchange
from autograder.engine import grade_notebook
from autograder.engine.pool import SandboxPool
from autograder.notebooks import with_functions
from tests.boundary_attacks import FORBIDDEN_EVASIONS, TAMPERING
from tests.hostile_notebooks import LIMITS

ATTACKS = {**FORBIDDEN_EVASIONS, **TAMPERING}
# one-shot sandboxes read the exchange folder in place (warm ones get it by rename): the file
# attacks there by default; AUTOGRADER_FULL_BOUNDARY=1 adds the rest and a one-shot batch (~1 min)
FULL = os.environ.get("AUTOGRADER_FULL_BOUNDARY") == "1"
ONE_SHOT = sorted(TAMPERING) + (["aten_overload", "in_a_thread", "grad_via_engine_entry"] if FULL else [])


def _grade(built, tmp_path, name: str, runner):
    sources, expected, statuses = ATTACKS[name]
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(with_functions(built.solution, sources), str(path))
    result = grade_notebook(path, built.cases, LIMITS, runner=runner)
    assert result.infra_error is None
    assert result.score == expected, [(c.case_id, c.status, c.message[:90]) for c in result.cases
                                      if c.status not in ("passed", "skipped")]
    for prefix, status in statuses.items():
        hit = [c for c in result.cases if c.case_id.startswith(prefix)]
        assert hit and all(c.status == status for c in hit), [(c.case_id, c.status, c.message[:80]) for c in hit]
    return result


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_in_a_warm_sandbox_earns_only_its_honest_part(built, tmp_path, warm_runner, name):
    runner = warm_runner(LIMITS)
    if runner is None:
        pytest.skip("warm sandboxes need bubblewrap (the one-shot test covers the rest)")
    _grade(built, tmp_path, name, runner)


@pytest.mark.parametrize("name", ONE_SHOT)
def test_attack_in_a_one_shot_sandbox_earns_only_its_honest_part(built, tmp_path, name):
    _grade(built, tmp_path, name, None)


def test_forbidden_calls_are_named_in_the_verdict(built, tmp_path, warm_runner):
    result = _grade(built, tmp_path, "aten_overload", warm_runner(LIMITS))
    softmax = next(c for c in result.cases if c.case_id == "softmax/values")
    assert "aten::_softmax" in softmax.message


def test_a_correct_solution_that_imports_scipy_and_starts_threads_keeps_full_marks(built, tmp_path, warm_runner):
    """Only calls count: an import of a forbidden library, or an honest thread, is not one."""
    sources = {"gaussian_nll": "import math, threading, torch\nimport scipy.stats\n"
                               "def gaussian_nll(y, mu, sigma):\n    box = []\n"
                               "    def work():\n        s = torch.as_tensor(sigma, dtype=y.dtype)\n"
                               "        box.append((0.5 * ((y - mu) / s) ** 2 + torch.log(s) + 0.5 * math.log(2 * math.pi)).sum())\n"
                               "    t = threading.Thread(target=work); t.start(); t.join()\n    return box[0]\n",
               "softmax": "def softmax(logits, dim=-1):\n    import scipy.special  # imported, never called\n"
                          "    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                          "    return e / e.sum(dim=dim, keepdim=True)\n"}
    path = tmp_path / "honest.ipynb"
    nbformat.write(with_functions(built.solution, sources), str(path))
    result = grade_notebook(path, built.cases, LIMITS, runner=warm_runner(LIMITS))
    assert result.score == 20.0, [(c.case_id, c.status, c.message[:90]) for c in result.cases if c.status == "forbidden"]


# -- the trusted side's reader ---------------------------------------------------------------
def test_reader_refuses_fifos_links_folders_and_oversized_files_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    os.symlink("/dev/zero", tmp_path / "link")
    (tmp_path / "folder").mkdir()
    (tmp_path / "big").write_bytes(b"x" * 2000)
    (tmp_path / "ok").write_bytes(b"fine")
    for name, why in (("fifo", "a FIFO"), ("link", "a link"), ("folder", "a folder"), ("big", "limit")):
        with pytest.raises(exchange.Tampered, match=why):
            exchange.read_bytes(tmp_path / name, 1000)
    assert exchange.read_bytes(tmp_path / "ok", 1000) == b"fine"
    assert exchange.read_bytes(tmp_path / "missing", 1000) is None
    with pytest.raises(exchange.Tampered):
        exchange.size(tmp_path / "link")


def test_take_moves_a_sandbox_folder_without_opening_what_is_in_it(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    dst.mkdir()
    os.mkfifo(src / "progress")
    os.symlink("/etc/passwd", src / "cells.json")
    exchange.take(src, dst)  # would block for ever on the FIFO if it opened it
    assert stat.S_ISFIFO(os.lstat(dst / "progress").st_mode) and os.path.islink(dst / "cells.json")
    assert not src.exists()


# -- a batch: attackers next to honest students ----------------------------------------------
BATCH_ATTACKS = ["fifo_progress", "progress_links_to_dev_zero", "plants_fifos_in_results", "huge_results",
                 "fills_tmp", "plants_results", "patches_run_call", "in_a_thread"]


@pytest.mark.parametrize("warm", [True, pytest.param(False, marks=pytest.mark.skipif(
    not FULL, reason="the one-shot batch runs with AUTOGRADER_FULL_BOUNDARY=1 (the one-shot attacks run alone)"))],
    ids=["warm", "one-shot"])
def test_a_batch_with_attackers_finishes_and_honest_students_score_as_when_graded_alone(tmp_path, need_git, warm):
    from sqlalchemy import select

    from autograder.casekit.loader import load_cases
    from autograder.demo import ON_TIME, collect_on_schedule, make_class
    from autograder.grade import grade_week
    from autograder.gradebook import Gradebook, runs, submissions
    from tests.conftest import PROJECT

    honest = [("19001", "박세훈", True, "correct", "canonical", ON_TIME),
              ("19002", "김민지", True, "partial-a", "canonical", ON_TIME),
              ("19003", "이준호", True, "blank", "canonical", ON_TIME)]
    attackers = [(f"1910{k}", f"공격자{k}", True, ATTACKS[name][0], "canonical", ON_TIME)
                 for k, name in enumerate(BATCH_ATTACKS)]
    cfg = make_class(tmp_path, PROJECT, say=lambda *a: None, students=honest + attackers)
    cfg = cfg.model_copy(update={"grading": cfg.grading.model_copy(update={"warm_pool": warm})})
    book = Gradebook(cfg.gradebook)
    collect_on_schedule(cfg, book)
    summary = grade_week(cfg, cfg.assignment("week02"), book, show_progress=False)
    assert summary.graded == len(honest) + len(attackers) and summary.infra_errors == 0
    assert all(("+warm" in label) == warm for label in summary.isolation) or not SandboxPool.usable(LIMITS)
    query = (select(submissions.c.student_id, submissions.c.snapshot, runs.c.score)
             .join(runs, runs.c.submission_id == submissions.c.id).where(runs.c.current.is_(True)))
    with book.engine.connect() as conn:
        graded = {r.student_id: (r.snapshot, r.score) for r in conn.execute(query)}
    cases = load_cases(cfg.path(cfg.assignment("week02").folder))
    for sid, *_ in honest:  # alone: each in a fresh one-shot sandbox
        snapshot, score = graded[sid]
        assert grade_notebook(cfg.path(cfg.storage.data_dir) / snapshot, cases, LIMITS).score == score, sid
    assert graded["19001"][1] == 20.0
    for k, name in enumerate(BATCH_ATTACKS):
        assert graded[f"1910{k}"][1] <= ATTACKS[name][1], name


def test_cell_magics_run_as_jupyter_runs_them(built, tmp_path, warm_runner):
    """An honest notebook that writes its helper with %%writefile and imports it keeps full
    marks; a %%bash cell and shell lines are skipped with a note for the feedback."""
    nb = nbformat.from_dict(built.solution)
    k = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.lstrip().startswith("def softmax")
             or "\ndef softmax(" in c.source)
    nb.cells[k].source = ("%%writefile my_softmax.py\nimport torch\n\ndef softmax(logits, dim=-1):\n"
                          "    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                          "    return e / e.sum(dim=dim, keepdim=True)\n")
    nb.cells.insert(k + 1, nbformat.v4.new_code_cell("from my_softmax import softmax\n!pip install nothing"))
    nb.cells.insert(k + 2, nbformat.v4.new_code_cell("%%bash\nrm -rf /\n"))
    nb.cells.insert(k + 3, nbformat.v4.new_code_cell("%%capture captured\nprint('quiet')\n_seen = True\n"))
    path = tmp_path / "magics.ipynb"
    nbformat.write(nb, str(path))
    result = grade_notebook(path, built.cases, LIMITS, runner=warm_runner(LIMITS))
    assert result.score == 20.0, [(c.case_id, c.status, c.message[:90]) for c in result.cases if c.status == "error"]
    assert "%%bash cell was skipped" in result.notes and "shell line(s) skipped" in result.notes


def test_the_isolation_label_says_which_cgroups_are_in_force():
    """A memory cgroup bounds the whole submission (processes + /tmp + /dev/shm) where the host
    lets the grader create one; the label never claims one that is not there."""
    from autograder.engine.cgroups import SandboxCgroups

    groups = SandboxCgroups(LIMITS)
    try:
        assert ("+memory-cgroup" in groups.label) == (groups.memory.path is not None)
        if groups.memory.path is not None:
            limit = next(groups.memory.path / name for name in ("memory.limit_in_bytes", "memory.max")
                         if (groups.memory.path / name).exists())
            assert int(limit.read_text()) <= (LIMITS.memory_mb + 2 * LIMITS.tmp_mb) << 20
            assert int(limit.read_text()) >= ((LIMITS.memory_mb + 2 * LIMITS.tmp_mb) << 20) - 4096
    finally:
        groups.kill_all()
    assert groups.memory.path is None or not groups.memory.path.exists()
