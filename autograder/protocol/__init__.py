"""The sandbox ↔ judge protocol, imported by both sides (and nothing trusted beyond it): the
exchange folder's file names here, values in ``wire``, what to run in ``calls``, what the harness
reports in ``records``.

The child writes, in ``out/``: ``progress`` (one ``cell I`` / ``case I`` line as each starts),
``cells.json`` (a record per cell once the notebook ran), ``notebook.log`` and ``case-I.log``
(captured output), ``exits.json`` (how each case's process ended) and, in a results folder
created only after the notebook ran and named with a random token (``RESULTS_PREFIX`` + 32 hex
digits), ``case-I.json`` / ``case-I.npz`` (observations, see ``protocol.wire``). Everything in
``out/`` was written by a process that ran student code: the judge reads it as hostile input
(``engine.exchange``).
"""

from __future__ import annotations

# Set by the sandbox when the child has its own PID namespace (so kill(-1) is safe there).
PIDNS_ENV = "AUTOGRADER_OWN_PID_NAMESPACE"
# The write end of a pipe the harness writes one byte to before any student code runs: the grader's
# proof that the sandbox started (a progress file can be truncated by the submission; a byte already
# in the grader's pipe cannot be taken back).
READY_FD_ENV = "AUTOGRADER_READY_FD"
# Set by the container backend without a GPU: the child lets its address space grow by at most
# this many MiB after start-up, so an oversized allocation fails as MemoryError (as under
# bubblewrap's RLIMIT_AS) instead of the container's memory cgroup killing it. With a GPU only
# the cgroup bounds memory (CUDA reserves far more address space than it uses).
ADDRESS_SPACE_ENV = "AUTOGRADER_ADDRESS_SPACE_MB"

PROGRESS = "progress"
CELLS = "cells.json"
EXITS = "exits.json"
NOTEBOOK_LOG = "notebook.log"
RESULTS_PREFIX = "results-"


def case_log(index: int) -> str:
    return f"case-{index}.log"


def case_result(index: int) -> str:
    return f"case-{index}.json"


def public_result(index: int) -> str:
    return f"public-{index}.json"
