"""Korean-aware sentence splitting for short write-ups.

A sentence ends at ``다.``/``요.`` (or any ``.``), ``?``, ``!`` or ``。`` followed by a space or
the end of a line, and at a line break after a sentence-final ``다``/``요`` written without a
period. Decimal numbers (``0.97``), abbreviations such as ``e.g.`` and list markers do not end
a sentence.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Ms.", "No.", "cf.")
_END = re.compile(r"(?<=[.!?。])[\"'”’)\]]*\s+|(?<=[다요])\s*\n")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|[*_`>#]+", re.MULTILINE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph-level text, with markdown bullets and emphasis removed."""
    plain = _MARKUP.sub("", text)
    for i, abbr in enumerate(_ABBREVIATIONS):
        plain = plain.replace(abbr, f"\x00{i}\x00")
    pieces = [p.strip() for p in _END.split(plain.strip() + "\n")]
    sentences = []
    for piece in pieces:
        for i, abbr in enumerate(_ABBREVIATIONS):
            piece = piece.replace(f"\x00{i}\x00", abbr)
        if re.search(r"\w", piece):
            sentences.append(" ".join(piece.split()))
    return sentences
