"""``kind: project`` — a folder (``N주차 과제_<기수>기 <이름 or 팀>/``) with README.md and
solution.py, trained by the grader in the sandbox on the task in the assignment's ``task.py``."""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from autograder.sources.git_history import FileVersion
from autograder.sources.data_copies import PublicRows, find_copies, project_files
from autograder.sources.scan import scan_project
from autograder.engine import GradeResult, Limits
from autograder.kinds.base import AssignmentKind, Found, SubmissionGrader
from autograder.kinds.handout import PROMPT_FILE, write_handout
from autograder.naming import parse
from autograder.project import ProjectTask, grade_project, load_task
from autograder.project.grade import project_root
from autograder.project.task import PRIVATE_HELD_OUT, TASK_FILE

if TYPE_CHECKING:
    from autograder.config import Assignment, CourseConfig



@functools.lru_cache(maxsize=8)
def _public_rows(folder: str) -> PublicRows | None:
    task = load_task(Path(folder))
    return PublicRows(task.public()) if task.public else None


def public_rows(folder: Path) -> PublicRows | None:
    """The rows of the public dataset the task's held-out data comes from (None: the task names none)."""
    return _public_rows(str(Path(folder).resolve()))


class ProjectGrader(SubmissionGrader):
    def __init__(self, task: ProjectTask, assignment: "Assignment", limits: Limits):
        self.task, self.seed, self.time_limit, self.limits = task, assignment.holdout_seed, assignment.time_limit_s, limits

    def grade(self, snapshot: Path, filename: str) -> GradeResult:
        return grade_project(snapshot, self.task, self.seed, self.time_limit, self.limits)


class ProjectKind(AssignmentKind):
    name = "project"
    content_files = (TASK_FILE, PRIVATE_HELD_OUT)

    def match(self, version: FileVersion, week: int) -> Found | None:
        """The week's project folder a changed file lies in, as a version of that folder."""
        parts = PurePosixPath(version.path).parts[:-1]
        for i, part in enumerate(parts):
            parsed = parse(part, folder=True)
            if parsed is not None and parsed.week == week:
                folder = FileVersion("/".join(parts[:i + 1]), version.commit, version.time, version.authors)
                return Found(folder, parsed, "zip")  # stored as a zip of the folder's files
        return None

    def problem(self, data: bytes, ext: str) -> str | None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if project_root(zf.namelist()) is None:  # one folder down is graded from there (with a note)
                return "no solution.py at the top of the project folder"
        return None

    def review(self, data: bytes, ext: str, folder: Path) -> list:
        public = public_rows(folder)
        copies = find_copies(project_files(data), public) if public else []
        return [*copies, *scan_project(data)]

    def _task(self, assignment: "Assignment", folder: Path) -> ProjectTask:
        task = load_task(folder)
        assignment.check_auto_points(task.total, TASK_FILE)
        return task

    def check_folder(self, assignment: "Assignment", folder: Path) -> None:
        self._task(assignment, folder)

    def grader(self, assignment: "Assignment", folder: Path, limits: Limits, *, warm: bool = False) -> ProjectGrader:
        return ProjectGrader(self._task(assignment, folder), assignment, limits)

    def build(self, cfg: "CourseConfig", assignment: "Assignment") -> str:
        return write_handout(cfg, assignment, PROMPT_FILE)
