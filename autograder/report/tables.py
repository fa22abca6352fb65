"""Class tables computed with pandas from the gradebook."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from autograder import roster as roster_mod
from autograder.config import CourseConfig
from autograder.gradebook import Gradebook


@dataclass
class ClassTables:
    students: pd.DataFrame  # one row per (student, assignment): final score, status
    matrix: pd.DataFrame  # student × assignment scores with a total column
    cases: pd.DataFrame  # per test case: pass rate and points
    issues: pd.DataFrame  # collection problems


def _read(book: Gradebook, sql: str) -> pd.DataFrame:
    with book.engine.connect() as conn:
        return pd.read_sql_query(sql, conn)


def _final(group: pd.DataFrame, points: float, penalty: float, max_days: int, manual: float = 0.0) -> pd.Series:
    """Best of the on-time version and the late one after its penalty. TA (manual) points join
    the automatic ones of a graded version, and the late penalty applies to their sum."""
    best, status, late_days, run_id = None, "missing", 0, None
    notes = []
    for r in group.itertuples():
        if r.sub_status == "invalid":
            notes.append(f"invalid: {r.problem}")
            continue
        if pd.isna(r.score):
            notes.append("not graded yet" if pd.isna(r.run_status) else f"{r.run_status}: {r.run_error}")
            continue
        if r.late_days > max_days:
            notes.append(f"late by {r.late_days} days (> {max_days}): not accepted")
            continue
        score = (r.score + manual) * max(0.0, 1 - penalty * r.late_days)
        if best is None or score > best:
            best, late_days, run_id = score, int(r.late_days), int(r.run_id)
            status = f"late ({r.late_days} d, −{penalty * r.late_days:.0%})" if r.late_days else "on time"
    if best is None and notes:
        status = notes[-1]
    return pd.Series({"score": round(best, 2) if best is not None else 0.0, "max": points, "status": status,
                      "late_days": late_days, "manual": manual if best is not None else 0.0,
                      "notes": "; ".join(notes), "run_id": run_id})


def class_tables(cfg: CourseConfig, book: Gradebook) -> ClassTables:
    roster = roster_mod.load(cfg.path(cfg.roster))
    people = pd.DataFrame([{"student_id": s.student_id, "name": s.name, "cohort": s.cohort} for s in roster])
    subs = _read(book, """
        SELECT s.id, s.assignment, s.student_id, s.status AS sub_status, s.problem, s.late_days,
               s.commit_time, r.id AS run_id, r.score, r.status AS run_status, r.error AS run_error
        FROM submissions s
        LEFT JOIN runs r ON r.submission_id = s.id AND r.current = 1
        WHERE s.student_id IS NOT NULL""")
    manual = pd.DataFrame(book.manual(), columns=["assignment", "student_id", "points"])
    manual_sum = manual.groupby(["assignment", "student_id"])["points"].sum().to_dict()
    rows = []
    lp = cfg.late_policy
    for a in cfg.assignments:
        mine = subs[subs.assignment == a.id]
        for person in people.itertuples():
            final = _final(mine[mine.student_id == person.student_id], a.points, lp.penalty_per_day, lp.max_late_days,
                           manual_sum.get((a.id, person.student_id), 0.0))
            rows.append({"student_id": person.student_id, "name": person.name, "assignment": a.id, **final})
    students = pd.DataFrame(rows, columns=["student_id", "name", "assignment", "score", "max", "status",
                                           "late_days", "manual", "notes", "run_id"])
    matrix = students.pivot_table(index=["student_id", "name"], columns="assignment", values="score",
                                  aggfunc="first").reset_index()
    matrix.columns.name = None
    ids = [a.id for a in cfg.assignments]
    matrix["total"] = matrix[ids].sum(axis=1)
    matrix["percent"] = (100 * matrix["total"] / sum(a.points for a in cfg.assignments)).round(1)
    cases = _read(book, """
        SELECT s.assignment, x.case_id, x.title, x.status, x.points, x.max_points
        FROM results x JOIN runs r ON r.id = x.run_id AND r.current = 1
        JOIN submissions s ON s.id = r.submission_id""")
    if not cases.empty:
        cases = (cases.assign(passed=cases.status.eq("passed"), skipped=cases.status.eq("skipped"))
                 .groupby(["assignment", "case_id", "title"], as_index=False)
                 .agg(max_points=("max_points", "first"), runs=("status", "size"),
                      pass_rate=("passed", "mean"), skipped=("skipped", "sum")))
        cases["pass_rate"] = (100 * cases["pass_rate"]).round(1)
    issues = _read(book, "SELECT assignment, path, kind, student, detail, collected_at FROM collection_issues")
    return ClassTables(students, matrix, cases, issues)
