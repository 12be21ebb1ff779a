"""The counter families: E_N (the paper's Example 2) and DC_n (the doubly exponential counter).

Both are written with the paper's gadgets (§4.1, Lemma 8's Gadgets A and B, shared with
``tiling`` in :mod:`constructions.gadgets`), every attention op strict-future and
rightmost (▶_j [j < i, …]) and in Lemma 9's special form, so the Lemma 9 compiler turns
them into UHATs of size poly(n).

E_N, the N-bit counter (``counter``, ``-p N=…``)
================================================
Alphabet ``Σ = {0, 1, #, a, b, c}``; ``a, b, c`` are tiles with the horizontal constraint
``H = {(a, b), (b, c), (b, a), (c, b)}``. The language is

    E_N = { bin_N(0) x_1 # bin_N(1) x_2 # ⋯ bin_N(2^N − 1) x_{2^N} #  :
            x_k ∈ {a, b, c},  (x_k, x_{k+1}) ∈ H for 1 ≤ k < 2^N },

with ``bin_N`` written MSB first: the counter starts at 0…0, goes up by one per cell and
ends at 1…1. Every word has length ``(N + 2)·2^N``; the tiles alternate between ``b`` and
``{a, c}``, so ``|E_N| = 2·2^{2^{N−1}} = 2^{2^{N−1}+1}``. The minimal complete DFA has
``2^{N+1}(N + 2) − N`` states (a Myhill–Nerode count of the residuals; checked here by
minimization).

Program (``3N + 17`` predicates: 6 inputs, ``3N + 7`` attention ops, 4 position-wise):

* Gadget A (shape ``({0,1}^N T #)^+``): ``A_T``, ``A_bit_k`` (k ≤ N), ``A_hash_k``
  (k ≤ N + 1), ``A_enc``, and the "for all j ≤ i" aggregator ``A``;
* ``B_k(i) := ▶[j<i, Q_0 ∨ Q_1] B_{k−1}(j) : 0`` (``B_1`` reads ``Q_1``): the k-th most
  recent bit, so at a ``#`` ``B_1`` is the address's LSB;
* ``B_inc(i) := ▶[j<i, Q_#] ⋁_k (⋀_{r<k} ¬B_r(i) ∧ B_r(j)) ∧ B_k(i) ∧ ¬B_k(j) ∧
  ⋀_{r>k} B_r(i) ↔ B_r(j) : First(i)`` — "this address is the previous one plus 1", and
  the first address is 0. Unlike DC_n there is no wrap-around ``B_{1→0}``;
* ``B(i) := ▶[j<i, Q_# ∧ ¬B_inc] 0 : B_inc(i)``;
* ``M_left(i) := ▶[j<i, Q_a ∨ Q_b ∨ Q_c] ⋁_{(h,h')∈H} Q_h(j) ∧ Q_h'(i) : 1`` (Example 2's
  adjacency check) and its aggregate ``M(i) := ▶[j<i, T ∧ ¬M_left] 0 : T → M_left``;
* accept iff ``Y = A ∧ B ∧ M ∧ Q_# ∧ Last`` at the last position.

DC_n, the doubly exponential counter (``dc``, ``-p n=…``)
=========================================================
Alphabet ``Σ = {0, 1, a, b, #}`` (``a``/``b`` are the counter bits 0/1). With
``cell(c, v) = bin_n(c) s(bit_c(v)) #`` (address MSB first, ``s(0) = a``, ``s(1) = b``,
column 0 holds the LSB of ``v``) and ``row(v) = cell(0, v) ⋯ cell(2^n − 1, v)``::

    w_n = row(0) row(1) ⋯ row(2^{2^n} − 1),     DC_n = {w_n},
    |w_n| = (n + 2)·2^n·2^{2^n}          (24, 256, 10 240, 6 291 456 for n = 1..4).

Program (the witness of Thm 15 of arXiv 2510.19315; ``3n + 25`` predicates: 5 inputs,
``3n + 13`` attention ops, 7 position-wise), all ops ▶_j[j < i, …]:

1. Gadget A with ``T = {a, b}``; Gadget B: ``B_k``, ``B_inc`` (default 0),
   ``B_wrap(i) := ▶[j<i, Q_#] ⋀_k ¬B_k(i) ∧ B_k(j) : ⋀_k ¬B_k(i)`` and
   ``B(i) := ▶[j<i, Q_# ∧ ¬B_wrap ∧ ¬B_inc] 0 : B_wrap(i) ∨ B_inc(i)`` — with **∨** in the
   default (the paper's text prints ∧, a typo: the two are exclusive);
   ``First = ⋀_k ¬B_k``, ``Last = ⋀_k B_k``;
2. ``X(i) := ▶[j<i, Q_a ∨ Q_b] Q_b(j) : 0`` — the counter bit of the cell ending at ``i``;
3. ``W(i) := ▶[j<i, Q_# ∧ (¬X ∨ First)] First(j) ∧ X(j) : 0`` and
   ``Pref = X ∧ (First ∨ W)`` — the AND of the bits in columns ``0..c`` of the row;
4. ``HP(i) := ▶[j<i, Q_#] Pref(j) : 1`` and ``K = First ∨ HP`` — the carry into column c;
5. the vertical fetches, score ``Q_#(j) ∧ ⋀_k B_k(i) ↔ B_k(j)`` (same address, most
   recent, i.e. the cell above — Gadget E's trick): ``PrevX`` (value ``X(j)``), ``Carry``
   (value ``K(j)``), ``HasAbove`` (value 1), all default 0;
6. ``Loc = Q_# → [(¬HasAbove → ¬X) ∧ (HasAbove → (X ↔ PrevX ⊕ Carry) ∧
   (Last → ¬(PrevX ∧ Carry)))]`` and ``G(i) := ▶[j<i, Q_# ∧ ¬Loc] 0 : Loc(i)``;
7. accept iff ``Y = A ∧ B ∧ Q_# ∧ Last ∧ Pref ∧ G`` at the last position.

Row 0 must be 0, each row is the previous plus 1 (bitwise ``PrevX ⊕ Carry``), overflow is
forbidden and the last row is all ones, so the rows are exactly ``0, 1, …, 2^{2^n} − 1``.

RNNs
====
* ``counter``: the minimal DFA of E_N through :func:`succinct.compiler.dfa_to_rnn.dfa_to_rnn`
  (``|Q|·|Σ| + 1`` units at 1 bit).
* ``dc``: a single-layer Elman RNN ``h_t = step(W h_{t−1} + U x_t + b)`` at 1 bit per
  unit that reads w_n like a *delay-line memory*, in one layer. A shift register that
  shifts once per cell needs a multiplexer per bit (hold or shift), which one threshold
  unit cannot compute; a ring that rotates on **every** step needs only one multiplexer,
  at its write head. The ring has ``L`` stages, ``L = 2^n + ((1 − 2^n) mod (n + 2))``
  (the least ``L ≥ 2^n`` with ``L ≡ 1 (mod n + 2)``). A counter bit written at time
  ``t_w`` sits at stage ``(t − t_w) mod L``; it is read one row later, at the fixed tap
  ``((n + 2)·2^n − 1) mod L``; it is overwritten only if it passes the head at a content
  step, i.e. if ``jL ≡ 0 (mod n + 2)`` for some ``1 ≤ j ≤ n + 1``, which ``L ≡ 1`` rules
  out. The other units (all thresholds of the previous state and the current symbol):

  - ``ph_p`` (one-hot phase, ``n + 2``): the position of the next symbol in its cell;
  - ``dl_k`` (delay line, ``n + 2``): the last ``n + 2`` symbols' "is 1" bits, so the
    address bit at the same phase of the previous cell is at hand; ``h_0`` holds the
    address 1…1 there, so the first address must be 0;
  - the increment checker, read MSB first (``eq0``/``eq1``: equal so far; ``fl_new``,
    ``fl_low``: the 0 → 1 flip and the 1 → 0 bits below it; ``wr``: the wrap 1…1 → 0…0;
    ``ao``: all address bits 1, i.e. the last column) and ``bad_addr``;
  - ``carry`` (AND of the previous row's bits left of the column), ``first`` (row 0),
    ``ones`` (all bits of the current row are 1), ``wrap``, ``rs`` (a row just ended);
  - error detectors ``bad_content``, ``bad_hash``, ``bad_first`` (a 1 in row 0),
    ``overflow`` and ``par_1..3`` (``[y + p + carry ≥ m]``: the parity
    ``par_1 − par_2 + par_3`` is 1 iff ``y ≠ p ⊕ carry``), folded into a sticky ``err``;
  - accept iff ``rs + ones − 1 − 2·(err + pending errors) > 0``.

  Units: ``D = L + 2n + 25 = 2^n + 2n + 25 + ((1 − 2^n) mod (n + 2))`` at ``k = 1``,
  against the lower bound ``kD ≥ ⌈log₂(|w_n| + 2)⌉ = 2^n + n + ⌊log₂(n + 2)⌋ + 1``
  (Prop 1 + Myhill–Nerode).

Sizes (:func:`dc_formulas`, :func:`counter_formulas`) are closed forms in n (resp. N),
for each compile mode (``-p mode=compact|ffn|lemma9``, compact by default): the ops'
circuit statistics and live sets written by hand (:func:`dc_plans`,
:func:`counter_plans`, with :class:`constructions.gadgets.OpPlan`), added up by
:func:`constructions.gadgets.uhat_closed_forms`. Layers, params and non-zeros are
polynomials in n (params cubic: the chains A_bit_k and B_k of k-th ops at residual width
Θ(k)), the width a maximum of linear forms, the bits 3·params plus the bits of the
biases, which add ``⌊log₂⌋`` terms (Last, B_wrap, A_enc and B_inc's terms). Compact mode
for DC_n: width ``max(27, 5n + 14, 6n + 5)`` (ffn: ``max(3n + 36, 7n + 22, 8n + 8)``),
params ``19n³/3 + 489n² + 10367n/3 + 13685`` for n ≥ 2 (ffn: ``107n³/3 + …``). The tests
check every size against the counts for DC_1..DC_4 and E_1..E_6 in all three modes, and
the hand-derived live sets against the compiler's.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from constructions.gadgets import (
    GATE2,
    GATE2_B0,
    Attn,
    Level,
    OpPlan,
    address,
    floor_log2,
    floor_log2_sum,
    gadget_a,
    gadget_a_plans,
    gadget_b,
    plus_one,
    uhat_closed_forms,
)
from succinct.automata.dfa import DFA
from succinct.compiler.brasp_to_uhat import MODES, CompiledProgram, compile_program
from succinct.compiler.costs import compiled_report
from succinct.compiler.dfa_to_rnn import dfa_to_rnn
from succinct.models.rnn import RNN, RNNBuilder
from succinct.programs.brasp import FALSE, TRUE, Program, ProgramBuilder, all_of, any_of
from succinct.registry import Family, Param, register
from succinct.sizes import N as n_big
from succinct.sizes import SizeReport, dfa_report
from succinct.sizes import n as n_sym
from succinct.verdicts import (
    Comparison,
    Verdict,
    dfa_table_bits,
    every_rnn_params,
    log2_ceil,
    rnn_bits_bound,
)
from succinct.words import Alphabet, SuccinctError, check_lengths, encode

__all__ = [
    "COUNTER_ALPHABET", "DC_ALPHABET", "H",
    "counter_length", "counter_members", "counter_reference", "counter_program",
    "counter_dfa",
    "dc_length", "dc_word", "dc_ids", "dc_reference", "dc_program", "dc_dfa", "dc_rnn",
    "ring_length", "dc_rnn_units", "dc_formulas", "counter_formulas", "dc_plans",
    "counter_plans", "uhat_formulas", "dc_sizes",
    "counter_sizes", "evaluate", "IdsPredicate", "dc_verdict", "counter_verdict",
]

COUNTER_ALPHABET = Alphabet.of("01#abc")
DC_ALPHABET = Alphabet.of("01ab#")
H = (("a", "b"), ("b", "a"), ("b", "c"), ("c", "b"))
TILES = ("a", "b", "c")
# Largest parameters for which a word / automaton / RNN is materialized.
MAX_DC_WORD = 4
MAX_DC_DFA = 3
MAX_COUNTER_RNN = 5


# ====================================================================== reference recognizers
@dataclass(frozen=True)
class IdsPredicate:
    """A reference recognizer from a numpy function on one word's symbol ids."""

    alphabet: Alphabet
    fn: Callable[[np.ndarray], bool]
    name: str = "reference"

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        tokens = np.asarray(tokens)
        out = np.zeros(len(lengths), bool)
        for row, n in enumerate(check_lengths(lengths)):
            out[row] = bool(self.fn(tokens[row, :n]))
        return out

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def size_report(self) -> SizeReport:
        """No size: a Python function (the family's report gives the word length)."""
        return SizeReport("predicate", notes={"sizes": f"{self.name}: a Python function, "
                                                        "no size"})

    def __str__(self) -> str:
        return f"{self.name} over {{{', '.join(self.alphabet)}}}"


