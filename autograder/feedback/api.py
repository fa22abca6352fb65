"""``autograder feedback WEEK``: a markdown file per student, from the gradebook."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import literal_column, select

from autograder import roster as roster_mod
from autograder.config import Assignment, CourseConfig
from autograder.casekit.loader import load_catalogue
from autograder.feedback.hint_lines import shown_hints
from autograder.feedback.visibility import outcome_text, shows_detail, visible_lines
from autograder.gradebook import Gradebook, collection_issues, results, runs, submissions
from autograder.kinds import kind_of
from autograder.naming import file_name_part
from autograder.pages import markdown_env
from autograder.regrade.shown import StudentRegrades, for_students
from autograder.regrade import store as regrade_store
from autograder.regrade.request_file import file_names as request_names
from autograder.report.finals import final_scores


# collection problems a student should hear about their own files (not the ones a TA judges first:
# similarity, needs-review, work authored by another student)
FILE_PROBLEMS = {"bad-name": "파일 이름 / file name", "name-differs": "파일 이름 / file name",
                 "wrong-file-type": "파일 형식 / file type", "invalid-notebook": "읽을 수 없는 노트북 / unreadable notebook",
                 "invalid-file": "읽을 수 없는 파일 / unreadable file", "not-a-file": "파일이 아님 / not a file",
                 "duplicate": "여러 파일 / several files", "too-late": "너무 늦음 / too late",
                 "force-push": "기록 변경 / history rewritten", "unreachable-repo": "저장소 / repository",
                 "regrade-request": "재채점 요청 / regrade request"}


def _file_problems(book: Gradebook, assignment: str) -> dict[str, list[tuple[str, str]]]:
    """Student name → [(what, detail)] of the collection problems with their files."""
    with book.engine.connect() as conn:
        rows = conn.execute(select(collection_issues.c.student, collection_issues.c.kind, collection_issues.c.detail)
                            .where(collection_issues.c.assignment == assignment,
                                   collection_issues.c.kind.in_(list(FILE_PROBLEMS)))
                            .order_by(collection_issues.c.id)).all()
    out: dict[str, list[tuple[str, str]]] = {}
    for student, kind, detail in rows:
        if student and (FILE_PROBLEMS[kind], detail) not in out.get(student, []):
            out.setdefault(student, []).append((FILE_PROBLEMS[kind], detail))
    return out


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
    env = markdown_env("autograder.feedback")
    env.filters["outcome"] = outcome_text
    template = env.get_template("student.md.j2")
    titles = {m.id: m.title for m in assignment.manual}
    manual: dict[str, list[dict]] = {}
    for m in book.manual(assignment.id):
        manual.setdefault(m["student_id"], []).append({**m, "title": titles.get(m["item"], m["item"])})
    catalogue = load_catalogue(cfg.path(assignment.folder))  # empty without a hints.py
    files = {}
    students = [s for s in roster_mod.load(cfg.path(cfg.roster)) if shown is None or s.student_id in shown]
    counted_runs = {s.student_id: None if pd.isna(finals.loc[s.student_id, "run_id"])
                    else int(finals.loc[s.student_id, "run_id"]) for s in students}
    run_of = {sid: shown[sid] if shown is not None else run for sid, run in counted_runs.items()}
    rows_of = {sid: _results(book, run) for sid, run in run_of.items()}
    regrades = for_students(book, assignment.id, cfg.tz, {(sid, r["case_id"]): float(r["points"])
                                                           for sid, rows in rows_of.items() for r in rows})
    released, opened = [], regrade_store.released(book, assignment.id)
    problems = _file_problems(book, assignment.id)
    own, shared = request_names(assignment.week, cfg.course.cohort)
    request_file = own if any(x.kind == "student_repos" for x in cfg.submissions) else shared
    for student in students:
        final = finals.loc[student.student_id].to_dict()
        counted, run_id, rows = counted_runs[student.student_id], run_of[student.student_id], rows_of[student.student_id]
        regrade = regrades.get(student.student_id, StudentRegrades([], [], {}))
        # what is shown "after the deadline" waits for the student's own one: with an extension the
        # failing configurations would otherwise reach them while they can still fix their code
        due = deadlines[student.student_id]
        lines = [dataclasses.replace(line, points=regrade.overridden[line.case_id], outcome=f"{outcome_text(line.outcome)} → 조교 결정 / "
                                     "TA decision") if line.case_id in regrade.overridden else line
                 for line in visible_lines(rows, assignment.hidden_tests, due, at)]
        window = None
        if counted is not None and at >= due:
            released.append(student.student_id)  # the regrade window starts at the first such feedback
            opened_at = opened.get(student.student_id, at.astimezone(dt.timezone.utc).isoformat(timespec="seconds"))
            window = regrade_store.window_closes(opened_at, cfg.regrades.window_days).astimezone(cfg.tz).strftime(
                "%Y-%m-%d %H:%M")
        hints, hints_note = shown_hints(rows, catalogue, assignment, due, at, lambda q, s=student.student_id, r=run_id:
                                        book.reveal_hints(s, assignment.id, q, r, at, assignment.hint_reveals_per_day))
        path = folder / file_name_part(f"{assignment.week}주차 피드백_{student.student_id} {student.name}.md")
        path.write_text(template.render(assignment=assignment, student=student, final=final, lines=lines,
                                        manual=manual.get(student.student_id, []), hints=hints,
                                        version=_version(book, run_id, cfg.tz), counted=run_id == counted,
                                        notice=(notices or {}).get(student.student_id), regrade=regrade,
                                        file_problems=problems.get(student.name, [])[:10],
                                        regrade_window=window, request_file=request_file.replace("<이름>", student.name),
                                        hints_note=hints_note,
                                        run_notes=_run_notes(book, run_id), hint=kind_of(assignment).feedback_hint,
                                        detail=shows_detail(assignment.hidden_tests, due, at)), encoding="utf-8")
        files[student.student_id] = path
    regrade_store.mark_released(book, assignment.id, released, at)
    return FeedbackFiles(folder, files)
