"""Near-identical write-ups, and write-ups that copy the prompt, flagged for a TA.

Character n-gram TF-IDF (robust to Korean particles and spacing) with cosine similarity:
whole write-ups against each other, and every paragraph of a write-up against every paragraph
of the prompt (each language is its own paragraph there), so that pasting one paragraph of a
bilingual prompt is found. Flags never change a score: a TA decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from autograder.groups import clusters
from autograder.writeup.structure import without_headings

PAIR_THRESHOLD = 0.85
PROMPT_THRESHOLD = 0.80
MIN_PARAGRAPH = 40  # characters: a pattern's name or a short line is not a copy


@dataclass(frozen=True)
class Flag:
    students: tuple[str, ...]  # one student (prompt copy), or a group of two or more
    kind: str  # similar-writeups | copies-prompt
    similarity: float  # the group's highest pairwise similarity
    lowest: float | None = None  # for a group of three or more: its lowest linked pair

    def detail(self) -> str:
        if self.kind == "copies-prompt":
            return f"a paragraph of the write-up is {self.similarity:.0%} similar to one of the prompt's — TA to review"
        if len(self.students) > 2:
            return (f"{len(self.students)} write-ups form one group of near-identical texts ({self.lowest:.0%}–"
                    f"{self.similarity:.0%} similar pairs): {', '.join(self.students)} — TA to review")
        return f"write-ups of {' and '.join(self.students)} are {self.similarity:.0%} similar — TA to review"


def flags(texts: dict[str, str], prompt: str) -> list[Flag]:
    """``texts``: student → write-up. Pairs above PAIR_THRESHOLD and prompt copies above
    PROMPT_THRESHOLD, most similar first. Empty write-ups are left to the rubric."""
    names = [s for s, t in texts.items() if without_headings(t).strip()]
    if not names:
        return []
    docs = [without_headings(texts[s]) for s in names]
    mine = [paragraphs(d) for d in docs]
    given = paragraphs(without_headings(prompt))
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    vectorizer.fit(docs + [p for ps in mine for p in ps] + given + [prompt])
    sim = cosine_similarity(vectorizer.transform(docs))
    prompt_vectors = vectorizer.transform(given) if given else None
    found = []
    linked = []
    for i, a in enumerate(names):
        if prompt_vectors is not None and mine[i]:
            best = float(cosine_similarity(vectorizer.transform(mine[i]), prompt_vectors).max())
            if best >= PROMPT_THRESHOLD:
                found.append(Flag((a,), "copies-prompt", best))
        linked += [(i, j) for j in range(i + 1, len(names)) if sim[i, j] >= PAIR_THRESHOLD]
    for group in clusters(linked):  # a group of identical write-ups is one flag naming everyone in it
        edges = [float(sim[i, j]) for i, j in linked if i in group]
        found.append(Flag(tuple(names[i] for i in group), "similar-writeups", max(edges),
                          min(edges) if len(group) > 2 else None))
    return sorted(found, key=lambda f: -f.similarity)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs long enough to be copied prose."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) >= MIN_PARAGRAPH]
