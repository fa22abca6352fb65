"""Command line: ``autograder build|collect|grade|report|feedback|manual|audit|demo|validate``."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

import re

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import config
from autograder.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Autograder for the PyTorch deep-learning course (otter-grader compatible).")
console = Console()
ConfigOpt = typer.Option(Path("grader.yml"), "--config", "-c", help="the course file")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _t(value: object) -> str:
    """Text a student or a roster controls (names, file names, messages) for the terminal: no rich
    markup, no control characters (an escape sequence in a file name would drive the TA's terminal)."""
    return escape(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value)))


def _fail(exc: UserError) -> None:
    console.print(f"[bold red]error:[/] {_t(exc.render())}", highlight=False)
    raise typer.Exit(2)


def _load(path: Path) -> config.CourseConfig:
    try:
        return config.load(path)
    except UserError as exc:
        _fail(exc)


def _summary_table(tables) -> Table:
    """Every student's score for a small class; per-assignment figures for a large one."""
    if len(tables.students) > 60:
        table = Table(title="per assignment")
        for col in ("assignment", "submitted", "mean", "median", "late"):
            table.add_column(col)
        for r in tables.stats.itertuples():
            table.add_row(r.assignment, f"{r.submitted} / {r.students}", f"{r.mean:.2f} / {r.points:g}",
                          f"{r.median:.2f}", str(r.late))
        return table
    table = Table(title="class summary")
    for col in ("student_id", "name", "assignment", "score", "status"):
        table.add_column(col, no_wrap=col != "status")
    for r in tables.students.itertuples():
        score = "—" if r.score != r.score else f"{r.score:g}"  # never 'nan / 25'
        table.add_row(_t(r.student_id), _t(r.name), r.assignment, f"{score} / {r.max:g}", _t(_short(r.status)))
    return table


def _short(status: str) -> str:
    """A status for a table cell: its kind ('invalid', 'rejected'); the whole text, which may hold file names a
    narrow column would break mid-name, is printed under the table by ``_status_lines``."""
    return status.split(":", 1)[0] + " (below)" if len(status) > 40 and ":" in status else status


def _status_lines(tables) -> None:
    for r in tables.students.itertuples():
        if _short(r.status) != r.status:
            console.print(f"  {_t(r.student_id)} {_t(r.name)} {r.assignment}: {_t(r.status)}", highlight=False,
                          soft_wrap=True)


@app.command()
def validate(cfg_path: Path = ConfigOpt) -> None:
    """Check grader.yml, the roster, and each assignment's folder (a write-up's rubric.yml, a
    project's task.py, their points against grader.yml)."""
    from autograder import roster
    from autograder.kinds import kind_of

    cfg = _load(cfg_path)
    try:
        students = roster.load(cfg.path(cfg.roster))
        for a in cfg.assignments:
            kind_of(a).check_folder(a, cfg.path(a.folder))
    except UserError as exc:
        _fail(exc)
    console.print(f"[green]ok[/]: {cfg.course.name}: {len(cfg.assignments)} assignments, {len(students)} students")


@app.command()
def build(week: Optional[str] = typer.Argument(None, help="week id or number; all when omitted"),
          cfg_path: Path = ConfigOpt) -> None:
    """Write what students receive: for a notebook, otter assign → template + autograder zip, then the
    self-check; for a write-up or project, the prompt and the starter files."""
    from autograder.kinds import kind_of
    from autograder.regrade.request_file import write_template

    cfg = _load(cfg_path)
    todo = [cfg.assignment(week)] if week else cfg.assignments
    for n, a in enumerate(todo, 1):
        began = time.monotonic()
        console.print(f"[{n}/{len(todo)}] building {a.id} ({a.kind}) …"  # a notebook week takes a minute or two
                      + (" otter assign, then the self-check in the sandbox" if a.kind == "notebook" else ""),
                      highlight=False)
        try:
            made = kind_of(a).build(cfg, a)
        except UserError as exc:
            _fail(exc)
        console.print(f"[green]built {a.id}[/] ({a.kind}) in {time.monotonic() - began:.0f} s: {made}",
                      highlight=False, soft_wrap=True)
        request = write_template(cfg.path(cfg.build.templates) / a.id, a.week, a.title, cfg.course.cohort)
        console.print(f"  regrade request template: {request}", highlight=False)


