"""The class roster (roster.csv): student id, name, cohort, optional git user and team."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from autograder.errors import UserError
from autograder.naming import nfc

REQUIRED = ("student_id", "name", "cohort")


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    cohort: int
    git_user: str | None = None
    team: str | None = None  # a week-7 team folder carries this name; every member gets its score
    repo: str | None = None  # the student's own repository (URL or path), for `kind: student_repos`


class Roster:
    def __init__(self, students: list[Student]):
        self.students = students
        self._by_key = {(s.cohort, s.name): s for s in students}
        self._by_id = {s.student_id: s for s in students}

    def find(self, cohort: int, name: str) -> Student | None:
        return self._by_key.get((cohort, nfc(name)))

    def team(self, cohort: int, name: str) -> list[Student]:
        return [s for s in self.students if s.team and s.cohort == cohort and s.team == nfc(name)]

    def by_id(self, student_id: str) -> Student | None:
        return self._by_id.get(student_id)

    def __iter__(self):
        return iter(self.students)

    def __len__(self) -> int:
        return len(self.students)


def load(path: Path) -> Roster:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read roster: {exc}", where=str(path)) from None
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise UserError(f"roster lacks column(s) {', '.join(missing)}", where=str(path),
                        fix="header must be: student_id,name,cohort[,git_user][,team][,repo]")
    students, problems, seen = [], [], {}
    for i, row in df.iterrows():
        line = i + 2  # header is line 1
        sid, name, cohort = row["student_id"].strip(), nfc(row["name"].strip()), row["cohort"].strip()
        if not sid or not name or not cohort.isdigit():
            problems.append(f"line {line}: need a student_id, a name and a numeric cohort")
            continue
        if sid in seen:
            problems.append(f"line {line}: student_id {sid} repeats line {seen[sid]}")
            continue
        seen[sid] = line
        git_user = row.get("git_user", "").strip() or None
        team = nfc(row.get("team", "").strip()) or None
        repo = row.get("repo", "").strip() or None
        students.append(Student(sid, name, int(cohort), git_user, team, repo))
    if problems:
        raise UserError("invalid roster rows:\n  " + "\n  ".join(problems), where=str(path))
    return Roster(students)
