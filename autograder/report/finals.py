"""Each student's final score per assignment: the version that counts, its late penalty, why.

Rule (the course's late policy): a version's time is when the collector first saw its commit
(``time_source: first_seen``) or its commit date (``commit_time``); it is late by the started
days past the deadline plus any extension the TA granted, after the grace minutes. Every
graded version is a candidate unless it is later than ``max_late_days``; TA (manual) points
join the automatic points of a graded version, and a case whose points a TA decided on a regrade
(or overrode) has that value in every version. Going through the assignments in deadline
order, a student's bank of late days (``bank_days``) covers late days first; the penalty
``penalty_per_day × uncovered late days`` applies to the sum, and the best candidate after its
penalty counts (the one that spends fewer bank days, then the earlier one, wins a tie).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import text

from autograder import roster as roster_mod
from autograder.config import CourseConfig
from autograder.gradebook import Gradebook
from autograder.regrade import effective

FINAL_COLUMNS = ["student_id", "name", "cohort", "assignment", "week", "raw", "penalty", "score", "max", "percent",
                 "status", "accepted", "late_days", "bank_used", "extension_days", "manual", "notes", "run_id"]


def read_sql(book: Gradebook, sql: str) -> pd.DataFrame:
    with book.engine.connect() as conn:
        if book.dialect == "sqlite":  # pandas reads sqlite3 connections directly, which is faster
            return pd.read_sql_query(sql, conn.connection.driver_connection)
        return pd.read_sql_query(text(sql), conn)


def roster_frame(cfg: CourseConfig) -> pd.DataFrame:
    roster = roster_mod.load(cfg.path(cfg.roster))
    return pd.DataFrame([{"student_id": s.student_id, "name": s.name, "cohort": s.cohort,
                          "git_user": s.git_user or ""} for s in roster],
                        columns=["student_id", "name", "cohort", "git_user"])


def _versions(book: Gradebook) -> pd.DataFrame:
    return read_sql(book, """
        SELECT s.id AS submission_id, s.assignment, s.student_id, s.status AS sub_status, s.problem,
               s.commit_time, s.first_seen, r.id AS run_id, r.score,
               COALESCE(r.status, l.status) AS run_status, COALESCE(r.error, l.error) AS run_error
        FROM submissions s
        LEFT JOIN runs r ON r.submission_id = s.id AND r.current
        LEFT JOIN runs l ON r.id IS NULL AND l.id = (SELECT MAX(x.id) FROM runs x WHERE x.submission_id = s.id)
        WHERE s.student_id IS NOT NULL
        ORDER BY s.id""")


def _why_not(v: pd.DataFrame, max_days: int) -> pd.Series:
    """For each version that cannot count, the reason ("" for a candidate)."""
    why = pd.Series("", index=v.index, dtype=object)
    not_graded = v.score.isna()
    why[not_graded & v.run_status.isna()] = "not graded yet"
    errors = v.run_error.fillna("").astype(str).str.replace(r"\s*\n\s*", " ", regex=True)
    rejected = not_graded & (v.run_status == "rejected")
    why[rejected] = "rejected: " + errors[rejected]  # the submission itself is unusable: the reason and the fix
    infra = not_graded & v.run_status.notna() & ~rejected
    why[infra] = "not graded yet (the grader failed, not the submission; it is graded again): " + errors[infra]
    too_late = ~not_graded & (v.late_days > max_days)
    why[too_late] = "late by " + v.late_days[too_late].astype(int).astype(str) + f" days (> {max_days}): not accepted"
    invalid = v.sub_status == "invalid"
    why[invalid] = "invalid: " + v.problem[invalid].fillna("").astype(str)
    return why


def _late_days(cfg: CourseConfig, v: pd.DataFrame, ext: pd.Series) -> pd.Series:
    """Started days late under the policy's clock, the deadline moved by any extension."""
    lp = cfg.late_policy
    commit = pd.to_datetime(v.commit_time, utc=True, format="ISO8601")
    when = commit
    if lp.time_source == "first_seen":
        when = pd.to_datetime(v.first_seen, utc=True, format="ISO8601").fillna(commit)
    due = v.assignment.map({a.id: pd.Timestamp(cfg.due(a)).tz_convert("UTC") for a in cfg.assignments})
    due = due + pd.to_timedelta(ext.to_numpy(), unit="D")
    over = (when - due).dt.total_seconds() - lp.grace_minutes * 60
    return np.ceil(over.clip(lower=0) / 86400).astype(int)


def _spend_bank(cand: pd.DataFrame, order: dict[str, int], bank: int, penalty: float) -> pd.DataFrame:
    """The counted version per (assignment, student), spending each student's bank of late days
    in deadline order."""
    if bank == 0:
        cand = cand.assign(bank_used=0, final=cand.raw * np.maximum(0.0, 1 - penalty * cand.late_days))
        cand = cand.sort_values(["final", "late_days", "submission_id"], ascending=[False, True, True], kind="stable")
        return cand.drop_duplicates(["assignment", "student_id"])
    rows = []
    cand = cand.assign(order=cand.assignment.map(order)).sort_values(["student_id", "order", "submission_id"])
    for _, mine in cand.groupby("student_id", sort=False):
        left = bank
        for _, options in mine.groupby("order", sort=True):
            best = None
            for r in options.itertuples():
                used = min(int(r.late_days), left)
                final = r.raw * max(0.0, 1 - penalty * (r.late_days - used))
                key = (final, -used, -r.submission_id)
                if best is None or key > best[0]:
                    best = (key, r.Index, used, final)
            _, index, used, final = best
            left -= used
            rows.append((index, used, final))
    picked = cand.loc[[i for i, _, _ in rows]].copy()
    picked["bank_used"] = [u for _, u, _ in rows]
    picked["final"] = [f for _, _, f in rows]
    return picked