def _address_table(n_bits: int, count: int) -> np.ndarray:
    """``[count, n_bits]`` 0/1: row c is ``bin(c)`` MSB first."""
    return (np.arange(count)[:, None] >> np.arange(n_bits - 1, -1, -1)[None, :]) & 1


def counter_length(N: int) -> int:  # noqa: N803 - the paper's name
    """``(N + 2)·2^N``, the length of every word of E_N."""
    return (N + 2) * 2**N


def _counter_check(N: int, ids: np.ndarray) -> bool:  # noqa: N803
    a = COUNTER_ALPHABET
    if len(ids) != counter_length(N):
        return False
    cells = ids.reshape(2**N, N + 2)
    bit_ids = np.where(_address_table(N, 2**N) == 1, a.index("1"), a.index("0"))
    if not (cells[:, :N] == bit_ids).all() or not (cells[:, N + 1] == a.index("#")).all():
        return False
    tiles = cells[:, N]
    tile_ids = [a.index(t) for t in TILES]
    if not np.isin(tiles, tile_ids).all():
        return False
    allowed = {(a.index(x), a.index(y)) for x, y in H}
    return all(pair in allowed for pair in zip(tiles[:-1].tolist(), tiles[1:].tolist(),
                                                strict=True))


def counter_reference(N: int) -> IdsPredicate:  # noqa: N803
    """E_N by its definition: addresses 0..2^N−1 in order, tiles adjacent in H."""
    return IdsPredicate(COUNTER_ALPHABET, lambda ids: _counter_check(N, ids), f"E_{N}")


