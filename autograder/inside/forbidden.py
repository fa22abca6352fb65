"""Run-time detection of forbidden library calls, independent of how they were named.

Two hooks, both active only while a student function runs:
- a torch function mode sees every overridable torch call (``torch.softmax``, ``F.softmax``,
  ``x.softmax``, ``nn.Softmax`` → ``F.softmax``, ``torch.special.softmax`` …) whatever alias
  reached it;
- a profile hook sees Python-level library code (``torch.distributions``, ``torch.optim``),
  identified by the module the executing code belongs to.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from torch.overrides import TorchFunctionMode, resolve_name


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


def _callable_name(func: Any) -> str:
    name = resolve_name(func)
    if name:
        return name
    module = getattr(func, "__module__", None) or "torch"
    return f"{module}.{getattr(func, '__name__', repr(func))}"


class _Mode(TorchFunctionMode):
    def __init__(self, detector: "Detector"):
        super().__init__()
        self.detector = detector

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.detector.check_torch(func)
        return func(*args, **(kwargs or {}))


@dataclass
class Detector:
    spec: ForbiddenSpec
    hits: list[str] = field(default_factory=list)

    def _hit(self, name: str) -> None:
        if name not in self.hits:
            self.hits.append(name)

    def check_torch(self, func: Any) -> None:
        name = _callable_name(func)
        last = name.rsplit(".", 1)[-1]
        raw = getattr(func, "__name__", "")
        if "*" in self.spec.ops or last in self.spec.ops or raw in self.spec.ops or name in self.spec.qualified:
            self._hit(name)

    def _profile(self, frame, event, arg) -> None:
        if event != "call":
            return
        module = frame.f_globals.get("__name__", "")
        if module.startswith(self.spec.modules):
            code = frame.f_code
            self._hit(f"{module}.{getattr(code, 'co_qualname', code.co_name)}")

    def __enter__(self) -> "Detector":
        self._mode = _Mode(self) if (self.spec.ops or self.spec.qualified) else None
        if self._mode:
            self._mode.__enter__()
        self._old_profile = sys.getprofile()
        if self.spec.modules:
            sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc) -> None:
        if self.spec.modules:
            sys.setprofile(self._old_profile)
        if self._mode:
            self._mode.__exit__(*exc)
