"""The paper's Lemma 8 gadgets (§4.1), shared by the counter families and tiling.

No family is registered here. Every op is strict-future and rightmost, ``▶_j[j < i, S(j)]
V(i, j) : D(i)``, in Lemma 9's special form, so the compiler turns the gadgets into UHAT
layers (:mod:`succinct.compiler.brasp_to_uhat`).

Gadget A (:func:`gadget_a`, the shape ``({0,1}^n T #)^+``; ``T`` the tiles, ``n`` the bits)::

    A_T(i)      := ▶_j[j<i, 1] ⋁_{t∈T} Q_t(j) : 0           (the previous symbol is a tile)
    A_bit_1(i)  := ▶_j[j<i, 1] Q_0(j) ∨ Q_1(j) : 0
    A_bit_k(i)  := ▶_j[j<i, 1] A_bit_{k−1}(j) : 0            (2 ≤ k ≤ n)
    A_hash_1(i) := ▶_j[j<i, 1] Q_#(j) : 1
    A_hash_k(i) := ▶_j[j<i, 1] A_hash_{k−1}(j) : 1           (2 ≤ k ≤ n + 1)
    A_enc(i)    := (Q_#(i) → A_T(i)) ∧ (⋁_t Q_t(i) → ⋀_k A_bit_k(i) ∧ A_hash_{n+1}(i))
    A(i)        := ▶_j[j<i, ¬A_enc(j)] 0 : A_enc(i)          (A_enc at every j ≤ i)

so ``A`` holds at ``i`` iff every ``#`` follows a tile and every tile follows ``n`` bits
that follow a ``#`` or the start.

Gadget B (:func:`address`, :func:`plus_one`, :func:`gadget_b`): the address of a cell
and the check that addresses count up, cyclically::

    B_1(i)    := ▶_j[j<i, Q_0(j) ∨ Q_1(j)] Q_1(j) : 0        (the latest bit)
    B_k(i)    := ▶_j[j<i, Q_0(j) ∨ Q_1(j)] B_{k−1}(j) : 0    (the k-th latest bit)
    B_inc(i)  := ▶_j[j<i, Q_#(j)] B(i) = B(j) + 1 : 0
    B_wrap(i) := ▶_j[j<i, Q_#(j)] ⋀_k ¬B_k(i) ∧ B_k(j) : ⋀_k ¬B_k(i)
    B(i)      := ▶_j[j<i, Q_#(j) ∧ ¬B_wrap(j) ∧ ¬B_inc(j)] 0 : B_wrap(i) ∨ B_inc(i)

with ``B(i) = B(j) + 1`` the formula of :func:`plus_one`. ``B``'s default is
``B_wrap ∨ B_inc``: the paper's text prints ∧, a typo (the two are exclusive).

Closed forms of compiled sizes: an op is described by an :class:`OpPlan` (the statistics
of its circuits — gates, weights and non-zero biases per level —, its attention layer and
``d``, the predicates it reads last), written by hand as expressions in a family
parameter; :func:`uhat_closed_forms` adds up, layer by layer, what the compiler
(:mod:`succinct.compiler.brasp_to_uhat`) makes of a list of them in each mode (layer
parameter counts :data:`succinct.sizes.ATTN_PARAMS`, :data:`succinct.sizes.FFN_PARAMS`).
:func:`gadget_a_plans` gives Gadget A and the ``B_k``; :func:`residual_schedule` the
residual widths it implies, to compare with the compiler's own liveness analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from succinct.programs.brasp import FALSE, TRUE, Expr, ProgramBuilder, Ref, all_of, any_of
from succinct.sizes import ATTN_PARAMS, FFN_PARAMS, H, Q, R, S

__all__ = ["gadget_a", "address", "plus_one", "gadget_b", "K_OP", "floor_log2",
           "floor_log2_sum", "Level", "GATE2", "GATE2_B0", "Attn", "OpPlan",
           "uhat_closed_forms", "gadget_a_plans", "residual_schedule"]

FUTURE = {"mask": "future", "tie": "right"}


def gadget_a(p: ProgramBuilder, tiles: tuple[str, ...], bits: int) -> Ref:
    """Lemma 8's Gadget A (module docstring): ``A(i)`` iff ``a_1 … a_i`` is a prefix of a
    word of ``({0,1}^bits T #)^*``."""
    qbit = p.Q("0") | p.Q("1")
    qtile = any_of([p.Q(t) for t in tiles])
    a_t = p.attend("A_T", **FUTURE, score=TRUE, value=qtile.j, default=FALSE)
    a_bit = [p.attend("A_bit_1", **FUTURE, score=TRUE, value=qbit.j, default=FALSE)]
    for k in range(2, bits + 1):
        a_bit.append(p.attend(f"A_bit_{k}", **FUTURE, score=TRUE, value=a_bit[-1].j,
                              default=FALSE))
    a_hash = [p.attend("A_hash_1", **FUTURE, score=TRUE, value=p.Q("#").j, default=TRUE)]
    for k in range(2, bits + 2):
        a_hash.append(p.attend(f"A_hash_{k}", **FUTURE, score=TRUE, value=a_hash[-1].j,
                               default=TRUE))
    enc = p.local("A_enc", p.Q("#").implies(a_t)
                  & qtile.implies(all_of([*a_bit, a_hash[-1]])))
    return p.attend("A", **FUTURE, score=~enc.j, value=FALSE, default=enc)


def address(p: ProgramBuilder, bits: int) -> list[Ref]:
    """Gadget B's ``B_1 … B_bits``: ``B_k(i)`` is the k-th most recent bit before ``i``
    (so at a ``#``, ``B_1`` is the address's least significant bit)."""
    qbit = p.Q("0") | p.Q("1")
    out = [p.attend("B_1", **FUTURE, score=qbit.j, value=p.Q("1").j, default=FALSE)]
    for k in range(2, bits + 1):
        out.append(p.attend(f"B_{k}", **FUTURE, score=qbit.j, value=out[-1].j,
                            default=FALSE))
    return out


def plus_one(b: list[Ref]) -> Expr:
    """``B(i) = B(j) + 1`` (``b[0]`` the least significant bit)::

        ⋁_k ⋀_{r<k} (¬B_r(i) ∧ B_r(j)) ∧ B_k(i) ∧ ¬B_k(j) ∧ ⋀_{r>k} B_r(i) ↔ B_r(j)
    """
    terms = []
    for k in range(len(b)):
        terms.append(all_of([~b[r] & b[r].j for r in range(k)] + [b[k] & ~b[k].j]
                            + [b[r].iff(b[r].j) for r in range(k + 1, len(b))]))
    return any_of(terms)


def gadget_b(p: ProgramBuilder, b: list[Ref]) -> Ref:
    """Gadget B's ``B_inc``, ``B_wrap`` and ``B`` (module docstring): ``B`` holds at a
    ``#`` iff every address so far is the previous one plus 1 modulo ``2^n``, the first
    one being 0."""
    q_hash = p.Q("#")
    inc = p.attend("B_inc", **FUTURE, score=q_hash.j, value=plus_one(b), default=FALSE)
    wrap = p.attend("B_wrap", **FUTURE, score=q_hash.j, value=all_of([~x & x.j for x in b]),
                    default=all_of([~x for x in b]))
    return p.attend("B", **FUTURE, score=(q_hash & ~wrap & ~inc).j, value=FALSE,
                    default=wrap | inc)


# ====================================================================== closed forms
K_OP = sp.Dummy("k", positive=True, integer=True)  # the index of a chain of ops (A_bit_k, …)


def floor_log2(m: Any) -> Any:
    """``⌊log₂ m⌋ = ℓ(m) − 1`` for ``m ≥ 1``: the bits a bias of magnitude ``m`` costs
    beyond the 3 of a ±1 weight (:func:`succinct.sizes.entry_bits`)."""
    return sp.floor(sp.log(m, 2))


def floor_log2_sum(m: Any) -> Any:
    """``Σ_{k=1}^{m} ⌊log₂ k⌋ = (m + 1)·L − 2^{L+1} + 2`` with ``L = ⌊log₂ m⌋`` (0 for
    ``m < 1``): the numbers ``2^l … 2^{l+1} − 1`` contribute ``l`` each."""
    big_l = floor_log2(m)
    return sp.Piecewise((0, m < 1), ((m + 1) * big_l - 2 ** (big_l + 1) + 2, True))


@dataclass(frozen=True)
class Level:
    """One level of a threshold circuit (:mod:`succinct.compiler.circuits`): ``gates``
    gates that read ``support`` coordinates in all (one weight each), ``biases`` of them
    with a non-zero bias, which cost ``extra`` bits beyond 3 (``Σ ⌊log₂|b|⌋``; an AND
    of ``m`` literals, ``ν`` of them negated, has bias ``ν − (m − 1)``, a NOR
    ``1 − ν``)."""

    gates: Any
    support: Any
    biases: Any
    extra: Any = 0


# A 2-input gate with bias ±1 (AND(x, y), NOR(x, y), AND(¬x, ¬y)) or with bias 0 (one
# literal negated).
GATE2, GATE2_B0 = Level(1, 2, 1), Level(1, 2, 0)


@dataclass(frozen=True)
class Attn:
    """The attention layer of an op (Lemma 9, step 2): ``keys`` = |K|, ``copies`` the
    predicates copied to ``a.x``, ``vis`` whether ``P~vis`` is written, ``lit`` whether
    the score is a literal after materialisation (not TRUE), ``pos`` a positive one."""

    keys: Any = 0
    copies: Any = 1
    vis: bool = False
    lit: bool = True
    pos: bool = True


@dataclass(frozen=True)
class OpPlan:
    """One op of a B-RASP program as the compiler lowers it, in closed form.

    ``levels`` are the levels of the op's circuit (a position-wise op: its formula; an
    attention op: ``(R ∧ V) ∨ (¬R ∧ D)``), ``or_root`` whether its root is an OR gate
    (stored negated, read back with a bias 1), ``root`` the (support, bias) of the
    affine value of a circuit of depth 0 (a literal); ``attn`` the attention layer and
    ``score`` the levels of a materialised score ``P~S`` (root an OR: ``score_or``);
    ``drops`` = d, the predicates whose last reader is this op (dropped by its last
    layer in compact mode); ``chain = (lo, hi)`` stands for the ops ``k = lo … hi``
    (``k`` is :data:`K_OP`), each with these statistics.
    """

    name: str
    levels: tuple[Level, ...] = ()
    or_root: bool = False
    root: tuple[Any, Any] = (1, 0)
    attn: Attn | None = None
    score: tuple[Level, ...] = ()
    score_or: bool = False
    drops: Any = 0
    chain: tuple[Any, Any] | None = None


@dataclass
class _Tally:
    layers: Any = 0
    params: Any = 0
    nonzero: Any = 0
    extra: Any = 0
    widths: list[Any] = field(default_factory=list)

    def layer(self, params: Any, nonzero: Any, widths: list[Any], layers: Any = 1) -> None:
        self.layers += layers
        self.params += params
        self.nonzero += nonzero
        self.widths += widths


def _attn_params(q: Any, r: Any, s: Any) -> Any:
    return ATTN_PARAMS.subs({Q: q, R: r, S: s}, simultaneous=True)


def _ffn_params(h: Any, r: Any, s: Any) -> Any:
    return FFN_PARAMS.subs({H: h, R: r, S: s}, simultaneous=True)


def _circuit(t: _Tally, levels: tuple[Level, ...], or_root: bool, root: tuple[Any, Any],
             mode: str, r_in: Any, r_keep: Any, keep: bool) -> Any:
    """The layers of one circuit from width ``r_in``; returns the width after it.

    The last layer keeps ``r_in`` plus the circuit's gates (``keep``: a score, whose
    scratch stays until the op ends) or else ``r_keep`` coordinates, and appends the
    value. ffn/compact: one FFN block per level (``W_r`` carries the kept coordinates,
    one hidden unit per gate, ``W_2`` writes the gates; the last block writes only the
    value, with bias 1 for an OR root). lemma9: per level an unused-head attention layer
    appending the pre-activations and one ReLU layer per gate, then an unused-head layer
    writing the value.
    """
    done = 0
    for idx, lv in enumerate(levels):
        width = r_in + done
        t.extra += lv.extra
        if mode == "lemma9":
            out = width + lv.gates
            t.layer(_attn_params(1, width, out), width + lv.support + lv.biases, [out, 1],
                    layers=1 + lv.gates)
            done += lv.gates
        elif idx < len(levels) - 1:
            out = width + lv.gates
            t.layer(_ffn_params(lv.gates, width, out),
                    lv.support + lv.biases + lv.gates + width, [out, lv.gates])
            done += lv.gates
        else:
            out = width + 1 if keep else r_keep + 1
            t.layer(_ffn_params(lv.gates, width, out),
                    lv.support + lv.biases + lv.gates + out - 1 + int(or_root),
                    [out, lv.gates])
    if mode == "lemma9" or not levels:
        width = r_in + done
        out = width + 1 if keep else r_keep + 1
        support, bias = root if not levels else (1, int(or_root))
        params = _attn_params(1, width, out) if mode == "lemma9" else _ffn_params(0, width, out)
        t.layer(params, out - 1 + support + (0 if bias == 0 else 1), [out])
        return out
    return r_in + done + 1 if keep else r_keep + 1


def _op_tally(op: OpPlan, r: Any, mode: str, n_symbols: int) -> _Tally:
    """Layers, parameters, non-zeros, extra bits and widths of one op from width ``r``."""
    t = _Tally()
    r_keep = r - op.drops if mode == "compact" else r
    width = r
    if op.attn is not None:
        if op.score:
            width = _circuit(t, op.score, op.score_or, (1, 0), mode, r, r, keep=True)
        a = op.attn
        q, out = 2 * a.keys + 1, width + a.copies + int(a.vis)
        t.layer(_attn_params(q, width, out),
                6 * a.keys + 1 + int(a.lit) + int(a.lit and a.pos) + width + a.copies
                + n_symbols * int(a.vis), [out, q])
        width = out
    _circuit(t, op.levels, op.or_root, op.root, mode, width, r_keep, keep=False)
    return t


def uhat_closed_forms(ops: list[OpPlan], n_symbols: int, mode: str) -> dict[str, Any]:
    """``uhat_layers``, ``uhat_width``, ``uhat_params``, ``uhat_nonzero`` and ``uhat_bits``
    of the program ``ops`` compiled in ``mode`` (``"compact"``, ``"ffn"``, ``"lemma9"``).

    The residual starts at ``|Σ|`` (one-hot embedding: ``|Σ|²`` entries, ``|Σ|``
    non-zero); an op at width ``R`` leaves ``R + 1`` (ffn, lemma9) or ``R − d + 1``
    (compact: its last layer keeps ``R − d``); the readout has one entry per final
    coordinate (one non-zero). Bits are 3 per entry plus the ``extra`` of the biases
    (every other weight is 0 or ±1). A chain's costs are summed over ``k``; its widths
    grow with ``k`` and are taken at ``k = hi`` (for a chain that is empty at the
    smallest parameter, check that case: the tests do).
    """
    total = _Tally(params=n_symbols**2, nonzero=n_symbols, widths=[n_symbols])
    r: Any = sp.Integer(n_symbols)
    for op in ops:
        step = 1 - op.drops if mode == "compact" else 1
        if op.chain is None:
            t = _op_tally(op, r, mode, n_symbols)
            total.layer(t.params, t.nonzero, t.widths, layers=t.layers)
            total.extra += t.extra
            r = r + step
            continue
        lo, hi = op.chain
        t = _op_tally(op, r + (K_OP - lo) * step, mode, n_symbols)
        total.layer(*(sp.summation(sp.expand(x), (K_OP, lo, hi))
                      for x in (t.params, t.nonzero)),
                    [sp.sympify(w).subs(K_OP, hi) for w in t.widths],
                    layers=sp.summation(t.layers, (K_OP, lo, hi)))
        total.extra += sp.summation(t.extra, (K_OP, lo, hi))
        r = r + (hi - lo + 1) * step
    params = sp.expand(total.params + r)
    return {"uhat_layers": sp.expand(total.layers),
            "uhat_width": sp.Max(*(sp.expand(w) for w in total.widths)),
            "uhat_params": params,
            "uhat_nonzero": sp.expand(total.nonzero + 1),
            "uhat_bits": sp.expand(3 * params) + total.extra}


def gadget_a_plans(tiles: int, bits: Any) -> list[OpPlan]:
    """The ops of :func:`gadget_a` and :func:`address` as :class:`OpPlan` (``tiles`` =
    |T|, ``bits`` = n), in program order.

    Gadget A's scores are TRUE, so each attention layer writes ``vis``. A_T (value
    ``⋁_t Q_t(j)``, default 0): ``vis ∧ ¬NOR(a.Q_t)``, 2 levels; A_bit_1 likewise over
    ``Q_0, Q_1``; A_bit_k (k ≥ 2): ``vis ∧ a.A_bit_{k−1}``; A_hash_k (default 1):
    ``OR(vis ∧ a.x, ¬vis)``, and A_hash_{k−1} is read by A_hash_k alone (d = 1 for
    k ≥ 2); A_enc: the ORs ``¬Q_# ∨ A_T``, the AND ``⋀_t ¬Q_t`` (bias 1) and the AND of
    the n + 1 counters (bias −n), then their OR, then the root AND; it is the last reader
    of A_T, the A_bit_k and A_hash_{n+1} (d = n + 2); A (score ``¬A_enc(j)``):
    ``(¬vis ∨ a.A_enc) ∧ A_enc``, d = 1. B_k: score ``Q_0 ∨ Q_1`` materialised (a NOR),
    copies {S, Q_1 or B_{k−1}}, circuit ``a.S ∧ a.x``; the B_k are read later (d = 0).
    """
    gadget = Attn(copies=1, vis=True, lit=False)
    b_k = {"score": (GATE2,), "score_or": True, "attn": Attn(copies=2), "levels": (GATE2,)}
    return [
        OpPlan("A_T", (Level(1, tiles, 1), GATE2_B0),
               attn=Attn(copies=tiles, vis=True, lit=False)),
        OpPlan("A_bit_1", (GATE2, GATE2_B0), attn=Attn(copies=2, vis=True, lit=False)),
        OpPlan("A_bit_k", (GATE2,), attn=gadget, chain=(2, bits)),
        OpPlan("A_hash_1", (GATE2, GATE2_B0), or_root=True, attn=gadget),
        OpPlan("A_hash_k", (GATE2, GATE2_B0), or_root=True, attn=gadget, drops=1,
               chain=(2, bits + 1)),
        OpPlan("A_enc", (Level(3, bits + tiles + 3, 2, floor_log2(bits)), GATE2, GATE2),
               drops=bits + 2),
        OpPlan("A", (GATE2_B0, GATE2_B0), attn=Attn(copies=1, vis=True, pos=False), drops=1),
        OpPlan("B_1", **b_k),
        OpPlan("B_k", **b_k, chain=(2, bits)),
    ]


def residual_schedule(ops: list[OpPlan], n_symbols: int, mode: str, var: sp.Symbol,
                      value: int) -> list[tuple[int, int]]:
    """``(R_t, d_t)`` for every op of ``ops`` at ``var = value`` (chains expanded): the
    residual width before the op and what its last layer drops (0 outside compact mode),
    as :meth:`succinct.compiler.brasp_to_uhat.CompiledProgram.schedule` reports them."""
    out: list[tuple[int, int]] = []
    r = n_symbols
    for op in ops:
        lo, hi = op.chain if op.chain is not None else (1, 1)
        for k in range(int(sp.sympify(lo).subs(var, value)),
                       int(sp.sympify(hi).subs(var, value)) + 1):
            d = int(sp.sympify(op.drops).subs({var: value, K_OP: k})) if mode == "compact" \
                else 0
            out.append((r, d))
            r += 1 - d
    return out