@app.command()
def collect(week: str, cfg_path: Path = ConfigOpt,
            allow_unreachable: bool = typer.Option(False, "--allow-unreachable",
                                                   help="exit 0 even when some repositories cannot be read")
            ) -> None:
    """Read every submission source for WEEK; log what is seen (run it on a schedule around deadlines)."""
    from autograder.collect import collect_week
    from autograder.gradebook import Gradebook

    cfg = _load(cfg_path)
    try:
        rep = collect_week(cfg, cfg.assignment(week), Gradebook(cfg.gradebook), show_progress=True)
    except UserError as exc:
        _fail(exc)
    console.print(f"collected {len(rep.accepted)} versions ({rep.new} new)"
                  + (f"; [red]{rep.unreachable} repositories unreachable[/]" if rep.unreachable else ""))
    for i in rep.issues:
        console.print(f"  [yellow]{i.kind}[/] {_t(i.path)}: {_t(i.detail)}", highlight=False, soft_wrap=True)
    for line in rep.regrades:
        console.print(f"  [cyan]regrade[/] {_t(line)}", highlight=False, soft_wrap=True)
    if rep.regrades:
        console.print("  see them with `autograder regrades`")
    if rep.unreachable and not allow_unreachable:
        console.print(f"[red]{rep.unreachable} repositories could not be read[/] (listed above as unreachable-repo); "
                      "what was read is stored — fix access and collect again, or pass --allow-unreachable")
        raise typer.Exit(1)


@app.command()
def check(notebook: Path = typer.Argument(..., help="your notebook"),
          tests: Optional[Path] = typer.Option(None, help="public tests folder (default: tests/ beside the "
                                                          "notebook, else the course's student template)"),
          cfg_path: Path = ConfigOpt) -> None:
    """Run a notebook's public tests in the grading sandbox (exit status 1 when one fails)."""
    from autograder.engine import Limits
    from autograder.engine.public_check import check_notebook, checked_questions, find_public_tests, load_public_tests
    from autograder.engine.public_report import explain
    from autograder.naming import parse

    limits = Limits()
    if not notebook.is_file():
        _fail(UserError("no such notebook", where=str(notebook), fix="give the path of your .ipynb file"))
    tests = tests or find_public_tests(notebook)
    if cfg_path.exists():  # in the course's own folder: its limits, and its built templates' tests
        cfg = _load(cfg_path)
        limits = Limits.from_config(cfg.grading)
        parsed = parse(notebook.name)
        if tests is None and parsed is not None:
            tests = cfg.path(cfg.build.templates) / f"week{parsed.week:02d}" / "tests"
    if tests is None:
        wanted = ", ".join(sorted(checked_questions(notebook))) or "(the notebook calls no grader.check)"
        _fail(UserError(f"no tests/ folder with the public tests this notebook checks ({wanted}) beside it or "
                        "in its repository", where=str(notebook),
                        fix="copy the tests/ folder that came with the week's template into the repository "
                            "(beside the notebook or in a folder of its own), or pass --tests FOLDER"))
    try:
        results, cells = check_notebook(notebook, load_public_tests(tests), limits)
    except UserError as exc:
        _fail(exc)
    table = Table(title=f"공개 테스트 / public tests: {_t(notebook.name)}")
    table.add_column("테스트 / test", no_wrap=True)
    table.add_column("결과 / result", no_wrap=True)
    for r in results:
        table.add_row(_t(r.name), "[green]통과 / passed[/]" if r.passed else "[red]실패 / failed[/]")
    console.print(table)
    for c in cells:
        if c.get("status") != "ok":
            err = c.get("error") or {}
            console.print(f"[yellow]셀 / cell {c['cell']}[/] {_t(c['status'])}: {_t(err.get('type', ''))}: "
                          f"{_t(err.get('message', ''))}",
                          highlight=False)
    for r in results:
        if not r.passed:
            console.print(f"\n[red]{_t(r.name)}[/]\n{_t(explain(r.detail))}", highlight=False)
    passed = sum(r.passed for r in results)
    console.print(f"\n공개 테스트 {passed}/{len(results)}개 통과. 채점 때는 비공개 테스트가 더 많은 모양, 시드, dtype을 "
                  f"확인합니다. / {passed}/{len(results)} public tests passed. Hidden tests check many more shapes, seeds "
                  "and dtypes when the course grades.")
    if passed < len(results):
        raise typer.Exit(1)


