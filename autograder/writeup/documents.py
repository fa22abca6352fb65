"""Text out of .docx and .pdf write-ups, bounded: a document is hostile input to the libraries that
parse it (a 1 MB .docx can declare a 1 GiB ``document.xml``; a 10 KB PDF can inflate to megabytes of
content streams that pypdf walks for minutes).

Checked before parsing: a .docx's declared sizes (``DOCX_MAX_BYTES`` in all, ``DOCX_MAX_RATIO``
compression ratio per member, ``DOCX_MAX_MEMBERS`` members); a PDF's first ``PDF_MAX_PAGES`` pages
only. The parse itself runs in a child process (``python -m autograder.writeup.documents``) under
``MEMORY_MB`` of address space, ``CPU_S`` of CPU and ``WALL_S`` of wall clock, and its output is
read up to a cap. The text (or the reason it could not be read) is kept by content hash in the
process, so a version is parsed once a batch: grading and the similarity check share the result.
"""

from __future__ import annotations

import hashlib
import io
import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

MAX_CHARS = 200_000
DOCX_MAX_BYTES = 40 << 20
DOCX_MAX_RATIO = 200
DOCX_MAX_MEMBERS = 2_000
PDF_MAX_PAGES = 60
MEMORY_MB, CPU_S, WALL_S = 1024, 20, 40
OUTPUT_CAP = MAX_CHARS * 4 + 4096


class Unreadable(Exception):
    """The document cannot be read; the message says why, for the student."""


def _docx_sizes(data: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Unreadable(f"not a .docx (Word) file: the zip container is damaged ({type(exc).__name__})") from None
    if len(members) > DOCX_MAX_MEMBERS:
        raise Unreadable(f"the .docx holds {len(members)} parts (at most {DOCX_MAX_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > DOCX_MAX_BYTES:
        raise Unreadable(f"the .docx unpacks to {total >> 20} MB (at most {DOCX_MAX_BYTES >> 20} MB)")
    for m in members:
        if m.file_size > 1 << 20 and m.file_size > DOCX_MAX_RATIO * max(m.compress_size, 1):
            raise Unreadable(f"the .docx part {m.filename[:60]} is compressed {m.file_size // max(m.compress_size, 1)}"
                             f":1 (at most {DOCX_MAX_RATIO}:1): a zip bomb, not a document")


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

    pages, size = [], 0
    for page in PdfReader(io.BytesIO(data)).pages[:PDF_MAX_PAGES]:
        pages.append(page.extract_text() or "")
        size += len(pages[-1])
        if size > MAX_CHARS:
            break
    return "\n\n".join(pages)


def _limit() -> None:
    memory = MEMORY_MB << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_S, CPU_S))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _parse_in_child(path: Path, ext: str) -> str:
    try:
        proc = subprocess.Popen([sys.executable, "-s", "-m", "autograder.writeup.documents", ext, str(path)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                preexec_fn=_limit, cwd="/", env={"PYTHONPATH": _package_root(), "LANG": "C.UTF-8"})
    except OSError as exc:
        raise Unreadable(f"the document reader could not start ({exc.strerror})") from None
    try:
        out, _ = proc.communicate(timeout=WALL_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise Unreadable(f"reading the .{ext} took longer than {WALL_S} s") from None
    if proc.returncode != 0 or len(out) > OUTPUT_CAP:
        cause = ("it needed more than the reader's memory or CPU time" if proc.returncode and proc.returncode < 0
                 or proc.returncode == 137 else "the reader failed")
        raise Unreadable(f"the .{ext} could not be read: {cause}")
    try:
        answer = json.loads(out)
    except ValueError:
        raise Unreadable(f"the .{ext} could not be read: the reader's answer was damaged") from None
    if answer.get("error") == "MemoryError":
        raise Unreadable(f"the .{ext} could not be read: it needed more than the reader's memory ({MEMORY_MB} MB)")
    if "error" in answer:
        raise Unreadable(f"not a readable .{ext} file ({str(answer['error'])[:80]})")
    return str(answer.get("text", ""))[:MAX_CHARS]


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


_READ: dict[str, dict] = {}  # content hash → {"text": …} or {"error": …}
_KEEP = 1024


def extract(path: Path, ext: str) -> str:
    """The document's text, read once per content and process; Unreadable says why not."""
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest() + ext
    kept = _READ.get(key)
    if kept is None:
        try:
            if ext == "docx":
                _docx_sizes(data)
            kept = {"text": _parse_in_child(path, ext)}
        except Unreadable as exc:
            kept = {"error": str(exc)}
        if len(_READ) >= _KEEP:
            _READ.pop(next(iter(_READ)))
        _READ[key] = kept
    if "error" in kept:
        raise Unreadable(kept["error"])
    return kept["text"]


def main() -> None:
    ext, path = sys.argv[1], Path(sys.argv[2])
    try:
        data = path.read_bytes()
        text = _docx(data) if ext == "docx" else _pdf(data)
        answer = {"text": text[:MAX_CHARS]}
    except Exception as exc:  # python-docx and pypdf raise many types for a damaged file
        answer = {"error": type(exc).__name__}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main()
