"""A project's cases: README sections, held-out accuracy, the accuracy the README claims, and
reproducibility without network use — for any ``ProjectTask``.

The grader trains the student's model itself on the task's training split. Before that it
renames the classes by a permutation drawn from the private ``holdout_seed`` (digit 3 may be
called 7): a model that learns from the labels it is given scores the same, one that ignores
them (fits a copy of the public dataset, hard-codes answers) scores chance. The held-out labels
stay in this process: the sandbox sees only images.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import torch

from autograder.casekit import Case, ForbiddenSpec, Passed
from autograder.casekit.builders import Check, driver_case
from autograder.casekit.compare import describe
from autograder.protocol.calls import Call
from autograder.protocol.wire import TensorValue
from autograder.project.readme import claimed_accuracy, headings
from autograder.project.task import ProjectTask, Split

NETWORK = ForbiddenSpec(modules=("socket", "urllib.request", "http.client", "requests", "urllib3", "ftplib",
                                 "smtplib", "httpx", "aiohttp"), network=True)
PREDICT_SLACK = 1.1, 5.0  # a training's time limit × 1.1 + 5 s covers predicting and moving the data


@functools.cache
def renaming(holdout_seed: int, classes: int) -> torch.Tensor:
    """label → the name the grader gives it: a permutation that moves every class."""
    rng = np.random.RandomState(holdout_seed ^ 0x5EED)
    while True:
        perm = rng.permutation(classes)
        if classes < 2 or (perm != np.arange(classes)).all():
            return torch.as_tensor(perm, dtype=torch.int64)


def graded_split(task: ProjectTask, holdout_seed: int) -> Split:
    """The task's split with the classes renamed (what train() receives and predictions are judged by)."""
    (X, y), (X_held, y_held) = task.data(holdout_seed)
    names = renaming(holdout_seed, task.classes)
    return (X, names[y]), (X_held, names[y_held])


def readme_sections_case(task: ProjectTask, readme: str) -> Case:
    found = [name for name, rx in task.readme_sections.items()
             if any(re.search(rx, h, re.IGNORECASE) for h in headings(readme))]
    missing = [name for name in task.readme_sections if name not in found]
    total = len(task.readme_sections)

    def judge(calls, obs):
        if not readme.strip():
            return "no README.md in the project folder"
        note = f"{len(found)} of {total} sections" + (f"; missing: {', '.join(missing)}" if missing else "")
        return Passed(note, len(found) / total) if found else f"none of the sections ({note})"

    names = ", ".join(n.split(" / ")[-1].lower() for n in task.readme_sections)
    return Case("project/readme_sections", f"README sections: {names}", task.points["readme_sections"], [], judge)


def accuracy_check(task: ProjectTask, y_held: torch.Tensor, measured: dict) -> Check:
    """Linear credit between none_at and full_at; the accuracy is kept for the README check."""
    def check(call: Call, obs) -> str | Passed:
        preds = obs.output.get("predictions") if isinstance(obs.output, dict) else None
        pred = preds[0] if isinstance(preds, list) and preds else None
        if not isinstance(pred, TensorValue) or pred.shape != (len(y_held),):
            return f"predict(model, X) must return {len(y_held)} labels, returned {describe(pred)}"
        acc = float((pred.to_torch(torch.int64) == y_held).double().mean())
        measured["accuracy"] = acc
        fraction = min(max((acc - task.none_at) / (task.full_at - task.none_at), 0.0), 1.0)
        note = f"held-out accuracy {acc:.3f} (full marks at ≥ {task.full_at}, none below {task.none_at})"
        if acc < 2.0 / task.classes:
            note += ("; the grader renames the classes, so a model that does not learn from the labels "
                     "train() receives scores chance")
        return Passed(note, fraction) if fraction > 0 else note
    return check


def reported_case(task: ProjectTask, readme: str, measured: dict) -> Case:
    tolerance = task.reported_tolerance

    def judge(calls, obs):
        acc = measured.get("accuracy")
        if acc is None:
            return "no accuracy was measured (training or prediction failed), so the README cannot be checked"
        claim = claimed_accuracy(readme)
        if claim is None:
            return f"the README states no accuracy (measured {acc:.3f}); write it as '정확도 0.97' or 'accuracy 97 %'"
        review = ""
        if len(claim.all) > 1:
            review = (f"; the README states several accuracies ({', '.join(f'{v:.3f}' for v in claim.all)}), "
                      f"{claim.how} is compared — TA to review")
        if abs(claim.value - acc) > tolerance + 1e-9:
            return (f"the README claims {claim.value:.3f} but the grader measured {acc:.3f} "
                    f"(allowed ± {tolerance}){review}")
        return Passed(f"claimed {claim.value:.3f}, measured {acc:.3f}{review}")

    return Case("project/reported_accuracy", f"the README's accuracy is within ± {tolerance} of the measured",
                task.points["reported_accuracy"], [], judge)


def reproducible_check(call: Call, obs) -> str | None:
    result = obs.output if isinstance(obs.output, dict) else {}
    first, again = result.get("predictions"), result.get("repeats")
    if not (isinstance(first, list) and isinstance(again, list) and again):
        return f"expected predictions from two trainings, got {describe(result)}"
    a, b = first[0], again[0][0] if isinstance(again[0], list) and again[0] else None
    if not (isinstance(a, TensorValue) and isinstance(b, TensorValue)) or a.shape != b.shape:
        return f"predictions of the two trainings are {describe(a)} and {describe(b)}"
    differ = int((a.to_torch(torch.int64) != b.to_torch(torch.int64)).sum())
    if differ:
        return (f"training twice with seed={call.args[0][2]} changed {differ} of {a.shape[0]} predictions "
                "(seed every random number generator)")
    return None


def training_timeout(time_limit: float, trainings: int) -> float:
    factor, extra = PREDICT_SLACK
    return trainings * (time_limit * factor + extra)


def project_cases(task: ProjectTask, readme: str, holdout_seed: int, time_limit: float) -> list[Case]:
    """``time_limit``: seconds for one training (each training the grader runs gets it)."""
    (X, y), (X_held, y_held) = graded_split(task, holdout_seed)
    measured: dict = {}  # the accuracy case measures it; the README case, judged after, compares
    accuracy = driver_case("project/accuracy",
                           f"held-out accuracy: full at ≥ {task.full_at}, linear from {task.none_at}",
                           task.points["accuracy"], "train", [(((X, y, 0), [X_held]), {}, "seed=0")],
                           accuracy_check(task, y_held, measured), driver="fit_predict",
                           timeout=training_timeout(time_limit, 1))
    reproducible = driver_case("project/reproducible_offline",
                               "the same seed gives the same predictions, and no network is used",
                               task.points["reproducible_offline"], "train",
                               [(((X, y, 1), [X_held]), {"times": 2}, "seed=1, trained twice")], reproducible_check,
                               driver="fit_predict", timeout=training_timeout(time_limit, 2), forbidden=NETWORK)
    reproducible.forbidden_hint = "grading machines are offline: ship what the project needs in its folder"
    return [readme_sections_case(task, readme), accuracy, reported_case(task, readme, measured), reproducible]
