"""A write-up's text from a .md, .txt or .ipynb submission (markdown cells), and its sections."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UserError
from autograder.naming import nfc
from autograder.text_files import decode

MAX_CHARS = 200_000


def read_text(path: Path, ext: str) -> str:
    """NFC text of a submission; a UserError naming the file says what is wrong with it."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UserError("binary content, not text", where=path.name, fix="save the write-up as UTF-8 .md or .txt")
    text = decode(data)  # Korean Windows editors still save cp949
    if text is None:
        raise UserError("not UTF-8 text", where=path.name, fix="save the file as UTF-8")
    if ext == "ipynb":
        try:
            cells = json.loads(text)["cells"]
            text = "\n\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                               for c in cells if c.get("cell_type") == "markdown")
        except (json.JSONDecodeError, KeyError, TypeError):
            raise UserError("not a readable notebook", where=path.name,
                            fix="open it in Jupyter, save it, and commit again (or submit a .md file)") from None
    return nfc(text[:MAX_CHARS])


SECTION_KINDS = {
    "io": re.compile(r"입력|출력|입출력|input|output|\bI/O\b", re.IGNORECASE),
    "application": re.compile(r"적용|활용|응용|application|apply|use case", re.IGNORECASE),
    "pattern": re.compile(r"패턴|pattern", re.IGNORECASE),
}
SECTION_TITLES = {"pattern": "패턴 / Pattern", "application": "적용 / Application", "io": "입력과 출력 / Input & output"}
_TITLE = re.compile(r"주차|과제|seven patterns|일곱", re.IGNORECASE)  # the document's title, not a section
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(?P<h>.+?)\s*#*\s*|\*\*(?P<b>[^*]+)\*\*\s*:?\s*)$", re.MULTILINE)


@dataclass(frozen=True)
class Sections:
    bodies: dict[str, str]  # kind → text under its heading (first heading of each kind)
    headings: dict[str, str]  # kind → the heading as written

    def missing(self) -> list[str]:
        return [k for k in SECTION_TITLES if k not in self.bodies]


def sections(text: str) -> Sections:
    """Split at markdown headings (or lines that are entirely bold) and classify each."""
    marks = list(_HEADING.finditer(text))
    bodies: dict[str, str] = {}
    headings: dict[str, str] = {}
    for i, m in enumerate(marks):
        title = (m["h"] or m["b"] or "").strip()
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        kind = None if _TITLE.search(title) else next((k for k, rx in SECTION_KINDS.items() if rx.search(title)), None)
        if kind and kind not in bodies:
            bodies[kind] = text[m.end():end].strip()
            headings[kind] = title
    return Sections(bodies, headings)


def without_headings(text: str) -> str:
    return _HEADING.sub("", text)
