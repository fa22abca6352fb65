"""Cases, observations and verdicts — the trusted side of the trust boundary."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

import numpy as np
import torch

from autograder.protocol import wire
from autograder.protocol.calls import ForbiddenSpec
from autograder.protocol.calls import Call
from autograder.protocol.records import CallStatus, CasePlan, ErrorRecord


class Status(str, Enum):
    passed = "passed"
    partial = "partial"  # some credit, e.g. accuracy between the thresholds
    failed = "failed"
    error = "error"  # the student's code raised
    timeout = "timeout"
    oom = "out-of-memory"
    forbidden = "forbidden"
    output_limit = "output-limit"
    crashed = "crashed"  # the case's process died (segfault, os._exit, killed itself)
    skipped = "skipped"  # e.g. a CUDA case on a machine without CUDA


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str = ""
    fraction: float = 1.0  # of the case's points, for a partial verdict
    hints: tuple = ()  # casekit.hints.Fired: the mistakes the evidence names

    @property
    def passed(self) -> bool:
        return self.status is Status.passed

    @property
    def credit(self) -> float:
        """The share of the case's points this verdict earns."""
        return {Status.passed: 1.0, Status.partial: self.fraction}.get(self.status, 0.0)


@dataclass(frozen=True)
class Observation:
    """What one call produced, decoded from the wire format (no student objects)."""

    status: CallStatus
    output: Any = None
    grads: Any = None
    args_after: Any = None
    forbidden: tuple[str, ...] = ()
    error: ErrorRecord | None = None
    grad_error: ErrorRecord | None = None
    seconds: float = 0.0

    @classmethod
    def from_json(cls, data: dict, arrays: dict[str, np.ndarray]) -> "Observation":
        def dec(key: str) -> Any:
            return wire.decode(data[key], arrays) if key in data else None

        return cls(
            status=CallStatus.read(data.get("status")),
            output=dec("output"),
            grads=dec("grads"),
            args_after=dec("args_after"),
            forbidden=tuple(str(f) for f in data.get("forbidden", [])),
            error=ErrorRecord.from_json(data.get("error")),
            grad_error=ErrorRecord.from_json(data.get("grad_error")),
            seconds=float(data.get("seconds", 0.0)),
        )


@dataclass(frozen=True)
class Passed:
    """A judge's "right", with a note for the feedback (e.g. the accuracy it measured);
    ``fraction`` below 1 gives partial credit."""

    note: str = ""
    fraction: float = 1.0


# A judge looks at the planned calls and what they produced; it returns None (or Passed) when
# the behaviour is right, else a message naming the configuration that failed.
Judge = Callable[[list[Call], list[Observation]], "str | Passed | None"]

DEFAULT_TIMEOUT = 20.0
RAISES = object()  # the answer to a call whose right behaviour is to raise (for hints)
_OOM_MARKERS = ("can't allocate memory", "CUDA out of memory", "DefaultCPUAllocator")


@dataclass
class Case:
    id: str  # "softmax/overflow"
    title: str  # one line for feedback
    points: float
    calls: list[Call]
    judge: Judge
    forbidden: ForbiddenSpec = field(default_factory=ForbiddenSpec)
    device: str = "cpu"
    timeout: float | None = None  # None: the course's grading.case_timeout_s
    seed: int = 0
    expects_error: bool = False  # the judge wants errors as data (e.g. "must raise ValueError")
    forbidden_hint: str = "implement it yourself"
    # for hints (casekit.hints): the correct answer to a call in float64, as the output is
    # compared (None: no single answer, e.g. a driver's protocol), the item of a returned tuple
    # it is compared with, and the rules of the case's question
    kind: str = ""  # the builder that made it: values, grad, invariants, raises, driver
    expected: Callable[[Call], Any] | None = None
    part: int | None = None
    hint_rules: list = field(default_factory=list)

    @property
    def function(self) -> str:
        return self.id.split("/", 1)[0]

    def runnable(self, gpu: bool = False) -> bool:
        """CPU cases always; CUDA cases where the sandbox has a GPU (a container given one, or
        this machine's torch sees one)."""
        return self.device == "cpu" or (self.device.startswith("cuda") and (gpu or torch.cuda.is_available()))

    def plan(self, arrays: dict[str, np.ndarray], timeout: float | None = None) -> dict:
        """The JSON the sandbox receives: calls only — no references, no judge. ``timeout`` is
        the case's wall clock as the grader resolved it (``Limits.case_timeout``)."""
        return CasePlan(id=self.id, calls=[c.to_json(arrays) for c in self.calls], group=self.function,
                        forbidden=self.forbidden.to_json(), device=self.device,
                        timeout=timeout or self.timeout or DEFAULT_TIMEOUT, seed=self.seed).to_json()

    def verdict(self, observations: list[Observation]) -> Verdict:
        hits = list(dict.fromkeys(h for o in observations for h in o.forbidden))  # first seen first
        if hits:
            named = ", ".join(hits[:3]) + (f" and {len(hits) - 3} more" if len(hits) > 3 else "")
            return Verdict(Status.forbidden, f"uses forbidden {named} — {self.forbidden_hint}")
        for call, obs in zip(self.calls, observations):
            where = f" ({call.label})" if call.label else ""
            if obs.status is CallStatus.missing:
                return Verdict(Status.error, (obs.error or ErrorRecord()).message or "function missing")
            err = obs.error or ErrorRecord()
            if obs.status is CallStatus.timeout:
                return Verdict(Status.timeout, f"{call.fn}{where}: did not finish in time ({err.message})")
            if obs.status is CallStatus.oom or any(m in err.message for m in _OOM_MARKERS):
                return Verdict(Status.oom, f"{call.fn}{where}: ran out of memory")
            if obs.status is CallStatus.error and not self.expects_error:
                return Verdict(Status.error, f"{call.fn}{where} raised {err.type}: "
                                             f"{err.message}\n{err.traceback}".strip())
        if len(observations) < len(self.calls):
            return Verdict(Status.crashed, "the case stopped before all calls ran")
        problem = self.judge(self.calls, observations)
        if problem is None:
            return Verdict(Status.passed)
        if isinstance(problem, Passed):
            fraction = min(max(float(problem.fraction), 0.0), 1.0)
            if fraction >= 1.0:
                return Verdict(Status.passed, problem.note)
            return Verdict(Status.partial if fraction > 0 else Status.failed, problem.note, fraction)
        return Verdict(Status.failed, problem)
