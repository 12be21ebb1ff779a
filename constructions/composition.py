"""Iterated composition that grows: the families ``window``, ``monotone`` and ``cyclic``.

A word ``σ_1 … σ_N`` is read as the composition of maps ``δ_{σ_1}, …, δ_{σ_N}`` of a
finite set of states, from a start state; it is accepted iff the composition lands in
an accepting state (:mod:`constructions.wordproblem` for fixed tables). Here the tables
grow with one size parameter, so every size is a closed form and every verdict row a
comparison of formulas. The three families show the three outcomes of the story:

``window`` (k ≥ 1) — the state is the last k symbols
====================================================
Σ = {a, b}; ``δ_σ(w) = (w σ)`` cut to its last k symbols. Accept iff the k-th symbol
from the end is ``a``: the one condition on the window that depends on its *oldest*
symbol, so the composition must carry all k symbols (every window is a distinct
Myhill–Nerode class: two windows differing at distance d from the end are told apart
by ``b^{k−d}``). A word shorter than k has no k-th symbol from the end and is rejected,
as if padded on the left with ``b``; so the minimal complete DFA has exactly ``2^k``
states. The syntactic monoid is aperiodic (a word of length ≥ k acts as a constant map),
so a UHAT exists:

* ``uhat`` — the B-RASP chain of k − 1 "previous position" attentions (strict future,
  rightmost, score 1: B-RASP ``▶_j[j<i, 1]``), compiled by Lemma 9 in compact mode::

      A_1(i) := Q_a(i)
      A_t(i) := ▶_j[j < i, 1] A_{t−1}(j) : 0          (t = 2 … k)
      accept iff A_k(N),

  so ``A_t(i) = [a_{i−t+1} = a]`` (0 when ``i − t + 1 < 1``). Each ``A_t`` is the last
  reader of ``A_{t−1}``, so the residual keeps one predicate and the width is constant:
  O(k) size.
* ``rnn`` — the DFA → 1-bit RNN construction on the 2^k-state DFA (``2^{k+1} + 1``
  units), ``rnn2`` — the second-order RNN with ``2^k`` units, ``dfa`` — the minimal DFA.
* ``shift`` — a k-unit 1-bit shift register: ``h_1 ← [σ = a]``, ``h_t ← h_{t−1}``,
  accept iff ``h_k = 1``. It meets Prop 1's bound ``k·D ≥ ⌈log₂ 2^k⌉ = k`` exactly: every
  RNN needs only about k bits, so there is **no** gap against RNNs, and against every DFA
  the gap is exponential.

``monotone`` (m ≥ 2) — order-preserving, extensive maps of [m] = {0 … m−1}
=========================================================================
Generators ``e_i`` (``i < m − 1``, written as the letters ``a, b, c, …``): ``i ↦ i + 1``,
every other point fixed. Each is order-preserving and extensive (``q ≤ e_i(q)``), and
together they generate the whole monoid of such maps, the Catalan monoid (``C_m =
binom(2m, m)/(m + 1)`` elements; the tests count it). Start 0, accept iff the state is
``m − 1``: the state is the length of the longest prefix of ``e_0 e_1 … e_{m−2}``
matched greedily, so the language is "``e_0 e_1 … e_{m−2}`` occurs as a subsequence"
and the minimal DFA has ``m`` states (from state q only the words containing
``e_q … e_{m−2}`` as a subsequence are accepted). Aperiodic: for an extensive f the
chain ``q ≤ f(q) ≤ f²(q) ≤ …`` stops within m − 1 steps, so ``f^{m−1} = f^m``
(checked with :mod:`succinct.automata.monoid` where the monoid is small).

* ``uhat`` — stage t is done at i iff ``e_0 … e_t`` is a subsequence of ``w_1 … w_i``::

      E_0(i) := Q_{e_0}(i)
      S_t(i) := ▶_j[j < i, E_t(j)] 1 : 0          "stage t was completed before i"
      E_t(i) := Q_{e_t}(i) ∧ S_{t−1}(i)            (t = 1 … m − 2)
      acc(i) := E_{m−2}(i) ∨ S_{m−2}(i),           accept iff acc(N).

  By induction ``E_t(i) ∨ S_t(i)`` holds iff stage t is done at i: a match of
  ``e_0 … e_t`` ends at some ``j ≤ i`` with ``e_t`` there and stage ``t − 1`` done
  strictly before j, which is ``S_{t−1}(j)``. m − 1 attention ops, m − 1 position-wise.
* ``rnn`` (``m(m − 1) + 1`` units), ``rnn2`` (m units), ``dfa`` (m states).

``cyclic`` (m ≥ 2) — the group ℤ_m
===================================
Σ = {a, b}; ``a`` adds 1 mod m, ``b`` keeps; start 0, accept iff the count of a's is
≡ 0 (mod m). Minimal DFA: m states. Its syntactic monoid is ℤ_m, a group, so the
language is not star-free and **no UHAT of the paper's kind exists** (UHATs without
positional encodings recognize exactly the star-free languages, whose syntactic
monoids are aperiodic): ``uhat`` raises :class:`constructions.wordproblem.NoUHATError`
naming the witness, the element ``a`` with ``a^1 = a^{1+m}``, period ``m > 1``, found by
:func:`succinct.automata.monoid.period`. ``scan`` is the positional-encoding scan of
:func:`constructions.wordproblem.scan` on the table (outside the paper's model); ``rnn``
(``2m + 1`` units), ``rnn2`` (m units) and ``dfa`` as above.

**Sizes.** UHAT closed forms sum the compiler's per-op costs (:func:`op_costs`, in
``R`` = the residual width before an op and ``X`` = the predicates its last layer
drops; :func:`succinct.compiler.costs.compiled_op_formulas` computes the same from the
program, and the tests check both and the totals against the counted arrays). Models
whose predicted size passes :data:`MAX_PARAMS` weights (or :data:`MAX_DFA_STATES` DFA
states) are refused with the prediction; ``sizes`` then reports the formula.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import sympy as sp

from constructions.wordproblem import (
    NoUHATError,
    Table,
    minimal_dfa,
    scan,
    scan_formulas,
)
from constructions.wordproblem import T as T_sym
from succinct.automata.dfa import DFA
from succinct.automata.monoid import MAX_MONOID, period, power, transition_monoid
from succinct.compiler.brasp_to_uhat import CompiledProgram, compile_program
from succinct.compiler.costs import X, compiled_report
from succinct.compiler.dfa_to_rnn import dfa_to_rnn
from succinct.models.positional import PositionalUHAT
from succinct.models.rnn import RNN, RNNBuilder
from succinct.models.rnn2 import SecondOrderRNN, from_dfa
from succinct.programs.brasp import FALSE, TRUE, Program, ProgramBuilder
from succinct.recognizer import StepMachine
from succinct.registry import Family, Param, register
from succinct.sizes import RNN_PARAMS, D, R, Sigma, SizeReport, dfa_report, k, n
from succinct.verdicts import (
    DEFAULT_HORIZON,
    Comparison,
    Verdict,
    dfa_table_bits,
    log2_ceil,
    rnn_bits_bound,
)
from succinct.words import Alphabet, SuccinctError

__all__ = [
    "m", "k", "MAX_PARAMS", "MAX_DFA_STATES", "MAX_MONOID_CHECKED", "op_costs",
    "window_alphabet", "window_reference", "window_program", "window_uhat", "window_dfa",
    "window_rnn", "window_rnn2", "shift_rnn", "window_formulas",
    "monotone_alphabet", "monotone_table", "monotone_program", "monotone_uhat",
    "monotone_formulas", "catalan",
    "cyclic_table", "cyclic_uhat", "cyclic_scan", "cyclic_formulas",
    "table_rnn", "table_rnn2", "group_witness",
    "window_verdict", "monotone_verdict", "cyclic_verdict",
]

m = sp.Symbol("m", positive=True, integer=True)  # states of monotone and cyclic

MAX_PARAMS = 4_000_000  # weights of a model built here (RNN, rnn2, scan)
MAX_DFA_STATES = 1 << 16  # states of a DFA built here
MAX_MONOID_CHECKED = 600  # aperiodicity is decided on monoids up to this size
SCAN_T = 64  # the word length the cyclic verdict's scan covers
AB = Alphabet.of("ab")


# ====================================================================== shared pieces
def op_costs() -> dict[str, dict[str, sp.Expr]]:
    """Per-op costs of the compiled programs (compact mode), in ``R`` and ``X``, as
    :func:`succinct.compiler.costs.compiled_op_formulas` reports them (the tests check):

    * ``prev`` — ``▶_j[j<i, 1] P(j) : 0`` (window's ``A_t``): score 1, one copy, 2 layers;
    * ``seen`` — ``▶_j[j<i, P(j)] 1 : 0`` (monotone's ``S_t``): score a literal, 2 layers;
    * ``and`` — a two-input AND gate (``E_t``), one FFN block;
    * ``or`` — a two-input OR gate (``acc``), one FFN block.

    Every weight is 0 or ±1 and every bias in {0, ±1}, so ``bits = 3·params``.
    """
    return {
        "prev": {"layers": sp.Integer(2), "params": 3 * R**2 - R * X + 13 * R - 4 * X + 11,
                 "nonzero": 2 * R - X + 8},
        "seen": {"layers": sp.Integer(2), "params": 3 * R**2 - R * X + 8 * R - 2 * X + 5,
                 "nonzero": 2 * R - X + 5},
        "and": {"layers": sp.Integer(1), "params": R**2 - R * X + 4 * R - 2 * X + 3,
                "nonzero": R - X + 4},
        "or": {"layers": sp.Integer(1), "params": R**2 - R * X + 4 * R - 2 * X + 3,
               "nonzero": R - X + 5},
    }


def _total(schedule: list[tuple[str, sp.Expr, int, sp.Expr]], n_symbols: sp.Expr,
           end_width: sp.Expr) -> dict[str, sp.Expr]:
    """Layers, params, nonzero and bits of a compiled program from its schedule
    ``(op kind, R, X, times)``: the embedding (``|Σ|²`` entries, ``|Σ|`` non-zero), the
    ops, the readout (``end_width`` entries, one non-zero); ``bits = 3·params``."""
    costs = op_costs()
    out = {"layers": sp.Integer(0), "params": n_symbols**2, "nonzero": n_symbols}
    for kind, width, drops, times in schedule:
        for key in out:
            out[key] += times * costs[kind][key].subs({R: width, X: drops})
    out["params"] += end_width
    out["nonzero"] += 1
    out = {key: sp.expand(v) for key, v in out.items()}
    out["bits"] = 3 * out["params"]
    return out


def _piecewise(cases: list[tuple[dict[str, sp.Expr], Any]]) -> dict[str, sp.Expr]:
    return {key: sp.Piecewise(*[(sp.expand(sizes[key]), cond) for sizes, cond in cases])
            for key in cases[-1][0]}


def _values(formulas: Mapping[str, sp.Expr], var: sp.Symbol, value: int) -> dict[str, int]:
    return {key: int(f.subs(var, value)) for key, f in formulas.items()}


def _dfa_rnn_formulas(states: sp.Expr, n_symbols: sp.Expr) -> dict[str, sp.Expr]:
    """The DFA → 1-bit RNN construction: ``u = states·|Σ| + 1`` units, ``u² + u|Σ| + 3u
    + 1`` params (:data:`succinct.sizes.RNN_PARAMS`), every weight 0 or ±1 (3 bits) plus
    one bit of precision: ``bits = 3·params + 1``; ``kD = u``."""
    units = states * n_symbols + 1
    params = sp.expand(RNN_PARAMS.subs({D: units, Sigma: n_symbols}))
    return {"units": units, "params": params, "bits": 3 * params + 1, "kD": units}


def _rnn2_formulas(states: sp.Expr, n_symbols: sp.Expr) -> dict[str, sp.Expr]:
    """The second-order RNN: ``states`` units, ``|Σ|·D² + 2D + 1`` params."""
    return {"units": states, "params": sp.expand(n_symbols * states**2 + 2 * states + 1)}


def _refuse(what: str, predicted: int, limit: int, measure: str = "weights") -> None:
    if predicted > limit:
        raise SuccinctError(f"{what} would have {predicted:,} {measure}, more than "
                            f"{limit:,}; `succinct sizes` reports the formula without "
                            "building it")


def group_witness(dfa: DFA) -> tuple[tuple[int, ...], int, int] | None:
    """An element of the syntactic monoid that is not aperiodic, or None when the monoid
    is aperiodic: ``(x, k, p)`` with ``x^k = x^{k+p}``, period ``p > 1``
    (:func:`succinct.automata.monoid.period`). The generators' maps are tried first (a
    witness among them names a letter), then the whole monoid (up to
    :data:`succinct.automata.monoid.MAX_MONOID` elements)."""
    maps = [tuple(int(x) for x in dfa.delta[:, a]) for a in range(dfa.n_symbols)]
    for f in itertools.chain(maps, transition_monoid(maps, dfa.n_states, MAX_MONOID)):
        p = period(f)
        if p > 1:
            index = next(i for i in itertools.count(1) if power(f, i) == power(f, i + p))
            return f, index, p
    return None


def _monoid_extra(dfa: DFA, beyond: str = "not decided here") -> dict[str, Any]:
    """The syntactic monoid's size and aperiodicity (decided by :func:`group_witness`)
    when it has at most :data:`MAX_MONOID_CHECKED` elements, else "not computed" and
    ``beyond`` (what the family's argument says)."""
    maps = [tuple(int(x) for x in dfa.delta[:, a]) for a in range(dfa.n_symbols)]
    try:
        size = len(transition_monoid(maps, dfa.n_states, MAX_MONOID_CHECKED))
    except SuccinctError:
        return {"monoid_size": f"> {MAX_MONOID_CHECKED} (not computed)", "aperiodic": beyond}
    return {"monoid_size": size, "aperiodic": "no" if group_witness(dfa) else "yes"}


def _shortlex(symbols: tuple[str, ...], longest: int) -> Iterator[tuple[str, ...]]:
    for length in range(longest + 1):
        yield from itertools.product(symbols, repeat=length)


# ====================================================================== window
def window_alphabet() -> Alphabet:
    """``{a, b}``."""
    return AB


def _check_k(k_: int) -> None:
    if k_ < 1:
        raise SuccinctError(f"window needs k ≥ 1, got k={k_}")


def window_reference(k_: int) -> StepMachine:
    """The composition: the state is the last ``k`` symbols read (fewer at the start);
    accept iff there are k of them and the oldest is ``a``."""
    _check_k(k_)
    return StepMachine(AB, (), lambda q, s: (*q, s)[-k_:],
                       lambda q: len(q) == k_ and q[0] == "a", name="last-k window")


@functools.cache  # built once for the sizes and the models
def window_program(k_: int) -> Program:
    """The chain of ``k − 1`` previous-position attentions (module docstring)."""
    _check_k(k_)
    p = ProgramBuilder(AB)
    cur = p.Q("a")
    for t in range(2, k_ + 1):
        cur = p.attend(f"A{t}", mask="future", tie="right", score=TRUE, value=cur.j,
                       default=FALSE)
    return p.build(cur)


@functools.cache
def window_uhat(k_: int) -> CompiledProgram:
    """:func:`window_program` compiled in compact mode."""
    return compile_program(window_program(k_), "compact")


@functools.cache
def window_dfa(k_: int) -> DFA:
    """The reference's automaton (the ``2^{k+1} − 1`` windows of length ≤ k), minimized."""
    _check_k(k_)
    _refuse(f"the reference automaton (windows of length ≤ k) of window k={k_}",
            2 ** (k_ + 1) - 1, MAX_DFA_STATES, "states")
    return window_reference(k_).automaton(MAX_DFA_STATES).minimize()


@functools.cache
def window_rnn(k_: int) -> RNN:
    """DFA → 1-bit RNN on :func:`window_dfa` (refused past :data:`MAX_PARAMS`)."""
    _check_k(k_)
    _refuse(f"the DFA → RNN construction for window k={k_}",
            int(window_formulas()["rnn"]["params"].subs(k, k_)), MAX_PARAMS)
    return dfa_to_rnn(window_dfa(k_))


@functools.cache
def window_rnn2(k_: int) -> SecondOrderRNN:
    """The second-order RNN of :func:`window_dfa` (refused past :data:`MAX_PARAMS`)."""
    _check_k(k_)
    _refuse(f"the second-order RNN for window k={k_}",
            int(window_formulas()["rnn2"]["params"].subs(k, k_)), MAX_PARAMS)
    return from_dfa(window_dfa(k_))


@functools.cache
def shift_rnn(k_: int) -> RNN:
    """The k-unit 1-bit shift register: ``h_1 ← step(x_a)``, ``h_t ← step(h_{t−1})``,
    accept iff ``h_k > 0`` (``h_0 = 0``, so shorter words are rejected)."""
    _check_k(k_)
    units = [f"h{t}" for t in range(1, k_ + 1)]
    b = RNNBuilder(AB, units, activation="step", bits=1, readout={units[-1]: 1})
    b.U[("h1", "a")] = 1
    for prev, cur in itertools.pairwise(units):
        b.W[(cur, prev)] = 1
    return b.build()


@functools.cache
def window_formulas() -> dict[str, dict[str, sp.Expr]]:
    """Closed forms in k. UHAT (compact schedule: ``A_2`` at ``R = 2, X = 0``, then
    ``A_t`` at ``R = 3, X = 1`` — it drops ``A_{t−1}``; the readout has 3 entries)::

        params = 70k − 84,  nonzero = 13k − 11,  layers = 2k − 2,  bits = 3·params
        width  = 5 (k ≥ 3; the residual inside A_t: 3 + copy + vis), 4 (k = 2)

    and ``k = 1``: no op, the output is ``Q_a`` (params 6, nonzero 3, width 2). DFA
    ``2^k`` states; DFA → RNN ``2^{k+1} + 1`` units; rnn2 ``2^k`` units; shift register
    ``k`` units, ``k² + 5k + 1`` params, ``kD = k``.
    """
    uhat = _piecewise([(_total([], 2, 2), sp.Eq(k, 1)),
                       (_total([("prev", 2, 0, 1), ("prev", 3, 1, k - 2)], 2, 3), True)])
    uhat["width"] = sp.Piecewise((2, sp.Eq(k, 1)), (4, sp.Eq(k, 2)), (5, True))
    states = 2**k
    shift_params = sp.expand(RNN_PARAMS.subs({D: k, Sigma: 2}))
    return {
        "uhat": uhat,
        "dfa": {"dfa_states": states},
        "rnn": _dfa_rnn_formulas(states, 2),
        "rnn2": _rnn2_formulas(states, 2),
        "shift": {"units": k, "params": shift_params, "bits": 3 * shift_params + 1,
                  "kD": k},
    }


def _window_members(p: Mapping[str, Any]) -> Iterator[str]:
    """``u a v`` with ``|v| = k − 1``, for every ``u`` of length ≤ 6 (shortlex) and ``v``
    one of ``b^{k−1}``, ``a^{k−1}``, ``(ab)…``."""
    kk = p["k"]
    tails = ["b" * (kk - 1), "a" * (kk - 1), ("ab" * kk)[:kk - 1]]
    for u in _shortlex(("a", "b"), 6):
        for v in dict.fromkeys(tails):
            yield "".join(u) + "a" + v


def _window_sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Counted sizes where the model is built (else the formula), with the closed forms."""
    kk = p["k"]
    f = window_formulas()
    out = {"uhat": compiled_report(window_uhat(kk)).with_(
        formulas={"closed form in k": f["uhat"]}, formula_values=_values(f["uhat"], k, kk))}
    for name, build in (("rnn", window_rnn), ("rnn2", window_rnn2), ("shift", shift_rnn)):
        closed = {"formulas": f[name], "formula_values": _values(f[name], k, kk)}
        try:
            out[name] = build(kk).size_report().with_(**closed)
        except SuccinctError as e:
            out[name] = SizeReport(name, extra={"not_built": str(e)}, **closed)
    dfa_closed = {"formulas": f["dfa"], "formula_values": _values(f["dfa"], k, kk)}
    try:
        dfa = window_dfa(kk)
        out["dfa"] = dfa.size_report().with_(**dfa_closed, extra=_monoid_extra(
            dfa, "yes: a word of length ≥ k acts as a constant map (not checked)"))
    except SuccinctError as e:
        out["dfa"] = dfa_report(2**kk, 2).with_(**dfa_closed, extra={"not_built": str(e)})
    return out


# ====================================================================== monotone
def _check_m(m_: int, family: str) -> None:
    if m_ < 2:
        raise SuccinctError(f"{family} needs m ≥ 2, got m={m_}")


def monotone_alphabet(m_: int) -> Alphabet:
    """``e_0 … e_{m−2}`` as the letters ``a, b, c, …`` (m ≤ 27)."""
    _check_m(m_, "monotone")
    if m_ > 27:
        raise SuccinctError(f"monotone names its m − 1 generators a…z, so m ≤ 27, got m={m_}")
    return Alphabet.of(chr(ord("a") + i) for i in range(m_ - 1))


@functools.cache
def monotone_table(m_: int) -> Table:
    """The generators ``e_i: i ↦ i + 1`` (others fixed) on ``{0 … m−1}``, start 0,
    accepting ``{m − 1}``."""
    letters = monotone_alphabet(m_).symbols
    gens = tuple((s, tuple(q + 1 if q == i else q for q in range(m_)))
                 for i, s in enumerate(letters))
    return Table(f"monotone{m_}", tuple(str(q) for q in range(m_)), gens, 0,
                 frozenset({m_ - 1}))


@functools.cache
def monotone_program(m_: int) -> Program:
    """The staged subsequence program (module docstring): ``S_t``, ``E_t``, ``acc``."""
    letters = monotone_alphabet(m_).symbols
    p = ProgramBuilder(monotone_alphabet(m_))
    done = p.Q(letters[0])  # E_0
    seen = None
    for t, s in enumerate(letters):
        if t > 0:
            done = p.local(f"E{t}", p.Q(s) & seen)
        seen = p.attend(f"S{t}", mask="future", tie="right", score=done.j, value=TRUE,
                        default=FALSE)
    return p.build(p.local("acc", done | seen))


@functools.cache
def monotone_uhat(m_: int) -> CompiledProgram:
    """:func:`monotone_program` compiled in compact mode."""
    return compile_program(monotone_program(m_), "compact")


def catalan(m_: int) -> int:
    """``C_m = binom(2m, m)/(m + 1)``: the order-preserving extensive maps of [m]."""
    return sp.binomial(2 * m_, m_) // (m_ + 1)


@functools.cache
def monotone_formulas() -> dict[str, dict[str, sp.Expr]]:
    """Closed forms in m, with ``s = m − 1`` input coordinates. UHAT (compact schedule):
    ``S_0`` at ``(R, X) = (s, 0)``; for ``t = 1 … m−2``: ``E_t`` at ``(s + 1, 1)``
    (drops ``S_{t−1}``) and ``S_t`` at ``(s + 1, 1)`` (drops ``E_t``), but ``(s + 1, 0)``
    for the last ``S_{m−2}`` (``acc`` still reads ``E_{m−2}``); ``acc`` at ``(s + 2,
    2)``; readout ``s + 1`` entries. For ``m = 2``: ``S_0`` at ``(1, 0)``, ``acc`` at
    ``(2, 1)`` (``E_0 = Q_a`` is an input, never dropped)::

        params  = 4m³ + 7m² − 10m − 3 (m ≥ 3), 30 (m = 2);  layers = 3m − 3
        nonzero = 3m² + 5m − 6 (m ≥ 3), 15 (m = 2)
        width   = m + 1 (m ≥ 3; the residual inside S_t), 2 (m = 2);  bits = 3·params

    DFA ``m`` states; DFA → RNN ``m(m − 1) + 1`` units; rnn2 ``m`` units; the monoid
    ``C_m`` elements.
    """
    s = m - 1
    general = _total([("seen", s, 0, 1), ("and", s + 1, 1, m - 2), ("seen", s + 1, 1, m - 3),
                      ("seen", s + 1, 0, 1), ("or", s + 2, 2, 1)], s, s + 1)
    general["width"] = m + 1
    two = _total([("seen", 1, 0, 1), ("or", 2, 1, 1)], 1, 2)
    two["width"] = sp.Integer(2)
    return {
        "uhat": _piecewise([(two, sp.Eq(m, 2)), (general, True)]),
        "dfa": {"dfa_states": m},
        "rnn": _dfa_rnn_formulas(m, m - 1),
        "rnn2": _rnn2_formulas(m, m - 1),
        "monoid": {"monoid_size": sp.binomial(2 * m, m) / (m + 1)},
    }


def _monotone_members(p: Mapping[str, Any]) -> Iterator[str]:
    """``u e_0 … e_{m−2} v`` for short ``u``, ``v`` (shortlex), then the generators
    each doubled."""
    a = monotone_alphabet(p["m"])
    base = "".join(a.symbols)
    for u in _shortlex(a.symbols, 3):
        yield "".join(u) + base
        yield base + "".join(u)
    yield "".join(s + s for s in a.symbols)


def _table_sizes(table: Table, var: sp.Symbol, value: int,
                 f: Mapping[str, Mapping[str, sp.Expr]], beyond: str = "not decided here"
                 ) -> dict[str, SizeReport]:
    """The RNN, rnn2 and DFA reports of a table family (monotone, cyclic)."""
    out = {}
    for name, build in (("rnn", table_rnn), ("rnn2", table_rnn2)):
        out[name] = build(table).size_report().with_(
            formulas=f[name], formula_values=_values(f[name], var, value))
    dfa = minimal_dfa(table)
    out["dfa"] = dfa.size_report().with_(
        formulas=f["dfa"], formula_values=_values(f["dfa"], var, value),
        extra=_monoid_extra(dfa, beyond))
    return out


def _monotone_sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    mm = p["m"]
    f = monotone_formulas()
    out = {"uhat": compiled_report(monotone_uhat(mm)).with_(
        formulas={"closed form in m": f["uhat"]}, formula_values=_values(f["uhat"], m, mm))}
    out |= _table_sizes(monotone_table(mm), m, mm, f,
                        "yes, by extensivity: f^(m−1) = f^m for every element (not checked)")
    out["dfa"] = out["dfa"].with_(formulas=f["monoid"],
                                  extra={"monoid_size_formula": catalan(mm)})
    return out


# ====================================================================== cyclic
@functools.cache
def cyclic_table(m_: int) -> Table:
    """ℤ_m: ``a`` adds 1 mod m, ``b`` keeps; start 0, accepting ``{0}``."""
    _check_m(m_, "cyclic")
    return Table(f"cyclic{m_}", tuple(str(q) for q in range(m_)),
                 (("a", tuple((q + 1) % m_ for q in range(m_))), ("b", tuple(range(m_)))),
                 0, frozenset({0}))


def cyclic_uhat(m_: int) -> CompiledProgram:
    """Never returns: raises :class:`NoUHATError` naming a group witness of the
    syntactic monoid (for ℤ_m the letter ``a``, period m)."""
    dfa = minimal_dfa(cyclic_table(m_))
    witness = group_witness(dfa)
    if witness is None:  # not reached for m ≥ 2: ℤ_m is a non-trivial group
        raise SuccinctError(f"cyclic m={m_}: the syntactic monoid is aperiodic, which "
                            "contradicts ℤ_m; this is a bug")
    f, kk, p = witness
    shown = str(f) if len(f) <= 8 else f"({', '.join(map(str, f[:3]))}, …, {f[-1]})"
    letters = [s for a, s in enumerate(dfa.alphabet)
               if tuple(int(x) for x in dfa.delta[:, a]) == f]
    name = f"the letter {letters[0]!r}" if letters else f"the element {f}"
    raise NoUHATError(
        f"no UHAT of the paper's kind exists for cyclic m={m_}: its syntactic monoid ℤ_{m_} "
        f"is not aperiodic — witness {name}, x = {shown} with x^{kk} = x^{kk + p}, period "
        f"p = {p} > 1 — and UHATs without positional encodings recognize exactly the "
        "star-free languages, whose syntactic monoids are aperiodic. Use --model scan "
        "(positional encodings, outside the paper's model) or rnn / rnn2 / dfa")


@functools.cache
def table_rnn(table: Table) -> RNN:
    """DFA → 1-bit RNN on the table's minimal DFA (refused past :data:`MAX_PARAMS`)."""
    dfa = minimal_dfa(table)
    units = dfa.n_states * dfa.n_symbols + 1
    _refuse(f"the DFA → RNN construction for {table.name}",
            int(RNN_PARAMS.subs({D: units, Sigma: dfa.n_symbols})), MAX_PARAMS)
    return dfa_to_rnn(dfa)


@functools.cache
def table_rnn2(table: Table) -> SecondOrderRNN:
    """The second-order RNN of the table's minimal DFA."""
    return from_dfa(minimal_dfa(table))


def cyclic_scan(m_: int, max_len: int) -> PositionalUHAT:
    """:func:`constructions.wordproblem.scan` on ℤ_m (refused past :data:`MAX_PARAMS`)."""
    table = cyclic_table(m_)
    if max_len >= 2:
        _refuse(f"the scan for cyclic m={m_}, T={max_len}",
                int(scan_formulas()["params"].subs({n: m_, Sigma: 2, T_sym: max_len})),
                MAX_PARAMS)
    return scan(table, max_len)


@functools.cache
def cyclic_formulas() -> dict[str, dict[str, sp.Expr]]:
    """Closed forms in m (and T for the scan): DFA ``m`` states; DFA → RNN ``2m + 1``
    units; rnn2 ``m`` units; the scan's :func:`constructions.wordproblem.scan_formulas`
    at ``|Q| = m``, ``|Σ| = 2``."""
    return {
        "dfa": {"dfa_states": m},
        "rnn": _dfa_rnn_formulas(m, 2),
        "rnn2": _rnn2_formulas(m, 2),
        "scan": {key: f.subs({n: m, Sigma: 2}) for key, f in scan_formulas().items()},
    }


def _cyclic_members(p: Mapping[str, Any]) -> Iterator[str]:
    """``u a^r`` with ``r`` the a's that complete ``u`` to a multiple of m (shortlex u)."""
    mm = p["m"]
    for u in _shortlex(("a", "b"), 10):
        w = "".join(u) + "a" * (-u.count("a") % mm)
        if w:
            yield w


def _cyclic_sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    mm, tt = p["m"], p["T"]
    f = cyclic_formulas()
    out: dict[str, SizeReport] = {}
    try:
        cyclic_uhat(mm)
    except NoUHATError as e:
        out["uhat"] = SizeReport("none", extra={"exists": "no", "reason": str(e)})
    scan_values = {key: int(e.subs({m: mm, T_sym: tt})) for key, e in f["scan"].items()}
    try:
        out["scan"] = cyclic_scan(mm, tt).size_report().with_(
            formulas=f["scan"], formula_values=scan_values)
    except SuccinctError as e:
        out["scan"] = SizeReport("uhat+pe", formulas=f["scan"], formula_values=scan_values,
                                 extra={"not_built": str(e)})
    return out | _table_sizes(cyclic_table(mm), m, mm, f)


# ====================================================================== verdicts
def _rows(left_bits: sp.Expr, left_params: sp.Expr, states: sp.Expr, n_symbols: sp.Expr,
          rnn: Mapping[str, sp.Expr], var: sp.Symbol, start: int) -> list[Comparison]:
    """The built UHAT against every k-bit RNN (bits ≥ B(⌈log₂ states⌉), Prop 1) and every
    DFA (table bits), and against the built DFA → RNN (params); that RNN's k·D against
    Prop 1's ``kD ≥ ⌈log₂ states⌉``."""
    ell = log2_ceil(states)
    return [
        Comparison("UHAT", "RNN", left_bits, rnn_bits_bound(ell), var, measure="bits",
                   opponent="every", start=start, note="k-bit RNNs, Prop 1"),
        Comparison("UHAT", "DFA", left_bits, dfa_table_bits(states, n_symbols), var,
                   measure="bits", opponent="every", start=start,
                   note="table bits m·|Σ|·⌈log₂ m⌉ of the minimal DFA"),
        Comparison("UHAT", "RNN", left_params, rnn["params"], var, measure="params",
                   opponent="built", start=start, note="DFA → RNN"),
        Comparison("RNN", "RNN", rnn["kD"], ell, var, measure="kD", opponent="every",
                   start=start, note="DFA → RNN; Prop 1: kD ≥ ⌈log₂ m⌉"),
    ]


@functools.cache
def window_verdict() -> Verdict:
    """window: exponential gap against every DFA; none against RNNs (the shift register
    meets Prop 1's bound, and every RNN's bit bound grows only like k^{2/3})."""
    f = window_formulas()
    rows = _rows(f["uhat"]["bits"], f["uhat"]["params"], f["dfa"]["dfa_states"], 2, f["rnn"],
                 k, 1)
    rows += [
        Comparison("UHAT", "shift RNN", f["uhat"]["params"], f["shift"]["params"], k,
                   measure="params", opponent="built", note="k-unit shift register",
                   horizon=2 * DEFAULT_HORIZON),  # the crossover is k = 64
    ]
    return Verdict("window", "the last-k window", tuple(rows), (
        "no RNN gap for window: its minimal DFA has 2^k states, so Prop 1 asks every "
        "k-bit RNN for only kD ≥ k state bits, and the k-unit 1-bit shift register (model "
        "shift) has exactly kD = k, the bound itself; the UHAT's O(k) size beats only "
        "the DFA (2^k states) and the DFA → RNN construction built from it",))


@functools.cache
def monotone_verdict() -> Verdict:
    """monotone: the UHAT (Θ(m³) params) loses to every RNN and to the DFA."""
    f = monotone_formulas()
    rows = _rows(f["uhat"]["bits"], f["uhat"]["params"], m, m - 1, f["rnn"], m, 2)
    return Verdict("monotone", "order-preserving extensive maps", tuple(rows), (
        "no gap for monotone: the minimal DFA has only m states, so every RNN needs only "
        "⌈log₂ m⌉ state bits, while each of the UHAT's 2m − 2 ops is a dense layer over "
        "a residual of about m coordinates (the m − 1 inputs stay): Θ(m³) weights",))


def _cyclic_aperiodic_checked(up_to: int) -> range:
    """Decides, for m = 2 … up_to, that the syntactic monoid is not aperiodic (raises if
    one were); returns the range checked."""
    checked = range(2, up_to + 1)
    for mm in checked:
        if group_witness(minimal_dfa(cyclic_table(mm))) is None:
            raise SuccinctError(f"cyclic m={mm}: aperiodic syntactic monoid; this is a bug")
    return checked


CYCLIC_CHECKED_UP_TO = 16


@functools.cache
def cyclic_verdict() -> Verdict:
    """cyclic: no UHAT exists for any m (ℤ_m is a group; decided by the monoid check for
    m ≤ :data:`CYCLIC_CHECKED_UP_TO`, and for every m by the witness ``a``, period m);
    the positional scan against the built RNN at T = :data:`SCAN_T`."""
    f = cyclic_formulas()
    checked = _cyclic_aperiodic_checked(CYCLIC_CHECKED_UP_TO)
    reason = ("the syntactic monoid ℤ_m is a group (the letter a has period m), so the "
              "language is not star-free")
    rows = (
        Comparison("RNN", "UHAT", f["rnn"]["params"], sp.oo, m, measure="params",
                   opponent="every", start=2, note="DFA → RNN", reason=reason),
        Comparison("RNN2", "UHAT", f["rnn2"]["params"], sp.oo, m, measure="params",
                   opponent="every", start=2, note="second-order RNN", reason=reason),
        Comparison("UHAT+PE scan", "RNN", f["scan"]["params"].subs(T_sym, SCAN_T),
                   f["rnn"]["params"], m, measure="params", opponent="built", start=2,
                   note=f"T = {SCAN_T}; outside the paper's model (positional encodings)"),
        Comparison("RNN", "RNN", f["rnn"]["kD"], log2_ceil(m), m, measure="kD",
                   opponent="every", start=2, note="DFA → RNN; Prop 1: kD ≥ ⌈log₂ m⌉"),
    )
    return Verdict("cyclic", "ℤ_m", rows, (
        f"no UHAT without positional encodings exists for cyclic at any m ≥ 2: the "
        f"aperiodicity check (succinct.automata.monoid.period) found the group witness a "
        f"for m = {checked.start} … {checked.stop - 1}, and for every m the letter a "
        "permutes the m states cyclically, so a = a^{1+m} with period m > 1",))


# ====================================================================== registry
def _window_model_help() -> dict[str, str]:
    return {
        "reference": "the last k symbols, composed in Python",
        "brasp": "k − 1 previous-position attentions ▶_j[j<i, 1], no positional encodings",
        "uhat": "that program compiled by Lemma 9 (compact)",
        "rnn": "DFA → 1-bit Elman RNN, 2^(k+1)+1 units",
        "rnn2": "second-order RNN h_t = M[σ_t] h_(t−1), 2^k units",
        "shift": "k-unit 1-bit shift register (meets Prop 1's kD ≥ k)",
        "dfa": "minimal complete DFA, 2^k states",
    }


register(Family(
    name="window",
    description="the k-th symbol from the end is a: composition keeping the last k symbols",
    params=(Param("k", int, default=3, low=1, high=64, help="window length"),),
    alphabet=lambda p: AB,
    models={
        "reference": lambda p: window_reference(p["k"]),
        "brasp": lambda p: window_program(p["k"]),
        "uhat": lambda p: window_uhat(p["k"]).model,
        "rnn": lambda p: window_rnn(p["k"]),
        "rnn2": lambda p: window_rnn2(p["k"]),
        "shift": lambda p: shift_rnn(p["k"]),
        "dfa": lambda p: window_dfa(p["k"]),
    },
    members=_window_members,
    sizes=_window_sizes,
    atlas=lambda full: [{"k": kk} for kk in range(1 if full else 2, 9 if full else 5)],
    verdict=window_verdict,
    model_help=_window_model_help(),
))

register(Family(
    name="monotone",
    description="order-preserving extensive maps e_i: i ↦ i+1 on {0..m−1}; accept iff "
                "e_0 e_1 … e_(m−2) occurs as a subsequence",
    params=(Param("m", int, default=4, low=2, high=27, help="states (generators a, b, …)"),),
    alphabet=lambda p: monotone_alphabet(p["m"]),
    models={
        "reference": lambda p: monotone_table(p["m"]).reference(),
        "brasp": lambda p: monotone_program(p["m"]),
        "uhat": lambda p: monotone_uhat(p["m"]).model,
        "rnn": lambda p: table_rnn(monotone_table(p["m"])),
        "rnn2": lambda p: table_rnn2(monotone_table(p["m"])),
        "dfa": lambda p: minimal_dfa(monotone_table(p["m"])),
    },
    members=_monotone_members,
    sizes=_monotone_sizes,
    atlas=lambda full: [{"m": mm} for mm in range(3, 9 if full else 6)],  # m = 2: a⁺
    verdict=monotone_verdict,
    model_help={
        "reference": "composition of the maps e_i (plain Python)",
        "brasp": "staged subsequence test, m − 1 attention ops ▶_j[j<i, E_t(j)]",
        "uhat": "that program compiled by Lemma 9 (compact)",
        "rnn": "DFA → 1-bit Elman RNN, m(m−1)+1 units",
        "rnn2": "second-order RNN, m units",
        "dfa": "minimal complete DFA, m states",
    },
))

register(Family(
    name="cyclic",
    description="ℤ_m: a adds 1 mod m, b keeps; accept iff #a ≡ 0 (mod m) — no UHAT exists",
    params=(
        Param("m", int, default=3, low=2, high=64, help="order of the cyclic group"),
        Param("T", int, default=32, low=2, high=2048,
              help="longest word the scan model covers (positional encodings)"),
    ),
    alphabet=lambda p: AB,
    models={
        "reference": lambda p: cyclic_table(p["m"]).reference(),
        "uhat": lambda p: cyclic_uhat(p["m"]),
        "scan": lambda p: cyclic_scan(p["m"], p["T"]),
        "rnn": lambda p: table_rnn(cyclic_table(p["m"])),
        "rnn2": lambda p: table_rnn2(cyclic_table(p["m"])),
        "dfa": lambda p: minimal_dfa(cyclic_table(p["m"])),
    },
    members=_cyclic_members,
    sizes=_cyclic_sizes,
    atlas=lambda full: [{"m": mm} for mm in range(2, 7 if full else 4)],
    verdict=cyclic_verdict,
    model_help={
        "reference": "composition of the maps (plain Python)",
        "uhat": "none exists (ℤ_m is a group): raises, naming the witness",
        "scan": "log-depth hard-attention scan WITH positional encodings (outside the "
                "paper's UHAT), words up to length T",
        "rnn": "DFA → 1-bit Elman RNN, 2m+1 units",
        "rnn2": "second-order RNN, m units",
        "dfa": "minimal complete DFA, m states",
    },
))