@app.command()
def extend(student: str = typer.Argument(..., help="student id or name"), week: str = typer.Argument(...),
           days: int = typer.Option(..., "--days", min=0, help="days added to the deadline (0 withdraws it)"),
           reason: str = typer.Option("", help="kept with the extension"),
           by: Optional[str] = typer.Option(None, help="who grants it (default: this user)"),
           cfg_path: Path = ConfigOpt) -> None:
    """Grant a student an extension; lateness, bank days and scores are recomputed in every report."""
    import getpass

    from autograder.gradebook import Gradebook, now

    cfg = _load(cfg_path)
    a, found = _assignment_and_student(cfg, week, student)
    book = Gradebook(cfg.gradebook)
    if days == 0:
        withdrawn = book.withdraw_extension(found.student_id, a.id)
        console.print(f"withdrawn: {_t(found.name)} ({found.student_id}) {a.id} is due "
                      f"{cfg.due(a).isoformat(timespec='minutes')} again" if withdrawn else
                      f"nothing to withdraw: {_t(found.name)} ({found.student_id}) has no extension for {a.id}")
        return
    replaced = book.put_extension(
        {"student_id": found.student_id, "assignment": a.id, "days": days, "reason": reason or None,
         "granted_by": by or getpass.getuser(), "granted_at": now()})
    due = cfg.due(a)
    console.print(f"{'changed' if replaced else 'granted'}: {_t(found.name)} ({found.student_id}) {a.id} +{days} d → due "
                  f"{(due + timedelta(days=days)).isoformat(timespec='minutes')}. "
                  f"Run `autograder collect {a.id}` and `grade {a.id}` to pick up a version the new deadline makes "
                  "on time; reports recompute lateness from it.")


def _assignment_and_student(cfg, week: str, student: str):
    """(assignment, roster student) from a week and a student id or name; a clear error otherwise."""
    from autograder import roster as roster_mod
    from autograder.naming import nfc

    try:
        a = cfg.assignment(week)
        people = roster_mod.load(cfg.path(cfg.roster))
    except UserError as exc:
        _fail(exc)
    found = people.by_id(student) or next((s for s in people if s.name == nfc(student)), None)
    if found is None:
        _fail(UserError(f"no student {student!r} on the roster", where=str(cfg.path(cfg.roster)),
                        fix="use a student_id or the name exactly as in roster.csv"))
    return a, found


def _need_collected(book, week: str) -> None:
    if not book.collected(week):
        raise UserError(f"nothing has been collected for {week} yet, so there is nothing to grade or report on",
                        where="gradebook", fix=f"run `autograder collect {week}` first (and check `submissions:` in "
                                               "grader.yml if it finds nothing)")


def _need_graded(cfg, book, week: str) -> None:
    """Feedback only for work that was graded: otherwise every student would read '0 / N'."""
    _need_collected(book, week)
    waiting = book.pending(week, cfg.path(cfg.storage.data_dir))
    if waiting:
        raise UserError(f"{len(waiting)} collected version(s) of {week} are not graded yet; feedback now would "
                        "show them as 0 points", where="gradebook", fix=f"run `autograder grade {week}` first "
                                                                        "(re-run it if it reported infrastructure errors)")


