"""The course definition (grader.yml): schema, loading, and errors that point at the line."""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from autograder import kind_settings
from autograder.errors import UserError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Visibility(str, Enum):
    """What students see of hidden test cases in feedback."""

    hidden = "hidden"  # name, points and pass/fail only
    after_deadline = "after_deadline"  # details once the deadline has passed
    visible = "visible"


class HintPolicy(str, Enum):
    """When feedback names the mistakes the grader found evidence of (casekit.hints)."""

    after_deadline = "after_deadline"  # once the deadline has passed
    always = "always"  # also before it, at most ``hint_reveals_per_day`` per question per day
    never = "never"


class Course(_Strict):
    name: str
    timezone: str = "Asia/Seoul"
    cohort: int | None = Field(None, description="기수, e.g. 19")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Asia/Seoul'")
        return value


class ClassRepoSource(_Strict):
    """One shared class repository; students push files named by the convention."""

    kind: Literal["class_repo"] = "class_repo"
    url: str = Field(description="local path or git URL")
    branch: str | None = None


class StudentReposSource(_Strict):
    """One repository per student (GitHub-Classroom style). ``url`` is a template filled from
    the roster row — ``{student_id}``, ``{git_user}``, ``{name}`` — or roster.csv has a ``repo``
    column (a URL or a local path) that wins where it is set."""

    kind: Literal["student_repos"] = "student_repos"
    url: str | None = Field(None, description="e.g. https://git.example.edu/dl-19/{git_user}.git")
    branch: str | None = None
    parallel: int = Field(8, ge=1, le=64, description="repositories fetched at once")

    @field_validator("url")
    @classmethod
    def _known_fields(cls, value: str | None) -> str | None:
        if value is not None:
            import string

            names = {f for _, f, _, _ in string.Formatter().parse(value) if f}
            unknown = names - {"student_id", "git_user", "name"}
            if unknown:
                raise ValueError(f"unknown field(s) {sorted(unknown)} in the url; use {{student_id}}, {{git_user}} "
                                 "or {name}")
            if not names:
                raise ValueError("the url names no student ({student_id}, {git_user} or {name}): every student "
                                 "would be read from the same repository — use kind: class_repo for one shared "
                                 "repository, or put a field in the url")
        return value

    def url_for(self, student) -> str | None:
        """The student's repository: the roster's ``repo``, else the template filled in (None
        when the template needs a git user the roster does not give)."""
        if student.repo:
            return student.repo
        if not self.url or ("{git_user}" in self.url and not student.git_user):
            return None
        return self.url.format(student_id=student.student_id, git_user=student.git_user or "", name=student.name)


class ManualItem(_Strict):
    """A rubric item a TA scores by hand (``autograder manual import``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    points: float = Field(gt=0)


class Assignment(_Strict):
    id: str = Field(pattern=r"^week\d{2}$")
    week: int = Field(ge=1, le=52)
    title: str
    folder: Path
    due: dt.datetime
    points: float = Field(gt=0, description="automatic and manual points together")
    kind: str = Field("notebook", description="how it is graded: one of kind_settings.KINDS")
    hidden_tests: Visibility = Visibility.hidden
    hints: HintPolicy = HintPolicy.after_deadline
    hint_reveals_per_day: int = Field(3, ge=0, le=100, description=(
        "with hints: always, before the deadline: how many graded versions a day may reveal a "
        "question's hints to a student (so hidden cases do not become an oracle)"))
    manual: list[ManualItem] = Field(default_factory=list)
    questions: dict[str, float] = Field(default_factory=dict, description=(
        "notebook weeks: points per question (as named in the master notebook); its cases share them "
        "by weight, and the master's <points> labels show them"))
    weight: float | None = Field(None, gt=0, le=100, description="percent of the course grade; "
                                 "all or none of the assignments set it (none: weights follow points)")
    # projects (kind: project)
    time_limit_s: float = Field(300, gt=0, description="wall clock for one training of the project (the grader "
                                                         "trains it three times, each with this limit)")
    holdout_seed: int | None = Field(None, description="private: picks the held-out data (a project's digits; a "
                                     "notebook week's key for its held-out points); never shipped")

    @field_validator("kind")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in kind_settings.KINDS:
            raise ValueError(f"unknown kind {value!r}; use one of: {', '.join(kind_settings.KINDS)}")
        return value

    @field_validator("due", mode="before")
    @classmethod
    def _end_of_day(cls, value: Any) -> Any:
        """A date alone (``due: 2026-12-08``) means the end of that day in the course's time zone
        (23:59:59), never its first second."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime.combine(value, dt.time(23, 59, 59))
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                return dt.datetime.combine(dt.date.fromisoformat(value.strip()), dt.time(23, 59, 59))
            except ValueError:
                return value
        return value

    @model_validator(mode="after")
    def _manual_fits(self) -> "Assignment":
        ids = [m.id for m in self.manual]
        if len(set(ids)) != len(ids):
            raise ValueError("manual item ids must be unique")
        problem = kind_settings.problem(self)
        if problem:
            raise ValueError(problem)
        if any(v < 0 for v in self.questions.values()):
            raise ValueError("question points cannot be negative")
        if self.questions and abs(sum(self.questions.values()) - self.auto_points) > 1e-6:
            raise ValueError(f"questions add up to {sum(self.questions.values()):g} points but the assignment "
                             f"leaves {self.auto_points:g} for them (points minus manual items)")
        if self.manual_points >= self.points:
            raise ValueError(f"manual items are worth {self.manual_points:g} of {self.points:g} points; "
                             "leave some for the automatic part")
        return self

    @property
    def manual_points(self) -> float:
        return round(sum(m.points for m in self.manual), 6)

    @property
    def auto_points(self) -> float:
        return round(self.points - self.manual_points, 6)

    def check_auto_points(self, worth: float, source: str) -> None:
        """The automatic points the assignment's own files state (cases.py, rubric.yml, task.py)
        must be what grader.yml leaves for them."""
        if abs(worth - self.auto_points) > 1e-6:
            raise UserError(f"{source} is worth {worth:g} automatic points but grader.yml leaves "
                            f"{self.auto_points:g} (points minus manual items)", where="grader.yml",
                            fix=f"set points to {worth + self.manual_points:g} for {self.id}")


