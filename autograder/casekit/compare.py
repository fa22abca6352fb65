"""Comparisons used by judges. Each returns None when fine, else a message for the student: what
went wrong in Korean, then the English with the figures (students of this course read Korean first)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.protocol.wire import Opaque, TensorValue


def describe(value: Any) -> str:
    if isinstance(value, TensorValue):
        return f"a tensor of shape {value.shape}"
    if isinstance(value, Opaque):
        return f"a {value.type_name}"
    return f"{type(value).__name__} {value!r}"[:120]


def tensor_mismatch(got: Any, expected: torch.Tensor, *, tol: float, what: str = "output",
                    dtype: str | None = None) -> str | None:
    """Exact shape, optional dtype, finiteness, then max relative error below ``tol``."""
    if not isinstance(got, TensorValue):
        return f"텐서가 아님 / {what} is {describe(got)}, expected a tensor of shape {tuple(expected.shape)}"
    if got.shape != tuple(expected.shape):
        return f"모양이 다름 / {what} has shape {got.shape}, expected exactly {tuple(expected.shape)}"
    if dtype is not None and got.dtype != dtype:
        return f"dtype이 다름 (입력의 dtype 유지) / {what} has dtype {got.dtype}, expected {dtype} (keep the input's dtype)"
    # in numpy: the tensors a case compares are small, and each torch call costs microseconds
    # more than the arithmetic (a submission's judging does ~3,000 of them)
    with np.errstate(invalid="ignore", over="ignore"):
        g = np.asarray(got.array).astype(np.float64)
        e = expected.detach().cpu().to(torch.float64).numpy()
        finite_e = np.isfinite(e)
        if not np.array_equal(np.isfinite(g), finite_e):
            return (f"정답은 유한한데 NaN 또는 inf가 나옴 (수치 안정성?) / {what} contains NaN or inf where the correct "
                    "result is finite (numerical stability?)")
        if e.size == 0 or not finite_e.any():
            return None
        err = float(np.abs(g[finite_e] - e[finite_e]).max() / max(float(np.abs(e[finite_e]).max()), 1e-12))
    if err >= tol:
        return (f"정답과 값이 다름 / {what} differs from the reference: max relative error {err:.2e} "
                f"(allowed {tol:.0e})")
    return None


def unchanged(got: Any, original: Any, what: str = "input") -> str | None:
    """Inputs must not be modified in place."""
    if isinstance(original, torch.Tensor):
        if not isinstance(got, TensorValue) or not torch.equal(
                got.to_torch(None), original.detach().cpu()):
            return f"입력을 직접 바꿈 — 복사본으로 계산하세요 / {what} was modified in place — work on a copy"
    elif isinstance(original, (list, tuple)) and isinstance(got, (list, tuple)):  # e.g. a list of parameters
        for i, (g, o) in enumerate(zip(got, original)):
            problem = unchanged(g, o, f"{what}[{i}]")
            if problem:
                return problem
    return None
