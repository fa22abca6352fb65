"""Sentences of a short write-up section.

Korean sentences are split by kiwipiepy (Kiwi, a Korean morphological analyser, which knows
sentence-final endings with or without a period, and emoji between sentences); Latin-script
text by punctuation. Before that, the text is cut into lines the way students write lists:
each bullet or numbered item, and each line of line-per-sentence 개조식 (``…을 찾음`` /
``…할 수 있음`` / ``비용 절감 가능``), is at least one sentence. A line ending in a connective
(``…하고``, a comma) or followed by a lower-case continuation is joined to the next.
Decimal numbers (``0.97``) and abbreviations such as ``e.g.`` do not end a sentence.
"""

from __future__ import annotations

import functools
import re
import threading

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Ms.", "No.", "cf.")
_LATIN_END = re.compile(r"(?<=[.!?。])[\"'”’)\]]*\s+")
_ITEM = re.compile(r"^\s*(?:[-*+•·▪◦○●□■]|\d{1,2}[.)]|[①-⑩]|(?:A|답)\s*[.):])\s+")
_MARKUP = re.compile(r"[*_`>#]+|^\s*\|?[\s:|-]+\|?\s*$")
# a line that goes on in the next one: ends in a comma or a connective ending or particle
_CONTINUES = re.compile(r"(?:[,，、]|(?<=[가-힣])(?:고|며|서|면|는데|지만|은|는|이|가|을|를|의|에|와|과|및|로|으로|하여|해서))\s*$")
_HANGUL = re.compile(r"[가-힣]")
# a sentence has a word: not only emoji, emoticons or laughter in jamo ("ㅋㅋ", "ㅎㅎ", "ㅠㅠ") after a "!"
_WORDS = re.compile(r"[^\Wㄱ-ㆎ_]")


_KIWI_LOCK = threading.Lock()  # grading threads share one analyser (its model loads once, ~2 s)


@functools.cache
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


def _korean(text: str) -> list[str]:
    with _KIWI_LOCK:
        return [s.text for s in _kiwi().split_into_sents(text)]


def _latin(text: str) -> list[str]:
    for i, abbr in enumerate(_ABBREVIATIONS):
        text = text.replace(abbr, f"\x00{i}\x00")
    out = []
    for piece in _LATIN_END.split(text):
        for i, abbr in enumerate(_ABBREVIATIONS):
            piece = piece.replace(f"\x00{i}\x00", abbr)
        out.append(piece)
    return out


def _units(text: str) -> list[str]:
    """Lines joined into the pieces that certainly end a sentence."""
    units: list[str] = []
    joining = False
    for raw in text.splitlines():
        item = bool(_ITEM.match(raw))
        line = _MARKUP.sub("", _ITEM.sub("", raw)).strip()
        line = " ".join(line.replace("|", " ").split())
        if not line:
            joining = False
            continue
        wrapped = line[:1].islower() and units and not units[-1].endswith((".", "!", "?"))  # hard-wrapped prose
        if units and not item and (joining or wrapped):
            units[-1] += " " + line
        else:
            units.append(line)
        joining = bool(_CONTINUES.search(line))
    return units


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph-level text, with markdown bullets, tables and emphasis removed."""
    sentences = []
    for unit in _units(text):
        parts = _korean(unit) if _HANGUL.search(unit) else _latin(unit)
        if _HANGUL.search(unit):  # Kiwi keeps "e.g. …. It works." English inside Korean whole: split it too
            parts = [p for part in parts for p in _latin(part)]
        sentences += [" ".join(p.split()) for p in parts if _WORDS.search(p)]
    return sentences
