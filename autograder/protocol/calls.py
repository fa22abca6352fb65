"""What the judge asks the sandbox to run, as data both sides read: one ``Call`` of a student's
function (arguments through ``protocol.wire``) and the ``ForbiddenSpec`` of a case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from autograder.protocol import wire

AUTOGRAD_OPS = frozenset({"_make_dual", "_unpack_dual"})  # forward-mode AD
_aten = torch.ops.aten


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

    def to_json(self, arrays: dict[str, np.ndarray]) -> dict:
        return {
            "fn": self.fn,
            "args": wire.encode(tuple(self.args), arrays),
            "kwargs": wire.encode(dict(self.kwargs), arrays),
            "grad_args": list(self.grad_args),
            "upstream": wire.encode(self.upstream, arrays),
            "label": self.label,
            "driver": self.driver,
        }

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
        )


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

    def to_json(self) -> dict:
        return {"ops": sorted(self.ops), "qualified": sorted(self.qualified), "modules": list(self.modules)}

    @classmethod
    def from_json(cls, data: dict) -> "ForbiddenSpec":
        return cls(frozenset(data.get("ops", ())), frozenset(data.get("qualified", ())),
                   tuple(data.get("modules", ())))

    def __bool__(self) -> bool:
        return bool(self.ops or self.qualified or self.modules)

    @property
    def forbids_autograd(self) -> bool:
        return any(q.startswith("torch.autograd") or q == "torch.Tensor.backward" for q in self.qualified)

    @property
    def aten_ops(self) -> frozenset[str]:
        """The forbidden names the dispatcher knows as aten operators."""
        names = {op for op in self.ops if op != "*"} | (AUTOGRAD_OPS if self.forbids_autograd else set())
        return frozenset(n for n in names if hasattr(_aten, n))
