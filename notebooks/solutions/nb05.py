"""Solutions of notebook 05's exercises (tiling: the machine inside Lemma 8), and one
wrong answer to each that the checks must reject.

Try the exercises in ``notebooks/05_tiling.py`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from succinct import FALSE, ProgramBuilder


def prev_tile(default: bool = False) -> Any:
    """Every # comes right after a tile: ``A_T`` reads the previous symbol (score 1,
    rightmost j < i, so j = i − 1; default 0 at the first position, where there is no
    previous symbol), ``ok = Q_# → A_T``, and ``all`` holds iff ``ok`` held at every
    j ≤ i (the latest j < i with ¬ok(j); none: ok(i))."""
    p = ProgramBuilder("01#ab")
    a_t = p.attend("A_T", mask="future", tie="right", value=(p.Q("a") | p.Q("b")).j,
                   default=default)
    ok = p.local("ok", p.Q("#").implies(a_t))
    every = p.attend("all", mask="future", tie="right", score=~ok.j, value=FALSE, default=ok)
    return p.build(every)


SOLUTIONS: dict[str, Callable[[], Any]] = {
    # ∧ would ask the address to be both the wrap-around 1…1 → 0…0 and the previous
    # plus one, which never happens: the program would reject every word.
    "05.gadget-b-default": lambda: "or",
    # A: 2N + 3 (A_T, A_bit_1..N, A_hash_1..N+1, A), B: N + 3 (B_1..N, B_inc, B_wrap, B),
    # C: K = 2 (T_a, T_b), D: 3 (D_bot, D_top, D), E: 3 (E_left, E_down, E).
    "05.attention-ops": lambda: "3*N + 14",
    "05.prev-tile": prev_tile,
}

WRONG: dict[str, Callable[[], Any]] = {
    "05.gadget-b-default": lambda: "and",  # as printed in the paper
    "05.attention-ops": lambda: "3*N + 12",  # forgot Gadget C's K = 2 ops T_t
    "05.prev-tile": lambda: prev_tile(default=True),  # accepts "#": nothing before it
}
