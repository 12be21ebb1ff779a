"""Solutions and planted wrong answers of notebook 08's exercises (``course/nb08.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SOLUTIONS: dict[str, Callable[[], Any]] = {
    # abb maps 0↦2, 1↦2, 2↦0, 3↦2: it swaps 0 and 2, so (abb)^k alternates between two
    # maps (period 2) and the monoid is not aperiodic
    "08.aperiodic": lambda: False,
    "08.witness": lambda: "abb",
}
WRONG: dict[str, Callable[[], Any]] = {
    # planted: looked at the letters only (each alone has period 1)
    "08.aperiodic": lambda: True,
    # planted: the shortest word over both letters, which has period 1
    "08.witness": lambda: "ab",
}
