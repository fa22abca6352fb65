"""Per-case points of every week's reference, template, mutants and correct alternatives, as
JSON — run before and after a change to a week's cases.py (or to casekit) and compare, so a
refactor is shown to move no point:

    .venv/bin/python bench/mutant_snapshot.py OUT.json [WEEK ...]      # default: every week with a proof
    .venv/bin/python bench/mutant_snapshot.py --compare BEFORE.json AFTER.json
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.engine import Limits, grade_notebook  # noqa: E402
from autograder.engine.pool import SandboxPool  # noqa: E402
from testkit.course import WEEKS, Built  # noqa: E402
from testkit.variants import alternatives, mutants, variant_path  # noqa: E402


def snapshot(week: str, work: Path) -> dict[str, dict[str, list]]:
    (work / week).mkdir()
    built = Built(work / week, week)
    names = ["reference", "template", *alternatives(week), *mutants(week)]
    paths = [variant_path(built, work / week, name) for name in names]
    limits = Limits(wall_s=240, case_timeout_s=10)
    pool, plans = SandboxPool(limits), {}
    try:
        with ThreadPoolExecutor(2) as threads:
            results = list(threads.map(lambda p: grade_notebook(p, built.cases, limits, runner=pool.run,
                                                                plans=plans), paths))
    finally:
        pool.close()
    return {name: {c.case_id: [round(c.points, 6), c.status] for c in r.cases}
            for name, r in zip(names, results)}


def compare(before: dict, after: dict) -> int:
    differences = 0
    for week in sorted(set(before) | set(after)):
        for name in sorted(set(before.get(week, {})) | set(after.get(week, {}))):
            b, a = before.get(week, {}).get(name), after.get(week, {}).get(name)
            if b != a:
                differences += 1
                changed = sorted(k for k in set(b or {}) | set(a or {}) if (b or {}).get(k) != (a or {}).get(k))
                print(f"{week} {name}: " + "; ".join(f"{k} {(b or {}).get(k)} -> {(a or {}).get(k)}"
                                                     for k in changed[:6]))
    print(f"{differences} submissions differ")
    return 1 if differences else 0


def main(args: list[str]) -> int:
    if args[:1] == ["--compare"]:
        return compare(*(json.loads(Path(p).read_text(encoding="utf-8")) for p in args[1:3]))
    out, weeks = Path(args[0]), args[1:] or list(WEEKS)
    work = Path(tempfile.mkdtemp(prefix="snapshot-"))
    data = {}
    for week in weeks:
        start = time.perf_counter()
        data[week] = snapshot(week, work)
        print(f"{week}: {len(data[week])} notebooks in {time.perf_counter() - start:.0f} s", flush=True)
        out.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")  # after each week
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
