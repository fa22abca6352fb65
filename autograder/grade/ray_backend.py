"""``grading.backend: ray``: each submission is a Ray task that asks for CPUs (and GPUs when the
course asks for them) and runs the same sandboxed grading on whichever node Ray picks.

The task gets everything it needs as bytes — the submission's snapshot and the week's
``cases.py`` — so nodes need this package (and bubblewrap) but not the course folder. Results
come back as plain data to the driver, which alone writes the gradebook with the same claims and
transactions as the local backend: exactly once, however Ray retries. Ray's own transport (pickle)
only ever carries data between the grader's processes; student code runs in the sandbox the task
starts, never in a Ray worker. With ``grading.warm_pool`` each Ray worker keeps its warm sandbox
between tasks, as a local grading thread does.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import tempfile
from pathlib import Path

from autograder.config import Assignment, CourseConfig
from autograder.engine import CaseResult, GradeResult, Limits
from autograder.errors import UserError

MAX_CASES_BYTES = 8 << 20


_POOLS: dict[str, object] = {}  # per Ray worker process: its warm sandboxes outlive one task


def _warm_runner(limits: Limits):
    """This worker's warm sandbox pool for ``limits`` (started on first use, closed at exit), or
    None where warm sandboxes cannot run (no bubblewrap, a container backend)."""
    from autograder.engine.pool import SandboxPool

    if not SandboxPool.usable(limits):
        return None
    key = json.dumps(dataclasses.asdict(limits), sort_keys=True)
    if key not in _POOLS:
        pool = _POOLS[key] = SandboxPool(limits)
        atexit.register(pool.close)
    return _POOLS[key].run


def _grade_on_node(kind: str, snapshot: bytes, suffix: str, cases_py: bytes | None, assignment: dict,
                   limits: dict, warm: bool = False) -> dict:
    """Runs in a Ray worker: grade one submission, return the result as plain data."""
    from autograder.casekit.loader import CASES_FILE, load_cases
    from autograder.config import Assignment as AssignmentModel
    from autograder.engine import Limits as LimitsModel
    from autograder.engine import grade_notebook
    from autograder.project import grade_project

    lim = LimitsModel(**limits)
    with tempfile.TemporaryDirectory(prefix="ag-ray-") as tmp:
        path = Path(tmp) / f"submission{suffix}"
        path.write_bytes(snapshot)
        try:
            if kind == "project":
                result = grade_project(path, AssignmentModel.model_validate(assignment), lim)
            else:
                (Path(tmp) / CASES_FILE).write_bytes(cases_py or b"")
                result = grade_notebook(path, load_cases(Path(tmp)), lim, runner=_warm_runner(lim) if warm else None)
        except UserError as exc:
            return {"user_error": exc.render()}
    return dataclasses.asdict(result)


def _result(data: dict) -> GradeResult:
    return GradeResult(cases=[CaseResult(**c) for c in data["cases"]], cells=data["cells"],
                       isolation=data["isolation"], seconds=data["seconds"], infra_error=data["infra_error"])


class RayGrader:
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
        self.kind = assignment.kind
        self.warm = cfg.grading.warm_pool
        self.assignment = assignment.model_dump(mode="json")
        self.limits = dataclasses.asdict(dataclasses.replace(limits, gpus=limits.gpus or settings.num_gpus > 0))
        self.cases_py = None
        if assignment.kind == "notebook":
            from autograder.casekit.loader import CASES_FILE

            self.cases_py = cfg.path(assignment.folder).joinpath(CASES_FILE).read_bytes()[:MAX_CASES_BYTES]

    def __call__(self, snapshot: Path) -> GradeResult:
        ref = self.task.remote(self.kind, snapshot.read_bytes(), snapshot.suffix, self.cases_py, self.assignment,
                               self.limits, self.warm)
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
