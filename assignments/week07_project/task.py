"""Week 7's task: classify sklearn's bundled 8×8 handwritten digits (1,797 images).

The grader trains each project on all but HELD_OUT digits, chosen by the course's private
``holdout_seed``, and measures accuracy on the rest, with the classes renamed by a private
permutation (project.cases). The images are the dataset's own, unmodified: honest models see one
distribution in training and held out (a perturbation of the held-out pixels alone took
StandardScaler + SVC from 0.98 to 0.65). A held-out set drawn from a public dataset can be looked up
by whoever has a copy, so the copies are guarded instead: no sandbox can read scikit-learn's files
(engine.sandbox.public_datasets), and a project that ships the digits in any readable form is a
needs-review line for a TA (sources.data_copies, from ``public`` below). A course that collects its
own digits (8×8, values 0–16 as sklearn's) puts them in ``private/held_out.npz`` (X, y) beside this
file: every public image then trains and accuracy is measured on those, which no copy holds
(autograder.project.task; calibrate full_at/none_at on them).
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from sklearn.datasets import load_digits

from autograder.project.task import ProjectTask

HELD_OUT = 500


@functools.cache
def split(holdout_seed: int):
    X, y = load_digits(return_X_y=True)
    order = np.random.RandomState(holdout_seed).permutation(len(y))
    X, y = X[order], y[order]
    return ((torch.tensor(X[:-HELD_OUT], dtype=torch.float32), torch.tensor(y[:-HELD_OUT], dtype=torch.int64)),
            (torch.tensor(X[-HELD_OUT:], dtype=torch.float32), torch.tensor(y[-HELD_OUT:], dtype=torch.int64)))


def public_rows():
    return load_digits().data


TASK = ProjectTask(
    data=split,
    classes=10,
    full_at=0.97,
    none_at=0.90,
    readme_sections={
        "문제 정의 / Problem": r"문제|problem",
        "데이터 / Data": r"데이터|data",
        "모델 / Model": r"모델|model",
        "실험 / Experiments": r"실험|experiment",
        "결과 / Results": r"결과|result",
        "한계 / Limitations": r"한계|limitation",
    },
    points={"readme_sections": 4.0, "accuracy": 15.0, "reported_accuracy": 2.0, "reproducible_offline": 4.0},
    public=public_rows,
)
