"""The family ``dyck``: Dyck-(k, D), balanced words over k bracket types of depth ≤ D.

Alphabet: openers then closers. For ``k ≤ 4`` the symbols are ``([{<`` and ``)]}>``
(words are written letter by letter, e.g. ``([])``); for ``k > 4`` they are ``(1 … (k``
and ``)1 … )k``, written space-separated (``(1 (2 )2 )1``). A word is a member iff it is
balanced (every closer closes the nearest unclosed opener, of the same type, and nothing
stays open) and no prefix has more than ``D`` unclosed brackets.

Models:

* ``reference`` — a stack recognizer in plain Python, written as a step function over
  stacks (:class:`succinct.recognizer.StepMachine`), so its automaton is known too.
* ``uhat`` — a B-RASP program compiled by Lemma 9
  (:func:`succinct.compiler.brasp_to_uhat.compile_program`, compact mode unless ``-p mode=``
  says otherwise), with no positional encodings. Types are coded in ``b = ⌈log₂ k⌉`` bits
  ``τ_r``. With
  ``U_0 ≡ 1``, round ``ℓ = 1 … D`` cancels the innermost remaining pairs::

      L_ℓ(i) := ▶_j[j < i, U_{ℓ−1}(j)] close(i) ∧ open(j) ∧ ⋀_r τ_r(i) ↔ τ_r(j) : 0
      R_ℓ(i) := ◀_j[j > i, U_{ℓ−1}(j)] open(i) ∧ close(j) ∧ ⋀_r τ_r(i) ↔ τ_r(j) : 0
      U_ℓ(i) := U_{ℓ−1}(i) ∧ ¬L_ℓ(i) ∧ ¬R_ℓ(i)
      Z(i)   := ▶_j[j < i, U_D(j)] 0 : ¬U_D(i)          accept iff Z(N).

  The rightmost strict-future (leftmost strict-past) tie-break finds the nearest
  *unmatched* position on the left (right) without positions, so a pair whose contents
  have nesting depth h − 1 cancels exactly in round h; the word is accepted iff nothing
  is left after D rounds. 2D + 1 attention ops, each in Lemma 9's special form (score
  ``U_{ℓ−1}(j)``, no keys); it mixes future and past masks, so acceptance is read at the
  last position.
* ``rnn`` — Hewitt et al. (2020)'s simple-RNN stack with O(D log k) units, made a
  recognizer by latching violation units. Activation: a sigmoid scaled by β = 10⁴ (their
  code's choice); every pre-activation is an odd integer, so every unit is exactly 0 or 1
  in float32 (``sigmoid(±10⁴) ∈ {0, 1}``), and the model is declared 1-bit (``bits=1``:
  quantization is then the identity, and :func:`succinct.exact.dispatch.extract_rnn` yields its
  exact automaton). Stack slots hold ``enc(t) = [bits(t),
  1 − bits(t), 1^{b−1}]`` (``s = 3b − 1`` units; ``s = 1``, an occupancy unit, for
  ``k = 1`` where Hewitt's code does not apply). The state is ``[h^push; h^pop]``, D
  slots each, slot 0 the top::

      h^push_0 ← σ(2·enc(t)·[opener t] − 2·[closer] − 1)
      h^push_j ← σ(2·(h^push_{j−1} + h^pop_{j−1}) − 2·[closer] − 1)      (j ≥ 1)
      h^pop_j  ← σ(2·(h^push_{j+1} + h^pop_{j+1}) − 2·[opener] − 1)

  so the stack is ``h^push + h^pop`` (one half is zero). Violations latch (``+4q·self``,
  ``q`` = occupancy units per slot: ``b``, or 1 for ``k = 1``): ``mis1_r`` / ``mis0_r`` —
  a closer whose type bit r is 1 / 0 meets a top whose bit r is 0 / 1; ``under`` — a
  closer meets an empty stack; ``over`` — an opener meets a full slot D − 1. Accept iff
  every unit is 0: readout ``−Σ h + ½ > 0``. Units: ``2D(3b − 1) + 2b + 2`` for
  ``k ≥ 2`` (Hewitt's ``6D⌈log₂ k⌉ − 2D`` plus ``2b + 2`` violation units) and
  ``2D + 2`` for ``k = 1``.
* ``dfa`` — the minimal complete DFA: the reference's automaton (BFS over the stacks its
  step function :func:`stack_step` reaches), minimized (:mod:`succinct.automata.dfa`), so the
  reference and the DFA agree on every word by construction. It has
  ``Σ_{d=0}^{D} k^d + 1 = (k^{D+1} − 1)/(k − 1) + 1`` states (``D + 2`` for ``k = 1``):
  every stack of height ≤ D, and a sink. (It accepts the
  empty word; recognizers are never asked about it, and the Σ⁺ language's minimal DFA
  has one more state, a non-accepting copy of the start.)

Size formulas (sympy, in k and D with ``b = ⌈log₂ k⌉``) come from the compiled program's
per-op costs (:func:`succinct.compiler.costs.compiled_op_formulas`) summed over the ops; the
tests check them against the counted arrays. In compact mode (:func:`uhat_formulas`) a round
leaves only ``U_ℓ`` behind, so the width is ``2k + 5b + 6`` for every ``D ≥ 2`` and the
params grow linearly in D (Dyck-(1, D): ``401D − 47``); in ``"ffn"`` mode every predicate
stays, the width is ``2k + 5b + 3D + 2`` and the params grow quadratically. Hypothesis
strategies for members and near-miss non-members are :func:`members` and
:func:`near_misses`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import sympy as sp
from hypothesis import strategies as st

from succinct.automata.dfa import DFA
from succinct.compiler.brasp_to_uhat import MODES, CompiledProgram, Mode, compile_program
from succinct.compiler.costs import X, compiled_report
from succinct.models.rnn import RNN, RNNBuilder
from succinct.programs.brasp import FALSE, TRUE, Program, ProgramBuilder, all_of, any_of
from succinct.recognizer import StepMachine
from succinct.registry import Family, Param, register
from succinct.sizes import D, R, SizeReport, dfa_report, k
from succinct.verdicts import (
    Comparison,
    Verdict,
    dfa_table_bits,
    every_rnn_params,
    log2_ceil,
    rnn_bits_bound,
)
from succinct.words import Alphabet, SuccinctError

__all__ = [
    "brackets", "alphabet", "stack_step", "reference", "is_member", "program", "compiled",
    "hewitt_rnn", "minimal_dfa",
    "type_bits", "uhat_formulas", "uhat_formula_values", "uhat_op_costs", "type_code_ones",
    "b_sym", "c_sym", "rnn_units_formula",
    "rnn_params_formula", "dfa_states_formula", "dfa_states_value", "members", "near_misses",
    "verdict", "MAX_DFA_STATES",
]

MAX_DFA_STATES = 2_000_000
BETA = 1e4  # Hewitt et al.'s sigmoid scale


# ====================================================================== alphabet
def brackets(n_types: int) -> tuple[list[str], list[str]]:
    """Openers and closers of type ``0 … k−1``."""
    if n_types < 1:
        raise SuccinctError(f"Dyck needs at least one bracket type, got k={n_types}")
    if n_types <= 4:
        return list("([{<"[:n_types]), list(")]}>"[:n_types])
    return ([f"({t}" for t in range(1, n_types + 1)],
            [f"){t}" for t in range(1, n_types + 1)])


def alphabet(n_types: int) -> Alphabet:
    """Openers then closers."""
    op, cl = brackets(n_types)
    return Alphabet.of(op + cl)


def type_bits(n_types: int) -> int:
    """``b = ⌈log₂ k⌉``: bits of a binary type code (0 for one type)."""
    return (n_types - 1).bit_length()


Stack = tuple[int, ...]


def stack_step(stack: Stack | None, symbol: str, n_types: int, depth: int) -> Stack | None:
    """One step of the stack recognizer: push an opener's type, pop a matching closer;
    ``None`` once a closer mismatches or meets an empty stack, or a push exceeds
    ``depth`` (and forever after)."""
    if stack is None:
        return None
    opening, t = _kinds(n_types)[symbol]
    if opening:
        return stack + (t,) if len(stack) < depth else None
    return stack[:-1] if stack and stack[-1] == t else None


@cache
def _kinds(n_types: int) -> dict[str, tuple[bool, int]]:
    op, cl = brackets(n_types)
    return {s: (True, t) for t, s in enumerate(op)} | {s: (False, t) for t, s in enumerate(cl)}


def reference(n_types: int, depth: int) -> StepMachine:
    """The stack recognizer as a recognizer (its automaton is the stacks it reaches)."""
    return StepMachine(alphabet(n_types), (), lambda q, s: stack_step(q, s, n_types, depth),
                       lambda q: q == (), name="stack recognizer")


def is_member(word: tuple[str, ...] | list[str], n_types: int, depth: int) -> bool:
    """The stack recognizer: balanced, types matching, never more than ``depth`` open."""
    stack: Stack | None = ()
    for s in word:
        stack = stack_step(stack, s, n_types, depth)
        if stack is None:
            return False
    return stack == ()


# ====================================================================== UHAT
@cache  # built once for the sizes and the models
def program(n_types: int, depth: int) -> Program:
    """The cancellation-rounds B-RASP program (2D + 1 attention ops)."""
    op, cl = brackets(n_types)
    p = ProgramBuilder(alphabet(n_types))
    is_open = p.local("open", any_of([p.Q(s) for s in op]))
    is_close = p.local("close", any_of([p.Q(s) for s in cl]))
    tau = [p.local(f"tau{r}", any_of([p.Q(s) for t in range(n_types) if t >> r & 1
                                      for s in (op[t], cl[t])]))
           for r in range(type_bits(n_types))]
    same_type = all_of([t.i.iff(t.j) for t in tau])
    unmatched = None  # U_0 ≡ 1
    for ell in range(1, depth + 1):
        score = TRUE if unmatched is None else unmatched.j
        left = p.attend(f"L{ell}", mask="future", tie="right", score=score,
                        value=is_close.i & is_open.j & same_type, default=FALSE)
        right = p.attend(f"R{ell}", mask="past", tie="left", score=score,
                         value=is_open.i & is_close.j & same_type, default=FALSE)
        keep = [] if unmatched is None else [unmatched]
        unmatched = p.local(f"U{ell}", all_of(keep + [~left, ~right]))
    z = p.attend("Z", mask="future", tie="right", score=unmatched.j, value=FALSE,
                 default=~unmatched)
    return p.build(z)


@cache  # built once for the sizes and the models
def compiled(n_types: int, depth: int, mode: Mode = "compact") -> CompiledProgram:
    """The program compiled to a UHAT, by default in compact mode (:func:`uhat_formulas`:
    its width does not grow with D).

    From about D = 16 the interval bounds of :func:`succinct.models.uhat.value_bounds` exceed
    int32 although every coordinate is 0/1; the model is then certified with its
    declared-Boolean coordinates bounded by 1 and checks them on every evaluation
    (``spec.boolean_guard``).
    """
    return compile_program(program(n_types, depth), mode)


# ====================================================================== RNN
def _slot_codes(n_types: int) -> list[str]:
    b = type_bits(n_types)
    if b == 0:
        return ["occ"]
    return [f"b{r}" for r in range(b)] + [f"nb{r}" for r in range(b)] \
        + [f"one{r}" for r in range(b - 1)]


def _enc(n_types: int, t: int) -> dict[str, int]:
    b = type_bits(n_types)
    if b == 0:
        return {"occ": 1}
    code = {f"b{r}": t >> r & 1 for r in range(b)}
    code |= {f"nb{r}": 1 - (t >> r & 1) for r in range(b)}
    return code | {f"one{r}": 1 for r in range(b - 1)}


@cache  # built once for the sizes and the models
def hewitt_rnn(n_types: int, depth: int) -> RNN:
    """Hewitt et al.'s stack RNN with latching violation units (see the module docstring)."""
    op, cl = brackets(n_types)
    b = type_bits(n_types)
    codes = _slot_codes(n_types)
    occupancy = [c for c in codes if not c.startswith("one")]  # they sum to q iff occupied
    q = max(b, 1)

    def unit(half: str, j: int, c: str) -> str:
        return f"{half}{j}.{c}"

    stack = [unit(h, j, c) for h in ("push", "pop") for j in range(depth) for c in codes]
    checks = [f"mis{v}.{r}" for v in (1, 0) for r in range(b)] + ["under", "over"]
    units = stack + checks
    rb = RNNBuilder(alphabet(n_types), units, activation="sigmoid", beta=BETA, bits=1,
                    readout={u: -1 for u in units}, readout_bias=0.5)
    for u in stack:
        rb.W.set_bias(u, -1)
    for j in range(depth):
        for c in codes:
            push, pop = unit("push", j, c), unit("pop", j, c)
            for s in cl:
                rb.U[(push, s)] = -2
            for s in op:
                rb.U[(pop, s)] = -2
            if j == 0:
                for t, s in enumerate(op):
                    rb.U[(push, s)] = 2 * _enc(n_types, t)[c]
            else:  # Down: slot j − 1 moves to slot j on a push
                rb.W[(push, unit("push", j - 1, c))] = 2
                rb.W[(push, unit("pop", j - 1, c))] = 2
            if j < depth - 1:  # Up: slot j + 1 moves to slot j on a pop
                rb.W[(pop, unit("push", j + 1, c))] = 2
                rb.W[(pop, unit("pop", j + 1, c))] = 2
    for v in (1, 0):
        for r in range(b):
            u = f"mis{v}.{r}"
            rb.W[(u, u)] = 4
            rb.W.set_bias(u, -3)
            top_bit = f"nb{r}" if v == 1 else f"b{r}"  # the top's bit r differs from v
            for half in ("push", "pop"):
                rb.W[(u, unit(half, 0, top_bit))] = 2
            for t, s in enumerate(cl):
                if (t >> r & 1) == v:
                    rb.U[(u, s)] = 2
    rb.W[("under", "under")] = 4 * q
    rb.W.set_bias("under", -1)
    for s in cl:
        rb.U[("under", s)] = 2 * q
    rb.W[("over", "over")] = 4 * q
    rb.W.set_bias("over", -(2 * q + 1))
    for s in op:
        rb.U[("over", s)] = 2 * q
    for half in ("push", "pop"):
        for c in occupancy:
            rb.W[("under", unit(half, 0, c))] = -2
            rb.W[("over", unit(half, depth - 1, c))] = 2
    return rb.build()


