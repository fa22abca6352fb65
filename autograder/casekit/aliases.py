"""Every name torch knows an operation by, from the name a case author forbids.

``torch_names("softmax")`` is what a student could call instead of ``torch.softmax``: the
aten operators built on the same words (``_softmax``, ``special_softmax``, ``_safe_softmax``,
``_softmax_backward_data``), the Python-level functions of ``torch``, ``torch.nn.functional``,
``torch.special`` and ``torch.Tensor`` named so, and torch's documented aliases
(``torch.sigmoid`` is "Alias for torch.special.expit"). The author no longer lists torch's
internal names by hand, and a torch upgrade that adds a variant is covered.
"""

from __future__ import annotations

import re
from functools import lru_cache

import torch

from autograder.protocol.calls import aten_operator_names

_ALIAS_DOC = re.compile(r"Alias for :func:`([\w.]+)`")
_NAMESPACES = (torch, torch.nn.functional, torch.special, torch.linalg, torch.Tensor)


def _words(name: str) -> list[str]:
    return [w for w in name.split("_") if w]


def _same_word(candidate: str, wanted: str) -> bool:
    """``relu6`` and ``loss2d`` are variants of ``relu`` and ``loss``; ``linalg`` is not ``linear``."""
    return candidate == wanted or (candidate.startswith(wanted) and
                                   re.fullmatch(r"\d+d?", candidate[len(wanted):]) is not None)


def _built_on(candidate: str, wanted: list[str]) -> bool:
    """``wanted``'s words appear in ``candidate`` in order (others may come between:
    ``_scaled_dot_product_flash_attention`` is built on ``scaled_dot_product_attention``)."""
    words = iter(_words(candidate))
    return all(any(_same_word(w, v) for w in words) for v in wanted)


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    python = {k for ns in _NAMESPACES for k in dir(ns) if not k.startswith("__")}
    return aten_operator_names() | python


@lru_cache(maxsize=1)
def _aliases() -> dict[str, frozenset[str]]:
    """Documented aliases, both ways, by last name component."""
    pairs: dict[str, set[str]] = {}
    for ns in _NAMESPACES[:-1]:
        for key in dir(ns):
            try:
                doc = getattr(getattr(ns, key), "__doc__", None)
            except Exception:  # noqa: BLE001 - a lazily failing attribute is simply not an alias
                continue
            match = _ALIAS_DOC.search(doc[:400]) if isinstance(doc, str) else None
            if match:
                target = match.group(1).rsplit(".", 1)[-1]
                if target != key:
                    pairs.setdefault(key, set()).add(target)
                    pairs.setdefault(target, set()).add(key)
    return {k: frozenset(v) for k, v in pairs.items()}


@lru_cache(maxsize=None)
def torch_names(name: str) -> frozenset[str]:
    """``name`` and every torch name built on it or aliased to it (see the module's docstring)."""
    if name == "*":
        return frozenset({"*"})
    found = {name}
    for root in {name, *_aliases().get(name, ())}:
        found.add(root)
        found.update(n for n in _known_names() if _built_on(n, _words(root)))
    return frozenset(found)