class LatePolicy(_Strict):
    grace_minutes: int = Field(15, ge=0)
    penalty_per_day: float = Field(0.1, ge=0, le=1, description="fraction of the score per late day")
    max_late_days: int = Field(3, ge=0, description="later than this (after any extension): not accepted")
    # first_seen: when `collect` first saw the commit (run it on a schedule around deadlines);
    # commit_time: the commit's own date, which the student's machine sets (forgeable)
    time_source: Literal["first_seen", "commit_time"] = "first_seen"
    bank_days: int = Field(0, ge=0, description="late days per student for the whole course, spent "
                                                "automatically in deadline order before any penalty")


class Container(_Strict):
    """The grading image (docker/grading.Dockerfile) for ``isolation: container``."""

    engine: Literal["docker", "podman"] = "docker"
    image: str = "autograder-grading:latest"
    gpus: bool = Field(False, description="pass --gpus all: CUDA cases run on the GPU instead of being skipped")


class RayBackend(_Strict):
    address: str = Field("local", description="'local' starts a cluster on this machine; else ray://HOST:PORT or auto")
    num_cpus: float = Field(1, gt=0, description="CPUs each submission's task asks for")
    num_gpus: float = Field(0, ge=0, description="GPUs each submission's task asks for")


class Grading(_Strict):
    backend: Literal["local", "ray"] = "local"
    workers: int = Field(2, ge=1, le=256)
    timeout_s: float = Field(300, gt=0, description="wall clock for one whole submission")
    case_timeout_s: float = Field(20, gt=0, description="wall clock for one test case")
    memory_mb: int = Field(2048, ge=256)
    cpu_s: int = Field(600, ge=1)
    max_processes: int = Field(256, ge=8)
    max_output_kb: int = Field(1024, ge=16)
    tmp_mb: int = Field(512, ge=16, description="size of the sandbox's /tmp and of its /dev/shm (memory on the host)")
    retries: int = Field(2, ge=0, le=10, description="retries of infrastructure failures")
    isolation: Literal["auto", "bwrap", "rlimit", "container"] = "auto"
    warm_pool: bool = Field(True, description="with bubblewrap: one warm sandbox per worker (torch imported "
                                              "once), forked per submission")
    container: Container = Container()
    ray: RayBackend = RayBackend()


class Storage(_Strict):
    url: str = "sqlite:///out/gradebook.sqlite"
    data_dir: Path = Path("out/data")

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("the gradebook is sqlite:///PATH (one machine) or "
                             "postgresql://USER:PASSWORD@HOST:PORT/DB (TAs grading from several machines)")
        return value


class AtRisk(_Strict):
    """Who the report lists as at risk: missing, or below ``below_percent``, in any of the
    ``recent`` most recent assignments that are already due."""

    recent: int = Field(2, ge=1)
    below_percent: float = Field(50, ge=0, le=100)


class Reports(_Strict):
    output: Path = Path("out/reports")
    at_risk: AtRisk = AtRisk()
    canvas_missing: Literal["blank", "zero"] = Field(
        "blank", description="canvas_grades.csv for work not submitted by a deadline that has passed: left "
                             "blank (Canvas keeps what it has) or 0; work not due yet is always blank")


