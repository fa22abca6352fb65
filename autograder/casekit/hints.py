"""Hints that name a student's mistake — judged on evidence, never guessed from which cases failed.

A hint (``Hint``) is course content: an id ``<question>.<bug>``, a Korean explanation and its
English line (what to look at, never solution code). A week's ``hints.py`` pairs each hint with
its evidence (``Rule``):

- ``variant(...)``: the buggy variant computed here, in float64 like a reference. It fires on a
  failing case when the student's values equal the variant's on every call where the variant
  and the correct answer differ, at least one of those matches being more than an error or an
  all-NaN/inf output (no evidence of *which* mistake). Two rules can fire on one case; a case no
  rule explains gets none.
- ``raised(...)``: an equally specific recorded signal — the call raised a named error on a
  case built to provoke exactly that mistake.
- The generic rules of every question (``generic_rules``): a forbidden call recorded, an input
  found mutated, the output's dtype or device changed.

Nothing here runs student code: it reads the observations the sandbox returned.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch

from autograder.casekit.core import RAISES, Case, Observation, Status, Verdict
from autograder.protocol.calls import Call
from autograder.protocol.wire import TensorValue
from autograder.protocol.records import CallStatus, ErrorRecord

HINTED = frozenset({Status.failed, Status.error, Status.forbidden})  # verdicts a hint may explain


@dataclass(frozen=True)
class Hint:
    id: str  # "softmax.global-max"
    ko: str
    en: str

    @property
    def question(self) -> str:
        return self.id.split(".", 1)[0]

    def line(self, detail: str = "") -> str:
        """The feedback line; the bracketed id is the machine-readable part."""
        extra = f" ({detail})" if detail else ""
        return f"> 💡 [hint:{self.id}] {self.ko}{extra} / {self.en}{extra}"


@dataclass(frozen=True)
class Fired:
    id: str
    detail: str = ""


# evidence: None when the rule does not apply to this case, else the detail ("" for none)
Evidence = Callable[[Case, list[Observation]], "str | None"]


@dataclass(frozen=True)
class Rule:
    hint: Hint
    evidence: Evidence
    cases: tuple[str, ...] = ()  # the question's case names it looks at; () = every case
    variant_of: Callable[[Call], Any] | None = None  # for the audit: the variant's answer to a call


# -- comparing observed values with computed ones --------------------------------------------
def _array(value: Any) -> np.ndarray | None:
    if isinstance(value, TensorValue):
        return np.asarray(value.array).astype(np.float64)
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64).numpy()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return np.asarray(float(value))
    return None


def _shape(value: Any) -> tuple | None:
    if isinstance(value, TensorValue):
        return tuple(value.shape)
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    return () if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Whole(dict):
    """An answer that is a mapping compared as a whole (a vocabulary): the keys must be the same,
    where a plain dict answer names only the keys a driver's result is compared on."""


def same(got: Any, expected: Any, tol: float) -> bool:
    """``got`` (observed, or computed) equals ``expected`` within ``tol`` relative to its largest
    entry, with NaN/inf in the same places. Containers compare item by item; a dict compares the
    keys ``expected`` names."""
    if expected is RAISES or got is RAISES:
        return got is expected
    if isinstance(expected, Whole) and (not isinstance(got, dict) or set(got) != set(expected)):
        return False
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and same(got[k], v, tol) for k, v in expected.items())
    if isinstance(expected, (list, tuple)):
        return (isinstance(got, (list, tuple)) and len(got) == len(expected)
                and all(same(g, e, tol) for g, e in zip(got, expected)))
    e, g = _array(expected), _array(got)
    if e is None or g is None:
        return expected == got
    if _shape(got) != _shape(expected):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(e)
        if not np.array_equal(np.isfinite(g), finite) or not np.array_equal(np.isnan(g), np.isnan(e)):
            return False
        if not np.array_equal(g[~finite & ~np.isnan(e)], e[~finite & ~np.isnan(e)]):  # ±inf signs
            return False
        if not finite.any():
            return True
        scale = max(float(np.abs(e[finite]).max()), 1e-12)
        return float(np.abs(g[finite] - e[finite]).max()) / scale < tol


