"""Cognilytica's seven patterns of AI, with the Korean and English names students write."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    key: str
    korean: str
    english: str
    aliases: tuple[str, ...]  # regular expressions, matched case-insensitively

    @property
    def label(self) -> str:
        return f"{self.korean} / {self.english}"


PATTERNS = (
    Pattern("hyper_personalization", "초개인화", "Hyper-personalization",
            (r"초\s*개인화", r"hyper[\s-]*personali[sz]ation", r"초개인\s*맞춤", r"개인\s*맞춤\s*추천",
             r"personali[sz]ed\s+recommendations?")),
    Pattern("recognition", "인식", "Recognition",
            (r"인식", r"\brecognition\b")),
    Pattern("conversation", "대화·상호작용", "Conversation & human interaction",
            (r"대화\s*[·와과및/,]?\s*(?:인간\s*)?상호\s*작용", r"대화형", r"챗봇",
             r"\bconversation(?:al)?\b", r"human\s+interaction", r"chat\s*bots?")),
    Pattern("predictive", "예측 분석·의사결정", "Predictive analytics & decisions",
            (r"예측\s*분석", r"예측\s*(?:및|과|와|·)?\s*의사\s*결정", r"predictive\s+analytics",
             r"predictive\s+analytics\s+(?:and|&)\s+decisions?")),
    Pattern("goal_driven", "목표 지향", "Goal-driven systems",
            (r"목표\s*지향", r"goal[\s-]*driven", r"goal[\s-]*oriented")),
    Pattern("autonomous", "자율 시스템", "Autonomous systems",
            (r"자율\s*(?:시스템|체계|주행)", r"autonomous\s+(?:systems?|vehicles?|driving)", r"self[\s-]*driving")),
    Pattern("patterns_anomalies", "패턴·이상 탐지", "Patterns & anomalies",
            (r"패턴\s*[·와과및/,]?\s*이상\s*(?:탐지|감지|징후)?", r"이상\s*(?:탐지|감지)",
             r"patterns?\s*(?:and|&)\s*anomal(?:y|ies)", r"anomaly\s+detection")),
)

_COMPILED = [(p, [re.compile(a, re.IGNORECASE) for a in p.aliases]) for p in PATTERNS]


def patterns_named(text: str) -> list[Pattern]:
    """The patterns ``text`` names, in the order of the list above."""
    return [p for p, regexes in _COMPILED if any(r.search(text) for r in regexes)]
