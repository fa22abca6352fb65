"""TA rubric scores: a CSV to fill per assignment, and its import into the gradebook.

An import is all or nothing: every row is checked first (known student, known item, points
within range, a number at all), and a file with any bad row is rejected with each offending
row listed. Re-importing updates a student's item in place: it never duplicates it.
"""

from __future__ import annotations

import getpass
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from autograder import roster as roster_mod
from autograder.config import Assignment, CourseConfig
from autograder.errors import UserError
from autograder.naming import nfc
from autograder.sheets import restore_cell, write_csv
from autograder.text_files import read_csv
from autograder.gradebook import Gradebook, now

COLUMNS = ["student_id", "name", "item", "item_title", "max_points", "points", "comment"]


@dataclass(frozen=True)
class ImportSummary:
    inserted: int
    updated: int
    entered_by: str
    unchanged: int = 0
    blank: int = 0  # rows without points: not entered (never a 0)
    warnings: tuple[str, ...] = ()  # rows imported, but worth a look (a name that is not the id's)


def who() -> str:
    """The TA entering scores: git's user.name, else the login name."""
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True).stdout.strip()
    except OSError:
        name = ""
    return name or getpass.getuser()


def _need_items(assignment: Assignment) -> None:
    if not assignment.manual:
        raise UserError(f"{assignment.id} has no manual rubric items", where="grader.yml",
                        fix=f"add 'manual: [{{id: ..., title: ..., points: ...}}]' under {assignment.id}")


def write_template(cfg: CourseConfig, assignment: Assignment, path: Path) -> Path:
    """One row per student and item, with the scores already entered filled in."""
    _need_items(assignment)
    known = {(m["student_id"], m["item"]): m for m in Gradebook(cfg.gradebook).manual(assignment.id)}
    rows = []
    for s in roster_mod.load(cfg.path(cfg.roster)):
        for item in assignment.manual:
            entered = known.get((s.student_id, item.id), {})
            rows.append({"student_id": s.student_id, "name": s.name, "item": item.id, "item_title": item.title,
                         "max_points": item.points, "points": entered.get("points", ""),
                         "comment": entered.get("comment") or ""})
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(pd.DataFrame(rows, columns=COLUMNS), path)
    return path


def import_scores(cfg: CourseConfig, assignment: Assignment, book: Gradebook, path: Path,
                  entered_by: str | None = None) -> ImportSummary:
    _need_items(assignment)
    df = read_csv(path, "manual scores CSV")
    missing = [c for c in ("student_id", "item", "points") if c not in df.columns]
    if missing:
        raise UserError(f"missing column(s): {', '.join(missing)}", where=str(path),
                        fix=f"start from 'autograder manual template {assignment.id}'")
    roster = roster_mod.load(cfg.path(cfg.roster))
    items = {m.id: m for m in assignment.manual}
    by = entered_by or who()
    at = now()
    rows, problems, seen, warnings, blank = [], [], {}, [], 0
    for i, r in df.iterrows():
        line = i + 2
        sid, item, raw = r["student_id"].strip(), r["item"].strip(), r["points"].strip()
        if not raw:
            blank += 1
            continue  # not scored yet
        student = roster.by_id(sid)
        if student is None:
            problems.append(f"line {line}: student_id {sid!r} is not on the roster")
            continue
        name = nfc(str(r.get("name", "")).strip())
        if name and name not in (student.name, student.alias):
            warnings.append(f"line {line}: the name {name!r} is not {sid}'s ({student.name}); the score went to "
                            f"{student.name} — check the row")
        if item not in items:
            problems.append(f"line {line}: item {item!r} is not a manual item of {assignment.id} "
                            f"(known: {', '.join(items)})")
            continue
        try:
            points = float(raw)
        except ValueError:
            problems.append(f"line {line}: points {raw!r} is not a number")
            continue
        if not 0 <= points <= items[item].points:
            problems.append(f"line {line}: {points:g} points is outside 0–{items[item].points:g} for {item}")
            continue
        if (sid, item) in seen:
            problems.append(f"line {line}: {sid} / {item} repeats line {seen[(sid, item)]}")
            continue
        seen[(sid, item)] = line
        rows.append({"assignment": assignment.id, "student_id": sid, "item": item, "points": points,
                     "max_points": items[item].points, "comment": restore_cell(r.get("comment", "").strip()) or None,
                     "entered_by": by, "entered_at": at})
    if problems:
        raise UserError(f"{len(problems)} row(s) rejected; nothing was imported:\n  " + "\n  ".join(problems),
                        where=str(path), fix="correct those rows and import the file again")
    inserted, updated, unchanged = book.put_manual(rows)
    return ImportSummary(inserted, updated, by, unchanged, blank, tuple(warnings))