def informative(value: Any) -> bool:
    """Not only NaN/inf: a finite value can tell one mistake from another."""
    if isinstance(value, dict):
        return any(informative(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(informative(v) for v in value)
    a = _array(value)
    if a is not None:
        return bool(np.isfinite(a).any())
    return value is not RAISES and value is not None


def _tol(call: Call) -> float:
    """float64 calls compare at 1e-6; a call with lower-precision tensors at 1e-4."""
    def low(v: Any) -> bool:
        if isinstance(v, torch.Tensor):
            return v.is_floating_point() and v.dtype != torch.float64
        if isinstance(v, (list, tuple)):
            return any(low(x) for x in v)
        if isinstance(v, dict):
            return any(low(x) for x in v.values())
        return False
    return 1e-4 if low(call.args) or low(call.kwargs) else 1e-6


def as64(value: Any) -> Any:
    """Floating tensors (also inside lists, tuples and dicts) in float64, detached copies."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone().to(torch.float64) if value.is_floating_point() else value.detach().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(as64(v) for v in value)
    if isinstance(value, dict):
        return {k: as64(v) for k, v in value.items()}
    return value


def answer(fn: Callable[..., Any]) -> Callable[[Call], Any]:
    """A function of the question's own signature as an answer to a call (float64 inputs;
    raising is an answer too)."""
    def of(call: Call) -> Any:
        try:
            return fn(*as64(call.args), **as64(call.kwargs))
        except Exception:  # noqa: BLE001 - our own variant raising is its answer
            return RAISES
    return of


def autograd_backward(reference: Callable[..., Any], n: int) -> Callable[[Call], Any]:
    """The right answer to a ``forward_backward`` call, in the driver's form ``{"grads": ...}``:
    autograd through ``reference`` in float64 w.r.t. the first ``n`` forward inputs (one: the
    gradient alone, as a backward returning one gradient does)."""
    def of(call: Call) -> Any:
        _, args, kwargs, dout = call.args
        leaves = [as64(a).requires_grad_(True) for a in args[:n]]
        y = reference(*leaves, *as64(args[n:]), **as64(kwargs))
        grads = torch.autograd.grad(y, leaves, grad_outputs=as64(dout))
        return {"grads": tuple(grads) if n > 1 else grads[0]}
    return of


def buggy_backward(grads_of: Callable[..., Any]) -> Callable[[Call], Any]:
    """A buggy backward's answer to a ``forward_backward`` call: ``grads_of(*inputs, **kwargs,
    dout=dout)`` in float64, in the driver's form."""
    def of(call: Call) -> Any:
        _, args, kwargs, dout = call.args
        return {"grads": grads_of(*as64(args), **as64(kwargs), dout=as64(dout))}
    return of


def _cached(fn: Callable[[Call], Any], call: Call) -> Any:
    known = call.__dict__.setdefault("_hint_answers", {})  # per call and function, as reference_of
    if id(fn) not in known:
        known[id(fn)] = (fn, fn(call))
    return known[id(fn)][1]


def _observed(obs: Observation, part: int | None) -> Any:
    if obs.status is CallStatus.error:
        return RAISES
    if obs.status is not CallStatus.ok:
        return None
    out = obs.output
    if part is not None:
        return out[part] if isinstance(out, (list, tuple)) and len(out) > part else None
    return out


def variant(buggy: Callable[[Call], Any], correct: Callable[[Call], Any] | None = None, *,
            part: int | None = None, driver: str | None = None,
            fn: str | None = None) -> tuple[Evidence, Callable[[Call], Any]]:
    """Evidence that the student computes ``buggy``'s answers (see the module's docstring).
    ``correct`` defaults to the case's own reference (``Case.expected``); ``part`` picks the item
    of a returned tuple; ``driver`` and ``fn`` limit the rule to calls run by that driver or of
    that notebook function."""
    def evidence(case: Case, observations: list[Observation]) -> str | None:
        right = correct or case.expected
        if right is None:
            return None
        distinguishing = strong = weak = 0
        for call, obs in zip(case.calls, observations):
            if (driver is not None and call.driver != driver) or (fn is not None and call.fn != fn):
                continue
            tol = _tol(call)
            wrong, good = _cached(buggy, call), _cached(right, call)
            if correct is None and case.part is not None and isinstance(wrong, tuple):
                wrong = wrong[case.part] if len(wrong) > case.part else None  # the item the case compares
            if wrong is None or same(wrong, good, tol):
                continue
            distinguishing += 1
            got = _observed(obs, part if part is not None or correct is not None else case.part)
            if got is None:
                continue
            if same(got, good, tol):
                return None  # right here, where the variant is wrong: not this mistake
            if same(got, wrong, tol):
                if informative(wrong):
                    strong += 1
                else:
                    weak += 1  # consistent, but an error or an all-NaN output alone proves nothing
        return "" if strong >= 1 and strong + weak == distinguishing else None
    return evidence, buggy