def counter_members(N: int) -> Iterator[str]:  # noqa: N803
    """Every word of E_N (``2^{2^{N−1}+1}`` of them), lazily, in a fixed order."""
    cols = 2**N
    addresses = ["".join(map(str, row)) for row in _address_table(N, cols)]
    half = cols // 2
    for b_first in (True, False):
        for choice in itertools.product("ac", repeat=half):
            it = iter(choice)
            tiles = [("b" if (k % 2 == 0) == b_first else next(it)) for k in range(cols)]
            yield "".join(f"{addr}{t}#" for addr, t in zip(addresses, tiles, strict=True))


def dc_length(n: int) -> int:
    """``|w_n| = (n + 2)·2^n·2^{2^n}`` (an exact integer for every n)."""
    return (n + 2) * 2**n * 2 ** (2**n)


def _dc_cells(n: int) -> np.ndarray:
    """w_n as a ``[rows, columns, n + 2]`` array of symbol ids."""
    a = DC_ALPHABET
    cols, rows = 2**n, 2 ** (2**n)
    out = np.empty((rows, cols, n + 2), np.uint8)
    out[:, :, :n] = np.where(_address_table(n, cols) == 1, a.index("1"), a.index("0"))
    bits = (np.arange(rows, dtype=np.int64)[:, None] >> np.arange(cols)[None, :]) & 1
    out[:, :, n] = np.where(bits == 1, a.index("b"), a.index("a"))
    out[:, :, n + 1] = a.index("#")
    return out


def dc_ids(n: int) -> np.ndarray:
    """w_n as a vector of symbol ids (refuses n > 4: see :func:`dc_word`)."""
    _check_dc_word(n)
    return _dc_cells(n).reshape(-1).astype(np.int32)


def _check_dc_word(n: int) -> None:
    if n > MAX_DC_WORD:
        raise SuccinctError(
            f"w_{n} has |w_{n}| = (n+2)·2^n·2^(2^n) = {dc_length(n):,} symbols; words are "
            f"materialized for n ≤ {MAX_DC_WORD} only (sizes are still available: "
            f"succinct sizes dc -p n={n})"
        )


def dc_word(n: int) -> str:
    """The single word w_n of DC_n (refuses n ≥ 5, naming |w_n|)."""
    _check_dc_word(n)
    table = np.frombuffer("".join(DC_ALPHABET.symbols).encode("ascii"), np.uint8)
    return table[_dc_cells(n).reshape(-1)].tobytes().decode("ascii")


def _dc_check(n: int, ids: np.ndarray) -> bool:
    a = DC_ALPHABET
    if len(ids) != dc_length(n):
        return False
    cols, rows = 2**n, 2 ** (2**n)
    cells = ids.reshape(rows * cols, n + 2)
    bit_ids = np.where(_address_table(n, cols) == 1, a.index("1"), a.index("0"))
    if not (cells[:, :n].reshape(rows, cols, n) == bit_ids[None]).all():
        return False
    if not (cells[:, n + 1] == a.index("#")).all():
        return False
    content = cells[:, n]
    if not np.isin(content, [a.index("a"), a.index("b")]).all():
        return False
    bits = (content == a.index("b")).reshape(rows, cols)
    want = (np.arange(rows, dtype=np.int64)[:, None] >> np.arange(cols)[None, :]) & 1
    return bool((bits == want).all())


def dc_reference(n: int) -> IdsPredicate:
    """DC_n by its definition: the rows of 2^n-bit cells count 0, 1, …, 2^{2^n} − 1."""
    return IdsPredicate(DC_ALPHABET, lambda ids: _dc_check(n, ids), f"DC_{n}")


# ====================================================================== B-RASP programs
@functools.cache  # built once for the sizes and the models
def counter_program(N: int) -> Program:  # noqa: N803
    """The B-RASP program of E_N (module docstring): ``3N + 17`` predicates."""
    p = ProgramBuilder(COUNTER_ALPHABET)
    q_hash = p.Q("#")
    tile = any_of([p.Q(t) for t in TILES])
    a = gadget_a(p, TILES, N)
    b = address(p, N)
    first = p.local("First", all_of([~x for x in b]))
    last = p.local("Last", all_of(b))
    inc = p.attend("B_inc", mask="future", tie="right", score=q_hash.j, value=plus_one(b),
                   default=first)
    bb = p.attend("B", mask="future", tie="right", score=(q_hash & ~inc).j, value=FALSE,
                  default=inc)
    m_left = p.attend("M_left", mask="future", tie="right", score=tile.j,
                      value=any_of([p.Q(x).j & p.Q(y) for x, y in H]), default=TRUE)
    m = p.attend("M", mask="future", tie="right", score=(tile & ~m_left).j, value=FALSE,
                 default=tile.implies(m_left))
    y = p.local("Y", all_of([a, bb, m, q_hash, last]))
    return p.build(y)


