"""What a project's README says: its headings, and the accuracy it claims.

A claim is a number written next to 정확도/accuracy (after it, or just before it: "97 %의
정확도"), or in a table column headed so — not any number in the text. Where several differ,
the one marked final/test is the claim, else the highest (a README is held to its best claim);
the student and the TA are told which one was compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_RESULTS = re.compile(r"결과|result", re.IGNORECASE)
_KEYWORD = re.compile(r"정확도|정답률|accuracy|\bacc\b", re.IGNORECASE)
_FINAL = re.compile(r"최종|final|테스트|\btest\b|held[\s-]*out|홀드\s*아웃", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*%|(?<![\d.])(0\.\d+|1\.0+)(?![\d.]*\d)")
_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_RULE = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")


def headings(readme: str) -> list[str]:
    return [m.group(1) for m in _HEADING.finditer(readme)]


def results_section(readme: str) -> str:
    """The text under the README's results heading ('' when it has none)."""
    marks = list(_HEADING.finditer(readme))
    for i, m in enumerate(marks):
        if _RESULTS.search(m.group(1)):
            return readme[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(readme)]
    return ""


def _value(m: re.Match) -> float | None:
    pct, frac = m.groups()
    value = float(pct) / 100 if pct else float(frac)
    return value if 0 < value <= 1 else None


@dataclass(frozen=True)
class _Found:
    value: float
    final: bool


def _claims(text: str) -> list[_Found]:
    found: list[_Found] = []
    columns: list[int] = []
    for line in text.splitlines():
        row = _ROW.match(line)
        if row:
            if _RULE.match(line):
                continue
            cells = [c.strip() for c in row.group(1).split("|")]
            if not any(_NUMBER.search(c) for c in cells):  # a header row
                columns = [i for i, c in enumerate(cells) if _KEYWORD.search(c)]
                continue
            for i in columns:
                m = _NUMBER.search(cells[i]) if i < len(cells) else None
                if m and (v := _value(m)) is not None:
                    found.append(_Found(v, bool(_FINAL.search(line))))
            continue
        columns = []
        for k in _KEYWORD.finditer(line):
            after = next((v for m in _NUMBER.finditer(line[k.end():k.end() + 40]) if (v := _value(m))), None)
            before = [v for m in _NUMBER.finditer(line[max(0, k.start() - 15):k.start()]) if (v := _value(m))]
            value = after if after is not None else (before[-1] if before else None)
            if value is not None:
                found.append(_Found(value, bool(_FINAL.search(line))))
    return found


@dataclass(frozen=True)
class Claim:
    value: float
    all: list[float]  # every distinct accuracy the README states
    how: str  # which one is compared, in words


def claimed_accuracy(readme: str) -> Claim | None:
    results = results_section(readme)
    found = _claims(results) or _claims(readme)
    if not found and results:  # "## 결과\n0.97": a lone number under the results heading
        numbers = [v for m in _NUMBER.finditer(results) if (v := _value(m))]
        found = [_Found(v, False) for v in numbers[:1]] if len(numbers) == 1 else []
    if not found:
        return None
    distinct = sorted({round(f.value, 4) for f in found})
    if len(distinct) == 1:
        return Claim(distinct[0], distinct, "the stated one")
    finals = sorted({round(f.value, 4) for f in found if f.final})
    if len(finals) == 1:
        return Claim(finals[0], distinct, "the one marked final/test")
    return Claim(max(finals or distinct), distinct, "the highest")
