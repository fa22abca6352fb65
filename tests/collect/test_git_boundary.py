"""What students can put in git reaches the TA's machine only as data: a tag named like the branch
does not replace it, a repository's own config and hooks never run (collect or feedback), a
``.git`` file pointing into a classmate's repository is refused, and a symlink or submodule
where a file should be is one issue line for that student while the rest is collected."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from autograder import config
from autograder.collect import collect_week
from autograder.demo import _git
from autograder.gradebook import Gradebook
from tests.conftest import PROJECT
from tests.workflow_class import _course, _file, _push, _repo, _score_all

ON_TIME = "2026-07-14T20:00:00+09:00"
SEEN = "2026-07-14T21:00:00+09:00"


def _git_out(repo: Path, *args: str, env: dict | None = None, data: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True, input=data,
                          env={**os.environ, **(env or {})}).stdout.decode().strip()


def _script(path: Path, marker: Path) -> Path:
    """An executable that leaves ``marker`` behind: proof that git ran it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho ran >> '{marker}'\ncat >/dev/null 2>&1\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def test_a_tag_named_like_the_branch_does_not_replace_the_class(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    for name in ("박세훈", "김민지", "이준호"):
        _push(repo, _file(name), ON_TIME)
    # an orphan commit holding only the attacker's file, tagged `main`: git prefers refs/tags/main for "main"
    blob = _git_out(repo, "hash-object", "-w", "--stdin", data=b'{"cells": [], "metadata": {}, "nbformat": 4, '
                    b'"nbformat_minor": 5}')
    tree = _git_out(repo, "mktree", data=f"100644 blob {blob}\t{_file('최서연')}\n".encode())
    orphan = _git_out(repo, "commit-tree", tree, "-m", "mine", env={
        "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x",
        "GIT_AUTHOR_DATE": ON_TIME, "GIT_COMMITTER_DATE": ON_TIME})
    _git(repo, "tag", "main", orphan)
    assert _git_out(repo, "rev-parse", "main") == orphan  # the attack is real: the bare name means the tag

    cfg = _course(tmp_path)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert {r.student_name for r in report.accepted} == {"박세훈", "김민지", "이준호"}
    shadow = [i for i in report.issues if i.kind == "shadowing-ref"]
    assert len(shadow) == 1 and "refs/tags/main" in shadow[0].detail


def test_a_repository_with_no_branch_setting_reads_its_default_branch_not_a_tag(tmp_path, need_git):
    own = _repo(tmp_path / "repos" / "user19001")
    _push(own, _file("박세훈"), ON_TIME)
    _git(own, "tag", "HEAD")  # a tag called HEAD next to the real one
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert [r.student_id for r in report.accepted] == ["19001"]


def _hostile_config(repo: Path, markers: Path) -> None:
    """Every config and hook vector that ran a student's program on the TA's machine."""
    gitdir = repo / ".git"
    _git(repo, "config", "log.showSignature", "true")
    _git(repo, "config", "gpg.program", str(_script(markers / "bin" / "gpg", markers / "gpg")))
    _git(repo, "config", "core.fsmonitor", str(_script(markers / "bin" / "fsmonitor", markers / "fsmonitor")))
    _git(repo, "config", "core.pager", str(_script(markers / "bin" / "pager", markers / "pager")))
    _git(repo, "config", "core.alternateRefsCommand", str(_script(markers / "bin" / "alt", markers / "alt")))
    _git(repo, "config", "uploadpack.packObjectsHook", str(_script(markers / "bin" / "pack", markers / "pack")))
    # a signed-looking commit, so that log.showSignature has a signature to hand to gpg.program
    head = _git_out(repo, "cat-file", "commit", "HEAD")
    header, _, body = head.partition("\n\n")
    signed = (f"{header}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
              f"\n\n{body}\n")
    sha = _git_out(repo, "hash-object", "-t", "commit", "-w", "--stdin", data=signed.encode())
    _git(repo, "update-ref", "refs/heads/main", sha)
    for hook in ("pre-receive", "update", "post-receive", "post-update", "reference-transaction", "push-to-checkout",
                 "pre-auto-gc"):
        _script(gitdir / "hooks" / hook, markers / f"hook-{hook}")
        _script(markers / "hooks" / hook, markers / f"hookspath-{hook}")


def test_a_students_git_config_and_hooks_never_run_on_the_tas_machine(tmp_path, need_git):
    from autograder.feedback import write_feedback
    from autograder.feedback.publish import publish_feedback

    markers = tmp_path / "markers"
    markers.mkdir()
    own = {sid: _repo(tmp_path / "repos" / f"user{sid}") for sid in ("19001", "19002")}
    _push(own["19001"], _file("박세훈"), ON_TIME)
    _push(own["19002"], _file("김민지"), ON_TIME)
    _hostile_config(own["19002"], markers)
    subprocess.run(["git", "-C", str(own["19002"]), "log", "-1"], capture_output=True)
    assert (markers / "gpg").exists()  # the vector is live for git run inside the repository itself
    (markers / "gpg").unlink()
    first = own["19002"]
    second = tmp_path / "markers" / "hooks"
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    book = Gradebook(cfg.gradebook)
    week = cfg.assignment("week02")
    report = collect_week(cfg, week, book, seen_at=SEEN)
    assert {r.student_id for r in report.accepted} == {"19001", "19002"}
    _score_all(cfg, book)
    files = write_feedback(cfg, week, book, tmp_path / "fb")
    done = {p.student_id: p for p in publish_feedback(cfg, week, {k: files.files[k] for k in ("19001", "19002")})}
    assert done["19002"].ok, done["19002"]
    assert "20 / 20" in _git_out(first, "show", "feedback:feedback/week02.md")
    # the same again with core.hooksPath pointing at the second set of hooks
    _git(first, "config", "core.hooksPath", str(second))
    files.files["19002"].write_text(files.files["19002"].read_text(encoding="utf-8") + "\nupdated\n",
                                    encoding="utf-8")
    again = publish_feedback(cfg, week, {"19002": files.files["19002"]})
    assert again[0].ok, again
    collect_week(cfg, week, book, seen_at=SEEN)
    assert sorted(p.name for p in markers.iterdir() if p.is_file()) == [], "a student's program ran"


def test_a_git_file_pointing_into_a_classmates_repository_is_refused(tmp_path, need_git):
    own = {sid: _repo(tmp_path / "repos" / f"user{sid}") for sid in ("19001", "19002")}
    _push(own["19001"], _file("박세훈"), ON_TIME)
    thief = tmp_path / "repos" / "user19002"
    subprocess.run(["rm", "-rf", str(thief / ".git")], check=True)
    (thief / ".git").write_text(f"gitdir: {own['19001'] / '.git'}\n")
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert [r.student_id for r in report.accepted] == ["19001"]
    refused = [i for i in report.issues if i.kind == "unreachable-repo" and i.student == "김민지"]
    assert len(refused) == 1 and "gitdir" in refused[0].detail


WEEKS = """assignments:
  - {id: week01, week: 1, title: patterns, kind: writeup, folder: week01, due: 2026-07-07T23:59:00, points: 10,
     manual: [{id: idea, title: idea, points: 4}]}
  - {id: week07, week: 7, title: project, kind: project, folder: PROJECT_WEEK07, due: 2026-08-18T23:59:00,
     points: 25, holdout_seed: 1}
"""


def _kinds_course(root: Path) -> config.CourseConfig:
    """The workflow class with a write-up (week 1) and a project (week 7) instead of week 2."""
    _course(root)
    lines = (root / "grader.yml").read_text(encoding="utf-8").splitlines()
    at = lines.index("assignments:")
    lines[at:at + 2] = WEEKS.replace("PROJECT_WEEK07", str(PROJECT / "assignments" / "week07_project")).splitlines()
    (root / "grader.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "week01").mkdir(exist_ok=True)
    return config.load(root / "grader.yml")


def _gitlink(repo: Path, path: str) -> None:
    head = _git_out(repo, "rev-parse", "HEAD")
    _git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},{path}")
    _git(repo, "commit", "-qm", f"link {path}", when=ON_TIME)


def test_symlinks_and_submodules_in_any_kind_are_one_issue_line_and_the_rest_is_collected(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _gitlink(repo, "1주차 과제_19기 강하늘.md")  # sorts first: it once stopped the whole week
    _push(repo, "1주차 과제_19기 박세훈.md", ON_TIME, data="## 패턴\n인식\n".encode())
    os.symlink("/etc/passwd", repo / "1주차 과제_19기 김민지.md")
    honest = repo / "7주차 과제_19기 박세훈"
    honest.mkdir()
    (honest / "solution.py").write_text("def train(X, y, seed):\n    return None\n")
    (honest / "README.md").write_text("# 문제 정의\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "projects", when=ON_TIME)
    os.symlink("7주차 과제_19기 박세훈", repo / "7주차 과제_19기 이준호")  # a folder that is a link to a classmate's
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "link", when=ON_TIME)
    # a submodule inside an honest folder, in the last commit (a later 'add -A' would delete it again: the
    # work tree has no such folder, and a file deleted by the last on-time commit never counts)
    _gitlink(repo, "7주차 과제_19기 박세훈/vendor")
    cfg = _kinds_course(tmp_path)
    book = Gradebook(cfg.gradebook)

    one = collect_week(cfg, cfg.assignment("week01"), book, seen_at=SEEN)
    assert {r.student_name for r in one.accepted} == {"박세훈"}
    bad = {i.student: i.detail for i in one.issues if i.kind == "not-a-file"}
    assert set(bad) == {"강하늘", "김민지"}
    assert "submodule" in bad["강하늘"] and "symbolic link" in bad["김민지"] and "/etc/passwd" in bad["김민지"]

    seven = collect_week(cfg, cfg.assignment("week07"), book, seen_at=SEEN)
    assert {r.student_name for r in seven.accepted} == {"박세훈"}
    assert all(r.status == "ok" for r in seven.accepted)
    bad = [i for i in seven.issues if i.kind == "not-a-file"]
    assert {i.student for i in bad} == {"박세훈", "이준호"}
    linked = next(i for i in bad if i.student == "이준호")
    assert "symbolic link to '7주차 과제_19기 박세훈'" in linked.detail
    inside = next(i for i in bad if i.student == "박세훈")
    assert "vendor (a submodule (gitlink))" in inside.detail and "rest of the folder is graded" in inside.detail


def test_a_file_deleted_before_the_deadline_is_never_the_version_that_counts(tmp_path, need_git):
    """The right file, then an empty stray copy pushed and deleted — all before one collect. The copy was
    the most recent version of 'any of the files', and it was graded."""
    own = _repo(tmp_path / "repos" / "user19001")
    _push(own, _file("박세훈"), "2026-07-14T18:00:00+09:00")
    _push(own, "2주차 과제_19기 박세훈 (1).ipynb", "2026-07-14T18:30:00+09:00", data=b"")
    _git(own, "rm", "-q", "2주차 과제_19기 박세훈 (1).ipynb")
    _git(own, "commit", "-qm", "remove", when="2026-07-14T18:45:00+09:00")
    _git(own, "rm", "-q", _file("박세훈"))  # …and a later stray deletion of the right one is not it either
    _git(own, "commit", "-qm", "oops", when="2026-07-14T19:10:00+09:00")
    _push(own, _file("박세훈"), "2026-07-14T19:20:00+09:00")
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert [(r.path, r.status) for r in report.accepted] == [(_file("박세훈"), "ok")]
    dup = [i for i in report.issues if i.kind == "duplicate"]
    assert len(dup) == 1 and f"'{_file('박세훈')}' is used" in dup[0].detail and "deleted before then" in dup[0].detail


def test_a_student_who_deleted_every_file_before_the_deadline_has_no_on_time_version(tmp_path, need_git):
    own = _repo(tmp_path / "repos" / "user19001")
    _push(own, _file("박세훈"), "2026-07-14T19:00:00+09:00")
    _git(own, "rm", "-q", _file("박세훈"))
    _git(own, "commit", "-qm", "withdrawn", when="2026-07-14T19:10:00+09:00")
    sources = f"  - {{kind: student_repos, url: '{tmp_path / 'repos'}/{{git_user}}'}}"
    cfg = _course(tmp_path, sources=sources)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert report.accepted == []


def test_a_name_typed_with_the_keyboard_in_english_mode_is_accepted_and_noted(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _push(repo, "2주차 과제_19기 qkrtpgns.ipynb", ON_TIME)  # 박세훈 typed in English mode
    _push(repo, "2주차 과제_19기 zzzzq.ipynb", ON_TIME)  # spells no roster name: unknown, as before
    cfg = _course(tmp_path)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert [r.student_name for r in report.accepted] == ["박세훈"]
    noted = [i for i in report.issues if i.kind == "name-differs"]
    assert len(noted) == 1 and "'qkrtpgns' is '박세훈' typed with the keyboard in English mode" in noted[0].detail
    assert any(i.kind == "unknown-student" and "zzzzq" in i.path for i in report.issues)


def test_a_keyboard_mode_file_deleted_before_the_deadline_does_not_count_either(tmp_path, need_git):
    repo = _repo(tmp_path / "class")
    _push(repo, "2주차 과제_19기 qkrtpgns.ipynb", "2026-07-14T19:00:00+09:00")
    _git(repo, "rm", "-q", "2주차 과제_19기 qkrtpgns.ipynb")
    _git(repo, "commit", "-qm", "withdrawn", when="2026-07-14T19:10:00+09:00")
    cfg = _course(tmp_path)
    report = collect_week(cfg, cfg.assignment("week02"), Gradebook(cfg.gradebook), seen_at=SEEN)
    assert report.accepted == []
