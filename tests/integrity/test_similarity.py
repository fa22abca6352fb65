"""Code similarity: disguised copies flagged with their original (in the cohort and in the archive),
independent solutions of the same short functions not flagged, with the course's one configuration;
the CSV, the collection issues, the escaped side-by-side pages, the dashboard and the archive export."""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest

from autograder import config
from autograder.config import Integrity
from autograder.gradebook import Gradebook
from autograder.integrity.code_text import normalise
from autograder.integrity.index import Doc, score
from autograder.integrity.similarity import judged
from tests.conftest import PROJECT, commit_files
from testkit.similarity_sets import cohort, disguise, independent

RULE = Integrity()


def _flag_rates(n: int, copies: int, seed: int) -> tuple[float, float, int]:
    code, pairs = cohort(n, copies, seed)
    origin = {c: o for c, o in pairs}
    docs = [Doc(k, normalise(v)) for k, v in code.items()]
    keys = [d.key for d in docs]
    flagged = {frozenset((keys[i], keys[j])) for i, j, _, _, f in judged(score(docs, "import math\nimport torch\n"),
                                                                         RULE.min_score, RULE.min_unusual) if f}
    same = [frozenset((a, b)) for a in keys for b in keys if a < b and origin.get(a, a) == origin.get(b, b)]
    recall = sum(p in flagged for p in same) / len(same)
    false = sum(p not in same for p in flagged)
    return recall, false / (len(keys) * (len(keys) - 1) // 2 - len(same)), false


@pytest.mark.parametrize("n,copies,seed", [(30, 6, 1), (60, 10, 2)])
def test_disguised_copies_are_flagged_and_independent_solutions_are_not(n, copies, seed):
    recall, false_rate, false = _flag_rates(n, copies, seed)
    assert recall >= 0.9, recall
    assert false_rate <= 0.03 and false <= 1, (false, false_rate)


def test_a_copy_of_the_template_alone_is_not_a_match():
    template = independent(__import__("random").Random(5))
    a, b = normalise(template + "\n\ndef mine(x):\n    return x * 2\n"), normalise(template + "\n\ndef own(y):\n    return y - 1\n")
    s = score([Doc("a", a), Doc("b", b)], template)
    assert all(p[2] < 0.5 for p in s.pairs)


def _notebook(code: str) -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])).encode()


NAMES = ["박세훈", "김민지", "이준호", "최서연", "강하늘", "정우진", "한유나", "오지훈"]


@pytest.fixture()
def course(tmp_path, built, need_git):
    """Eight students of week 2 in a class repository: 19007 copies 19002 (disguised), 19008 copies
    last year's S-abc123 from the archive; the rest wrote their own."""
    import random

    rng = random.Random(11)
    own = [independent(rng) for _ in range(7)]
    last_year = independent(rng)
    own[1] = own[1].replace("import torch\n", "import torch\nBANNER = '<script>alert(1)</script>'\n", 1)
    code = own[:6] + [disguise(own[1], rng), disguise(last_year, rng)]
    archive = tmp_path / "archive" / "cohort18" / "week02"
    archive.mkdir(parents=True)
    (archive / "S-abc123.py").write_text(last_year, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student_id,name,cohort\n" + "".join(
        f"{19001 + i},{name},19\n" for i, name in enumerate(NAMES)), encoding="utf-8")
    commit_files(tmp_path / "class", {f"2주차 과제_19기 {name}.ipynb": _notebook(c) for name, c in zip(NAMES, code)},
                 "2026-07-10T10:00:00+09:00")
    (tmp_path / "grader.yml").write_text(f"""course: {{name: similarity, timezone: Asia/Seoul, cohort: 19}}
roster: roster.csv
submissions: [{{kind: class_repo, url: '{tmp_path / 'class'}', branch: main}}]
assignments:
  - {{id: week02, week: 2, title: loss, folder: {PROJECT / 'assignments' / 'week02_softmax'}, due: 2026-07-14T23:59:00,
     points: 20}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
build: {{output: build, templates: {built.root / 'templates'}}}
integrity: {{archive: [archive]}}
""", encoding="utf-8")
    cfg = config.load(tmp_path / "grader.yml")
    assert _cli(cfg, "collect", "week02").returncode == 0
    return cfg


def _cli(cfg, *args: str):
    return subprocess.run([sys.executable, "-m", "autograder", *args, "-c", str(cfg.root / "grader.yml")],
                          capture_output=True, text=True, env={**__import__("os").environ, "COLUMNS": "250"})


