"""Every table of the class report, computed once from the gradebook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from autograder.config import CourseConfig
from autograder.gradebook import Gradebook
from autograder.report import analytics
from autograder.report.finals import final_scores, read_sql
from autograder.report.regrades import regrade_tables
from autograder.report.tidy import tidy_table


@dataclass
class ClassTables:
    students: pd.DataFrame  # finals: one row per (student, assignment): score, penalty, status
    matrix: pd.DataFrame  # student × assignment scores, total, penalty, course percent
    penalties: pd.DataFrame  # student × assignment late penalty points
    stats: pd.DataFrame  # per assignment: distribution and submission rate
    cases: pd.DataFrame  # item analysis per test case
    mistakes: pd.DataFrame  # students per named mistake (hint id), per assignment and question
    progress: pd.DataFrame  # the class week by week
    at_risk: pd.DataFrame
    at_risk_rule: str
    tidy: pd.DataFrame  # one row per (student, assignment, test case)
    issues: pd.DataFrame  # collection problems
    as_of: dt.datetime
    regrade_requests: pd.DataFrame  # students' requests (open ones with their age)
    regrade_decisions: pd.DataFrame  # every TA decision, oldest first
    regrade_changed: pd.DataFrame  # per case: how many students' value a TA set


def class_tables(cfg: CourseConfig, book: Gradebook, as_of: dt.datetime | None = None) -> ClassTables:
    as_of = as_of or dt.datetime.now(dt.timezone.utc)
    finals = final_scores(cfg, book, as_of)
    tidy = tidy_table(cfg, book, finals)
    risk, rule = analytics.at_risk(cfg, finals, as_of)
    if not book.collected():  # the course has not collected anything: that is no student's doing
        risk, rule = risk.iloc[:0], "nothing has been collected yet, so no one is judged at risk"
    regrades = regrade_tables(book, dict(zip(finals.student_id, finals.name)), as_of)
    issues = read_sql(book, "SELECT assignment, path, kind, student, detail, collected_at FROM collection_issues "
                            "ORDER BY assignment, id")
    return ClassTables(
        students=finals, matrix=analytics.score_matrix(cfg, finals, as_of), penalties=analytics.penalty_matrix(cfg, finals),
        stats=analytics.assignment_stats(cfg, finals), cases=analytics.item_analysis(tidy),
        mistakes=analytics.common_mistakes(tidy),
        progress=analytics.progress(cfg, finals, as_of), at_risk=risk, at_risk_rule=rule, tidy=tidy, issues=issues,
        as_of=as_of, regrade_requests=regrades.requests, regrade_decisions=regrades.decisions,
        regrade_changed=regrades.changed)
