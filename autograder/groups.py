"""Pairs into groups: the connected components of "flagged together" (scipy's csgraph), so that
twelve identical submissions are one line naming twelve students, not 66 pairs."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def clusters(pairs: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Groups of two or more, each in first-seen order; groups in order of their first member."""
    pairs = list(pairs)
    nodes = list(dict.fromkeys(n for pair in pairs for n in pair))
    if not nodes:
        return []
    index = {n: i for i, n in enumerate(nodes)}
    rows = [index[a] for a, _ in pairs]
    cols = [index[b] for _, b in pairs]
    graph = coo_matrix(([1] * len(pairs), (rows, cols)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[Hashable]] = {}
    for n in nodes:
        groups.setdefault(int(labels[index[n]]), []).append(n)
    return [g for g in groups.values() if len(g) > 1]