@functools.cache  # built once for the sizes and the models
def dc_program(n: int) -> Program:
    """The B-RASP program of DC_n (module docstring): ``3n + 25`` predicates."""
    p = ProgramBuilder(DC_ALPHABET)
    q_hash = p.Q("#")
    fut = {"mask": "future", "tie": "right"}
    a = gadget_a(p, ("a", "b"), n)
    b = address(p, n)
    bb = gadget_b(p, b)
    first = p.local("First", all_of([~x for x in b]))
    last = p.local("Last", all_of(b))
    x = p.attend("X", **fut, score=(p.Q("a") | p.Q("b")).j, value=p.Q("b").j, default=FALSE)
    w = p.attend("W", **fut, score=(q_hash & (~x | first)).j, value=(first & x).j,
                 default=FALSE)
    pref = p.local("Pref", x & (first | w))
    hp = p.attend("HP", **fut, score=q_hash.j, value=pref.j, default=TRUE)
    k = p.local("K", first | hp)
    prev_x = p.attend("PrevX", **fut, score=q_hash.j, value=x.j, default=FALSE, keys=b)
    carry = p.attend("Carry", **fut, score=q_hash.j, value=k.j, default=FALSE, keys=b)
    above = p.attend("HasAbove", **fut, score=q_hash.j, value=TRUE, default=FALSE, keys=b)
    loc = p.local("Loc", q_hash.implies(
        (~above).implies(~x)
        & above.implies(x.iff(prev_x ^ carry) & last.implies(~(prev_x & carry)))))
    g = p.attend("G", **fut, score=(q_hash & ~loc).j, value=FALSE, default=loc)
    y = p.local("Y", all_of([a, bb, q_hash, last, pref, g]))
    return p.build(y)


# ====================================================================== automata
@functools.cache  # built once for the sizes and the models
def counter_dfa(N: int) -> DFA:  # noqa: N803
    """The minimal DFA of E_N, by minimizing a DFA read off the definition.

    States before minimization: ``(t, x)`` with ``t`` symbols read and ``x`` the last
    tile (or none), plus a dead state; at cell position ``o = t mod (N + 2)`` the only
    allowed symbols are the address bit ``bin_N(⌊t/(N+2)⌋)[o]`` (o < N), a tile ``x'``
    with ``(x, x') ∈ H`` (o = N; any tile in the first cell) and ``#`` (o = N + 1).
    """
    a = COUNTER_ALPHABET
    length = counter_length(N)
    last_tile = (None, *TILES)
    n_states = (length + 1) * len(last_tile) + 1
    dead = n_states - 1
    delta = np.full((n_states, len(a)), dead, np.int64)
    table = _address_table(N, 2**N)

    def sid(t: int, x: str | None) -> int:
        return t * len(last_tile) + last_tile.index(x)

    for t in range(length):
        cell, o = divmod(t, N + 2)
        for x in last_tile:
            if o < N:
                delta[sid(t, x), a.index(str(table[cell, o]))] = sid(t + 1, x)
            elif o == N:
                for y in TILES:
                    if x is None or (x, y) in H:
                        delta[sid(t, x), a.index(y)] = sid(t + 1, y)
            else:
                delta[sid(t, x), a.index("#")] = sid(t + 1, x)
    accepting = np.zeros(n_states, bool)
    accepting[[sid(length, x) for x in last_tile]] = True
    return DFA(a.symbols, delta, sid(0, None), accepting).minimize()


@functools.cache  # built once for the sizes and the models
def dc_dfa(n: int) -> DFA:
    """The minimal DFA of DC_n = {w_n}: the chain of w_n's prefixes plus a dead state,
    minimized (``|w_n| + 2`` states; refused for n > 3, where that is 6 291 458+)."""
    if n > MAX_DC_DFA:
        raise SuccinctError(
            f"the minimal DFA of DC_{n} has |w_{n}| + 2 = {dc_length(n) + 2:,} states; it is "
            f"built (by minimization) for n ≤ {MAX_DC_DFA} only"
        )
    w = dc_ids(n)
    m = len(w)
    dead = m + 1
    delta = np.full((m + 2, len(DC_ALPHABET)), dead, np.int64)
    delta[np.arange(m), w] = np.arange(1, m + 1)
    accepting = np.zeros(m + 2, bool)
    accepting[m] = True
    return DFA(DC_ALPHABET.symbols, delta, 0, accepting).minimize()


# ====================================================================== the dc RNN
def ring_length(n: int) -> int:
    """``L``: the least ``L ≥ 2^n`` with ``L ≡ 1 (mod n + 2)``."""
    return 2**n + (1 - 2**n) % (n + 2)


def dc_rnn_units(n: int) -> int:
    """``D = L + 2n + 25``, the number of units of :func:`dc_rnn`."""
    return ring_length(n) + 2 * n + 25


ERROR_UNITS = ("bad_addr", "bad_content", "bad_hash", "bad_first", "overflow")


