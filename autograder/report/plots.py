"""The dashboard's figures, as SVG files beside index.html (text kept as text; labels are
assignment and case ids, so no CJK font is needed where the report is built)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from autograder.report.tables import ClassTables  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
LOWEST_ITEMS = 20


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, format="svg")
    plt.close(fig)
    return path


def distributions(t: ClassTables, path: Path) -> Path:
    """Percent per assignment (counted work) and the course percent of every student."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [3, 2]})
    counted = t.students[t.students.accepted]
    ids = list(t.stats.assignment)
    data = [counted.percent[counted.assignment == a].to_numpy() for a in ids]
    left.boxplot([d if len(d) else [np.nan] for d in data], tick_labels=ids, showmeans=True)
    left.set_ylabel("percent of points")
    left.set_title("Scores per assignment (submitted work)")
    right.hist(t.matrix.percent.dropna(), bins=np.linspace(0, 100, 21), color="#4c78a8", edgecolor="white")
    right.set_xlabel("course percent (weighted)")
    right.set_ylabel("students")
    right.set_title("Course percent")
    return _save(fig, path)


def progress(t: ClassTables, path: Path) -> Path:
    p = t.progress
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.fill_between(p.week, p.q1_percent, p.q3_percent, alpha=0.25, color="#4c78a8", label="middle 50 %")
    ax.plot(p.week, p.median_percent, "o-", color="#4c78a8", label="median")
    ax.plot(p.week, p.mean_percent, "s--", color="#f58518", label="mean")
    ax.plot(p.week, p.submission_rate, "^:", color="#54a24b", label="submission rate")
    ax.set_xticks(list(p.week), [f"{a}" for a in p.assignment])
    ax.set_ylim(0, 105)
    ax.set_ylabel("percent")
    ax.set_title("The class week by week")
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def items(t: ClassTables, path: Path) -> Path:
    """The test cases the class passed least (the concepts it missed)."""
    c = t.cases.dropna(subset=["pass_rate"])
    c = c[c.max_points > 0].nsmallest(LOWEST_ITEMS, "pass_rate").iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.28 * max(len(c), 3) + 1))
    ax.barh([f"{a} {i}" for a, i in zip(c.assignment, c.case_id)], c.pass_rate, color="#e45756")
    ax.set_xlim(0, 100)
    ax.set_xlabel("pass rate (percent of graded submissions)")
    ax.set_title(f"The {len(c)} test cases with the lowest pass rate")
    return _save(fig, path)


def late_days(t: ClassTables, path: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3))
    used = t.matrix.late_days.fillna(0).astype(int)
    left.hist(used, bins=np.arange(0, max(int(used.max()), 1) + 2) - 0.5, color="#b279a2", edgecolor="white")
    left.set_xlabel("late days used (all assignments)")
    left.set_ylabel("students")
    left.set_title("Late days per student")
    right.bar(t.stats.assignment, t.stats.late, color="#ff9da6")
    right.set_ylabel("late submissions counted")
    right.set_title("Late work per assignment")
    return _save(fig, path)


FIGURES = {"distributions": distributions, "progress": progress, "items": items, "late_days": late_days}


def write_plots(t: ClassTables, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: draw(t, folder / f"{name}.svg") for name, draw in FIGURES.items()}