@app.command()
def grade(week: str, regrade: bool = typer.Option(False, help="grade everything again (history kept)"),
          workers: Optional[int] = typer.Option(None, help="parallel sandboxes (default from grader.yml)"),
          cfg_path: Path = ConfigOpt) -> None:
    """Grade every collected, ungraded submission of WEEK."""
    from autograder.grade import grade_week
    from autograder.gradebook import Gradebook

    cfg = _load(cfg_path)
    book = Gradebook(cfg.gradebook)
    try:
        _need_collected(book, cfg.assignment(week).id)
        s = grade_week(cfg, cfg.assignment(week), book, regrade=regrade, workers=workers)
    except UserError as exc:
        _fail(exc)
    console.print(f"graded {s.graded}, infrastructure errors {s.infra_errors} (not scored; re-run to retry), "
                  f"rejected {s.rejected}, in {s.seconds:.1f} s; isolation: {', '.join(sorted(s.isolation)) or '-'}")
    if s.crashed:
        console.print(f"[yellow]{s.crashed} submission(s) scored as crashed[/]: they failed the grader the same way "
                      "in 3 batches while it graded others (the reason is in the report; `grade --regrade` retries)")
    if s.scores:
        scores = sorted(s.scores)
        top = cfg.assignment(week).points
        console.print(f"scores of this batch (of {top:g}): median {scores[len(scores) // 2]:g}, "
                      f"lowest {scores[0]:g}, highest {scores[-1]:g}; full marks {sum(x >= top - 1e-9 for x in scores)}, "
                      f"zero {sum(x <= 1e-9 for x in scores)}")
    late = book.too_late(week, cfg.late_policy.max_late_days)
    if late:
        console.print(f"[yellow]{len(late)} version(s) will not count[/]: later than late_policy.max_late_days "
                      f"({cfg.late_policy.max_late_days}) — " + ", ".join(f"{_t(n)} ({d} d)" for n, d in late[:10])
                      + (" …" if len(late) > 10 else "") + "; `autograder extend` can make one count")
    if s.flagged:
        console.print(f"[yellow]{s.flagged} student(s) flagged for a TA[/] (similar to another or to the prompt): "
                      "see collection_issues in the report")


def _audit_hints(cfg, assignment) -> None:
    from autograder.casekit.hint_audit import audit_rule
    from autograder.casekit.loader import load_cases, load_catalogue

    folder = cfg.path(assignment.folder)
    try:
        cases, catalogue = load_cases(folder, assignment.questions), load_catalogue(folder)
    except UserError as exc:
        _fail(exc)
    table = Table(title=f"hints of {assignment.id}")
    table.add_column("hint", no_wrap=True)
    for col in ("evidence", "caught", "fires", "on reference"):
        table.add_column(col)
    bad = 0
    for r in catalogue.rules:
        a = audit_rule(r, cases)
        if a is None:
            table.add_row(_t(r.hint.id), "signal", "–", "–", "–")
            continue
        bad += (not a.caught) + a.on_reference
        table.add_row(_t(r.hint.id), "variant", "yes" if a.caught else "[red]NO[/]",
                      "yes" if a.fires else "[yellow]no[/]", "[red]YES[/]" if a.on_reference else "no")
    console.print(table)
    console.print(f"{len(catalogue.rules)} hints; {bad} problem(s). caught: the variant loses points on the "
                  "question's cases; fires: its answers give the hint; on reference: the right answers give it (never). "
                  "Every question also gets forbidden-call, mutates-input, dtype-changed and device.")
    if bad:
        raise typer.Exit(1)


@app.command()
def audit(week: str, workers: Optional[int] = typer.Option(None, help="parallel sandboxes (default from grader.yml)"),
          function: Optional[list[str]] = typer.Option(None, "--function", "-f", help="only these functions"),
          limit: Optional[int] = typer.Option(None, help="at most this many mutants"),
          training: bool = typer.Option(False, help="also mutate functions judged only by training cases"),
          hints: bool = typer.Option(False, "--hints", help="audit the week's hints instead (no sandbox): is each "
                                     "variant caught by the cases, does it fire, does the reference fire it"),
          cfg_path: Path = ConfigOpt) -> None:
    """Mutation testing of WEEK's hidden tests: which bugs in the reference do they miss? The CSV's
    ``hints`` column names the mistakes feedback would give each killed mutant (empty: no hint yet)."""
    from autograder.audit import run_audit, write_audit

    cfg = _load(cfg_path)
    if hints:
        return _audit_hints(cfg, cfg.assignment(week))
    try:
        rep = run_audit(cfg, cfg.assignment(week), workers=workers, functions=set(function or []) or None,
                        limit=limit, training=training)
    except UserError as exc:
        _fail(exc)
    table = Table(title=f"audit {week}: mutation score per function")
    for col in ("function", "mutants", "killed", "survived", "equivalent-suspect", "score %"):
        table.add_column(col)
    for name, row in sorted(rep.by_function().items()):
        score = rep.score(row["killed"], row["survived"])
        table.add_row(name, str(row["mutants"]), str(row["killed"]), str(row["survived"]),
                      str(row["equivalent-suspect"]), "–" if score is None else f"{score:.1f}")
    console.print(table)
    for r in rep.results:
        if r.status == "survived":
            console.print(f"[yellow]survived[/] {r.mutant.function} ({r.mutant.operator}, line {r.mutant.line}):\n"
                          f"{r.mutant.diff}", highlight=False)
    total = rep.total
    score = rep.score(total["killed"], total["survived"])
    html, csv = write_audit(rep, cfg.path(cfg.reports.output))
    console.print(f"mutation score {'–' if score is None else f'{score:.1f} %'} ({total['killed']} killed, "
                  f"{total['survived']} survived, {total['equivalent-suspect']} equivalent-suspect; strict "
                  f"{'–' if rep.strict_score is None else f'{rep.strict_score:.1f} %'}) in "
                  f"{rep.seconds:.0f} s; page: {html}; every mutant: {csv}")


