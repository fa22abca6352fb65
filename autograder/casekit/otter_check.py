"""Bridge for otter test cells: ``check("softmax/overflow", globals())``.

Under plain ``otter run`` the hidden tests execute in the student's kernel; this runs the
same planned calls in-process and raises AssertionError with the same verdict message that
the sandboxed engine gives. It is what makes the two paths comparable, not a secure path.
"""

from __future__ import annotations

import contextlib
import io
from functools import lru_cache
from pathlib import Path

import torch

from autograder.casekit.core import DEFAULT_TIMEOUT, Case, Observation, Verdict
from autograder.casekit.loader import load_cases
from autograder.inside.probe import run_case


@lru_cache(maxsize=4)
def _cases(folder: str) -> dict:
    return {c.id: c for c in load_cases(Path(folder))}


def verdict_here(case: Case, namespace: dict) -> Verdict:
    """``case`` run on ``namespace`` in this process and judged (not a secure path: see above)."""
    arrays: dict = {}
    raw = run_case(case.calls, namespace, arrays, forbidden=case.forbidden, device=case.device,
                   timeout=case.timeout or DEFAULT_TIMEOUT, seed=case.seed)
    return case.verdict([Observation.from_json(o, arrays) for o in raw])


def check(case_id: str, namespace: dict, folder: str = ".") -> None:
    case = _cases(str(Path(folder).resolve()))[case_id]
    if not case.runnable():
        return  # e.g. a CUDA case without CUDA: nothing to check (0 points by convention)
    # as in the sandbox: what the student's code prints is captured, not part of the test's
    # output (otter's doctest-style test would fail on it), and torch uses one thread
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            verdict = verdict_here(case, namespace)
    finally:
        torch.set_num_threads(threads)
    assert verdict.passed, f"{case_id} [{verdict.status.value}]: {verdict.message}"
