"""``autograder report``: the class dashboard (static HTML with plots and sortable tables),
CSV/Parquet/XLSX/Canvas exports, and a report card per student — one folder, no server."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from autograder import config
from autograder.config import CourseConfig
from autograder.gradebook import Gradebook, now
from autograder.pages import html_env
from autograder.report.anonymize import anonymize as pseudonymise
from autograder.report.cards import write_cards
from autograder.report.exports import write_canvas, write_tables, write_workbook
from autograder.report.finals import final_scores, roster_frame
from autograder.report.plots import write_plots
from autograder.report.tables import ClassTables, class_tables
from autograder.report.tidy import tidy_table

STATIC = ("style.css", "sort.js", "filter.js")
# collection issues a TA must read before grades are final: code that reaches the grader's internals or
# ships the held-out data, work committed by another student, a ref named like the branch, a link or
# submodule in place of a file
REVIEW_KINDS = ("needs-review", "authored-by-other", "shadowing-ref", "not-a-file", "similarity")


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    class_csv: Path
    tables: ClassTables
    files: dict[str, Path] = field(default_factory=dict)


def load(source: CourseConfig | Path | str = "grader.yml") -> pd.DataFrame:
    """The tidy table — one row per (student, assignment, test case) of the counted version — for
    analysis in pandas: ``autograder.report.load("grader.yml")``."""
    cfg = source if isinstance(source, CourseConfig) else config.load(Path(source))
    book = Gradebook(cfg.gradebook)
    return tidy_table(cfg, book, final_scores(cfg, book))


def _num(value, digits: int = 2) -> str:
    """A number for a table cell; '—' for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    return f"{float(value):.{digits}f}"


def write_report(cfg: CourseConfig, book: Gradebook, folder: Path | None = None, *, anonymize: bool = False,
                 as_of: dt.datetime | None = None) -> ReportFiles:
    folder = folder or cfg.path(cfg.reports.output)
    folder.mkdir(parents=True, exist_ok=True)
    if not anonymize:  # new versions collected: compare their code first, so flagged pairs reach the tables
        from autograder.integrity.similarity import refresh

        refresh(cfg, book, folder)
    t = class_tables(cfg, book, as_of)
    roster = roster_frame(cfg)
    if anonymize:
        t, roster = pseudonymise(t, roster, cfg.path(cfg.storage.data_dir))
        shutil.rmtree(folder / "cards", ignore_errors=True)  # never leave named cards beside a pseudonymised report
    files = write_tables(t, folder)
    files["xlsx"] = write_workbook(t, folder / "grades.xlsx")
    if not anonymize:  # an upload file needs the real ids
        files["canvas"] = write_canvas(cfg, t, roster, folder / "canvas_grades.csv")
    else:
        (folder / "canvas_grades.csv").unlink(missing_ok=True)
    files.update(write_plots(t, folder / "plots"))
    for name in STATIC:
        (folder / name).write_text(resources.files("autograder.report").joinpath("templates", name).read_text("utf-8"),
                                   encoding="utf-8")
    files["cards"] = folder / "cards"
    write_cards(cfg, t, folder / "cards")
    env = html_env("autograder.report")
    env.filters["num"] = _num
    latest = t.progress.dropna(subset=["submission_rate"])
    html = folder / "index.html"
    html.write_text(env.get_template("class.html.j2").render(
        course=cfg.course, generated=now(), as_of=t.as_of.astimezone(cfg.tz), assignments=cfg.assignments,
        weights=cfg.weights(), anonymized=anonymize, bank_days=cfg.late_policy.bank_days, canvas="canvas" in files,
        class_median=t.matrix.percent.median(), so_far_median=t.matrix.percent_so_far.median(), latest_rate=latest.submission_rate.iloc[-1] if len(latest) else None,
        matrix=t.matrix.to_dict("records"), students=t.students.to_dict("records"), stats=t.stats.to_dict("records"),
        cases=t.cases.to_dict("records"), mistakes=t.mistakes.to_dict("records"), penalties=t.penalties.to_dict("records"),
        at_risk=t.at_risk.to_dict("records"), at_risk_rule=t.at_risk_rule, nothing_collected=not book.collected(),
        issues=t.issues.to_dict("records"), review_kinds=REVIEW_KINDS,
        regrade_requests=t.regrade_requests.to_dict("records"), regrade_decisions=t.regrade_decisions.to_dict("records"),
        regrade_changed=t.regrade_changed.to_dict("records")), encoding="utf-8")
    files["html"] = html
    return ReportFiles(folder, html, files["class"], t, files)
