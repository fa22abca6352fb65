"""Benchmark: what forbidden-call detection costs per week-2 submission, and what the dispatcher
layer adds to it, against the whole per-submission time — all measured in one run.

1. In this process, the reference solution's functions are called on every hidden case's calls
   (exactly the calls a submission gets) three ways: with no detection (empty specs), with the
   torch-function-mode + profile layers only (the detector before the dispatcher layer; the
   dispatcher kernels are switched off here, in the benchmark, by replacing ``arm_dispatch``),
   and with every layer as graded.
2. N submissions (reference + mutants, cycled) are graded through one warm sandbox, as `grade`
   does, for the per-submission total the detector's cost is a share of.

    .venv/bin/python bench/detector_cost.py [N]      # default 40 submissions
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.engine import Limits  # noqa: E402
from autograder.inside import forbidden, probe  # noqa: E402
from autograder.inside.forbidden import ForbiddenSpec  # noqa: E402
from autograder.inside.notebook import install_otter_stub, run_cells  # noqa: E402
from autograder.inside.probe import run_case  # noqa: E402
from autograder.protocol.calls import Call  # noqa: E402
from bench.grade_week import engine_batch  # noqa: E402
from autograder.casekit.proof import mutant_notebook  # noqa: E402
from testkit.course import Built  # noqa: E402
from testkit.variants import mutants  # noqa: E402


def reference_namespace(nb) -> dict:
    """A course notebook (the reference, an alternative) executed here, as the sandbox executes a
    submission (the benches run the course's own code in-process)."""
    install_otter_stub()
    namespace: dict = {"__name__": "__main__"}
    run_cells([c.source for c in nb.cells if c.cell_type == "code"], namespace, None)
    return namespace


def _one_submission(built: Built, namespace: dict, with_specs: bool, dispatcher: bool) -> float:
    """Seconds to run every runnable case's calls once, as the sandbox does."""
    real_arm = forbidden.arm_dispatch
    if not dispatcher:
        probe.arm_dispatch = lambda spec: None
    try:
        start, group = time.perf_counter(), None
        for case in built.cases:
            if not case.runnable(False):
                continue
            arrays: dict[str, np.ndarray] = {}
            plan = case.plan(arrays, 20.0)
            if plan.get("group") != group:  # a question's cases share a fork, which starts unarmed
                forbidden.disarm_dispatch()
                group = plan.get("group")
            calls = [Call.from_json(c, arrays) for c in plan["calls"]]
            run_case(calls, namespace, {}, forbidden=case.forbidden if with_specs else ForbiddenSpec(),
                     seed=int(plan.get("seed", 0)), keep_armed=True)
        return time.perf_counter() - start
    finally:
        probe.arm_dispatch = real_arm
        forbidden.disarm_dispatch()


def main(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-detector-"))
    (work / "course").mkdir()
    built = Built(work / "course", "week02")
    namespace = reference_namespace(built.solution)
    modes = {"no detection": (False, False), "mode + profile (before)": (True, False),
             "every layer (now)": (True, True)}
    for args in modes.values():  # warm every path once
        _one_submission(built, namespace, *args)
    times = {label: min(_one_submission(built, namespace, *args) for _ in range(7)) for label, args in modes.items()}

    variants = [None] + list(mutants("week02").values())
    paths = []
    for i in range(n):
        p = work / f"sub{i:03d}.ipynb"
        spec = variants[i % len(variants)]
        nbformat.write(built.solution if spec is None else mutant_notebook(built.solution, spec), str(p))
        paths.append(p)
    total, _ = engine_batch(paths, built, Limits(wall_s=120, case_timeout_s=20), 1, True)
    each = total / n

    base = times["no detection"]
    print(f"week 02, {sum(c.runnable(False) for c in built.cases)} cases per submission, calls in-process (best of 7):")
    for label, secs in times.items():
        print(f"  {label:26s} {secs * 1000:7.1f} ms   detection {1000 * (secs - base):6.1f} ms")
    added = times["every layer (now)"] - times["mode + profile (before)"]
    print(f"graded through one warm sandbox: {n} submissions, {each:.3f} s each")
    print(f"dispatcher layer adds {added * 1000:.1f} ms per submission = {100 * added / each:.1f} % of the "
          f"per-submission time; the whole detector costs {100 * (times['every layer (now)'] - base) / each:.1f} %")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
