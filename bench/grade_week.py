"""Benchmark: grading one week's submissions with plain `otter run` (one after another) vs this
engine — one-shot sandboxes (2 workers) and warm sandboxes (1 and 2 workers) — on the same
notebooks in one run. Prints the times, ratios against otter, per-submission cost, peak memory,
and whether every mode gives the same points; then a model for a whole course. Submissions are
the reference and the week's mutants, cycled.

    .venv/bin/python bench/grade_week.py [WEEK] [N] [OTTER_SAMPLE]
    # default: week02, 12 submissions; OTTER_SAMPLE grades only the first K with otter and scales
    # its time to N (e.g. `week02 200 30`: otter alone would take ~20 min)
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
from autograder.engine.pool import SandboxPool  # noqa: E402
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


def engine_batch(paths: list[Path], built: Built, limits: Limits, workers: int, warm: bool) -> tuple[float, list]:
    pool = SandboxPool(limits) if warm else None
    plans: dict = {}  # as `grade` keeps them for a batch (kinds.notebook.NotebookGrader)
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(workers) as threads:
            results = list(threads.map(lambda p: grade_notebook(p, built.cases, limits, plans=plans,
                                                                runner=pool.run if pool else None), paths))
    finally:
        if pool:
            pool.close()
    return time.perf_counter() - start, results


def main(week: str, n: int, otter_sample: int) -> None:
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
    sample = paths[:min(otter_sample, n)]

    t0 = time.perf_counter()
    plain = [otter_score(built.result.autograder_zip, p, work) for p in sample]
    t_otter = (time.perf_counter() - t0) / len(sample) * n  # per submission, times all of them
    limits = Limits(wall_s=120, case_timeout_s=20)
    rows = {}
    for label, workers, warm in (("one-shot sandboxes, 2 workers", 2, False), ("warm sandboxes, 1 worker", 1, True),
                                 ("warm sandboxes, 2 workers", 2, True)):
        rows[label] = engine_batch(paths, built, limits, workers, warm)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    scores = {label: [r.score for r in res] for label, (_, res) in rows.items()}
    verdicts = {label: [[(c.case_id, c.status, c.points) for c in r.cases] for r in res]
                for label, (_, res) in rows.items()}
    same_as_otter = all(abs(a - b) < 1e-9 for a, b in zip(plain, scores["warm sandboxes, 2 workers"]))
    same_paths = len({str(v) for v in verdicts.values()}) == 1

    extrapolated = "" if len(sample) == n else f" (measured on {len(sample)}, times {n})"
    print(f"submissions: {n} (reference + {len(variants) - 1} mutants, cycled)")
    print(f"{'plain `otter run`, sequential':34s} {t_otter:8.1f} s  {t_otter / n:6.2f} s each{extrapolated}")
    for label, (secs, _) in rows.items():
        print(f"{label:34s} {secs:8.1f} s  {secs / n:6.2f} s each   {t_otter / secs:6.1f}x faster than otter")
    warm2 = rows["warm sandboxes, 2 workers"][0]
    print(f"per-submission wall time, warm:    {warm2 / n * 2:.2f} s per worker (fixed overhead paid once per worker)")
    print(f"peak RSS of one child process:     {peak_mb:.0f} MB")
    print(f"same points as plain otter:        {same_as_otter} (on the {len(sample)} otter graded)")
    print(f"same verdicts in every engine mode: {same_paths}")
    each = warm2 / n
    print(f"model: a course of 500 students × 7 weeks = 3500 submissions ≈ {3500 * each / 60:.0f} min on this machine "
          f"(2 workers); with W machines like it, ≈ {3500 * each / 60:.0f}/W min (Ray backend); plain otter: "
          f"≈ {3500 * t_otter / n / 3600:.1f} h")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0] if args else "week02", int(args[1]) if len(args) > 1 else 12,
         int(args[2]) if len(args) > 2 else 10 ** 6)