class Build(_Strict):
    output: Path = Path("build")
    templates: Path = Path("student_templates")


class Watch(_Strict):
    """``autograder watch``: grade each new version soon after it is pushed."""

    every_s: float = Field(60, ge=1, description="seconds between polls of the submission sources")
    max_graded_per_hour: int = Field(4, ge=1, le=1000, description=(
        "versions graded per student and assignment in any hour before the deadline (hidden tests are "
        "not an oracle); a version past it is graded later, never dropped"))
    backoff_max_s: float = Field(900, ge=1, description="longest wait before retrying a repository that "
                                                        "could not be read")


class Integrity(_Strict):
    """``autograder similarity``: code compared across the cohort and with earlier cohorts."""

    archive: list[str] = Field(default_factory=list, description=(
        "folders (or git URLs) of earlier cohorts' code, as `autograder archive export` writes them: "
        "COHORT/WEEK/NAME.py; notebooks and .py files of known public solutions may sit there too"))
    min_score: float = Field(0.9, gt=0, le=1, description="share of a submission's rarity-weighted code "
                                                          "found in the other, for a pair to be flagged")
    min_unusual: float = Field(3.0, ge=0, description="and how far the pair stands out from the week's "
                                                      "pairs (robust z: median and MAD)")


class Regrades(_Strict):
    """Regrade requests: a file ``regrade/N주차.md`` a student commits, and the TA's decisions."""

    window_days: float = Field(7, ge=0, description=(
        "days after feedback about the counted version was first given (after the student's deadline) "
        "in which a request is taken; a later one is listed with the reason, not dropped"))


