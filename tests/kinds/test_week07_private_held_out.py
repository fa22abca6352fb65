"""A held-out set the course collected itself (``private/held_out.npz`` beside a project's task.py):
every public row trains, accuracy is measured on rows no public copy holds, so a project that ships
the public dataset and labels each image by its nearest public one does no better than an honest
model — the lookup that scores 1.000 on a held-out split of the public data.

The test stands in for new handwriting with a split of sklearn's digits: the "public" dataset is its
first 1,300 rows (what the task trains on and what the cheater ships), the course's private rows the
other 497."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from autograder.errors import UserError
from autograder.project import load_task
from autograder.project.cases import graded_split, renaming
from tests.conftest import PROJECT

PUBLIC_ROWS = 1300
SEED = 90417
TASK_PY = '''
import numpy as np, torch
from sklearn.datasets import load_digits
from autograder.project.task import ProjectTask

def split(seed):
    X, y = load_digits(return_X_y=True)
    X, y = X[:{rows}], y[:{rows}]
    order = np.random.RandomState(seed).permutation(len(y))
    X, y = torch.tensor(X[order], dtype=torch.float32), torch.tensor(y[order], dtype=torch.int64)
    return (X[:-300], y[:-300]), (X[-300:], y[-300:])

TASK = ProjectTask(data=split, classes=10, full_at=0.97, none_at=0.90, readme_sections={{"결과 / Results": "result"}},
                   points={{"readme_sections": 4.0, "accuracy": 15.0, "reported_accuracy": 2.0,
                           "reproducible_offline": 4.0}})
'''


def _course_task(tmp_path, X=None, y=None, name="project"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "task.py").write_text(TASK_PY.format(rows=PUBLIC_ROWS), encoding="utf-8")
    if X is not None:
        (folder / "private").mkdir()
        np.savez(folder / "private" / "held_out.npz", X=X, y=y)
    return folder


def _nearest_public_copy(X_train, y_train, X_held, public_X, public_y):
    """The cheat: learn the grader's class renaming from exact matches of the training images in the
    shipped copy, then label each held-out image by its nearest public image."""
    table = {tuple(r): int(l) for r, l in zip(public_X, public_y)}
    names = {table[tuple(r)]: int(l) for r, l in zip(X_train, y_train) if tuple(r) in table}
    nearest = KNeighborsClassifier(1).fit(public_X, public_y).predict(X_held)
    return np.array([names.get(int(k), 0) for k in nearest])


def test_with_a_private_held_out_set_a_public_copy_does_no_better_than_an_honest_model(tmp_path):
    digits_X, digits_y = load_digits(return_X_y=True)
    public_X, public_y = digits_X[:PUBLIC_ROWS], digits_y[:PUBLIC_ROWS]
    private_X, private_y = digits_X[PUBLIC_ROWS:], digits_y[PUBLIC_ROWS:]
    held_out_split = load_task(_course_task(tmp_path))
    private = load_task(_course_task(tmp_path, private_X, private_y, name="with-private-rows"))

    with threadpool_limits(1):
        # held out from the public rows: the lookup is perfect, above every honest model
        (X, y), (X_held, y_held) = (tuple(t.numpy() for t in part) for part in graded_split(held_out_split, SEED))
        cheat = (_nearest_public_copy(X, y, X_held, public_X, public_y) == y_held).mean()
        assert cheat == 1.0

        # held out from the course's own rows: every public row trains, the lookup is only a 1-NN
        (X, y), (X_held, y_held) = (tuple(t.numpy() for t in part) for part in graded_split(private, SEED))
        assert len(X) == PUBLIC_ROWS and len(X_held) == len(private_X)
        names = renaming(SEED, 10).numpy()
        assert (y_held == names[private_y]).all() and not (y_held == private_y).all()  # renamed, as always
        cheat = (_nearest_public_copy(X, y, X_held, public_X, public_y) == y_held).mean()
        honest = {name: make().fit(X, y).score(X_held, y_held) for name, make in {
            "SVC": lambda: SVC(), "StandardScaler+SVC": lambda: make_pipeline(StandardScaler(), SVC()),
            "k-NN": lambda: KNeighborsClassifier(3)}.items()}
    assert cheat <= max(honest.values()) + 0.01, (cheat, honest)
    assert cheat < 1.0 and min(honest.values()) > 0.85, (cheat, honest)


@pytest.mark.parametrize("X, y, says", [
    (np.zeros((60, 63)), np.zeros(60, dtype=int), "X has shape (60, 63)"),
    (np.zeros((60, 64)), np.full(60, 10), "labelled 0 … 9"),
    (np.zeros((60, 64)), np.zeros(60), "integer label"),
    (np.zeros((10, 64)), np.zeros(10, dtype=int), "≥ 50 rows"),
])
def test_an_unusable_private_held_out_set_is_refused_naming_the_file(tmp_path, X, y, says):
    folder = _course_task(tmp_path, X, y)
    with pytest.raises(UserError, match=re.escape(says)) as err:
        load_task(folder)
    assert "private/held_out.npz" in str(err.value) and "numpy.savez" in str(err.value)


def test_a_pickled_or_broken_file_is_refused_not_loaded(tmp_path):
    folder = _course_task(tmp_path)
    (folder / "private").mkdir()
    np.save(folder / "private" / "objects.npy", np.array([{"x": 1}], dtype=object))
    shutil.copy(folder / "private" / "objects.npy", folder / "private" / "held_out.npz")
    with pytest.raises(UserError, match="cannot be read"):
        load_task(folder)


def test_the_weeks_task_uses_the_public_split_until_the_course_adds_its_own_rows():
    task = load_task(PROJECT / "assignments" / "week07_project")
    (X, _), (X_held, _) = task.data(SEED)
    assert len(X) + len(X_held) == 1797 and not (PROJECT / "assignments" / "week07_project" / task.private_held_out).exists()
    assert torch.is_tensor(X_held)
