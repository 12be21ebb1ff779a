"""Exact automata of strict-future B-RASP programs and UHATs (unbounded equivalence).

When every attention op looks only at strictly earlier positions (mask ``future``), the
value of every predicate at position ``t`` is a function of the symbol ``a_t`` and of a
finite summary of the prefix ``a_1 … a_{t−1}``. That summary is a DFA state, so the
program's language is regular and can be compared with any other automaton exactly:
"equal on **all** words", with the two minimal DFAs as the certificate, or a shortest
counterexample (:meth:`succinct.automata.dfa.DFA.equivalent`). This is how the paper's
witness programs (Lemma 8's tiling program and the counter families built like it, all
strict-future) and Prop 16's programs for past-time LTL are checked beyond any length
bound. Equivalence of general
UHATs is EXPSPACE-complete (Thm 19); programs that use past or unmasked attention are
refused with "not supported, use the bounded check".

B-RASP programs (:func:`program_dfa`)
-------------------------------------
Take an op ``P(i) := ▶/◀_j [j < i, S(i, j)] V(i, j) : D(i)``. Let ``I_P`` be the predicates
``S`` reads at ``i`` and ``J_P`` those ``V`` reads at ``j``. For an assignment
``α ∈ {0,1}^{I_P}`` of the ``i``-side of the score, ``S(α, ·)`` is a property of ``j``
alone, and

    o(i) = max (▶) / min (◀) { j < i : S(α_i, j) },        α_i = (I_P at i).

So the prefix ``a_1 … a_{t−1}`` determines ``P(t)`` through, for every ``α``, the record

    R_P[α] = ⊥ if no j < t satisfies S(α, j), else J_P evaluated at o,
             o = the last (▶) / first (◀) such j,

and then ``P(t) = V(I at t, R_P[α_t])`` if ``R_P[α_t] ≠ ⊥``, else ``D(t)``. In Lemma 9's
special form ``S = S'(j) ∧ ⋀_k K_k(i) ↔ K_k(j)``, ``α`` is the key value ``(K_k(i))_k``
and the records are exactly "the predicate values at the last (first) position satisfying
``S'`` with that key". The **state** after a prefix is

    q = (acc, started, (R_P[α])_{P, α}),

with ``acc`` the output predicate at the last position (``accept_at="last"``; the first
position for ``"first"``, then ``started`` says whether it is fixed). Reading ``a_t``:

1. compute every predicate at ``t`` in program order (inputs from ``a_t``, position-wise
   ops from earlier predicates at ``t``, attention ops from the records as above);
2. position ``t`` becomes visible to later positions: for every op and every ``α`` with
   ``S(α, t)``, set ``R_P[α] := J_P at t`` (▶ always; ◀ only if ``R_P[α] = ⊥``).

A record never depends on anything but the prefix, and every predicate at ``t`` is
computed from it, so by induction on ``t`` the automaton accepts exactly the program's
words; the start state (empty prefix) rejects, as the empty word is not in any language
here. States are 0/1 vectors of width ``2 + Σ_P 2^{|I_P|}(1 + |J_P|)``; they are explored
by the vectorized BFS of :func:`succinct.automata.dfa.explore` (one numpy evaluation of the
whole program per BFS batch), then minimized.

UHATs (:func:`uhat_dfa`)
------------------------
A UHAT whose attention layers all have mask ``future``, except layers that ignore the
attended vector (``C_a = 0``, e.g. the unused heads of Lemma 9's literal recipe), gets the
same treatment with numbers in place of Booleans. At an attention layer the
score ``⟨A v_i, B v_j⟩`` depends on ``j`` only through its key ``k_j = B v_j + b_B``, so
among positions with equal keys only the last (▶) or first (◀) can be selected, and
between different keys with equal maximal score the tie-break prefers the one whose last
(first) occurrence is later (earlier). The layer's record is therefore the list of
distinct keys seen, ordered by last (first) occurrence, each with the coordinates of its
layer-input vector that ``C_a`` reads. With integer weights every value is an exact
integer (``int64`` here), so perturbed or hand-written models are handled as they are,
not as the program they came from. Lists have a capacity per layer that grows (and the
search restarts) when a new key does not fit.

**Dominated keys are forgotten.** When the layer's query reads only declared-Boolean
coordinates (``≤`` :data:`MAX_QUERY_BITS` of them), its queries lie in the finite set
``Q = {A x + a : x ∈ {0,1}^{reads}}`` (a superset of those that occur). A key ``k'``
*dominates* ``k`` when ``⟨q, k' − k⟩ ≥ 0`` for every ``q ∈ Q`` and ``k'`` wins the ties
(▶: ``k'`` occurred later; ◀: earlier), or ``⟨q, k' − k⟩ > 0`` for every ``q`` (whatever
the order). A dominated key is never selected while its dominator is in the list, so it
is dropped (▶: older keys weakly below the new one; a new key strictly below a kept one
is not added; ◀: a new key weakly below an older one is not added, older keys strictly
below the new one are dropped). The selected position, hence the language, is unchanged;
only states that differ in unselectable keys are merged. Every step checks that the
queries it forms lie in ``Q`` (the reads are 0/1); one that does not (perturbed weights)
restarts the search with that layer unpruned, so the construction stays exact for any
integer weights. Without this, DC_2's address
comparisons keep every non-``#`` position of an address beside its ``#`` and the raw
automaton does not fit in memory; with it DC_2's UHAT is explored in seconds.
Key orders still make the raw automaton larger than the program's (DC_1: 14 745 raw
states against 1 588 before pruning; both minimize to 26).

References: paper §2.4 (B-RASP), Lemma 9 (special form), Thm 19 (equivalence), Prop 16
(past-time LTL as strict-future programs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from succinct.automata.dfa import DFA, explore
from succinct.exact import budget
from succinct.exact.two_sided import live_coordinates
from succinct.models import layers
from succinct.models.specs import Attention, guard_columns, guard_message
from succinct.models.uhat import UHAT
from succinct.programs.brasp import Attend, Input, Local, Program, eval_expr
from succinct.words import SuccinctError

__all__ = ["program_dfa", "uhat_dfa", "check_future_only", "DEFAULT_MAX_STATES"]

DEFAULT_MAX_STATES = 1_000_000
_ACC, _STARTED = 0, 1  # the first two state coordinates


def check_future_only(model: Program | UHAT) -> None:
    """Raises :class:`SuccinctError` unless every attention op/layer is strict-future."""
    if isinstance(model, Program):
        bad = [(op.name, op.mask) for op in model.attention_ops if op.mask != "future"]
    elif isinstance(model, UHAT):
        bad = [(f"layer {i}", layer.mask) for i, layer in enumerate(model.spec.layers)
               if isinstance(layer, Attention) and layer.uses_attended
               and layer.mask != "future"]
    else:
        raise SuccinctError(f"exact automata are built for B-RASP programs and UHATs, not "
                            f"{type(model).__name__}")
    if bad:
        where = ", ".join(f"{name} ({mask})" for name, mask in bad)
        raise SuccinctError(
            f"the exact automaton construction covers strict-future masking only, but "
            f"{where} {'uses' if len(bad) == 1 else 'use'} other masks: not supported, use "
            "the bounded check (verify with max_len)"
        )


# ====================================================================== B-RASP programs
@dataclass(frozen=True)
class _OpLayout:
    """Where the records ``R_P[α]`` of one attention op live in the state vector."""

    op: Attend
    i_refs: tuple[str, ...]  # I_P: predicates the score reads at i (bit b of α)
    j_refs: tuple[str, ...]  # J_P: predicates the value reads at j
    offset: int  # first column; record α occupies [offset + α·w, offset + (α+1)·w)

    @property
    def width(self) -> int:  # present flag + J_P bits
        return 1 + len(self.j_refs)

    @property
    def n_alpha(self) -> int:
        return 1 << len(self.i_refs)


def _program_layout(program: Program) -> tuple[list[_OpLayout], int]:
    layouts, offset = [], 2
    for op in program.attention_ops:
        i_refs = tuple(sorted({name for name, at in op.score.refs() if at == "i"}))
        j_refs = tuple(sorted({name for name, at in op.value.refs() if at == "j"}))
        lay = _OpLayout(op, i_refs, j_refs, offset)
        layouts.append(lay)
        offset += lay.n_alpha * lay.width
    return layouts, offset


def program_dfa(program: Program, *, max_states: int = DEFAULT_MAX_STATES,
                batch_size: int = 65_536) -> tuple[DFA, int]:
    """The automaton of a strict-future B-RASP program (module docstring).

    Args:
        program: A program whose attention ops all use ``mask="future"`` (any tie-break,
            any Boolean score over ``i`` and ``j``).
        max_states: Stop with :class:`succinct.automata.dfa.StateLimitExceeded` (carrying the
            number of states reached) beyond this many states.
        batch_size: Most (state, symbol) pairs evaluated per numpy call.

    Returns:
        ``(dfa, explored)``: the DFA of the reachable states (not minimized; call
        ``.minimize()``) and their number.
    """
    check_future_only(program)
    layouts, width = _program_layout(program)
    n = len(program.alphabet)
    sym_index = {s: k for k, s in enumerate(program.alphabet.symbols)}
    last = program.accept_at == "last"

    def step(states: np.ndarray, symbols: np.ndarray) -> np.ndarray:
        b = states.shape[0]
        rows = np.arange(b)
        env: dict[str, np.ndarray] = {}
        lay_of = {lay.op.name: lay for lay in layouts}
        for op in program.ops:
            if isinstance(op, Input):
                env[op.name] = symbols == sym_index[op.symbol]
            elif isinstance(op, Local):
                env[op.name] = eval_expr(op.expr, env, None, b)
            else:
                lay = lay_of[op.name]
                alpha = np.zeros(b, np.int64)
                for bit, name in enumerate(lay.i_refs):
                    alpha |= env[name].astype(np.int64) << bit
                col = lay.offset + alpha * lay.width
                present = states[rows, col] == 1
                at_o = {name: states[rows, col + 1 + c] == 1
                        for c, name in enumerate(lay.j_refs)}
                value = eval_expr(op.value, env, at_o, b)
                default = eval_expr(op.default, env, None, b)
                env[op.name] = np.where(present, value, default)
        out = states.copy()
        # Position t becomes visible: refresh the records it satisfies.
        for lay in layouts:
            j_bits = [env[name].astype(out.dtype) for name in lay.j_refs]
            for alpha in range(lay.n_alpha):
                at_i = {name: np.full(b, bool(alpha >> bit & 1))
                        for bit, name in enumerate(lay.i_refs)}
                hit = eval_expr(lay.op.score, at_i, env, b)
                col = lay.offset + alpha * lay.width
                if lay.op.tie == "left":
                    hit = hit & (out[:, col] == 0)  # (eval_expr may return env arrays)
                out[hit, col] = 1
                for c, bits in enumerate(j_bits):
                    out[hit, col + 1 + c] = bits[hit]
        accepted = env[program.output].astype(out.dtype)
        out[:, _ACC] = accepted if last else np.where(states[:, _STARTED] == 1,
                                                      states[:, _ACC], accepted)
        out[:, _STARTED] = 1
        return out

    return explore(
        np.zeros(width, np.int8), budget.watch_step(step, n), lambda s: s[:, _ACC] == 1, n,
        max_states, alphabet=program.alphabet.symbols, batch_size=batch_size, bucket=False,
    )


# ====================================================================== UHATs
class _NotBoolean(Exception):
    """A query coordinate declared Boolean took another value: pruning by
    :func:`_possible_queries` is unsound for that layer (internal)."""

    def __init__(self, layer: int) -> None:
        super().__init__(layer)
        self.layer = layer


class _CapacityExceeded(Exception):
    """A layer saw more distinct keys than its record list can hold (internal)."""

    def __init__(self, layer: int, needed: int) -> None:
        super().__init__(layer, needed)
        self.layer = layer
        self.needed = needed


MAX_QUERY_BITS = 12  # queries over more Boolean coordinates are not enumerated


@dataclass(frozen=True)
class _LayerLayout:
    index: int  # position in spec.layers
    keys: int  # Q: width of the key vector
    reads: tuple[int, ...]  # source coordinates that C_a reads
    capacity: int
    offset: int
    queries: np.ndarray | None  # [M, Q] every possible query, or None (no pruning)
    query_cols: tuple[int, ...]  # the source coordinates the query reads

    @property
    def slot(self) -> int:  # present flag, key, read coordinates
        return 1 + self.keys + len(self.reads)


def _uhat_layout(model: UHAT, capacity: Sequence[int],
                 no_pruning: set[int]) -> tuple[list[_LayerLayout], int]:
    layouts, offset = [], 2
    attended = [i for i, layer in enumerate(model.spec.layers)
                if isinstance(layer, Attention) and layer.uses_attended]
    for cap, i in zip(capacity, attended, strict=True):
        p = model.params["layers"][i]
        reads = tuple(int(c) for c in np.flatnonzero(np.any(np.asarray(p["C_a"]) != 0, axis=0)))
        layer = model.spec.layers[i]
        queries = None if i in no_pruning else _possible_queries(layer, p)
        lay = _LayerLayout(i, len(layer.query), reads, cap, offset, queries,
                           tuple(layer.source.index(c) for c in layer.query_reads))
        layouts.append(lay)
        offset += cap * lay.slot
    return layouts, offset


def _possible_queries(layer: Attention, p: dict) -> np.ndarray | None:
    """``{A x + a : x ∈ {0,1}^{reads}}`` when the query reads only declared-Boolean
    coordinates (at most :data:`MAX_QUERY_BITS`), else None."""
    reads = [layer.source.index(c) for c in layer.query_reads]
    if not set(layer.query_reads) <= layer.boolean or len(reads) > MAX_QUERY_BITS:
        return None
    a_w, a_b = np.asarray(p["A_w"], np.int64), np.asarray(p["A_b"], np.int64)
    bits = (np.arange(2 ** len(reads))[:, None] >> np.arange(len(reads))[None, :]) & 1
    return bits @ a_w[:, reads].T + a_b  # [M, Q]


def uhat_dfa(model: UHAT, *, max_states: int = DEFAULT_MAX_STATES, batch_size: int = 65_536,
             capacity: int = 2) -> tuple[DFA, int]:
    """The automaton of a UHAT whose attending layers are all strict-future.

    Args:
        model: An exact (integer-weight) UHAT; attention layers that use the attended
            vector (``C_a ≠ 0``) must have ``mask="future"``.
        max_states: Stop with :class:`succinct.automata.dfa.StateLimitExceeded` beyond this.
        batch_size: Most (state, symbol) pairs per numpy evaluation.
        capacity: Initial number of distinct keys each layer's record holds (grown as
            needed).

    Returns:
        ``(dfa, explored)``, as :func:`program_dfa`.
    """
    check_future_only(model)
    if not model.exact:
        raise SuccinctError("the exact automaton needs integer weights (an exact UHAT)")
    params = [{k: np.asarray(v, np.int64) for k, v in p.items()}
              for p in model.params["layers"]]
    embed = np.asarray(model.params["embed"], np.int64)  # [R0, |Σ|]
    readout = np.asarray(model.params["readout"], np.int64)
    n_attended = sum(1 for layer in model.spec.layers
                     if isinstance(layer, Attention) and layer.uses_attended)
    caps = [capacity] * n_attended
    no_pruning: set[int] = set()
    while True:
        layouts, width = _uhat_layout(model, caps, no_pruning)
        step = _uhat_step(model, params, embed, readout, layouts)
        try:
            return explore(
                np.zeros(width, np.int64), budget.watch_step(step, len(model.alphabet)),
                lambda s: s[:, _ACC] == 1,
                len(model.alphabet), max_states, alphabet=model.alphabet.symbols,
                batch_size=batch_size, bucket=False,
            )
        except _CapacityExceeded as e:
            k = [lay.index for lay in layouts].index(e.layer)
            caps[k] = max(e.needed, 2 * caps[k])
        except _NotBoolean as e:  # e.g. perturbed weights: explore that layer unpruned
            no_pruning.add(e.layer)


def _uhat_step(model: UHAT, params: list[dict[str, np.ndarray]], embed: np.ndarray,
               readout: np.ndarray, layouts: list[_LayerLayout]):
    by_layer = {lay.index: lay for lay in layouts}
    last = model.spec.accept_at == "last"
    live = live_coordinates(model)
    guard_cols = [[c for c in guard_columns(model.spec, layer) if live[i][c]]
                  if isinstance(layer, Attention) else []
                  for i, layer in enumerate(model.spec.layers)]

    def step(states: np.ndarray, symbols: np.ndarray) -> np.ndarray:
        b = states.shape[0]
        rows = np.arange(b)
        out = states.copy()
        v = layers.embed(embed, symbols)  # [B, R0]
        for i, (layer, p) in enumerate(zip(model.spec.layers, params, strict=True)):
            if (cols := guard_cols[i]) and not layers.booleans_hold(v, cols):
                raise SuccinctError(guard_message(model.spec))  # (exact/two_sided.py's docstring)
            if i not in by_layer:  # FFN, ReLU, attention whose attended vector is unused
                v = layers.positionwise(layer, p, v)
            else:
                lay = by_layer[i]
                cap, q = lay.capacity, lay.keys
                slots = states[:, lay.offset:lay.offset + cap * lay.slot].reshape(b, cap, -1)
                present = slots[:, :, 0] == 1  # [B, C], a prefix of the slots
                keys, vals = slots[:, :, 1:1 + q], slots[:, :, 1 + q:]
                score = layers.scores(layers.query(p, v)[:, None], keys)[:, 0]  # [B, C]
                # Slots are in order of last (▶) / first (◀) occurrence, so the
                # tie-break among slots is the tie-break among positions.
                pick, seen = layers.hard_select(score, present, layer.tie)
                attended = layers.gather_attended(vals, pick[:, None], seen[:, None])[:, 0]
                reads = {**p, "C_a": p["C_a"][:, list(lay.reads)]}  # [B, |reads|] attended
                new_v = layers.attention_output(reads, v, attended)
                # The current position joins the record (keyed by its layer-input vector).
                key = layers.key(p, v)  # [B, Q]
                entry = np.concatenate([np.ones((b, 1), np.int64), key,
                                        v[:, list(lay.reads)]], axis=1)
                same = present & np.all(keys == key[:, None, :], axis=2)
                if lay.queries is not None and not np.isin(v[:, lay.query_cols], (0, 1)).all():
                    raise _NotBoolean(i)  # a query outside the enumerated set
                if lay.queries is None:
                    weakly, below, above = same, np.zeros_like(same), np.zeros_like(same)
                else:  # ⟨q, key − k_s⟩ over every possible q (module docstring)
                    gap = (key[:, None, :] - keys) @ lay.queries.T  # [B, C, M]
                    weakly = present & np.all(gap >= 0, axis=2)  # new key ≥ slot
                    below = present & np.all(gap < 0, axis=2)  # new key < slot, always
                    above = present & np.all(gap > 0, axis=2)  # new key > slot, always
                    if layer.tie == "left":
                        weakly = present & np.all(gap <= 0, axis=2)  # slot ≥ new key
                if layer.tie == "right":  # the new key is the latest: it wins ties
                    add = ~below.any(axis=1, keepdims=True)
                    keep = np.concatenate([present & ~(weakly & add), add], axis=1)
                else:  # the new key is the latest first occurrence: it loses ties
                    add = ~weakly.any(axis=1, keepdims=True)
                    keep = np.concatenate([present & ~(above & add), add], axis=1)
                count = keep.sum(axis=1)
                if count.max() > cap:
                    raise _CapacityExceeded(i, int(count.max()))
                order = np.argsort(~keep, axis=1, kind="stable")[:, :cap]
                merged = np.concatenate([slots, entry[:, None, :]], axis=1)[rows[:, None], order]
                merged[np.arange(cap)[None, :] >= count[:, None]] = 0  # canonical padding
                out[:, lay.offset:lay.offset + cap * lay.slot] = merged.reshape(b, -1)
                v = new_v
        accepted = (layers.readout_score(readout, v) > 0).astype(np.int64)
        out[:, _ACC] = accepted if last else np.where(states[:, _STARTED] == 1,
                                                      states[:, _ACC], accepted)
        out[:, _STARTED] = 1
        return out

    return step
