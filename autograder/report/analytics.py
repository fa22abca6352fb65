"""Class analytics over the finals and tidy tables (pandas, vectorised: 1,000 students × 7
weeks × 40 cases in well under a second).

Rules stated once, here, and shown on the dashboard:
- course percent = Σ weight × score / points over assignments (weights from grader.yml);
- assignment statistics are over students whose work counts; the submission rate is over the roster;
- item discrimination = pass rate of the top 27 % minus that of the bottom 27 % of the
  assignment's graded students (ranked by the assignment's automatic points), and the
  item–rest correlation = Pearson r between the case's credit and the rest of the assignment;
- at risk = missing, or below ``reports.at_risk.below_percent``, in any of the
  ``reports.at_risk.recent`` most recent assignments already due.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from autograder.config import CourseConfig
from autograder.report.tidy import automatic

UPPER_LOWER = 0.27  # Kelley's groups for the discrimination index


def score_matrix(cfg: CourseConfig, finals: pd.DataFrame, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """student × assignment final scores, then total points, late penalty, late days (and bank
    days used and left), course percent, and the percent so far: the same over the assignments
    already due as of ``as_of`` (a student with full marks so far has 100 there mid-term)."""
    ids = [a.id for a in cfg.assignments]
    keys = ["student_id", "name"]
    # work not due yet is blank, not 0 (a real zero is missing work whose deadline has passed)
    shown = finals.score.where(finals.status != "not due yet")
    matrix = finals.assign(score=shown).pivot(index=keys, columns="assignment", values="score")[ids]
    weights = pd.Series(cfg.weights())
    points = pd.Series({a.id: a.points for a in cfg.assignments})
    by_student = finals.groupby(keys)
    out = matrix.assign(total=matrix.sum(axis=1, min_count=0),
                        penalty=by_student["penalty"].sum(),
                        late_days=by_student["late_days"].sum(),
                        bank_used=by_student["bank_used"].sum(),
                        bank_left=cfg.late_policy.bank_days - by_student["bank_used"].sum(),
                        percent=(matrix[ids] / points[ids] * weights[ids]).sum(axis=1).round(1))
    due = [a.id for a in cfg.assignments if as_of is None or cfg.due(a) <= as_of]
    out["percent_so_far"] = ((matrix[due] / points[due] * weights[due]).sum(axis=1) / weights[due].sum() * 100
                             ).round(1) if due else np.nan
    out.columns.name = None
    order = finals.drop_duplicates("student_id")[keys]  # roster order
    return order.merge(out.reset_index(), on=keys, how="left")


def penalty_matrix(cfg: CourseConfig, finals: pd.DataFrame) -> pd.DataFrame:
    """Late penalty points per student and assignment (shown apart from the scores)."""
    ids = [a.id for a in cfg.assignments]
    out = finals.pivot(index=["student_id", "name"], columns="assignment", values="penalty")[ids]
    out.columns.name = None
    return out.assign(total=out.sum(axis=1)).reset_index()


def assignment_stats(cfg: CourseConfig, finals: pd.DataFrame) -> pd.DataFrame:
    rows = []
    roster_size = finals.student_id.nunique()
    for a in cfg.assignments:
        mine = finals[finals.assignment == a.id]
        counted = mine[mine.accepted]
        s = counted.score
        rows.append({
            "assignment": a.id, "week": a.week, "title": a.title, "points": a.points, "weight": round(cfg.weights()[a.id], 2),
            "students": roster_size, "submitted": len(counted),
            "submission_rate": round(100 * len(counted) / roster_size, 1) if roster_size else math.nan,
            "mean": s.mean(), "median": s.median(), "q1": s.quantile(0.25), "q3": s.quantile(0.75),
            "min": s.min(), "max": s.max(), "std": s.std(ddof=0),
            "mean_percent": 100 * s.mean() / a.points if len(s) else math.nan,
            "late": int((counted.late_days > 0).sum()), "late_days": int(counted.late_days.sum()),
            "penalty": counted.penalty.sum(),
        })
    stats = pd.DataFrame(rows)
    numeric = ["mean", "median", "q1", "q3", "min", "max", "std", "mean_percent", "penalty"]
    stats[numeric] = stats[numeric].astype(float).round(2)
    return stats


def common_mistakes(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per assignment and question: how many students' counted version made each named mistake
    (hint ids), with the share of the students graded — what to re-teach."""
    cols = ["assignment", "week", "question", "hint", "students", "share"]
    auto = automatic(tidy)
    auto = auto[auto.hint.fillna("") != ""] if "hint" in tidy else tidy.iloc[:0]
    if auto.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("week", "students", "share") else object) for c in cols})
    graded = automatic(tidy).groupby("assignment")["student_id"].nunique()
    rows = auto.assign(hint=auto.hint.str.split(";")).explode("hint")
    rows = rows.assign(question=rows.hint.str.split(".").str[0])
    counts = rows.groupby(["assignment", "week", "question", "hint"])["student_id"].nunique().rename("students")
    out = counts.reset_index()
    out["share"] = 100.0 * out.students / out.assignment.map(graded)
    return out.sort_values(["week", "students", "hint"], ascending=[True, False, True], ignore_index=True)[cols]


