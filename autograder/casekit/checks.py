"""Pieces several weeks' ``cases.py`` share: seeded inputs, autograd as a forbidden call,
forward→backward plans judged against autograd, and the accuracy of returned predictions."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch

from autograder.casekit.builders import Check, Config
from autograder.casekit.compare import describe, tensor_mismatch
from autograder.casekit.core import Passed
from autograder.protocol.calls import Call
from autograder.protocol.wire import TensorValue

# calling autograd where the student must derive gradients by hand
AUTOGRAD_CALLS = frozenset({"torch.Tensor.backward", "torch.autograd.grad", "torch.autograd.backward",
                            "torch.autograd.functional.jacobian", "torch.autograd.functional.vjp"})


def randn(shape, seed: int, *, scale: float = 1.0, shift: float = 0.0, dtype=torch.float64) -> torch.Tensor:
    """Normal samples drawn in float64 from a seed, then cast: the same values for every dtype."""
    g = torch.Generator().manual_seed(1000 + seed)
    return (torch.randn(shape, generator=g, dtype=torch.float64) * scale + shift).to(dtype)


def backward_grid(backward: str, reference: Callable, configs: Sequence[Config], *, seed: int = 500) -> list[Config]:
    """Configurations for the ``forward_backward`` driver: each forward's inputs, then an
    upstream gradient shaped like the reference output, in the first input's dtype."""
    out = []
    for i, (args, kwargs, label) in enumerate(configs):
        y = reference(*[a.to(torch.float64) if isinstance(a, torch.Tensor) else a for a in args], **kwargs)
        dout = randn(tuple(y.shape), seed + i, dtype=args[0].dtype)
        out.append(((backward, args, kwargs, dout), {}, label))
    return out


def backward_check(reference: Callable, names: tuple[str, ...], tol: float = 1e-6) -> Check:
    """The backward's gradients w.r.t. the first ``len(names)`` forward inputs equal autograd's
    through ``reference`` in float64 (one name: the backward returns that gradient alone), and
    the forward output kept the input's dtype."""
    def check(call: Call, obs) -> str | None:
        backward, args, kwargs, dout = call.args
        leaves = [a.detach().to(torch.float64).requires_grad_(True) for a in args[:len(names)]]
        y = reference(*leaves, *args[len(names):], **kwargs)
        expected = torch.autograd.grad(y, leaves, grad_outputs=dout.to(torch.float64))
        grads = obs.output.get("grads") if isinstance(obs.output, dict) else None
        got = (grads,) if len(names) == 1 else grads
        if not isinstance(got, (tuple, list)) or len(got) != len(names):
            return f"기울기 개수·형식이 다름 / {backward} returned {describe(grads)}, expected {', '.join(names)}"
        dtype = str(args[0].dtype).removeprefix("torch.")
        out = obs.output.get("out")
        if isinstance(out, TensorValue) and out.dtype != dtype:
            return (f"forward 출력 dtype이 다름 / the forward output has dtype {out.dtype}, expected {dtype} "
                    "(keep the input's dtype)")
        for name, g, e in zip(names, got, expected):
            problem = tensor_mismatch(g, e, tol=tol, what=name, dtype=dtype)
            if problem:
                return problem
        return None
    return check


def held_out_seed(key: int, seed: int) -> int:
    """The seed of a case's held-out data: mixed from a private ``key`` (real entropy, kept in the
    week's cases.py or grader.yml's ``holdout_seed``) and the case's public ``seed``. Never
    ``base + seed``: a predict() could replay the generator over small seeds until its points match."""
    return int(np.random.SeedSequence([key, seed]).generate_state(1)[0])


def accuracy_check(labels_of: Callable[[Call], torch.Tensor], threshold: float, *, which: int = 0,
                   what: str = "held-out") -> Check:
    """``train_predict``'s ``which``-th predictions reach ``threshold`` accuracy on labels that
    never left the grader; the measured accuracy goes into the feedback either way."""
    def check(call: Call, obs) -> str | Passed:
        y = labels_of(call)
        preds = obs.output.get("predictions") if isinstance(obs.output, dict) else None
        pred = preds[which] if isinstance(preds, list) and len(preds) > which else None
        if not isinstance(pred, TensorValue) or pred.shape != (len(y),):
            return f"예측 개수가 다름 / predict(X) must return {len(y)} labels, returned {describe(pred)}"
        acc = float((pred.to_torch(torch.int64) == y).double().mean())
        if acc < threshold:
            return f"정확도 {acc:.3f} < {threshold:.2f} / {what} accuracy {acc:.3f} is below {threshold:.2f}"
        return Passed(f"{what} accuracy {acc:.3f} ({call.label})")
    return check
