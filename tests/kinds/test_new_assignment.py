"""A second write-up and a second project added as a course would add them: a folder each and a
grader.yml entry, nothing in the package. Built, collected, graded and reported end to end."""

from __future__ import annotations

import textwrap

import pytest

from autograder import config
from autograder.collect import collect_week
from autograder.demo import _git
from autograder.grade import grade_week
from autograder.gradebook import Gradebook
from autograder.kinds import kind_of
from autograder.report import class_tables

RUBRIC = """\
file_name: "8주차 과제_<기수>기 <이름>.md"
sections:
  learned: {title: "배운 점 / What I learned", match: "배운|learn"}
  hard: {title: "어려웠던 점 / What was hard", match: "어려|difficult|hard"}
items:
  - {id: reflection/sections, check: sections, points: 1, title: both sections}
  - {id: reflection/learned, check: sentences, section: learned, min: 2, max: 4, points: 2, title: 2–4 sentences}
  - {id: reflection/names_a_layer, check: terms, section: learned, points: 1, title: names a layer,
     terms: {"a layer": "layer|레이어|층|conv|attention"}}
"""

TASK = '''
import functools

import torch
from sklearn.datasets import load_iris

from autograder.project.task import ProjectTask


@functools.cache
def split(seed):
    X, y = load_iris(return_X_y=True)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    X, y = torch.tensor(X, dtype=torch.float32)[order], torch.tensor(y)[order]
    return (X[:100], y[:100]), (X[100:], y[100:])


TASK = ProjectTask(data=split, classes=3, full_at=0.9, none_at=0.6,
                   readme_sections={"결과 / Results": r"결과|result"},
                   points={"readme_sections": 1, "accuracy": 6, "reported_accuracy": 1, "reproducible_offline": 2})
'''

