"""Dyck-(1, 2), the language of notebooks 10 and 11's exercises: the family's UHAT and a
bracket counter written here from the definition (the exercises' reference)."""

from __future__ import annotations

from succinct import UHAT
from succinct.registry import get_family

__all__ = ["PARAMS", "balanced", "uhat"]

PARAMS = {"k": 1, "D": 2}


def balanced(word: tuple[str, ...], depth: int = PARAMS["D"]) -> bool:
    """Dyck-(1, depth) membership by counting: never below 0 nor above ``depth``, 0 at
    the end."""
    height = 0
    for s in word:
        height += 1 if s == "(" else -1
        if not 0 <= height <= depth:
            return False
    return height == 0


def uhat() -> UHAT:
    """The ``dyck`` family's UHAT for Dyck-(1, 2)."""
    return get_family("dyck").build("uhat", PARAMS)
