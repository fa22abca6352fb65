"""The dashboard's figures, as SVG files beside index.html. Text stays text (``svg.fonttype:
none``), so the reader's browser draws the Korean of the bilingual titles; where the report is
built, a Korean font (fonts-nanum) only improves the layout, and none is needed. A figure with
nothing to show says so in words instead of drawing empty axes."""

from __future__ import annotations

from pathlib import Path

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from autograder.report.tables import ClassTables  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                     "font.family": ["DejaVu Sans", "NanumGothic", "Noto Sans CJK KR", "sans-serif"]})
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # a fallback font not installed here
LOWEST_ITEMS = 20


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, format="svg")
    plt.close(fig)
    return path


def _nothing(path: Path, text: str, size: tuple[float, float] = (7, 1.2)) -> Path:
    """A figure that says, in words, that there is nothing to draw yet."""
    fig, ax = plt.subplots(figsize=size)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, color="#555")
    return _save(fig, path)


def distributions(t: ClassTables, path: Path) -> Path:
    """Percent per assignment (counted work) and the course percent of every student."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [3, 2]})
    counted = t.students[t.students.accepted]
    ids = list(t.stats.assignment)
    data = [counted.percent[counted.assignment == a].to_numpy() for a in ids]
    left.boxplot([d if len(d) else [np.nan] for d in data], tick_labels=ids, showmeans=True)
    left.set_ylabel("점수 % / percent of points")
    left.set_title("과제별 점수 (제출한 과제) / Scores per assignment (submitted work)")
    right.hist(t.matrix.percent.dropna(), bins=np.linspace(0, 100, 21), color="#4c78a8", edgecolor="white")
    right.set_xlabel("과정 % (가중) / course percent (weighted)")
    right.set_ylabel("학생 수 / students")
    right.set_title("과정 % / Course percent")
    return _save(fig, path)


def progress(t: ClassTables, path: Path) -> Path:
    p = t.progress.dropna(subset=["submission_rate"])  # the weeks already due
    if len(p) < 2:
        return _nothing(path, "주차별 추이는 두 주 이상 마감된 뒤에 그립니다 (표를 보세요) / "
                              "The trend is drawn once two weeks are due (see the tables)")
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.fill_between(p.week, p.q1_percent, p.q3_percent, alpha=0.25, color="#4c78a8", label="가운데 50 % / middle 50 %")
    ax.plot(p.week, p.median_percent, "o-", color="#4c78a8", label="중앙값 / median")
    ax.plot(p.week, p.mean_percent, "s--", color="#f58518", label="평균 / mean")
    ax.plot(p.week, p.submission_rate, "^:", color="#54a24b", label="제출률 / submission rate")
    ax.set_xticks(list(p.week), [f"{a}" for a in p.assignment])
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title("주차별 반 전체 / The class week by week")
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def items(t: ClassTables, path: Path) -> Path:
    """The test cases the class passed least (the concepts it missed)."""
    c = t.cases.dropna(subset=["pass_rate"])
    c = c[c.max_points > 0].nsmallest(LOWEST_ITEMS, "pass_rate").iloc[::-1]
    if c.empty:
        return _nothing(path, "아직 채점된 테스트가 없습니다 / No test case graded yet")
    fig, ax = plt.subplots(figsize=(7, 0.28 * max(len(c), 3) + 1))
    ax.barh([f"{a} {i}" for a, i in zip(c.assignment, c.case_id)], c.pass_rate, color="#e45756")
    ax.set_xlim(0, 100)
    ax.set_xlabel("통과율 (채점된 제출물 중 %) / pass rate (percent of graded submissions)")
    ax.set_title(f"통과율이 가장 낮은 테스트 {len(c)}개 / The {len(c)} test cases with the lowest pass rate")
    return _save(fig, path)


def late_days(t: ClassTables, path: Path) -> Path:
    used = t.matrix.late_days.fillna(0).astype(int)
    if not used.any() and not t.stats.late.fillna(0).any():
        return _nothing(path, "지각 제출이 없습니다 / No late work so far")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3))
    left.hist(used, bins=np.arange(0, max(int(used.max()), 1) + 2) - 0.5, color="#b279a2", edgecolor="white")
    left.set_xlabel("사용한 지각 일수 (전 과제) / late days used (all assignments)")
    left.set_ylabel("학생 수 / students")
    left.set_title("학생별 지각 일수 / Late days per student")
    right.bar(t.stats.assignment, t.stats.late, color="#ff9da6")
    right.set_ylabel("반영된 지각 제출 / late submissions counted")
    right.set_title("과제별 지각 / Late work per assignment")
    return _save(fig, path)


FIGURES = {"distributions": distributions, "progress": progress, "items": items, "late_days": late_days}


def write_plots(t: ClassTables, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: draw(t, folder / f"{name}.svg") for name, draw in FIGURES.items()}
