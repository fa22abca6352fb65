"""Week 1 end to end: write-ups collected from git, graded by the rubric, flagged for
similarity, TA scores imported (and re-imported) from CSV, then report and feedback."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pandas as pd
import pytest

from autograder import config
from autograder.collect import collect_week
from autograder.errors import UserError
from autograder.feedback import write_feedback
from autograder.grade import grade_week
from autograder.gradebook import Gradebook
from autograder.manual import import_scores, write_template
from autograder.report import class_tables
from tests.conftest import PROJECT, commit_files
from tests.week01_writeups import APP3, IO2, WRITEUPS, doc

STUDENTS = {"19001": "박세훈", "19002": "김민지", "19003": "이준호", "19004": "최서연", "19005": "강하늘"}


@pytest.fixture(scope="module")
def course(tmp_path_factory, need_git):
    root = tmp_path_factory.mktemp("week01")
    (root / "roster.csv").write_text("student_id,name,cohort\n" + "".join(
        f"{sid},{name},19\n" for sid, name in STUDENTS.items()), encoding="utf-8")
    (root / "grader.yml").write_text(f"""course: {{name: test class, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions: [{{kind: class_repo, url: {root / 'repo'}}}]
assignments:
  - id: week01
    week: 1
    title: seven patterns
    kind: writeup
    folder: {PROJECT / 'assignments' / 'week01_seven_patterns'}
    due: 2026-07-07T23:59:00
    points: 10
    hidden_tests: visible
    manual:
      - {{id: idea, title: idea, points: 3}}
      - {{id: references, title: references, points: 1}}
late_policy: {{grace_minutes: 15, penalty_per_day: 0.1, max_late_days: 3}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
""", encoding="utf-8")
    files = {
        "1주차 과제_19기 박세훈.md": doc("인식", APP3, IO2).encode(),
        # the same text lightly edited: flagged for a TA, scored like any other
        unicodedata.normalize("NFD", "1주차 과제_19기 김민지.txt"): doc("인식", APP3.replace("농약을", "약을"), IO2).encode(),
        "1주차 과제_19기 이준호.md": WRITEUPS["copy_of_prompt"][1].encode(),
        "1주차 과제_19기 최서연.md": b"\x00\x01binary with a .md name",
    }
    commit_files(root / "repo", files, "2026-07-07T20:00:00+09:00", "week 1")
    cfg = config.load(root / "grader.yml")
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week01")
    report = collect_week(cfg, week, book, seen_at="2026-07-07T20:30:00+09:00")  # collected before the deadline
    summary = grade_week(cfg, week, book, show_progress=False)
    return cfg, book, week, report, summary


def test_writeups_are_collected_in_any_accepted_form_and_bad_files_reported(course):
    cfg, book, week, report, summary = course
    assert {r.student_name for r in report.accepted} == {"박세훈", "김민지", "이준호", "최서연"}
    bad = [i for i in report.issues if i.kind == "invalid-file"]
    assert len(bad) == 1 and bad[0].student == "최서연" and "binary" in bad[0].detail
    assert summary.graded == 3 and summary.rejected == 0


def test_similar_writeups_and_prompt_copies_are_flagged_never_zeroed(course):
    cfg, book, week, _, summary = course
    issues = class_tables(cfg, book).issues
    sim = issues[issues.kind == "similarity"]
    assert summary.flagged == 3 and len(sim) == 2  # a pair and a prompt copy
    assert sim.detail.str.contains("박세훈").any() and sim.detail.str.contains("김민지").any()
    assert sim.detail.str.contains("prompt").any() and sim.student.str.contains("이준호").any()
    students = class_tables(cfg, book).students.set_index("name")
    assert students.loc["박세훈", "score"] == students.loc["김민지", "score"] == 6.0


def test_manual_scores_merge_update_and_reject_bad_rows_whole(course, tmp_path):
    cfg, book, week, _, _ = course
    template = write_template(cfg, week, tmp_path / "manual.csv")
    df = pd.read_csv(template, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(df) == 2 * len(STUDENTS) and set(df["item"]) == {"idea", "references"}
    df.loc[(df.student_id == "19001") & (df.item == "idea"), ["points", "comment"]] = ["2.5", "구체적 | 좋음"]
    df.loc[(df.student_id == "19001") & (df.item == "references"), "points"] = "1"
    df.to_csv(template, index=False, encoding="utf-8-sig")
    first = import_scores(cfg, week, book, template, entered_by="조교 김")
    assert (first.inserted, first.updated) == (2, 0) and first.blank == len(df) - 2  # blank: not entered, never 0
    df.loc[(df.student_id == "19001") & (df.item == "idea"), "points"] = "3"
    df.to_csv(template, index=False, encoding="utf-8-sig")
    again = import_scores(cfg, week, book, template, entered_by="조교 이")
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)  # only the real change counts
    rows = {r["item"]: r for r in book.manual("week01")}
    assert len(rows) == 2 and all(r["entered_at"] for r in rows.values())
    assert rows["idea"]["entered_by"] == "조교 이" and rows["references"]["entered_by"] == "조교 김"
    assert not again.warnings
    df.loc[(df.student_id == "19001") & (df.item == "idea"), "name"] = "김철수"  # the wrong row?
    df.to_csv(template, index=False, encoding="utf-8-sig")
    warned = import_scores(cfg, week, book, template, entered_by="조교 이")
    assert len(warned.warnings) == 1 and "'김철수' is not 19001's" in warned.warnings[0]
    students = class_tables(cfg, book).students.set_index("name")
    assert students.loc["박세훈", "score"] == 10.0 and students.loc["박세훈", "manual"] == 4.0

    bad = tmp_path / "bad.csv"
    bad.write_text("student_id,item,points,comment\n19001,idea,1,ok\n99999,idea,1,\n19002,idea,7,\n"
                   "19002,style,1,\n19003,idea,abc,\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        import_scores(cfg, week, book, bad, entered_by="조교 김")
    message = err.value.render()
    for line in ("line 3", "line 4", "line 5", "line 6"):
        assert line in message
    assert "nothing was imported" in message
    assert {r["points"] for r in book.manual("week01") if r["item"] == "idea"} == {3.0}  # unchanged

    cli = subprocess.run([sys.executable, "-m", "autograder", "manual", "import", "week01", str(bad),
                          "--config", str(cfg.root / "grader.yml")], capture_output=True, text=True)
    assert cli.returncode == 2 and "99999" in cli.stdout and "Traceback" not in cli.stdout + cli.stderr

    files = write_feedback(cfg, week, book, tmp_path / "feedback")
    text = files.files["19001"].read_text(encoding="utf-8")
    assert "조교 채점 / TA rubric" in text and "구체적 / 좋음" in text and "writeup/one_pattern" in text
    assert "chosen: 인식 / Recognition" in text
