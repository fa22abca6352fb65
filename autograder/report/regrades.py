"""The class report's regrade tables: requests (open ones with their age), the decision trail, and
which cases TAs changed most — many changes to one case are a sign the hidden case itself is wrong."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from autograder.gradebook import Gradebook
from autograder.regrade import effective, store

REQUEST_COLUMNS = ["id", "assignment", "student_id", "name", "cases", "status", "first_seen", "age_days", "reason",
                   "problem"]
DECISION_COLUMNS = ["decided_at", "decided_by", "assignment", "student_id", "name", "case_id", "action", "before",
                    "points", "max_points", "request_id", "reason"]
CHANGED_COLUMNS = ["assignment", "case_id", "students", "raised", "lowered", "mean_change"]


@dataclass(frozen=True)
class RegradeTables:
    requests: pd.DataFrame
    decisions: pd.DataFrame
    changed: pd.DataFrame  # per case: students whose value a TA set, and in which direction


def regrade_tables(book: Gradebook, names: dict[str, str], as_of: dt.datetime) -> RegradeTables:
    reqs = pd.DataFrame(store.requests(book), columns=[c for c in REQUEST_COLUMNS if c not in ("name", "age_days")])
    reqs["name"] = reqs.student_id.map(names)
    reqs["cases"] = reqs.cases.map(", ".join)
    seen = pd.to_datetime(reqs.first_seen, utc=True, format="ISO8601")
    age = (pd.Timestamp(as_of).tz_convert("UTC") - seen).dt.total_seconds() / 86400
    reqs["age_days"] = age.where(reqs.status.isin(store.UNDECIDED)).round(1)
    decisions = pd.DataFrame(store.decisions(book), columns=[c for c in DECISION_COLUMNS if c != "name"])
    decisions["name"] = decisions.student_id.map(names)
    active = effective.overrides(book)
    active = active.assign(change=active.points - active.graded)
    changed = active.groupby(["assignment", "case_id"]).agg(
        students=("student_id", "nunique"), raised=("change", lambda c: int((c > 0).sum())),
        lowered=("change", lambda c: int((c < 0).sum())), mean_change=("change", "mean")).reset_index()
    changed = changed.sort_values(["students", "assignment", "case_id"], ascending=[False, True, True],
                                  ignore_index=True)
    return RegradeTables(reqs[REQUEST_COLUMNS], decisions[DECISION_COLUMNS], changed[CHANGED_COLUMNS])
