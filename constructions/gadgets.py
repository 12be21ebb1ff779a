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

The sizes of the compiled gadgets, as closed forms, are :func:`gadget_a_shapes` (layer
shapes per op) with :func:`attn_shape` and :func:`ffn_shape` (the parameter counts
:data:`succinct.sizes.ATTN_PARAMS` and :data:`succinct.sizes.FFN_PARAMS` at a shape).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from succinct.programs.brasp import FALSE, TRUE, Expr, ProgramBuilder, Ref, all_of, any_of
from succinct.sizes import ATTN_PARAMS, FFN_PARAMS, H, Q, R, S

__all__ = ["gadget_a", "address", "plus_one", "gadget_b", "attn_shape", "ffn_shape",
           "circuit_shapes", "gadget_a_shapes", "Shape", "OpShapes"]

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
Shape = tuple[str, Any, Any, Any]  # (layer kind, params, input width, output width)
OpShapes = tuple[Any, tuple[int, Any] | None, Callable[[Any], list[Shape]]]


def attn_shape(r: Any, q: Any, s: Any) -> Shape:
    """An attention layer ``R → S`` with score width ``Q``."""
    return ("attn", ATTN_PARAMS.subs({R: r, Q: q, S: s}, simultaneous=True), r, s)


def ffn_shape(r: Any, h: Any, s: Any) -> Shape:
    """An FFN block ``R → S`` with ``H`` hidden units."""
    return ("ffn", FFN_PARAMS.subs({R: r, H: h, S: s}, simultaneous=True), r, s)


def circuit_shapes(r: Any, start: Any, levels: list[Any]) -> list[Shape]:
    """FFN blocks of a circuit with ``levels[ℓ]`` gates at level ℓ, starting at width
    ``start``; the last block drops the scratch and leaves width ``r + 1``."""
    out, width = [], start
    for g in levels[:-1]:
        out.append(ffn_shape(width, g, width + g))
        width = width + g
    out.append(ffn_shape(width, levels[-1], r + 1))
    return out


K_OP = sp.Dummy("k", positive=True, integer=True)  # the index of a chain of ops (A_bit_k, …)


def gadget_a_shapes(r0: Any, tiles: int, bits: Any) -> list[OpShapes]:
    """Compiled layers of Gadget A and of the ``B_k``, as ``(R at the op, k-range or None,
    shapes(R))`` (``k`` is :data:`K_OP`; an op with a range stands for a chain).

    Each attention op compiles to [materialize a compound score S (one FFN per circuit
    level)], one attention layer (query width 2|K| + 1; appends the copied predicates
    ``a.x`` and, when S alone cannot tell a real position from the zero vector, ``vis``),
    then one FFN per level of the circuit of ``(R ∧ V) ∨ (¬R ∧ D)``, the last one
    dropping the scratch (width back to R + 1). A_T (value ⋁_t Q_t(j), default 0) has
    the circuit ``vis ∧ ¬NOR(a.Q_t)``: 2 levels; A_bit_k (k ≥ 2): ``vis ∧ a.x``, 1 level;
    A_hash_k (default 1): ``(vis ∧ a.x) ∨ ¬vis``, 2 levels; A_enc: 3 gates (¬Q_# ∨ A_T,
    ⋀_t ¬Q_t, the big AND), then their OR, then the root AND; A: ``(¬vis ∨ a.A_enc) ∧
    A_enc``, 2 levels. B_k: score Q_0 ∨ Q_1 (one OR, materialized), copies {B_{k−1} or
    Q_1, S}, circuit a.S ∧ a.x.
    """
    k = K_OP
    return [
        (r0, None, lambda r: [attn_shape(r, 1, r + tiles + 1),
                              ffn_shape(r + tiles + 1, 1, r + tiles + 2),
                              ffn_shape(r + tiles + 2, 1, r + 1)]),
        (r0 + 1, None, lambda r: [attn_shape(r, 1, r + 3), ffn_shape(r + 3, 1, r + 4),
                                  ffn_shape(r + 4, 1, r + 1)]),
        (r0 + k, (2, bits), lambda r: [attn_shape(r, 1, r + 2), ffn_shape(r + 2, 1, r + 1)]),
        (r0 + bits + k, (1, bits + 1), lambda r: [attn_shape(r, 1, r + 2),
                                                  ffn_shape(r + 2, 1, r + 3),
                                                  ffn_shape(r + 3, 1, r + 1)]),
        (r0 + 2 * bits + 2, None, lambda r: [ffn_shape(r, 3, r + 3), ffn_shape(r + 3, 1, r + 4),
                                             ffn_shape(r + 4, 1, r + 1)]),
        (r0 + 2 * bits + 3, None, lambda r: [attn_shape(r, 1, r + 2),
                                             ffn_shape(r + 2, 1, r + 3),
                                             ffn_shape(r + 3, 1, r + 1)]),
        (r0 + 2 * bits + 3 + k, (1, bits), lambda r: [ffn_shape(r, 1, r + 1),
                                                      attn_shape(r + 1, 1, r + 3),
                                                      ffn_shape(r + 3, 1, r + 1)]),
    ]
