"""A regrade request as a student writes it: a markdown file in git.

``regrade/N주차.md`` in the student's own repository, or ``regrade/N주차 재채점_<기수>기 <이름>.md`` in a
shared class repository. It names the case(s) as feedback shows them (``softmax/stability`` or
``softmax/stability — title``) under a heading like ``## 케이스 / Cases`` and says why under
``## 이유 / Reason``; without headings, the case ids written anywhere in it are taken. Parsed with
markdown-it (the CommonMark parser rich already uses), so comments, code spans and list styles
are read the way a markdown viewer shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from autograder.naming import nfc

# "regrade/2주차.md", "regrade/2 주차 재채점_19기 박세훈.md" (NFC first: macOS commits NFD Hangul)
_NAME = re.compile(r"^regrade/\s*(?P<week>\d{1,2})\s*주\s*차\s*(?:재\s*채\s*점)?\s*(?:[_\-\s]+\s*"
                   r"(?P<cohort>\d{1,3})\s*기[\s_\-]*(?P<name>[^/]+?))?\s*\.(?:md|txt|markdown)$", re.IGNORECASE)
_CASES = re.compile(r"케이스|테스트|항목|case|test|item", re.IGNORECASE)
_REASON = re.compile(r"이유|사유|근거|설명|reason|why|explanation", re.IGNORECASE)
_ID_LIKE = re.compile(r"^[\w.\-]+(?:/[\w.\-\[\]=,]+)+$")  # softmax/stability, manual/clarity


@dataclass(frozen=True)
class RequestName:
    week: int
    cohort: int | None  # None: the file does not name its student (a student's own repository)
    name: str | None


def parse_name(path: str) -> RequestName | None:
    """The week (and, in a shared repository, the student) a request file is about; None for any
    other file."""
    m = _NAME.match(nfc(path))
    if not m:
        return None
    return RequestName(int(m["week"]), int(m["cohort"]) if m["cohort"] else None,
                       re.sub(r"\s+", " ", m["name"].strip()) if m["name"] else None)


def file_names(week: int, cohort: int | None = None) -> tuple[str, str]:
    """(own repository, shared repository) names of the request file for ``week``."""
    return f"regrade/{week}주차.md", f"regrade/{week}주차 재채점_{cohort if cohort is not None else '<기수>'}기 <이름>.md"


@dataclass(frozen=True)
class Request:
    cases: tuple[str, ...]  # known case ids it names, in its order
    unknown: tuple[str, ...]  # what it names that is no case of the assignment
    reason: str


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """[(heading, [text of each paragraph or list item])], the part before any heading under ''."""
    out: list[tuple[str, list[str]]] = [("", [])]
    tokens = MarkdownIt("commonmark").parse(text)
    for i, tok in enumerate(tokens):
        if tok.type in ("html_block", "fence", "code_block"):  # kept as typed (escaped where shown)
            out[-1][1].extend(line.strip() for line in tok.content.splitlines() if line.strip())
        if tok.type != "inline":
            continue
        if i and tokens[i - 1].type == "heading_open":
            out.append((tok.content.strip(), []))
            continue
        out[-1][1].extend(_inline_lines(tok))
    return out


def _inline_lines(tok) -> list[str]:
    """An inline token's text, one entry per source line, code spans kept with their backticks."""
    lines, cur = [], []
    for c in tok.children or []:
        if c.type in ("softbreak", "hardbreak"):
            lines.append("".join(cur).strip())
            cur = []
        elif c.type == "code_inline":
            cur.append(f"`{c.content}`")
        elif c.type in ("text", "html_inline"):  # what the student typed, tags too (escaped where shown)
            cur.append(c.content)
    lines.append("".join(cur).strip())
    return [line for line in lines if line]


def _named(line: str) -> str:
    """The case a line of the cases section names: its first code span, else its first word
    (``softmax/stability — 수치 안정성`` names ``softmax/stability``)."""
    code = re.search(r"`([^`]+)`", line)
    first = code.group(1) if code else re.split(r"\s+[—–:-]\s+|\s", line.strip(), maxsplit=1)[0]
    return first.strip().strip(".,;:()[]*\"'")


def parse_request(text: str, known: set[str]) -> Request:
    """What a request names (matched case-insensitively against ``known`` case ids; a manual rubric
    item may be written with or without its ``manual/`` prefix) and its reason."""
    lookup = {k.casefold(): k for k in known}
    lookup.update({k.removeprefix("manual/").casefold(): k for k in known if k.startswith("manual/")})
    sections = _sections(re.sub(r"<!--.*?-->", "", text, flags=re.S))
    case_parts = [p for head, parts in sections if head and _CASES.search(head) for p in parts]
    reason_parts = [p for head, parts in sections if head and _REASON.search(head) and not _CASES.search(head)
                    for p in parts]
    found: list[str] = []
    unknown: list[str] = []
    if case_parts:
        for line in case_parts:
            name = _named(line)
            if name:
                (found if name.casefold() in lookup else unknown).append(name)
    else:  # no cases heading: every case id written anywhere, and code spans that look like one
        for _, parts in sections:
            for line in parts:
                for token in re.findall(r"`([^`]+)`|([\w.\-]+(?:/[\w.\-\[\]=,]+)+)", line):
                    name = (token[0] or token[1]).strip()
                    if name.casefold() in lookup:
                        found.append(name)
                    elif _ID_LIKE.match(name) and not name.startswith(("http", "www.")):
                        unknown.append(name)
    if not reason_parts:  # no reason heading: the text that is not the cases list
        reason_parts = [p for head, parts in sections if not (head and _CASES.search(head)) for p in parts
                        if not (found and _named(p).casefold() in lookup and len(p.split()) <= 3)]
    cases = tuple(dict.fromkeys(lookup[n.casefold()] for n in found))
    return Request(cases, tuple(dict.fromkeys(unknown)), "\n".join(reason_parts).strip())


def template_text(week: int, title: str, cohort: int | None) -> str:
    """The request file students copy (``build`` writes it beside the week's template)."""
    own, shared = file_names(week, cohort)
    return f"""# {week}주차 재채점 요청 / Regrade request — {title}

<!--
피드백(feedback 브랜치 또는 받은 피드백 파일)에 나온 테스트 이름을 '케이스' 아래에 한 줄에 하나씩 적고,
그 점수가 왜 틀렸다고 생각하는지 '이유' 아래에 적으세요. 이 파일을 개인 저장소에서는 `{own}`,
반 공용 저장소에서는 `{shared}` 로 커밋하고 push 하면 조교가 봅니다.
고쳐서 다시 push 하면 아직 결정되지 않은 요청이 바뀝니다. 피드백을 받은 뒤 정해진 기간 안에 요청하세요.

Write each test's name as your feedback shows it under 'Cases' (one per line) and why you think its
points are wrong under 'Reason'. Commit this file as `{own}` in your own repository, or as
`{shared}` in a shared class repository, and push: the TAs see it. Pushing an edited file updates a
request that is not decided yet. Ask within the regrade window after your feedback.
-->

## 케이스 / Cases

- 

## 이유 / Reason

"""


def write_template(folder, week: int, title: str, cohort: int | None):
    """``folder/regrade/N주차.md``: what ``build`` hands out beside the week's template."""
    path = folder / "regrade" / f"{week}주차.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(week, title, cohort), encoding="utf-8")
    return path
