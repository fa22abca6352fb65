"""A write-up's sections, found the ways students mark them: markdown headings, bold lines,
bold or plain ``label:`` lines (``**선택한 패턴:** 초개인화``, ``패턴: 초개인화``), numbered
lines (``1. 패턴 / Pattern``), bracketed labels (``[패턴] 인식``, ``【적용】``), bullets (``• 입력: …``),
``패턴 – 인식`` lines, table rows (``| 패턴 | 인식 |``) — and,
with no marker at all, paragraph order.

Headings split the text whatever they say; the weaker markers (labels, numbers, bullets, rows)
only where what they say names a section, so that ordinary bullets stay part of their section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograder.writeup.rubric_file import Section

_TITLE = re.compile(r"주차|과제|seven patterns|일곱", re.IGNORECASE)  # the document's title, not a section
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s+(?P<h>.+?)\s*#*|\*\*(?P<b>[^*]+?)\*\*\s*:?|__(?P<u>[^_]+?)__\s*:?)\s*$")
_LABEL = re.compile(r"^\s*(?:(?:[-*+•·▪◦○●□■]|\d{1,2}[.)]|[①-⑩]|[가-하][.)])\s*)?(?:\*\*|__)?"
                    r"(?P<label>[^:：*|\n]{1,30}?)\s*(?:\*\*|__)?(?:\s*[:：]|\s+[-–—]\s)\s*(?:\*\*|__)?\s*(?P<rest>.*)$")
_BRACKET = re.compile(r"^\s*[\[【〈《<]\s*(?P<label>[^\]】〉》>\n]{1,30}?)\s*[\]】〉》>]\s*(?P<rest>.*)$")  # [패턴] 인식
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.)]|[①-⑩]|[가-하][.)]|Q\d{0,2}[.):]?|질문\s*\d{0,2}[.):]?)\s+(?:\*\*|__)?(?P<label>[^*_\n]{1,40}?)(?:\*\*|__)?\s*$")
_HANGUL = re.compile(r"[가-힣]")
_SENTENCE_END = re.compile(r"(?:다|요|니다)[.!]?\s*$")  # a sentence with a colon is not a label (a question is)
_ROW = re.compile(r"^\s*\|(?P<cells>.+)\|\s*$")
# "• 적용 분야" over indented "  ◦ …" items (pasted from HWP/Word): a bullet that titles the items under it
_BULLET_TITLE = re.compile(r"^\s*[-*+•·▪◦○●□■➢►▶]\s+(?:\*\*|__)?(?P<label>[^:：\n*_]{1,20}?)(?:\*\*|__)?\s*$")
_RULE_ROW = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")


@dataclass(frozen=True)
class Sections:
    bodies: dict[str, str]  # kind → its text (first section of each kind)
    headings: dict[str, str]  # kind → the heading or label as written
    by_order: bool = False  # no markers: paragraphs taken in the rubric's order
    placed: str | None = None  # a section whose heading names none, taken by its place in the order

    def missing(self, kinds) -> list[str]:
        return [k for k in kinds if k not in self.bodies]


@dataclass(frozen=True)
class _Mark:
    line: int
    label: str
    rest: str  # text after the label on the same line (part of the body)
    strong: bool  # a heading or a whole bold line


def _kind(label: str, kinds: dict[str, Section]) -> str | None:
    """The section a heading or label names. Korean phrases are head-final ("패턴의 적용" is
    about the application), English ones head-first ("Application of the pattern")."""
    if _TITLE.search(label) or _SENTENCE_END.search(label):
        return None
    found = [(m.start(), k) for k, s in kinds.items() if (m := s.regex.search(label))]
    if not found:
        return None
    return (max if _HANGUL.search(label) else min)(found)[1]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _titles_items(lines: list[str], i: int) -> bool:
    """The next non-empty line is indented further than line ``i``: its sub-items."""
    below = next((line for line in lines[i + 1:] if line.strip()), "")
    return _indent(below) > _indent(lines[i])


def _mark(line: str, i: int, kinds: dict[str, Section], lines: list[str]) -> _Mark | None:
    bullet = _BULLET_TITLE.match(line)
    if bullet and _kind(bullet["label"], kinds) and _titles_items(lines, i):
        return _Mark(i, bullet["label"].strip(), "", False)
    m = _HEADING.match(line)
    if m:
        return _Mark(i, (m["h"] or m["b"] or m["u"]).strip(" *_:"), "", True)
    row = _ROW.match(line)
    if row and not _RULE_ROW.match(line):
        cells = [c.strip(" *_") for c in row["cells"].split("|")]
        if cells and _kind(cells[0], kinds):
            return _Mark(i, cells[0], " ".join(c for c in cells[1:] if c), False)
        return None
    for rx in (_BRACKET, _LABEL, _NUMBERED):
        m = rx.match(line)
        if m and _kind(m["label"], kinds):
            return _Mark(i, m["label"].strip(), (m.groupdict().get("rest") or "").strip(), False)
    return None


def strip_comments(text: str) -> str:
    return _COMMENT.sub("", text)


def sections(text: str, kinds: dict[str, Section]) -> Sections:
    lines = strip_comments(text).splitlines()
    marks = [m for i, line in enumerate(lines) if (m := _mark(line, i, kinds, lines))]
    strong = [m for m in marks if m.strong]
    if len({_kind(m.label, kinds) for m in strong} - {None}) >= 2:
        marks = strong  # a document organised by headings: labels inside are content
    bodies: dict[str, str] = {}
    headings: dict[str, str] = {}
    current: str | None = None
    starts: list[tuple[_Mark, str | None]] = []
    for m in marks:
        kind = _kind(m.label, kinds)
        if not m.strong and kind == current:
            continue  # "입력: …" inside the input & output section
        starts.append((m, kind))
        current = kind
    ends = [m.line for m, _ in starts[1:]] + [len(lines)]

    def take(n: int, kind: str) -> None:  # the text from a mark to the next one is its section
        m = starts[n][0]
        bodies[kind] = "\n".join([m.rest, *lines[m.line + 1:ends[n]]]).strip()
        headings[kind] = m.label

    for n, (_, kind) in enumerate(starts):
        if kind and kind not in bodies:
            take(n, kind)
    if not bodies:
        return _by_order(lines, kinds)
    placed = _by_place(starts, kinds, bodies)
    if placed:
        take(*placed)
        return Sections(bodies, headings, placed=placed[1])
    return Sections(bodies, headings)


def _by_place(starts: list[tuple["_Mark", str | None]], kinds: dict[str, Section],
              bodies: dict[str, str]) -> tuple[int, str] | None:
    """(index of the mark, section) for one section missing and one heading that names none, standing
    where the missing one belongs in the template's order ("## 3. 모델 설계" holding the input and
    output sentences): that heading is the section (said in the reason)."""
    missing = [k for k in kinds if k not in bodies]
    unnamed = [n for n, (m, kind) in enumerate(starts) if kind is None and m.strong and not _TITLE.search(m.label)]
    if len(missing) != 1 or len(unnamed) != 1:
        return None
    order = list(kinds)
    n, place = unnamed[0], order.index(missing[0])
    before = [order.index(kind) for _, kind in starts[:n] if kind is not None]
    after = [order.index(kind) for _, kind in starts[n + 1:] if kind is not None]
    if (before and max(before) > place) or (after and min(after) < place):
        return None
    return n, missing[0]


def _by_order(lines: list[str], kinds: dict[str, Section]) -> Sections:
    """No markers: one paragraph per section, in order, when there are exactly as many
    paragraphs (after a title line) as sections."""
    text = "\n".join(line for line in lines if not _HEADING.match(line) or not _TITLE.search(line))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if re.search(r"\w", p)]
    if len(paragraphs) != len(kinds):
        return Sections({}, {})
    return Sections(dict(zip(kinds, paragraphs)), {k: "" for k in kinds}, by_order=True)


def without_headings(text: str) -> str:
    return "\n".join(line for line in strip_comments(text).splitlines() if not _HEADING.match(line))
