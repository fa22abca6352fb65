"""The values that count after TA decisions, for the tables reports and feedback are made from.

An override is about a student's case of an assignment, not about one run: a later regrade of the
submission (or another version that counts) keeps it, and the places that show it say so.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from autograder.gradebook import Gradebook, results
from autograder.regrade import store

OVERRIDE_COLUMNS = ["assignment", "student_id", "case_id", "points", "before", "graded", "max_points", "reason", "decided_by",
                    "decided_at", "action", "request_id"]
MANUAL = "manual/"


def overrides(book: Gradebook) -> pd.DataFrame:
    """One row per (assignment, student, case) whose value a TA set (OVERRIDE_COLUMNS; ``graded``: the
    grader's value when the TA first changed it)."""
    rows = store.decisions(book)
    active = store.active_overrides(rows)
    return pd.DataFrame([{**{c: d.get(c) for c in OVERRIDE_COLUMNS}, "graded": store.graded_base(rows, d)}
                         for d in active.values()], columns=OVERRIDE_COLUMNS)


def graded_points(book: Gradebook, run_ids: list[int]) -> pd.DataFrame:
    """run_id, case_id, points of these runs' results."""
    rows: list[tuple] = []
    with book.engine.connect() as conn:
        for start in range(0, len(run_ids), 500):
            chunk = [int(r) for r in run_ids[start:start + 500]]
            rows += conn.execute(select(results.c.run_id, results.c.case_id, results.c.points)
                                 .where(results.c.run_id.in_(chunk))).all()
    return pd.DataFrame(rows, columns=["run_id", "case_id", "points"])


def run_deltas(book: Gradebook, versions: pd.DataFrame, ov: pd.DataFrame) -> pd.Series:
    """Points each version's graded score moves by under the overrides of automatic cases (indexed
    like ``versions``: assignment, student_id, run_id)."""
    auto = ov[~ov.case_id.str.startswith(MANUAL)]
    zero = pd.Series(0.0, index=versions.index)
    if auto.empty or versions.empty:
        return zero
    keys = versions.merge(auto[["assignment", "student_id"]].drop_duplicates(), on=["assignment", "student_id"])
    run_ids = keys.run_id.dropna().astype(int).unique().tolist()
    if not run_ids:
        return zero
    graded = graded_points(book, run_ids).merge(
        versions[["run_id", "assignment", "student_id"]].dropna(subset=["run_id"]).astype({"run_id": "int64"}),
        on="run_id").merge(auto[["assignment", "student_id", "case_id", "points"]], on=["assignment", "student_id",
                                                                                        "case_id"],
                           suffixes=("_graded", "_set"))
    delta = (graded.points_set - graded.points_graded).groupby(graded.run_id).sum()
    return versions.run_id.map(delta).fillna(0.0).astype(float)


def manual_rows(rows: list[dict], ov: pd.DataFrame) -> list[dict]:
    """TA rubric rows with a decided value in place of the entered one (a row added where none was
    entered)."""
    decided = {(r.assignment, r.student_id, r.case_id.removeprefix(MANUAL)): r
               for r in ov[ov.case_id.str.startswith(MANUAL)].itertuples()}
    out = []
    for row in rows:
        d = decided.pop((row["assignment"], row["student_id"], row["item"]), None)
        out.append({**row, "points": d.points, "origin": "override"} if d is not None else {**row, "origin": "manual"})
    for (assignment, student_id, item), d in decided.items():
        out.append({"assignment": assignment, "student_id": student_id, "item": item, "points": d.points,
                    "max_points": d.max_points, "comment": None, "origin": "override"})
    return out