@functools.cache  # built once for the sizes and the models
def dc_rnn(n: int) -> RNN:
    """The single-layer 1-bit step RNN of DC_n (module docstring, "RNNs")."""
    ring = ring_length(n)
    row = (n + 2) * 2**n
    tap = (row - 1) % ring
    phases = [f"ph_{p}" for p in range(n + 2)]
    delay = [f"dl_{k}" for k in range(1, n + 3)]
    checker = ["eq0", "eq1", "fl_new", "fl_low", "wr", "ao"]
    stages = [f"r_{s}" for s in range(1, ring)]
    parity = ["par_1", "par_2", "par_3"]
    units = (phases + delay + checker + ["hold", "write"] + stages
             + ["carry", "first", "ones", "wrap", "rs"] + list(ERROR_UNITS) + parity + ["err"])
    pending = list(ERROR_UNITS) + parity
    readout = {u: -2 for u in ["err", *pending]}
    readout.update({"par_2": 2, "rs": 1, "ones": 1})
    h0 = {"ph_0": 1, "carry": 1, "first": 1, "ones": 1, **{f"dl_{k}": 1 for k in range(3, n + 3)}}
    bld = RNNBuilder(DC_ALPHABET, units, activation="step", bits=1, h0=h0, readout=readout,
                     readout_bias=-1)
    W, U = bld.W, bld.U  # noqa: N806 - the paper's names
    old_bit = delay[-1]
    tap_units = ["hold", "write"] if tap == 0 else [f"r_{tap}"]
    ph_content, ph_hash = f"ph_{n}", f"ph_{n + 1}"

    def rule(unit: str, bias: int, state: Mapping[str, int] = {},  # noqa: B006
             inputs: Mapping[str, int] = {}, tap_weight: int = 0) -> None:  # noqa: B006
        W.set_bias(unit, bias)
        for v, w in state.items():
            W[(unit, v)] = w
        for s, w in inputs.items():
            U[(unit, s)] = w
        for v in tap_units if tap_weight else ():
            W.add(unit, v, tap_weight)

    for p in range(n + 2):  # the phase rotates every step
        rule(phases[p], 0, {phases[p - 1]: 1})
    rule(delay[0], 0, inputs={"1": 1})
    for k in range(1, n + 2):
        rule(delay[k], 0, {delay[k - 1]: 1})
    start_or_eq = {"ph_0": 1, "eq0": 1, "eq1": 1}
    rule("eq1", -2, {**start_or_eq, old_bit: 1}, {"1": 1})
    rule("eq0", -1, {**start_or_eq, old_bit: -1}, {"0": 1})
    rule("fl_new", -1, {**start_or_eq, old_bit: -1}, {"1": 1})
    rule("fl_low", -2, {"fl_new": 1, "fl_low": 1, old_bit: 1}, {"0": 1})
    rule("wr", -2, {"ph_0": 1, "wr": 1, old_bit: 1}, {"0": 1})
    rule("ao", -1, {"ph_0": 1, "ao": 1}, {"1": 1})
    rule("bad_addr", 0, {ph_content: 1, "fl_new": -1, "fl_low": -1, "wr": -1})
    rule("bad_content", 0, {ph_content: 1}, {"a": -1, "b": -1})
    rule("bad_hash", 0, {ph_hash: 1}, {"#": -1})
    rule("hold", 0, {stages[-1]: 1, ph_content: -1})
    rule("write", -1, {ph_content: 1}, {"b": 1})
    rule(stages[0], 0, {"hold": 1, "write": 1})
    for s in range(1, ring - 1):
        rule(stages[s], 0, {stages[s - 1]: 1})
    rule("wrap", -1, {ph_content: 1, "ao": 1})
    rule("first", 0, {"first": 1, "wrap": -1})
    rule("rs", 0, {"wrap": 1})
    rule("carry", -1, {"carry": 2, ph_content: -1, "wrap": 3}, tap_weight=1)
    rule("ones", -1, {"ones": 2, ph_content: -1, "rs": 3}, {"b": 1})
    rule("bad_first", -2, {ph_content: 1, "first": 1}, {"b": 1})
    rule("overflow", -3, {ph_content: 1, "carry": 1, "ao": 1, "first": -1}, tap_weight=1)
    for m in (1, 2, 3):
        rule(f"par_{m}", -(m - 1) - 4, {"carry": 1, ph_content: 4, "first": -4}, {"b": 1},
             tap_weight=1)
    rule("err", 0, {"err": 2, **{u: 1 for u in pending}, "par_2": -1})
    return bld.build()


# ====================================================================== models
@functools.cache  # built once for the sizes and the models
def _counter_rnn(N: int) -> RNN:  # noqa: N803
    if N > MAX_COUNTER_RNN:
        raise SuccinctError(
            f"the DFA → RNN of E_{N} has 6·(2^(N+1)(N+2) − N) + 1 = "
            f"{6 * (2 ** (N + 1) * (N + 2) - N) + 1:,} units; it is built for "
            f"N ≤ {MAX_COUNTER_RNN} only"
        )
    return dfa_to_rnn(counter_dfa(N))


def _params_n(p: Mapping[str, Any]) -> int:
    return int(p["n"])


def _params_big_n(p: Mapping[str, Any]) -> int:
    return int(p["N"])


# ====================================================================== size formulas
def _plus_one_levels(bits: Any, default_first: bool) -> tuple[Level, ...]:
    """The circuit of ``(a.Q_# ∧ ⋁_k T_k) ∨ (¬a.Q_# ∧ D)`` for B_inc (:func:`plus_one`,
    n ≥ 2; D = FALSE for DC_n, First for E_N). With ``T_k`` (k = 0 … n − 1, LSB first) the
    AND of ``¬B_r, a.B_r`` (r < k), ``B_k, ¬a.B_k`` and the equivalences ``B_r ↔ a.B_r``
    (r > k, each an OR of two ANDs, read negated):

    1. the 2(n − 1) ANDs of the equivalences (biases ∓1) and ``T_{n−1}`` (2n literals, n
       negated: bias 1 − n); with D = First also ``¬a.Q_# ∧ First`` (bias 0);
    2. the n − 1 NORs of the equivalences (bias 1);
    3. ``T_k`` for k < n − 1: ``n + k + 1`` literals, n negated, bias −k (``Σ_{k<n−1}
       (n + k + 1) = (n − 1)(n + 1) + (n − 1)(n − 2)/2``);
    4. the NOR of the n terms; 5. ``a.Q_# ∧ ¬NOR`` (bias 0); with D = First,
    6. the root NOR of the two halves.
    """
    nn = bits
    first = 1 if default_first else 0
    return (Level(2 * nn - 1 + first, 6 * nn - 4 + 2 * first, 2 * nn - 1, floor_log2(nn - 1)),
            Level(nn - 1, 2 * (nn - 1), nn - 1),
            Level(nn - 1, (nn - 1) * (nn + 1) + (nn - 1) * (nn - 2) / 2, nn - 2,
                  floor_log2_sum(nn - 2)),
            Level(1, nn, 1), Level(1, 2, 0)) + ((Level(1, 2, 1),) if default_first else ())


def _first_last(bits: Any, one_bit: bool) -> list[OpPlan]:
    """``First = ⋀_k ¬B_k`` (bias 1) and ``Last = ⋀_k B_k`` (bias −(n − 1)); for n = 1
    the literals ``¬B_1`` and ``B_1`` (depth 0, one affine step)."""
    if one_bit:
        return [OpPlan("First", root=(1, 1)), OpPlan("Last", root=(1, 0))]
    return [OpPlan("First", (Level(1, bits, 1),)),
            OpPlan("Last", (Level(1, bits, 1, floor_log2(bits - 1)),))]


# Loc's circuit (constant in n): (Q_# → …) over HasAbove, X, PrevX, Carry, Last
LOC_LEVELS = (Level(6, 13, 3, 1), Level(2, 4, 2), Level(2, 4, 1), GATE2, GATE2, GATE2_B0,
              GATE2, GATE2_B0)