def any_of(*found: tuple[Evidence, Callable[[Call], Any]]) -> tuple[Evidence, Callable[[Call], Any]]:
    """One mistake written several ways (e.g. ``mean`` and ``sum`` swapped, or the mean over N·C
    entries): the first variant with evidence names it."""
    def evidence(case: Case, observations: list[Observation]) -> str | None:
        for check, _ in found:
            detail = check(case, observations)
            if detail is not None:
                return detail
        return None
    return evidence, found[0][1]


def raised(*types: str, message: str = "") -> Evidence:
    """Evidence that a call raised one of ``types`` (class names) with ``message`` in its text."""
    def evidence(case: Case, observations: list[Observation]) -> str | None:
        for obs in observations:
            err = obs.error or ErrorRecord()
            if obs.status is CallStatus.error and err.type in types and message in err.message:
                return ""
        return None
    return evidence


def rule(hint_id: str, ko: str, en: str, evidence: Evidence | tuple[Evidence, Callable[[Call], Any]], *,
         cases: Iterable[str] = ()) -> Rule:
    """One catalogue entry with its evidence, as a week's ``hints.py`` writes it."""
    found, of = evidence if isinstance(evidence, tuple) else (evidence, None)
    return Rule(Hint(hint_id, ko, en), found, tuple(cases), of)


# -- the mistakes of any question ------------------------------------------------------------
def _forbidden(case: Case, observations: list[Observation]) -> str | None:
    hits = list(dict.fromkeys(h for o in observations for h in o.forbidden))
    return ", ".join(hits[:3]) if hits else None


def _tensor_args(call: Call) -> list[tuple[int, torch.Tensor]]:
    if call.driver not in ("", "call"):
        return []
    return [(i, a) for i, a in enumerate(call.args) if isinstance(a, torch.Tensor)]


def _mutated(case: Case, observations: list[Observation]) -> str | None:
    for call, obs in zip(case.calls, observations):
        after = obs.args_after if isinstance(obs.args_after, tuple) else ()
        for i, before in _tensor_args(call):
            now = after[i] if i < len(after) else None
            if isinstance(now, TensorValue) and now.shape == tuple(before.shape) and not torch.equal(
                    now.to_torch(None), before.detach().cpu()):
                return f"argument {i}"
    return None


def _outputs(obs: Observation) -> list[TensorValue]:
    out = obs.output
    if isinstance(out, TensorValue):
        return [out]
    if isinstance(out, (list, tuple)):
        return [o for o in out if isinstance(o, TensorValue)]
    if isinstance(out, dict):
        return _outputs(Observation(CallStatus.ok, out.get("out"))) + _outputs(Observation(CallStatus.ok, out.get("grads")))
    return []


def _input_dtype(call: Call) -> str | None:
    args = call.args[1] if call.driver == "forward_backward" else call.args
    for a in args:
        if isinstance(a, torch.Tensor) and a.is_floating_point():
            return str(a.dtype).removeprefix("torch.")
    return None


_DTYPE_ERRORS = re.compile(r"same (scalar )?type|expected scalar type|dtype", re.I)


def _dtype_changed(case: Case, observations: list[Observation]) -> str | None:
    for call, obs in zip(case.calls, observations):
        if call.driver not in ("", "call", "forward_backward"):
            continue
        message = obs.error.message if obs.error else ""
        if obs.status is CallStatus.error and _input_dtype(call) and _DTYPE_ERRORS.search(message):
            return message.splitlines()[0][:120] if message else ""  # a tensor made in another dtype met the input
        dtype = _input_dtype(call)
        floats = [o for o in _outputs(obs) if o.dtype.startswith(("float", "bfloat"))]
        if dtype and floats and floats[0].dtype != dtype:
            return f"{dtype} → {floats[0].dtype}"
    return None


_DEVICE_MARKERS = ("Expected all tensors to be on the same device", "expected device", "but got device")


def _device(case: Case, observations: list[Observation]) -> str | None:
    if case.device == "cpu":
        return None
    for obs in observations:
        moved = [o.device for o in _outputs(obs) if o.device.split(":")[0] != case.device.split(":")[0]]
        if moved:
            return f"{case.device} → {moved[0]}"
        if obs.status is CallStatus.error and any(m in (obs.error.message if obs.error else "") for m in _DEVICE_MARKERS):
            return case.device
    return None


