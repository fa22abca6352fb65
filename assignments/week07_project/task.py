"""Week 7's task: classify sklearn's bundled 8×8 handwritten digits (1,797 images).

The grader trains each project on all but HELD_OUT digits, chosen by the course's private
``holdout_seed``, and measures accuracy on the rest. The held-out images are made private: every
pixel moves by at most one grey level (seeded, label-preserving), so a copy of the public
dataset does not contain them; and the sandbox cannot read sklearn's copy of the data at all.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import sklearn.datasets
import torch
from sklearn.datasets import load_digits

from autograder.project.task import ProjectTask

HELD_OUT = 500
_DATA = Path(sklearn.datasets.__file__).parent


@functools.cache
def split(holdout_seed: int):
    X, y = load_digits(return_X_y=True)
    rng = np.random.RandomState(holdout_seed)
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    held = X[-HELD_OUT:] + rng.choice([-1, 0, 1], size=X[-HELD_OUT:].shape, p=[0.1, 0.8, 0.1])
    held = np.clip(held, 0, 16)
    return ((torch.tensor(X[:-HELD_OUT], dtype=torch.float32), torch.tensor(y[:-HELD_OUT], dtype=torch.int64)),
            (torch.tensor(held, dtype=torch.float32), torch.tensor(y[-HELD_OUT:], dtype=torch.int64)))


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
    hidden_files=(str(_DATA / "data" / "digits.csv.gz"), str(_DATA / "descr" / "digits.rst")),
)