class CourseConfig(_Strict):
    course: Course
    roster: Path
    submissions: list[Annotated[ClassRepoSource | StudentReposSource, Field(discriminator="kind")]] = Field(
        min_length=1)
    assignments: list[Assignment] = Field(min_length=1)
    late_policy: LatePolicy = LatePolicy()
    grading: Grading = Grading()
    storage: Storage = Storage()
    reports: Reports = Reports()
    build: Build = Build()
    watch: Watch = Watch()
    integrity: Integrity = Integrity()
    regrades: Regrades = Regrades()
    root: Path = Field(Path("."), exclude=True, description="folder of grader.yml; set by load()")

    @model_validator(mode="after")
    def _unique_ids(self) -> "CourseConfig":
        for key in ("id", "week"):
            values = [getattr(a, key) for a in self.assignments]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"assignment {key}s must be unique; repeated: {', '.join(map(str, dupes))} "
                                 f"(file names carry the week, so two assignments of one week cannot be told apart)"
                                 if key == "week" else f"assignment ids must be unique; repeated: {', '.join(dupes)}")
        weighted = [a.id for a in self.assignments if a.weight is not None]
        if weighted and len(weighted) != len(self.assignments):
            unset = ", ".join(a.id for a in self.assignments if a.weight is None)
            raise ValueError(f"either every assignment has a weight or none does; missing for: {unset}")
        if weighted and abs(sum(a.weight for a in self.assignments) - 100) > 0.01:
            raise ValueError(f"assignment weights must add up to 100 (they add up to "
                             f"{sum(a.weight for a in self.assignments):g})")
        return self

    def weights(self) -> dict[str, float]:
        """Percent of the course grade per assignment (from ``weight``, else in proportion to points)."""
        if self.assignments[0].weight is not None:
            return {a.id: float(a.weight) for a in self.assignments}
        total = sum(a.points for a in self.assignments)
        return {a.id: 100 * a.points / total for a in self.assignments}

    # -- helpers -------------------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.course.timezone)

    def path(self, p: Path | str) -> Path:
        """Resolve a path from grader.yml relative to the file's folder."""
        p = Path(p)
        return p if p.is_absolute() else (self.root / p).resolve()

    def due(self, assignment: Assignment) -> dt.datetime:
        """The deadline as an aware datetime (naive dates are in the course's time zone)."""
        due = assignment.due
        return due if due.tzinfo else due.replace(tzinfo=self.tz)

    def assignment(self, ref: str | int) -> Assignment:
        """Find an assignment by id ('week02') or week number (2, '2')."""
        for a in self.assignments:
            if str(ref) in (a.id, str(a.week)):
                return a
        known = ", ".join(a.id for a in self.assignments)
        raise UserError(f"no assignment {ref!r} in grader.yml", fix=f"use one of: {known}")

    @property
    def gradebook(self) -> Path | str:
        """What ``Gradebook()`` opens: the SQLite file (relative to grader.yml), or the database URL."""
        url = self.storage.url
        return self.path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else url


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (the deepest one that exists)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                key_node = next((k for k, _ in node.value if k.value == key), None)
                return key_node.start_mark.line + 1 if key_node else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def load(path: Path | str = "grader.yml") -> CourseConfig:
    """Read and validate grader.yml. Every problem is reported with its line."""
    path = Path(path)
    if not path.exists():
        raise UserError("course file not found", where=str(path),
                        fix="run from the course folder or pass --config PATH")
    text = path.read_text(encoding="utf-8")
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserError(f"not valid YAML: {exc}", where=str(path)) from None
    if not isinstance(data, dict):
        raise UserError("expected a mapping of course settings at the top level", where=str(path))
    problems = _repeated_assignments(data, tree)
    kinds: set[str] = set()
    try:
        cfg = CourseConfig.model_validate({**data, "root": path.resolve().parent})
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("class_repo", "student_repos")))
            if not loc and problems and "repeated" in err["msg"]:
                continue  # already said with its line
            line = _line_of(tree, loc)
            msg = err["msg"]
            kinds.add("date" if "date" in err["type"] else err["type"])
            if err["type"] == "extra_forbidden":
                near = _close_keys(err["loc"])
                msg = (f"unknown key — did you mean {' or '.join(repr(k) for k in near)}?" if near else
                       "unknown key (check the spelling; see grader.yml in the project for the keys)")
            elif err["type"] == "missing":
                msg = "required key is missing"
            problems.append(f"  line {line}: {_key(loc, data)}: {msg}" if line else f"  {_key(loc, data)}: {msg}")
    if problems:
        fixes = ["fix the keys above (the project's grader.yml shows every key with a comment)"]
        if "date" in kinds:
            fixes.append("dates look like 2026-07-14T23:59:00")
        raise UserError("invalid course file:\n" + "\n".join(problems), where=str(path),
                        fix="; ".join(fixes)) from None
    _check_files(cfg, path, tree)
    return cfg


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The settings model a validation error's location (without its last key) points into."""
    model: Any = CourseConfig
    for part in loc:
        if isinstance(part, int):
            continue
        if model is CourseConfig and part in ("class_repo", "student_repos"):
            model = ClassRepoSource if part == "class_repo" else StudentReposSource
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return model if isinstance(model, type) and issubclass(model, BaseModel) else None
        found = [t for t in _types_in(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        if not found:
            return None
        model = found[0]
    return model


def _types_in(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return [annotation] if not args else [t for a in args for t in _types_in(a)]


def _close_keys(loc: tuple) -> list[str]:
    """Keys of the right section that a misspelled one is close to ('gradng' → 'grading')."""
    model = _model_at(tuple(loc[:-1]))
    known = list(model.model_fields) if model is not None else []
    return difflib.get_close_matches(str(loc[-1]), [k for k in known if k != "root"], n=2, cutoff=0.7)


def _key(loc: tuple, data: dict) -> str:
    """``assignments[week02].due`` rather than ``assignments.1.due``: an assignment by its id."""
    parts = []
    for i, p in enumerate(loc):
        if isinstance(p, int) and i == 1 and loc[0] == "assignments":
            items = data.get("assignments")
            item = items[p] if isinstance(items, list) and p < len(items) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1] += f"[{ident}]" if ident else f"[{p}]"
        elif isinstance(p, int):
            parts[-1] += f"[{p}]"
        else:
            parts.append(str(p))
    return ".".join(parts) or "(top level)"


def _repeated_assignments(data: dict, tree: yaml.Node) -> list[str]:
    """A repeated assignment id or week, said at the line that repeats it."""
    items = data.get("assignments")
    problems: list[str] = []
    if not isinstance(items, list):
        return problems
    for key in ("id", "week"):
        first: dict = {}
        for i, item in enumerate(items):
            value = item.get(key) if isinstance(item, dict) else None
            if value is None:
                continue
            line = _line_of(tree, ("assignments", i, key))
            if value in first:
                why = "" if key == "id" else " (file names carry the week: two assignments of one week cannot be told apart)"
                problems.append(f"  line {line}: {_key(('assignments', i, key), data)}: {key} {value} repeats "
                                f"line {first[value]}{why}")
            else:
                first[value] = line
    return problems


def _check_files(cfg: CourseConfig, path: Path, tree: yaml.Node) -> None:
    problems = []
    if not cfg.path(cfg.roster).is_file():
        problems.append(f"  line {_line_of(tree, ('roster',))}: roster: no file {cfg.path(cfg.roster)}")
    for i, a in enumerate(cfg.assignments):
        if not cfg.path(a.folder).is_dir():
            problems.append(f"  line {_line_of(tree, ('assignments', i, 'folder'))}: "
                            f"assignments[{a.id}].folder: no folder {cfg.path(a.folder)}")
    if problems:
        raise UserError("missing files:\n" + "\n".join(problems), where=str(path),
                        fix="paths are relative to the folder that holds grader.yml")