@app.command()
def report(cfg_path: Path = ConfigOpt, out: Optional[Path] = typer.Option(None, help="output folder"),
           anonymize: bool = typer.Option(False, "--anonymize", help="pseudonyms instead of names and ids (for sharing)"),
           as_of: Optional[datetime] = typer.Option(None, "--as-of", help="which assignments count as due for the "
                                                    "at-risk list (default: now; naive times are in the course zone)")) -> None:
    """Class dashboard (HTML with plots), CSV/Parquet/XLSX/Canvas exports and report cards."""
    from autograder.gradebook import Gradebook
    from autograder.report import write_report

    cfg = _load(cfg_path)
    when = (as_of if as_of is None or as_of.tzinfo else as_of.replace(tzinfo=cfg.tz))
    book = Gradebook(cfg.gradebook)
    files = write_report(cfg, book, out, anonymize=anonymize, as_of=when)
    if not book.collected():
        console.print(f"[yellow]nothing has been collected yet[/]: the report is empty ({files.html}). Run "
                      "`autograder collect WEEK` and `autograder grade WEEK` first.")
        return
    console.print(_summary_table(files.tables))
    if len(files.tables.students) <= 60:
        _status_lines(files.tables)
    console.print(f"report: {files.html}\nCSV:    {files.class_csv}\nXLSX:   {files.files['xlsx']}"
                  f"\ncards:  {files.files['cards']}/")
    if len(files.tables.at_risk):
        console.print(f"[yellow]{len(files.tables.at_risk)} student(s) at risk[/] ({files.tables.at_risk_rule})")


@app.command()
def feedback(week: str, cfg_path: Path = ConfigOpt,
             out: Optional[Path] = typer.Option(None, help="output folder (default: the reports folder of grader.yml, then feedback/WEEK, e.g. out/reports/feedback/week02)"),
             commit: bool = typer.Option(False, "--commit", help="also commit each file to the 'feedback' branch "
                                                                 "of the student's own repository")) -> None:
    """One markdown feedback file per student; hidden tests as grader.yml's hidden_tests allows."""
    from autograder.feedback import write_feedback
    from autograder.feedback.publish import publish_feedback
    from autograder.gradebook import Gradebook

    cfg = _load(cfg_path)
    book = Gradebook(cfg.gradebook)
    try:
        _need_graded(cfg, book, cfg.assignment(week).id)
        files = write_feedback(cfg, cfg.assignment(week), book, out)
        console.print(f"{len(files.files)} feedback files in {files.folder}")
        if commit:
            done = publish_feedback(cfg, cfg.assignment(week), files.files)
            console.print(f"committed to {sum(p.ok for p in done)} of {len(done)} student repositories "
                          "(branch 'feedback')")
            for p in done:
                if not p.ok:
                    console.print(f"  [yellow]{_t(p.student_id)}[/] {_t(p.repo)}: {_t(p.detail)}", highlight=False)
    except UserError as exc:
        _fail(exc)


