"""A train/predict project's task, as the course's ``task.py`` declares it (``TASK``): where the
data comes from, how it is split, the accuracy thresholds, the README's sections and the points.
The package grades any such task; the course content stays in the assignment's folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from autograder.casekit.loader import load_course_module
from autograder.errors import UserError

TASK_FILE = "task.py"
ITEMS = ("readme_sections", "accuracy", "reported_accuracy", "reproducible_offline")

Split = tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class ProjectTask:
    # holdout_seed → ((X_train, y_train), (X_held_out, y_held_out)); the held-out part never
    # leaves the grader's process except as images
    data: Callable[[int], Split]
    classes: int  # labels are 0 … classes-1; the grader renames them (see project.cases)
    full_at: float  # held-out accuracy for full marks
    none_at: float  # … and below which none
    readme_sections: dict[str, str]  # shown name → regular expression a heading must match
    points: dict[str, float]  # one entry per ITEMS
    reported_tolerance: float = 0.03
    # files the sandbox must not see: the grader's copy of a public dataset the held-out part comes from
    hidden_files: tuple[str, ...] = field(default=())
    # the public dataset's rows (n, features) as integers: a project that ships them is flagged for review
    public: Callable[[], Any] | None = None

    def __post_init__(self):
        if set(self.points) != set(ITEMS):
            raise ValueError(f"points must name exactly {', '.join(ITEMS)}")
        if not 0 <= self.none_at < self.full_at <= 1:
            raise ValueError("need 0 ≤ none_at < full_at ≤ 1")

    @property
    def total(self) -> float:
        return round(sum(self.points.values()), 6)


def load_task(folder: Path) -> ProjectTask:
    path = Path(folder) / TASK_FILE
    if not path.is_file():
        raise UserError(f"no {TASK_FILE}", where=str(folder),
                        fix="a project's folder needs task.py defining TASK = ProjectTask(...)")
    try:
        module = load_course_module(path, "task")
    except ValueError as exc:
        raise UserError(f"invalid task: {exc}", where=str(path)) from None
    task = getattr(module, "TASK", None)
    if not isinstance(task, ProjectTask):
        raise UserError("task.py defines no TASK = ProjectTask(...)", where=str(path))
    return task
