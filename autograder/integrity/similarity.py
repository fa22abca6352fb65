"""``autograder similarity WEEK``: every student's newest version of the week compared with every
other and with the archive of earlier cohorts; flagged pairs become ``similarity`` collection issues
naming both students, rows of ``similarity_WEEK.csv`` and side-by-side pages. Never a score change."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from autograder import roster as roster_mod
from autograder.config import Assignment, CourseConfig
from autograder.gradebook import Gradebook, IssueRow, now
from autograder.groups import clusters
from autograder.pseudonyms import pseudonyms
from autograder.integrity.archive import archived_docs
from autograder.integrity.code_text import is_code_week, notebook_code, submission_code
from autograder.integrity.index import Doc, Scores, score
from autograder.integrity.pages import write_pair_page
from autograder.sheets import write_csv

LISTED = 0.5  # pairs at least this similar are listed in the CSV (flagged or not)
COLUMNS = ["a", "a_name", "b", "b_name", "score", "unusual", "matched_lines", "flagged", "page"]


@dataclass
class SimilarityReport:
    assignment: str
    students: int
    archived: int
    csv: Path
    flagged: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def template_code(cfg: CourseConfig, assignment: Assignment) -> str:
    """The code students were given: the built template (notebook, starter files) of the week."""
    folder = cfg.path(cfg.build.templates) / f"week{assignment.week:02d}"
    parts = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.suffix == ".ipynb" and path.is_file():
            parts.append(notebook_code(path.read_bytes()))
        elif path.suffix == ".py" and path.is_file() and "tests" not in path.parts:
            parts.append(submission_code(path.read_bytes(), "py"))
    return "\n\n".join(parts)


def _cohort_docs(cfg: CourseConfig, assignment: Assignment, book: Gradebook) -> list[Doc]:
    data = cfg.path(cfg.storage.data_dir)
    docs = []
    for row in book.latest_submissions(assignment.id):
        path = data / row["snapshot"]
        if path.is_file() and not path.is_symlink():
            docs.append(Doc(row["student_id"], submission_code(path.read_bytes(), path.suffix.lstrip("."))))
    return docs


def judged(scores: Scores, min_score: float, min_unusual: float) -> list[tuple[int, int, float, float, bool]]:
    """(i, j, score, unusual, flagged) for every pair listed (score ≥ LISTED): unusual is the robust z
    of the score among all of the cohort's pairs; flagged when both reach the course's minimums."""
    n = int(sum(scores.usable[i] for i in scores.cohort))
    pairs = scores.pairs
    in_cohort = np.isin(pairs[:, 1], scores.cohort) if len(pairs) else np.zeros(0, bool)
    med, spread = _robust(pairs[in_cohort, 2] if len(pairs) else np.zeros(0), n * (n - 1) // 2)
    out = []
    for i, j, s in pairs:
        if s >= LISTED:
            z = (s - med) / spread
            out.append((int(i), int(j), float(s), float(z), bool(s >= min_score and z >= min_unusual)))
    return out


def _robust(values: np.ndarray, total: int) -> tuple[float, float]:
    """Median and MAD (×1.4826) of all cohort pairs' scores; pairs with nothing shared are 0."""
    full = np.concatenate([values, np.zeros(max(total - len(values), 0))])
    if not len(full):
        return 0.0, 1.0
    med = float(np.median(full))
    return med, max(1.4826 * float(np.median(np.abs(full - med))), 1e-3)


def _lines(code: str, slices: np.ndarray) -> int:
    """How many lines of ``code`` the matched slices touch."""
    if not len(slices) or not len(slices[0]):
        return 0
    touched: set[int] = set()
    for a, b in zip(*slices):
        first = code.count("\n", 0, int(a))
        touched.update(range(first, first + code.count("\n", int(a), int(b)) + 1))
    return len(touched)