GENERIC = {
    "forbidden-call": (_forbidden, "이 문제에서 쓰면 안 되는 API를 호출했습니다. 문제의 허용 목록을 다시 보고 직접 구현하세요",
                       "calls an API this question forbids: implement it yourself"),
    "mutates-input": (_mutated, "입력 텐서를 제자리(in-place)에서 바꿨습니다. `-=`, `.add_()` 같은 연산 대신 새 텐서를 만드세요",
                      "an input tensor was changed in place: compute into a new tensor instead"),
    "dtype-changed": (_dtype_changed, "출력의 dtype이 입력과 다릅니다. `.double()`/`.float()` 변환이나 새로 만든 텐서의 dtype을 확인하세요",
                      "the output's dtype differs from the input's: check casts and the dtype of tensors you create"),
    "device": (_device, "텐서를 고정된 장치에 만들었습니다. 새 텐서는 입력의 device(`x.device`)에 만드세요",
               "tensors created on a fixed device: create new ones on the input's device (`x.device`)"),
}


def generic_rules(question: str, checks_inputs: bool = True) -> list[Rule]:
    """``mutates-input`` only for a question whose cases check untouched inputs: some functions
    update a state they are given on purpose (batch-norm's running statistics)."""
    return [Rule(Hint(f"{question}.{bug}", ko, en), found) for bug, (found, ko, en) in GENERIC.items()
            if checks_inputs or bug != "mutates-input"]


# -- firing and storing ----------------------------------------------------------------------
def fired(case: Case, observations: list[Observation] | None, verdict: Verdict) -> tuple[Fired, ...]:
    """The hints this case's evidence supports: only on a verdict a hint may explain."""
    if verdict.status not in HINTED or not observations:
        return ()
    name = case.id.split("/", 1)[1] if "/" in case.id else case.id
    found = []
    for r in case.hint_rules:
        if r.cases and name not in r.cases:
            continue
        try:
            detail = r.evidence(case, observations)
        except Exception:  # noqa: BLE001 - a hint must never cost a grade: no evidence, no hint
            detail = None
        if detail is not None:
            found.append(Fired(r.hint.id, detail))
    return tuple(found)


def dumps(hits: Sequence[Fired]) -> str:
    """The gradebook's text for a case's hints ("" for none)."""
    return json.dumps([[h.id, h.detail] for h in hits], ensure_ascii=False) if hits else ""


def loads(text: str | None) -> list[Fired]:
    """Read back what ``dumps`` wrote; anything else (an older row, a hand edit) is no hints."""
    if not text or (isinstance(text, float) and math.isnan(text)):
        return []
    try:
        rows = json.loads(text)
    except ValueError:
        return []
    return [Fired(str(r[0]), str(r[1]) if len(r) > 1 else "") for r in rows
            if isinstance(r, list) and r and isinstance(r[0], str)]


@dataclass
class Catalogue:
    """A week's hints by id; the generic ones are made for each question on demand."""

    rules: list[Rule] = field(default_factory=list)

    def hint(self, hint_id: str) -> Hint | None:
        for r in self.rules:
            if r.hint.id == hint_id:
                return r.hint
        question, _, bug = hint_id.partition(".")
        if bug in GENERIC:
            return Hint(hint_id, GENERIC[bug][1], GENERIC[bug][2])
        return None

    def for_question(self, question: str, checks_inputs: bool = True) -> list[Rule]:
        """The week's rules for ``question``, then the generic ones it does not define itself."""
        own = [r for r in self.rules if r.hint.question == question]
        ids = {r.hint.id for r in own}
        return own + [r for r in generic_rules(question, checks_inputs) if r.hint.id not in ids]

    def line(self, hit: Fired) -> str:
        """The feedback line for a stored hit; an id the catalogue no longer has keeps its id."""
        known = self.hint(hit.id)
        return known.line(hit.detail) if known else f"> 💡 [hint:{hit.id}]"


def attach(cases: list[Case], catalogue: Catalogue) -> list[Case]:
    """Give each case the rules of its question."""
    checked = {c.function for c in cases if c.kind == "invariants"}
    by_question: dict[str, list[Rule]] = {}
    for case in cases:
        q = case.function
        if q not in by_question:
            by_question[q] = catalogue.for_question(q, q in checked)
        case.hint_rules = by_question[q]
    return cases
