"""The file names of the sandbox ↔ judge exchange folder, imported by both sides.

The child writes, in ``out/``: ``progress`` (one ``cell I`` / ``case I`` line as each starts),
``cells.json`` (a record per cell once the notebook ran), ``notebook.log`` and ``case-I.log``
(captured output), ``exits.json`` (how each case's process ended) and, in a results folder
created only after the notebook ran and named with a random token (``RESULTS_PREFIX`` + 32 hex
digits), ``case-I.json`` / ``case-I.npz`` (observations, see ``inside.wire``). Everything in
``out/`` was written by a process that ran student code: the judge reads it as hostile input
(``engine.exchange``).
"""

from __future__ import annotations

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
