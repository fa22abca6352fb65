"""``autograder build WEEK``: otter assign on the master (hidden cases injected), then a self-check."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.build.bundle import REQUIREMENTS_FILE, bundle
from autograder.build.inject_hidden import CASES_FILE, inject
from autograder.build.point_labels import fill_points
from autograder.build.timings import write_timings
from autograder.casekit.loader import load_cases
from autograder.config import Assignment, CourseConfig
from autograder.engine import GradeResult, Limits, grade_notebook
from autograder.engine.public_check import FORBIDDEN_FILE
from autograder.errors import UserError
from autograder.naming import fill_cohort
from autograder.notebooks import master_notebook


@dataclass(frozen=True)
class BuildResult:
    template_dir: Path
    template: Path
    autograder_zip: Path
    solution: Path
    reference: GradeResult
    blank: GradeResult


def _otter_assign(workdir: Path, master_name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "otter", "assign", "--no-pdfs", master_name, "dist"],
                          cwd=workdir, capture_output=True, text=True)
    if proc.returncode != 0:
        raise UserError(f"otter assign failed:\n{(proc.stdout + proc.stderr)[-3000:]}", where=master_name,
                        fix="check the master notebook's BEGIN/END markers and the public tests")


# where the master's instructions say to push, for a course whose students each have a repository
OWN_REPOSITORY = {"수업 저장소에 push": "본인 저장소에 push", "push it to the class repository": "push it to your own repository"}
_NAMED_NOTEBOOK = re.compile(r"""otter\.Notebook\(\s*["'][^"']*\.ipynb["']\s*\)""")


def finish_template(template: Path, cohort: int | None, own_repositories: bool = False) -> None:
    """What otter assign leaves for the course to fill in: the course's cohort in the template's text
    (``2주차 과제_<기수>기 <이름>.ipynb`` → ``…_20기 …``), and an ``otter.Notebook()`` that finds the
    notebook under whatever name the student saves it as (``otter.Notebook("week02.ipynb")`` failed
    with 'No such file' once the notebook was renamed as its own instructions say); with
    ``own_repositories`` the instructions say to push to the student's own repository."""
    nb = nbformat.read(str(template), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = fill_cohort(cell.source, cohort)
            for said, meant in OWN_REPOSITORY.items() if own_repositories else ():
                cell.source = cell.source.replace(said, meant)
        elif cell.cell_type == "code" and _NAMED_NOTEBOOK.search(cell.source):
            cell.source = _NAMED_NOTEBOOK.sub("otter.Notebook()", cell.source)
    nbformat.write(nb, str(template))


def write_forbidden_rules(tests: Path, cases) -> Path:
    """Each question's forbidden-call rule beside the public tests, so that a student's own
    ``autograder check`` refuses what grading refuses (the names are in the template's text anyway)."""
    rules = {}
    for case in cases:
        if case.forbidden and case.function not in rules:
            rules[case.function] = case.forbidden.to_json()
    path = tests / FORBIDDEN_FILE
    path.write_text(json.dumps(rules, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _problems(result: GradeResult, expect_full: bool) -> list[str]:
    if result.infra_error:
        return [f"grading failed: {result.infra_error}"]
    if expect_full:
        return [f"{c.case_id}: {c.status} {c.message}" for c in result.cases
                if c.status not in ("passed", "skipped")]
    return [f"{c.case_id}: passed on the blank template" for c in result.cases if c.points > 0]


LOADED_FACTOR = 3.0  # a reference that only ran out of time is graded once more with this much time


def _only_out_of_time(result: GradeResult) -> bool:
    failing = [c for c in result.cases if c.status not in ("passed", "skipped")]
    return bool(failing) and all(c.status == "timeout" for c in failing) or bool(
        result.infra_error and "time" in result.infra_error.lower())


def self_check(solution: Path, template: Path, cases: list, limits: Limits, grade=grade_notebook
               ) -> tuple[GradeResult, GradeResult]:
    """The reference and the blank template graded. The verdict must not depend on how busy the
    machine is: a reference whose only failures are timeouts (a loaded machine, another build beside
    it) is graded again with LOADED_FACTOR times the time before the build is failed."""
    reference = grade(solution, cases, limits)
    if _only_out_of_time(reference):
        reference = grade(solution, cases, limits.relaxed(LOADED_FACTOR))
    return reference, grade(template, cases, limits)


def build_week(cfg: CourseConfig, assignment: Assignment, limits: Limits | None = None) -> BuildResult:
    folder = cfg.path(assignment.folder)
    master = master_notebook(folder)
    cases = load_cases(folder, assignment.questions)
    assignment.check_auto_points(round(sum(c.points for c in cases), 6), f"{folder / CASES_FILE} (its hidden cases)")
    templates = cfg.path(cfg.build.templates) / assignment.id
    out = cfg.path(cfg.build.output)
    with tempfile.TemporaryDirectory(prefix=f"build-{assignment.id}-") as tmp:
        work = Path(tmp) / "src"
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns("__pycache__", "dist"))
        files = bundle(work)  # the zip grades without this project installed
        labelled = fill_points(nbformat.read(str(master), as_version=4), cases, assignment.points, str(master))
        full = inject(labelled, cases, str(master), files=tuple(files),
                      requirements=REQUIREMENTS_FILE)
        nbformat.write(full, str(work / master.name))
        _otter_assign(work, master.name)
        dist = work / "dist"
        if templates.exists():
            shutil.rmtree(templates)
        shutil.copytree(dist / "student", templates)
        own = bool(cfg.submissions) and all(s.kind == "student_repos" for s in cfg.submissions)
        finish_template(templates / master.name, cfg.course.cohort, own)
        write_forbidden_rules(templates / "tests", cases)
        (out / "autograder").mkdir(parents=True, exist_ok=True)
        (out / "solutions").mkdir(parents=True, exist_ok=True)
        zips = sorted((dist / "autograder").glob("*.zip"))
        if not zips:
            raise UserError("otter assign produced no autograder zip", where=str(master),
                            fix="the ASSIGNMENT CONFIG needs 'generate: true'")
        ag_zip = out / "autograder" / f"{assignment.id}.zip"
        shutil.copy(zips[-1], ag_zip)
        solution = out / "solutions" / f"{assignment.id}.ipynb"
        shutil.copy(dist / "autograder" / master.name, solution)
    template = templates / master.name
    reference, blank = self_check(solution, template, cases, limits or Limits.from_config(cfg.grading))
    problems = ([f"reference solution: {p}" for p in _problems(reference, True)]
                + [f"blank template: {p}" for p in _problems(blank, False)])
    if problems:
        raise UserError("self-check failed:\n  " + "\n  ".join(problems[:20]), where=str(master),
                        fix="the reference must score full marks and the untouched template zero")
    write_timings(out, assignment.id, folder / CASES_FILE,
                  {c.case_id: c.seconds for c in reference.cases if c.status == "passed"})
    return BuildResult(templates, template, ag_zip, solution, reference, blank)
