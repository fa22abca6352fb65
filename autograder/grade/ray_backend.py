"""``grading.backend: ray``: each submission is a Ray task that asks for CPUs (and GPUs when the
course asks for them) and runs the same sandboxed grading on whichever node Ray picks.

The task gets everything it needs as bytes — the submission's snapshot and the content files
its kind grades with (a week's ``cases.py``, a project's ``task.py``) — so nodes need this
package (and bubblewrap) but not the course folder. Results
come back as plain data to the driver, which alone writes the gradebook with the same claims and
transactions as the local backend: exactly once, however Ray retries. Ray's own transport (pickle)
only ever carries data between the grader's processes; student code runs in the sandbox the task
starts, never in a Ray worker. With ``grading.warm_pool`` each Ray worker keeps its warm sandbox
between tasks, as a local grading thread does.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import json
import tempfile
from pathlib import Path

from autograder.config import Assignment, CourseConfig
from autograder.engine import CaseResult, GradeResult, Limits
from autograder.errors import UserError
from autograder.kinds import kind_of
from autograder.kinds.base import SubmissionGrader

MAX_CONTENT_BYTES = 8 << 20

_GRADERS: dict[str, object] = {}  # per Ray worker process: graders (and their warm sandboxes) outlive one task


@dataclasses.dataclass(frozen=True)
class NodeCourse:
    """What a node needs to grade an assignment, as plain data: the kind, its content files (bytes by
    name, e.g. cases.py and hints.py), the assignment and limits as JSON, and whether to keep a warm
    sandbox."""

    kind_name: str
    content: dict[str, bytes]
    assignment: dict
    limits: dict
    warm: bool = False


@dataclasses.dataclass(frozen=True)
class NodeSubmission:
    snapshot: bytes
    filename: str  # as the student named it (the kinds read the name)
    suffix: str


def _worker_grader(course: NodeCourse):
    """This worker's grader for one assignment's content and limits: made on first use (its
    content files written to a folder of its own), closed when the worker exits."""
    from autograder.config import Assignment as AssignmentModel
    from autograder.engine import Limits as LimitsModel
    from autograder.kinds import get

    key = hashlib.sha256(json.dumps([course.kind_name, sorted((k, hashlib.sha256(v).hexdigest())
                                                              for k, v in course.content.items()),
                                     course.assignment, course.limits, course.warm],
                                    sort_keys=True, default=str).encode()).hexdigest()
    if key not in _GRADERS:
        folder = Path(tempfile.mkdtemp(prefix="ag-ray-content-"))
        for name, data in course.content.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        limits = course.limits
        lim = LimitsModel(**{**limits, "hidden_files": tuple(limits.get("hidden_files", ()))})
        grader = _GRADERS[key] = get(course.kind_name).grader(AssignmentModel.model_validate(course.assignment),
                                                                folder, lim, warm=course.warm)
        atexit.register(grader.close)
    return _GRADERS[key]


def _grade_on_node(course: NodeCourse, submission: NodeSubmission) -> dict:
    """Runs in a Ray worker: grade one submission, return the result as plain data."""
    grader = _worker_grader(course)
    with tempfile.TemporaryDirectory(prefix="ag-ray-") as tmp:
        path = Path(tmp) / f"submission{submission.suffix}"
        path.write_bytes(submission.snapshot)
        try:
            result = grader.grade(path, submission.filename)
        except UserError as exc:
            return {"user_error": exc.render()}
    return dataclasses.asdict(result)


def _result(data: dict) -> GradeResult:
    return GradeResult(cases=[CaseResult(**c) for c in data["cases"]], cells=data["cells"],
                       isolation=data["isolation"], seconds=data["seconds"], infra_error=data["infra_error"])


class RayGrader(SubmissionGrader):
    """Grades one submission per call (called from the batch's worker threads)."""

    def __init__(self, cfg: CourseConfig, assignment: Assignment, limits: Limits):
        try:
            import ray
        except ImportError:
            raise UserError("grading.backend is 'ray' but Ray is not installed",
                            where="grading.backend in grader.yml", fix="pip install 'ray>=2.40'") from None
        self.ray = ray
        settings = cfg.grading.ray
        if not ray.is_initialized():
            try:
                if settings.address == "local":
                    ray.init(num_cpus=cfg.grading.workers, include_dashboard=False, log_to_driver=False,
                             configure_logging=False)
                else:
                    ray.init(address=settings.address, log_to_driver=False, configure_logging=False)
            except Exception as exc:  # Ray raises several types for an unreachable cluster
                raise UserError(f"cannot start or reach the Ray cluster ({type(exc).__name__}: {exc})",
                                where="grading.ray.address in grader.yml") from None
        self.task = ray.remote(_grade_on_node).options(num_cpus=settings.num_cpus, num_gpus=settings.num_gpus,
                                                       max_retries=0)  # infra retries are the batch's
        folder = cfg.path(assignment.folder)
        self.course = NodeCourse(
            kind_name=assignment.kind,
            content={name: (folder / name).read_bytes()[:MAX_CONTENT_BYTES]
                     for name in kind_of(assignment).content_files if (folder / name).is_file()},
            assignment=assignment.model_dump(mode="json"),
            limits=dataclasses.asdict(dataclasses.replace(limits, gpus=limits.gpus or settings.num_gpus > 0)),
            warm=cfg.grading.warm_pool)

    def grade(self, snapshot: Path, filename: str) -> GradeResult:
        ref = self.task.remote(self.course, NodeSubmission(snapshot.read_bytes(), filename, snapshot.suffix))
        try:
            data = self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:  # a lost node or worker: the machine's fault, retried
            return GradeResult(infra_error=f"Ray task failed: {type(exc).__name__}: {str(exc)[:300]}")
        if "user_error" in data:
            raise UserError(data["user_error"])
        result = _result(data)
        if result.isolation:
            result.isolation = f"ray:{result.isolation}"
        return result
