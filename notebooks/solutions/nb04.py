"""Solutions of notebook 04's exercises (``course/nb04.py``), and a wrong answer to each
that the checks must reject (``tests/test_exercises.py`` runs both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from succinct import Alphabet, Program, ProgramBuilder


def members() -> str:
    """b sits at all odd or at all even cells (every pair of H has one b); the other
    2^(N−1) cells hold a or c freely: 2·2^(2^(N−1)) words."""
    return "2 * 2**(2**(N - 1))"


def _adjacency(aggregate: bool) -> Program:
    """``M_left(i) := ▶_j[j<i, 1] ⋁_{(h,h')∈H} Q_h(j) ∧ Q_h'(i) : 1`` (over {a, b, c}
    every position is a tile, so the score is 1) and, with ``aggregate``,
    ``M(i) := ▶_j[j<i, ¬M_left(j)] 0 : M_left(i)``: no earlier failure, and no failure
    here."""
    p = ProgramBuilder(Alphabet.of("abc"))
    a, b, c = p.Q("a"), p.Q("b"), p.Q("c")
    pair = (a.j & b) | (b.j & a) | (b.j & c) | (c.j & b)
    m_left = p.attend("M_left", mask="future", tie="right", score=True, value=pair,
                      default=True)
    if not aggregate:
        return p.build(m_left)
    m = p.attend("M", mask="future", tie="right", score=(~m_left).j, value=False,
                 default=m_left)
    return p.build(m)


def dfa_states() -> str:
    """Myhill–Nerode: N + 1 classes before the first tile, 2 per length after it (last tile
    b, or a/c), a dead state, minus the 2 merges after the last tile (the tile no longer
    matters): (N + 1) + 2((N + 2)2^N − N) + 1 − 2."""
    return "2**(N + 1) * (N + 2) - N"


SOLUTIONS: dict[str, Callable[[], Any]] = {
    "04.members": members,
    "04.adjacent": lambda: _adjacency(aggregate=True),
    "04.dfa-states": dfa_states,
    "04.prop1-bound": lambda: 10,  # q = 2^7·8 − 6 = 1018, ⌈log₂ 1018⌉ = 10
}

WRONG: dict[str, Callable[[], Any]] = {
    # right at N = 1, 2, 3 (4, 8, 32) but 256 ≠ 512 at N = 4: caught only since N = 4 is checked
    "04.members": lambda: "2**((N**2 - N + 4)/2)",
    "04.adjacent": lambda: _adjacency(aggregate=False),  # checks only the last pair
    "04.dfa-states": lambda: "2**(N + 1) * (N + 2) - N + 2",  # the two merges forgotten
    "04.prop1-bound": lambda: 1018,  # the states, not the state bits
}
