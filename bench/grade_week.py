"""Benchmark: grading a week's submissions with plain `otter run` (one after another) against this
engine — one-shot sandboxes (2 workers) and warm sandboxes (1 and 2 workers) — on the same
notebooks in one run, with the case time limits `grade` uses (the reference's timings from
`build`). Prints times, ratios against otter, the cost of a hanging function, whether every
mode gives otter's points on every submission; the computation alone (the
reference's functions called in-process on the same calls) and the ratio to otter that it
allows, and with `all` a term model from each week's measured cost.

Submissions are a class-like mix (stated in the output): correct (the reference and the week's
correct alternatives), buggy (the mutants), half-done (the later half of the functions left as
in the template), blank (the template), crashing (a top-level cell raises and one function
raises) and hanging (one function never returns).

    .venv/bin/python bench/grade_week.py [WEEK] [N]     # default: week02 40
    .venv/bin/python bench/grade_week.py all            # weeks 2-6 (40, 10, 10, 10, 10) + term model
"""

from __future__ import annotations

import ast
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.build.timings import measured_limits  # noqa: E402
from autograder.engine import Limits, grade_notebook  # noqa: E402
from autograder.engine.pool import SandboxPool  # noqa: E402
from autograder.inside.drivers import DRIVERS  # noqa: E402
from autograder.notebooks import function_sources, with_functions  # noqa: E402
from testkit.course import WEEKS, Built  # noqa: E402
from testkit.variants import alternatives, mutants, variant  # noqa: E402

SIZES = {"week02": 40}  # submissions per week; every other week of testkit.course.WEEKS: 10
HANG_IN = {"week02": "cross_entropy"}  # the question with the most cases: the worst case for a hang
TERM_STUDENTS = 500


def _replaced(nb: nbformat.NotebookNode, name: str, body: str) -> nbformat.NotebookNode:
    """``nb`` with function ``name`` (wherever its cell defines it, beside other functions or
    not) given ``body`` under a ``(*args, **kwargs)`` signature."""
    source = function_sources(nb)[name]
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = source.splitlines()
    lines[node.lineno - 1:node.end_lineno] = [f"def {name}(*args, **kwargs):", *("    " + b for b in body.splitlines())]
    return with_functions(nb, {name: "\n".join(lines) + "\n"})


