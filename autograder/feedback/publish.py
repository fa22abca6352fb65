"""Commit each student's feedback file to a ``feedback`` branch of their own repository.

Only per-student repositories (``kind: student_repos``): in a shared class repository every
student would read everyone's feedback. A repository that cannot be reached is reported and
the others go on.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder import gitcli
from autograder import roster as roster_mod
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError

BRANCH = "feedback"


@dataclass(frozen=True)
class Published:
    student_id: str
    repo: str
    ok: bool
    detail: str  # the commit, or what went wrong


def _publish_one(url: str, source_file: Path, target: str, message: str) -> tuple[bool, str]:
    """Commit ``source_file`` as ``target`` on the feedback branch, built in a bare repository the
    grader owns (no checkout: nothing the branch holds is written to disk) and pushed; a local
    repository's receive-pack runs with hooks and the rest of ``gitcli.NO_CODE`` off."""
    local = gitcli.local_path(url)
    remote, push_options = url, []
    if local is not None:
        try:
            gitcli.check_local(local)
        except UserError as exc:
            return False, exc.what
        remote, push_options = str(local.resolve()), ["--receive-pack", gitcli.RECEIVE_PACK]
    work = Path(tempfile.mkdtemp(prefix="ag-feedback-"))
    try:
        repo = work / "r.git"
        gitcli.run("init", "-q", "--bare", str(repo))
        branch = f"refs/heads/{BRANCH}"
        listed = gitcli.run("ls-remote", remote, branch, check=False)
        if listed.returncode != 0:
            return False, f"cannot read the repository: {listed.stderr.decode('utf-8', 'replace').strip()[:300]}"
        parent = None
        if listed.stdout.strip():
            fetched = gitcli.run("fetch", "-q", "--no-tags", remote, f"+{branch}:{branch}", cwd=repo, check=False)
            if fetched.returncode != 0:
                return False, f"cannot fetch {BRANCH}: {fetched.stderr.decode('utf-8', 'replace').strip()[:300]}"
            parent = gitcli.run("rev-parse", "--verify", f"{branch}^{{commit}}", cwd=repo).stdout.decode().strip()
        index = {"GIT_INDEX_FILE": str(work / "index")}
        blob = gitcli.run("hash-object", "-w", "--stdin", cwd=repo, input=source_file.read_bytes()).stdout.decode()
        gitcli.run("read-tree", *([parent] if parent else ["--empty"]), cwd=repo, env=index)
        gitcli.run("update-index", "--add", "--cacheinfo", f"100644,{blob.strip()},{target}", cwd=repo, env=index)
        tree = gitcli.run("write-tree", cwd=repo, env=index).stdout.decode().strip()
        if parent and tree == gitcli.run("rev-parse", f"{parent}^{{tree}}", cwd=repo).stdout.decode().strip():
            return True, "unchanged"
        commit = gitcli.run("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message,
                            cwd=repo).stdout.decode().strip()
        pushed = gitcli.run("push", "-q", *push_options, remote, f"{commit}:{branch}", cwd=repo, check=False)
        if pushed.returncode != 0:
            return False, f"git push failed: {pushed.stderr.decode('utf-8', 'replace').strip()[:300]}"
        return True, commit[:7]
    except UserError as exc:
        return False, exc.what
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
