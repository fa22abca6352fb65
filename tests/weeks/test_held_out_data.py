"""Held-out data no submission can rebuild: the two-moons test points (week 3) and the sentiment
reviews (week 6) come from seeds mixed with a private key, so regenerating the data over small seeds
(the held-out seed was once 200 + seed) never finds them; grader.yml's holdout_seed replaces the key."""

from __future__ import annotations

import torch
from sklearn.datasets import make_moons

from autograder.casekit.loader import load_cases
from tests.conftest import PROJECT

WEEK3, WEEK6 = PROJECT / "assignments" / "week03_backprop", PROJECT / "assignments" / "week06_nlp"


def _held_out_inputs(cases, case_id: str) -> list[torch.Tensor]:
    case = next(c for c in cases if c.id == case_id)
    return [call.args[1][0] for call in case.calls]  # ((X, y, seed), [X_held]) per seed


def test_the_two_moons_held_out_points_cannot_be_regenerated_from_a_small_seed():
    held = _held_out_inputs(load_cases(WEEK3), "train_mlp/accuracy")
    assert len(held) == 3
    for r in range(0, 2000):
        X, _ = make_moons(n_samples=1000, noise=0.25, random_state=r)
        candidate = torch.tensor(X, dtype=torch.float32)
        assert not any(torch.equal(candidate, h) for h in held), f"held-out points replayed with random_state={r}"


def test_a_course_key_from_grader_yml_changes_every_held_out_set():
    for folder, case_id in ((WEEK3, "train_mlp/accuracy"), (WEEK6, "sentiment/accuracy")):
        default = _held_out_inputs(load_cases(folder), case_id)
        ours = _held_out_inputs(load_cases(folder, holdout_seed=0x5D1E_2026_0719), case_id)
        again = _held_out_inputs(load_cases(folder, holdout_seed=0x5D1E_2026_0719), case_id)
        assert all(a is not None for a in default)
        for d, o, a in zip(default, ours, again):
            same = torch.equal(d, o) if isinstance(d, torch.Tensor) else d == o
            assert not same, case_id  # another course, other held-out data
            assert (torch.equal(o, a) if isinstance(o, torch.Tensor) else o == a)  # and the same every batch
