"""Resource limits for one sandboxed submission."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Limits:
    wall_s: float = 300.0
    cpu_s: int = 600
    memory_mb: int = 2048
    max_processes: int = 256
    max_output_kb: int = 1024
    tmp_mb: int = 512  # /tmp and /dev/shm each (memory on the host)
    cell_timeout_s: float = 60.0
    case_timeout_s: float = 20.0
    isolation: str = "auto"  # auto | bwrap | rlimit | container
    container_engine: str = "docker"
    container_image: str = "autograder-grading:latest"
    gpus: bool = False  # the sandbox has a GPU (container with --gpus all)
    hidden_files: tuple[str, ...] = ()  # files the sandbox sees as empty (bubblewrap only)
    # (case id, seconds): limits drawn from the reference's measured time (build.timings)
    case_limits: tuple[tuple[str, float], ...] = ()
    time_scale: float = 1.0  # every declared case limit times this (build's self-check on a loaded machine)

    def case_timeout(self, case_id: str, declared: float | None = None) -> float:
        """A case's wall clock: what its cases.py declares (else ``case_timeout_s``), cut to the
        reference-based limit where one was measured."""
        limit = (declared or self.case_timeout_s) * self.time_scale
        measured = dict(self.case_limits).get(case_id)
        return min(limit, measured) if measured else limit

    def relaxed(self, factor: float) -> "Limits":
        """The same limits with ``factor`` times the time: wall clock, CPU, cells and every case."""
        return replace(self, wall_s=self.wall_s * factor, cpu_s=int(self.cpu_s * factor),
                       cell_timeout_s=self.cell_timeout_s * factor, time_scale=self.time_scale * factor)

    @classmethod
    def from_config(cls, grading) -> "Limits":
        return cls(wall_s=grading.timeout_s, cpu_s=grading.cpu_s, memory_mb=grading.memory_mb,
                   max_processes=grading.max_processes, max_output_kb=grading.max_output_kb, tmp_mb=grading.tmp_mb,
                   cell_timeout_s=min(60.0, grading.timeout_s),
                   case_timeout_s=grading.case_timeout_s, isolation=grading.isolation,
                   container_engine=grading.container.engine, container_image=grading.container.image,
                   gpus=grading.isolation == "container" and grading.container.gpus)
