"""Solutions of notebook 03's exercises (``course/nb03.py``), and a wrong answer to each
that the checks must reject (``tests/test_exercises.py`` runs both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from succinct import RNN, Alphabet, RNNBuilder


def dyck_bound() -> int:
    """Dyck-(2, 3): after a prefix the DFA must remember the stack of open brackets,
    a word over {(, [} of length 0..3 (1 + 2 + 4 + 8 = 15 stacks), plus one dead state,
    plus a rejecting start (the empty stack accepts after a balanced word, but the empty
    word is no member): q = 17 states, so every k-bit RNN has kD ≥ ⌈log₂ 17⌉ = 5."""
    q = 1 + 2 + 4 + 8 + 1 + 1
    return (q - 1).bit_length()


def shift_params() -> str:
    """D² + D·|Σ| + 3D + 1 with D = k units and |Σ| = 2 (W, U, b, h0, readout, bias)."""
    return "k**2 + 2*k + 3*k + 1"


def ends_aa() -> RNN:
    """``a1 = [σ = a]``; ``aa = [a1(t−1) + [σ = a] − 1 > 0]`` (both the previous and the
    current symbol are a); accept iff ``aa``. The minimal DFA has 3 states (no a, one a,
    aa), so Prop 1 allows kD = 2, and 2 units at 1 bit suffice."""
    b = RNNBuilder(Alphabet.of("ab"), ["a1", "aa"], activation="step", bits=1,
                   readout={"aa": 1})
    b.U["a1", "a"] = 1
    b.W["aa", "a1"] = 1
    b.U["aa", "a"] = 1
    b.W.set_bias("aa", -1)
    return b.build()


def ends_in_a() -> RNN:
    """Wrong: one unit, accepts every word ending in a (forgets the symbol before)."""
    b = RNNBuilder(Alphabet.of("ab"), ["a1"], activation="step", bits=1, readout={"a1": 1})
    b.U["a1", "a"] = 1
    return b.build()


SOLUTIONS: dict[str, Callable[[], Any]] = {
    "03.prop1-bound": dyck_bound,
    "03.shift-params": shift_params,
    "03.ends-aa": ends_aa,
}

WRONG: dict[str, Callable[[], Any]] = {
    "03.prop1-bound": lambda: 4,  # the rejecting start forgotten: ⌈log₂ 16⌉
    "03.shift-params": lambda: "k**2 + 2*k",  # only W and U: b, h0 and the readout forgotten
    "03.ends-aa": ends_in_a,
}
