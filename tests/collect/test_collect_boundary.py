"""Collection as part of the trust boundary: a hostile file is one line in the report (never a
stop for the class), evasion code is listed for review with its line, and in a shared class
repository a student cannot replace another student's file."""

from __future__ import annotations

import json

import nbformat
from sqlalchemy import select

from autograder.collect import collect_week
from autograder.sources.scan import scan_notebook, scan_source
from autograder.gradebook import Gradebook, submissions
from tests.workflow_class import _course, _file, _push, _repo

HONEST = nbformat.writes(nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_code_cell("import gc, sys, torch\nimport torch.nn.functional as F\n"
                              "def softmax(x, dim=-1):\n    e = torch.exp(x - x.amax(dim, keepdim=True))\n"
                              "    return e / e.sum(dim, keepdim=True)\ngc.collect()\nprint(sys.version)\n")])).encode()
EVASIVE = nbformat.writes(nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_code_cell("x = 1"),
    nbformat.v4.new_code_cell("import torch\nfrom torch import _C as C\ndef softmax(x, dim=-1):\n"
                              "    with C.DisableTorchFunction():\n        return torch.ops.aten._softmax.default(x, dim, False)\n"),
    nbformat.v4.new_code_cell("%matplotlib inline\nimport sys\nsys.setprofile(None)\n"
                              "p = open('/proc/self/fd/1').name\n")])).encode()


def _issues(report, kind: str) -> list[dict]:
    return [i for i in report.issues if i.kind == kind]


def test_a_deeply_nested_notebook_is_one_line_and_the_class_is_still_collected(tmp_path, need_git):
    cfg = _course(tmp_path)
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00", data=b"[" * 5000 + b"]" * 5000)
    _push(repo, _file("김민지"), "2026-07-14T20:05:00+09:00", data=HONEST)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook),
                          seen_at="2026-07-14T12:00:00+00:00")
    bad = _issues(report, "invalid-notebook")
    assert len(bad) == 1 and "박세훈" in bad[0].path and "nested too deeply" in bad[0].detail
    assert {r.student_name for r in report.accepted if r.status == "ok"} == {"김민지"}


def test_an_nbformat_3_notebook_is_collected_and_read_as_version_4(tmp_path, need_git):
    from autograder.engine.notebook_grader import read_code_cells

    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["def f(x):\n", "    return x\n"], "language": "python", "outputs": []}]}]}
    cfg = _course(tmp_path)
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00", data=json.dumps(v3).encode())
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook),
                          seen_at="2026-07-14T12:00:00+00:00")
    (row,) = report.accepted
    assert row.status == "ok"
    assert read_code_cells(cfg.path(cfg.storage.data_dir) / row.snapshot) == ["def f(x):\n    return x\n"]


def test_evasion_code_is_listed_for_review_with_its_lines_and_honest_code_is_not(tmp_path, need_git):
    cfg = _course(tmp_path)
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00", data=EVASIVE)
    _push(repo, _file("김민지"), "2026-07-14T20:05:00+09:00", data=HONEST)
    book = Gradebook(cfg.gradebook)
    report = collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-14T12:00:00+00:00")
    (review,) = _issues(report, "needs-review")
    assert review.student == "박세훈" and "score unchanged" in review.detail
    for expected in ("cell 2, line 2: from torch import _C", "cell 2, line 4: torch._C.DisableTorchFunction",
                     "cell 2, line 5: torch.ops.aten._softmax.default", "cell 3, line 3: sys.setprofile",
                     "cell 3, line 4: '/proc/self/fd/1'"):
        assert expected in review.detail, (expected, review.detail)
    assert all(r.status == "ok" for r in report.accepted)  # listed, never rejected


def test_the_scan_reads_syntax_not_text():
    assert scan_source("text = 'torch._C and sys.modules are mentioned in a string'\n# torch.ops in a comment\n") == []
    hits = scan_source("import sys as s\nm = s.modules['autograder.inside.probe']\n"
                       "f = getattr(__import__('torch'), '_C')\n")
    assert [f.line for f in hits] == [2, 3]
    assert scan_notebook(b"[" * 5000 + b"]" * 5000) == []  # never raises on hostile input


def test_a_commit_by_another_student_replacing_a_file_does_not_count_and_is_listed(tmp_path, need_git):
    cfg = _course(tmp_path)
    repo = _repo(tmp_path / "class")
    _push(repo, _file("박세훈"), "2026-07-14T20:00:00+09:00", data=HONEST, author="user19001")
    _push(repo, _file("박세훈"), "2026-07-14T21:00:00+09:00", data=b'{"cells": []}', author="user19002")
    _push(repo, _file("김민지"), "2026-07-14T21:05:00+09:00", data=HONEST, author="user19002")
    _push(repo, _file("이준호"), "2026-07-14T21:10:00+09:00", data=HONEST, author="teaching-assistant")
    book = Gradebook(cfg.gradebook)
    report = collect_week(cfg, cfg.assignment("week02"), book, seen_at="2026-07-14T13:00:00+00:00")
    (flag,) = _issues(report, "authored-by-other")
    assert flag.student == "박세훈" and "김민지 (19002" in flag.detail and "does not count" in flag.detail
    with book.engine.connect() as conn:
        stored = {r.student_name: r.content_sha256 for r in conn.execute(select(submissions))}
    import hashlib
    assert stored["박세훈"] == hashlib.sha256(HONEST).hexdigest()  # the owner's own version counts
    assert "이준호" in stored  # an author who is not a roster student (a TA) is not judged
