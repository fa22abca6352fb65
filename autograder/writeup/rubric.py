"""The week-1 automatic rubric: one scored item per check, each with the reason for its points.

Items and points are fixed by the course's contract (6 automatic points; the rest of the
week's points are the TA's manual rubric, see grader.yml). Nothing here runs student code.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.engine import CaseResult, GradeResult
from autograder.errors import UserError
from autograder.naming import parse
from autograder.writeup.patterns import PATTERNS, patterns_named
from autograder.writeup.sentences import split_sentences
from autograder.writeup.text import SECTION_TITLES, read_text, sections, without_headings

ITEMS = {  # id → (title, points)
    "writeup/name_format": ("file name N주차 과제_<기수>기 <이름>.md", 1.0),
    "writeup/sections": ("three sections: pattern, application, input & output", 1.0),
    "writeup/one_pattern": ("exactly one of the seven patterns is chosen", 1.5),
    "writeup/application_sentences": ("2–3 sentences on applying it to a field", 1.0),
    "writeup/io_sentences": ("2–3 sentences on the model's input and output", 1.0),
    "writeup/input_output_named": ("both the input and the output are named", 0.5),
}
AUTO_POINTS = sum(p for _, p in ITEMS.values())
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_INPUT = re.compile(r"입력|인풋|\binputs?\b|들어가|넣", re.IGNORECASE)
_OUTPUT = re.compile(r"출력|아웃풋|\boutputs?\b|나오|내놓|결과", re.IGNORECASE)


def _item(case_id: str, ok: bool | float, reason: str) -> CaseResult:
    title, points = ITEMS[case_id]
    share = float(ok)
    status = "passed" if share == 1 else "failed"
    return CaseResult(case_id, title, round(points * share, 4), points, status, reason, 0.0)


def _name_item(filename: str) -> CaseResult:
    parsed = parse(filename)
    if parsed is None:
        return _item("writeup/name_format", False, f"'{filename}' does not follow N주차 과제_<기수>기 <이름>.md")
    deviations = [t for t in parsed.tolerated if "NFD" not in t]  # macOS decomposes names: not the student's doing
    if deviations:
        return _item("writeup/name_format", 0.5, "accepted with deviations: " + "; ".join(deviations))
    return _item("writeup/name_format", True, "name follows the convention")


def _count_item(case_id: str, body: str | None, what: str) -> CaseResult:
    if body is None:
        return _item(case_id, False, f"no {what} section found")
    n = len(split_sentences(body))
    ok = 2 <= n <= 3
    return _item(case_id, ok, f"{n} sentence{'s' * (n != 1)} in the {what} section" + ("" if ok else " (need 2–3)"))


def grade_text(text: str, filename: str) -> list[CaseResult]:
    """Score a write-up's text; ``filename`` is the submitted file's name."""
    text = _COMMENT.sub("", text)  # the template's hints are not the student's sentences
    if not without_headings(text).strip():
        return [_item(i, False, "the write-up is empty (only the template's headings, or nothing)") for i in ITEMS]
    found = sections(text)
    missing = found.missing()
    items = [_name_item(filename),
             _item("writeup/sections", not missing,
                   "all three sections found" if not missing else
                   "missing: " + ", ".join(SECTION_TITLES[k] for k in missing) + " (use the template's headings)")]
    where = found.bodies.get("pattern")
    named = patterns_named(found.headings.get("pattern", "") + "\n" + where if where is not None else text)
    if len(named) == 1:
        items.append(_item("writeup/one_pattern", True, f"chosen: {named[0].label}"))
    elif not named:
        items.append(_item("writeup/one_pattern", False, "none of the seven patterns is named (choose one of: "
                           + ", ".join(p.label for p in PATTERNS) + ")"))
    else:
        items.append(_item("writeup/one_pattern", False,
                           "more than one pattern named: " + ", ".join(p.label for p in named) + " (choose one)"))
    items.append(_count_item("writeup/application_sentences", found.bodies.get("application"), "application"))
    io = found.bodies.get("io")
    items.append(_count_item("writeup/io_sentences", io, "input & output"))
    has_in, has_out = bool(io and _INPUT.search(io)), bool(io and _OUTPUT.search(io))
    missing_io = [w for w, ok in (("input (입력)", has_in), ("output (출력)", has_out)) if not ok]
    items.append(_item("writeup/input_output_named", not missing_io,
                       "input and output both named" if not missing_io else "not named: " + ", ".join(missing_io)))
    return items


def grade_writeup(path: Path, filename: str) -> GradeResult:
    """Grade a stored submission; unreadable files raise UserError (reported, never a silent zero)."""
    ext = filename.rsplit(".", 1)[-1].lower()
    if ext not in ("md", "txt", "ipynb"):
        raise UserError(f"a .{ext} file is not a write-up", where=filename, fix="submit a .md, .txt or .ipynb file")
    return GradeResult(cases=grade_text(read_text(path, ext), filename), isolation="none (text only)")
