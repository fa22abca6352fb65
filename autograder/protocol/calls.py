"""What the judge asks the sandbox to run, as data both sides read: one ``Call`` of a student's
function (arguments through ``protocol.wire``) and the ``ForbiddenSpec`` of a case."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import torch

from autograder.protocol import wire

AUTOGRAD_OPS = frozenset({"_make_dual", "_unpack_dual"})  # forward-mode AD
# drivers whose result is a function of their inputs and the case's seed (a training run and its
# predictions): within one question's cases, the sandbox runs an identical call once and reuses
# what it returned (week 4 trains seed 0 for three cases; this trains it once)
REUSABLE_DRIVERS = frozenset({"train_predict", "train_model"})


@dataclass(frozen=True)
class Call:
    """One invocation of a student callable.

    ``fn`` names a global of the notebook. With ``grad_args``, those tensor arguments get
    ``requires_grad`` and, after the call, the grader's own code back-propagates
    ``upstream`` through the output and records their gradients.
    """

    fn: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    grad_args: tuple[int, ...] = ()
    upstream: Any = None
    label: str = ""  # human description of the configuration, for feedback
    driver: str = ""  # a name in inside.drivers.DRIVERS: run that protocol on ``fn`` instead of calling it
    key: str = ""  # content digest of a reusable call (REUSABLE_DRIVERS), set in the plan

    def to_json(self, arrays: dict[str, np.ndarray]) -> dict:
        data = {
            "fn": self.fn,
            "args": wire.encode(tuple(self.args), arrays),
            "kwargs": wire.encode(dict(self.kwargs), arrays),
            "grad_args": list(self.grad_args),
            "upstream": wire.encode(self.upstream, arrays),
            "label": self.label,
            "driver": self.driver,
        }
        if self.driver in REUSABLE_DRIVERS and not self.grad_args:
            digest = hashlib.sha256(f"{self.fn}\0{self.driver}".encode())
            _digest([data["args"], data["kwargs"]], arrays, digest)
            data["key"] = digest.hexdigest()
        return data

    @classmethod
    def from_json(cls, data: dict, arrays: dict[str, np.ndarray]) -> "Call":
        return cls(
            fn=str(data["fn"]),
            args=tuple(materialise(wire.decode(data["args"], arrays))),
            kwargs=dict(materialise(wire.decode(data["kwargs"], arrays))),
            grad_args=tuple(int(i) for i in data.get("grad_args", [])),
            upstream=materialise(wire.decode(data.get("upstream"), arrays)),
            label=str(data.get("label", "")),
            driver=str(data.get("driver", "")),
            key=str(data.get("key", "")),
        )


def _digest(value: Any, arrays: dict[str, np.ndarray], h) -> None:
    """Feed an encoded value to ``h`` with each array's contents in place of its name, so equal
    inputs drawn twice (two cases' grids) give one digest."""
    if isinstance(value, dict):
        for k in sorted(value):
            h.update(f"{{{k}:".encode())
            name = value[k]
            if k == "array" and isinstance(name, str) and name in arrays:
                a = arrays[name]
                h.update(f"{a.dtype}{a.shape}".encode())
                h.update(np.ascontiguousarray(a).tobytes())
            else:
                _digest(name, arrays, h)
            h.update(b"}")
    elif isinstance(value, (list, tuple)):
        h.update(b"[")
        for v in value:
            _digest(v, arrays, h)
            h.update(b",")
        h.update(b"]")
    else:
        h.update(repr(value).encode())


@lru_cache(maxsize=1)
def aten_operator_names() -> frozenset[str]:
    """The operators the dispatcher has (``torch.ops.aten`` makes a packet for any name asked)."""
    return frozenset(n.split("::", 1)[1].split(".", 1)[0] for n in torch._C._dispatch_get_all_op_names()
                     if n.startswith("aten::"))


def materialise(value: Any) -> Any:
    """Turn decoded TensorValues back into tensors of their original dtype."""
    if isinstance(value, wire.TensorValue):
        dtype = getattr(torch, value.dtype)
        return torch.from_numpy(np.array(value.array, copy=True)).to(dtype)
    if isinstance(value, tuple):
        return tuple(materialise(v) for v in value)
    if isinstance(value, list):
        return [materialise(v) for v in value]
    if isinstance(value, dict):
        return {k: materialise(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class ForbiddenSpec:
    ops: frozenset[str] = frozenset()  # last name component of a torch callable: "softmax"; "*": any
    qualified: frozenset[str] = frozenset()  # exact names: "torch.Tensor.backward"
    modules: tuple[str, ...] = ()  # Python module prefixes: "torch.distributions"
    network: bool = False  # any network use by the sandbox (its own counters, engine.netns) is forbidden

    def to_json(self) -> dict:
        return {"ops": sorted(self.ops), "qualified": sorted(self.qualified), "modules": list(self.modules),
                "network": self.network}

    @classmethod
    def from_json(cls, data: dict) -> "ForbiddenSpec":
        return cls(frozenset(data.get("ops", ())), frozenset(data.get("qualified", ())),
                   tuple(data.get("modules", ())), bool(data.get("network", False)))

    def __bool__(self) -> bool:
        return bool(self.ops or self.qualified or self.modules or self.network)

    @property
    def forbids_autograd(self) -> bool:
        return any(q.startswith("torch.autograd") or q == "torch.Tensor.backward" for q in self.qualified)

    @property
    def aten_ops(self) -> frozenset[str]:
        """The forbidden names the dispatcher knows as aten operators."""
        names = {op for op in self.ops if op != "*"} | (AUTOGRAD_OPS if self.forbids_autograd else set())
        return frozenset(names & aten_operator_names())
