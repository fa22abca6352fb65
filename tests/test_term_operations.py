"""Running a real term: rosters from Korean Excel, two students with one name, dates without a
time, and reports before anything is graded."""

from __future__ import annotations

import datetime as dt

import pytest

from autograder import config, roster
from autograder.collect import collect_week
from autograder.errors import UserError
from autograder.gradebook import Gradebook
from autograder.report import write_report
from tests.conftest import write_course
from tests.test_submission_workflow import NOTEBOOK, _course, _push, _repo


def test_a_roster_saved_by_korean_excel_in_cp949_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("student_id,name,cohort\n20001,김민준,20\n20002,이서연,20\n".encode("cp949"))
    assert [s.name for s in roster.load(path)] == ["김민준", "이서연"]
    path.write_bytes(b"student_id,name,cohort\n20001,\xff\xfe\xfa,20\n")
    with pytest.raises(UserError, match="neither UTF-8 nor CP949") as err:
        roster.load(path)
    assert "CSV UTF-8" in err.value.render()


def test_two_students_with_one_name_need_aliases_and_files_must_say_which(tmp_path, need_git):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name,cohort\n20001,김민준,20\n20007,김민준,20\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 3: 20기 김민준 .*line 2") as err:
        roster.load(path)
    assert "alias" in err.value.render()

    cfg = _course(tmp_path)
    rows = (tmp_path / "roster.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "roster.csv").write_text("\n".join([rows[0] + ",alias"] + [r + "," for r in rows[1:]]
                                                   + ["19101,김민준,19,user19101,,김민준A", "19102,김민준,19,user19102,,김민준B"])
                                         + "\n", encoding="utf-8")
    repo = _repo(tmp_path / "class")
    _push(repo, "2주차 과제_19기 김민준B.ipynb", "2026-07-14T20:00:00+09:00", data=NOTEBOOK)
    _push(repo, "2주차 과제_19기 김민준.ipynb", "2026-07-14T20:05:00+09:00", data=NOTEBOOK)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook_path),
                          seen_at="2026-07-14T12:00:00+00:00")
    assert [r.student_id for r in report.accepted] == ["19102"]
    (ambiguous,) = [i for i in report.issues if i.kind == "ambiguous-student"]
    assert "김민준A = 19101" in ambiguous.detail and "김민준B = 19102" in ambiguous.detail


def test_a_due_date_without_a_time_is_the_end_of_that_day_in_the_course_time_zone(tmp_path):
    path = write_course(tmp_path)
    text = path.read_text(encoding="utf-8")
    import re
    text = re.sub(r"due: [0-9-]+T23:59:00", "due: 2026-12-08", text, count=1)
    path.write_text(text, encoding="utf-8")
    cfg = config.load(path)
    due = cfg.due(cfg.assignments[0])
    assert (due.date(), due.time()) == (dt.date(2026, 12, 8), dt.time(23, 59, 59))
    assert due.utcoffset() == dt.timedelta(hours=9)  # Asia/Seoul


def test_reports_work_before_anything_is_collected_or_graded(tmp_path):
    cfg = config.load(write_course(tmp_path))
    files = write_report(cfg, Gradebook(cfg.gradebook_path))
    assert files.html.exists() and "Needs review" in files.html.read_text(encoding="utf-8")
