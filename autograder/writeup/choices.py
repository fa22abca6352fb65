"""Which option of a rubric's choices (week 1: the seven patterns) a write-up chose — by what
the sentences say, not by every mention.

A name used as a verb ("자세를 인식해서", "예측하고") is not a mention. When several are named,
the wording decides: "초개인화도 고려했지만 최종적으로 예측 분석을 선택했다", "X 대신 Y",
"선택한 패턴: Y", "I chose Y", or Y opening its line ("초개인화 — …") pick Y; an option rejected so ("…도 고려했지만", "X가 아니라")
does not count. Two options are reported only when nothing says which one was chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograder.writeup.rubric_file import Choices, Option

# Hangul right after the name that makes it a verb or adjective: 인식해서, 인식하는, 인식된, 인식시켜
_VERB = re.compile(r"^(?:하|해|했|한|할|함|되|돼|됐|된|될|됨|시키|시켜)")
_CHOSEN_AFTER = re.compile(r"^['\"’”」』\]]*\s*(?:\([^)]*\)\s*)?(?:패턴|시스템|pattern)?\s*(?:을|를|으로|로|이라는\s*패턴을)?\s*"
                           r"(?:최종\s*)?(?:선택|골랐|고른|골라|고릅|정했|정함|택했|택함|택한|선정)", re.IGNORECASE)
_CHOSEN_BEFORE = re.compile(r"(?:최종적으로|최종\s*선택|결국|선택한\s*패턴\s*[은는:：]?|선택\s*[:：]|"
                            r"\bchose|\bselected|\bpicked|\bI\s+choose|\bmy\s+choice\s+is)"
                            r"[^.。!?\n]{0,20}$", re.IGNORECASE)
_REJECTED_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:패턴|시스템)?\s*(?:도|은|는|을|를)?\s*"
                             r"(?:(?:고려|생각|고민|검토)(?:했|하였|해\s*봤|해보았)[^.。\n]{0,10}?(?:지만|으나|는데|만)|"
                             r"대신|이\s*아니라|가\s*아니라|보다는|말고|(?:은|는)\s*제외|[과와]\s*(?:달리|다르게))",
                             re.IGNORECASE)
_REJECTED_BEFORE = re.compile(r"(?:instead\s+of|rather\s+than|not)\s*(?:the\s+)?$", re.IGNORECASE)
# a name followed by another one: listed together ("인식과 …"), or offered as alternatives ("인식 또는 …")
_LISTED_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:과|와|및|,|/|·|그리고|하고|이랑|랑|또는|혹은|아니면|이나\s|나\s|"
                           r"\band\b|\bor\b|&)", re.IGNORECASE)
# what may precede a name that opens its line ("초개인화 — …", "- 인식", "A. 인식", "선택: 인식")
_LINE_LEAD = re.compile(r"^[\s>*_#\-•·]*(?:(?:\d{1,2}|[A-Z])[.)]\s*)?(?:[^:：\n]{0,15}[:：]\s*)?(?:\*\*)?\s*$")


@dataclass(frozen=True)
class Chosen:
    options: list[Option]  # what the write-up chose (one when the choice is clear)
    named: list[Option]  # every option it names (not as a verb)
    how: str  # how the choice was read, for the reason shown to the student


def _mentions(text: str, option: Option) -> list[re.Match]:
    return [m for rx in option.regexes for m in rx.finditer(text) if not _VERB.match(text[m.end():m.end() + 3])]


def _opens_line(text: str, m: re.Match) -> bool:
    """The name opens its line, and is not the first of a list ("인식과 예측 분석을 같이 …")."""
    return (bool(_LINE_LEAD.match(text[text.rfind("\n", 0, m.start()) + 1:m.start()]))
            and not _LISTED_AFTER.match(text[m.end():m.end() + 40]))  # room for "(Conversation) 과"


def chosen(text: str, choices: Choices) -> Chosen:
    found = {o.key: _mentions(text, o) for o in choices.options}
    named = [o for o in choices.options if found[o.key]]
    if len(named) <= 1:
        return Chosen(named, named, "named")
    picked, rejected = [], []
    for o in named:
        for m in found[o.key]:
            line_start = text.rfind("\n", 0, m.start()) + 1  # cues are read within the name's line
            before, after = text[max(line_start, m.start() - 40):m.start()], text[m.end():m.end() + 40]
            if _REJECTED_AFTER.match(after) or _REJECTED_BEFORE.search(before):
                rejected.append(o)
            elif _CHOSEN_AFTER.match(after) or _CHOSEN_BEFORE.search(before) or _opens_line(text, m):
                picked.append(o)
    picked = [o for o in named if o in picked and o not in rejected]
    if picked:
        return Chosen(picked, named, "by what the write-up says it chose")
    left = [o for o in named if o not in rejected]
    if len(left) == 1:
        others = ", ".join(o.label for o in named if o in rejected)
        return Chosen(left, named, f"{others} considered but not chosen")
    return Chosen(left or named, named, "named")
