"""Run-time detection of forbidden library calls, independent of how they were named or reached.

Layers, each covering what the one above cannot see:
- **the dispatcher**: for every forbidden name that is an aten operator, a Python kernel that
  records the call and raises is registered over the operator's CPU/CUDA/composite kernels from
  the case's first call until the next case arms its own. It sees ``torch.ops.aten.*``
  overloads, calls in other threads, under ``DisableTorchFunction`` or a popped mode stack,
  through ``torch.jit``, and while the grader encodes a lazily computed return value;
- **the autograd engine**: ``Variable._execution_engine`` is replaced (before any student code
  runs) by a proxy that refuses ``run_backward`` while a no-autograd item is called, from any
  thread (``.backward``, ``torch.autograd.grad``, ``functional``, the engine entry itself);
  forward-mode AD goes through ``aten::_make_dual`` and is caught at the dispatcher;
- **a torch function mode** names Python-level torch functions (``F.multi_head_attention_forward``)
  and implements the ``"*"`` wildcard (no torch at all);
- **a profile hook** (``sys.setprofile`` and ``threading.setprofile``) sees Python library code
  by module (``torch.distributions``, ``scipy.special``), and a call to ``sys.setprofile`` or a
  raw thread start while it watches counts as evasion.

All of this runs in the student's process: code that patches the harness itself can still
evade it. ``hide_harness`` takes the harness out of ``sys.modules`` and the grader keeps
references taken before the notebook ran; ``autograder.scan`` flags such code for a TA.
"""

from __future__ import annotations

import sys
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.autograd.variable import Variable
from torch.overrides import TorchFunctionMode, resolve_name

from autograder.protocol.calls import ForbiddenSpec

# taken at import, before any notebook runs: a cell that rebinds these names changes nothing here
_dispatch_library = torch._C._dispatch_library
_has_kernel = torch._C._dispatch_has_kernel_for_dispatch_key
_aten = torch.ops.aten
_setprofile = sys.setprofile
_getprofile = sys.getprofile
_thread_setprofile = threading.setprofile
_KEYS = ("CPU", "CUDA", "CompositeImplicitAutograd", "CompositeExplicitAutograd",
         "CompositeExplicitAutogradNonFunctional")
_EVASION = {sys.setprofile: "sys.setprofile"}  # C functions, seen as "c_call" events
_THREAD_SETPROFILE_CODE = threading.setprofile.__code__
_CO_NEWLOCALS = 0x2  # set for function frames only
try:
    import _thread
    _EVASION.update({_thread.start_new_thread: "_thread.start_new_thread"})
except ImportError:  # pragma: no cover
    pass


class ForbiddenCall(BaseException):
    """Raised by a forbidden kernel; a BaseException so ``except Exception`` does not hide it."""


def _callable_name(func: Any) -> str:
    name = resolve_name(func)
    if name:
        return name
    module = getattr(func, "__module__", None) or "torch"
    return f"{module}.{getattr(func, '__name__', repr(func))}"


# func's id → (func, its names): resolving a name costs ~4 µs and a case calls torch thousands of
# times. Keyed by identity, the entry holding the object (an id is never reused while it lives):
# an object with a lying __eq__ or __hash__ cannot pass for a cached function.
_NAMES: dict[int, tuple[Any, tuple[str, str, str]]] = {}


def _names_of(func: Any) -> tuple[str, str, str]:
    entry = _NAMES.get(id(func))
    if entry is not None and entry[0] is func:
        return entry[1]
    name = _callable_name(func)
    names = (name, name.rsplit(".", 1)[-1], str(getattr(func, "__name__", "")))
    if len(_NAMES) < 100_000:
        _NAMES[id(func)] = (func, names)
    return names


def resolve_torch_names() -> None:
    """Fill the cache with every overridable torch function (before the forks, which would each
    resolve them again): in-process, week 2's calls under the detector took 148 ms uncached, 67 ms cached."""
    for functions in torch.overrides.get_overridable_functions().values():
        for func in functions:
            _names_of(func)


# -- the process-wide state the global hooks report to --------------------------------------
class _Current:
    detector: "Detector | None" = None


def _report(name: str) -> None:
    detector = _Current.detector
    if detector is not None:
        detector._hit(name)


def recorded_hits() -> list[str]:
    """The forbidden calls the detector now watching has recorded (a fork hands them to its parent)."""
    return list(_Current.detector.hits) if _Current.detector is not None else []


def report_hits(names: list[str]) -> None:
    """Record calls seen elsewhere (in a fork of this process) with the detector now watching."""
    for name in names:
        _report(str(name))


# -- dispatcher layer -------------------------------------------------------------------------
def _kernel(qualname: str):
    def forbidden_kernel(*args, **kwargs):
        _report(qualname)
        raise ForbiddenCall(f"{qualname} is not allowed here")
    return forbidden_kernel


