"""A side-by-side HTML page per flagged pair: both codes, the matched fragments highlighted.
Everything a student wrote is escaped by the template (autoescape); names too."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.config import Assignment
from autograder.naming import file_name_part
from autograder.pages import html_env


def segments(code: str, slices: np.ndarray) -> list[tuple[str, bool]]:
    """``code`` cut into (text, matched) pieces."""
    marks = sorted((int(a), int(b)) for a, b in zip(*slices)) if len(slices) and len(slices[0]) else []
    out, pos = [], 0
    for a, b in marks:
        a = max(a, pos)
        if a > pos:
            out.append((code[pos:a], False))
        if b > a:
            out.append((code[a:b], True))
        pos = max(pos, b)
    if pos < len(code):
        out.append((code[pos:], False))
    return out


def write_pair_page(folder: Path, assignment: Assignment, row: dict, code_a: str, code_b: str,
                    slices_a: np.ndarray, slices_b: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name_part(f"{row['a']}__{row['b']}.html".replace("/", "-"))
    html = html_env("autograder.integrity").get_template("pair.html.j2").render(
        assignment=assignment, row=row, left=segments(code_a, slices_a), right=segments(code_b, slices_b))
    path.write_text(html, encoding="utf-8")
    return path