@app.command()
def watch(weeks: Optional[list[str]] = typer.Argument(None, help="weeks to watch (default: every assignment that "
                                                                   "can still take a version)"),
          every: Optional[float] = typer.Option(None, "--every", min=1, help="seconds between polls (default: "
                                                                              "watch.every_s of grader.yml)"),
          once: bool = typer.Option(False, "--once", help="one cycle, then exit (for cron)"),
          dry_run: bool = typer.Option(False, "--dry-run", help="say what a cycle would do; change nothing"),
          cfg_path: Path = ConfigOpt) -> None:
    """Grade each new version minutes after it is pushed: poll the repositories, collect and grade
    what changed, publish feedback (per-student repositories: their `feedback` branch). Stops on
    SIGTERM/SIGINT; safe to kill and restart."""
    from autograder.watch import Watcher
    from autograder.watch.dry_run import describe

    cfg = _load(cfg_path)
    try:
        watcher = Watcher(cfg, weeks or None, every=every, log=lambda line: console.print(_t(line), highlight=False,
                                                                                          soft_wrap=True))
        if dry_run:
            for line in describe(watcher):
                console.print(_t(line), highlight=False, soft_wrap=True)
            return
        watcher.run(once=once)
    except UserError as exc:
        _fail(exc)


@app.command()
def similarity(week: str, cfg_path: Path = ConfigOpt,
               anonymize: bool = typer.Option(False, "--anonymize", help="pseudonyms in the CSV and pages")) -> None:
    """Compare every student's code of WEEK with each other and with the archive (integrity.archive);
    flagged pairs become `similarity` collection issues for a TA. Never changes a score."""
    from autograder.gradebook import Gradebook
    from autograder.integrity.code_text import is_code_week
    from autograder.integrity.similarity import run_similarity

    cfg = _load(cfg_path)
    try:
        a = cfg.assignment(week)
        if not is_code_week(a):
            raise UserError(f"{a.id} is a {a.kind}: write-ups are compared by `grade` itself (similarity issues)",
                            where="grader.yml", fix="give a notebook or project week")
        book = Gradebook(cfg.gradebook)
        _need_collected(book, a.id)
        rep = run_similarity(cfg, a, book, anonymize=anonymize)
    except UserError as exc:
        _fail(exc)
    for note in rep.notes:
        console.print(f"[yellow]note[/] {_t(note)}", highlight=False)
    console.print(f"{rep.students} students compared with each other and with {rep.archived} archived submissions; "
                  f"{len(rep.flagged)} pair(s) flagged for a TA (scores unchanged)", soft_wrap=True)
    for f in rep.flagged:
        console.print(f"  [yellow]{_t(f['a_name'])} ↔ {_t(f['b_name'])}[/] score {f['score']:.2f}, "
                      f"{f['matched_lines']} matched lines:\n    {_t(f['page'])}", highlight=False, soft_wrap=True)
    console.print(f"every pair ≥ 0.5: {rep.csv}", soft_wrap=True, highlight=False)


archive_app = typer.Typer(no_args_is_help=True, help="This cohort's code for next year's similarity check.")
app.add_typer(archive_app, name="archive")


@archive_app.command("export")
def archive_export(out: Path = typer.Argument(..., help="folder to write COHORT/WEEK/NAME.py into"),
                   names: bool = typer.Option(False, "--names", help="file names with the students' names "
                                                                     "(default: pseudonyms)"),
                   cfg_path: Path = ConfigOpt) -> None:
    """Write each student's newest version of every code week, for `integrity.archive` next year."""
    from autograder.gradebook import Gradebook
    from autograder.integrity.archive import export_archive

    cfg = _load(cfg_path)
    written = export_archive(cfg, Gradebook(cfg.gradebook), out, names=names)
    console.print(_t(f"{written} submissions written under {out}; next year, in grader.yml: "
                     f"integrity: {{archive: [{out}]}}"), highlight=False)


