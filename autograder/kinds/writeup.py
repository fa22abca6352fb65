"""``kind: writeup`` — a text (.md, .txt, .ipynb, .docx, .pdf) scored by the rubric in the
assignment's folder (``rubric.yml``), then checked for copies across the class."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from autograder.engine import GradeResult, Limits
from autograder.errors import UserError
from autograder.kinds.base import FileKind, SubmissionGrader
from autograder.kinds.handout import PROMPT_FILE, write_handout
from autograder.writeup.reader import FORMATS, read_text
from autograder.writeup.rubric import grade_writeup
from autograder.writeup.rubric_file import RUBRIC_FILE, Rubric, load_rubric
from autograder.writeup.similarity import flags

if TYPE_CHECKING:
    from autograder.config import Assignment, CourseConfig
    from autograder.gradebook import Gradebook



class WriteupGrader(SubmissionGrader):
    def __init__(self, rubric: Rubric):
        self.rubric = rubric

    def grade(self, snapshot: Path, filename: str) -> GradeResult:
        return grade_writeup(snapshot, filename, self.rubric)


class WriteupKind(FileKind):
    name = "writeup"
    extensions = FORMATS
    example_ext = "md"
    content_files = (RUBRIC_FILE, PROMPT_FILE)
    runs_student_code = False

    def problem(self, data: bytes, ext: str) -> str | None:
        return None if ext in ("docx", "pdf", "ipynb") else super().problem(data, ext)  # the reader says the rest

    def _rubric(self, assignment: "Assignment", folder: Path) -> Rubric:
        rubric = load_rubric(folder)
        assignment.check_auto_points(rubric.points, RUBRIC_FILE)
        return rubric

    def check_folder(self, assignment: "Assignment", folder: Path) -> None:
        self._rubric(assignment, folder)

    def grader(self, assignment: "Assignment", folder: Path, limits: Limits, *, warm: bool = False) -> WriteupGrader:
        return WriteupGrader(self._rubric(assignment, folder))

    def after_batch(self, cfg: "CourseConfig", assignment: "Assignment", book: "Gradebook") -> int:
        """Similar write-ups and prompt copies, recorded as collection issues for a TA (no score changes)."""
        from autograder.gradebook import IssueRow, now

        data_dir = cfg.path(cfg.storage.data_dir)
        texts, by_name = {}, {}
        for s in book.latest_submissions(assignment.id):
            who = f"{s['student_name']} ({s['student_id']})"
            try:
                texts[who] = read_text(data_dir / s["snapshot"], PurePosixPath(s["path"]).suffix[1:].lower())
            except UserError:
                continue  # unreadable: the rubric already says so
            by_name[who] = s["path"]
        prompt = cfg.path(assignment.folder) / PROMPT_FILE
        found = flags(texts, prompt.read_text(encoding="utf-8") if prompt.exists() else "")
        for f in found:
            book.add_issue(IssueRow(assignment.id, now(), " | ".join(by_name[n] for n in f.students), "similarity",
                                    f.detail(), ", ".join(f.students)))
        return len({s for f in found for s in f.students})

    def build(self, cfg: "CourseConfig", assignment: "Assignment") -> str:
        return write_handout(cfg, assignment, PROMPT_FILE)
