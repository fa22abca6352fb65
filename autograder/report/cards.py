"""A report card per student (markdown and HTML), made from the same tables as the class view."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from autograder.config import CourseConfig
from autograder.report.tables import ClassTables

PASSING = ("passed", "skipped", "scored")


def write_cards(cfg: CourseConfig, t: ClassTables, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    env = Environment(loader=PackageLoader("autograder.report", "templates"), autoescape=select_autoescape(["html"]),
                      keep_trailing_newline=True)
    md, html = env.get_template("card.md.j2"), env.get_template("card.html.j2")
    medians = t.stats.set_index("assignment")["median"].to_dict()
    class_median = float(t.matrix.percent.median())
    missed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    bad = t.tidy[~t.tidy.status.isin(PASSING)]
    # plain lists: iterating Arrow-backed string columns element by element is slow
    for sid, aid, case_id, title in zip(*(bad[c].tolist() for c in ("student_id", "assignment", "case_id", "title"))):
        missed[sid][aid].append(case_id if title == case_id else f"{case_id} — {title}")
    ran = t.tidy[(t.tidy.origin == "auto") & (t.tidy.status != "skipped")]
    passed = ran.assign(ok=lambda d: d.status == "passed").groupby(
        ["student_id", "assignment"])["ok"].agg(["sum", "size"])
    counts = dict(zip(passed.index, zip(passed["sum"].astype(int), passed["size"].astype(int))))
    risk = t.at_risk.set_index("student_id")["reasons"].to_dict()
    rows_by_student = defaultdict(list)
    for r in t.students.to_dict("records"):
        rows_by_student[r["student_id"]].append({**r, "class_median": medians.get(r["assignment"]),
                                                 "cases": counts.get((r["student_id"], r["assignment"]))})
    files = {}
    for m in t.matrix.to_dict("records"):
        sid = m["student_id"]
        ctx = {"course": cfg.course, "student": m, "rows": rows_by_student[sid], "missed": missed.get(sid, {}),
               "class_median": class_median, "risk": risk.get(sid), "rule": t.at_risk_rule,
               "bank_days": cfg.late_policy.bank_days, "as_of": t.as_of.astimezone(cfg.tz)}
        (folder / f"{sid}.md").write_text(md.render(ctx), encoding="utf-8")
        (folder / f"{sid}.html").write_text(html.render(ctx), encoding="utf-8")
        files[sid] = folder / f"{sid}.html"
    return files
