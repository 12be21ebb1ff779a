"""Solutions and planted wrong answers of notebook 12's exercises (``course/nb12.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def members(n: int) -> int:
    """The last non-n letter is an s at position j (3^(j−1) words before it, only n
    after it): Σ_{j=1..n} 3^(j−1) = (3^n − 1)/2. The all-n word has no s: rejected."""
    return (3**n - 1) // 2


def constant_baseline(max_len: int = 6) -> float:
    """Members up to max_len against all 3 + 9 + … + 3^max_len words; the majority label
    (here: reject) is right on the larger part."""
    accepted = sum(members(n) for n in range(1, max_len + 1))
    total = sum(3**n for n in range(1, max_len + 1))
    return round(max(accepted, total - accepted) / total, 4)


SOLUTIONS: dict[str, Callable[[], Any]] = {
    "12.members-of-length": lambda: members(6),
    "12.constant-baseline": constant_baseline,
}
WRONG: dict[str, Callable[[], Any]] = {
    # planted: "half of the words", forgetting the all-n word is rejected
    "12.members-of-length": lambda: 3**6 // 2 + 1,
    # planted: the baseline taken as exactly one half
    "12.constant-baseline": lambda: 0.5,
}