def run_similarity(cfg: CourseConfig, assignment: Assignment, book: Gradebook, *, anonymize: bool = False,
                   out: Path | None = None) -> SimilarityReport:
    out = out or cfg.path(cfg.reports.output)
    out.mkdir(parents=True, exist_ok=True)
    people = roster_mod.load(cfg.path(cfg.roster))
    names = {s.student_id: s.name for s in people}
    shown = dict(names)
    if anonymize:
        shown = pseudonyms(list(names), cfg.path(cfg.storage.data_dir))
    cohort = _cohort_docs(cfg, assignment, book)
    archive, notes = archived_docs(cfg, assignment)
    template = template_code(cfg, assignment)
    if not template.strip():
        notes.append(f"no built template for {assignment.id} under {cfg.build.templates}: code given to students "
                     "counts as theirs (run `autograder build` first)")
    docs = cohort + archive
    scores: Scores = score(docs, template)
    rows, flagged = [], []
    pages = out / "similarity" / assignment.id
    for i, j, s, unusual, flag in judged(scores, cfg.integrity.min_score, cfg.integrity.min_unusual):
        a, b = docs[i], docs[j]
        sa, sb = scores.matches(i, j)
        who = shown if anonymize else names
        row = {"a": shown.get(a.key, a.key), "a_name": who.get(a.key, a.key),
               "b": shown.get(b.key, b.key), "b_name": who.get(b.key, b.key),
               "score": round(float(s), 3), "unusual": round(float(unusual), 1),
               "matched_lines": _lines(a.code, sa), "flagged": bool(flag), "page": ""}
        if flag:
            page = write_pair_page(pages, assignment, row, a.code, b.code, sa, sb)
            row["page"] = str(page.relative_to(out))
            flagged.append({**row, "a_id": a.key, "b_id": b.key, "archived": b.archived})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS).sort_values(["flagged", "score"], ascending=False)
    csv = write_csv(frame, out / f"similarity_{assignment.id}.csv")
    if not anonymize:
        _issues(book, assignment, flagged, names, people)
    return SimilarityReport(assignment.id, len(cohort), len(archive), csv, flagged, notes)


def _issues(book: Gradebook, assignment: Assignment, flagged: list[dict], names: dict, people) -> None:
    """One ``similarity`` issue per flagged pair, naming both (an archived match names its cohort); a
    group of three or more linked submissions is one issue naming every member (its pairs' pages listed)."""
    def label(key: str, archived: bool = False) -> str:
        return key if archived else f"{names.get(key, key)} ({key})"

    groups = clusters((f["a_id"], f["b_id"]) for f in flagged)
    big = {m: tuple(g) for g in groups if len(g) > 2 for m in g}
    said: set[tuple] = set()
    for f in flagged:
        group = big.get(f["a_id"])
        if group is None:
            who, other = label(f["a_id"]), label(f["b_id"], f["archived"])
            detail = (f"code similar to {other}: score {f['score']:.2f} ({f['unusual']:.1f} robust SD above the "
                      f"week's pairs), {f['matched_lines']} matched lines; side by side: {f['page']} — a TA decides "
                      "(the score is unchanged)")
            students = names.get(f["a_id"], f["a_id"]) + ("" if f["archived"] else f", {names.get(f['b_id'], f['b_id'])}")
            book.add_issue(IssueRow(assignment.id, now(), f"{who} | {other}", "similarity", detail, students))
        elif group not in said:
            said.add(group)
            mine = [x for x in flagged if x["a_id"] in group]
            archived = [x for x in group if any(x == y["b_id"] and y["archived"] for y in mine)]
            members = [label(m, m in archived) for m in group]
            detail = (f"{len(group)} submissions form one group of similar code (pair scores "
                      f"{min(x['score'] for x in mine):.2f}–{max(x['score'] for x in mine):.2f}): {', '.join(members)}; "
                      f"side by side: {', '.join(x['page'] for x in mine[:5])}" + (" …" if len(mine) > 5 else "")
                      + " (every pair in the similarity CSV) — a TA decides (the scores are unchanged)")
            book.add_issue(IssueRow(assignment.id, now(), " | ".join(members), "similarity", detail,
                                    ", ".join(names.get(m, m) for m in group if m not in archived)))


def refresh(cfg: CourseConfig, book: Gradebook, out: Path | None = None) -> list[SimilarityReport]:
    """For ``report``: run the check for each code week whose collected versions changed since the
    last run (the newest submission id is remembered per week)."""
    from sqlalchemy import func, select

    from autograder.gradebook import submissions

    done = []
    stamps = cfg.path(cfg.storage.data_dir) / "similarity"
    for a in cfg.assignments:
        if not is_code_week(a):
            continue
        with book.engine.connect() as conn:
            newest = conn.execute(select(func.max(submissions.c.id)).where(submissions.c.assignment == a.id)).scalar()
        stamp = stamps / f"{a.id}.stamp"
        if newest is None or (stamp.exists() and stamp.read_text().strip() == str(newest)):
            continue
        done.append(run_similarity(cfg, a, book, out=out))
        stamps.mkdir(parents=True, exist_ok=True)
        stamp.write_text(str(newest))
    return done