@app.command()
def regrades(week: Optional[str] = typer.Argument(None, help="week id or number (default: every week)"),
             cfg_path: Path = ConfigOpt) -> None:
    """Regrade requests students committed (regrade/N주차.md): open ones first, with their age; then
    the decided ones and every TA override."""
    from autograder import roster as roster_mod
    from autograder.gradebook import Gradebook
    from autograder.regrade import store
    from autograder.regrade.decide import age

    cfg = _load(cfg_path)
    try:
        aid = cfg.assignment(week).id if week else None
    except UserError as exc:
        _fail(exc)
    book = Gradebook(cfg.gradebook)
    names = {s.student_id: s.name for s in roster_mod.load(cfg.path(cfg.roster))}
    reqs = store.requests(book, aid)
    decided = store.decisions(book, aid)
    if not reqs and not decided:
        console.print("no regrade requests" + (f" for {aid}" if aid else "") + " and no overrides. Students commit "
                      "regrade/N주차.md (a template is in each week's student folder); `autograder collect WEEK` "
                      "reads them.")
        return
    table = Table(title="regrade requests")
    for col in ("id", "week", "student", "cases", "status", "age", "reason / problem"):
        table.add_column(col, no_wrap=col in ("id", "week", "student", "status", "age"), overflow="fold")
    order = {store.OPEN: 0, store.INVALID: 1}
    for r in sorted(reqs, key=lambda r: (order.get(r["status"], 2), r["first_seen"])):
        what = _t(r["reason"][:200]) + (f"\n[yellow]{_t(r['problem'])}[/]" if r["problem"] else "")
        table.add_row(str(r["id"]), r["assignment"], f"{_t(names.get(r['student_id'], r['student_id']))} "
                      f"({_t(r['student_id'])})", _t(", ".join(r["cases"]) or "—"), r["status"],
                      age(r["first_seen"]) if r["status"] in store.UNDECIDED else "", what)
    console.print(table)
    if decided:
        trail = Table(title="decisions (newest last)")
        for col in ("when", "by", "week", "student", "case", "action", "before → after", "request", "reason"):
            trail.add_column(col, no_wrap=col not in ("reason",), overflow="fold")
        for d in decided:
            change = "" if d["action"] == "reject" else f"{d['before']:g} → {d['points']:g} / {d['max_points']:g}"
            trail.add_row(d["decided_at"][:16], _t(d["decided_by"]), d["assignment"],
                          _t(names.get(d["student_id"], d["student_id"])), _t(d["case_id"] or "—"), d["action"], change,
                          f"#{d['request_id']}" if d["request_id"] else "", _t(d["reason"]))
        console.print(trail)


@app.command()
def regrade(request_id: int = typer.Argument(..., help="the request's id (see `autograder regrades`)"),
            action: str = typer.Argument(..., help="accept or reject"),
            case: Optional[str] = typer.Option(None, "--case", help="the case to change (needed when the request "
                                                                     "names several)"),
            points: Optional[float] = typer.Option(None, "--points", help="the case's new points (accept)"),
            reason: str = typer.Option(..., "--reason", help="why; the student reads it in their feedback"),
            by: Optional[str] = typer.Option(None, help="who decides (default: this user)"),
            cfg_path: Path = ConfigOpt) -> None:
    """Decide a regrade request: `accept --case CASE --points X --reason "…"` or `reject --reason "…"`."""
    from autograder.gradebook import Gradebook
    from autograder.regrade import decide

    cfg = _load(cfg_path)
    book = Gradebook(cfg.gradebook)
    try:
        if action == "accept":
            if points is None:
                raise UserError("accept needs the case's new points", fix="add --points X")
            row = decide.accept(cfg, book, request_id, case, points, reason, by)
            console.print(f"accepted #{request_id}: {_t(row['student_id'])} {row['assignment']} {_t(row['case_id'])} "
                          f"{row['before']:g} → {row['points']:g} / {row['max_points']:g}. Reports and feedback show it "
                          f"from the next `autograder report` / `feedback {row['assignment']}`.", soft_wrap=True)
        elif action == "reject":
            row = decide.reject(cfg, book, request_id, reason, by)
            console.print(f"rejected #{request_id} ({_t(row['student_id'])} {row['assignment']}); the student reads "
                          "the reason in their next feedback.", soft_wrap=True)
        else:
            raise UserError(f"unknown action {action!r}", fix="use accept or reject")
    except UserError as exc:
        _fail(exc)


