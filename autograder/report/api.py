"""``autograder report``: CSV files and a static HTML page for session leaders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from autograder.config import CourseConfig
from autograder.gradebook import Gradebook, now
from autograder.report.tables import ClassTables, class_tables


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    class_csv: Path
    tables: ClassTables


def write_report(cfg: CourseConfig, book: Gradebook, folder: Path | None = None) -> ReportFiles:
    folder = folder or cfg.path(cfg.reports.output)
    folder.mkdir(parents=True, exist_ok=True)
    t = class_tables(cfg, book)
    class_csv = folder / "class.csv"
    t.matrix.to_csv(class_csv, index=False, encoding="utf-8-sig")  # BOM: Excel opens Korean correctly
    t.students.to_csv(folder / "submissions.csv", index=False, encoding="utf-8-sig")
    t.cases.to_csv(folder / "test_cases.csv", index=False, encoding="utf-8-sig")
    t.issues.to_csv(folder / "collection_issues.csv", index=False, encoding="utf-8-sig")
    env = Environment(loader=PackageLoader("autograder.report", "templates"), autoescape=select_autoescape())
    html = folder / "index.html"
    html.write_text(env.get_template("class.html.j2").render(
        course=cfg.course, generated=now(), assignments=cfg.assignments,
        matrix=t.matrix.to_dict("records"), students=t.students.to_dict("records"),
        cases=t.cases.to_dict("records"), issues=t.issues.to_dict("records")), encoding="utf-8")
    return ReportFiles(folder, html, class_csv, t)