def final_scores(cfg: CourseConfig, book: Gradebook, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """One row per (roster student, assignment), in roster × assignment order (FINAL_COLUMNS).
    With ``as_of``, work that is not in and whose deadline (with the student's extension) has not
    passed is "not due yet", not "missing"."""
    people = roster_frame(cfg)
    lp = cfg.late_policy
    points = {a.id: a.points for a in cfg.assignments}
    weeks = {a.id: a.week for a in cfg.assignments}
    v = _versions(book)
    v = v[v.assignment.isin(points.keys())].copy()
    decided = effective.overrides(book)  # a TA's regrade decisions: the value set counts, in every version
    v["score"] = v.score + effective.run_deltas(book, v, decided)
    ext = pd.DataFrame(book.extensions(), columns=["student_id", "assignment", "days"])
    ext_days = ext.set_index(["assignment", "student_id"])["days"]
    v["extension_days"] = pd.Series(list(zip(v.assignment, v.student_id)), index=v.index).map(ext_days).fillna(0)
    v["late_days"] = _late_days(cfg, v, v.extension_days) if len(v) else pd.Series(dtype=int)
    manual = pd.DataFrame(effective.manual_rows(book.manual(), decided), columns=["assignment", "student_id", "points"])
    manual = manual.groupby(["assignment", "student_id"], as_index=False)["points"].sum().rename(
        columns={"points": "manual"})
    v = v.merge(manual, on=["assignment", "student_id"], how="left")
    v["manual"] = v["manual"].fillna(0.0)
    v["why"] = _why_not(v, lp.max_late_days)
    cand = v[v.why == ""].copy()
    cand["raw"] = cand.score + cand.manual
    by_due = sorted(cfg.assignments, key=lambda a: (cfg.due(a), a.week))
    best = _spend_bank(cand, {a.id: i for i, a in enumerate(by_due)}, lp.bank_days, lp.penalty_per_day)
    best = best.set_index(["assignment", "student_id"])
    notes = (v[v.why != ""].groupby(["assignment", "student_id"])["why"].agg(list))

    grid = pd.MultiIndex.from_product([[a.id for a in cfg.assignments], people.student_id],
                                      names=["assignment", "student_id"])
    out = pd.DataFrame(index=grid)
    out = out.join(best[["raw", "final", "late_days", "bank_used", "manual", "run_id"]])
    out = out.join(notes.rename("why"))
    out = out.join(ext_days.rename("extension_days"))
    accepted = out.final.notna()
    late = out.late_days.fillna(0).astype(int)
    used = out.bank_used.fillna(0).astype(int)
    status = pd.Series("missing", index=out.index, dtype=object)
    status[accepted & (late == 0)] = "on time"
    pct = (lp.penalty_per_day * (late - used)).map(lambda f: f"{f:.0%}")
    bank_note = used.map(lambda u: f", {u} bank day{'s' if u > 1 else ''}" if u else "")
    late_mask = accepted & (late > 0)
    status[late_mask] = "late (" + late[late_mask].astype(str) + " d" + bank_note[late_mask] + ", −" + pct[late_mask] + ")"
    has_notes = out.why.notna()
    status[~accepted & has_notes] = out.why[~accepted & has_notes].map(lambda w: w[-1])
    if as_of is not None:
        due = pd.Series({a.id: cfg.due(a) for a in cfg.assignments})
        deadline = pd.Series(due.reindex(out.index.get_level_values("assignment")).to_numpy(), index=out.index) + \
            pd.to_timedelta(out.extension_days.fillna(0), unit="D")
        status[~accepted & (deadline > as_of)] = "not due yet"
    out = out.reset_index()
    frame = pd.DataFrame({
        "student_id": out.student_id, "assignment": out.assignment,
        "week": out.assignment.map(weeks).astype(int),
        "raw": out.raw.fillna(0.0).round(4),
        "score": out.final.fillna(0.0).round(2),
        "max": out.assignment.map(points).astype(float),
        "status": status.to_numpy(), "accepted": accepted.to_numpy(),
        "late_days": np.where(accepted, late, 0),
        "bank_used": np.where(accepted, used, 0),
        "extension_days": out.extension_days.fillna(0).astype(int),
        "manual": np.where(accepted, out.manual.fillna(0.0), 0.0),
        "notes": out.why.map(lambda w: "; ".join(w) if isinstance(w, list) else ""),
        "run_id": out.run_id.astype("Int64"),
    })
    frame["penalty"] = (frame.raw - frame.score).clip(lower=0).round(2)
    frame["percent"] = (100 * frame.score / frame["max"]).round(1)
    frame = frame.merge(people[["student_id", "name", "cohort"]], on="student_id", how="left")
    return frame[FINAL_COLUMNS]
