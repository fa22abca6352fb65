"""Write-up documents are parsed like hostile input: a .docx zip bomb is refused from its declared
sizes before anything is inflated, a PDF whose content streams take long or much memory is parsed in
a child process that is stopped at its CPU/memory/wall bounds, and each content is parsed once."""

from __future__ import annotations

import io
import time
import zipfile
import zlib

import pytest

from autograder.errors import UserError
from autograder.writeup import documents
from autograder.writeup.reader import read_text


def pdf_bomb(ops: int) -> bytes:
    """A one-page PDF of a few KB whose content stream inflates to ``ops`` text-drawing operators."""
    content = b"BT /F1 1 Tf " + b"1 0 0 1 0 0 Tm (ab) Tj " * ops + b"ET"
    stream = zlib.compress(content, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def docx_bomb(megabytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b"<w:p/>" * (1 << 17)
            for _ in range(megabytes * (1 << 20) // len(chunk)):
                f.write(chunk)
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "1주차 과제_19기 박세훈.docx"
    path.write_bytes(docx_bomb(256))
    assert path.stat().st_size < 2 << 20  # a small file …
    start = time.monotonic()
    with pytest.raises(UserError) as err:
        read_text(path, "docx")
    assert time.monotonic() - start < 2  # … refused from the zip's directory, nothing inflated
    assert "unpacks to 25" in err.value.render() and "(at most 40 MB)" in err.value.render()
    assert path.name in err.value.render() and "commit again" in err.value.render()
    path.write_bytes(docx_bomb(30))  # under the total, but compressed far beyond any real document
    with pytest.raises(UserError) as err:
        read_text(path, "docx")
    assert "zip bomb" in err.value.render()


def test_a_pdf_that_takes_too_long_is_stopped_at_the_readers_bounds(tmp_path, monkeypatch):
    path = tmp_path / "1주차 과제_19기 박세훈.pdf"
    path.write_bytes(pdf_bomb(400_000))
    assert path.stat().st_size < 40_000  # measured unbounded: ~14 s of CPU and ~240 MB for pypdf
    monkeypatch.setattr(documents, "CPU_S", 1)
    monkeypatch.setattr(documents, "_READ", {})  # the same bomb's answer under other bounds is cached by content
    start = time.monotonic()
    with pytest.raises(UserError) as err:
        read_text(path, "pdf")
    assert time.monotonic() - start < 8
    assert "memory or CPU time" in err.value.render()


def test_a_pdf_that_needs_more_memory_than_the_reader_has_is_stopped(tmp_path, monkeypatch):
    path = tmp_path / "big.pdf"
    path.write_bytes(pdf_bomb(400_000))
    monkeypatch.setattr(documents, "MEMORY_MB", 160)
    monkeypatch.setattr(documents, "_READ", {})
    with pytest.raises(UserError) as err:
        read_text(path, "pdf")
    assert "could not be read" in err.value.render() and "memory" in err.value.render()


def test_each_document_is_parsed_once_and_a_damaged_one_says_why(tmp_path, monkeypatch):
    import docx

    document = docx.Document()
    document.add_heading("패턴", level=2)
    document.add_paragraph("인식 패턴을 골랐습니다.")
    buffer = io.BytesIO()
    document.save(buffer)
    good = tmp_path / "good.docx"
    good.write_bytes(buffer.getvalue())
    calls = []
    real = documents._parse_in_child
    monkeypatch.setattr(documents, "_parse_in_child", lambda p, e: calls.append(p) or real(p, e))
    assert "인식 패턴" in read_text(good, "docx") and "인식 패턴" in read_text(good, "docx")
    assert len(calls) == 1
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(buffer.getvalue()[:4000])
    with pytest.raises(UserError) as err:
        read_text(damaged, "docx")
    assert "damaged" in err.value.render() or "not a readable" in err.value.render()
