"""The report mid-term: work not due yet is blank (not 0) in the class table, class.csv and the
workbook; the headline is the percent so far; plots with nothing to draw say so in words."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from autograder.gradebook import Gradebook
from autograder.report import write_report
from autograder.report import plots
from testkit.synthetic_class import make_class

AFTER_WEEK2 = dt.datetime(2026, 7, 16, tzinfo=dt.timezone.utc)  # week02 due 07-14, week03 07-21 (KST)


def test_mid_term_report_blanks_future_work_and_leads_with_the_percent_so_far(tmp_path):
    cfg, truth = make_class(tmp_path / "c", n_students=30, weeks=3, cases=4, seed=3)
    files = write_report(cfg, Gradebook(cfg.gradebook), as_of=AFTER_WEEK2)
    finals = files.tables.students.set_index(["student_id", "assignment"])
    cls = pd.read_csv(files.folder / "class.csv", encoding="utf-8-sig", dtype={"student_id": str})
    xlsx = pd.read_excel(files.files["xlsx"], sheet_name="scores", dtype={"student_id": str})
    not_due = {(sid, a) for (sid, a), r in finals.iterrows() if r.status == "not due yet"}
    assert len(not_due) >= 2
    for frame in (cls, xlsx, files.tables.matrix):
        frame = frame.set_index("student_id")
        for sid, _ in truth.students:
            for a in ("week02", "week03", "week04"):
                # not due and not in: blank; handed in early, or due: a number (0 for missing work)
                assert pd.isna(frame.loc[sid, a]) == ((sid, a) in not_due), (sid, a)
    missing = [sid for sid, _ in truth.students if finals.loc[(sid, "week02"), "status"] == "missing"]
    assert (cls.set_index("student_id").loc[missing, "week02"] == 0).all()  # a real zero stays 0
    html = files.html.read_text(encoding="utf-8")
    so_far = files.tables.matrix.percent_so_far.median()
    assert f'id="so-far-card">지금까지 % 중앙값 / Median so far %<b>{so_far:.1f}</b>' in html
    progress = (files.folder / "plots" / "progress.svg").read_text(encoding="utf-8")
    assert "두 주 이상" in progress  # one week due: words, not a one-point chart


def test_a_class_without_late_work_gets_words_instead_of_empty_late_charts(tmp_path):
    cfg, _ = make_class(tmp_path / "c", n_students=8, weeks=2, cases=3, seed=5)
    files = write_report(cfg, Gradebook(cfg.gradebook), as_of=dt.datetime(2026, 8, 30, tzinfo=dt.timezone.utc))
    t = dataclasses.replace(files.tables, matrix=files.tables.matrix.assign(late_days=0),
                            stats=files.tables.stats.assign(late=0),
                            penalties=files.tables.penalties.assign(total=0.0))
    svg = plots.late_days(t, tmp_path / "late.svg").read_text(encoding="utf-8")
    assert "No late work so far" in svg and "Late days per student" not in svg  # words, no empty axes
    drawn = plots.late_days(files.tables, tmp_path / "late2.svg").read_text(encoding="utf-8")
    assert "학생별 지각 일수 / Late days per student" in drawn  # bilingual titles where there is something
