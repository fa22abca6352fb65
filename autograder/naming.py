"""The submission file-name convention: ``N주차 과제_<기수>기 <이름>.ipynb``.

macOS commits decomposed Hangul (NFD), and students type the name by hand, so names are
NFC-normalised and small deviations are tolerated — each one is reported, never hidden.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_STEM = (r"^\s*(?P<week>\d{1,2})\s*주차(?P<gap1>\s*)과제\s*(?P<sep>[_\-\s]+)\s*"
         r"(?P<cohort>\d{1,3})\s*기(?P<gap2>[\s_\-]*)(?P<name>[^\s_\-][^_]*?)\s*"
         r"(?P<copy>(?:\(\d{1,2}\)|-\s*(?:복사본|사본|copy)|copy|\s*[_\-]\s*(?:final|최종|수정|제출))\s*)?")
_PATTERN = re.compile(_STEM + r"\.(?P<ext>[A-Za-z0-9]{1,5})$", re.IGNORECASE)
_FOLDER = re.compile(_STEM + r"(?P<ext>)$")  # a project folder: "7주차 과제_19기 박세훈/"
# Loose enough to recognise "meant to be a submission, but misnamed".
_LOOKS_LIKE = re.compile(r"\d+\s*주\s*차")


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def file_name_part(text: str) -> str:
    """``text`` (a roster name) as part of a file name the grader writes: no folder separators, control
    characters or characters Windows refuses, at most 80 characters."""
    return _UNSAFE_IN_FILE_NAMES.sub("_", nfc(text)).strip(". ")[:80] or "_"


_LATIN = re.compile(r"[A-Za-z]+")
_HANGUL = re.compile(r"[가-힣]+")


def typed_in_english(name: str) -> str | None:
    """The Hangul a name of Latin letters spells on a Korean (2-set) keyboard left in English mode
    ('whtmdgus' → '조승현'), or None when it spells none."""
    if not _LATIN.fullmatch(name):
        return None
    from hangul.convert_qwerty_to_hangul_alphabet import convert_qwerty_to_hangul

    hangul = convert_qwerty_to_hangul(name)
    return hangul if _HANGUL.fullmatch(hangul) else None


COHORT_PLACEHOLDERS = ("<기수>", "<cohort>")  # in handed-out file names and text: the course's cohort


def fill_cohort(text: str, cohort: int | None) -> str:
    """Handed-out text with the course's cohort in place of the placeholders (kept without one)."""
    for placeholder in COHORT_PLACEHOLDERS if cohort is not None else ():
        text = text.replace(placeholder, str(cohort))
    return text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def canonical_name(week: int, cohort: int, name: str, ext: str = "ipynb") -> str:
    return f"{week}주차 과제_{cohort}기 {name}.{ext}" if ext else f"{week}주차 과제_{cohort}기 {name}"


@dataclass(frozen=True)
class ParsedName:
    week: int
    cohort: int
    name: str
    ext: str  # any extension: whether it is the right type is the assignment's question
    tolerated: tuple[str, ...] = field(default=())  # deviations from the canonical form
    misnamed: tuple[str, ...] = field(default=())  # of those, the ones that are more than spacing


def parse(filename: str, *, folder: bool = False) -> ParsedName | None:
    """Parse a file's base name (or, with ``folder``, a project folder's name); None when it
    does not follow the convention."""
    tolerated: list[str] = []
    normal = nfc(filename)
    if normal != filename:
        tolerated.append("decomposed (NFD) Hangul in the file name")
    m = (_FOLDER if folder else _PATTERN).match(normal)
    if not m or (folder and "." in m["name"]):
        return None
    misnamed: list[str] = []
    if not m["gap1"]:
        tolerated.append("no space between '주차' and '과제'")
    if m["sep"] != "_":
        tolerated.append(f"separator {m['sep']!r} instead of '_'")
    if not m["gap2"]:
        tolerated.append("no space between '기' and the name")
    elif m["gap2"].strip():
        misnamed.append(f"{m['gap2'].strip()!r} between '기' and the name instead of a space")
    if m["copy"]:
        misnamed.append(f"a copy's suffix {m['copy'].strip()!r} after the name")
    name = re.sub(r"\s+", " ", m["name"].strip())
    canon = canonical_name(int(m["week"]), int(m["cohort"]), name, m["ext"].lower())
    if not tolerated and not misnamed and normal != canon:
        tolerated.append("extra spaces")
    return ParsedName(int(m["week"]), int(m["cohort"]), name, m["ext"].lower(), (*tolerated, *misnamed),
                      tuple(misnamed))


def looks_like_submission(filename: str) -> bool:
    """True for names that seem meant as a submission but do not parse."""
    return bool(_LOOKS_LIKE.search(nfc(filename)))
