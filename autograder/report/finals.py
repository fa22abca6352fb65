"""Each student's final score per assignment: the version that counts, its late penalty, why.

Rule (the course's late policy): every graded version of a submission is a candidate unless
it is later than ``max_late_days``; TA (manual) points join the automatic points of a graded
version, the late penalty ``penalty_per_day × late days`` applies to their sum, and the best
candidate after its penalty counts (an on-time version wins a tie).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from autograder import roster as roster_mod
from autograder.config import CourseConfig
from autograder.gradebook import Gradebook

FINAL_COLUMNS = ["student_id", "name", "cohort", "assignment", "week", "raw", "penalty", "score", "max", "percent",
                 "status", "accepted", "late_days", "manual", "notes", "run_id"]


def read_sql(book: Gradebook, sql: str) -> pd.DataFrame:
    with book.engine.connect() as conn:
        return pd.read_sql_query(sql, conn.connection.driver_connection)


def roster_frame(cfg: CourseConfig) -> pd.DataFrame:
    roster = roster_mod.load(cfg.path(cfg.roster))
    return pd.DataFrame([{"student_id": s.student_id, "name": s.name, "cohort": s.cohort,
                          "git_user": s.git_user or ""} for s in roster],
                        columns=["student_id", "name", "cohort", "git_user"])


def _versions(book: Gradebook) -> pd.DataFrame:
    return read_sql(book, """
        SELECT s.id AS submission_id, s.assignment, s.student_id, s.status AS sub_status, s.problem,
               s.late_days, r.id AS run_id, r.score, r.status AS run_status, r.error AS run_error
        FROM submissions s
        LEFT JOIN runs r ON r.submission_id = s.id AND r.current = 1
        WHERE s.student_id IS NOT NULL
        ORDER BY s.id""")


def _why_not(v: pd.DataFrame, max_days: int) -> pd.Series:
    """For each version that cannot count, the reason ("" for a candidate)."""
    why = pd.Series("", index=v.index, dtype=object)
    not_graded = v.score.isna()
    why[not_graded & v.run_status.isna()] = "not graded yet"
    failed_run = not_graded & v.run_status.notna()
    why[failed_run] = v.run_status[failed_run].astype(str) + ": " + v.run_error[failed_run].fillna("").astype(str)
    too_late = ~not_graded & (v.late_days > max_days)
    why[too_late] = "late by " + v.late_days[too_late].astype(int).astype(str) + f" days (> {max_days}): not accepted"
    invalid = v.sub_status == "invalid"
    why[invalid] = "invalid: " + v.problem[invalid].fillna("").astype(str)
    return why


def final_scores(cfg: CourseConfig, book: Gradebook) -> pd.DataFrame:
    """One row per (roster student, assignment), in roster × assignment order (FINAL_COLUMNS)."""
    people = roster_frame(cfg)
    lp = cfg.late_policy
    points = {a.id: a.points for a in cfg.assignments}
    weeks = {a.id: a.week for a in cfg.assignments}
    v = _versions(book)
    v = v[v.assignment.isin(points.keys())].copy()
    manual = pd.DataFrame(book.manual(), columns=["assignment", "student_id", "points"])
    manual = manual.groupby(["assignment", "student_id"], as_index=False)["points"].sum().rename(
        columns={"points": "manual"})
    v = v.merge(manual, on=["assignment", "student_id"], how="left")
    v["manual"] = v["manual"].fillna(0.0)
    v["why"] = _why_not(v, lp.max_late_days)
    cand = v[v.why == ""].copy()
    cand["raw"] = cand.score + cand.manual
    cand["factor"] = np.maximum(0.0, 1 - lp.penalty_per_day * cand.late_days)
    cand["final"] = cand.raw * cand.factor
    cand = cand.sort_values(["final", "late_days", "submission_id"], ascending=[False, True, True], kind="stable")
    best = cand.drop_duplicates(["assignment", "student_id"]).set_index(["assignment", "student_id"])
    notes = (v[v.why != ""].groupby(["assignment", "student_id"])["why"].agg(list))

    grid = pd.MultiIndex.from_product([[a.id for a in cfg.assignments], people.student_id],
                                      names=["assignment", "student_id"])
    out = pd.DataFrame(index=grid)
    out = out.join(best[["raw", "final", "late_days", "manual", "run_id"]])
    out = out.join(notes.rename("why"))
    accepted = out.final.notna()
    late = out.late_days.fillna(0).astype(int)
    status = pd.Series("missing", index=out.index, dtype=object)
    status[accepted & (late == 0)] = "on time"
    pct = (lp.penalty_per_day * late).map(lambda f: f"{f:.0%}")
    late_mask = accepted & (late > 0)
    status[late_mask] = "late (" + late[late_mask].astype(str) + " d, −" + pct[late_mask] + ")"
    has_notes = out.why.notna()
    status[~accepted & has_notes] = out.why[~accepted & has_notes].map(lambda w: w[-1])
    out = out.reset_index()
    frame = pd.DataFrame({
        "student_id": out.student_id, "assignment": out.assignment,
        "week": out.assignment.map(weeks).astype(int),
        "raw": out.raw.fillna(0.0).round(4),
        "score": out.final.fillna(0.0).round(2),
        "max": out.assignment.map(points).astype(float),
        "status": status.to_numpy(), "accepted": accepted.to_numpy(),
        "late_days": np.where(accepted, late, 0),
        "manual": np.where(accepted, out.manual.fillna(0.0), 0.0),
        "notes": out.why.map(lambda w: "; ".join(w) if isinstance(w, list) else ""),
        "run_id": out.run_id.astype("Int64"),
    })
    frame["penalty"] = (frame.raw - frame.score).clip(lower=0).round(2)
    frame["percent"] = (100 * frame.score / frame["max"]).round(1)
    frame = frame.merge(people[["student_id", "name", "cohort"]], on="student_id", how="left")
    return frame[FINAL_COLUMNS]