# ====================================================================== DFA
@cache  # built once for the sizes and the models
def minimal_dfa(n_types: int, depth: int) -> DFA:
    """The reference's own automaton, minimized: BFS over the stacks that
    :func:`stack_step` reaches from the empty one (and its dead state ``None``)."""
    if dfa_states_value(n_types, depth) > MAX_DFA_STATES:
        raise SuccinctError(
            f"the minimal DFA of Dyck-({n_types},{depth}) has "
            f"{dfa_states_value(n_types, depth)} states, more than {MAX_DFA_STATES}; "
            "sizes reports the count without building it"
        )
    return reference(n_types, depth).automaton(MAX_DFA_STATES + 1).minimize()


# ====================================================================== formulas
b_sym = sp.Symbol("b", positive=True, integer=True)  # ⌈log₂ k⌉, substituted below
c_sym = sp.Symbol("c", positive=True, integer=True)  # inputs of a type bit's OR gate
_r = sp.Symbol("r", integer=True, nonnegative=True)  # a type bit


def _log2_ceil(x: sp.Expr) -> sp.Expr:
    return sp.ceiling(sp.log(x, 2))


def type_code_ones() -> sp.Expr:
    """``Σ_{t=0}^{k−1} popcount(t)``, the 1-bits of the type codes, in ``k`` and ``b``:
    bit ``r`` is set in ``2^r`` of every ``2^{r+1}`` consecutive codes, so it is
    ``Σ_{r=0}^{b−1} (2^r ⌊k / 2^{r+1}⌋ + max(0, (k mod 2^{r+1}) − 2^r))``."""
    return sp.Sum(2**_r * sp.floor(k / 2 ** (_r + 1))
                  + sp.Max(0, sp.Mod(k, 2 ** (_r + 1)) - 2**_r), (_r, 0, b_sym - 1))


