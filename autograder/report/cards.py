"""A report card per student (markdown and HTML), made from the same tables as the class view."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from markupsafe import Markup, escape

from autograder.config import CourseConfig, HintPolicy
from autograder.pages import html_env, markdown_env
from autograder.report.tables import ClassTables
from autograder.report.tidy import automatic

PASSING = ("passed", "skipped", "scored")
TREND_W, TREND_H, PAD = 380, 120, 28


def trend_svg(labels: list[str], mine: list[float], median: list[float]) -> str:
    """An inline SVG line chart of the student's percent per assignment (solid) against the
    class median (dashed), in week order; assignments not due yet are left out."""
    if not labels:
        return ""
    step = (TREND_W - 2 * PAD) / max(len(labels) - 1, 1)

    def points(values: list[float]) -> str:
        return " ".join(f"{PAD + i * step:.1f},{TREND_H - PAD - (TREND_H - 2 * PAD) * min(max(v, 0), 100) / 100:.1f}"
                        for i, v in enumerate(values) if v == v)

    ticks = "".join(f'<text x="{PAD + i * step:.1f}" y="{TREND_H - 2}" font-size="9" text-anchor="middle">{escape(a)}'
                    "</text>" for i, a in enumerate(labels))
    return (f'<svg class="trend" id="trend" width="{TREND_W}" height="{TREND_H}" role="img" '
            f'aria-label="percent per assignment">'
            f'<polyline id="trend-class" fill="none" stroke="#999" stroke-dasharray="4 3" points="{points(median)}"/>'
            f'<polyline id="trend-student" fill="none" stroke="#1d4ed8" stroke-width="2" points="{points(mine)}"/>'
            f"{ticks}</svg>")


def write_cards(cfg: CourseConfig, t: ClassTables, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md = markdown_env("autograder.report").get_template("card.md.j2")
    html = html_env("autograder.report").get_template("card.html.j2")
    medians = t.stats.set_index("assignment")["median"].to_dict()
    class_median = float(t.matrix.percent.median())
    missed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    bad = t.tidy[~t.tidy.status.isin(PASSING)]
    # plain lists: iterating Arrow-backed string columns element by element is slow
    # hints (mistake ids) on a card once the deadline has passed, unless the assignment says never
    hinted = {a.id for a in cfg.assignments if a.hints is not HintPolicy.never and cfg.due(a) <= t.as_of}
    for sid, aid, case_id, title, hint in zip(*(bad[c].tolist() for c in ("student_id", "assignment", "case_id",
                                                                            "title", "hint"))):
        named = f" — 💡 {hint.replace(';', ', ')}" if hint and aid in hinted else ""
        missed[sid][aid].append((case_id if title == case_id else f"{case_id} — {title}") + named)
    ran = automatic(t.tidy)
    ran = ran[ran.status != "skipped"]
    passed = ran.assign(ok=lambda d: d.status == "passed").groupby(
        ["student_id", "assignment"])["ok"].agg(["sum", "size"])
    counts = dict(zip(passed.index, zip(passed["sum"].astype(int), passed["size"].astype(int))))
    risk = t.at_risk.set_index("student_id")["reasons"].to_dict()
    decided: dict[str, list[dict]] = defaultdict(list)
    for d in t.regrade_decisions.to_dict("records"):
        decided[d["student_id"]].append(d)
    asked: dict[str, list[dict]] = defaultdict(list)
    for r in t.regrade_requests.to_dict("records"):
        asked[r["student_id"]].append(r)
    rows_by_student = defaultdict(list)
    for r in t.students.to_dict("records"):
        rows_by_student[r["student_id"]].append({**r, "class_median": medians.get(r["assignment"]),
                                                 "cases": counts.get((r["student_id"], r["assignment"]))})
    files = {}
    for m in t.matrix.to_dict("records"):
        sid = m["student_id"]
        due = sorted((r for r in rows_by_student[sid] if r["status"] != "not due yet"), key=lambda r: r["week"])
        trend = trend_svg([r["assignment"] for r in due], [100 * (r["score"] or 0) / r["max"] for r in due],
                          [100 * r["class_median"] / r["max"] if r["class_median"] is not None else float("nan")
                           for r in due])
        ctx = {"course": cfg.course, "student": m, "rows": rows_by_student[sid], "missed": missed.get(sid, {}),
               "trend": Markup(trend), "decisions": decided.get(sid, []), "requests": asked.get(sid, []),
               "class_median": class_median, "risk": risk.get(sid), "rule": t.at_risk_rule,
               "bank_days": cfg.late_policy.bank_days, "as_of": t.as_of.astimezone(cfg.tz)}
        (folder / f"{sid}.md").write_text(md.render(ctx), encoding="utf-8")
        (folder / f"{sid}.html").write_text(html.render(ctx), encoding="utf-8")
        files[sid] = folder / f"{sid}.html"
    return files
