"""The package's layers: loading the course file imports no grading machinery (no torch, no stage),
and every benchmark script still imports (they build on test helpers that move)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

STAGES = ("autograder.build", "autograder.collect.api", "autograder.grade", "autograder.report",
          "autograder.feedback", "autograder.engine", "autograder.watch", "autograder.integrity", "autograder.cli")


def test_loading_grader_yml_imports_neither_torch_nor_any_stage():
    probe = ("import sys, autograder.config as c; c.load('grader.yml'); "
             "print('\\n'.join(sorted(m for m in sys.modules if m == 'torch' or m.startswith('autograder'))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, check=True)
    loaded = out.stdout.split()
    assert "torch" not in loaded, loaded
    assert not [m for m in loaded if m.startswith(STAGES)], loaded


def test_every_bench_script_imports():
    """Importing runs no benchmark (each has a main guard); it fails when a helper it uses moved. One
    process for all of them (torch is imported once)."""
    scripts = sorted(str(p) for p in (PROJECT / "bench").glob("*.py"))
    assert len(scripts) >= 8
    code = (f"import importlib.util, sys, traceback; sys.path.insert(0, {str(PROJECT)!r})\n"
            f"for path in {scripts!r}:\n"
            "    try:\n"
            "        spec = importlib.util.spec_from_file_location('b', path)\n"
            "        spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
            "    except Exception:\n"
            "        print('BROKEN', path, traceback.format_exc(limit=2))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0 and "BROKEN" not in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


def test_a_kinds_own_settings_are_still_checked_when_grader_yml_loads():
    from pydantic import ValidationError

    from autograder.config import Assignment

    with pytest.raises(ValidationError, match="a project needs holdout_seed"):
        Assignment(id="week07", week=7, title="p", folder=Path("x"), due="2026-08-18T23:59:00", points=25,
                   kind="project")
    assert Assignment(id="week07", week=7, title="p", folder=Path("x"), due="2026-08-18T23:59:00", points=25,
                      kind="project", holdout_seed=3).holdout_seed == 3