def uhat_op_costs(mode: Mode = "compact") -> dict[str, dict[str, sp.Expr]]:
    """Per-op costs of the compiled program, by kind of op, as
    :func:`succinct.compiler.costs.compiled_op_formulas` reports them (the tests check
    it): polynomials in ``R`` (the residual width before the op), ``X`` (the predicates
    its last layer drops; compact mode), ``b`` = :data:`b_sym`, ``k``, and ``c`` =
    :data:`c_sym` (the symbols whose type has bit ``r``: ``τ_r``'s inputs).

    Compact mode: ``layers``, ``params``, ``nonzero`` and ``extra_bits`` (bits =
    3·params + extra_bits). Kinds: ``bracket`` (open, close: an OR of k inputs, one FFN
    block), ``literal`` (open, close for k = 1), ``type`` (τ_r), ``unmatched`` (U_ℓ, one
    AND gate), ``match_first`` / ``match`` (L_ℓ, R_ℓ in round 1 / rounds ℓ ≥ 2: an
    attention layer, then the AND of ``a.U`` (round 1: ``vis``), the bracket kinds and the
    ``b`` type-bit ``↔``s over three FFN levels; round 1's ``vis`` reads the 2k inputs
    where later rounds copy ``U_{ℓ−1}`` and score with it, ``2k − 3`` more non-zeros),
    ``match_first_1`` / ``match_1`` (k = 1: no type bits, one FFN level) and ``final``
    (Z). The top AND of a match has bias −2 (4 bits): one extra bit each.

    ``"ffn"`` mode: ``params`` only, of kinds ``local`` (every position-wise op),
    ``literal``, ``match``, ``match1`` and ``final``, with ``X = 0``.
    """
    b = b_sym
    gate = (R + 1) * (R + 3) - X * (R + 2)  # one gate: W_1, b_1, W_2, W_r, b_2
    if mode == "ffn":
        return {kind: {"params": f} for kind, f in {
            "local": (R + 1) * (R + 3),
            "literal": (R + 1) ** 2,
            "match": 5 * R**2 + 23 * (b + 1) * R + 30 * b**2 + 53 * b + 23,
            "match1": 3 * R**2 + 13 * R + 11,
            "final": 3 * R**2 + 10 * R + 8,
        }.items()}
    if mode != "compact":
        raise SuccinctError(f"Dyck has closed forms for compile modes compact and ffn, not "
                            f"{mode!r}")
    match = 5 * R**2 - R * X + 23 * (b + 1) * R - 4 * (b + 1) * X + 30 * b**2 + 53 * b + 23
    match_1 = 3 * R**2 - R * X + 13 * R - 4 * X + 11
    costs = {
        "bracket": (1, gate, R - X + k + 3, 0),
        "literal": (1, (R + 1) ** 2 - X * (R + 1), R - X + 1, 0),
        "type": (1, gate, R - X + c_sym + 3, 0),
        "unmatched": (1, gate, R - X + 4, 0),
        "match_first": (4, match, 4 * R - X + 18 * b + 2 * k + 11, 1),
        "match": (4, match, 4 * R - X + 18 * b + 14, 1),
        "match_first_1": (2, match_1, 2 * R - X + 2 * k + 7, 1),
        "match_1": (2, match_1, 2 * R - X + 10, 1),
        "final": (2, 3 * R**2 - R * X + 10 * R - 3 * X + 8, 2 * R - X + 8, 0),
    }
    return {kind: {"layers": sp.Integer(lay), "params": par, "nonzero": nz,
                   "extra_bits": sp.Integer(ex)}
            for kind, (lay, par, nz, ex) in costs.items()}


