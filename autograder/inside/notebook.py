"""Execute a notebook's code cells in a namespace, one cell at a time.

A cell that raises does not stop the notebook (later functions are still graded). Cell magics
do what Jupyter does where that is Python: ``%%writefile F`` writes F (in the sandbox's own
folder), ``%%capture``/``%%time``/``%%timeit`` run their body once; shell and other-language
cells (``%%bash``, ``%%sh``, ``%%html`` …) and line magics / ``!cmd`` lines are skipped, each
with a note for the feedback. ``otter`` is replaced by a stub so that the template's
``grader.check(...)`` lines are no-ops and cost nothing.
"""

from __future__ import annotations

import linecache
import re
import sys
import time
import types

from autograder.inside.probe import CaseTimeout, Alarm, describe_error
from autograder.protocol.records import CellStatus

_MAGIC = re.compile(r"^\s*[%!]")
_CELL_MAGIC = re.compile(r"^\s*%%(\w+)[ \t]*(.*)$")
_RUN_BODY = {"capture", "time", "timeit", "prun"}  # Python bodies: run once, as written


class _StubNotebook:
    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def install_otter_stub() -> None:
    stub = types.ModuleType("otter")
    stub.Notebook = _StubNotebook
    sys.modules["otter"] = stub


def clean_source(source: str) -> tuple[str, int]:
    """Comment out magics/shell lines (their line numbers stay) and count them."""
    lines = source.splitlines()
    skipped = 0
    for i, line in enumerate(lines):
        if _MAGIC.match(line):
            lines[i] = "# (skipped by the grader) " + line.strip()
            skipped += 1
    return "\n".join(lines), skipped


def _cell_magic(source: str) -> tuple[str, str | None]:
    """(Python to run, a note for the feedback or None) for a cell that may start with %%magic."""
    first, _, body = source.lstrip("\n").partition("\n")
    match = _CELL_MAGIC.match(first)
    if not match:
        return source, None
    magic, arg = match.group(1), match.group(2).strip()
    if magic in _RUN_BODY:
        return "\n" + body, None  # the first line stays blank, so line numbers still match
    if magic == "writefile":
        words = arg.split()
        append = bool(words) and words[0] in ("-a", "--append")
        target = " ".join(words[1:] if append else words).strip("'\"")
        if not target:
            return "", "%%writefile without a file name was skipped"
        write = f"open({target!r}, {'a' if append else 'w'!r}, encoding='utf-8').write({body + chr(10)!r})\n"
        return write, None
    return "", f"a %%{magic} cell was skipped (only Python runs when grading)"


def run_cells(cells: list[str], namespace: dict, cell_timeout: float | None,
              on_start=lambda i: None) -> list[dict]:
    """Run each cell; return one record per cell: status, error, seconds, skipped lines."""
    import builtins

    pristine = dict(vars(builtins))  # a cell that patches builtins must not break the grader
    records = []
    for i, source in enumerate(cells):
        python, note = _cell_magic(source)
        code_text, skipped = clean_source(python)
        record: dict = {"cell": i, "status": CellStatus.ok, "skipped_lines": skipped}
        if note:
            record["note"] = note
        elif skipped:
            record["note"] = f"{skipped} line magic / shell line(s) skipped (only Python runs when grading)"
        on_start(i)
        start = time.perf_counter()
        try:
            name = f"<cell {i}>"
            # as IPython does: inspect.getsource (torch.jit.script, dataclasses) can read the cell
            linecache.cache[name] = (len(code_text), None, code_text.splitlines(True), name)
            code = compile(code_text, name, "exec")
            with Alarm(cell_timeout):
                exec(code, namespace)  # noqa: S102 - executing the submission is the point
        except CaseTimeout as exc:
            record.update(status=CellStatus.timeout, error={"type": "Timeout", "message": str(exc), "traceback": ""})
        except BaseException as exc:  # noqa: BLE001 - SystemExit/KeyboardInterrupt included
            record.update(status=CellStatus.error, error=describe_error(exc))
        record["seconds"] = time.perf_counter() - start
        current = vars(builtins)
        changed = [k for k in list(current) if k not in pristine or current[k] is not pristine[k]]
        missing = [k for k in pristine if k not in current]
        for k in changed:
            current.pop(k)
        current.update({k: pristine[k] for k in changed + missing if k in pristine})
        if changed or missing:
            record["restored_builtins"] = sorted(changed + missing)
        records.append(record)
    return records
