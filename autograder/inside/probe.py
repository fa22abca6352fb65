"""Call a student's function as a test case asks, and record what came back.

A probe never judges: it returns raw observations (values, errors, forbidden calls, time)
that the grader compares against references it computed itself.
"""

from __future__ import annotations

import functools
import signal
import time
import traceback
from typing import Any

import numpy as np
import torch

from autograder.inside.drivers import DRIVERS
from autograder.inside.forbidden import Detector, arm_dispatch, disarm_dispatch
from autograder.protocol import wire
from autograder.protocol.calls import Call, ForbiddenSpec
from autograder.protocol.records import CallStatus


class CaseTimeout(BaseException):
    """Raised by the alarm; a BaseException so ``except Exception`` in student code misses it."""


def _clone(value: Any, device: str) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone().to(device)
    if isinstance(value, tuple):
        return tuple(_clone(v, device) for v in value)
    if isinstance(value, list):
        return [_clone(v, device) for v in value]
    if isinstance(value, dict):
        return {k: _clone(v, device) for k, v in value.items()}
    return value


def describe_error(exc: BaseException, limit: int = 1500) -> dict:
    """The exception with only the student's frames (cells are compiled as '<cell N>')."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")]
    lines = traceback.format_list(frames[-3:]) + traceback.format_exception_only(type(exc), exc)
    return {"type": type(exc).__name__, "message": str(exc)[:500], "traceback": "".join(lines)[-limit:]}


# A function whose call ran out of time once (its code, the innermost of the student's frames
# when the alarm fired) gets this long per call from then on, in whatever case calls it: week 6's
# training calls the student's build_vocab, and a build_vocab that never returns would otherwise
# cost the training case's whole limit (90 s) after costing its own question's.
HUNG_CALL_S = 1.0
_TICK_S = 0.25
_HUNG_CODE: dict[Any, str] = {}  # code object → function name, for this process
_PROFILE_HOOK = Detector._profile.__code__


def note_hung(exc: BaseException) -> None:
    """Remember the student's function that was running when ``exc`` (a timeout) was raised."""
    tb, innermost = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell"):
            innermost = tb.tb_frame.f_code
        tb = tb.tb_next
    if innermost is not None and len(_HUNG_CODE) < 100:
        _HUNG_CODE[innermost] = innermost.co_name


def _in_profile_hook(frame) -> bool:
    """Whether ``frame`` is the detector's profile hook or something it called."""
    while frame is not None:
        if frame.f_code is _PROFILE_HOOK:
            return True
        frame = frame.f_back
    return False


