"""Weighted winnowing similarity over a cohort and its archive.

copydetect tokenizes each document (names, strings and comments folded away) and winnows its
k-grams into fingerprints; the week's template code is boilerplate (its every k-gram removed).
Fingerprints are then weighted by rarity — ``log(N / df)`` over every document of the week, as
Dolos and JPlag discount what many submissions share — so that the one obvious way to write
``exp(x - max)`` counts little and a copied, unusual fragment counts a lot. A pair's score is its
shared weight over the smaller document's weight; one sparse product scores every pair of the
cohort, and the cohort against the archive, at once (copydetect's own detector compares file by
file: 500 × 2,500 comparisons would take minutes)."""

from __future__ import annotations

import ast
import io
from dataclasses import dataclass

import numpy as np
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import filter_code, hashed_kgrams
from scipy import sparse

K = 25  # characters of filtered code per k-gram (copydetect's noise threshold)
WINDOW = 6  # winnowing window: any match of K + WINDOW - 1 characters is found (copydetect's guarantee 30)
POWER = 2.0
MIN_FINGERPRINTS = 8  # documents with fewer (after the template is removed) are too small to compare


@dataclass(frozen=True)
class Doc:
    key: str  # this cohort: student id; archive: "cohort 18 / S-1a2b3c"
    code: str
    archived: bool = False


def fingerprint(code: str, boilerplate: np.ndarray | None = None) -> CodeFingerprint:
    return CodeFingerprint("code.py", K, WINDOW, boilerplate=boilerplate, language="python", fp=io.StringIO(code))


def units(code: str) -> list[str]:
    """Top-level definitions one by one (and the module's other statements together): a k-gram that
    spans two functions depends on the order a student put them in, which a copier changes freely."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [code]
    lines = code.splitlines(keepends=True)
    defs, rest = [], []
    for node in tree.body:
        text = "".join(lines[node.lineno - 1:node.end_lineno])
        (defs if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else rest).append(text)
    return defs + ["".join(rest)]


def unit_hashes(code: str, boilerplate: np.ndarray | None) -> set[int]:
    out: set[int] = set()
    for unit in units(code):
        if unit.strip():
            out |= {int(h) for h in fingerprint(unit, boilerplate).hashes}
    return out


def boilerplate_hashes(code: str) -> np.ndarray:
    """Every k-gram of the given code (not only winnowed ones: a document's window may pick others)."""
    filtered, _ = filter_code(code, "code.py", "python")
    return np.unique(hashed_kgrams(filtered, K)) if len(filtered) >= K else np.array([], dtype=np.int64)


@dataclass
class Scores:
    docs: list[Doc]
    fingerprints: list[CodeFingerprint]
    cohort: list[int]  # indexes of this cohort's documents
    pairs: np.ndarray  # rows of (i, j, score): i in the cohort, j after i in the cohort or archived
    usable: np.ndarray  # bool per document: large enough to compare

    def matches(self, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Character slices of the matched code in both documents (for the side-by-side page)."""
        _, _, (a, b) = compare_files(self.fingerprints[i], self.fingerprints[j])
        return a, b


def score(docs: list[Doc], template_code: str) -> Scores:
    boiler = boilerplate_hashes(template_code) if template_code.strip() else None
    fps = [fingerprint(d.code, boiler) for d in docs]  # whole documents: for the side-by-side highlights
    hashes = [unit_hashes(d.code, boiler) for d in docs]
    usable = np.array([len(h) >= MIN_FINGERPRINTS for h in hashes])
    vocab: dict[int, int] = {}
    rows, cols = [], []
    for i, hs in enumerate(hashes):
        if not usable[i]:
            continue
        for h in hs:
            rows.append(i)
            cols.append(vocab.setdefault(int(h), len(vocab)))
    cohort = [i for i, d in enumerate(docs) if not d.archived]
    if not vocab:
        return Scores(docs, fps, cohort, np.zeros((0, 3)), usable)
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(vocab)))
    df = np.asarray(m.sum(axis=0)).ravel()
    # a fingerprint only one document has counts in that document's total: what is its own makes it
    # less like any other (order does not: k-grams never span two units)
    idf = np.log(usable.sum() / df) ** POWER
    weighted = m @ sparse.diags(idf)
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    shared = (weighted[cohort] @ m.T).tocoo()  # cohort × all: shared weight
    i = np.asarray(cohort)[shared.row]
    j = shared.col
    keep = (i != j) & (~np.isin(j, cohort) | (j > i))
    i, j, w = i[keep], j[keep], shared.data[keep]
    denom = np.minimum(totals[i], totals[j])
    s = np.where(denom > 0, w / np.maximum(denom, 1e-12), 0.0)
    return Scores(docs, fps, cohort, np.column_stack([i, j, np.clip(s, 0, 1)]), usable)
