"""Benchmark: every report (tables, CSV/Parquet, XLSX, Canvas, plots, report cards, dashboard)
for a synthetic class of 1,000 students × 7 weeks × 40 test cases.

Prints the time of each part and of the whole, against a baseline measured in the same run:
reading the gradebook's current case results into pandas (the least any report must do).
The whole report runs in a child process so that its peak memory is its own.

    .venv/bin/python bench/report_scale.py [STUDENTS] [WEEKS] [CASES]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.gradebook import Gradebook  # noqa: E402
from autograder.report import cards, exports, plots  # noqa: E402
from autograder.report.finals import read_sql, roster_frame  # noqa: E402
from autograder.report.tables import class_tables  # noqa: E402
from testkit.synthetic_class import make_class  # noqa: E402

CHILD = """
import resource, sys, time
from pathlib import Path
from autograder import config
from autograder.gradebook import Gradebook
from autograder.report import write_report
cfg = config.load(Path(sys.argv[1]))
start = time.perf_counter()
write_report(cfg, Gradebook(cfg.gradebook), Path(sys.argv[2]))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def timed(label: str, fn, rows: list):
    start = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - start))
    return out


def main(students: int = 1000, weeks: int = 7, cases: int = 40) -> None:
    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    start = time.perf_counter()
    cfg, truth = make_class(work / "class", n_students=students, weeks=weeks, cases=cases, seed=1)
    made = time.perf_counter() - start
    book = Gradebook(cfg.gradebook)
    n_results = sum(len(v.cases) for v in truth.versions)
    print(f"class: {students} students × {weeks} weeks × {cases} cases (+1 CUDA case): {len(truth.versions)} versions, "
          f"{n_results} case results; written in {made:.1f} s")

    parts: list[tuple[str, float]] = []
    timed("baseline: read case results", lambda: read_sql(book, "SELECT x.* FROM results x JOIN runs r "
                                                                 "ON r.id = x.run_id AND r.current = 1"), parts)
    out = work / "parts"
    out.mkdir()
    t = timed("tables (finals, tidy, analytics)", lambda: class_tables(cfg, book), parts)
    timed("CSV + Parquet", lambda: exports.write_tables(t, out), parts)
    timed("XLSX workbook", lambda: exports.write_workbook(t, out / "grades.xlsx"), parts)
    timed("Canvas CSV", lambda: exports.write_canvas(cfg, t, roster_frame(cfg), out / "canvas.csv"), parts)
    timed("plots", lambda: plots.write_plots(t, out / "plots"), parts)
    timed("report cards", lambda: cards.write_cards(cfg, t, out / "cards"), parts)
    baseline = parts[0][1]
    for label, secs in parts:
        print(f"  {label:34s} {secs:6.2f} s   {secs / baseline:5.1f}× baseline")

    proc = subprocess.run([sys.executable, "-c", CHILD, str(cfg.root / "grader.yml"), str(work / "report")],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    whole, rss_kb = proc.stdout.split()[-2:]
    whole = float(whole)
    print(f"whole report (write_report, one process): {whole:.2f} s = {whole / baseline:.1f}× baseline "
          f"(target < 5 s); peak memory {int(rss_kb) / 1024:.0f} MiB (target < 1024 MiB)")
    print(f"files: {sum(1 for _ in (work / 'report').rglob('*'))} in {work / 'report'}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