def test_similarity_flags_copies_with_issues_pages_csv_and_the_archive_round_trip(course):
    run = _cli(course, "similarity", "week02")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 pair(s) flagged" in run.stdout
    out = course.path(course.reports.output)
    rows = list(csv.DictReader((out / "similarity_week02.csv").open(encoding="utf-8-sig")))
    flagged = {frozenset((r["a_name"], r["b_name"])) for r in rows if r["flagged"] == "True"}
    assert flagged == {frozenset(("김민지", "한유나")), frozenset(("오지훈", "cohort 18 / S-abc123"))}
    with Gradebook(course.gradebook).engine.connect() as conn:
        issues = conn.exec_driver_sql("select path, kind, detail, student from collection_issues "
                                      "where kind = 'similarity'").all()
    assert len(issues) == 2
    assert any("김민지" in i.student and "한유나" in i.student for i in issues)
    assert any("cohort 18 / S-abc123" in i.path and "오지훈" in i.student for i in issues)
    page = next(r["page"] for r in rows if r["flagged"] == "True" and "김민지" in (r["a_name"], r["b_name"]))
    html = (out / page).read_text(encoding="utf-8")
    assert "<mark>" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html

    report = _cli(course, "report")
    assert report.returncode == 0, report.stdout
    dashboard = (out / "index.html").read_text(encoding="utf-8")
    review = dashboard[dashboard.index('id="review-table"'):]
    assert "similarity" in review and "한유나" in review

    anon = _cli(course, "similarity", "week02", "--anonymize")
    assert anon.returncode == 0
    text = (out / "similarity_week02.csv").read_text(encoding="utf-8-sig")
    assert "김민지" not in text and "한유나" not in text and "S-" in text

    tmp_path = course.root  # the archive export, read back next year
    export = _cli(course, "archive", "export", str(tmp_path / "export"))
    assert export.returncode == 0, export.stdout + export.stderr
    files = sorted((tmp_path / "export" / "cohort19" / "week02").glob("*.py"))
    assert len(files) == 8 and all(f.stem.startswith("S-") for f in files)
    assert not any(name in f.read_text(encoding="utf-8") for f in files for name in NAMES)
    from autograder.integrity.archive import archived_docs

    nxt = course.model_copy(update={"integrity": Integrity(archive=[str(tmp_path / "export")])})
    docs, notes = archived_docs(nxt, nxt.assignment("week02"))
    assert notes == [] and len(docs) == 8 and all(d.archived and d.key.startswith("cohort 19 / S-") for d in docs)
    copied = [Doc("new", normalise(disguise(docs[3].code, __import__("random").Random(1))))]
    found = judged(score(copied + docs, ""), RULE.min_score, 0.0)
    assert any(f and docs[j - 1] is docs[3] for i, j, _, _, f in found)


def test_normalising_undoes_what_a_copier_changes_without_changing_the_program():
    original = ("def f(x, ys):\n    '''Sum.'''\n    total = 0\n    for y in ys:\n        total += y * x + 1\n"
                "    return total\n")
    disguised = ("def f(x, ys):\n    # 내가 씀\n    total = 0\n    unused = 3\n    if False:\n        print('no')\n"
                 "    for y in ys:\n        total = total + y * x + 1  # add\n    pass\n    return total\n")
    assert normalise(original) == normalise(disguised)
    assert normalise("x = 1\n%matplotlib inline") == "x = 1\n%matplotlib inline"  # not Python: kept as written
    assert "LIMIT = 3" in normalise("LIMIT = 3\ndef g():\n    return 1\n")  # a module's name is read elsewhere


def test_a_group_of_copies_is_one_issue_naming_its_members_and_a_lone_pair_stays_a_pair():
    """Three students who share one solution are one line of the collection report (three pairs
    would bury the rest); a separate pair is still its own line."""
    from types import SimpleNamespace

    from autograder.integrity.similarity import _issues

    rows = []
    book = SimpleNamespace(add_issue=rows.append)

    def pair(a, b, score, archived=False):
        return {"a_id": a, "b_id": b, "score": score, "unusual": 6.0, "matched_lines": 30, "archived": archived,
                "page": f"similarity/week02/{a}-{b}.html"}

    flagged = [pair("19001", "19002", 0.97), pair("19002", "19003", 0.95), pair("19001", "19003", 0.96),
               pair("19005", "cohort 18 / S-abc123", 0.93, archived=True)]
    names = {"19001": "박세훈", "19002": "김민지", "19003": "이준호", "19005": "강하늘"}
    _issues(book, SimpleNamespace(id="week02"), flagged, names, None)
    assert len(rows) == 2
    group = next(r for r in rows if "3 submissions form one group" in r.detail)
    assert all(n in group.student for n in ("박세훈", "김민지", "이준호")) and "0.95–0.97" in group.detail
    lone = next(r for r in rows if r is not group)
    assert "cohort 18 / S-abc123" in lone.path and lone.student == "강하늘"