def _compact_totals(one: bool, d1: bool) -> dict[str, sp.Expr]:
    """Layers, params, nonzero and bits of the compact UHAT (in k, D, b), for k = 1 or
    not (``one``) and D = 1 or not (``d1``): the embedding, the ops at their widths and
    drops (:func:`uhat_formulas`), the readout."""
    costs = uhat_op_costs("compact")
    b = sp.Integer(0) if one else b_sym
    p0 = 2 * k + 2 + b
    fields = ("layers", "params", "nonzero", "extra_bits")

    k1 = {"bracket": "literal", "match_first": "match_first_1", "match": "match_1"}

    def op(kind: str, width: sp.Expr, drops: sp.Expr, times: sp.Expr = 1) -> dict:
        kind = k1.get(kind, kind) if one else kind  # k = 1: no type bits
        return {f: times * costs[kind][f].subs({R: width, X: drops}) for f in fields}

    ops = [op("bracket", 2 * k, 0), op("bracket", 2 * k + 1, 0)]
    if not one:  # τ_0 … τ_{b−1} at widths 2k + 2 + r; their OR gates read 2·ones inputs
        tau = {f: sp.summation(costs["type"][f].subs({R: 2 * k + 2 + _r, X: 0, c_sym: 0}),
                               (_r, 0, b - 1)) for f in fields}
        tau["nonzero"] += 2 * type_code_ones()
        ops.append(tau)
    if d1:  # round 1 is the last: R_1 drops open, close and the τ_r
        ops += [op("match_first", p0, 0), op("match_first", p0 + 1, b + 2),
                op("unmatched", p0 - b, 2)]
    else:
        ops += [op("match_first", p0, 0), op("match_first", p0 + 1, 0),
                op("unmatched", p0 + 2, 2),
                op("match", p0 + 1, 0, D - 2), op("match", p0 + 2, 0, D - 2),
                op("unmatched", p0 + 3, 3, D - 2),
                op("match", p0 + 1, 0), op("match", p0 + 2, b + 2),
                op("unmatched", p0 + 1 - b, 3)]
    ops.append(op("final", 2 * k + 1, 1))
    total = {f: sum(o[f] for o in ops) for f in fields}
    params = (2 * k) ** 2 + total["params"] + 2 * k + 1  # embedding, ops, readout
    return {"layers": total["layers"], "params": params,
            "nonzero": 2 * k + total["nonzero"] + 1,
            "bits": 3 * params + total["extra_bits"]}


