"""Near-identical write-ups, and write-ups that mostly repeat the prompt, flagged for a TA.

Character n-gram TF-IDF (robust to Korean particles and spacing) with cosine similarity.
Flags never change a score: a TA decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from autograder.writeup.text import without_headings

PAIR_THRESHOLD = 0.85
PROMPT_THRESHOLD = 0.80


@dataclass(frozen=True)
class Flag:
    students: tuple[str, ...]  # one student (prompt copy) or two (a pair)
    kind: str  # similar-writeups | copies-prompt
    similarity: float

    def detail(self) -> str:
        if self.kind == "copies-prompt":
            return f"write-up is {self.similarity:.0%} similar to the assignment prompt — TA to review"
        return f"write-ups of {' and '.join(self.students)} are {self.similarity:.0%} similar — TA to review"


def flags(texts: dict[str, str], prompt: str) -> list[Flag]:
    """``texts``: student → write-up. Pairs above PAIR_THRESHOLD and prompt copies above
    PROMPT_THRESHOLD, most similar first. Empty write-ups are left to the rubric."""
    names = [s for s, t in texts.items() if without_headings(t).strip()]
    if not names:
        return []
    docs = [without_headings(texts[s]) for s in names] + [without_headings(prompt)]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(docs)
    sim = cosine_similarity(matrix)
    found = []
    for i, a in enumerate(names):
        if sim[i, -1] >= PROMPT_THRESHOLD:
            found.append(Flag((a,), "copies-prompt", float(sim[i, -1])))
        for j in range(i + 1, len(names)):
            if sim[i, j] >= PAIR_THRESHOLD:
                found.append(Flag((a, names[j]), "similar-writeups", float(sim[i, j])))
    return sorted(found, key=lambda f: -f.similarity)
