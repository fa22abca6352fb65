"""A train/predict project's task, as the course's ``task.py`` declares it (``TASK``): where the
data comes from, how it is split, the accuracy thresholds, the README's sections and the points.
The package grades any such task; the course content stays in the assignment's folder."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from autograder.casekit.loader import load_course_module
from autograder.errors import UserError

TASK_FILE = "task.py"
PRIVATE_HELD_OUT = "private/held_out.npz"  # the course's own held-out rows (see ProjectTask.private_held_out)
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
    # a held-out set the course collected itself (arrays X, y in an .npz beside task.py, never shipped):
    # when the file is there, every public row trains and this is what accuracy is measured on — a
    # held-out set drawn from a public dataset can be looked up by whoever has a copy, this cannot
    private_held_out: str = PRIVATE_HELD_OUT

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
    private = Path(folder) / task.private_held_out
    if private.is_file():
        X_held, y_held = _private_held_out(private, task)
        task = dataclasses.replace(task, data=_with_held_out(task.data, X_held, y_held))
    return task


PRIVATE_FIX = ("an .npz with X (n × features, the training data's features and scale) and y (n integer labels "
               "0 … classes-1), at least 50 rows, saved with numpy.savez")


def _private_held_out(path: Path, task: ProjectTask) -> tuple[torch.Tensor, torch.Tensor]:
    """The course's own held-out set, checked against the public training data's shape."""
    try:
        with np.load(path, allow_pickle=False) as data:
            X, y = np.asarray(data["X"]), np.asarray(data["y"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise UserError(f"the private held-out set cannot be read ({exc})", where=str(path), fix=PRIVATE_FIX) from None
    (X_train, _), _ = task.data(0)
    problem = None
    if X.ndim != 2 or X.shape[1:] != tuple(X_train.shape[1:]) or not np.issubdtype(X.dtype, np.number):
        problem = f"X has shape {X.shape} ({X.dtype}); the training data's rows have {tuple(X_train.shape[1:])} numbers"
    elif y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        problem = f"y has shape {y.shape} ({y.dtype}); it needs one integer label per row of X ({len(X)})"
    elif len(X) < 50 or y.min() < 0 or y.max() >= task.classes:
        problem = f"{len(X)} rows with labels {y.min()} … {y.max()}; it needs ≥ 50 rows labelled 0 … {task.classes - 1}"
    elif not np.isfinite(X).all():
        problem = "X holds NaN or infinite values"
    if problem:
        raise UserError(f"the private held-out set is not usable: {problem}", where=str(path), fix=PRIVATE_FIX)
    return torch.tensor(X, dtype=X_train.dtype), torch.tensor(y, dtype=torch.int64)


def _with_held_out(data: Callable[[int], Split], X_held: torch.Tensor, y_held: torch.Tensor) -> Callable[[int], Split]:
    """Every row of the public split trains (in the seed's order); the private rows are held out."""
    def split(holdout_seed: int) -> Split:
        (X, y), (X_public_held, y_public_held) = data(holdout_seed)
        return (torch.cat([X, X_public_held]), torch.cat([y, y_public_held])), (X_held, y_held)
    return split