@cache  # a few seconds of sympy; the expressions are immutable
def uhat_formulas(mode: Mode = "compact") -> dict[str, sp.Expr]:
    """The compiled UHAT's sizes as sympy expressions in ``k, D`` (``b = ⌈log₂ k⌉``).

    **Compact mode** (the default): ``layers``, ``width``, ``params``, ``nonzero`` and
    ``bits``. With ``P = 2k + 2 + b`` (the inputs, open, close and the τ_r), the width
    before each op and the predicates it drops (``R``, ``X``) are:

    * open, close, τ_r: ``R = 2k, 2k + 1, 2k + 2 + r``, ``X = 0``;
    * round 1: ``L_1`` at ``(P, 0)``, ``R_1`` at ``(P + 1, 0)``, ``U_1`` at ``(P + 2, 2)``
      (it drops ``L_1, R_1``);
    * round ℓ ≥ 2: ``L_ℓ`` at ``(P + 1, 0)``, ``R_ℓ`` at ``(P + 2, 0)``, ``U_ℓ`` at
      ``(P + 3, 3)`` (it drops ``L_ℓ, R_ℓ, U_{ℓ−1}``);
    * the last round ℓ = D: ``R_D`` is the last reader of open, close and the τ_r and
      drops them, ``X = b + 2``, so ``U_D`` starts ``b + 2`` lower;
    * ``Z`` at ``(2k + 1, 1)``; the readout has ``2k + 1`` entries.

    So the residual never holds more than four round predicates, whatever ``D``: the
    widest space is the residual inside ``R_ℓ`` (ℓ ≥ 2, ``R = P + 2``), which adds the
    ``b + 2`` copies of ``close, τ_r, U_{ℓ−1}`` and ``3b`` gates of ``↔``:
    ``width = 2k + 5b + 6`` for ``D ≥ 2`` (``2k + 5b + 5`` for ``D = 1``, inside ``R_1``).
    The totals sum :func:`uhat_op_costs` over this schedule, plus the embedding
    (``(2k)²`` entries, ``2k`` non-zero) and the readout; ``layers = 9D + b + 4``
    (``5D + 4`` for k = 1), ``bits = 3·params + 2D``. ``nonzero`` counts the τ_r's
    inputs with :func:`type_code_ones`.

    **"ffn" mode** (every predicate kept): ``layers``, ``width`` and ``params``; the
    rounds start at ``R = P + 3(ℓ − 1)``, so ``width = 2k + 5b + 3D + 2``.
    """
    if mode == "ffn":
        return _ffn_formulas()
    uhat_op_costs(mode)  # refuses modes without closed forms
    cases = []  # (k = 1, D = 1, condition), the general case last
    for one, d1, cond in [(True, True, sp.Eq(k, 1) & sp.Eq(D, 1)), (True, False, sp.Eq(k, 1)),
                          (False, True, sp.Eq(D, 1)), (False, False, sp.true)]:
        sizes = _compact_totals(one, d1)
        sizes["width"] = 2 * k + 5 * (0 if one else b_sym) + (5 if d1 else 6)
        cases.append((sizes, cond))
    return {key: sp.Piecewise(*[(sp.expand(sizes[key]).subs(b_sym, _log2_ceil(k)), cond)
                                for sizes, cond in cases])
            for key in ("layers", "width", "params", "nonzero", "bits")}


