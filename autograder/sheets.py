"""Every CSV and XLSX file the grader writes goes through here, so that no cell a student or a
roster controls is read as a formula by Excel, LibreOffice or Google Sheets.

A text cell starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe in
CSV (OWASP's advice: the spreadsheet shows it as text); numbers are never touched. The XLSX
writer keeps strings as strings (xlsxwriter's ``strings_to_formulas``/``strings_to_urls`` off).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {"options": {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}}


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The text ``safe_cell`` protected, read back from a CSV this tool wrote (a TA's edited template)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(TRIGGERS) else value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot start a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_cell, na_action="ignore")
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Path, *, bom: bool = True) -> Path:
    """UTF-8 CSV (with a BOM by default: Excel then opens Korean correctly), formula-safe."""
    # CRLF rows: a field holding a lone \r is then quoted (with "\n" rows it is not, and starts a new row)
    neutralise(frame).to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\r\n")
    return path


def excel_writer(path: Path) -> pd.ExcelWriter:
    return pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs=XLSX_OPTIONS)
