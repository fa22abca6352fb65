"""The project's cases: README sections, held-out accuracy, the accuracy the README reports,
and reproducibility without network use (25 points).

The grader trains the student's model on a fixed split of sklearn's bundled digits; which
digits are held out is decided by the course's private ``holdout_seed`` (grader.yml, never
shipped to students). The held-out labels stay in this process: the sandbox sees only images.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import torch
from sklearn.datasets import load_digits

from autograder.casekit import Case, ForbiddenSpec, Passed
from autograder.casekit.builders import Check, driver_case
from autograder.casekit.compare import describe
from autograder.inside.probe import Call
from autograder.inside.wire import TensorValue

HELD_OUT = 500
FULL_AT, NONE_AT = 0.97, 0.90  # accuracy: full marks at 0.97, linear down to nothing at 0.90
REPORTED_TOLERANCE = 0.03
SECTIONS = {  # README headings, Korean or English
    "문제 정의 / Problem": r"문제|problem",
    "데이터 / Data": r"데이터|data",
    "모델 / Model": r"모델|model",
    "실험 / Experiments": r"실험|experiment",
    "결과 / Results": r"결과|result",
    "한계 / Limitations": r"한계|limitation",
}
NETWORK = ForbiddenSpec(modules=("socket", "urllib.request", "http.client", "requests", "urllib3", "ftplib",
                                 "smtplib", "httpx", "aiohttp"))
_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*%|(?<![\d.])(0\.\d+|1\.0+)(?!\.?\d)")


@functools.cache
def split(holdout_seed: int) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    X, y = load_digits(return_X_y=True)
    order = np.random.RandomState(holdout_seed).permutation(len(y))
    X = torch.tensor(X[order], dtype=torch.float32)
    y = torch.tensor(y[order], dtype=torch.int64)
    return (X[:-HELD_OUT], y[:-HELD_OUT]), (X[-HELD_OUT:], y[-HELD_OUT:])


def headings(readme: str) -> list[str]:
    return [m.group(1) for m in _HEADING.finditer(readme)]


def readme_sections_case(readme: str, points: float) -> Case:
    found = [name for name, rx in SECTIONS.items() if any(re.search(rx, h, re.IGNORECASE) for h in headings(readme))]
    missing = [name for name in SECTIONS if name not in found]

    def judge(calls, obs):
        if not readme.strip():
            return "no README.md in the project folder"
        note = f"{len(found)} of {len(SECTIONS)} sections" + (f"; missing: {', '.join(missing)}" if missing else "")
        return Passed(note, len(found) / len(SECTIONS)) if found else f"none of the sections ({note})"

    return Case("project/readme_sections", "README sections: problem, data, model, experiments, results, limits",
                points, [], judge)


def accuracy_check(holdout_seed: int, measured: dict) -> Check:
    """Linear credit between NONE_AT and FULL_AT; the accuracy is kept for the README check."""
    def check(call: Call, obs) -> str | Passed:
        y = split(holdout_seed)[1][1]
        preds = obs.output.get("predictions") if isinstance(obs.output, dict) else None
        pred = preds[0] if isinstance(preds, list) and preds else None
        if not isinstance(pred, TensorValue) or pred.shape != (len(y),):
            return f"predict(model, X) must return {len(y)} labels, returned {describe(pred)}"
        acc = float((pred.to_torch(torch.int64) == y).double().mean())
        measured["accuracy"] = acc
        fraction = min(max((acc - NONE_AT) / (FULL_AT - NONE_AT), 0.0), 1.0)
        note = f"held-out accuracy {acc:.3f} (full marks at ≥ {FULL_AT}, none below {NONE_AT})"
        return Passed(note, fraction) if fraction > 0 else note
    return check


def results_section(readme: str) -> str:
    """The text under the README's results heading; the whole README when it has none."""
    marks = list(_HEADING.finditer(readme))
    for i, m in enumerate(marks):
        if re.search(SECTIONS["결과 / Results"], m.group(1), re.IGNORECASE):
            return readme[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(readme)]
    return readme


def reported_numbers(readme: str) -> list[float]:
    """Accuracies written in the README's results: 97.2 % or 0.972 (both read as 0.972)."""
    out = []
    for pct, frac in _NUMBER.findall(results_section(readme)):
        value = float(pct) / 100 if pct else float(frac)
        if 0 < value <= 1:
            out.append(value)
    return out


def reported_case(readme: str, points: float, measured: dict) -> Case:
    def judge(calls, obs):
        acc = measured.get("accuracy")
        if acc is None:
            return "no accuracy was measured (training or prediction failed), so the README cannot be checked"
        numbers = reported_numbers(readme)
        if not numbers:
            return f"the README reports no accuracy (measured {acc:.3f}); write it as 0.97 or 97 %"
        best = min(numbers, key=lambda v: abs(v - acc))
        if abs(best - acc) > REPORTED_TOLERANCE + 1e-9:
            return f"the README reports {best:.3f} but the grader measured {acc:.3f} (allowed ± {REPORTED_TOLERANCE})"
        return Passed(f"reported {best:.3f}, measured {acc:.3f}")

    return Case("project/reported_accuracy", f"the README's accuracy is within ± {REPORTED_TOLERANCE} of the measured",
                points, [], judge)


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


def project_cases(readme: str, holdout_seed: int, time_limit: float) -> list[Case]:
    (X, y), (X_held, _) = split(holdout_seed)
    measured: dict = {}  # the accuracy case measures it; the README case, judged after, compares
    accuracy = driver_case("project/accuracy", f"held-out accuracy: full at ≥ {FULL_AT}, linear from {NONE_AT}",
                           15.0, "train", [(((X, y, 0), [X_held]), {}, "seed=0")],
                           accuracy_check(holdout_seed, measured), driver="fit_predict", timeout=time_limit)
    reproducible = driver_case("project/reproducible_offline",
                               "the same seed gives the same predictions, and no network is used", 4.0, "train",
                               [(((X, y, 1), [X_held]), {"times": 2}, "seed=1, trained twice")], reproducible_check,
                               driver="fit_predict", timeout=time_limit, forbidden=NETWORK)
    reproducible.forbidden_hint = "grading machines are offline: ship what the project needs in its folder"
    return [readme_sections_case(readme, 4.0), accuracy, reported_case(readme, 2.0, measured), reproducible]
