"""The write-up rubric engine: scores a text against an assignment's ``rubric.yml``, one item
per check, each with the reason for its points. Nothing here runs student code."""

from __future__ import annotations

import re
from pathlib import Path

from autograder.engine import CaseResult, GradeResult
from autograder.errors import UserError
from autograder.naming import parse
from autograder.writeup.choices import chosen
from autograder.writeup.reader import FORMATS, read_text
from autograder.writeup.rubric_file import Item, Rubric
from autograder.writeup.sentences import split_sentences
from autograder.writeup.structure import Sections, sections, strip_comments, without_headings


# what each check is about, in Korean: the reason a student reads starts with it (the detail follows in English)
CHECK_KO = {"file_name": "파일 이름 규칙", "sections": "세 섹션", "one_choice": "패턴 하나 선택",
            "sentences": "문장 수", "terms": "입력과 출력 언급"}


def _result(item: Item, share: bool | float, reason: str) -> CaseResult:
    share = float(share)
    return CaseResult(item.id, item.title, round(item.points * share, 4), item.points,
                      "passed" if share == 1 else "failed", reason, 0.0)


def _file_name(rubric: Rubric, filename: str) -> tuple[float, str]:
    parsed = parse(filename)
    if parsed is None:
        return 0, f"'{filename}' does not follow {rubric.file_name}"
    if parsed.misnamed:
        return 0, "matched to the student, but the name has " + "; ".join(parsed.misnamed) + f" (use {rubric.file_name})"
    deviations = [t for t in parsed.tolerated if "NFD" not in t]  # macOS decomposes names: not the student's doing
    if deviations:
        return 0.5, "accepted with deviations: " + "; ".join(deviations)
    return 1, "name follows the convention"


def _sections(rubric: Rubric, found: Sections) -> tuple[float, str]:
    missing = found.missing(rubric.sections)
    if missing:
        return 0, ("missing: " + ", ".join(rubric.sections[k].title for k in missing)
                   + " (use the template's headings)")
    if found.placed:
        title = rubric.sections[found.placed].title
        return 1, (f"all sections found; the heading '{found.headings[found.placed]}' is taken as {title} by its "
                   f"place (name it as the template does)")
    return 1, ("all sections found, one paragraph each (no headings)" if found.by_order else "all sections found")


def _one_choice(rubric: Rubric, found: Sections, text: str) -> tuple[float, str]:
    choices = rubric.choices
    section = choices.section
    where = (found.headings.get(section, "") + "\n" + found.bodies[section]) if section in found.bodies else text
    result = chosen(where, choices)
    what = choices.what
    if len(result.options) == 1:
        note = "" if result.how == "named" else f" ({result.how})"
        return 1, f"chosen: {result.options[0].label}{note}"
    if not result.options:
        return 0, (f"none of the {len(choices.options)} {what}s is named (choose one of: "
                   + ", ".join(o.label for o in choices.options) + ")")
    return 0, f"more than one {what} named: " + ", ".join(o.label for o in result.options) + " (choose one)"


def _sentences(rubric: Rubric, item: Item, found: Sections) -> tuple[float, str]:
    title = rubric.sections[item.section].title
    body = found.bodies.get(item.section)
    if body is None:
        return 0, f"no {title} section found"
    n = len(split_sentences(body))
    ok = item.min <= n <= item.max
    need = f"{item.min}–{item.max}" if item.max != item.min else f"{item.min}"
    return ok, f"{n} sentence{'s' * (n != 1)} in the {title} section" + ("" if ok else f" (need {need})")


def _terms(rubric: Rubric, item: Item, found: Sections) -> tuple[float, str]:
    body = found.bodies.get(item.section) or ""
    missing = [name for name, rx in item.terms.items() if not re.search(rx, body, re.IGNORECASE)]
    if not missing:
        return 1, " and ".join(item.terms) + " named"
    return 0, "not named: " + ", ".join(missing)


def grade_text(text: str, filename: str, rubric: Rubric) -> list[CaseResult]:
    """Score a write-up's text; ``filename`` is the submitted file's name."""
    text = strip_comments(text)  # the template's hints are not the student's sentences
    if not without_headings(text).strip():
        return [_result(i, False, "the write-up is empty (only the template's headings, or nothing)")
                for i in rubric.items]
    found = sections(text, rubric.sections)
    out = []
    for item in rubric.items:
        if item.check == "file_name":
            share, reason = _file_name(rubric, filename)
        elif item.check == "sections":
            share, reason = _sections(rubric, found)
        elif item.check == "one_choice":
            share, reason = _one_choice(rubric, found, text)
        elif item.check == "sentences":
            share, reason = _sentences(rubric, item, found)
        else:
            share, reason = _terms(rubric, item, found)
        verdict = "충족" if float(share) == 1 else ("일부 충족" if float(share) > 0 else "미충족")
        out.append(_result(item, share, f"{CHECK_KO.get(item.check, item.check)} {verdict} / {reason}"))
    return out


def grade_writeup(path: Path, filename: str, rubric: Rubric) -> GradeResult:
    """Grade a stored submission; unreadable files raise UserError (reported, never a silent zero)."""
    ext = filename.rsplit(".", 1)[-1].lower()
    if ext not in FORMATS:
        raise UserError(f"a .{ext} file is not a write-up", where=filename,
                        fix="submit a .md, .txt, .ipynb, .docx or .pdf file")
    return GradeResult(cases=grade_text(read_text(path, ext), filename, rubric), isolation="none (text only)")
