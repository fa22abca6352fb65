"""The class roster (roster.csv): student id, name, cohort, optional git user, team, repo and alias.

Students are found by (cohort, name) from their file names. Two students with the same name in
one cohort (김민준 is common) must each have an ``alias`` — the name they use in their file names
(e.g. 김민준A) — or the roster is refused: a file must never go to one of them silently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UserError
from autograder.naming import nfc
from autograder.text_files import read_csv

REQUIRED = ("student_id", "name", "cohort")


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    cohort: int
    git_user: str | None = None
    team: str | None = None  # a week-7 team folder carries this name; every member gets its score
    repo: str | None = None  # the student's own repository (URL or path), for `kind: student_repos`
    alias: str | None = None  # the name in this student's file names when the roster has two of `name`

    @property
    def file_name(self) -> str:
        return self.alias or self.name


class Roster:
    def __init__(self, students: list[Student]):
        self.students = students
        self._by_key = {(s.cohort, s.file_name): s for s in students}
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
    df = read_csv(path, "roster")
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise UserError(f"roster lacks column(s) {', '.join(missing)}", where=str(path),
                        fix="header must be: student_id,name,cohort[,git_user][,team][,repo][,alias]")
    students, problems, seen, named, users = [], [], {}, {}, {}
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
        alias = nfc(row.get("alias", "").strip()) or None
        student = Student(sid, name, int(cohort), git_user, team, repo, alias)
        key = (student.cohort, student.file_name)
        if key in named:
            other = named[key]
            problems.append(f"line {line}: {cohort}기 {student.file_name} ({sid}) and line {other[0]} ({other[1]}) "
                            "would be found by the same file name — give each an 'alias' column value they "
                            "use in their file names (e.g. 김민준A, 김민준B)")
            continue
        if git_user and git_user.casefold() in users:
            other = users[git_user.casefold()]
            problems.append(f"line {line}: git_user {git_user} of {sid} repeats line {other[0]} ({other[1]}) — "
                            "commits are matched to students by git user, so each needs their own")
            continue
        named[key] = (line, sid)
        if git_user:
            users[git_user.casefold()] = (line, sid)
        students.append(student)
    if problems:
        raise UserError("invalid roster rows:\n  " + "\n  ".join(problems), where=str(path))
    return Roster(students)
