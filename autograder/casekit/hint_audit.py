"""Audit of a week's hints without a sandbox: each variant's answers, observed as a student's
would be, must fail the question's cases (so a hint never contradicts a pass) and fire its own
hint; the reference's answers must fire none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from autograder.casekit.core import RAISES, Case, Observation
from autograder.casekit.hints import Rule
from autograder.protocol import wire
from autograder.protocol.calls import Call
from autograder.protocol.records import CallStatus, ErrorRecord


def observed(value: Any, part: int | None = None) -> Observation:
    """``value`` as the sandbox would have returned it."""
    if value is RAISES:
        return Observation(CallStatus.error, error=ErrorRecord("ValueError", "raised"))
    if part is not None and not isinstance(value, tuple):  # a tuple is already the whole return value
        value = [None] * part + [value]
    arrays: dict[str, np.ndarray] = {}
    return Observation(CallStatus.ok, wire.decode(wire.encode(value, arrays), arrays))


def _first_float(value: Any) -> torch.dtype | None:
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.dtype
    if isinstance(value, (list, tuple)):
        return next((d for d in map(_first_float, value) if d is not None), None)
    return None


def _cast(value: Any, dtype: torch.dtype | None) -> Any:
    if dtype is None:
        return value
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.to(dtype)
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast(v, dtype) for k, v in value.items()}
    return value


def observations(case: Case, fn: Callable[[Call], Any], part: int | None) -> list[Observation]:
    """What a student computing ``fn`` in the inputs' precision would have returned."""
    return [observed(_cast(fn(call), _first_float(call.args)), part) for call in case.calls]


@dataclass(frozen=True)
class HintAudit:
    id: str
    caught: bool  # the variant loses points on at least one of the question's cases
    fires: bool  # the variant's answers fire the hint
    on_reference: bool  # the reference's answers fire it (must never)


def audit_rule(rule: Rule, cases: list[Case]) -> HintAudit | None:
    """None for a rule without a computed variant (its evidence is a recorded signal)."""
    if rule.variant_of is None:
        return None
    mine = [c for c in cases if c.function == rule.hint.question and c.device == "cpu"
            and (not rule.cases or c.id.split("/", 1)[1] in rule.cases)]
    caught = fires = on_reference = False
    for case in mine:
        part = case.part if case.expected is not None else None
        try:
            got = observations(case, rule.variant_of, part)
        except Exception:  # noqa: BLE001 - a variant this case cannot run is no evidence here
            continue
        if not case.verdict(got).passed:
            caught = True
            if rule.evidence(case, got) is not None:
                fires = True
        if case.expected is not None:
            right = observations(case, case.expected, case.part)
            if rule.evidence(case, right) is not None:
                on_reference = True
    return HintAudit(rule.hint.id, caught, fires, on_reference)