def class_mix(built: Built, n: int) -> list[tuple[str, str, nbformat.NotebookNode]]:
    """(kind, name, notebook) × n in the proportions of the module docstring."""
    week = built.week.id
    graded = list(function_sources(built.template))
    functions = [f for f in graded if re.search(rf"^def\s+{f}\b", function_sources(built.solution)[f], flags=re.M)]
    raising = functions[1 % len(functions)]
    hanging = HANG_IN.get(week, functions[0])
    fixed = [
        ("blank", "template", built.template),
        ("half-done", "later half left as in the template",
         with_functions(built.solution, {f: function_sources(built.template)[f] for f in graded[len(graded) // 2:]})),
        ("crashing", f"a top-level cell raises; {raising} raises IndexError",
         _with_broken_cell(_replaced(built.solution, raising, "raise IndexError('index 3 is out of bounds')"))),
        ("hanging", f"{hanging} never returns", _replaced(built.solution, hanging, "while True:\n    pass")),
    ]
    correct = [("correct", "reference", built.solution)] + [
        ("correct", name, variant(built, name)) for name in alternatives(week)]
    buggy = [("buggy", name, variant(built, name)) for name in mutants(week)]
    n_buggy = round(0.3 * n)
    rest = n - len(fixed) - n_buggy
    return fixed + [correct[i % len(correct)] for i in range(rest)] + [buggy[i % len(buggy)] for i in range(n_buggy)]


def _with_broken_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    nb.cells.insert(2, nbformat.v4.new_code_cell("plot_training_curve(history)  # left from a lecture demo"))
    return nb


OTTER_CAP_S = 60  # `otter run` has no time limit: a hanging function hangs it until killed


def otter_points(zip_path: Path, nb: Path, work: Path) -> float | None:
    """Plain otter's points, or None when it was killed after OTTER_CAP_S (a hang)."""
    out = work / f"o-{nb.stem}"
    out.mkdir()
    try:
        subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(zip_path), str(nb), "-o", str(out)],
                       check=True, capture_output=True, cwd=work, timeout=OTTER_CAP_S)
    except subprocess.TimeoutExpired:  # the kernel otter started exits with it (ipykernel's parent poller)
        return None
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


def computation_alone(built: Built, repeats: int = 5) -> float:
    """Seconds for the reference's functions (and drivers) on every planned call, in-process, one
    thread as in the sandbox: no sandbox, no detector, no encoding, no judging — the floor any
    grader must pay. A training call that two cases of a question share counts once, as the
    sandbox runs it once."""
    torch.set_num_threads(1)
    ns: dict = {}
    for cell in built.solution.cells:
        if (cell.cell_type == "code" and not cell.source.lstrip().startswith(("%", "!"))
                and "otter" not in cell.source and "grader.check" not in cell.source):  # otter's own cells
            exec(compile(cell.source, "<solution>", "exec"), ns)  # noqa: S102 - the course's own reference
    calls, seen = [], set()
    for case in built.cases:
        if not case.runnable():
            continue
        for call in case.calls:
            key = call.to_json({}).get("key")
            if key and (case.function, key) in seen:
                continue
            seen.add((case.function, key))
            calls.append((case.seed, call))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for seed, call in calls:
            torch.default_generator.manual_seed(seed)  # as the sandbox seeds (torch.manual_seed: ~100 µs)
            fn = ns[call.fn]
            try:
                if call.driver:
                    DRIVERS[call.driver](ns, fn, *call.args, **call.kwargs)
                else:
                    fn(*call.args, **call.kwargs)
            except Exception:  # noqa: BLE001 - the cases that expect an error (mse_loss/shape_mismatch)
                pass
        best = min(best, time.perf_counter() - start)
    return best


def bench_week(week: str, n: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    t0 = time.perf_counter()
    (work / "course").mkdir()
    built = Built(work / "course", week)
    print(f"\n== {week}: build (otter assign + self-check) {time.perf_counter() - t0:.1f} s")
    mix = class_mix(built, n)
    paths = []
    for i, (_, _, nb) in enumerate(mix):
        p = work / f"sub{i:03d}.ipynb"
        nbformat.write(nb, str(p))
        paths.append(p)
    counts = {k: sum(1 for kind, _, _ in mix if kind == k) for k in dict.fromkeys(k for k, _, _ in mix)}
    print("mix: " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    plain, otter_each = [], []
    for p in paths:
        t0 = time.perf_counter()
        plain.append(otter_points(built.result.autograder_zip, p, work))
        otter_each.append(time.perf_counter() - t0)
    t_otter = sum(otter_each)
    limits = Limits(wall_s=300, case_timeout_s=20, case_limits=measured_limits(built.cfg, built.week))
    rows = {}
    for label, workers, warm in (("one-shot sandboxes, 2 workers", 2, False), ("warm sandboxes, 1 worker", 1, True),
                                 ("warm sandboxes, 2 workers", 2, True)):
        rows[label] = engine_batch(paths, built, limits, workers, warm)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    differ = {label: [(mix[i][1], plain[i], r.score) for i, r in enumerate(res)
                      if plain[i] is not None and abs(r.score - plain[i]) > 1e-6]
              for label, (_, res) in rows.items()}
    hang_at = next(i for i, (kind, _, _) in enumerate(mix) if kind == "hanging")

    killed = [mix[i][1] for i, pts in enumerate(plain) if pts is None]
    print(f"{'plain `otter run`, sequential':34s} {t_otter:8.1f} s  {t_otter / n:6.2f} s each"
          + (f"  (killed after {OTTER_CAP_S} s, hanging, not compared: {killed})" if killed else ""))
    for label, (secs, _) in rows.items():
        print(f"{label:34s} {secs:8.1f} s  {secs / n:6.2f} s each   {t_otter / secs:6.1f}x faster than otter")
    warm2, warm1 = rows["warm sandboxes, 2 workers"][0], rows["warm sandboxes, 1 worker"][0]
    hang_s = rows["warm sandboxes, 1 worker"][1][hang_at].seconds
    rest = [r.seconds for i, r in enumerate(rows["warm sandboxes, 1 worker"][1]) if i != hang_at]
    print(f"the hanging submission ({mix[hang_at][1]}): {hang_s:.1f} s in the engine (1 worker); "
          f"the other {len(rest)}: {sum(rest) / len(rest):.2f} s each in their sandbox")
    print(f"peak RSS of one child process:     {peak_mb:.0f} MB")
    for label, bad in differ.items():
        same = f"yes, on all {n - len(killed)} that otter finished" if not bad else bad
        print(f"same points as otter ({label}): {same}")
    figures = {"week": week, "n": n, "otter_each": t_otter / n, "warm2_each": warm2 / n, "warm1_each": warm1 / n,
               "ratio2": t_otter / warm2, "hang_s": hang_s, "same": not any(differ.values())}
    alone = computation_alone(built, repeats=5 if week == "week02" else 1)
    correct = [r.seconds for (kind, _, _), r in zip(mix, rows["warm sandboxes, 1 worker"][1]) if kind == "correct"]
    otter_correct = [t for (kind, _, _), t in zip(mix, otter_each) if kind == "correct"]
    each = sum(correct) / len(correct)
    figures.update(alone_each=alone, correct_each=each)
    print(f"computation alone: {alone * 1000:.0f} ms for {sum(len(c.calls) for c in built.cases if c.runnable())} "
          f"calls; a correct submission takes {each * 1000:.0f} ms in its warm sandbox ({each / alone:.1f}x that); "
          f"on correct submissions otter takes {sum(otter_correct) / len(otter_correct):.2f} s, so 2 workers "
          f"can be at most {sum(otter_correct) / len(otter_correct) / (alone / 2):.1f}x faster than otter there")
    return figures


def term_model(figures: list[dict]) -> None:
    print(f"\n== term model: {TERM_STUDENTS} students, each week's measured cost per submission")
    engine = sum(f["warm2_each"] for f in figures) * TERM_STUDENTS
    otter = sum(f["otter_each"] for f in figures) * TERM_STUDENTS
    for f in figures:
        print(f"{f['week']}: otter {f['otter_each']:6.2f} s, engine (2 warm workers) {f['warm2_each']:6.2f} s "
              f"per submission ({f['ratio2']:.1f}x); computation alone {f['alone_each']:.2f} s, a correct "
              f"submission {f['correct_each']:.2f} s in its sandbox; hanging function {f['hang_s']:.1f} s; "
              f"same points: {f['same']}")
    print(f"weeks {figures[0]['week'][-1]}-{figures[-1]['week'][-1]}: engine ≈ {engine / 3600:.2f} h on this machine "
          f"(W machines: /W, Ray backend); plain otter ≈ {otter / 3600:.1f} h")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["all"]:
        term_model([bench_week(week, SIZES.get(week, 10)) for week in WEEKS])
    else:
        week = args[0] if args else "week02"
        bench_week(week, int(args[1]) if len(args) > 1 else SIZES.get(week, 10))
