"""Class reports on a gradebook with known contents: every figure is recomputed here from the
synthetic class's plain records (no pandas, no report code) and compared."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pandas as pd
import pytest

from autograder.gradebook import Gradebook
from autograder.report import load, write_report
from testkit.synthetic_class import make_class

WEIGHTS = [10.0, 30.0, 30.0, 30.0]
AS_OF = dt.datetime(2026, 7, 30, tzinfo=dt.timezone.utc)  # after week 05's deadline (07-28 KST)
PENALTY, MAX_DAYS = 0.1, 3


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    cfg, truth = make_class(tmp_path_factory.mktemp("report"), n_students=60, weeks=4, cases=6, seed=7,
                            weights=WEIGHTS)
    files = write_report(cfg, Gradebook(cfg.gradebook), as_of=AS_OF)
    return cfg, truth, files


def expected_finals(truth) -> dict[tuple[str, str], tuple[float, int, object]]:
    """(student, assignment) → (score after penalty, late days, counted version or None)."""
    out = {}
    for sid, _ in truth.students:
        for aid, *_ in truth.assignments:
            best = (0.0, 0, None)
            for v in truth.versions:
                if v.student_id != sid or v.assignment != aid or v.invalid or v.infra_error or v.late_days > MAX_DAYS:
                    continue
                score = (v.score + truth.manual.get((aid, sid), 0.0)) * max(0.0, 1 - PENALTY * v.late_days)
                tie = abs(score - best[0]) < 1e-12 and v.late_days < best[1]
                if best[2] is None or score > best[0] + 1e-12 or tie:
                    best = (score, v.late_days, v)
            out[(sid, aid)] = best
    return out


def test_final_scores_follow_the_late_policy(course):
    cfg, truth, files = course
    finals = files.tables.students.set_index(["student_id", "assignment"])
    expected = expected_finals(truth)
    assert len(finals) == len(expected) == 60 * 4
    for key, (score, late, version) in expected.items():
        row = finals.loc[key]
        assert row.score == pytest.approx(round(score, 2)), key
        assert bool(row.accepted) == (version is not None), key
        assert row.late_days == (late if version else 0), key
        if version is None:
            assert row.status == "missing" or row.notes, key  # a reason, never a silent zero
        raw = version.score + truth.manual.get((key[1], key[0]), 0.0) if version else 0.0
        assert row.penalty == pytest.approx(round(raw - round(score, 2), 2), abs=0.011), key
    statuses = set(files.tables.students.status)
    assert "missing" in statuses and any(s.startswith("late (") for s in statuses)
    assert any(s.startswith("late by 5 days") for s in statuses) and any(s.startswith("invalid") for s in statuses)


def test_matrix_uses_the_course_weights(course):
    cfg, truth, files = course
    expected = expected_finals(truth)
    points = {aid: pts for aid, _, pts, _ in truth.assignments}
    matrix = files.tables.matrix.set_index("student_id")
    assert list(matrix.index) == [sid for sid, _ in truth.students]  # roster order
    for sid, _ in truth.students:
        scores = {aid: round(expected[(sid, aid)][0], 2) for aid in points}
        percent = sum(w * scores[aid] / points[aid] for w, aid in zip(WEIGHTS, points))
        assert matrix.at[sid, "percent"] == pytest.approx(round(percent, 1), abs=0.051), sid
        assert matrix.at[sid, "total"] == pytest.approx(sum(scores.values()))
    csv = pd.read_csv(files.folder / "class.csv", dtype={"student_id": str})
    assert csv.percent.tolist() == pytest.approx(files.tables.matrix.percent.tolist())


def test_assignment_statistics_and_submission_rate(course):
    cfg, truth, files = course
    expected = expected_finals(truth)
    stats = files.tables.stats.set_index("assignment")
    for aid, _, pts, _ in truth.assignments:
        counted = [round(s, 2) for (sid, a), (s, _, v) in expected.items() if a == aid and v is not None]
        row = stats.loc[aid]
        assert row.submitted == len(counted) and row.students == 60
        assert row.submission_rate == pytest.approx(round(100 * len(counted) / 60, 1))
        assert row["mean"] == pytest.approx(statistics.fmean(counted), abs=0.006)
        assert row["median"] == pytest.approx(statistics.median(counted), abs=0.006)
        q1, _, q3 = statistics.quantiles(counted, n=4, method="inclusive")
        assert (row.q1, row.q3) == (pytest.approx(q1, abs=0.006), pytest.approx(q3, abs=0.006))
        assert row["min"] == min(counted) and row["max"] == max(counted)


def test_item_analysis_pass_rate_discrimination_and_item_rest_correlation(course):
    cfg, truth, files = course
    expected = expected_finals(truth)
    items = files.tables.cases.set_index(["assignment", "case_id"])
    for aid, *_ in truth.assignments:
        counted = sorted((v for (sid, a), (_, _, v) in expected.items() if a == aid and v is not None),
                         key=lambda v: v.student_id)
        ranked = sorted(counted, key=lambda v: (-v.score, v.student_id))
        k = math.ceil(0.27 * len(ranked))
        upper, lower = ranked[:k], ranked[-k:]
        for case_id in {c for v in counted for c, *_ in v.cases} - {"q1/cuda"}:
            def cell(v):
                return next(c for c in v.cases if c[0] == case_id)
            passed = [cell(v)[3] == "passed" for v in counted]
            row = items.loc[(aid, case_id)]
            assert row.pass_rate == pytest.approx(round(100 * sum(passed) / len(passed), 1)), (aid, case_id)
            disc = sum(cell(v)[3] == "passed" for v in upper) / k - sum(cell(v)[3] == "passed" for v in lower) / k
            assert row.discrimination == pytest.approx(round(disc, 3), abs=0.0011), (aid, case_id)
            credit = [cell(v)[1] / cell(v)[2] for v in counted]
            rest = [v.score - cell(v)[1] for v in counted]
            r = statistics.correlation(credit, rest)
            assert row.item_rest_r == pytest.approx(round(r, 3), abs=0.0011), (aid, case_id)
        cuda = items.loc[(aid, "q1/cuda")]
        assert cuda.skipped == cuda.graded == len(counted) and math.isnan(cuda.pass_rate)


def test_at_risk_list_follows_its_stated_rule(course):
    cfg, truth, files = course
    expected = expected_finals(truth)
    points = {aid: pts for aid, _, pts, _ in truth.assignments}
    recent = ["week04", "week05"]
    assert "week04, week05" in files.tables.at_risk_rule and "below 50 %" in files.tables.at_risk_rule
    want = {sid for sid, _ in truth.students for aid in recent
            if expected[(sid, aid)][2] is None or 100 * round(expected[(sid, aid)][0], 2) / points[aid] < 50}
    assert set(files.tables.at_risk.student_id) == want and want


def test_tidy_table_api_and_parquet_export(course):
    cfg, truth, files = course
    expected = expected_finals(truth)
    tidy = load(cfg)
    n_auto = sum(len(v.cases) for (_, _, v) in expected.values() if v is not None)
    n_manual = sum(1 for (sid, aid), (_, _, v) in expected.items() if v is not None and (aid, sid) in truth.manual)
    assert len(tidy) == n_auto + n_manual
    assert set(tidy.origin) == {"auto", "manual"}
    assert {"student_id", "assignment", "case_id", "points", "max_points", "status", "seconds", "late_days",
            "origin"} <= set(tidy.columns)
    parquet = pd.read_parquet(files.folder / "tidy.parquet")
    pd.testing.assert_frame_equal(parquet, tidy, check_dtype=False)
    by_student = tidy.groupby(["student_id", "assignment"]).points.sum()
    for (sid, aid), (_, _, v) in expected.items():
        if v is not None:
            assert by_student[(sid, aid)] == pytest.approx(v.score + truth.manual.get((aid, sid), 0.0))


def test_workbook_canvas_csv_and_report_cards(course):
    cfg, truth, files = course
    sheets = pd.read_excel(files.folder / "grades.xlsx", sheet_name=None)
    assert {"scores", "submissions", "late penalties", "assignments", "test cases", "at risk"} <= set(sheets)
    assert len(sheets["scores"]) == 60
    canvas = pd.read_csv(files.folder / "canvas_grades.csv", dtype=str)
    assert list(canvas.columns[:5]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas.iloc[0, 0].strip() == "Points Possible" and float(canvas.iloc[0, 5]) == 20.0
    matrix = files.tables.matrix.set_index("student_id")
    for sid, name in truth.students[:5]:
        card = (files.folder / "cards" / f"{sid}.md").read_text(encoding="utf-8")
        assert name in card and f"{matrix.at[sid, 'percent']:.1f} %" in card  # the class view's figure


def test_canvas_import_has_canvas_headers_and_never_writes_zeros_for_future_or_missing_work(course, tmp_path):
    """Canvas matches students on its identity columns (SIS User ID = the student id; its own ID
    and login unknown here: blank) and assignments on 'Title (id)'; a blank cell changes nothing
    there, so work not due yet, and missing work unless canvas_missing: zero, is blank."""
    cfg, truth, _ = course
    early = dt.datetime(2026, 7, 15, tzinfo=dt.timezone.utc)  # week02 is due (07-07), the rest are not
    files = write_report(cfg, Gradebook(cfg.gradebook), tmp_path / "early", as_of=early)
    canvas = pd.read_csv(files.folder / "canvas_grades.csv", dtype=str, keep_default_na=False)
    heads = [f"{a.title} ({a.id})" for a in cfg.assignments]
    assert list(canvas.columns) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *heads]
    assert canvas.iloc[0]["Student"].strip() == "Points Possible"
    assert [float(canvas.iloc[0][h]) for h in heads] == [a.points for a in cfg.assignments]
    students = canvas.iloc[1:].set_index("SIS User ID")
    assert set(students.index) == {sid for sid, _ in truth.students} and (students["SIS Login ID"] == "").all()
    finals = files.tables.students.set_index(["student_id", "assignment"])
    due = {a.id: cfg.due(a) <= early for a in cfg.assignments}
    assert due["week02"] and not due["week04"]
    for sid, _ in truth.students:
        for a, head in zip(cfg.assignments, heads):
            row, got = finals.loc[(sid, a.id)], students.at[sid, head]
            if row.accepted:
                assert float(got) == pytest.approx(row.score), (sid, a.id)
            else:
                assert got == "", (sid, a.id, got)  # not due, or missing: blank, never 0
                assert (row.status == "not due yet") == (not due[a.id]), (sid, a.id, row.status)
    # mid-term, the course percent so far counts only what is due (week02 alone here)
    matrix = files.tables.matrix.set_index("student_id")
    week02 = next(a for a in cfg.assignments if a.id == "week02")
    for sid, _ in truth.students:
        assert matrix.at[sid, "percent_so_far"] == pytest.approx(round(100 * matrix.at[sid, "week02"] / week02.points, 1),
                                                                 abs=0.051)
    progress = files.tables.progress.set_index("assignment")
    assert progress.submission_rate.notna()["week02"] and progress.submission_rate.isna()["week04"]


def test_anonymized_report_names_no_student_anywhere(course, tmp_path):
    cfg, truth, _ = course
    book = Gradebook(cfg.gradebook)
    first = write_report(cfg, book, tmp_path / "a", anonymize=True, as_of=AS_OF)
    second = write_report(cfg, book, tmp_path / "b", anonymize=True, as_of=AS_OF)
    assert first.tables.matrix.student_id.tolist() == second.tables.matrix.student_id.tolist()  # stable pseudonyms
    assert all(s.startswith("S-") for s in first.tables.matrix.student_id)
    assert first.tables.matrix.percent.tolist() == pytest.approx(course[2].tables.matrix.percent.tolist())
    assert not (tmp_path / "a" / "canvas_grades.csv").exists()
    for path in (tmp_path / "a").rglob("*"):
        if path.suffix in (".html", ".md", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8-sig")
            leaked = [x for sid, name in truth.students for x in (sid, name) if x in text]
            assert not leaked, (path.name, leaked[:3])


def test_weights_that_follow_points_are_shown_rounded(tmp_path):
    """20/95 of the course is 21.05 %, not 21.052631578947366 in every export."""
    cfg, _ = make_class(tmp_path / "c", n_students=3, weeks=4, cases=2, seed=1)
    stats = write_report(cfg, Gradebook(cfg.gradebook), as_of=AS_OF).tables.stats
    assert list(stats.weight) == [21.05, 26.32, 26.32, 26.32]


def test_an_extension_shows_on_the_dashboard_and_the_students_card(tmp_path):
    cfg, truth = make_class(tmp_path / "c", n_students=4, weeks=2, cases=2, seed=2)
    book = Gradebook(cfg.gradebook)
    sid = truth.students[0][0]
    book.put_extension({"student_id": sid, "assignment": "week02", "days": 2, "reason": "병가",
                        "granted_by": "조교", "granted_at": "2026-07-10T00:00:00+00:00"})
    files = write_report(cfg, book, as_of=AS_OF)
    assert "extension +2 d" in files.html.read_text(encoding="utf-8")
    assert "extension +2 d" in (files.folder / "cards" / f"{sid}.html").read_text(encoding="utf-8")
    assert "extension +2 d" in (files.folder / "cards" / f"{sid}.md").read_text(encoding="utf-8")


def test_a_ref_shadowing_the_branch_is_in_the_needs_review_table(tmp_path):
    from autograder.gradebook import IssueRow

    cfg, _ = make_class(tmp_path / "c", n_students=3, weeks=1, cases=2, seed=3)
    book = Gradebook(cfg.gradebook)
    book.add_issue(IssueRow("week02", "2026-07-10T00:00:00+00:00", "repo", "shadowing-ref",
                            "the repository has refs/tags/main, named like the branch", None))
    html = write_report(cfg, book, as_of=AS_OF).html.read_text(encoding="utf-8")
    section = html.split('id="needs-review"', 1)[1].split("<h2", 1)[0]
    assert "refs/tags/main" in section