def dc_plans(one_bit: bool) -> list[OpPlan]:
    """DC_n's ops as :class:`OpPlan` (n ≥ 2, or n = 1 with ``one_bit``), in program order.

    The drops d (compact mode; each predicate dies at its last reader): A_enc, A (Gadget
    A, :func:`gadget_a_plans`); B drops B_inc, B_wrap; Pref drops W; K drops First, HP;
    Carry drops K; HasAbove drops B_1 … B_n; Loc drops HasAbove, X, PrevX, Carry; G drops
    Loc; Y drops A, B, Last, Pref, G. So the residual before op t is 5 + (predicates live
    at t): 7 + n at A_enc, 6 + n at B_inc, 11 + n at PrevX, 13 at Loc, 10 at Y.

    Circuits: B_inc ``a.Q_# ∧ B(i) = B(j) + 1`` (:func:`_plus_one_levels`; for n = 1 one
    AND of 3 literals); B_wrap ``OR(a.Q_# ∧ ⋀¬B_k ∧ ⋀a.B_k, ¬a.Q_# ∧ ⋀¬B_k)`` (biases −n,
    1); B: score ``Q_# ∧ ¬B_wrap ∧ ¬B_inc``, value ``¬a.S ∧ ¬NOR(B_wrap, B_inc)``; X:
    score ``Q_a ∨ Q_b``; W: score ``Q_# ∧ ¬NOR(¬X, First)``, value ``a.S ∧ a.First ∧ a.X``
    (bias −2); the fetches by address (keys B_1 … B_n): 2n ANDs and n NORs of the
    equivalences, then ``a.Q_# ∧ ⋀ ¬NOR ∧ a.x`` (bias −1; HasAbove without ``a.x``,
    bias 0); Y the AND of 6 (bias −5).
    """
    nn = n_sym
    iffs = (Level(2 * nn, 4 * nn, 2 * nn), Level(nn, 2 * nn, nn))
    inc = (Level(1, 3, 1),) if one_bit else _plus_one_levels(nn, default_first=False)
    return gadget_a_plans(2, nn) + [
        OpPlan("B_inc", inc, attn=Attn(copies=nn + 1)),
        OpPlan("B_wrap", (Level(2, 3 * nn + 2, 2, floor_log2(nn)), GATE2), or_root=True,
               attn=Attn(copies=nn + 1)),
        OpPlan("B", (GATE2, GATE2), score=(Level(1, 3, 0),), attn=Attn(), drops=2),
        *_first_last(nn, one_bit),
        OpPlan("X", (GATE2,), score=(GATE2,), score_or=True, attn=Attn(copies=2)),
        OpPlan("W", (Level(1, 3, 1, 1),), score=(GATE2_B0, GATE2_B0), attn=Attn(copies=3)),
        OpPlan("Pref", (GATE2, GATE2_B0), drops=1),
        OpPlan("HP", (GATE2, GATE2_B0), or_root=True, attn=Attn(copies=2)),
        OpPlan("K", (GATE2,), or_root=True, drops=2),
        OpPlan("PrevX", (*iffs, Level(1, nn + 2, 1)), attn=Attn(keys=nn, copies=nn + 2)),
        OpPlan("Carry", (*iffs, Level(1, nn + 2, 1)), attn=Attn(keys=nn, copies=nn + 2),
               drops=1),
        OpPlan("HasAbove", (*iffs, Level(1, nn + 1, 0)), attn=Attn(keys=nn, copies=nn + 1),
               drops=nn),
        OpPlan("Loc", LOC_LEVELS, or_root=True, drops=4),
        OpPlan("G", (GATE2_B0,), score=(GATE2_B0,), attn=Attn(), drops=1),
        OpPlan("Y", (Level(1, 6, 1, 2),), drops=5),
    ]


def counter_plans(one_bit: bool) -> list[OpPlan]:
    """E_N's ops as :class:`OpPlan` (N ≥ 2, or N = 1 with ``one_bit``), in program order.

    Drops: Gadget A as for DC_n; B_inc is the last reader of B_1 … B_N and First
    (d = N + 1); B drops B_inc, M drops M_left, Y drops A, B, M, Last. Residual before
    op t: 8 + N at A_enc, 9 + N at B_inc, 9 at B, 10 at Y.

    Circuits: B_inc ``(a.Q_# ∧ B(i) = B(j) + 1) ∨ (¬a.Q_# ∧ First)``
    (:func:`_plus_one_levels`; for N = 1 two ANDs of 3 and 2 literals, then their NOR);
    B ``¬a.S ∧ B_inc`` with score ``Q_# ∧ ¬B_inc``; M_left: score ``Q_a ∨ Q_b ∨ Q_c``
    (a NOR), value ``OR(a.S ∧ ⋁_{(h,h')∈H} a.Q_h ∧ Q_h', ¬a.S)`` (4 ANDs, their NOR, an
    AND, the root NOR); M: score ``tile ∧ ¬M_left``, value ``¬a.S ∧ (¬tile ∨ M_left)``;
    Y the AND of 5 (bias −4).
    """
    nn = n_big
    inc = (Level(2, 5, 1), GATE2) if one_bit else _plus_one_levels(nn, default_first=True)
    return gadget_a_plans(3, nn) + [
        *_first_last(nn, one_bit),
        OpPlan("B_inc", inc, or_root=True, attn=Attn(copies=nn + 1), drops=nn + 1),
        OpPlan("B", (GATE2_B0,), score=(GATE2_B0,), attn=Attn(), drops=1),
        OpPlan("M_left", (Level(4, 8, 4), Level(1, 4, 1), GATE2_B0, GATE2_B0), or_root=True,
               score=(Level(1, 3, 1),), score_or=True, attn=Attn(copies=4)),
        OpPlan("M", (Level(1, 3, 1), GATE2, GATE2), score=(Level(1, 3, 1), GATE2),
               attn=Attn(), drops=1),
        OpPlan("Y", (Level(1, 5, 1, 2),), drops=4),
    ]


def _piecewise(general: Any, at_one: Any, var: sp.Symbol) -> Any:
    """``at_one`` for var = 1 (the one-bit circuits are literals), ``general`` above."""
    value_at_one = sp.Integer(at_one.subs(var, 1))
    if general.subs(var, 1) == value_at_one:
        return general
    return sp.Piecewise((value_at_one, sp.Eq(var, 1)), (general, True))


def uhat_formulas(plans: Any, n_symbols: int, var: sp.Symbol, mode: str) -> dict[str, Any]:
    """The compiled UHAT's closed forms (:func:`constructions.gadgets.uhat_closed_forms`)
    of ``plans(one_bit)``, with the one-bit circuits at var = 1."""
    general = uhat_closed_forms(plans(False), n_symbols, mode)
    at_one = uhat_closed_forms(plans(True), n_symbols, mode)
    return {k: _piecewise(general[k], at_one[k], var) for k in general}


