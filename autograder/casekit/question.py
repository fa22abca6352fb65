"""One graded question of a notebook week, written as a test plan:

    softmax = question("softmax", forbid=["softmax", "log_softmax", "logsumexp"], modules=["scipy.special"])
    softmax.values("values", "matches the reference on every shape and dim", softmax_grid(), ref_softmax)
    softmax.values("overflow", "all logits ≈ 800 do not overflow", overflow_grid(), ref_softmax, weight=0.5)
    softmax.invariants("invariants", "shape, dtype and device kept, input not mutated", grid[::4], ref_softmax)
    ...
    def cases(): return softmax.cases + log_softmax.cases + ...

A question names the notebook function its cases call (``fn``; the question's own name by
default) and what it may not use: ``forbid`` takes the names a student would type
(``"softmax"``) and the kit adds every torch name for the same operation (see ``aliases``);
``modules`` forbids library code by module; ``no_autograd`` forbids torch's autograd. Each case
has a ``weight``: the question's points (grader.yml's ``questions:``) are shared among its cases
by weight; without them a weight is the case's points. Everything else is the builders': the
configurations are labelled ``(args, kwargs, label)`` triples, references run here in float64,
gradients are taken by the grader, invariants check shape, dtype, device and untouched inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from autograder.casekit import builders
from autograder.casekit.aliases import torch_names
from autograder.casekit.builders import Check, Config, Reference
from autograder.casekit.checks import AUTOGRAD_CALLS
from autograder.casekit.core import Case
from autograder.protocol.calls import ForbiddenSpec


def forbidden(forbid: Iterable[str] = (), *, modules: Iterable[str] = (), calls: Iterable[str] = (),
              no_autograd: bool = False) -> ForbiddenSpec:
    """The spec for names a student would type; ``calls`` are exact qualified names."""
    ops = frozenset().union(*(torch_names(n) for n in forbid))
    qualified = frozenset(calls) | (AUTOGRAD_CALLS if no_autograd else frozenset())
    return ForbiddenSpec(ops=ops, qualified=qualified, modules=tuple(modules))


@dataclass
class Question:
    name: str
    fn: str
    spec: ForbiddenSpec = field(default_factory=ForbiddenSpec)
    hint: str = "implement it yourself"
    cases: list[Case] = field(default_factory=list)

    def _add(self, case: Case) -> Case:
        case.forbidden_hint = self.hint
        self.cases.append(case)
        return case

    def _id(self, name: str) -> str:
        return f"{self.name}/{name}"

    def values(self, name: str, title: str, grid: Sequence[Config], reference: Reference, *,
               weight: float = 1.0, tol: float = 1e-7, device: str = "cpu", timeout: float | None = None,
               part: int | None = None, driver: str = "", fn: str | None = None) -> Case:
        """Outputs equal the reference's (exact shape, dtype kept, relative error below ``tol``)."""
        return self._add(builders.values_case(self._id(name), title, weight, fn or self.fn, grid, reference,
                                              tol=tol, forbidden=self.spec, device=device, timeout=timeout,
                                              part=part, driver=driver))

    def grad(self, name: str, title: str, grid: Sequence[Config], reference: Reference, *,
             weight: float = 1.0, grad_args: tuple[int, ...] = (0,), tol: float = 1e-6,
             timeout: float | None = None, fn: str | None = None) -> Case:
        """Autograd through the student's function (run by the grader) gives the reference's gradient."""
        return self._add(builders.grad_case(self._id(name), title, weight, fn or self.fn, grid, reference,
                                            grad_args=grad_args, tol=tol, forbidden=self.spec, timeout=timeout))

    def invariants(self, name: str, title: str, grid: Sequence[Config], reference: Reference, *,
                   weight: float = 1.0, part: int | None = None, driver: str = "", fn: str | None = None) -> Case:
        """Shape exactly the reference's, dtype and device kept, inputs untouched, output finite."""
        return self._add(builders.invariants_case(self._id(name), title, weight, fn or self.fn, grid, reference,
                                                  forbidden=self.spec, part=part, driver=driver))

    def raises(self, name: str, title: str, grid: Sequence[Config], exception: str, *,
               weight: float = 1.0, fn: str | None = None) -> Case:
        """Every call raises ``exception`` (by class name)."""
        return self._add(builders.raises_case(self._id(name), title, weight, fn or self.fn, grid, exception,
                                              forbidden=self.spec))

    def driven(self, name: str, title: str, grid: Sequence[Config], check: Check, *, driver: str,
               weight: float = 1.0, timeout: float | None = None, device: str = "cpu",
               fn: str | None = None) -> Case:
        """A protocol of ``inside.drivers`` (forward→backward, an optimiser's trajectory, training
        then predicting) run on the student's code, each result judged by ``check``."""
        return self._add(builders.driver_case(self._id(name), title, weight, fn or self.fn, grid, check,
                                              driver=driver, forbidden=self.spec, timeout=timeout, device=device))

    def case(self, case: Case) -> Case:
        """A case written by hand (its id must start with the question's name)."""
        if case.function != self.name:
            raise ValueError(f"case {case.id} does not belong to question {self.name}")
        return self._add(case)


def question(name: str, *, fn: str | None = None, forbid: Iterable[str] = (), modules: Iterable[str] = (),
             calls: Iterable[str] = (), no_autograd: bool = False, spec: ForbiddenSpec | None = None,
             hint: str = "implement it yourself") -> Question:
    """A question named as in the master notebook (``# BEGIN QUESTION name: softmax``) and in
    grader.yml's ``questions:``; ``spec`` replaces the derived forbidden spec entirely."""
    derived = forbidden(forbid, modules=modules, calls=calls, no_autograd=no_autograd)
    return Question(name, fn or name, spec if spec is not None else derived, hint)