class Alarm:
    """SIGALRM-based time limit for the current thread (the main thread in the sandbox). Where a
    function has hung before (``note_hung``), the alarm also ticks, and a call of that function
    that has been running for ``HUNG_CALL_S`` is stopped there."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self._seen: dict[Any, float] = {}  # a frame of a hung function → when a tick first saw it

    def _fire(self, _signum, frame):
        if _in_profile_hook(frame):
            # raising inside a profile hook makes Python remove the hook, which the detector
            # would report as switched off: fire again a moment later, in the student's code
            signal.setitimer(signal.ITIMER_REAL, 1e-3, signal.getitimer(signal.ITIMER_REAL)[1])
            return
        now = time.monotonic()
        if now >= self._deadline:
            raise CaseTimeout(f"time limit of {self.seconds:.3g} s exceeded")
        on_stack: dict[Any, float] = {}  # frames hash by identity; holding them keeps them apart
        while frame is not None:
            if frame.f_code in _HUNG_CODE:
                first = on_stack[frame] = self._seen.get(frame, now)
                if now - first >= HUNG_CALL_S:
                    self._seen = {}
                    raise CaseTimeout(f"{_HUNG_CODE[frame.f_code]} ran for {HUNG_CALL_S:g} s: it did not "
                                      "finish in time in an earlier case, so each call of it gets only that long")
            frame = frame.f_back
        self._seen = on_stack
        left = self._deadline - now
        if left < _TICK_S:  # the last tick lands on the deadline
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.0) + 2e-3)

    def __enter__(self):
        if self.seconds:
            self._deadline = time.monotonic() + self.seconds - 1e-3
            self._old = signal.signal(signal.SIGALRM, self._fire)
            if _HUNG_CODE and self.seconds > _TICK_S:
                signal.setitimer(signal.ITIMER_REAL, _TICK_S, _TICK_S)
            else:
                signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)
            self._seen = {}


def run_call(call: Call, namespace: dict, forbidden: ForbiddenSpec, device: str,
             arrays: dict[str, np.ndarray], time_left: float | None, memo: dict | None = None) -> dict:
    """Execute one call; return a JSON observation (tensor data appended to ``arrays``).

    ``memo`` (one question's cases) keeps what a reusable call (``call.key``) returned without
    error or forbidden call; the same call under the same rules is answered from it."""
    fn = namespace.get(call.fn)
    if not callable(fn):
        return {"status": CallStatus.missing, "error": {"type": "NameError",
                "message": f"'{call.fn}' is not defined (or not callable) in the notebook",
                "traceback": ""}, "forbidden": [], "seconds": 0.0}
    reuse = (call.key, repr(forbidden), device) if memo is not None and call.key else None
    if reuse in (memo or {}):
        out, args, seconds = memo[reuse]
        obs: dict = {"status": CallStatus.ok, "forbidden": [], "seconds": seconds, "reused": True}
    else:
        if call.driver:
            fn = functools.partial(DRIVERS[call.driver], namespace, fn)
        args = list(_clone(call.args, device))
        kwargs = _clone(call.kwargs, device)
        for i in call.grad_args:
            args[i].requires_grad_(True)
        detector = Detector(forbidden)
        obs = {"status": CallStatus.ok, "forbidden": detector.hits}
        start = time.perf_counter()
        out = None
        try:
            with Alarm(time_left), detector:
                out = fn(*args, **kwargs)
        except CaseTimeout as exc:
            note_hung(exc)
            obs.update(status=CallStatus.timeout, error={"type": "Timeout", "message": str(exc), "traceback": ""})
        except MemoryError as exc:
            obs.update(status=CallStatus.oom, error=describe_error(exc))
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
            obs.update(status=CallStatus.error, error=describe_error(exc))
        obs["seconds"] = time.perf_counter() - start
        if reuse is not None and obs["status"] is CallStatus.ok and not detector.hits:
            memo[reuse] = (out, args, obs["seconds"])
    try:  # a lazily computed value (a tensor subclass, an ndarray view) runs student code here too
        if obs["status"] is CallStatus.ok:
            obs["output"] = wire.encode(out, arrays)
            if call.grad_args:
                obs["grads"] = _gradients(out, args, call, device, arrays, obs)
        obs["args_after"] = wire.encode(tuple(a.detach() if isinstance(a, torch.Tensor) else a for a in args),
                                        arrays)
    except BaseException as exc:  # noqa: BLE001
        obs.pop("output", None)
        obs.update(status=CallStatus.error, error=describe_error(exc))
        obs["error"]["message"] = "reading the returned value failed: " + obs["error"]["message"]
    return obs


def _gradients(out: Any, args: list, call: Call, device: str, arrays: dict, obs: dict) -> Any:
    """Back-propagate ``call.upstream`` through the student's output (the grader's own step)."""
    try:
        if not isinstance(out, torch.Tensor) or not out.requires_grad:
            raise TypeError("output is not connected to the inputs' autograd graph")
        upstream = _clone(call.upstream, device)
        torch.autograd.backward(out, grad_tensors=upstream.to(out.dtype) if upstream is not None else None)
        return wire.encode(tuple(args[i].grad for i in call.grad_args), arrays)
    except BaseException as exc:  # noqa: BLE001
        obs["grad_error"] = describe_error(exc)
        return None


def seed_torch(seed: int, device: str = "cpu") -> None:
    """``torch.manual_seed`` for what a case uses: the CPU generator directly (about 1 µs, where
    torch.manual_seed spends ~100 µs touching the lazy CUDA/XPU state), the GPUs' too for a GPU case."""
    torch.default_generator.manual_seed(seed)
    if device != "cpu" and torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def run_case(calls: list[Call], namespace: dict, arrays: dict[str, np.ndarray], *,
             forbidden: ForbiddenSpec, device: str = "cpu", timeout: float | None = None,
             seed: int = 0, keep_armed: bool = False, memo: dict | None = None) -> list[dict]:
    """Run every call of one test case; return one observation per call that ran.

    The forbidden operators stay refused at the dispatcher from the first call to the last
    encoded value; with ``keep_armed`` (the cases' fork) also after, until the next case arms its own."""
    deadline = time.perf_counter() + timeout if timeout else None
    observations = []
    arm_dispatch(forbidden)
    try:
        for call in calls:
            seed_torch(seed, device)
            np.random.seed(seed % (2**32))
            left = max(deadline - time.perf_counter(), 0.001) if deadline else None
            obs = run_call(call, namespace, forbidden, device, arrays, left, memo)
            observations.append(obs)
            if obs["status"] in (CallStatus.timeout, CallStatus.missing):
                break
    finally:
        if not keep_armed:
            disarm_dispatch()
    return observations