def _ffn_formulas() -> dict[str, sp.Expr]:
    """Layers, width and params in ``"ffn"`` mode (:func:`uhat_formulas`): residual width
    ``2k`` inputs, then one coordinate per predicate; per-op params
    (:func:`uhat_op_costs` of ``"ffn"``) summed from ``R = 2k``."""
    ell, i = sp.Symbol("ell", integer=True, positive=True), sp.Symbol("i", integer=True)
    b = b_sym
    costs = {kind: f["params"] for kind, f in uhat_op_costs("ffn").items()}
    local, match, final = costs["local"], costs["match"], costs["final"]
    two_k = 2 * k

    def at(expr: sp.Expr, width: sp.Expr) -> sp.Expr:
        return expr.subs(R, width)

    # k ≥ 2: prelude open, close, τ_0 … τ_{b−1}.
    prelude = at(local, two_k) + at(local, two_k + 1) \
        + sp.summation(at(local, two_k + 2 + i), (i, 0, b - 1))
    p0 = two_k + 2 + b
    start = p0 + 3 * (ell - 1)
    rounds = sp.summation(at(match, start) + at(match, start + 1) + at(local, start + 2),
                          (ell, 1, D))
    width_end = p0 + 3 * D
    params = (two_k) ** 2 + prelude + rounds + at(final, width_end) + width_end + 1
    general = {
        "layers": 9 * D + b + 4,
        "width": two_k + 5 * b + 3 * D + 2,
        "params": params,
    }
    # k = 1: open and close are literals, no type bits, one FFN level per match.
    match1 = costs["match1"]
    start1 = 4 + 3 * (ell - 1)
    params1 = 4 + at(costs["literal"], 2) + at(costs["literal"], 3) \
        + sp.summation(at(match1, start1) + at(match1, start1 + 1) + at(local, start1 + 2),
                       (ell, 1, D)) + at(final, 4 + 3 * D) + 4 + 3 * D + 1
    one = {"layers": 5 * D + 4, "width": 3 * D + 5, "params": params1.subs(k, 1)}
    out = {}
    for key in general:
        g = sp.expand(general[key]).subs(b, _log2_ceil(k))
        out[key] = sp.Piecewise((sp.expand(one[key]), sp.Eq(k, 1)), (g, True))
    return out


def uhat_formula_values(n_types: int, depth: int, mode: Mode = "compact") -> dict[str, int]:
    """:func:`uhat_formulas` at integers (exact: sympy integers, the sum evaluated)."""
    return {key: int(f.subs({k: n_types, D: depth}).doit())
            for key, f in uhat_formulas(mode).items()}