@app.command()
def override(student: str = typer.Argument(..., help="student id or name"), week: str = typer.Argument(...),
             case: str = typer.Argument(..., help="case id as feedback shows it (or manual/ITEM)"),
             points: Optional[float] = typer.Option(None, "--points", help="the case's points from now on"),
             reason: str = typer.Option(..., "--reason", help="why; the student reads it in their feedback"),
             withdraw: bool = typer.Option(False, "--withdraw", help="take an override back: the graded value "
                                                                      "counts again"),
             by: Optional[str] = typer.Option(None, help="who decides (default: this user)"),
             cfg_path: Path = ConfigOpt) -> None:
    """Set one case's points for a student without a request (kept through later regrades), or
    withdraw such an override."""
    from autograder.gradebook import Gradebook
    from autograder.regrade import decide

    cfg = _load(cfg_path)
    a, found = _assignment_and_student(cfg, week, student)
    book = Gradebook(cfg.gradebook)
    try:
        if withdraw:
            row = decide.withdraw(cfg, book, found.student_id, a, case, reason, by)
            console.print(f"withdrawn: {_t(found.name)} ({found.student_id}) {a.id} {_t(case)} is "
                          f"{row['points']:g} / {row['max_points']:g} again (the graded value)", soft_wrap=True)
            return
        if points is None:
            raise UserError("an override needs the case's points", fix="add --points X (or --withdraw)")
        row = decide.override(cfg, book, found.student_id, a, case, points, reason, by)
    except UserError as exc:
        _fail(exc)
    console.print(f"overridden: {_t(found.name)} ({found.student_id}) {a.id} {_t(case)} {row['before']:g} → "
                  f"{row['points']:g} / {row['max_points']:g}", soft_wrap=True)


manual_app = typer.Typer(no_args_is_help=True, help="TA rubric scores: a CSV template, and its import.")
app.add_typer(manual_app, name="manual")


@manual_app.command("template")
def manual_template(week: str, out: Optional[Path] = typer.Option(None, "--out", "-o", help="CSV to write"),
                    cfg_path: Path = ConfigOpt) -> None:
    """Write a CSV with one row per student and manual item (scores entered so far filled in)."""
    from autograder.manual import write_template

    cfg = _load(cfg_path)
    try:
        a = cfg.assignment(week)
        path = write_template(cfg, a, out or cfg.path(cfg.reports.output) / f"manual_{a.id}.csv")
    except UserError as exc:
        _fail(exc)
    console.print(f"fill in 'points' (and 'comment'), then: autograder manual import {a.id} {path}")


@manual_app.command("import")
def manual_import(week: str, csv: Path, by: Optional[str] = typer.Option(None, help="who entered the scores"),
                  cfg_path: Path = ConfigOpt) -> None:
    """Merge TA scores into the gradebook; a file with any bad row is rejected whole."""
    from autograder.gradebook import Gradebook
    from autograder.manual import import_scores

    cfg = _load(cfg_path)
    try:
        s = import_scores(cfg, cfg.assignment(week), Gradebook(cfg.gradebook), csv, by)
    except UserError as exc:
        _fail(exc)
    console.print(f"imported {s.inserted} new and {s.updated} changed scores (entered by {s.entered_by}); "
                  f"{s.unchanged} unchanged, {s.blank} blank (not entered)")
    for line in s.warnings:
        console.print(f"  [yellow]check[/] {_t(line)}", highlight=False)


@app.command()
def demo(workdir: Optional[Path] = typer.Option(None, help="where to build the demo class (default: a temp folder)")) -> None:
    """Make a demo class and run build → collect → grade → report on it."""
    from autograder.demo import run_demo
    from autograder.report import class_tables
    from autograder.gradebook import Gradebook

    project = Path(__file__).resolve().parent.parent
    try:
        result = run_demo(project, workdir, say=console.print)
    except UserError as exc:
        _fail(exc)
    tables = class_tables(result.cfg, Gradebook(result.cfg.gradebook))
    console.print(_summary_table(tables))
    if len(tables.students) <= 60:
        _status_lines(tables)
    if not tables.issues.empty:
        console.print("collection problems:")
        for i in tables.issues.itertuples():
            console.print(f"  [yellow]{i.kind}[/] {_t(i.path)}: {_t(i.detail)}", highlight=False, soft_wrap=True)
    console.print(f"\nreport: [bold]{result.report_html}[/]\nCSV:    {result.report_csv}")