@functools.cache
def dc_formulas(mode: str = "compact") -> dict[str, Any]:
    """Closed forms in n for every model of DC_n (sympy; see the module docstring), the
    UHAT compiled in ``mode``."""
    nn = n_sym
    preds = 3 * nn + 25
    w_len = (nn + 2) * 2**nn * 2 ** (2**nn)
    ring = 2**nn + sp.Mod(1 - 2**nn, nn + 2)
    units = ring + 2 * nn + 25
    rnn_params = units**2 + 8 * units + 1  # W, U (|Σ| = 5), b, h0, readout, readout bias
    lower = 2**nn + nn + sp.floor(sp.log(nn + 2, 2)) + 1
    return {
        "word_length": w_len,
        "dfa_states": w_len + 2,
        "nfa_states": w_len + 1,
        "brasp_predicates": preds,
        "brasp_attention_ops": 3 * nn + 13,
        "brasp_local_ops": sp.Integer(7),
        "brasp_attention_depth": nn + 4,
        **uhat_formulas(dc_plans, len(DC_ALPHABET), nn, mode),
        "rnn_ring": ring,
        "rnn_units": units,
        "rnn_kD": units,  # k = 1
        "rnn_params": rnn_params,
        # every weight costs 3 bits except 23 entries of magnitude 2..6 (37 extra bits),
        # plus k = 1 in unary
        "rnn_bits": 3 * rnn_params + 37 + 1,
        "rnn_kD_lower_bound": lower,
        "rnn_kD_minus_lower_bound": units - lower,
    }


@functools.cache
def counter_formulas(mode: str = "compact") -> dict[str, Any]:
    """Closed forms in N for every model of E_N, the UHAT compiled in ``mode``."""
    nn = n_big
    preds = 3 * nn + 17
    states = 2 ** (nn + 1) * (nn + 2) - nn
    units = 6 * states + 1
    rnn_params = units**2 + 9 * units + 1  # W, U (|Σ| = 6), b, h0, readout, readout bias
    return {
        "word_length": (nn + 2) * 2**nn,
        "members": 2 ** (2 ** (nn - 1) + 1),
        "dfa_states": states,
        "brasp_predicates": preds,
        "brasp_attention_ops": 3 * nn + 7,
        "brasp_local_ops": sp.Integer(4),
        "brasp_attention_depth": nn + 2,
        **uhat_formulas(counter_plans, len(COUNTER_ALPHABET), nn, mode),
        "rnn_units": units,
        "rnn_kD": units,
        "rnn_params": rnn_params,
        "rnn_bits": 3 * rnn_params + 1,  # all weights 0/±1; k = 1
    }


def evaluate(formulas: Mapping[str, Any], var: sp.Symbol, value: int) -> dict[str, int]:
    """Every formula at ``var = value`` (exact integers)."""
    return {name: int(sp.Integer(f.subs(var, value))) for name, f in formulas.items()}


def _lower_bound_kd(word_length: int) -> int:
    """``⌈log₂(|w| + 2)⌉`` exactly (integer arithmetic)."""
    return (word_length + 1).bit_length()


def _closed(formulas: Mapping[str, Any], names: list[str], var: sp.Symbol,
            value: int) -> dict[str, Any]:
    """The closed forms ``names`` and their values at ``var = value``, for
    :meth:`succinct.sizes.SizeReport.with_`."""
    return {"formulas": {k: formulas[k] for k in names},
            "formula_values": {k: int(sp.Integer(formulas[k].subs(var, value)))
                               for k in names}}


UHAT_NAMES = ["uhat_layers", "uhat_width", "uhat_params", "uhat_nonzero", "uhat_bits"]


def _uhat_report(program: Program, mode: str, formulas: Mapping[str, Any], var: sp.Symbol,
                 value: int) -> SizeReport:
    """The compiled UHAT's counted sizes with the closed forms of its mode."""
    closed = _closed(formulas, UHAT_NAMES, var, value)
    return compiled_report(_compiled(program, mode)).with_(
        formulas={f"closed form ({mode} mode)": closed["formulas"]},
        formula_values=closed["formula_values"])


BRASP_NAMES = ["brasp_predicates", "brasp_attention_ops", "brasp_local_ops",
               "brasp_attention_depth"]


def dc_sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Sizes of every model of DC_n: counted where built, and the closed forms in n."""
    nn = _params_n(p)
    f = dc_formulas()
    length = dc_length(nn)
    lower = _lower_bound_kd(length)
    units = dc_rnn_units(nn)
    rnn_names = ["rnn_ring", "rnn_units", "rnn_kD", "rnn_params", "rnn_bits",
                 "rnn_kD_lower_bound", "rnn_kD_minus_lower_bound"]
    return {
        "reference": SizeReport("language", extra={"word_length": length},
                                **_closed(f, ["word_length"], n_sym, nn)),
        "brasp": dc_program(nn).size_report().with_(**_closed(f, BRASP_NAMES, n_sym, nn)),
        "uhat": _uhat_report(dc_program(nn), p["mode"], dc_formulas(p["mode"]), n_sym, nn),
        "rnn": dc_rnn(nn).size_report().with_(
            **_closed(f, rnn_names, n_sym, nn),
            extra={"kD_lower_bound": lower, "kD_minus_lower_bound": units - lower}),
        # the states by the formula (the DFA is built for n ≤ MAX_DC_DFA only)
        "dfa": dfa_report(length + 2, len(DC_ALPHABET)).with_(
            **_closed(f, ["dfa_states", "nfa_states"], n_sym, nn),
            extra={"nfa_states": length + 1,
                   "minimized_states": dc_dfa(nn).n_states if nn <= MAX_DC_DFA else None}),
    }


def counter_sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Sizes of every model of E_N: counted where built, and the closed forms in N."""
    nn = _params_big_n(p)
    f = counter_formulas()
    closed_rnn = _closed(f, ["rnn_units", "rnn_kD", "rnn_params", "rnn_bits"], n_big, nn)
    try:
        rnn = _counter_rnn(nn).size_report().with_(**closed_rnn)
    except SuccinctError as e:
        rnn = SizeReport("rnn", extra={"not_built": str(e)}, **closed_rnn)
    return {
        "reference": SizeReport("language", extra={"word_length": counter_length(nn),
                                                   "members": 2 ** (2 ** (nn - 1) + 1)},
                                **_closed(f, ["word_length", "members"], n_big, nn)),
        "brasp": counter_program(nn).size_report().with_(
            **_closed(f, BRASP_NAMES, n_big, nn)),
        "uhat": _uhat_report(counter_program(nn), p["mode"], counter_formulas(p["mode"]), n_big,
                             nn),
        "rnn": rnn,
        "dfa": counter_dfa(nn).size_report().with_(**_closed(f, ["dfa_states"], n_big, nn)),
    }


