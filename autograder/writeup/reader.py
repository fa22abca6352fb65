"""A write-up's text from the formats students hand in: .md, .txt (UTF-8, UTF-8 with BOM,
CP949/EUC-KR), .ipynb (its markdown cells), .docx (python-docx) and .pdf (pypdf)."""

from __future__ import annotations

import json
from pathlib import Path

from autograder.errors import UserError
from autograder.naming import nfc
from autograder.text_files import decode
from autograder.writeup.documents import MAX_CHARS, Unreadable, extract

FORMATS = ("md", "txt", "ipynb", "docx", "pdf")


def _notebook(text: str) -> str:
    cells = json.loads(text)["cells"]
    return "\n\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                       for c in cells if c.get("cell_type") == "markdown")


def read_text(path: Path, ext: str) -> str:
    """NFC text of a submission; a UserError naming the file says what is wrong with it."""
    if ext in ("docx", "pdf"):
        try:
            text = extract(path, ext)
        except Unreadable as exc:
            raise UserError(str(exc), where=path.name,
                            fix="save it again from Word or as PDF, or submit a .md file, and commit again") from None
        return nfc(text[:MAX_CHARS])
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UserError("binary content, not text", where=path.name, fix="save the write-up as UTF-8 .md or .txt")
    text = decode(data)  # Korean Windows editors still save cp949
    if text is None:
        raise UserError("not UTF-8 text", where=path.name, fix="save the file as UTF-8")
    if ext == "ipynb":
        try:
            text = _notebook(text)
        except (json.JSONDecodeError, KeyError, TypeError, RecursionError):
            raise UserError("not a readable notebook", where=path.name,
                            fix="open it in Jupyter, save it, and commit again (or submit a .md file)") from None
    return nfc(text[:MAX_CHARS])