class _DispatchGuard:
    """Raising kernels for a set of aten operators; one registration at a time per process."""

    _library = None
    _ops: frozenset[str] = frozenset()

    @classmethod
    def arm(cls, ops: frozenset[str]) -> None:
        if ops == cls._ops:
            return
        cls.disarm()
        if not ops:
            return
        library = _dispatch_library("IMPL", "aten", "")
        with warnings.catch_warnings():  # "overriding a previously registered kernel" is the point
            warnings.simplefilter("ignore")
            for op in sorted(ops):
                for overload in getattr(_aten, op).overloads():
                    name = op if overload == "default" else f"{op}.{overload}"
                    for key in _KEYS:
                        try:
                            present = _has_kernel(f"aten::{name}", key)
                        except RuntimeError:  # a name torch.ops.aten answers but the dispatcher lacks
                            break
                        if present:
                            library.impl(name, key, _kernel(f"aten::{name}"))
        cls._library, cls._ops = library, ops

    @classmethod
    def disarm(cls) -> None:
        cls._library, cls._ops = None, frozenset()  # dropping the library restores the kernels


def arm_dispatch(spec: ForbiddenSpec) -> None:
    """Forbid ``spec``'s aten operators at the dispatcher until another spec is armed."""
    _DispatchGuard.arm(spec.aten_ops)


def disarm_dispatch() -> None:
    _DispatchGuard.disarm()


# -- autograd engine layer --------------------------------------------------------------------
class _GuardedEngine:
    """Stands in for torch's autograd engine object; refuses backward while it is forbidden."""

    def __init__(self, engine):
        self._engine = engine

    def run_backward(self, *args, **kwargs):
        detector = _Current.detector
        if detector is not None and detector.spec.forbids_autograd and detector.watching:
            _report("torch.autograd (backward engine)")
            raise ForbiddenCall("the autograd engine is not allowed here")
        return self._engine.run_backward(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._engine, name)


if not isinstance(Variable._execution_engine, _GuardedEngine):
    Variable._execution_engine = _GuardedEngine(Variable._execution_engine)


# -- torch function mode and profile layers ---------------------------------------------------
class _Mode(TorchFunctionMode):
    def __init__(self, detector: "Detector"):
        super().__init__()
        self.detector = detector

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.detector.check_torch(func)
        return func(*args, **(kwargs or {}))


@dataclass
class Detector:
    """One call's watch: ``with detector:`` around the student's call; hits are names."""

    spec: ForbiddenSpec
    hits: list[str] = field(default_factory=list)
    watching: bool = False

    def _hit(self, name: str) -> None:
        if name not in self.hits:
            self.hits.append(name)

    def check_torch(self, func: Any) -> None:
        name, last, raw = _names_of(func)
        if "*" in self.spec.ops or last in self.spec.ops or raw in self.spec.ops or name in self.spec.qualified:
            self._hit(name)

    def _profile(self, frame, event, arg) -> None:
        if not self.watching:  # our own __exit__
            return
        if event == "c_call":
            evasion = _EVASION.get(arg)
            # threading's own start installs our hook in the new thread: only a raw start evades it
            if evasion and not (evasion.startswith("_thread") and frame.f_globals.get("__name__") == "threading"):
                self._hit(f"{evasion} (switching the forbidden-call detector off)")
            return
        if event != "call":
            return
        if frame.f_code is _THREAD_SETPROFILE_CODE:
            self._hit("threading.setprofile (switching the forbidden-call detector off)")
        module = frame.f_globals.get("__name__", "")
        code = frame.f_code
        # a module or class body runs when it is imported: an import is not a call
        if module.startswith(self.spec.modules) and code.co_flags & _CO_NEWLOCALS:
            self._hit(f"{module}.{getattr(code, 'co_qualname', code.co_name)}")

    def __enter__(self) -> "Detector":
        _Current.detector = self
        self.watching = True
        self._mode = _Mode(self) if (self.spec.ops or self.spec.qualified) else None
        if self._mode:
            self._mode.__enter__()
        self._old_profile = _getprofile()
        self._hook = self._profile  # one bound method, so that it can be recognised at exit
        if self.spec.modules:
            _thread_setprofile(self._hook)
            _setprofile(self._hook)
        return self

    def __exit__(self, *exc) -> None:
        self.watching = False
        if self.spec.modules:
            if _getprofile() != self._hook:
                self._hit("sys.setprofile (the forbidden-call detector was switched off)")
            _setprofile(self._old_profile)
            _thread_setprofile(None)
        if self._mode:
            try:
                self._mode.__exit__(*exc)
            except Exception:  # the student popped or replaced the mode stack
                self._hit("torch function mode stack (the forbidden-call detector was removed)")


def hide_harness() -> None:
    """Take the harness's modules out of ``sys.modules`` before student code runs: patching
    ``sys.modules['autograder.inside.probe']`` then fails, and importing the package again gives
    a fresh copy the running harness never uses."""
    for name in [n for n in sys.modules if n == "autograder" or n.startswith("autograder.")]:
        del sys.modules[name]
