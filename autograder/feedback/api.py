"""``autograder feedback WEEK``: a markdown file per student, from the gradebook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import literal_column, select

from autograder import roster as roster_mod
from autograder.config import Assignment, CourseConfig
from autograder.casekit.loader import load_catalogue
from autograder.feedback.hint_lines import shown_hints
from autograder.feedback.visibility import shows_detail, visible_lines
from autograder.gradebook import Gradebook, results, runs
from autograder.kinds import kind_of
from autograder.naming import file_name_part
from autograder.pages import markdown_env
from autograder.report.finals import final_scores


@dataclass(frozen=True)
class FeedbackFiles:
    folder: Path
    files: dict[str, Path]  # student_id → file


def _results(book: Gradebook, run_id: int | None) -> list[dict]:
    if run_id is None:
        return []
    with book.engine.connect() as conn:
        order = [results.c.position] + ([literal_column("rowid")] if book.dialect == "sqlite" else [])  # case order
        rows = conn.execute(select(results).where(results.c.run_id == run_id).order_by(*order))
        return [dict(r._mapping) for r in rows]


def _run_notes(book: Gradebook, run_id: int | None) -> list[str]:
    if run_id is None:
        return []
    with book.engine.connect() as conn:
        notes = conn.execute(select(runs.c.notes).where(runs.c.id == run_id)).scalar()
    return [n.strip() for n in (notes or "").split("; ") if n.strip()]


def write_feedback(cfg: CourseConfig, assignment: Assignment, book: Gradebook, folder: Path | None = None,
                   at: dt.datetime | None = None) -> FeedbackFiles:
    at = at or dt.datetime.now(dt.timezone.utc)
    due = cfg.due(assignment)
    folder = folder or cfg.path(cfg.reports.output) / "feedback" / assignment.id
    folder.mkdir(parents=True, exist_ok=True)
    finals = final_scores(cfg, book, at)
    finals = finals[finals.assignment == assignment.id].set_index("student_id")
    template = markdown_env("autograder.feedback").get_template("student.md.j2")
    titles = {m.id: m.title for m in assignment.manual}
    manual: dict[str, list[dict]] = {}
    for m in book.manual(assignment.id):
        manual.setdefault(m["student_id"], []).append({**m, "title": titles.get(m["item"], m["item"])})
    catalogue = load_catalogue(cfg.path(assignment.folder))  # empty without a hints.py
    files = {}
    for student in roster_mod.load(cfg.path(cfg.roster)):
        final = finals.loc[student.student_id].to_dict()
        run_id = None if pd.isna(final["run_id"]) else int(final["run_id"])
        rows = _results(book, run_id)
        lines = visible_lines(rows, assignment.hidden_tests, due, at)
        hints, hints_note = shown_hints(rows, catalogue, assignment, due, at, lambda q, s=student.student_id, r=run_id:
                                        book.reveal_hints(s, assignment.id, q, r, at, assignment.hint_reveals_per_day))
        path = folder / file_name_part(f"{assignment.week}주차 피드백_{student.student_id} {student.name}.md")
        path.write_text(template.render(assignment=assignment, student=student, final=final, lines=lines,
                                        manual=manual.get(student.student_id, []), hints=hints,
                                        hints_note=hints_note,
                                        run_notes=_run_notes(book, run_id), hint=kind_of(assignment).feedback_hint,
                                        detail=shows_detail(assignment.hidden_tests, due, at)), encoding="utf-8")
        files[student.student_id] = path
    return FeedbackFiles(folder, files)
