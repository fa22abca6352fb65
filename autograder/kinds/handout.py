"""What students receive for a kind without a master notebook: the prompt as README.md and the
files under the assignment's ``student/`` folder, with the course's cohort in place of ``<기수>``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.errors import UserError
from autograder.naming import fill_cohort

if TYPE_CHECKING:
    from autograder.config import Assignment, CourseConfig

STUDENT_FOLDER = "student"
PROMPT_FILE = "prompt.md"


def write_handout(cfg: "CourseConfig", assignment: "Assignment", prompt_file: str = PROMPT_FILE) -> str:
    folder = cfg.path(assignment.folder)
    prompt = folder / prompt_file
    if not prompt.is_file():
        raise UserError(f"no {prompt_file}", where=str(folder), fix="the assignment's folder needs its prompt")
    out = cfg.path(cfg.build.templates) / assignment.id
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cohort = cfg.course.cohort
    (out / "README.md").write_text(fill_cohort(prompt.read_text(encoding="utf-8"), cohort), encoding="utf-8")
    written = ["README.md"]
    source = folder / STUDENT_FOLDER
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        target = out / Path(*(fill_cohort(part, cohort) for part in path.relative_to(source).parts))
        target.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        try:
            target.write_text(fill_cohort(data.decode("utf-8"), cohort), encoding="utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)  # a data file: copied as it is
        written.append(str(target.relative_to(out)))
    return f"{out}: " + ", ".join(written)
