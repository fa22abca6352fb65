"""Benchmark: the similarity check at scale — 500 students of week 2 against 4 archived cohorts of
500 (2,000 submissions), with 25 disguised copies in the cohort and 25 of archived code. Prints the
time to fingerprint and to score every pair, peak memory, recall and false flags, and a baseline:
copydetect's own pairwise comparison timed on a sample and extrapolated to the same pairs.

    .venv/bin/python bench/similarity_scale.py [--students 500] [--cohorts 4]

Goal on the 2-core CI machine: under 60 s in all.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copydetect import compare_files  # noqa: E402

from autograder.config import Integrity  # noqa: E402
from autograder.integrity.code_text import normalise  # noqa: E402
from autograder.integrity.index import Doc, fingerprint, score  # noqa: E402
from autograder.integrity.similarity import judged  # noqa: E402
from testkit.similarity_sets import disguise, independent  # noqa: E402  (the week-2 cohort generator)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--cohorts", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(7)
    archive = [independent(rng) for _ in range(args.students * args.cohorts)]
    students = [independent(rng) for _ in range(args.students)]
    origin = {f"s{i}": f"s{i}" for i in range(args.students)} | {f"a{i}": f"a{i}" for i in range(len(archive))}
    for k in range(25):  # copies within the cohort, and of archived code (a copy of a copy shares its origin)
        src, dst = rng.randrange(args.students), rng.randrange(args.students)
        if src != dst:
            students[dst] = disguise(students[src], rng)
            origin[f"s{dst}"] = origin[f"s{src}"]
        a, dst = rng.randrange(len(archive)), rng.randrange(args.students)
        students[dst] = disguise(archive[a], rng)
        origin[f"s{dst}"] = f"a{a}"
    groups: dict[str, list[str]] = {}
    for key, root in origin.items():
        groups.setdefault(root, []).append(key)
    truth = {frozenset((x, y)) for members in groups.values() for x in members for y in members
             if x < y and (x[0] == "s" or y[0] == "s")}
    t0 = time.perf_counter()
    docs = [Doc(f"s{i}", normalise(c)) for i, c in enumerate(students)] + \
           [Doc(f"a{i}", normalise(c), archived=True) for i, c in enumerate(archive)]
    t1 = time.perf_counter()
    scores = score(docs, "import math\nimport torch\n")
    rule = Integrity()
    found = judged(scores, rule.min_score, rule.min_unusual)
    t2 = time.perf_counter()
    flagged = {frozenset((docs[i].key, docs[j].key)) for i, j, _, _, f in found if f}
    live = truth
    hit = sum(p in flagged for p in live)
    pairs = args.students * (args.students - 1) // 2 + args.students * len(archive)
    sample = [(rng.randrange(len(docs)), rng.randrange(len(docs))) for _ in range(300)]
    fps = {i: fingerprint(docs[i].code) for pair in sample for i in pair}
    t3 = time.perf_counter()
    for i, j in sample:
        compare_files(fps[i], fps[j])
    per_pair = (time.perf_counter() - t3) / len(sample)
    total = t2 - t0
    baseline = per_pair * pairs  # comparisons only: fingerprinting is paid by both
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.students} students × {len(archive)} archived ({pairs:,} pairs):")
    print(f"  normalise {t1 - t0:.1f} s, fingerprint + index + score {t2 - t1:.1f} s, total {total:.1f} s "
          f"(goal < 60 s: ratio {total / 60:.2f}); peak memory {peak:.0f} MiB")
    print(f"  flagged {len(flagged)} pairs; copies found {hit}/{len(live)}; "
          f"flagged pairs that are not copies: {len(flagged - live)}")
    print(f"  baseline: copydetect pairwise {per_pair * 1e6:.0f} µs/pair × {pairs:,} pairs ≈ {baseline:.0f} s "
          f"(index: {total / baseline:.3f} of it)")


if __name__ == "__main__":
    main()
