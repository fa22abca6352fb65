"""What a kind of assignment (notebook, write-up, project, …) provides to the pipeline.

Every stage asks the assignment's kind instead of testing its name: collect asks which
committed files are a submission and whether one is readable, grade asks for a grader, build
asks what students receive. A new kind is one subclass registered in ``kinds/__init__.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from autograder.sources.git_history import FileVersion
from autograder.engine import GradeResult, Limits
from autograder.naming import ParsedName, looks_like_submission, parse
from autograder.text_files import decode

if TYPE_CHECKING:
    from autograder.config import Assignment, CourseConfig
    from autograder.gradebook import Gradebook


@dataclass(frozen=True)
class Found:
    """A committed file (or folder) that is a submission of the week, and how to store it."""

    version: FileVersion
    parsed: ParsedName
    ext: str  # the snapshot's type: ipynb, md, …, zip for a folder


@dataclass(frozen=True)
class Misnamed:
    """A file that looks meant for the week but does not follow the naming convention."""

    path: str
    detail: str


@dataclass(frozen=True)
class WrongType:
    """A file named for the week whose type the assignment does not take (a .hwp for a write-up)."""

    version: FileVersion
    parsed: ParsedName
    accepted: tuple[str, ...]  # the extensions it takes


class SubmissionGrader(ABC):
    """Grades the stored submissions of one assignment during one batch."""

    @abstractmethod
    def grade(self, snapshot: Path, filename: str) -> GradeResult:
        """Score one snapshot (``filename``: the name it was committed under). A UserError
        means the submission itself is unusable (stored as rejected, with the reason)."""

    def close(self) -> None:
        """Release what the batch held (warm sandboxes)."""


class AssignmentKind(ABC):
    name: ClassVar[str]
    # files of the assignment's folder that grading reads (shipped to remote graders)
    content_files: ClassVar[tuple[str, ...]] = ()
    runs_student_code: ClassVar[bool] = True  # needs a sandbox
    feedback_hint: ClassVar[str] = ""  # a closing line for the student's feedback

    # -- grader.yml --------------------------------------------------------------------------
    def check_folder(self, assignment: "Assignment", folder: Path) -> None:
        """Raise UserError when the assignment's folder cannot be graded (before a batch)."""

    # -- collect -----------------------------------------------------------------------------
    @abstractmethod
    def match(self, version: FileVersion, week: int) -> Found | Misnamed | WrongType | None:
        """Whether a committed file belongs to this week's submissions."""

    def problem(self, data: bytes, ext: str) -> str | None:
        """Why stored content cannot be graded (None: it can)."""
        if b"\x00" in data[:8192]:
            return "binary content, not text"
        return None if decode(data) is not None else "not UTF-8 text"

    def review(self, data: bytes, ext: str, folder: Path) -> list:
        """Lines a TA should read before the grade is final (``sources.scan`` findings, shipped copies of
        public data); ``folder`` is the assignment's."""
        return []

    # -- grade -------------------------------------------------------------------------------
    @abstractmethod
    def grader(self, assignment: "Assignment", folder: Path, limits: Limits, *, warm: bool = False) -> SubmissionGrader:
        """The grader of one batch; ``folder`` holds the assignment's content files."""

    def after_batch(self, cfg: "CourseConfig", assignment: "Assignment", book: "Gradebook") -> int:
        """Checks across the class once a batch is graded; returns how many students were flagged."""
        return 0

    # -- build -------------------------------------------------------------------------------
    @abstractmethod
    def build(self, cfg: "CourseConfig", assignment: "Assignment") -> str:
        """Write what students receive; one line saying what was written."""


class FileKind(AssignmentKind):
    """A submission is one file named by the convention, with one of ``extensions``."""

    extensions: ClassVar[tuple[str, ...]]
    example_ext: ClassVar[str]

    def match(self, version: FileVersion, week: int) -> Found | Misnamed | WrongType | None:
        name = PurePosixPath(version.path).name
        parsed = parse(name)
        if parsed is None:
            if looks_like_submission(name) and str(week) in name:
                return Misnamed(version.path, f"file name does not follow "
                                f"'{week}주차 과제_<기수>기 <이름>.{self.example_ext}'; rename it and commit again")
            return None
        if parsed.week != week:
            return None
        if parsed.ext not in self.extensions:
            return WrongType(version, parsed, self.extensions)
        return Found(version, parsed, parsed.ext)
