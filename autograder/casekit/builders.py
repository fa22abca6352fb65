"""Builders for the usual kinds of hidden case, so a week's cases.py reads like a test plan.

Every builder takes ``configs``: (args, kwargs, label) triples chosen by the case author
(shapes × hyper-parameters × seeds). References are computed here, in float64 on the CPU,
from the same inputs the student's function received.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import torch

from autograder.casekit.compare import describe, tensor_mismatch, unchanged
from autograder.casekit.core import RAISES, Case, Observation, Passed
from autograder.protocol.calls import ForbiddenSpec
from autograder.protocol.calls import Call
from autograder.protocol.wire import Opaque, TensorValue
from autograder.protocol.records import CallStatus

Config = tuple[tuple, dict, str]
Reference = Callable[..., torch.Tensor]


def as64(value: Any) -> Any:
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.detach().to(torch.float64)
    return value


def reference_of(reference: Reference, call: Call) -> torch.Tensor:
    """The reference's answer to ``call``, computed once per call and reference: a batch judges
    every submission against the same calls (kept beside the call's fields, so it lives as long
    as the case does). Judges only read it."""
    known = call.__dict__.setdefault("_references", {})  # a frozen dataclass still has a __dict__
    if id(reference) not in known:
        known[id(reference)] = (reference, reference(*[as64(a) for a in call.args],
                                                     **{k: as64(v) for k, v in call.kwargs.items()}))
    return known[id(reference)][1]


def _input_dtype(call: Call) -> str | None:
    for a in call.args:
        if isinstance(a, torch.Tensor) and a.is_floating_point():
            return str(a.dtype).removeprefix("torch.")
    return None


def _label(call: Call) -> str:
    return f" for {call.label}" if call.label else ""


def calls_for(fn: str, configs: Iterable[Config], **extra) -> list[Call]:
    return [Call(fn, tuple(args), dict(kwargs), label=label, **extra) for args, kwargs, label in configs]


def part_of(output: Any, part: int | None) -> Any:
    """``output[part]`` for functions that return ``(out, cache)``; the output itself for None."""
    if part is None:
        return output
    if isinstance(output, (tuple, list)) and len(output) > part:
        return output[part]
    return Opaque(f"{describe(output)} (expected a tuple with item {part})")


def values_case(id: str, title: str, points: float, fn: str, configs: Sequence[Config],
                reference: Reference, *, tol: float = 1e-7, forbidden: ForbiddenSpec = ForbiddenSpec(),
                device: str = "cpu", timeout: float | None = None, part: int | None = None,
                driver: str = "") -> Case:
    """Outputs equal the reference (shape exact, dtype kept, relative error below ``tol``).
    ``part`` picks one item of a returned tuple, e.g. 0 for ``(out, cache)``."""
    calls = calls_for(fn, configs, driver=driver)

    def judge(calls: list[Call], obs: list[Observation]) -> str | None:
        for call, o in zip(calls, obs):
            problem = tensor_mismatch(part_of(o.output, part), reference_of(reference, call), tol=tol,
                                      dtype=_input_dtype(call))
            if problem:
                return f"{fn}{_label(call)}: {problem}"
        return None

    return Case(id, title, points, calls, judge, forbidden=forbidden, device=device, timeout=timeout,
                kind="values", expected=lambda call: reference_of(reference, call), part=part)


def grad_case(id: str, title: str, points: float, fn: str, configs: Sequence[Config],
              reference: Reference, *, grad_args: tuple[int, ...] = (0,), tol: float = 1e-6,
              forbidden: ForbiddenSpec = ForbiddenSpec(), timeout: float | None = None) -> Case:
    """Autograd through the student's function gives the reference's gradient."""
    calls = []
    for args, kwargs, label in configs:
        probe_out = reference(*[as64(a) for a in args], **{k: as64(v) for k, v in kwargs.items()})
        g = torch.Generator().manual_seed(len(calls) + 7)
        upstream = torch.randn(probe_out.shape, generator=g, dtype=torch.float64)
        calls.append(Call(fn, tuple(args), dict(kwargs), grad_args=grad_args, upstream=upstream, label=label))

    def judge(calls: list[Call], obs: list[Observation]) -> str | None:
        for call, o in zip(calls, obs):
            if o.grad_error or not isinstance(o.grads, tuple):
                msg = (o.grad_error.message if o.grad_error else "") or "no gradient reached the inputs"
                return f"{fn}{_label(call)}: 기울기가 입력까지 흐르지 않음 / gradient does not flow back to the inputs ({msg})"
            leaves = [as64(call.args[i]).clone().requires_grad_(True) for i in call.grad_args]
            args = list(as64(a) for a in call.args)
            for i, leaf in zip(call.grad_args, leaves):
                args[i] = leaf
            out = reference(*args, **{k: as64(v) for k, v in call.kwargs.items()})
            expected = torch.autograd.grad(out, leaves, grad_outputs=call.upstream)
            for i, got, exp in zip(call.grad_args, o.grads, expected):
                problem = tensor_mismatch(got, exp, tol=tol, what=f"gradient w.r.t. argument {i}")
                if problem:
                    return f"{fn}{_label(call)}: {problem}"
        return None

    return Case(id, title, points, calls, judge, forbidden=forbidden, timeout=timeout, kind="grad")


def invariants_case(id: str, title: str, points: float, fn: str, configs: Sequence[Config],
                    reference: Reference, *, forbidden: ForbiddenSpec = ForbiddenSpec(),
                    part: int | None = None, driver: str = "") -> Case:
    """Shape exactly the reference's, dtype and device kept, inputs untouched, output finite.
    ``driver="call"`` for inputs only a driver can build (a seeded generator)."""
    calls = calls_for(fn, configs, driver=driver)

    def judge(calls: list[Call], obs: list[Observation]) -> str | None:
        for call, o in zip(calls, obs):
            expected = reference_of(reference, call)
            out = part_of(o.output, part)
            if not isinstance(out, TensorValue):
                return f"{fn}{_label(call)}: 텐서를 돌려주지 않음 / returned {describe(out)}, expected a tensor"
            if out.shape != tuple(expected.shape):
                return (f"{fn}{_label(call)}: 출력 모양이 정확히 같지 않음 / output shape {out.shape} is not exactly "
                        f"{tuple(expected.shape)} (a broadcastable look-alike is not enough)")
            dtype = _input_dtype(call)
            if dtype and out.dtype != dtype:
                return f"{fn}{_label(call)}: 출력 dtype이 입력과 다름 / output dtype {out.dtype}, input was {dtype}"
            if out.device.split(":")[0] != "cpu":
                return f"{fn}{_label(call)}: 출력이 다른 장치로 옮겨짐 / output moved to {out.device}; keep the input's device"
            if not torch.isfinite(out.to_torch()).all():
                return f"{fn}{_label(call)}: 출력에 NaN 또는 inf / output contains NaN or inf"
            after = o.args_after if isinstance(o.args_after, tuple) else ()
            for i, (before, now) in enumerate(zip(call.args, after)):
                problem = unchanged(now, before, what=f"argument {i}")
                if problem:
                    return f"{fn}{_label(call)}: {problem}"
        return None

    return Case(id, title, points, calls, judge, forbidden=forbidden, kind="invariants",
                expected=lambda call: reference_of(reference, call), part=part)


def raises_case(id: str, title: str, points: float, fn: str, configs: Sequence[Config],
                exception: str, *, forbidden: ForbiddenSpec = ForbiddenSpec()) -> Case:
    """Each call must raise ``exception`` (by class name, so no student class is trusted)."""
    calls = calls_for(fn, configs)

    def judge(calls: list[Call], obs: list[Observation]) -> str | None:
        for call, o in zip(calls, obs):
            raised = (o.error.type if o.error else None) if o.status is CallStatus.error else None
            if raised != exception:
                got = f"raised {raised}" if raised else "returned normally"
                return f"{fn}{_label(call)}: {exception} 예외가 나야 함 / should raise {exception}, but {got}"
        return None

    return Case(id, title, points, calls, judge, forbidden=forbidden, expects_error=True,
                kind="raises", expected=lambda call: RAISES)


# A per-call check: None or Passed when right, else what is wrong (the label is added).
Check = Callable[[Call, Observation], "str | Passed | None"]


def driver_case(id: str, title: str, points: float, fn: str, configs: Sequence[Config], check: Check, *,
                driver: str, forbidden: ForbiddenSpec = ForbiddenSpec(), timeout: float | None = None,
                device: str = "cpu") -> Case:
    """Run ``driver`` (see inside.drivers) on the student's ``fn`` for each configuration and
    judge each result with ``check``; notes of passing checks are joined for the feedback.
    A ``forward_backward`` failure names the backward function, which is what it judges."""
    calls = calls_for(fn, configs, driver=driver)

    def judge(calls: list[Call], obs: list[Observation]) -> str | Passed | None:
        notes, fraction = [], 1.0
        for call, o in zip(calls, obs):
            verdict = check(call, o)
            if isinstance(verdict, str):
                subject = call.args[0] if driver == "forward_backward" else fn
                return f"{subject}{_label(call)}: {verdict}"
            if isinstance(verdict, Passed):
                notes += [verdict.note] if verdict.note else []
                fraction = min(fraction, verdict.fraction)  # the weakest call decides
        return Passed("; ".join(notes), fraction) if notes or fraction < 1 else None

    return Case(id, title, points, calls, judge, forbidden=forbidden, device=device, timeout=timeout,
                kind="driver")
