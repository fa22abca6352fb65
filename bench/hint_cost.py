"""Benchmark: what hints cost grading. The week's mutants and correct alternatives (a class where
most submissions fail something, the worst case for hints: they are computed for failing cases
only) are graded in warm sandboxes twice, with the week's hint rules and with none, alternating
the order per submission; prints both totals, the ratio, and the hints found.

    .venv/bin/python bench/hint_cost.py [WEEK]      # default: week02
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.casekit.hints import loads  # noqa: E402
from autograder.engine import Limits, grade_notebook  # noqa: E402
from autograder.engine.pool import SandboxPool  # noqa: E402
from testkit.course import Built  # noqa: E402  (builds the week in a temporary course)
from testkit.variants import alternatives, mutants, variant_path  # noqa: E402


def main(week: str = "week02") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        built = Built(root, week)
        limits = Limits(wall_s=240, case_timeout_s=20)
        paths = [variant_path(built, root, name) for name in [*mutants(week), *alternatives(week)]]
        rules = {c.id: c.hint_rules for c in built.cases}
        pool = SandboxPool(limits) if SandboxPool.usable(limits) else None
        run = pool.run if pool else None
        spent = {"with": 0.0, "without": 0.0}
        named = 0
        try:
            grade_notebook(paths[0], built.cases, limits, runner=run)  # warm up
            for i, path in enumerate(paths):
                for mode in (("with", "without") if i % 2 == 0 else ("without", "with")):
                    for c in built.cases:
                        c.hint_rules = rules[c.id] if mode == "with" else []
                    start = time.perf_counter()
                    result = grade_notebook(path, built.cases, limits, runner=run)
                    spent[mode] += time.perf_counter() - start
                    if mode == "with":
                        named += sum(bool(loads(c.hints)) for c in result.cases)
        finally:
            if pool:
                pool.close()
    print(f"{week}: {len(paths)} submissions ({len(mutants(week))} buggy), {named} failing cases with a hint")
    print(f"  without hints {spent['without']:.2f} s, with hints {spent['with']:.2f} s, "
          f"ratio {spent['with'] / spent['without']:.3f} (target ≤ 1.10)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
