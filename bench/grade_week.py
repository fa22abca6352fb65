"""Benchmark: grading one week's submissions with plain `otter run` (one after another) vs
this engine (sandboxed, 2 workers), on the same notebooks in one run. Prints both times, the
ratio, the slowest full grading of one submission, and peak memory; checks that both give the
same points per submission. Submissions are the reference and the week's mutants, cycled.

    .venv/bin/python bench/grade_week.py [WEEK] [N]     # default: week02, 12 submissions
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.engine import Limits, grade_notebook  # noqa: E402
from autograder.notebooks import with_functions  # noqa: E402
from tests.conftest import Built  # noqa: E402
from tests.test_weeks_grading import mutants, mutate  # noqa: E402


def variant(built: Built, name: str | None):
    if name is None:
        return built.solution
    spec = mutants(built.week.id)[name]
    if len(spec) == 2:  # week 2's mutants: (case, {function: source})
        return with_functions(built.solution, spec[1])
    return mutate(built.solution, spec[1], spec[2])


def otter_score(zip_path: Path, nb: Path, work: Path) -> float:
    out = work / f"o-{nb.stem}"
    out.mkdir()
    subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(zip_path), str(nb), "-o", str(out)],
                   check=True, capture_output=True, cwd=work)
    tests = json.loads((out / "results.json").read_text())["tests"]
    return sum(float(t.get("score", 0)) for t in tests if t["name"] != "Public Tests")


def main(week: str, n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    t0 = time.perf_counter()
    (work / "course").mkdir()
    built = Built(work / "course", week)
    print(f"{week} build (otter assign + self-check): {time.perf_counter() - t0:.1f} s")
    variants = [None] + list(mutants(week))
    paths = []
    for i in range(n):
        nb = variant(built, variants[i % len(variants)])
        p = work / f"sub{i:03d}.ipynb"
        nbformat.write(nb, str(p))
        paths.append(p)

    t0 = time.perf_counter()
    plain = [otter_score(built.result.autograder_zip, p, work) for p in paths]
    t_otter = time.perf_counter() - t0

    limits = Limits(wall_s=120, case_timeout_s=20)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: grade_notebook(p, built.cases, limits), paths))
    t_ours = time.perf_counter() - t0
    ours = [r.score for r in results]
    slowest = max(r.seconds for r in results)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    same = all(abs(a - b) < 1e-9 for a, b in zip(plain, ours))
    print(f"submissions:                      {n} (reference + {len(variants) - 1} mutants, cycled)")
    print(f"plain `otter run`, sequential:    {t_otter:7.1f} s  ({t_otter / n:.2f} s each)")
    print(f"this engine, sandboxed, 2 workers:{t_ours:7.1f} s  ({t_ours / n:.2f} s each)")
    print(f"ratio otter / engine:             {t_otter / t_ours:7.2f}x")
    print(f"slowest full hidden grading:      {slowest:7.1f} s  (one submission, in its sandbox)")
    print(f"peak RSS of one child process:    {peak_mb:7.0f} MB")
    print(f"same points per submission:       {same}")
    if not same:
        for p, a, b in zip(paths, plain, ours):
            if abs(a - b) > 1e-9:
                print(f"  {p.name}: otter {a} vs engine {b}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0] if args else "week02", int(args[1]) if len(args) > 1 else 12)
