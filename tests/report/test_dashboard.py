"""The dashboard as a leader sees it: opened from disk in headless Chromium (Debian's package,
installed by ``make test``), tables and plots there, sorting works, no console errors; a
screenshot is kept in build/test-artifacts/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from autograder.gradebook import Gradebook
from autograder.report import write_report
from tests.conftest import PROJECT
from testkit.synthetic_class import make_class

ARTIFACTS = Path(os.environ.get("AUTOGRADER_ARTIFACTS", PROJECT / "build" / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI"):  # CI's set-up (make test) installs it: missing there is a failure, not a skip
            pytest.fail("chromium is missing although `make test` installs it")
        pytest.skip("no chromium here: `make test` installs Debian's chromium package (needs root and apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api")
    cfg, _ = make_class(tmp_path_factory.mktemp("dash"), n_students=45, weeks=5, cases=8, seed=3)
    files = write_report(cfg, Gradebook(cfg.gradebook), as_of=dt.datetime(2026, 8, 30, tzinfo=dt.timezone.utc))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1400, "height": 1100})
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        tab.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))
        tab.goto(files.html.as_uri())
        tab.wait_for_load_state("load")
        yield tab, files, problems
        browser.close()


def test_dashboard_shows_tables_and_plots_without_errors(page):
    tab, files, problems = page
    t = files.tables
    rows = {sel: tab.locator(f"{sel} tbody tr").count() for sel in
            ("#class-table", "#assignments-table", "#cases-table", "#at-risk-table", "#status-table")}
    assert rows == {"#class-table": len(t.matrix), "#assignments-table": len(t.stats), "#cases-table": len(t.cases),
                    "#at-risk-table": len(t.at_risk),
                    "#status-table": int((~t.students.status.isin(["on time", "not due yet"])).sum())}
    widths = tab.evaluate("Array.from(document.images).map(i => [i.id, i.complete && i.naturalWidth])")
    assert {i for i, _ in widths} == {"plot-progress", "plot-distributions", "plot-items", "plot-late"}
    assert all(w and w > 100 for _, w in widths), widths
    assert tab.evaluate("document.characterSet") == "UTF-8"
    assert "반 전체 / Class table" in tab.inner_text("body")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert not problems, problems


def test_sorting_a_column_and_opening_a_report_card(page):
    tab, files, problems = page
    header = tab.locator("#class-table thead th").nth(-2)  # course percent (then "so far %")
    assert "Course %" in header.inner_text()
    header.click()
    header.click()  # descending
    assert header.get_attribute("aria-sort") == "descending"
    shown = [float(x) for x in tab.locator("#class-table tbody tr td:nth-last-child(2)").all_inner_texts()]
    assert shown == sorted(files.tables.matrix.percent, reverse=True)
    top = tab.locator("#class-table tbody tr").first
    student_id = top.locator("td").first.inner_text()
    top.locator("a").click()
    tab.wait_for_load_state("load")
    expected = files.tables.matrix.set_index("student_id").at[student_id, "percent"]
    assert tab.inner_text("#course-percent") == f"{expected:.1f} %"
    assert tab.locator("#card-table tbody tr").count() == len(files.tables.stats)
    tab.screenshot(path=str(ARTIFACTS / "report_card.png"))
    assert not problems, problems


def test_the_student_filter_keeps_only_matching_rows_and_print_hides_the_controls(page):
    tab, files, problems = page
    tab.goto(files.html.as_uri())
    student = files.tables.matrix.iloc[3]
    box = tab.locator("#student-filter")
    box.fill(student["name"])
    visible = tab.locator("#class-table tbody tr:not([hidden])")
    assert visible.count() == files.tables.matrix.name.str.contains(student["name"], regex=False).sum() >= 1
    assert student["student_id"] in visible.first.inner_text()
    assert tab.inner_text("#student-filter-count").startswith(f"{visible.count()} / {len(files.tables.matrix)}")
    box.fill("")
    assert tab.locator("#class-table tbody tr:not([hidden])").count() == len(files.tables.matrix)
    tab.emulate_media(media="print")
    assert not tab.locator("#student-filter").is_visible()
    assert tab.evaluate("getComputedStyle(document.querySelector('.scroll')).overflow") == "visible"
    tab.emulate_media(media="screen")
    summary = tab.locator("#at-risk-details > summary")
    assert tab.locator("#at-risk-details").get_attribute("open") is not None
    summary.click()  # the at-risk list folds away
    assert tab.locator("#at-risk-details").get_attribute("open") is None
    summary.click()
    assert not problems, problems


def test_a_report_card_shows_the_students_trend_against_the_class(page):
    tab, files, problems = page
    student_id = files.tables.matrix.student_id.iloc[0]
    tab.goto((files.html.parent / "cards" / f"{student_id}.html").as_uri())
    due = files.tables.students[(files.tables.students.student_id == student_id)
                                & (files.tables.students.status != "not due yet")]
    points = tab.locator("#trend-student").get_attribute("points").split()
    assert len(points) == len(due) > 1
    assert tab.locator("#trend text").count() == len(due)
    assert not problems, problems


def test_the_workbook_has_filters_and_fitted_columns(page):
    from openpyxl import load_workbook

    _, files, _ = page
    book = load_workbook(files.folder / "grades.xlsx")
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref, sheet.title
    students = book.worksheets[0]
    widths = {students.cell(1, c).value: students.column_dimensions[students.cell(1, c).column_letter].width
              for c in range(1, students.max_column + 1)}
    assert all(6 <= w <= 60 for w in widths.values()) and len(set(widths.values())) > 1, widths
