"""Case time limits from evidence: ``build`` measures how long the reference solution takes in
each hidden case (its self-check), and ``grade`` gives every case FACTOR times that, never less
than FLOOR_S and never more than the case's own limit (cases.py, else ``case_timeout_s``).

A function that never returns then costs seconds where the reference is fast (week 2: 3 s for
its first case, 0.25 s for each later case of the same function) instead of 20 s a case, while a
correct but slow student solution — Python loops where the reference is vectorised — still has
FACTOR times the reference's time, and at least FLOOR_S. The measurements are tied to the
cases.py they were taken with: after an edit to cases.py, the old figures are not used.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from autograder.casekit.loader import CASES_FILE
from autograder.config import Assignment, CourseConfig

# week 5's pixel-by-pixel loops take 50x the vectorised reference (conv2d/backward_grid: 6.9 s against
# 0.14 s), so the factor leaves such code three times its own time
FACTOR = 150.0
# week 2's cases take 1-3 ms in the reference: the floor is what they get, ~1000x that, room for a
# loaded machine and a function that imports a library on its first call (scipy: ~0.5 s)
FLOOR_S = 3.0
TIMINGS_DIR = "timings"


def _digest(cases_file: Path) -> str:
    return hashlib.sha256(cases_file.read_bytes()).hexdigest()


def timings_path(build_output: Path, assignment_id: str) -> Path:
    return build_output / TIMINGS_DIR / f"{assignment_id}.json"


def write_timings(build_output: Path, assignment_id: str, cases_file: Path, seconds: dict[str, float]) -> Path:
    path = timings_path(build_output, assignment_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cases_sha256": _digest(cases_file), "reference_seconds": seconds},
                               indent=1, sort_keys=True), encoding="utf-8")
    return path


def case_limits(build_output: Path, assignment_id: str, cases_file: Path) -> tuple[tuple[str, float], ...]:
    """(case id, limit) for every measured case; () without a build of the current cases.py."""
    path = timings_path(build_output, assignment_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("cases_sha256") != _digest(cases_file):
            return ()
        measured = {str(k): float(v) for k, v in data["reference_seconds"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ()  # never built here, or a damaged file: the declared limits apply
    return tuple(sorted((case_id, round(max(FLOOR_S, FACTOR * s), 3)) for case_id, s in measured.items()))


def measured_limits(cfg: CourseConfig, assignment: Assignment) -> tuple[tuple[str, float], ...]:
    """``case_limits`` for ``assignment`` from this course's build of its current cases.py."""
    return case_limits(cfg.path(cfg.build.output), assignment.id, cfg.path(assignment.folder) / CASES_FILE)
