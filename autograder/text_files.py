"""Text files written on Korean machines: UTF-8, UTF-8 with BOM, or CP949 (what Excel and older
Windows editors save) — the CSV files TAs edit (roster, manual scores) and students' write-ups."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from autograder.errors import UserError

ENCODINGS = ("utf-8-sig", "cp949")


def decode(data: bytes) -> str | None:
    """The text in the first of ``ENCODINGS`` that decodes it, or None."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_csv(path: Path, what: str) -> pd.DataFrame:
    """Every cell as text; a UserError naming the file and what to do otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the {what}: {exc.strerror}", where=str(path)) from None
    text = decode(data)
    if text is None:
        raise UserError(f"the {what} is neither UTF-8 nor CP949 text", where=str(path),
                        fix="in Excel: File → Save As → 'CSV UTF-8 (comma delimited)'")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UserError(f"the {what} is not a valid CSV ({str(exc).splitlines()[0][:200]})", where=str(path),
                        fix="save it from Excel as 'CSV UTF-8 (comma delimited)'") from None
    df.columns = [c.strip() for c in df.columns]
    return df
