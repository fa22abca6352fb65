"""Commit each student's feedback file to a ``feedback`` branch of their own repository.

Only per-student repositories (``kind: student_repos``): in a shared class repository every
student would read everyone's feedback. A repository that cannot be reached is reported and
the others go on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder import roster as roster_mod
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError

BRANCH = "feedback"
AUTHOR = {"GIT_AUTHOR_NAME": "autograder", "GIT_AUTHOR_EMAIL": "autograder@localhost",
          "GIT_COMMITTER_NAME": "autograder", "GIT_COMMITTER_EMAIL": "autograder@localhost"}


@dataclass(frozen=True)
class Published:
    student_id: str
    repo: str
    ok: bool
    detail: str  # the commit, or what went wrong


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                          env={**os.environ, **AUTHOR, "GIT_TERMINAL_PROMPT": "0"})


def _publish_one(url: str, source_file: Path, target: str, message: str) -> tuple[bool, str]:
    work = Path(tempfile.mkdtemp(prefix="ag-feedback-"))
    try:
        clone = subprocess.run(["git", "clone", "-q", "--no-checkout", url, str(work / "r")], capture_output=True,
                               text=True, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
        if clone.returncode != 0:
            return False, f"cannot clone: {clone.stderr.strip()[:300]}"
        repo = work / "r"
        has_branch = _git(repo, "rev-parse", "--verify", "-q", f"origin/{BRANCH}").returncode == 0
        steps = [("checkout", "-q", "-B", BRANCH, f"origin/{BRANCH}")] if has_branch else \
            [("checkout", "-q", "--orphan", BRANCH), ("rm", "-rqf", "--cached", "--ignore-unmatch", ".")]
        for step in steps:
            done = _git(repo, *step)
            if done.returncode != 0:
                return False, done.stderr.strip()[:300]
        dest = repo / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_file, dest)
        _git(repo, "add", target)
        if _git(repo, "diff", "--cached", "--quiet").returncode == 0:
            return True, "unchanged"
        for step in (("commit", "-qm", message), ("push", "-q", "origin", f"{BRANCH}:{BRANCH}")):
            done = _git(repo, *step)
            if done.returncode != 0:
                return False, f"git {step[0]} failed: {done.stderr.strip()[:300]}"
        return True, _git(repo, "rev-parse", "--short", "HEAD").stdout.strip()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def publish_feedback(cfg: CourseConfig, assignment: Assignment, files: dict[str, Path]) -> list[Published]:
    sources = [s for s in cfg.submissions if s.kind == "student_repos"]
    if not sources:
        raise UserError("feedback can be committed only to per-student repositories; in a shared class repository "
                        "every student would read everyone's feedback", where="submissions in grader.yml",
                        fix="hand out the markdown files, or add a `kind: student_repos` source")
    people = roster_mod.load(cfg.path(cfg.roster))
    jobs = []
    for sid, path in files.items():
        student = people.by_id(sid)
        url = next((u for u in (s.url_for(student) for s in sources) if u), None)
        jobs.append((sid, url, path))

    def one(job) -> Published:
        sid, url, path = job
        if url is None:
            return Published(sid, "", False, "no repository for this student (roster repo or git_user)")
        ok, detail = _publish_one(url, path, f"feedback/{assignment.id}.md", f"{assignment.id} 피드백 / feedback")
        return Published(sid, url, ok, detail)

    with ThreadPoolExecutor(max(s.parallel for s in sources)) as pool:
        return list(pool.map(one, jobs))
