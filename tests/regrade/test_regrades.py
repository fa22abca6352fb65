"""Regrades end to end, on SQLite and PostgreSQL: a request committed to git → `collect` lists it
(window, unknown cases, edits) → `regrades` → a TA's decision → the report, cards, exports,
dashboard and feedback show the value and the reason; overrides survive a regrade, can be
withdrawn, and every decision is a row of the trail."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from autograder import config
from autograder.cli import app
from autograder.collect import collect_week
from autograder.demo import _git
from autograder.feedback import write_feedback
from autograder.gradebook import Gradebook, RunRow, grade_decisions
from autograder.regrade import store
from autograder.regrade.request_file import template_text
from autograder.report import write_report
from autograder.report.finals import final_scores
from tests.conftest import PROJECT
from tests.workflow_class import NOTEBOOK, ROSTER, _repo

KST = dt.timezone(dt.timedelta(hours=9))
HOSTILE = '=HYPERLINK("http://evil.example") <img src=x onerror=alert(1)>'  # a reason is student text
STUDENTS = ["19001", "19002", "19003"]


@dataclass
class Case:  # what record_run stores per case (the engine's CaseResult has these fields)
    case_id: str
    title: str
    points: float
    max_points: float
    status: str
    message: str = ""
    seconds: float = 0.1
    hints: str = ""


def _course(root: Path, storage: str) -> config.CourseConfig:
    rows = ["student_id,name,cohort,git_user"] + [f"{s},{ROSTER[s]},19,user{s}" for s in STUDENTS]
    (root / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "week02").mkdir()
    (root / "grader.yml").write_text(f"""course: {{name: regrades, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions:
  - {{kind: student_repos, url: '{root / 'repos'}/{{git_user}}'}}
assignments:
  - {{id: week02, week: 2, title: loss, folder: week02, due: 2026-07-14T23:59:00, points: 10,
     manual: [{{id: style, title: 코드 스타일, points: 5}}]}}
storage: {{url: "{storage}", data_dir: out/data}}
reports: {{output: out/reports}}
regrades: {{window_days: 7}}
""", encoding="utf-8")
    return config.load(root / "grader.yml")


def _commit(repo: Path, files: dict[str, bytes | None], when: str) -> None:
    for name, data in files.items():
        if data is None:
            (repo / name).unlink()
        else:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_bytes(data)
    _git(repo, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "x"], check=True, capture_output=True, env=env)


def _grade(cfg, book, scores: dict[str, tuple[float, float]]) -> None:
    """A graded run per stored version: (points of a/one of 4, points of a/two of 6)."""
    for p in book.pending("week02", cfg.path(cfg.storage.data_dir), regrade=True):
        one, two = scores[p.student_id]
        cases = [Case("a/one", "첫째", one, 4.0, "passed" if one == 4 else "failed"),
                 Case("a/two", "둘째", two, 6.0, "passed" if two == 6 else "failed")]
        book.record_run(p.submission_id, RunRow("2026-07-15T00:00:00+00:00", "2026-07-15T00:00:01+00:00", "graded", score=one + two, max_score=10.0, isolation="test",
                                                seconds=0.1), cases, "test", only_if_ungraded=False)


def _request(cases: str, reason: str) -> bytes:
    return template_text(2, "loss", 19).replace("- \n", cases).replace("## 이유 / Reason\n", "## 이유 / Reason\n" + reason
                                                                        ).encode()


@pytest.fixture(params=["sqlite", "postgresql"])
def course(request, tmp_path):
    storage = ("sqlite:///out/gradebook.sqlite" if request.param == "sqlite"
               else request.getfixturevalue("postgres").database())
    cfg = _course(tmp_path, storage)
    repos = {sid: _repo(tmp_path / "repos" / f"user{sid}") for sid in STUDENTS}
    for sid, repo in repos.items():
        _commit(repo, {f"2주차 과제_19기 {ROSTER[sid]}.ipynb": NOTEBOOK}, "2026-07-13T10:00:00+09:00")
    book = Gradebook(cfg.gradebook)
    collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-13T10:05:00+09:00")
    _grade(cfg, book, {"19001": (4, 0), "19002": (4, 6), "19003": (2, 6)})
    # feedback after the deadline starts each student's regrade window (2026-07-16 → 07-23)
    write_feedback(cfg, cfg.assignment("week02"), book, at=dt.datetime(2026, 7, 16, 9, tzinfo=KST))
    return cfg, book, repos


def _cli(cfg, *args: str):
    result = CliRunner().invoke(app, [*args, "-c", str(cfg.root / "grader.yml")], env={"COLUMNS": "250"})
    return result


def _score(cfg, book, sid: str) -> float:
    f = final_scores(cfg, book)
    return float(f[(f.student_id == sid) & (f.assignment == "week02")].score.iloc[0])


def test_request_in_git_to_decision_everywhere(course, tmp_path):
    cfg, book, repos = course
    week = cfg.assignment("week02")
    _commit(repos["19001"], {"regrade/2주차.md": _request("- a/two — 둘째\n", "a/two는 분모가 0일 때도 맞게 처리합니다.\n")},
            "2026-07-17T10:00:00+09:00")
    _commit(repos["19002"], {"regrade/2주차.md": _request("- `b/three`\n", "이상해요\n")}, "2026-07-17T11:00:00+09:00")
    rep = collect_week(cfg, week, book, seen_at="2026-07-17T12:05:00+09:00")
    assert not [i for i in rep.issues if i.kind in ("bad-name", "regrade-request")], rep.issues  # not a submission
    assert len(rep.regrades) == 2, rep.regrades
    _commit(repos["19003"], {"regrade/2주차.md": _request("- a/one\n", "늦었지만 봐 주세요 " + HOSTILE + "\n")},
            "2026-07-20T10:00:00+09:00")  # dated inside the window, pushed after it: the first-seen time counts
    collect_week(cfg, week, book, seen_at="2026-07-30T10:05:00+09:00")
    reqs = {r["student_id"]: r for r in store.requests(book, "week02")}
    assert reqs["19001"]["status"] == "open" and reqs["19001"]["cases"] == ["a/two"]
    assert "분모가 0" in reqs["19001"]["reason"]
    assert reqs["19002"]["status"] == "invalid" and "b/three" in reqs["19002"]["problem"]  # listed, with why
    assert reqs["19003"]["status"] == "invalid" and "window" in reqs["19003"]["problem"]
    assert reqs["19001"]["first_seen"].startswith("2026-07-17T03:05")  # when the collector first saw it

    # an edit of an undecided request updates it (one request, new reason)
    _commit(repos["19001"], {"regrade/2주차.md": _request("- a/two\n", "분모가 0일 때 nan이 아니라 0을 돌려줍니다.\n")},
            "2026-07-30T11:00:00+09:00")
    collect_week(cfg, week, book, seen_at="2026-07-30T11:05:00+09:00")
    mine = [r for r in store.requests(book, "week02") if r["student_id"] == "19001"]
    assert len(mine) == 1 and "nan이 아니라" in mine[0]["reason"]
    rid = mine[0]["id"]

    listing = _cli(cfg, "regrades", "week02")
    assert listing.exit_code == 0, listing.output
    for text in (f"{rid}", "a/two", "open", "invalid", "b/three", "window"):
        assert text in listing.output, (text, listing.output)

    assert _score(cfg, book, "19001") == 4.0
    over = _cli(cfg, "regrade", str(rid), "accept", "--case", "a/two", "--points", "9", "--reason", "x")
    assert over.exit_code == 2 and "0 to 6" in over.output  # never more than the case is worth
    done = _cli(cfg, "regrade", str(rid), "accept", "--points", "6", "--reason", "분모 0 처리는 맞습니다", "--by", "조교A")
    assert done.exit_code == 0, done.output
    assert _score(cfg, book, "19001") == 10.0
    assert store.request(book, rid)["status"] == "accepted"
    again = _cli(cfg, "regrade", str(rid), "reject", "--reason", "no")
    assert again.exit_code == 2 and "accepted already" in again.output
    bad = next(r["id"] for r in store.requests(book) if r["student_id"] == "19002")
    assert _cli(cfg, "regrade", str(bad), "reject", "--reason", "b/three는 이 과제의 테스트가 아닙니다").exit_code == 0

    report = write_report(cfg, book, tmp_path / "rep", as_of=dt.datetime(2026, 8, 1, tzinfo=KST))
    tidy = pd.read_csv(report.folder / "tidy.csv", encoding="utf-8-sig")
    row = tidy[(tidy.student_id == 19001) & (tidy.case_id == "a/two")].iloc[0]
    assert (row.origin, row.points, row.status) == ("override", 6.0, "passed")
    cls = pd.read_csv(report.folder / "class.csv", encoding="utf-8-sig")
    assert float(cls[cls.student_id == 19001]["week02"].iloc[0]) == 10.0
    canvas = pd.read_csv(report.folder / "canvas_grades.csv")
    assert float(canvas[canvas["SIS User ID"] == 19001].iloc[0, -1]) == 10.0
    xlsx = pd.read_excel(report.folder / "grades.xlsx", sheet_name=None)
    assert set(xlsx["regrade decisions"].action) == {"accept", "reject"}
    cases = report.tables.cases.set_index("case_id")
    assert cases.loc["a/two", "pass_rate"] == 100.0  # item analysis after the decision (all three pass now)
    html = report.html.read_text(encoding="utf-8")
    assert 'id="regrade-decisions-table"' in html and "분모 0 처리는 맞습니다" in html
    assert "window" in html  # 19003's request is open-but-invalid, listed with its age and why
    assert "<img src=x" not in html and "&lt;img src=x" in html  # escaped on the dashboard
    cells = pd.read_csv(report.folder / "regrade_requests.csv", encoding="utf-8-sig", dtype=str).reason.tolist()
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells if isinstance(c, str))  # no formula
    card = (report.folder / "cards" / "19001.md").read_text(encoding="utf-8")
    assert "분모 0 처리는 맞습니다" in card and "0 → 6" in card

    fb = write_feedback(cfg, week, book, at=dt.datetime(2026, 8, 1, tzinfo=KST))
    text = fb.files["19001"].read_text(encoding="utf-8")
    assert "분모 0 처리는 맞습니다" in text and "regrade accepted" in text and "**10 / 10**" in text
    assert "TA decision" in text  # the case's line in the results table shows the decided value
    assert "b/three는 이 과제의 테스트가 아닙니다" in fb.files["19002"].read_text(encoding="utf-8")
    assert "window" in fb.files["19003"].read_text(encoding="utf-8")  # told why it was not taken


def test_override_survives_a_regrade_and_withdrawing_restores_the_graded_value(course):
    cfg, book, _ = course
    week = cfg.assignment("week02")
    assert _cli(cfg, "override", "김민지", "week02", "a/one", "--points", "1", "--reason", "하드코딩한 답").exit_code == 0
    assert _cli(cfg, "override", "19002", "week02", "manual/style", "--points", "4", "--reason", "깔끔함").exit_code == 0
    assert _score(cfg, book, "19002") == 11.0  # 1 + 6 + the TA's 4 for style
    _grade(cfg, book, {"19001": (4, 0), "19002": (3, 6), "19003": (2, 6)})  # graded again: a/one now 3
    assert _score(cfg, book, "19002") == 11.0  # the override is kept
    text = write_feedback(cfg, week, book, at=dt.datetime(2026, 7, 20, tzinfo=KST)).files["19002"].read_text("utf-8")
    assert "graded again since (3)" in text and "하드코딩한 답" in text
    assert _cli(cfg, "override", "19002", "week02", "a/one", "--withdraw", "--reason", "실수").exit_code == 0
    assert _score(cfg, book, "19002") == 13.0  # the graded 3 counts again (+ 6 + 4)
    with book.engine.connect() as conn:
        trail = [dict(r._mapping) for r in conn.execute(grade_decisions.select().order_by(grade_decisions.c.id))]
    assert [(d["case_id"], d["action"], d["before"], d["points"]) for d in trail] == [
        ("a/one", "override", 4.0, 1.0), ("manual/style", "override", 0.0, 4.0), ("a/one", "withdraw", 1.0, 3.0)]
    assert all(d["reason"] and d["decided_by"] and d["decided_at"] for d in trail)
    assert _cli(cfg, "override", "19002", "week02", "a/one", "--withdraw", "--reason", "x").exit_code == 2
    unknown = _cli(cfg, "override", "19002", "week02", "zz/top", "--points", "1", "--reason", "x")
    assert unknown.exit_code == 2 and "a/one" in unknown.output  # names the cases there are


def test_a_deleted_request_is_withdrawn_and_a_shared_repository_request_names_its_student(tmp_path):
    cfg = _course(tmp_path, "sqlite:///out/gradebook.sqlite")
    yml = (tmp_path / "grader.yml").read_text(encoding="utf-8").replace(
        f"{{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}",
        f"{{kind: class_repo, url: '{tmp_path / 'class'}', branch: main}}")
    (tmp_path / "grader.yml").write_text(yml, encoding="utf-8")
    cfg = config.load(tmp_path / "grader.yml")
    repo = _repo(tmp_path / "class")
    _commit(repo, {f"2주차 과제_19기 {ROSTER[s]}.ipynb": NOTEBOOK for s in STUDENTS}, "2026-07-13T10:00:00+09:00")
    book = Gradebook(cfg.gradebook)
    collect_week(cfg, cfg.assignment(2), book, seen_at="2026-07-13T10:05:00+09:00")
    _grade(cfg, book, {"19001": (4, 0), "19002": (4, 6), "19003": (2, 6)})
    _commit(repo, {"regrade/2주차 재채점_19기 박세훈.md": _request("- a/two\n", "봐 주세요\n"),
                   "regrade/2주차.md": _request("- a/one\n", "누구?\n")}, "2026-07-17T10:00:00+09:00")
    rep = collect_week(cfg, cfg.assignment(2), book, seen_at="2026-07-17T10:05:00+09:00")
    assert [r["student_id"] for r in store.requests(book)] == ["19001"]
    assert any(i.kind == "regrade-request" and "must name its student" in i.detail for i in rep.issues)
    _commit(repo, {"regrade/2주차 재채점_19기 박세훈.md": None}, "2026-07-18T10:00:00+09:00")
    rep = collect_week(cfg, cfg.assignment(2), book, seen_at="2026-07-18T10:05:00+09:00")
    assert store.requests(book)[0]["status"] == "withdrawn" and any("withdrawn" in line for line in rep.regrades)


def test_the_request_file_is_read_as_students_write_it():
    from autograder.regrade.request_file import parse_name, parse_request

    known = {"softmax/stability", "cross_entropy/grad", "manual/clarity"}
    # the handed-out template, filled in: the feedback's "case — title" form and a code span
    filled = template_text(2, "Softmax", 19).replace("- \n", "- softmax/stability — 수치 안정성\n- `cross_entropy/grad`\n")
    got = parse_request(filled + "max를 빼서 안정화했습니다.\n", known)
    assert got.cases == ("softmax/stability", "cross_entropy/grad") and got.unknown == ()
    assert got.reason == "max를 빼서 안정화했습니다."  # the template's comment is not the reason
    # no headings: case ids written in the text; a manual item without its prefix under a cases heading
    assert parse_request("softmax/stability 가 틀린 것 같아요", known).cases == ("softmax/stability",)
    assert parse_request("## 항목 / Items\n* clarity\n\n## 사유\n잘 썼어요", known).cases == ("manual/clarity",)
    assert parse_request("## Cases\n- softmax/typo\n## Reason\nx", known).unknown == ("softmax/typo",)
    assert parse_name("regrade/2주차.md").week == 2
    assert parse_name("regrade/2주차 재채점_19기 박세훈.md").name == "박세훈"
    assert parse_name("regrade/2주차 재채점_19기 박세훈.md".encode().decode()) is not None
    assert parse_name("2주차 과제_19기 박세훈.ipynb") is None and parse_name("regrade/notes.md") is None


def test_build_hands_out_the_request_template(tmp_path):
    """`autograder build` writes regrade/N주차.md beside the week's template; filled in, it parses."""
    from autograder.regrade.request_file import parse_request

    (tmp_path / "roster.csv").write_text("student_id,name,cohort\n19001,박세훈,19\n", encoding="utf-8")
    (tmp_path / "grader.yml").write_text(f"""course: {{name: t, cohort: 19}}
roster: roster.csv
submissions: [{{kind: class_repo, url: {tmp_path / 'class'}}}]
assignments:
  - {{id: week01, week: 1, title: 패턴, kind: writeup, folder: {PROJECT / 'assignments' / 'week01_seven_patterns'},
     due: 2026-07-07T23:59:00, points: 10, manual: [{{id: idea, title: 아이디어, points: 3}},
     {{id: references, title: 근거, points: 1}}]}}
""", encoding="utf-8")
    built = _cli(config.load(tmp_path / "grader.yml"), "build", "week01")
    assert built.exit_code == 0, built.output
    assert "[1/1] building week01 (writeup)" in built.output and "built week01 (writeup) in" in built.output
    path = tmp_path / "student_templates" / "week01" / "regrade" / "1주차.md"
    text = path.read_text(encoding="utf-8")
    assert "regrade/1주차 재채점_19기 <이름>.md" in text and "케이스 / Cases" in text
    got = parse_request(text.replace("- \n", "- manual/idea\n") + "이유\n", {"manual/idea"})
    assert got.cases == ("manual/idea",) and got.reason == "이유"


def test_a_decision_is_one_transaction_and_two_tas_cannot_both_decide(course):
    cfg, book, repos = course
    _commit(repos["19001"], {"regrade/2주차.md": _request("- a/two\n", "이유\n")}, "2026-07-17T10:00:00+09:00")
    collect_week(cfg, cfg.assignment(2), book, seen_at="2026-07-17T10:05:00+09:00")
    rid = store.requests(book)[0]["id"]
    from autograder.errors import UserError
    from autograder.regrade import decide

    decide.accept(cfg, book, rid, None, 6, "맞음", "A")
    # a second TA who listed it as open before the first decided: refused inside the transaction
    row = {"assignment": "week02", "student_id": "19001", "case_id": "a/two", "request_id": rid, "action": "accept",
           "points": 3.0, "before": 0.0, "max_points": 6.0, "run_id": None, "reason": "B", "decided_by": "B",
           "decided_at": "2026-07-18T00:00:00+00:00"}
    with pytest.raises(UserError, match="decided meanwhile"):
        store.add_decision(book, row, "accepted")
    assert [d["decided_by"] for d in store.decisions(book)] == ["A"]
    assert json.loads(json.dumps(store.requests(book)[0]["cases"])) == ["a/two"]


@pytest.mark.parametrize("course", ["sqlite"], indirect=True)  # the watcher's gradebook side: tests/watch
def test_the_watcher_reads_requests_while_the_regrade_window_is_open(course):
    """Past the late-day limit a week is still watched while feedback given within
    regrades.window_days can be disputed; a pushed request is logged as it is read."""
    from autograder.watch import Watcher

    cfg, book, repos = course
    lines: list[str] = []
    at = {"now": dt.datetime(2026, 7, 25, tzinfo=KST)}  # feedback 07-16 + 7 days: the window has closed
    watcher = Watcher(cfg, every=1, log=lines.append, clock=lambda: at["now"])
    assert watcher.active() == []
    at["now"] = dt.datetime(2026, 7, 20, tzinfo=KST)  # past due + max_late_days, inside the window
    assert [a.id for a in watcher.active()] == ["week02"]
    _commit(repos["19001"], {"regrade/2주차.md": _request("- a/two\n", "이유\n")}, "2026-07-20T10:00:00+09:00")
    watcher.run(once=True)
    assert [r["student_id"] for r in store.requests(book)] == ["19001"]
    assert any(" regrade " in line and "a/two" in line for line in lines), lines


def test_the_value_a_ta_changed_is_read_per_assignment():
    """Two weeks can have a rubric item of the same id: one week's trail never feeds the other's."""
    def row(assignment, action, before, points):
        return {"assignment": assignment, "student_id": "19001", "case_id": "manual/idea", "action": action,
                "before": before, "points": points}

    rows = [row("week01", "override", 1.0, 3.0), row("week03", "override", 2.0, 0.0)]
    assert store.graded_base(rows, rows[1]) == 2.0 and store.graded_base(rows, rows[0]) == 1.0
