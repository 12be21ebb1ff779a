"""Solutions and planted wrong answers of notebook 07's exercises (``course/nb07.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SOLUTIONS: dict[str, Callable[[], Any]] = {
    # stacks: sum_{d ≤ D} 3^d = (3^{D+1} − 1)/2, plus the sink; the empty stack is
    # accepting except at the start (the empty word is no member): + 1
    "07.dfa-states": lambda: "(3**(D + 1) - 1)/2 + 2",
    # D rounds × (left, right) + the final "anything unmatched?" look
    "07.uhat-attention": lambda: "2*D + 1",
}
WRONG: dict[str, Callable[[], Any]] = {
    # planted: the start state forgotten (stacks + sink only)
    "07.dfa-states": lambda: "(3**(D + 1) - 1)/2 + 1",
    # planted: one look per round, as if cancellation only looked left
    "07.uhat-attention": lambda: "D + 1",
}
