"""A write-up's text from the formats students hand in: .md, .txt (UTF-8, UTF-8 with BOM,
CP949/EUC-KR), .ipynb (its markdown cells), .docx (python-docx) and .pdf (pypdf)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from autograder.errors import UserError
from autograder.naming import nfc
from autograder.text_files import decode

MAX_CHARS = 200_000
FORMATS = ("md", "txt", "ipynb", "docx", "pdf")


def _docx(data: bytes) -> str:
    import docx  # python-docx

    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = docx.text.paragraph.Paragraph(block, document)
            style = (para.style.name or "").lower() if para.style is not None else ""
            text = para.text.strip()
            if text and style.startswith(("heading", "title")):
                lines.append("## " + text)  # Word's headings read as markdown headings
            elif text and style.startswith("list"):
                lines.append("- " + text)
            else:
                lines.append(text)
        elif tag == "tbl":
            for row in docx.table.Table(block, document).rows:
                lines.append("| " + " | ".join(c.text.strip() for c in row.cells) + " |")
    return "\n\n".join(lines)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _notebook(text: str) -> str:
    cells = json.loads(text)["cells"]
    return "\n\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                       for c in cells if c.get("cell_type") == "markdown")


def read_text(path: Path, ext: str) -> str:
    """NFC text of a submission; a UserError naming the file says what is wrong with it."""
    data = path.read_bytes()
    if ext in ("docx", "pdf"):
        try:
            text = _docx(data) if ext == "docx" else _pdf(data)
        except Exception as exc:  # python-docx and pypdf raise many types for a damaged file
            raise UserError(f"not a readable .{ext} file ({type(exc).__name__})", where=path.name,
                            fix="save it again from Word or as PDF, or submit a .md file") from None
        return nfc(text[:MAX_CHARS])
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
