"""The archive of earlier cohorts: ``autograder archive export`` writes this cohort's code for next
year (``COHORT/WEEK/NAME.py``, pseudonyms unless asked otherwise); ``integrity.archive`` lists such
folders (or git repositories holding them) to compare a new cohort with."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from autograder import gitcli
from autograder import roster as roster_mod
from autograder.sources.git_history import materialise, read_blob
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.gradebook import Gradebook
from autograder.integrity.code_text import is_code_week, submission_code
from autograder.integrity.index import Doc
from autograder.naming import file_name_part
from autograder.pseudonyms import pseudonyms

SUFFIXES = (".py", ".ipynb", ".zip")
MAX_BYTES = 5 << 20


def _label(parts: tuple[str, ...]) -> str:
    """'cohort 18 / S-1a2b3c' from COHORT/WEEK/NAME.py (a cohort folder's digits, else its name)."""
    cohort = parts[0] if len(parts) > 2 else "archive"
    digits = re.sub(r"\D", "", cohort)
    return f"cohort {digits or cohort} / {PurePosixPath(parts[-1]).stem}"


def _wanted(parts: tuple[str, ...], assignment: Assignment) -> bool:
    return (len(parts) >= 2 and parts[-2] == assignment.id and PurePosixPath(parts[-1]).suffix in SUFFIXES)


def archived_docs(cfg: CourseConfig, assignment: Assignment) -> tuple[list[Doc], list[str]]:
    """Every archived submission of ``assignment``'s week; notes for entries that could not be read."""
    docs, notes = [], []
    for entry in cfg.integrity.archive:
        try:
            for parts, data in _files(cfg, entry):
                if _wanted(parts, assignment):
                    code = submission_code(data, PurePosixPath(parts[-1]).suffix.lstrip("."))
                    docs.append(Doc(_label(parts), code, archived=True))
        except UserError as exc:
            notes.append(f"archive {entry}: {exc.render().splitlines()[0]} — it was not compared")
    return docs, notes


def _files(cfg: CourseConfig, entry: str):
    """(path parts, bytes) of every file of an archive folder or repository (regular files only)."""
    local = cfg.path(Path(entry)) if "://" not in entry else None
    if local is not None and local.is_dir() and not (local / "HEAD").exists() and not (local / ".git").exists():
        for path in sorted(local.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_BYTES:
                yield path.relative_to(local).parts, path.read_bytes()
        return
    if local is not None and not local.exists():
        raise UserError("no such folder", where=entry, fix="fix integrity.archive in grader.yml")
    mirror = materialise(entry, cfg.path(cfg.storage.data_dir) / "archives", None)
    listed = gitcli.run("ls-tree", "-r", "-z", "--full-tree", mirror.ref, cwd=mirror.path).stdout.split(b"\0")
    for line in filter(None, listed):
        meta, name = line.split(b"\t", 1)
        if meta.split()[0] in (b"100644", b"100755"):
            path = name.decode("utf-8", "replace")
            data = read_blob(mirror.path, mirror.ref, path, MAX_BYTES)
            if data is not None:
                yield tuple(path.split("/")), data


def export_archive(cfg: CourseConfig, book: Gradebook, out: Path, *, names: bool = False) -> int:
    """Write each student's newest version of every code week as ``out/cohortN/WEEK/NAME.py``."""
    people = {s.student_id: s for s in roster_mod.load(cfg.path(cfg.roster))}
    alias = pseudonyms(list(people), cfg.path(cfg.storage.data_dir))
    cohort = out / f"cohort{cfg.course.cohort or 'unknown'}"
    data = cfg.path(cfg.storage.data_dir)
    written = 0
    for a in cfg.assignments:
        if not is_code_week(a):
            continue
        for row in book.latest_submissions(a.id):
            snap = data / row["snapshot"]
            if not snap.is_file():
                continue
            code = submission_code(snap.read_bytes(), snap.suffix.lstrip("."))
            sid = row["student_id"]
            stem = (file_name_part(f"{people[sid].name}_{sid}") if names and sid in people
                    else alias.get(sid, "S-" + hashlib.sha256(sid.encode()).hexdigest()[:6]))
            target = cohort / a.id / f"{stem}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")
            written += 1
    return written
