"""A report for sharing: every student id and name becomes its pseudonym (``autograder.pseudonyms``),
in cells and inside free text."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import pandas as pd

from autograder.pseudonyms import pseudonyms
from autograder.report.tables import ClassTables


def anonymize(t: ClassTables, roster: pd.DataFrame, key_folder: Path) -> tuple[ClassTables, pd.DataFrame]:
    """The same tables with ids, names and git users replaced, in cells and inside free text
    (file names, notes, reasons)."""
    alias = pseudonyms(list(roster.student_id), key_folder)
    words = {}
    for r in roster.itertuples():
        words[r.student_id] = words[unicodedata.normalize("NFC", r.name)] = alias[r.student_id]
        if r.git_user:
            words[r.git_user] = alias[r.student_id]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    def scrub(value):
        if not isinstance(value, str):
            return value
        return pattern.sub(lambda m: words[m.group(0)], unicodedata.normalize("NFC", value))

    def frame(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        if "student_id" in df:
            ids = df["student_id"].map(alias).fillna(df["student_id"])
            df["student_id"] = ids
            if "name" in df:
                df["name"] = ids
        for col in df.columns:
            if col not in ("student_id", "name") and df[col].dtype == object:
                df[col] = df[col].map(scrub)
        return df

    changes = {f.name: frame(getattr(t, f.name)) for f in dataclasses.fields(t)
               if isinstance(getattr(t, f.name), pd.DataFrame)}
    return dataclasses.replace(t, **changes), frame(roster.assign(git_user=""))
