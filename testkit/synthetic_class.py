"""A synthetic class written straight into a gradebook: known contents for the report tests
and the report benchmark (1,000 students × 7 weeks × 40 cases takes seconds, not a grading run).

Every version is kept in ``Truth`` as plain Python data, so tests can recompute each figure
without pandas or the report code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from autograder import config
from autograder.gradebook import Gradebook, manual_scores, results, runs, submissions


@dataclass
class Version:
    student_id: str
    assignment: str
    late_days: int
    invalid: bool = False
    infra_error: bool = False
    cases: list[tuple[str, float, float, str]] = field(default_factory=list)  # (case_id, points, max, status)

    @property
    def score(self) -> float:
        return sum(p for _, p, _, _ in self.cases)


@dataclass
class Truth:
    students: list[tuple[str, str]]  # (student_id, name), roster order
    assignments: list[tuple[str, int, float, int]]  # (id, week, points, cases)
    versions: list[Version]
    manual: dict[tuple[str, str], float]  # (assignment, student_id) → TA points


NAMES = ["박세훈", "김민지", "이서준", "최유나", "정하늘", "강도윤", "윤서연", "한지호"]


def make_class(folder: Path, n_students: int = 40, weeks: int = 4, cases: int = 6, seed: int = 0,
               weights: list[float] | None = None) -> tuple[config.CourseConfig, Truth]:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    students = [(f"19{i:04d}", f"{NAMES[i % len(NAMES)]}{i}") for i in range(n_students)]
    (folder / "roster.csv").write_text("student_id,name,cohort,git_user\n" + "".join(
        f"{sid},{name},19,user{sid}\n" for sid, name in students), encoding="utf-8")
    assignments = [(f"week{w:02d}", w, 20.0 if w == 2 else 25.0, cases) for w in range(2, 2 + weeks)]
    rows = []
    for k, (aid, w, pts, _) in enumerate(assignments):
        (folder / f"a{w}").mkdir(exist_ok=True)
        weight = f", weight: {weights[k]}" if weights else ""
        manual = ", manual: [{id: idea, title: 아이디어, points: 5}]" if k == 0 else ""
        rows.append(f"  - {{id: {aid}, week: {w}, title: '{w}주차', folder: a{w}, "
                    f"due: '2026-07-{min(7 * w, 28):02d}T23:59:00', points: {pts}{weight}{manual}}}")
    (folder / "grader.yml").write_text(
        "course: {name: 합성 반 / synthetic class, timezone: Asia/Seoul, cohort: 19}\nroster: roster.csv\n"
        "submissions: [{kind: class_repo, url: repo}]\nassignments:\n" + "\n".join(rows) +
        "\nlate_policy: {grace_minutes: 15, penalty_per_day: 0.1, max_late_days: 3}\n"
        "storage: {url: 'sqlite:///out/gradebook.sqlite', data_dir: out/data}\nreports: {output: out/reports}\n",
        encoding="utf-8")
    cfg = config.load(folder / "grader.yml")
    ability = rng.uniform(0.2, 1.0, n_students)
    versions: list[Version] = []
    manual: dict[tuple[str, str], float] = {}
    for k, (aid, _, pts, n_cases) in enumerate(assignments):
        auto = pts - (5 if k == 0 else 0)
        case_max = [round(auto / n_cases, 4)] * n_cases
        case_max[-1] = round(auto - sum(case_max[:-1]), 4)
        difficulty = rng.uniform(-0.3, 0.3, n_cases)
        for i, (sid, _) in enumerate(students):
            roll = rng.random()
            if roll < 0.06:
                continue  # missing
            n_versions = 2 if roll > 0.85 else 1
            for v in range(n_versions):
                late = 0 if v == 0 and roll < 0.8 else int(rng.choice([1, 2, 5]))
                ver = Version(sid, aid, late, invalid=bool(rng.random() < 0.02), infra_error=bool(rng.random() < 0.02))
                if not ver.invalid and not ver.infra_error:
                    for c in range(n_cases):
                        ok = rng.random() < np.clip(ability[i] - difficulty[c], 0.02, 0.98)
                        status = "passed" if ok else str(rng.choice(["failed", "error", "timeout"]))
                        ver.cases.append((f"q{c + 1}/check", case_max[c] if ok else 0.0, case_max[c], status))
                    ver.cases.append(("q1/cuda", 0.0, 0.0, "skipped"))
                versions.append(ver)
            if k == 0 and rng.random() < 0.7:
                manual[(aid, sid)] = float(rng.integers(0, 6))
    _write(cfg, versions, manual)
    return cfg, Truth(students, assignments, versions, manual)


def _write(cfg: config.CourseConfig, versions: list[Version], manual: dict[tuple[str, str], float]) -> None:
    book = Gradebook(cfg.gradebook)
    names = dict(line.split(",")[:2] for line in cfg.path(cfg.roster).read_text(encoding="utf-8").splitlines()[1:])
    stamp = dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc).isoformat()
    due = {a.id: cfg.due(a) for a in cfg.assignments}
    sub_rows, run_rows, result_rows = [], [], []
    for n, v in enumerate(versions, start=1):
        # one hour before the deadline, or one hour into the version's last late day
        offset = dt.timedelta(days=v.late_days - 1, hours=1) if v.late_days else dt.timedelta(hours=-1)
        when = due[v.assignment] + offset
        when = when.astimezone(dt.timezone.utc).isoformat()
        sub_rows.append({"id": n, "assignment": v.assignment, "student_id": v.student_id,
                         "student_name": names[v.student_id], "path": f"{v.assignment}/{v.student_id}-{n}.ipynb",
                         "content_sha256": f"{n:064x}", "snapshot": f"{n}.ipynb", "commit_sha": f"{n:040x}",
                         "commit_time": when, "first_seen": when, "collected_at": stamp,
                         "late_seconds": v.late_days * 86400.0,
                         "late_days": v.late_days, "status": "invalid" if v.invalid else "ok",
                         "problem": "not valid JSON (line 1)" if v.invalid else None})
        if v.invalid:
            continue
        run_rows.append({"id": n, "submission_id": n, "started_at": stamp, "finished_at": stamp,
                         "status": "infra-error" if v.infra_error else "graded",
                         "score": None if v.infra_error else v.score, "max_score": None, "isolation": "test",
                         "seconds": 1.0, "current": True, "error": "sandbox did not start" if v.infra_error else None,
                         "grader": "synthetic"})
        result_rows += [{"run_id": n, "case_id": c, "title": c, "points": p, "max_points": m, "status": s,
                         "message": "", "seconds": 0.01} for c, p, m, s in v.cases]
    manual_rows = [{"assignment": a, "student_id": sid, "item": "idea", "points": pts, "max_points": 5.0,
                    "comment": "", "entered_by": "조교", "entered_at": stamp} for (a, sid), pts in manual.items()]
    with book.engine.begin() as conn:
        for table, rows in ((submissions, sub_rows), (runs, run_rows), (results, result_rows),
                            (manual_scores, manual_rows)):
            if rows:
                conn.execute(insert(table), rows)
