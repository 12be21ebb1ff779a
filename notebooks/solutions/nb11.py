"""Solutions and planted wrong answers of notebook 11's exercises (``course/nb11.py``)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from succinct.compiler.relax import relax
from succinct.models.softmax import SoftmaxTransformer, numpy_forward
from succinct.registry import get_family

PARAMS = {"k": 1, "D": 2}


def largest_covered(scale: float = 100.0, K: int = 2) -> int:
    """β(N) = 2N ln(16 K N) increases with N: step N up while β(N + 1) ≤ scale."""
    n = 1
    while 2 * (n + 1) * math.log(16 * K * (n + 1)) <= scale:
        n += 1
    return n


def first_break(shrink: float = 16) -> str:
    """The weakened model against the family's stack reference, word by word in
    shortlex order up to length 6 (``numpy_forward``: no compilation, so the test stays
    fast; in the notebook, ``verify`` on the jitted model finds the same word)."""
    dyck = get_family("dyck")
    reference = dyck.build("reference", PARAMS)
    soft = relax(dyck.build("uhat", PARAMS), max_len=6)
    weak = SoftmaxTransformer(soft.alphabet, soft.layers, soft.params, soft.beta / shrink,
                              soft.max_len, soft.accept_at)
    words = ["".join(w) for n in range(1, 7) for w in itertools.product("()", repeat=n)]
    want = reference.accepts(words)
    return next(w for w, ok in zip(words, want, strict=True)
                if (numpy_forward(weak, soft.alphabet.to_ids(w)) > 0) != ok)


SOLUTIONS: dict[str, Callable[[], Any]] = {
    "11.beta-covers": largest_covered,
    "11.first-break": first_break,
}
WRONG: dict[str, Callable[[], Any]] = {
    # planted: the first N with β(N) > 100, one too far
    "11.beta-covers": lambda: largest_covered() + 1,
    # planted: the break at β(6)/8, a milder scale
    "11.first-break": lambda: "())",
}
