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
from autograder.gradebook import Gradebook, results, runs, submissions
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


def _version(book: Gradebook, run_id: int | None, tz: dt.tzinfo) -> dict | None:
    """The graded version a run is about: short sha, and when the collector first saw it (course time)."""
    if run_id is None:
        return None
    with book.engine.connect() as conn:
        row = conn.execute(select(submissions.c.commit_sha, submissions.c.first_seen, runs.c.score)
                           .join(runs, runs.c.submission_id == submissions.c.id).where(runs.c.id == run_id)).first()
    if row is None:
        return None
    seen = dt.datetime.fromisoformat(row.first_seen).astimezone(tz) if row.first_seen else None
    return {"commit": (row.commit_sha or "")[:7], "seen": seen.strftime("%Y-%m-%d %H:%M") if seen else "—",
            "score": row.score}


def write_feedback(cfg: CourseConfig, assignment: Assignment, book: Gradebook, folder: Path | None = None,
                   at: dt.datetime | None = None, shown: dict[str, int] | None = None,
                   notices: dict[str, str] | None = None) -> FeedbackFiles:
    """One file per roster student about the version that counts; with ``shown`` (student id → run
    id, the watcher's newest graded version) only those students, about that version, the counted
    score beside it. ``notices``: a line per student above the results (a version still queued)."""
    at = at or dt.datetime.now(dt.timezone.utc)
    deadlines = book.deadlines(assignment.id, cfg.due(assignment))
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
        if shown is not None and student.student_id not in shown:
            continue
        final = finals.loc[student.student_id].to_dict()
        counted = None if pd.isna(final["run_id"]) else int(final["run_id"])
        run_id = shown[student.student_id] if shown is not None else counted
        rows = _results(book, run_id)
        # what is shown "after the deadline" waits for the student's own one: with an extension the
        # failing configurations would otherwise reach them while they can still fix their code
        due = deadlines[student.student_id]
        lines = visible_lines(rows, assignment.hidden_tests, due, at)
        hints, hints_note = shown_hints(rows, catalogue, assignment, due, at, lambda q, s=student.student_id, r=run_id:
                                        book.reveal_hints(s, assignment.id, q, r, at, assignment.hint_reveals_per_day))
        path = folder / file_name_part(f"{assignment.week}주차 피드백_{student.student_id} {student.name}.md")
        path.write_text(template.render(assignment=assignment, student=student, final=final, lines=lines,
                                        manual=manual.get(student.student_id, []), hints=hints,
                                        version=_version(book, run_id, cfg.tz), counted=run_id == counted,
                                        notice=(notices or {}).get(student.student_id),
                                        hints_note=hints_note,
                                        run_notes=_run_notes(book, run_id), hint=kind_of(assignment).feedback_hint,
                                        detail=shows_detail(assignment.hidden_tests, due, at)), encoding="utf-8")
        files[student.student_id] = path
    return FeedbackFiles(folder, files)
