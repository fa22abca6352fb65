"""The tidy table: one row per (student, assignment, test case) of the version that counts.

Automatic rows come from the counted run's case results; each TA rubric item is a row of
its own (``origin`` = manual, ``case_id`` = ``manual/<item>``); a case whose points a TA set on a
regrade (or overrode) has that value and ``origin`` = override. ``hint`` names the mistakes the
grader's evidence found in a failing case (hint ids joined by ``;``). Points are before the late
penalty, which belongs to the assignment (see ``finals``). Students without a counted
version have no case rows: their status is in the finals table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from autograder.casekit import hints
from autograder.config import CourseConfig
from autograder.gradebook import Gradebook
from autograder.regrade import effective
from autograder.report.finals import read_sql

TIDY_COLUMNS = ["student_id", "name", "assignment", "week", "case_id", "title", "origin", "points", "max_points",
                "status", "seconds", "late_days", "run_id", "hint"]


def tidy_table(cfg: CourseConfig, book: Gradebook, finals: pd.DataFrame) -> pd.DataFrame:
    titles = {(a.id, m.id): m.title for a in cfg.assignments for m in a.manual}
    counted = finals[finals.accepted][["student_id", "name", "assignment", "week", "late_days", "run_id"]]
    counted = counted.astype({"run_id": "int64"})
    rowid = ", x.rowid" if book.dialect == "sqlite" else ""  # rows stored before 'position' existed
    auto = read_sql(book, f"""
        SELECT x.run_id, x.case_id, x.title, x.points, x.max_points, x.status, x.seconds, x.hints
        FROM results x JOIN runs r ON r.id = x.run_id AND r.current
        ORDER BY x.run_id, x.position{rowid}""")
    auto = counted.merge(auto, on="run_id", how="inner").assign(origin="auto")
    decided = effective.overrides(book)
    if not decided.empty:  # a TA's value in place of the graded one, marked as such
        hit = auto.merge(decided[["assignment", "student_id", "case_id", "points"]], how="left",
                         on=["assignment", "student_id", "case_id"], suffixes=("", "_set"))
        set_ = hit.points_set.notna().to_numpy()
        auto.loc[set_, "points"] = hit.points_set[set_].to_numpy()
        auto.loc[set_, "origin"] = "override"
        full = set_ & (auto.points >= auto.max_points - 1e-9).to_numpy()
        auto.loc[set_, "status"] = np.where(full[set_], "passed", np.where(auto.points[set_] > 0, "partial", "failed"))
        auto.loc[full, "hints"] = ""  # the TA judged it right: no mistake to name
    auto["hint"] = [";".join(dict.fromkeys(h.id for h in hints.loads(t))) for t in auto.pop("hints").tolist()]
    manual = pd.DataFrame(effective.manual_rows(book.manual(), decided),
                          columns=["assignment", "student_id", "item", "points", "max_points", "origin"])
    manual = counted.merge(manual, on=["assignment", "student_id"], how="inner").assign(
        case_id=lambda m: "manual/" + m.item,
        title=lambda m: [titles.get(k, k[1]) for k in zip(m.assignment, m.item)], status="scored",
        seconds=float("nan"), hint="")
    frames = [f[TIDY_COLUMNS] for f in (auto, manual) if not f.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY.items()})[TIDY_COLUMNS]
    tidy = pd.concat(frames, ignore_index=True)
    tidy["_rubric"] = tidy.case_id.str.startswith("manual/")  # TA rubric rows after the test cases
    return tidy.sort_values(["week", "student_id", "_rubric"], kind="stable", ignore_index=True).drop(columns="_rubric")


def automatic(tidy: pd.DataFrame) -> pd.DataFrame:
    """The rows of automatic test cases, with a TA's decided value where there is one."""
    return tidy[tidy.origin.isin(("auto", "override")) & ~tidy.case_id.str.startswith("manual/")]


_EMPTY = {"student_id": object, "name": object, "assignment": object, "week": "int64", "case_id": object,
          "title": object, "origin": object, "points": float, "max_points": float, "status": object,
          "seconds": float, "late_days": "int64", "run_id": "int64", "hint": object}