def item_analysis(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per automatic test case: pass rate, mean credit, discrimination, item–rest correlation."""
    cols = ["assignment", "week", "case_id", "title", "max_points", "graded", "skipped", "pass_rate", "mean_credit",
            "discrimination", "item_rest_r"]
    auto = automatic(tidy)  # after a TA's regrade decisions
    if auto.empty:  # nothing graded yet: typed columns, so every view still works on it
        numeric = {"week", "max_points", "graded", "skipped", "pass_rate", "mean_credit", "discrimination",
                   "item_rest_r"}
        return pd.DataFrame({c: pd.Series(dtype=float if c in numeric else object) for c in cols})
    run = auto[auto.status != "skipped"].copy()
    run["passed"] = (run.status == "passed").astype(float)
    run["credit"] = np.where(run.max_points > 0, run.points / run.max_points.where(run.max_points > 0, 1), run.passed)
    totals = run.groupby(["assignment", "student_id"])["points"].sum().rename("total")
    run = run.join(totals, on=["assignment", "student_id"])
    run["rest"] = run.total - run.points
    # upper and lower groups by the assignment's automatic points (ties broken by student id)
    ranked = totals.reset_index().sort_values(["assignment", "total", "student_id"], ascending=[True, False, True])
    ranked["pos"] = ranked.groupby("assignment").cumcount()
    ranked["n"] = ranked.groupby("assignment")["student_id"].transform("size")
    k = np.ceil(UPPER_LOWER * ranked.n)
    ranked["group"] = np.where(ranked.pos < k, "upper", np.where(ranked.pos >= ranked.n - k, "lower", ""))
    run = run.merge(ranked[["assignment", "student_id", "group"]], on=["assignment", "student_id"])
    keys = ["assignment", "case_id"]
    groups = run[run.group != ""].pivot_table(index=keys, columns="group", values="passed", aggfunc="mean")
    disc = groups.get("upper", np.nan) - groups.get("lower", np.nan)
    # Pearson r from sums, per case (NaN where either side has no variance)
    g = run.assign(xy=run.credit * run.rest, xx=run.credit ** 2, yy=run.rest ** 2).groupby(keys)
    s = g[["credit", "rest", "xy", "xx", "yy"]].sum()
    n = g.size()
    cov = s.xy - s.credit * s.rest / n
    vx, vy = s.xx - s.credit ** 2 / n, s.yy - s.rest ** 2 / n
    r = cov / np.sqrt(vx * vy)
    r = r.where((vx > 1e-12) & (vy > 1e-12))
    base = auto.groupby(keys).agg(week=("week", "first"), title=("title", "first"), max_points=("max_points", "first"),
                                  graded=("status", "size"), skipped=("status", lambda x: int((x == "skipped").sum())))
    out = base.join(pd.DataFrame({"pass_rate": 100 * g["passed"].mean(), "mean_credit": 100 * g["credit"].mean(),
                                  "discrimination": disc, "item_rest_r": r}))
    out[["pass_rate", "mean_credit"]] = out[["pass_rate", "mean_credit"]].round(1)
    out[["discrimination", "item_rest_r"]] = out[["discrimination", "item_rest_r"]].astype(float).round(3)
    return out.reset_index().sort_values(["week", "case_id"], kind="stable", ignore_index=True)[cols]


def progress(cfg: CourseConfig, finals: pd.DataFrame, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The class across the weeks: percent quartiles of counted work and the submission rate
    (none yet for a week that is not due as of ``as_of``: not a fall to 0)."""
    counted = finals[finals.accepted].astype({"percent": float})
    by_week = counted.groupby("week")["percent"]
    q = pd.DataFrame({"mean_percent": by_week.mean(), "q1_percent": by_week.quantile(0.25),
                      "median_percent": by_week.median(), "q3_percent": by_week.quantile(0.75)})
    rate = finals.groupby("week")["accepted"].mean() * 100
    weeks = pd.DataFrame({"week": [a.week for a in cfg.assignments], "assignment": [a.id for a in cfg.assignments]})
    out = weeks.join(q, on="week").join(rate.rename("submission_rate"), on="week")
    if as_of is not None:
        out.loc[[cfg.due(a) > as_of for a in cfg.assignments], "submission_rate"] = np.nan
    return out.round(1)


def at_risk(cfg: CourseConfig, finals: pd.DataFrame, as_of: dt.datetime) -> tuple[pd.DataFrame, str]:
    """Students at risk and the rule, in words."""
    rule = cfg.reports.at_risk
    due = sorted((a for a in cfg.assignments if cfg.due(a) <= as_of), key=lambda a: cfg.due(a))
    recent = [a.id for a in due[-rule.recent:]]
    words = (f"missing, or below {rule.below_percent:g} %, in any of the {rule.recent} most recent assignments "
             f"already due ({', '.join(recent) or 'none due yet'})")
    cols = ["student_id", "name", "reasons", "percent_recent"]
    if not recent:
        return pd.DataFrame(columns=cols), words
    mine = finals[finals.assignment.isin(recent)].copy()
    mine["reason"] = np.where(~mine.accepted, mine.assignment + ": " + mine.status,
                              np.where(mine.percent < rule.below_percent,
                                       mine.assignment + ": " + mine.percent.map("{:g} %".format), ""))
    flagged = mine[mine.reason != ""]
    reasons = flagged.groupby(["student_id", "name"], sort=False)["reason"].agg("; ".join).rename("reasons")
    recent_pct = mine.groupby("student_id")["percent"].mean().round(1).rename("percent_recent")
    out = reasons.reset_index().join(recent_pct, on="student_id")
    return out[cols].sort_values(["percent_recent", "student_id"], ignore_index=True), words
