"""Week 7 end to end: project folders (one per student, or a team's) collected from git and
trained by the grader in the sandbox; every rubric item must match what the project deserves."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from autograder import config
from autograder.collect import collect_week
from autograder.demo import _git
from autograder.grade import grade_week
from autograder.gradebook import Gradebook
from autograder.project import load_task
from autograder.project.cases import graded_split, project_cases
from autograder.report import class_tables
from tests.conftest import PROJECT
from tests.week07_projects import (FINAL_CLAIM_README, FULL_FIT, GOOD_README, HELPER, MANY_CLAIMS_README, MIDDLE,
                                   CACHED, LOOKUP, NETWORK, NETWORK_RAW, NETWORK_SUBPROCESS, SHIPPED, SLOW, SVM, UNSEEDED, WEAK, near_limit)

ROSTER = [("19001", "박세훈", ""), ("19002", "김민지", ""), ("19003", "이준호", ""), ("19004", "최서연", "딥러너즈"),
          ("19005", "강하늘", "딥러너즈"), ("19006", "오지훈", ""), ("19007", "한유나", ""), ("19008", "서예린", ""),
          ("19009", "임도윤", ""), ("19010", "정하은", ""), ("19011", "윤서준", ""), ("19012", "장민서", ""),
          ("19013", "조은우", ""), ("19014", "배수아", ""), ("19015", "문지우", ""), ("19016", "송하린", ""), ("19017", "권나은", ""), ("19018", "유시우", ""),
          ("19019", "남궁현", ""), ("19020", "홍다인", "")]
TIME_LIMIT = 5  # s per training


def _public_digits_npz() -> bytes:
    X, y = load_digits(return_X_y=True)
    out = io.BytesIO()
    np.savez_compressed(out, X=X.astype(np.float32), y=y)
    return out.getvalue()


def _public_digits_csv() -> str:
    X, y = load_digits(return_X_y=True)
    out = io.StringIO()
    np.savetxt(out, np.column_stack([X, y]), fmt="%d", delimiter=",")
    return out.getvalue()

FOLDERS = {  # folder owner → files
    "박세훈": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": SVM},
    "김민지": {"README.md": GOOD_README.format(accuracy="99 %"), "solution.py": MIDDLE},
    "이준호": {"README.md": "# 숫자\n## 결과\n정확도 0.70\n", "solution.py": WEAK},
    "딥러너즈": {"README.md": GOOD_README.format(accuracy="0.99"), **HELPER},
    "오지훈": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": UNSEEDED},
    "한유나": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": NETWORK},
    "서예린": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": SLOW},
    "임도윤": {"README.md": GOOD_README.format(accuracy="0.99"), "train.py": SVM},
    "정하은": {"README.md": GOOD_README.format(accuracy="1.0"), "solution.py": FULL_FIT},
    "윤서준": {"README.md": GOOD_README.format(accuracy="1.0"), "solution.py": SHIPPED, "digits.csv": _public_digits_csv()},
    "장민서": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": near_limit(0.7 * TIME_LIMIT)},
    "조은우": {"README.md": MANY_CLAIMS_README, "solution.py": MIDDLE},
    "배수아": {"README.md": FINAL_CLAIM_README, "solution.py": MIDDLE},
    "권나은": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": NETWORK_RAW},
    "유시우": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": NETWORK_SUBPROCESS},
    "송하린": {"README.md": GOOD_README.format(accuracy="0.99"), "solution.py": CACHED},
    "문지우": {"README.md": GOOD_README.format(accuracy="1.0"), "solution.py": LOOKUP, "digits.npz": _public_digits_npz()},
    # a folder unzipped into itself: everything one folder down
    "남궁현": {"project/README.md": GOOD_README.format(accuracy="0.99"), "project/solution.py": SVM},
    # module-level code reads the public digits (no main guard): the import fails where they are hidden
    "홍다인": {"README.md": GOOD_README.format(accuracy="0.99"),
              "solution.py": "from sklearn.datasets import load_digits\nX, y = load_digits(return_X_y=True)\n" + SVM},
}
HOLDOUT_SEED = 90417


@pytest.fixture(scope="module")
def graded(tmp_path_factory, need_git):
    root = tmp_path_factory.mktemp("week07")
    (root / "roster.csv").write_text("student_id,name,cohort,team\n" + "".join(
        f"{sid},{name},19,{team}\n" for sid, name, team in ROSTER), encoding="utf-8")
    (root / "grader.yml").write_text(f"""course: {{name: test class, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions: [{{kind: class_repo, url: {root / 'repo'}}}]
assignments:
  - id: week07
    week: 7
    title: toy project
    kind: project
    folder: {PROJECT / 'assignments' / 'week07_project'}
    due: 2026-08-18T23:59:00
    points: 25
    hidden_tests: visible
    time_limit_s: {TIME_LIMIT}
    holdout_seed: {HOLDOUT_SEED}
grading: {{workers: 2}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
""", encoding="utf-8")
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for owner, files in FOLDERS.items():
        folder = repo / "week7" / f"7주차 과제_19기 {owner}"
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                (folder / name).write_bytes(text)
            else:
                (folder / name).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "projects", when="2026-08-18T20:00:00+09:00")
    cfg = config.load(root / "grader.yml")
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week07")
    collected = collect_week(cfg, week, book, seen_at="2026-08-18T20:30:00+09:00")  # collected before the deadline
    summary = grade_week(cfg, week, book, show_progress=False)
    return cfg, book, collected, summary


def _items(cfg, book) -> dict[str, dict[str, tuple[float, str, str]]]:
    with book.engine.connect() as conn:
        rows = conn.exec_driver_sql("""
            SELECT s.student_name, x.case_id, x.points, x.status, x.message FROM results x
            JOIN runs r ON r.id = x.run_id AND r.current = 1 JOIN submissions s ON s.id = r.submission_id""").all()
    out: dict = {}
    for name, case, points, status, message in rows:
        out.setdefault(name, {})[case.removeprefix("project/")] = (points, status, message or "")
    return out


def test_folders_and_team_folders_are_collected_and_a_folder_without_solution_is_reported(graded):
    cfg, book, collected, summary = graded
    owners = {r.student_name for r in collected.accepted}
    assert owners == {name for _, name, _ in ROSTER}
    bad = [i for i in collected.issues if i.kind == "invalid-file"]
    assert [i.student for i in bad] == ["임도윤"] and "solution.py" in bad[0].detail
    assert summary.graded == 19 and summary.infra_errors == 0


def test_a_project_that_ships_the_public_dataset_is_flagged_for_review(graded):
    cfg, book, collected, _ = graded
    review = {i.student: i.detail for i in collected.issues if i.kind == "needs-review"}
    assert "digits.npz: 1797 of the 1797 rows" in review["문지우"]
    assert "digits.csv: 1797 of the 1797 rows" in review["윤서준"]
    assert not {"박세훈", "김민지", "최서연", "한유나"} & set(review)  # honest projects: no flag


def test_each_rubric_item_gets_what_the_project_deserves(graded):
    cfg, book, _, _ = graded
    items = _items(cfg, book)
    good = items["박세훈"]
    assert {k: v[0] for k, v in good.items()} == {"readme_sections": 4.0, "accuracy": 15.0,
                                                   "reported_accuracy": 2.0, "reproducible_offline": 4.0}
    assert "held-out accuracy 0.99" in good["accuracy"][2]
    middle = items["김민지"]  # about 0.956: linear credit; the README claims 0.99
    assert 10.0 < middle["accuracy"][0] < 14.0 and middle["accuracy"][1] == "partial"
    assert middle["reported_accuracy"][0] == 0 and "0.990" in middle["reported_accuracy"][2]
    weak = items["이준호"]
    assert weak["accuracy"][0] == 0 and weak["reported_accuracy"][0] == 2.0
    assert weak["readme_sections"][0] == pytest.approx(4 / 6, abs=1e-3) and "문제 정의" in weak["readme_sections"][2]
    assert items["최서연"] == items["강하늘"] and items["최서연"]["accuracy"][0] == 15.0  # the team's score
    unseeded = items["오지훈"]
    assert unseeded["reproducible_offline"][0] == 0 and "changed" in unseeded["reproducible_offline"][2]
    cached = items["송하린"]  # each training in its own fork, files under /tmp put back: the cache is gone
    assert cached["reproducible_offline"][0] == 0 and "changed" in cached["reproducible_offline"][2], cached
    network = items["한유나"]
    assert network["reproducible_offline"][1] == "forbidden" and "urllib.request" in network["reproducible_offline"][2]
    assert network["accuracy"][0] == 15.0
    for evader in ("권나은", "유시우"):  # past the in-process hook: the sandbox's network counters decide
        offline = items[evader]["reproducible_offline"]
        if os.getuid() == 0:  # reading another namespace's counters needs CAP_SYS_ADMIN (engine.netns)
            assert offline[1] == "forbidden" and "network counters moved" in offline[2], (evader, offline)
        assert items[evader]["accuracy"][0] == 15.0
    slow = items["서예린"]  # over the time limit: keeps the README points it earned first
    assert slow["readme_sections"][0] == 4.0 and slow["accuracy"][1] == "timeout"
    assert sum(v[0] for v in slow.values()) == 4.0
    for cheat in ("정하은", "윤서준"):  # no learning from X_train: no accuracy points, and nothing to claim
        assert items[cheat]["accuracy"][0] == 0 and items[cheat]["reported_accuracy"][0] == 0, items[cheat]
    assert sum(v[0] for v in items["장민서"].values()) == 25.0, items["장민서"]  # 70 % of the limit per training
    many, final = items["조은우"]["reported_accuracy"], items["배수아"]["reported_accuracy"]
    assert many[0] == 0 and "0.990" in many[2] and "TA to review" in many[2]
    assert final[0] == 2.0 and "0.960" in final[2] and "TA to review" in final[2]
    scores = class_tables(cfg, book).students.set_index("name")["score"]
    assert scores["박세훈"] == 25.0 and scores["임도윤"] == 0.0
    assert items["남궁현"] == good  # one folder down: graded from there, as if at the top …
    with book.engine.connect() as conn:
        notes = conn.exec_driver_sql("SELECT r.notes FROM runs r JOIN submissions s ON s.id = r.submission_id "
                                     "WHERE s.student_name = '남궁현' AND r.current = 1").scalar()
    assert "one folder down (project/)" in notes  # … and the student is told
    guarded = items["홍다인"]  # what can be graded is; each failing item says what happened and the fix
    assert guarded["readme_sections"][0] == 4.0
    for item in ("accuracy", "reproducible_offline"):
        assert guarded[item][0] == 0 and "failed while it was imported" in guarded[item][2], guarded[item]
        assert "__main__" in guarded[item][2] and "is not defined" not in guarded[item][2]


def test_the_held_out_labels_never_enter_a_plan():
    task = load_task(PROJECT / "assignments" / "week07_project")
    (_, _), (_, y_held) = graded_split(task, HOLDOUT_SEED)
    for case in project_cases(task, "# README", HOLDOUT_SEED, 60):
        stack = [case.calls]
        while stack:
            item = stack.pop()
            if isinstance(item, (list, tuple)):
                stack.extend(item)
            elif hasattr(item, "args"):
                stack.extend([item.args, list(item.kwargs.values())])
            elif isinstance(item, torch.Tensor) and item.shape == y_held.shape:
                assert not torch.equal(item, y_held)
