"""``kind: notebook`` — a Jupyter notebook graded by the week's hidden cases (``cases.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.build import build_week
from autograder.casekit.loader import CASES_FILE, HINTS_FILE, load_cases
from autograder.sources.scan import scan_notebook
from autograder.engine import GradeResult, Limits, grade_notebook
from autograder.engine.pool import SandboxPool
from autograder.errors import UserError
from autograder.kinds.base import FileKind, SubmissionGrader
from autograder.notebooks import master_notebook

if TYPE_CHECKING:
    from autograder.config import Assignment, CourseConfig


def notebook_problem(data: bytes) -> str | None:
    """Why bytes committed as .ipynb cannot be graded as a notebook (None: they can)."""
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not a text file (binary content with a .ipynb name)"
    except json.JSONDecodeError as exc:
        return f"not valid JSON (line {exc.lineno}: {exc.msg})"
    except RecursionError:
        return "JSON nested too deeply to be a notebook"
    if not isinstance(nb, dict):
        return "JSON but not a Jupyter notebook (no 'cells' list)"
    if nb.get("nbformat") == 3 and isinstance(nb.get("worksheets"), list):
        return None  # an old (v3) notebook: nbformat converts it when it is graded
    if not isinstance(nb.get("cells"), list):
        return "JSON but not a Jupyter notebook (no 'cells' list)"
    return None


class NotebookGrader(SubmissionGrader):
    """The week's cases, and one warm sandbox pool for the batch where warm sandboxes run."""

    def __init__(self, folder: Path, limits: Limits, warm: bool, points: dict[str, float] | None = None,
                 holdout_seed: int | None = None):
        self.cases = load_cases(folder, points, holdout_seed)
        self.limits = limits
        self.pool = SandboxPool(limits) if warm and SandboxPool.usable(limits) else None
        self.plans: dict = {}  # the cases encoded for the sandbox once per batch

    def grade(self, snapshot: Path, filename: str) -> GradeResult:
        return grade_notebook(snapshot, self.cases, self.limits, runner=self.pool.run if self.pool else None,
                              plans=self.plans)

    def close(self) -> None:
        if self.pool:
            self.pool.close()


class NotebookKind(FileKind):
    name = "notebook"
    extensions = ("ipynb",)
    example_ext = "ipynb"
    content_files = (CASES_FILE, HINTS_FILE)
    feedback_hint = ("공개 테스트는 노트북에서 `grader.check(...)`로 직접 실행할 수 있습니다. / "
                     "Run the public tests in your notebook with `grader.check(...)`.")

    def problem(self, data: bytes, ext: str) -> str | None:
        return notebook_problem(data)

    def review(self, data: bytes, ext: str, folder: Path) -> list:
        return scan_notebook(data)

    def check_folder(self, assignment: "Assignment", folder: Path) -> None:
        """A master notebook and cases.py are there (their points are `build`'s self-check)."""
        master_notebook(folder)
        if not (folder / CASES_FILE).is_file():
            raise UserError(f"no {CASES_FILE} with hidden cases", where=str(folder),
                            fix="each notebook week needs cases.py defining cases() -> list[Case]")

    def grader(self, assignment: "Assignment", folder: Path, limits: Limits, *, warm: bool = False) -> NotebookGrader:
        return NotebookGrader(folder, limits, warm, assignment.questions, assignment.holdout_seed)

    def build(self, cfg: "CourseConfig", assignment: "Assignment") -> str:
        r = build_week(cfg, assignment)
        return (f"template {r.template}, autograder {r.autograder_zip}, solution (for TAs only) {r.solution}; "
                f"self-check: reference {r.reference.score:g}/{r.reference.max_score:g}, blank {r.blank.score:g}")