LOGREG = '''
from sklearn.linear_model import LogisticRegression


def train(X_train, y_train, seed):
    return LogisticRegression(max_iter=1000, random_state=seed).fit(X_train.numpy(), y_train.numpy())


def predict(model, X):
    return model.predict(X.numpy())
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory, need_git):
    root = tmp_path_factory.mktemp("new-weeks")
    reflection = root / "course" / "week08_reflection"
    (reflection / "student").mkdir(parents=True)
    (reflection / "rubric.yml").write_text(RUBRIC, encoding="utf-8")
    (reflection / "prompt.md").write_text("# 8주차 — 회고 (<기수>기)\n배운 점과 어려웠던 점을 쓰세요.\n", encoding="utf-8")
    (reflection / "student" / "8주차 과제_<기수>기 <이름>.md").write_text("## 배운 점\n\n## 어려웠던 점\n",
                                                                        encoding="utf-8")
    iris = root / "course" / "week09_iris"
    iris.mkdir()
    (iris / "task.py").write_text(TASK, encoding="utf-8")
    (iris / "prompt.md").write_text("# 9주차 — 붓꽃 분류\n", encoding="utf-8")
    (root / "roster.csv").write_text("student_id,name,cohort\n20001,박세훈,20\n20002,김민지,20\n", encoding="utf-8")
    (root / "grader.yml").write_text(textwrap.dedent(f"""\
        course: {{name: test class, cohort: 20}}
        roster: roster.csv
        submissions: [{{kind: class_repo, url: {root / 'repo'}}}]
        assignments:
          - {{id: week08, week: 8, title: reflection, kind: writeup, folder: course/week08_reflection,
             due: 2026-08-25, points: 5, manual: [{{id: depth, title: depth, points: 1}}]}}
          - {{id: week09, week: 9, title: iris, kind: project, folder: course/week09_iris, due: 2026-09-01,
             points: 10, holdout_seed: 7, time_limit_s: 20}}
        storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
        reports: {{output: out/reports}}
        build: {{output: out/build, templates: out/templates}}
        """), encoding="utf-8")
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "8주차 과제_20기 박세훈.md").write_text(
        "## 배운 점\nCNN의 conv layer가 지역 패턴을 본다는 것을 배웠습니다. 풀링이 크기를 줄이는 것도 알았습니다.\n\n"
        "## 어려웠던 점\n역전파 계산이 어려웠습니다.\n", encoding="utf-8")
    (repo / "8주차 과제_20기 김민지.md").write_text("## 배운 점\n많이 배웠다.\n", encoding="utf-8")
    for name, readme in (("박세훈", "# 붓꽃\n## 결과\n정확도 0.97\n"), ("김민지", "# 붓꽃\n")):
        folder = repo / f"9주차 과제_20기 {name}"
        folder.mkdir()
        (folder / "README.md").write_text(readme, encoding="utf-8")
        (folder / "solution.py").write_text(LOGREG if name == "박세훈" else LOGREG.replace(
            "return model.predict(X.numpy())", "return [0] * len(X)"), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "weeks 8 and 9", when="2026-08-20T20:00:00+09:00")
    cfg = config.load(root / "grader.yml")
    book = Gradebook(cfg.gradebook)
    built = {a.id: kind_of(a).build(cfg, a) for a in cfg.assignments}
    for a in cfg.assignments:
        collect_week(cfg, a, book, seen_at="2026-08-20T21:00:00+09:00")
        grade_week(cfg, a, book, show_progress=False)
    return cfg, book, built


def test_a_new_writeup_and_a_new_project_are_built_with_the_courses_cohort(course):
    cfg, _, built = course
    templates = cfg.path(cfg.build.templates)
    assert (templates / "week08" / "8주차 과제_20기 <이름>.md").is_file()
    assert "(20기)" in (templates / "week08" / "README.md").read_text(encoding="utf-8")
    assert (templates / "week09" / "README.md").is_file() and "week09" in built["week09"]


def test_a_new_writeup_and_a_new_project_are_graded_by_their_own_rubric_and_task(course):
    cfg, book, _ = course
    with book.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.assignment, s.student_name, x.case_id, x.points FROM results x JOIN runs r ON r.id = x.run_id "
            "AND r.current = 1 JOIN submissions s ON s.id = r.submission_id").all()
    got = {(a, n, c): p for a, n, c, p in rows}
    assert {c for a, _, c in got if a == "week08"} == {"reflection/sections", "reflection/learned",
                                                       "reflection/names_a_layer"}
    assert [got[("week08", "박세훈", c)] for c in ("reflection/sections", "reflection/learned",
                                                   "reflection/names_a_layer")] == [1, 2, 1]
    assert got[("week08", "김민지", "reflection/sections")] == 0
    assert got[("week09", "박세훈", "project/accuracy")] == 6.0
    assert got[("week09", "박세훈", "project/reported_accuracy")] == 1.0
    assert got[("week09", "김민지", "project/accuracy")] == 0.0
    scores = class_tables(cfg, book).students.set_index(["name", "assignment"])["score"]
    assert scores[("박세훈", "week09")] == 10.0 and scores[("박세훈", "week08")] == 4.0  # the TA's point not yet in


def test_validate_checks_each_assignment_folder_against_grader_yml(course):
    import subprocess
    import sys

    cfg, _, _ = course
    path = cfg.root / "grader.yml"
    good = subprocess.run([sys.executable, "-m", "autograder", "validate", "-c", str(path)], capture_output=True,
                          text=True, env={"COLUMNS": "200", "PATH": ""})
    assert good.returncode == 0, good.stdout + good.stderr
    broken = cfg.root / "broken.yml"
    broken.write_text(path.read_text(encoding="utf-8").replace("points: 5,", "points: 9,"), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "autograder", "validate", "-c", str(broken)], capture_output=True,
                         text=True, env={"COLUMNS": "200", "PATH": ""})
    assert bad.returncode == 2 and "rubric.yml is worth 4 automatic points but grader.yml leaves 8" in bad.stdout
