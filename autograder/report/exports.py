"""Files for other systems: CSV (Excel-friendly), Parquet, an XLSX workbook for TAs, and a
Canvas-style grade import CSV."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from autograder.config import CourseConfig
from autograder.report.tables import ClassTables
from autograder.sheets import excel_writer, neutralise, write_csv


def write_tables(t: ClassTables, folder: Path) -> dict[str, Path]:
    files = {
        "class": write_csv(t.matrix, folder / "class.csv"),
        "submissions": write_csv(t.students, folder / "submissions.csv"),
        "penalties": write_csv(t.penalties, folder / "late_penalties.csv"),
        "assignments": write_csv(t.stats, folder / "assignments.csv"),
        "test_cases": write_csv(t.cases, folder / "test_cases.csv"),
        "mistakes": write_csv(t.mistakes, folder / "mistakes.csv"),
        "progress": write_csv(t.progress, folder / "progress.csv"),
        "at_risk": write_csv(t.at_risk, folder / "at_risk.csv"),
        "issues": write_csv(t.issues, folder / "collection_issues.csv"),
        "regrade_requests": write_csv(t.regrade_requests, folder / "regrade_requests.csv"),
        "regrade_decisions": write_csv(t.regrade_decisions, folder / "regrade_decisions.csv"),
    }
    # the tidy table is long (a row per test case): Arrow writes it several times faster than pandas
    tidy = pa.Table.from_pandas(t.tidy, preserve_index=False)
    files["tidy_parquet"] = folder / "tidy.parquet"
    pq.write_table(tidy, files["tidy_parquet"])
    files["tidy_csv"] = folder / "tidy.csv"
    with open(files["tidy_csv"], "wb") as f:
        f.write("\ufeff".encode())  # the same BOM as the other CSV files
        pa_csv.write_csv(pa.Table.from_pandas(neutralise(t.tidy), preserve_index=False), f)
    return files


def write_workbook(t: ClassTables, path: Path) -> Path:
    """One sheet per view a TA works with; the tidy table stays in Parquet/CSV (too long for a sheet)."""
    sheets = {"scores": t.matrix, "submissions": t.students.drop(columns=["run_id"]), "late penalties": t.penalties,
              "assignments": t.stats, "test cases": t.cases, "mistakes": t.mistakes, "progress": t.progress, "at risk": t.at_risk,
              "collection issues": t.issues, "regrade requests": t.regrade_requests,
              "regrade decisions": t.regrade_decisions}
    with excel_writer(path) as xlsx:
        for name, frame in sheets.items():
            frame.to_excel(xlsx, sheet_name=name, index=False)
            sheet = xlsx.sheets[name]
            sheet.freeze_panes(1, 0)
            if len(frame.columns):
                sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)  # Excel's filter buttons on the header
            for i, column in enumerate(frame.columns):
                sheet.set_column(i, i, _width([column, *frame[column].head(2000).tolist()]))
    return path


def _width(values: list) -> float:
    """A column wide enough for its longest cell (Hangul counts double), between 6 and 60 characters."""
    def cells(v) -> int:
        text = "" if v is None or (isinstance(v, float) and v != v) else (f"{v:.2f}" if isinstance(v, float) else str(v))
        return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return min(max(max(map(cells, values), default=0) + 2, 6), 60)


CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def write_canvas(cfg: CourseConfig, t: ClassTables, roster: pd.DataFrame, path: Path) -> Path:
    """Canvas's gradebook import: the identity columns Canvas matches students on (``SIS User ID`` =
    the student id; ``ID`` and ``SIS Login ID`` left blank: Canvas's own ids are not known here),
    then one column per assignment, and a ``Points Possible`` row first. Scores are after late
    penalties. A cell is blank for work not due yet as of the report, and for work not submitted
    by a deadline that has passed unless ``reports.canvas_missing: zero`` — an upload mid-term never
    writes zeros over future assignments."""
    heads = {a.id: f"{a.title} ({a.id})" for a in cfg.assignments}
    due = {a.id: cfg.due(a) <= t.as_of for a in cfg.assignments}
    finals = {(r.student_id, r.assignment): r for r in t.students.itertuples()}

    def cell(student_id: str, assignment: str):
        final = finals.get((student_id, assignment))
        if final is None or not due[assignment] and not final.accepted:
            return ""
        if not final.accepted:
            return 0.0 if cfg.reports.canvas_missing == "zero" else ""
        return round(float(final.score), 2)

    rows = [{"Student": "    Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "", "Section": "",
             **{heads[a.id]: a.points for a in cfg.assignments}}]
    for r in roster.itertuples():
        rows.append({"Student": r.name, "ID": "", "SIS User ID": r.student_id, "SIS Login ID": "",
                     "Section": f"{r.cohort}기", **{heads[a.id]: cell(r.student_id, a.id) for a in cfg.assignments}})
    return write_csv(pd.DataFrame(rows, columns=CANVAS_IDENTITY + list(heads.values())), path, bom=False)
