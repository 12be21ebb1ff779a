"""Solutions to the exercises of notebook 06 (DC_n), and one wrong answer for each.

``SOLUTIONS[name]()`` builds an answer that ``check_exercise(name, ·)`` accepts;
``WRONG[name]()`` a plausible mistake it must reject (``tests/test_exercises.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _minimal_dfa_states(n: int) -> int:
    """Myhill–Nerode for a one-word language: the |w_n| + 1 prefixes of w_n, plus a dead
    state for everything else."""
    length = (n + 2) * 2**n * 2 ** (2**n)
    return length + 2


SOLUTIONS: dict[str, Callable[[], Any]] = {
    # cells of n + 2 symbols, 2^n cells per row, 2^(2^n) rows
    "06.word-length": lambda: "(n + 2) * 2**n * 2**(2**n)",
    # 5 inputs; Gadget A: A_T, n A_bit_k, n + 1 A_hash_k, A_enc, A (2n + 4); n B_k;
    # B_inc, B_wrap, B; First, Last; X, W, Pref, HP, K; PrevX, Carry, HasAbove; Loc, G, Y
    "06.program-size": lambda: "5 + (2*n + 4) + n + 3 + 2 + 5 + 3 + 3",
    "06.dfa-states": lambda: _minimal_dfa_states(2),  # 4 · 4 · 16 + 2 = 258
    # the least kD with 2^(kD) ≥ 258: 2^8 = 256 is too few
    "06.rnn-kd": lambda: (_minimal_dfa_states(2) - 1).bit_length(),
}

WRONG: dict[str, Callable[[], Any]] = {
    "06.word-length": lambda: "n * 2**n * 2**(2**n)",  # forgot the counter bit and '#'
    "06.program-size": lambda: "3*n + 20",  # forgot the 5 input predicates
    "06.dfa-states": lambda: 257,  # forgot the dead state (that is the minimal NFA)
    "06.rnn-kd": lambda: 2**2,  # the paper's coarser kD ≥ 2^n, not the least kD
}