@functools.cache
def _compiled(program: Program, mode: str) -> CompiledProgram:
    return compile_program(program, mode)


# ====================================================================== registration
MODE = Param("mode", str, default="compact", choices=MODES,
             help="compile mode of the uhat model (compact: dead predicates dropped)")
MODEL_HELP = {
    "reference": "the language's definition in plain Python (numpy)",
    "brasp": "B-RASP program of Gadgets A, B, … (all ▶_j[j<i], Lemma 9 special form)",
    "uhat": "that program compiled by Lemma 9 (-p mode=compact|ffn|lemma9)",
    "dfa": "minimal DFA (built from the definition, minimized)",
}

def _verdict(family: str, subject: str, formulas: Mapping[str, Any], var: sp.Symbol,
             n_symbols: int, notes: tuple[str, ...] = ()) -> Verdict:
    """The built UHAT against every k-bit RNN and every DFA (lower bounds) and against the
    built RNN; the built RNN's k·D against Prop 1's bound.

    With ``m`` the minimal DFA's states and ``L = ⌈log₂ m⌉`` (``rnn_kD_lower_bound`` where
    the family has its closed form): every k-bit RNN has ``kD ≥ L`` and ``bits ≥
    rnn_bits_bound(L)``; every DFA has ``≥ m·|Σ|·⌈log₂ m⌉`` table bits. Under ``bits``
    when the formulas have ``uhat_bits``; otherwise under dense ``params``, where every
    RNN is bounded only by a one-unit RNN's ``|Σ| + 5`` (precision is free) and every DFA
    by its ``m·|Σ|`` transitions.
    """
    states = formulas["dfa_states"]
    ell = formulas.get("rnn_kD_lower_bound", log2_ceil(states))
    if "uhat_bits" in formulas:
        measure, uhat, rnn = "bits", formulas["uhat_bits"], formulas["rnn_bits"]
        every_rnn, every_dfa = rnn_bits_bound(ell), dfa_table_bits(states, n_symbols)
        dfa_note = "table bits m·|Σ|·⌈log₂ m⌉, m = minimal DFA states"
    else:
        measure, uhat, rnn = "params", formulas["uhat_params"], formulas["rnn_params"]
        every_rnn, every_dfa = every_rnn_params(n_symbols), states * n_symbols
        dfa_note = "transitions m·|Σ|, m = minimal DFA states"
    rows = (
        Comparison("UHAT", "RNN", uhat, every_rnn, var, measure=measure, opponent="every",
                   note="k-bit RNNs, Prop 1"),
        Comparison("UHAT", "DFA", uhat, every_dfa, var, measure=measure, opponent="every",
                   note=dfa_note),
        Comparison("UHAT", "RNN", uhat, rnn, var, measure=measure, opponent="built"),
        Comparison("RNN", "RNN", formulas["rnn_kD"], ell, var, measure="kD",
                   opponent="every", note="Prop 1: kD ≥ ⌈log₂ m⌉"),
    )
    return Verdict(family, subject, rows, notes)


@functools.cache
def counter_verdict() -> Verdict:
    """E_N: no RNN gap (Prop 1's bound grows only like N), a DFA gap."""
    return _verdict("counter", "E_N", counter_formulas(), n_big, len(COUNTER_ALPHABET), (
        "no RNN gap for E_N: Prop 1 forces only kD ≥ ⌈log₂ states⌉ = N + 1 + "
        "⌈log₂(N + 2)⌉ state bits on every k-bit RNN for E_N, about N + log N, too few "
        "to separate it from a poly(N) UHAT (the paper's RNN separation uses DC_n)",))


@functools.cache
def dc_verdict() -> Verdict:
    """DC_n: every k-bit RNN needs kD ≥ ⌈log₂(|w_n| + 2)⌉ > 2^n (Cor 18), every DFA
    |w_n| + 2 states (Thm 17)."""
    return _verdict("dc", "DC_n", dc_formulas(), n_sym, len(DC_ALPHABET))


register(Family(
    name="counter",
    description="E_N, the N-bit counter of Example 2: bin_N(0) x_1 # … bin_N(2^N−1) x_2^N #, "
                "adjacent tiles in H",
    params=(Param("N", int, default=4, low=1, high=6,
                  help="counter bits (words have length (N+2)·2^N)"), MODE),
    alphabet=lambda p: COUNTER_ALPHABET,
    models={
        "reference": lambda p: counter_reference(_params_big_n(p)),
        "brasp": lambda p: counter_program(_params_big_n(p)),
        "uhat": lambda p: _compiled(counter_program(_params_big_n(p)), p["mode"]).model,
        "rnn": lambda p: _counter_rnn(_params_big_n(p)),
        "dfa": lambda p: counter_dfa(_params_big_n(p)),
    },
    members=lambda p: counter_members(_params_big_n(p)),
    sizes=counter_sizes,
    atlas=lambda full: [{"N": n} for n in range(1, 6 if full else 4)],
    verdict=counter_verdict,
    model_help={**MODEL_HELP, "rnn": "DFA → RNN of the minimal DFA (|Q|·|Σ|+1 units, 1 bit)"},
))

register(Family(
    name="dc",
    description="DC_n = {w_n}, the doubly exponential counter: rows of 2^n cells count "
                "0 … 2^(2^n)−1",
    params=(Param("n", int, default=2, low=1, high=10,
                  help="address bits (|w_n| = (n+2)·2^n·2^(2^n))"), MODE),
    alphabet=lambda p: DC_ALPHABET,
    models={
        "reference": lambda p: dc_reference(_params_n(p)),
        "brasp": lambda p: dc_program(_params_n(p)),
        "uhat": lambda p: _compiled(dc_program(_params_n(p)), p["mode"]).model,
        "rnn": lambda p: dc_rnn(_params_n(p)),
        "dfa": lambda p: dc_dfa(_params_n(p)),
    },
    members=lambda p: iter([dc_word(_params_n(p))]),
    sizes=dc_sizes,
    atlas=lambda full: [{"n": n} for n in range(1, 5 if full else 3)],
    verdict=dc_verdict,
    model_help={**MODEL_HELP, "rnn": "delay-line RNN: 2^n + O(n) units at 1 bit, one layer"},
))
