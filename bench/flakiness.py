"""Flakiness check: the reference and every correct alternative of a week, graded N times with
other seeds of the grader's own randomness (the seed torch's and numpy's global generators get
before each call — what a training case's outcome depends on) and with torch on 1 and 2
threads. Any case whose verdict changes between runs is printed; 0 flips is the bar.

Runs in this process (the reference and the alternatives are the course's own code) through
the same probe and verdicts as the sandbox. Inputs stay as each case defines them: float32 and
float64 are covered by the weeks' own float32 cases.

    .venv/bin/python bench/flakiness.py [WEEK ...] [--runs N] [--no-training]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.audit.api import TRAINING_TIMEOUT  # noqa: E402
from autograder.casekit.otter_check import verdict_here  # noqa: E402
from bench.detector_cost import reference_namespace  # noqa: E402
from testkit.course import WEEKS, Built  # noqa: E402
from testkit.variants import alternatives, variant  # noqa: E402


def check_week(week: str, runs: int, training: bool) -> int:
    work = Path(tempfile.mkdtemp(prefix=f"flaky-{week}-"))
    built = Built(work, week)
    variants = {"reference": built.solution,
                **{name: variant(built, name) for name in alternatives(week)}}
    cases = [c for c in built.cases if c.runnable() and (training or (c.timeout or 0) < TRAINING_TIMEOUT)]
    flips, start = 0, time.perf_counter()
    for name, nb in variants.items():
        namespace = reference_namespace(nb)
        seen: dict[str, set[str]] = {}
        for run in range(runs):
            for threads in (1, 2):
                torch.set_num_threads(threads)
                for case in cases:
                    reseeded = dataclasses.replace(case, seed=case.seed + 7919 * run)
                    status = verdict_here(reseeded, namespace).status.value
                    seen.setdefault(case.id, set()).add(status)
        for case_id, statuses in seen.items():
            if len(statuses) > 1:
                flips += 1
                print(f"  FLIP {week} {name} {case_id}: {sorted(statuses)}")
    print(f"{week}: {len(variants)} variants × {len(cases)} cases × {runs} seeds × 2 thread counts: "
          f"{flips} flips ({time.perf_counter() - start:.0f} s)")
    return flips


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("weeks", nargs="*", default=list(WEEKS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-training", action="store_true", help="leave out the cases that train a model")
    args = parser.parse_args()
    total = sum(check_week(w, args.runs, not args.no_training) for w in args.weeks)
    print(f"total flips: {total}")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