def rnn_units_formula() -> sp.Expr:
    """``2D(3b − 1) + 2b + 2`` for ``k ≥ 2``, ``2D + 2`` for ``k = 1``."""
    b = _log2_ceil(k)
    return sp.Piecewise((2 * D + 2, sp.Eq(k, 1)), (2 * D * (3 * b - 1) + 2 * b + 2, True))


def rnn_params_formula() -> sp.Expr:
    """``u² + u·|Σ| + 3u + 1`` with ``u`` units and ``|Σ| = 2k`` (W, U, b, h0, readout,
    readout bias)."""
    u = rnn_units_formula()
    return u**2 + 2 * k * u + 3 * u + 1


def dfa_states_formula() -> sp.Expr:
    """``(k^{D+1} − 1)/(k − 1) + 1`` for ``k ≥ 2``, ``D + 2`` for ``k = 1``."""
    return sp.Piecewise((D + 2, sp.Eq(k, 1)), ((k ** (D + 1) - 1) / (k - 1) + 1, True))


def dfa_states_value(n_types: int, depth: int) -> int:
    """:func:`dfa_states_formula` at integers (exact)."""
    if n_types == 1:
        return depth + 2
    return (n_types ** (depth + 1) - 1) // (n_types - 1) + 1


# ====================================================================== strategies
@st.composite
def members(draw: st.DrawFn, n_types: int, depth: int, *, max_len: int = 24,
            min_pairs: int = 1) -> tuple[str, ...]:
    """Random members of Dyck-(k, D) of length ≤ ``max_len`` (biased towards opening, so
    the depth bound is reached often)."""
    op, cl = brackets(n_types)
    pairs = draw(st.integers(min_pairs, max(min_pairs, max_len // 2)))
    out: list[str] = []
    stack: list[int] = []
    opened = 0
    while opened < pairs or stack:
        can_open = opened < pairs and len(stack) < depth
        if can_open and (not stack or draw(st.integers(0, 2)) > 0):
            t = draw(st.integers(0, n_types - 1))
            stack.append(t)
            out.append(op[t])
            opened += 1
        else:
            out.append(cl[stack.pop()])
    return tuple(out)


def _depth_profile(word: tuple[str, ...], openers: set[str]) -> list[int]:
    d, out = 0, []
    for s in word:
        d += 1 if s in openers else -1
        out.append(d)
    return out


@st.composite
def near_misses(draw: st.DrawFn, n_types: int, depth: int, *,
                max_len: int = 24) -> tuple[str, ...]:
    """Non-members one edit away from a member (every kind below is never a member).

    * ``delete`` one symbol (odd length);
    * ``retype`` one bracket (k ≥ 2: the pairing is fixed by the opener/closer pattern,
      so that pair no longer matches);
    * ``flip`` an opener to a closer or back (the counts no longer agree);
    * ``truncate`` at a point where brackets are still open;
    * ``stray`` closer in front or opener at the end;
    * ``deepen``: a balanced word whose depth is exactly D + 1 (balanced, too deep).
    """
    op, cl = brackets(n_types)
    kinds = ["delete", "flip", "truncate", "stray", "deepen"] + (["retype"] if n_types > 1
                                                                  else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "deepen":
        inner = [draw(st.integers(0, n_types - 1)) for _ in range(depth + 1)]
        core = tuple(op[t] for t in inner) + tuple(cl[t] for t in reversed(inner))
        room = max(0, max_len - len(core))
        left = draw(members(n_types, depth, max_len=room // 2, min_pairs=0)) \
            if room >= 4 else ()
        right = draw(members(n_types, depth, max_len=room // 2, min_pairs=0)) \
            if room >= 4 else ()
        return left + core + right
    w = list(draw(members(n_types, depth, max_len=max(2, max_len - 1))))
    types = {s: i % n_types for i, s in enumerate(op + cl)}
    if kind == "delete":
        del w[draw(st.integers(0, len(w) - 1))]
        return tuple(w) if w else (cl[0],)
    if kind == "flip":
        i = draw(st.integers(0, len(w) - 1))
        t = types[w[i]]
        w[i] = cl[t] if w[i] in op else op[t]
        return tuple(w)
    if kind == "retype":
        i = draw(st.integers(0, len(w) - 1))
        t = types[w[i]]
        new = draw(st.integers(0, n_types - 2))
        new = new + 1 if new >= t else new
        w[i] = op[new] if w[i] in op else cl[new]
        return tuple(w)
    if kind == "truncate":
        open_at = [i for i, d in enumerate(_depth_profile(tuple(w), set(op))) if d > 0]
        return tuple(w[: draw(st.sampled_from(open_at)) + 1])
    front = draw(st.booleans())
    t = draw(st.integers(0, n_types - 1))
    return (cl[t], *w) if front else (*w, op[t])


# ====================================================================== registry
def _members(p: Mapping[str, Any]) -> Iterator[str]:
    """Members in order of length: ``(^d )^d`` style nests, then their concatenations."""
    a = alphabet(p["k"])
    op, cl = brackets(p["k"])
    for d in range(1, p["D"] + 1):
        for t in range(p["k"]):
            yield a.to_word([a.index(op[t])] * d + [a.index(cl[t])] * d)


def sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Counted sizes of the UHAT and RNN (with their formulas) and the DFA's state count
    (by the formula: the DFA is built only up to :data:`MAX_DFA_STATES` states)."""
    nt, depth, mode = p["k"], p["D"], p["mode"]
    comp = compiled(nt, depth, mode)
    uhat = compiled_report(comp).with_(extra={"attention_ops": len(comp.program.attention_ops)})
    if mode in ("compact", "ffn"):  # closed forms in k, D (none for lemma9)
        uhat = uhat.with_(formulas={"closed form in k, D": uhat_formulas(mode)},
                          formula_values=uhat_formula_values(nt, depth, mode))
    rnn = hewitt_rnn(nt, depth).size_report().with_(
        formulas={"units": rnn_units_formula(), "params": rnn_params_formula()},
        extra={"activation": f"sigmoid(β·z), β = {BETA:g}"})
    dfa = dfa_report(dfa_states_value(nt, depth), 2 * nt).with_(
        formulas={"dfa_states": dfa_states_formula()})
    return {"uhat": uhat, "rnn": rnn, "dfa": dfa}


@cache
def verdict() -> Verdict:
    """The built UHAT against every k-bit RNN and every DFA (lower bounds) and against the
    built RNN, as D grows (k = 2) and as k grows (D = 2).

    With ``m`` = :func:`dfa_states_formula` and ``L = ⌈log₂ m⌉``: every k-bit RNN has
    ``bits ≥ rnn_bits_bound(L)`` and every DFA ``m·2k·⌈log₂ m⌉`` table bits (under
    ``bits`` when :func:`uhat_formulas` has ``bits``; otherwise under dense ``params``,
    where every RNN is bounded only by a one-unit RNN and every DFA by its ``m·2k``
    transitions). The built RNN (sigmoid units) is compared under ``params``.
    """
    uh = uhat_formulas()
    states, n_symbols = dfa_states_formula(), 2 * k
    if "bits" in uh:
        measure, left = "bits", uh["bits"]
        every_rnn = rnn_bits_bound(log2_ceil(states))
        every_dfa = dfa_table_bits(states, n_symbols)
    else:
        measure, left = "params", uh["params"]
        every_rnn, every_dfa = every_rnn_params(n_symbols), states * n_symbols
    rows = []
    for var, fixed in ((D, {k: 2}), (k, {D: 2})):
        where = ", ".join(f"{s} = {v}" for s, v in fixed.items())
        rows += [
            Comparison("UHAT", "RNN", left.subs(fixed), every_rnn.subs(fixed),
                       var, measure=measure, opponent="every",
                       note=f"{where}; k-bit RNNs, Prop 1"),
            Comparison("UHAT", "DFA", left.subs(fixed), every_dfa.subs(fixed), var,
                       measure=measure, opponent="every", note=f"{where}; minimal DFA"),
            Comparison("UHAT", "RNN", uh["params"].subs(fixed),
                       rnn_params_formula().subs(fixed), var, measure="params",
                       opponent="built", note=where),
        ]
    return Verdict(family="dyck", subject="Dyck", comparisons=tuple(rows))


register(Family(
    name="dyck",
    description="Dyck-(k,D): balanced words over k bracket types, depth ≤ D",
    params=(
        Param("k", int, default=1, low=1, high=64, help="bracket types"),
        Param("D", int, default=3, low=1, high=32, help="maximum nesting depth"),
        Param("mode", str, default="compact", choices=MODES,
              help="compile mode of the uhat model"),
    ),
    alphabet=lambda p: alphabet(p["k"]),
    models={
        "reference": lambda p: reference(p["k"], p["D"]),
        "brasp": lambda p: program(p["k"], p["D"]),
        "uhat": lambda p: compiled(p["k"], p["D"], p["mode"]).model,
        "rnn": lambda p: hewitt_rnn(p["k"], p["D"]),
        "dfa": lambda p: minimal_dfa(p["k"], p["D"]),
    },
    members=_members,
    sizes=sizes,
    atlas=lambda full: [{"k": 2, "D": d} for d in range(1, 9 if full else 5)],
    verdict=verdict,
    model_help={
        "reference": "stack recognizer (plain Python)",
        "brasp": "cancellation rounds, 2D+1 attention ops, no positional encodings",
        "uhat": "that program compiled by Lemma 9",
        "rnn": "Hewitt et al. 2020 stack RNN + latching violation units (sigmoid, β=1e4)",
        "dfa": "minimal complete DFA (stacks of height ≤ D, and a sink)",
    },
))
