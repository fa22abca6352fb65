"""Hints reach the student's feedback by the assignment's policy, written exactly as the catalogue
says; the tidy table gets a ``hint`` column and the dashboard the class's most common mistakes."""

from __future__ import annotations

import csv
import datetime as dt
import re

from sqlalchemy import select, update

from autograder import config
from autograder.casekit.hints import GENERIC, dumps, Fired
from autograder.feedback.api import write_feedback
from autograder.gradebook import Gradebook, results
from autograder.report import write_report
from testkit.synthetic_class import make_class

UTC = dt.timezone.utc
LINE = re.compile(r"^> 💡 \[hint:([\w.-]+)\] (.+) / (.+)$", re.M)


def _class(folder, policy: str = "", limit: int | None = None):
    cfg, _ = make_class(folder, n_students=6, weeks=1, cases=3, seed=5)
    if policy or limit is not None:
        text = (folder / "grader.yml").read_text(encoding="utf-8")
        extra = (f", hints: {policy}" if policy else "") + (f", hint_reveals_per_day: {limit}" if limit is not None else "")
        (folder / "grader.yml").write_text(text.replace("points: 20.0", "points: 20.0" + extra), encoding="utf-8")
        cfg = config.load(folder / "grader.yml")
    book = Gradebook(cfg.gradebook)
    with book.engine.begin() as conn:
        failing = conn.execute(select(results.c.run_id, results.c.case_id).where(results.c.status != "passed")).all()
        for run_id, case_id in failing:
            q = case_id.split("/")[0]
            conn.execute(update(results).where((results.c.run_id == run_id) & (results.c.case_id == case_id)).values(
                hints=dumps([Fired(f"{q}.dtype-changed", "float32 → float64")])))
    return cfg, book, cfg.assignments[0]


def _hint_lines(files) -> dict[str, list[tuple]]:
    return {sid: LINE.findall(p.read_text(encoding="utf-8")) for sid, p in files.files.items()}


def test_after_the_deadline_each_failing_question_names_its_hint_once(tmp_path):
    cfg, book, week = _class(tmp_path)
    due = cfg.due(week)
    before = _hint_lines(write_feedback(cfg, week, book, tmp_path / "before", at=due - dt.timedelta(hours=1)))
    assert not any(before.values())
    notes = ["Hints naming your mistakes show after the deadline" in p.read_text(encoding="utf-8")
             for p in (tmp_path / "before").glob("*.md")]
    assert any(notes)
    after = _hint_lines(write_feedback(cfg, week, book, tmp_path / "after", at=due + dt.timedelta(days=1)))
    named = [line for lines in after.values() for line in lines]
    assert named, "students with failing cases get hints"
    for hint_id, ko, en in named:
        assert hint_id.endswith(".dtype-changed")
        assert ko.startswith(GENERIC["dtype-changed"][1]) and "(float32 → float64)" in ko
        assert en.startswith(GENERIC["dtype-changed"][2])
    for lines in after.values():  # one line per hint id, however many cases of the question fired it
        assert len({i for i, *_ in lines}) == len(lines)


def test_policy_never_shows_none_and_always_counts_reveals_per_day(tmp_path):
    cfg, book, week = _class(tmp_path / "never", policy="never")
    assert not any(_hint_lines(write_feedback(cfg, week, book, at=cfg.due(week) + dt.timedelta(days=1))).values())

    cfg, book, week = _class(tmp_path / "always", policy="always", limit=1)
    early = cfg.due(week) - dt.timedelta(days=2)
    first = _hint_lines(write_feedback(cfg, week, book, tmp_path / "f1", at=early))
    assert any(first.values())
    again = _hint_lines(write_feedback(cfg, week, book, tmp_path / "f2", at=early))
    assert again == first  # the same version again costs nothing
    text = next(p for p in (tmp_path / "f2").glob("*.md") if LINE.search(p.read_text(encoding="utf-8")))
    assert "at most 1 graded versions a day" in text.read_text(encoding="utf-8")
    # a new graded version the same day: over the limit of 1, withheld and said so
    sid = next(s for s, lines in first.items() if lines)
    q = first[sid][0][0].split(".")[0]
    assert book.reveal_hints(sid, week.id, q, 10_000, early, 1) == (False, 0)
    assert book.reveal_hints(sid, week.id, q, 10_000, early + dt.timedelta(days=1), 1) == (True, 0)


def test_tidy_column_and_the_dashboards_common_mistakes(tmp_path):
    cfg, book, week = _class(tmp_path)
    files = write_report(cfg, book, as_of=cfg.due(week) + dt.timedelta(days=3))
    tidy = files.tables.tidy
    auto = tidy[tidy.origin == "auto"]
    assert set(auto[auto.status == "passed"].hint) == {""}
    failing = auto[auto.status != "passed"]
    assert len(failing) and all(h.endswith(".dtype-changed") for h in failing.hint)
    mistakes = files.tables.mistakes
    expected = failing.assign(q=failing.case_id.str.split("/").str[0]).groupby("q").student_id.nunique()
    assert dict(zip(mistakes.question, mistakes.students)) == expected.to_dict()
    with open(files.folder / "mistakes.csv", encoding="utf-8-sig") as f:
        assert {r["hint"] for r in csv.DictReader(f)} == set(mistakes.hint)
    html = files.html.read_text(encoding="utf-8")
    assert 'id="mistakes-table"' in html and mistakes.hint[0] in html


def test_details_and_hints_wait_for_a_students_own_extended_deadline(tmp_path):
    cfg, book, week = _class(tmp_path)
    text = (tmp_path / "grader.yml").read_text(encoding="utf-8")
    (tmp_path / "grader.yml").write_text(text.replace("points: 20.0", "points: 20.0, hidden_tests: after_deadline"),
                                         encoding="utf-8")
    cfg = config.load(tmp_path / "grader.yml")
    week = cfg.assignments[0]
    failing = _hint_lines(write_feedback(cfg, week, book, tmp_path / "all", at=cfg.due(week) + dt.timedelta(hours=2)))
    extended, other = [sid for sid, lines in failing.items() if lines][:2]
    book.put_extension({"student_id": extended, "assignment": week.id, "days": 1, "reason": None,
                        "granted_by": "ta", "granted_at": "2026-07-01T00:00:00+00:00"})
    files = write_feedback(cfg, week, book, tmp_path / "ext", at=cfg.due(week) + dt.timedelta(hours=2))
    mine, theirs = (files.files[s].read_text(encoding="utf-8") for s in (extended, other))
    assert "Hidden tests show their name" in mine and not LINE.search(mine)
    assert "Hidden tests show their name" not in theirs and LINE.search(theirs)
