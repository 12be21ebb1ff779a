"""The jitted UHAT evaluation: padding, the column plan, one compiled step per layer, the
fast hard-attention selections, and the traceable forward pass.

Every layer's arithmetic is :mod:`succinct.models.layers` (the one definition of each
layer kind); this module decides only how it is compiled, which coordinates it computes,
and, for attention, how the attended position is *selected*: by the dense O(N²)
definition (:func:`succinct.models.layers.dense_selection`) or by a fast path below. The
attended vector and the layer output then go through the one definition again.

Two evaluators (``Compiled``):

* ``"dense"``: the definition on whole residual streams ``[B, N, R]``, every weight
  matrix applied densely (zero-padded to power-of-two widths by :func:`padded_params`, so
  the per-layer steps of all models share a handful of compiles);
* ``"fast"``: the **column plan** (:func:`plan`) with the fast selections.

The column plan. Compiled weights are sparse (a few per cent non-zero) and most
coordinates pass through a layer unchanged, so the residual stream is held as a list of
columns ``v[:, :, c]`` (``[B, N]`` arrays), and a layer computes only what changes. For
a layer with output coordinate ``t`` (rows of the weights, computed once on the host):

* ``t`` is a **copy** of input column ``c`` when its row is the unit vector ``e_c`` and
  nothing else writes it: FFN ``W_r[t] = e_c, W_2[t] = 0, b_2[t] = 0``; attention
  ``C_v[t] = e_c, C_a[t] = 0, c_t = 0``; ReLU every ``t ≠ r``. Then ``out_t = v_c``
  exactly, and the column is passed on without any arithmetic;
* the other (computed) rows ``T`` go through the layer's definition on the sub-vector of
  the columns they read, with the weights restricted to those rows and columns: for an
  FFN ``ffn(W|_{T,H,R}, v_R)`` with ``H`` the hidden units ``W_2[T]`` reads and ``R`` the
  columns ``W_1[H]`` and ``W_r[T]`` read; for attention the selection reads the columns
  of ``A`` and ``B``, the attended vector only the columns of ``C_a[T]``, and ``C_v[T]``
  its own. Dropped terms are products with a zero weight, so every sum is the same
  integer (float32 sums below 2²⁴ are exact in any order; int32 is exact): the columns
  are bit-identical to the dense evaluation, and scores, hence ties, are unchanged;
* a coordinate nothing downstream reads (a backward pass from the readout's non-zero
  entries, the declared-Boolean checks and the fast paths' reads) is not computed at all;
  :func:`plan` with ``everything`` keeps every coordinate (for residual streams).

Restricted widths are rounded up to powers of two (zero weights on a zero column), so
the jitted step of a layer depends only on its kind, route and these small shapes, and
the steps of all layers and models share few compiles. Work per layer is
O(B·N·(columns read + written)) instead of O(B·N·R·S).

:func:`forward` is the traceable pass (``(accepted, ok)``). It runs one jitted step per
layer; traced inside an outer ``jax.jit`` (as :meth:`succinct.models.uhat.UHAT.forward` is
by the verifier) the steps are inlined into one computation.

Fast hard attention (jitted, bit-identical to the dense O(N²) path):

* *constant-key* layers (``B = 0``): every visible position has the same score, so the
  tie-break alone selects (the nearest or the farthest visible position), O(N);
* *query-constant* layers (``A`` has no linear part): the score depends on ``m`` only,
  so the attended position is a running arg-max: one unrolled pass for short words,
  else two cumulative maxima (of the score, then of the positions that reach it);
* *Boolean-key* layers (``B`` reads only coordinates declared Boolean, at most
  ``MAX_PATTERN_BITS`` of them): the key ``B v_m`` takes one of ``P = 2^k`` values. For
  each pattern the only candidate is its last (rightmost) or first (leftmost)
  occurrence inside the mask, found by a cumulative max/min; the best of the ``P``
  candidates (ties broken by position) is exactly the dense arg-max. Patterns are
  folded into a running best a few at a time: O(N·P) time, O(N) memory. The
  coordinates are checked to be 0/1 at run time.

The cumulative maxima are unrolled for short words, XLA's for medium ones, and blocked for
long ones (:func:`_cumulative`). Where the time goes, per step kind, is printed by
``benchmarks/uhat_long_words.py --profile``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from succinct.models import layers
from succinct.models.layers import lowest
from succinct.models.specs import FFN, Attention, Mask, ReLU, Tie, UHATSpec, guard_columns

__all__ = ["Compiled", "Plan", "Step", "plan", "column_weights", "traced", "forward",
           "forward_whole", "layer_outputs", "pad_batch", "padded_params"]

# The jitted evaluators: the dense definition, or the column plan with the fast selections.
Compiled = Literal["dense", "fast"]


def pad_batch(tokens: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Pads the batch to a power of two (≥ 8) rows, copies of its first word (fewer
    compiles). A copy, not some fixed word: a declared-Boolean check that fails on a
    padding row fails on the first word too, so padding never refuses a batch."""
    real = tokens.shape[0]
    rows = max(8, 1 << max(0, real - 1).bit_length())
    if rows == real or tokens.shape[1] > 4096:  # long words: padding rows would cost memory
        return tokens, lengths, real
    tokens = np.concatenate([tokens, np.repeat(tokens[:1], rows - real, axis=0)])
    lengths = np.concatenate([lengths, np.repeat(lengths[:1], rows - real)])
    return tokens, lengths, real


# ====================================================================== selection
def _shifted(x: jax.Array, fill: Any, reverse: bool) -> jax.Array:
    """Exclusive from inclusive scan: position i takes i − 1 (i + 1 if ``reverse``)."""
    pad = jnp.full_like(x[:, :1], fill)
    if reverse:
        return jnp.concatenate([x[:, 1:], pad], axis=1)
    return jnp.concatenate([pad, x[:, :-1]], axis=1)


# Scans of at most SCAN_UNROLL positions are unrolled (one fused pass); up to SCAN_DIRECT
# they are XLA's cumulative reductions; longer ones first fold blocks of SCAN_BLOCK.
SCAN_UNROLL = 32
SCAN_DIRECT = 1 << 16
SCAN_BLOCK = 4


def _cumulative(op: Any, x: jax.Array, reverse: bool = False) -> jax.Array:
    """The running maximum (``op = jnp.maximum``) or minimum (``jnp.minimum``) along the
    positions (axis 1) of ``x``, from the left (from the right if ``reverse``).

    Up to ``SCAN_UNROLL`` positions the scan is unrolled (XLA fuses it into one pass);
    up to ``SCAN_DIRECT`` it is ``lax.cummax``. Longer scans run by blocks of
    ``SCAN_BLOCK`` positions: the running value inside each block (unrolled), the running
    value over whole blocks (recursively), and then each position combined with the
    value of the blocks before it: about four passes over the array where XLA's CPU
    cummax makes about a dozen (3-4x faster at 2^23 positions), and few enough
    operations to compile quickly. The same values: ``op`` is associative.
    """
    n = x.shape[1]
    if n <= SCAN_UNROLL:
        out: list[Any] = [None] * n
        acc = None
        for t in (range(n - 1, -1, -1) if reverse else range(n)):
            acc = x[:, t] if acc is None else op(acc, x[:, t])
            out[t] = acc
        return jnp.stack(out, axis=1)
    if n <= SCAN_DIRECT:
        scan = jax.lax.cummax if op is jnp.maximum else jax.lax.cummin
        return scan(x, axis=1, reverse=reverse)
    size = -(-n // SCAN_BLOCK) * SCAN_BLOCK
    if size != n:  # repeats of the last value: max and min are idempotent, no result changes
        x = jnp.pad(x, [(0, 0), (0, size - n)], mode="edge")
    bsz, k = x.shape[0], size // SCAN_BLOCK
    blocks = x.reshape(bsz, k, SCAN_BLOCK)
    inner: list[Any] = [None] * SCAN_BLOCK
    acc = None
    for t in (range(SCAN_BLOCK - 1, -1, -1) if reverse else range(SCAN_BLOCK)):
        acc = blocks[:, :, t] if acc is None else op(acc, blocks[:, :, t])
        inner[t] = acc
    whole = _cumulative(op, acc, reverse)  # [B, k]: over the blocks up to this one
    before = _shifted(whole, 0, reverse)  # over the blocks strictly before this one
    first = (jnp.arange(k) == (k - 1 if reverse else 0))[None, :]
    out = jnp.stack([jnp.where(first, y, op(before, y)) for y in inner], axis=-1)
    out = out.reshape(bsz, size)
    return out[:, :n]


def _scan_select(layer: _Route, p: dict, v: jax.Array, lengths: jax.Array):
    """Score depends on the attended position only: a running arg-max.

    Scanning in the direction of the mask (from the right for ``past``), the selection
    among the positions scanned so far is the best score, and among equal scores the
    position the tie-break prefers: the later one in scan order if the tie-break points
    along the scan, else the earlier. Up to ``SCAN_UNROLL`` positions this is one
    unrolled pass over ``(best, position)``; beyond, two running maxima: with ``run(m)``
    the running maximum of the score, the later maximizer up to ``m`` is the last
    position j ≤ m with ``score(j) = run(j)`` (a later one would raise or tie the
    maximum), and the earlier one is the last position where ``run`` strictly increased.
    Positions outside the word score below everything (every real score is above
    ``lowest``); the strict-future/past masks shift the result by one.
    """
    bsz, n, _ = v.shape
    score = layers.affine(layers.key(p, v), p["A_b"][None, :])[..., 0]  # [B, N]: ⟨a, k_m⟩
    pos = jnp.arange(n, dtype=jnp.int32)[None, :]
    valid = pos < lengths[:, None]
    low = lowest(score.dtype)
    s = jnp.where(valid, score, low)
    reverse = layer.mask == "past"  # scan from the right: roles of the ties swap
    later_wins = (layer.tie == "right") != reverse
    if n <= SCAN_UNROLL:
        best: list[Any] = [None] * n
        at: list[Any] = [None] * n
        run = idx = None
        for t in (range(n - 1, -1, -1) if reverse else range(n)):
            if run is None:
                run, idx = s[:, t], jnp.full((bsz,), t, jnp.int32)
            else:
                take = (s[:, t] > run) | ((s[:, t] == run) & later_wins)
                run, idx = jnp.where(take, s[:, t], run), jnp.where(take, t, idx)
            best[t], at[t] = run, idx
        found = jnp.where(jnp.stack(best, axis=1) > low, jnp.stack(at, axis=1), -1)
    else:
        run = _cumulative(jnp.maximum, s, reverse)
        if later_wins:
            hit = valid & (s == run)
        else:
            hit = valid & (s > _shifted(run, low, reverse))
        order = (n - 1 - pos) if reverse else pos  # the scan's direction, increasing
        found = _cumulative(jnp.maximum, jnp.where(hit, order, -1), reverse)
        found = jnp.where(found >= 0, (n - 1 - found) if reverse else found, -1)
    if layer.mask == "none":
        at_end = jnp.clip(lengths - 1, 0, n - 1)[:, None]  # the whole word: last position
        idx = jnp.take_along_axis(found, at_end, axis=1)
        vis = jnp.take_along_axis(valid, at_end, axis=1)
        return jnp.broadcast_to(idx, (bsz, n)), jnp.broadcast_to(vis, (bsz, n))
    found = _shifted(found, -1, reverse)
    return jnp.maximum(found, 0), found >= 0


# Patterns folded per step of the pattern loop (one [B, N, C] score block per step).
PATTERN_CHUNK = 8


def _pattern_select(layer: _Route, p: dict, v: jax.Array, lengths: jax.Array,
                    cols: jax.Array):
    """Keys read only Boolean coordinates: one candidate per key pattern.

    The candidate of pattern ``π`` at query position ``i`` is the one position holding
    ``π`` that the tie-break can select: its last occurrence before ``i`` (mask
    ``future``, rightmost), its first after ``i`` (``past``, leftmost), or its first
    (last) occurrence in the whole word, visible if the mask allows. The running cases
    are inclusive scans evaluated one position over: the candidate at ``i`` is the
    inclusive one at ``i − 1`` (``i + 1``), so the query is shifted by one position
    once, the ``P`` scans are inclusive, and the selection is shifted back once.

    The ``P = 2^k`` patterns are folded into a running best (score, then position by
    the tie-break) ``PATTERN_CHUNK`` at a time, so memory stays O(B·N) rather than
    O(B·N·P); the result is the same arg-max as over all candidates at once. Every real
    score exceeds ``lowest``, the initial best, so the first candidate always enters.
    """
    bsz, n, _ = v.shape
    bits = v[:, :, cols]  # [B, N, k]
    valid = jnp.arange(n)[None, :] < lengths[:, None]
    ok = layers.booleans_hold(v, cols, valid)  # the pattern ids below assume 0/1 bits
    k = cols.shape[0]
    n_pat = 1 << k
    chunk = min(PATTERN_CHUNK, n_pat)
    weights = (1 << jnp.arange(k, dtype=jnp.int32)).astype(v.dtype)
    pat = jnp.einsum("bnk,k->bn", bits, weights).astype(jnp.int32)  # [B, N]
    pat = jnp.where(valid, pat, -1)  # no pattern outside the word
    pos = jnp.arange(n, dtype=jnp.int32)[None, :]
    # Every pattern's key vector: B_w restricted to the read columns, plus the bias.
    table = ((jnp.arange(n_pat)[:, None] >> jnp.arange(k)[None, :]) & 1).astype(v.dtype)
    keys = layers.affine(table, p["B_w"][:, cols], p["B_b"])  # [P, Q]
    query = layers.query(p, v)  # [B, N, Q]
    none, big = jnp.int32(-1), jnp.int32(n)
    right = layer.tie == "right"
    reverse = layer.mask == "past"
    running = layer.mask == ("future" if right else "past")  # the nearest occurrence
    if running:
        query = _shifted(query, 0, not reverse)  # position i asks with the query of i ± 1

    def candidate(occurs: jax.Array) -> jax.Array:
        # [B, N]: the one position of this pattern the tie-break can pick, or −1.
        if running and right:  # last occurrence up to i (i − 1 after the shift)
            return _cumulative(jnp.maximum, jnp.where(occurs, pos, none))
        if running:  # first occurrence from i on (i + 1 after the shift)
            c = _cumulative(jnp.minimum, jnp.where(occurs, pos, big), reverse=True)
            return jnp.where(c < big, c, none)
        if right:
            last = jnp.max(jnp.where(occurs, pos, none), axis=1, keepdims=True)
            seen = (last > pos) if layer.mask == "past" else (last >= 0)
            return jnp.where(seen, last, none)
        first = jnp.min(jnp.where(occurs, pos, big), axis=1, keepdims=True)
        seen = (first < pos) if layer.mask == "future" else (first < big)
        return jnp.where(seen, first, none)

    def fold(step: jax.Array, carry: tuple) -> tuple:
        best, idx = carry
        block = jax.lax.dynamic_slice_in_dim(keys, step * chunk, chunk)  # [C, Q]
        scores = layers.scores(query, block)  # [B, N, C]
        for j in range(chunk):
            cand = candidate(pat == step * chunk + j)
            score = scores[:, :, j]
            later = (cand > idx) if right else (cand < idx)
            take = (cand >= 0) & ((score > best) | ((score == best) & later))
            best, idx = jnp.where(take, score, best), jnp.where(take, cand, idx)
        return best, idx

    init = (jnp.full((bsz, n), lowest(query.dtype), query.dtype), jnp.full((bsz, n), none))
    _, idx = jax.lax.fori_loop(0, n_pat // chunk, fold, init)
    if running:
        idx = _shifted(idx, none, reverse)
    return jnp.clip(idx, 0, n - 1), idx >= 0, ok


@dataclass(frozen=True)
class _Route:
    """What a compiled attention step depends on statically (no labels, no widths)."""

    kind: str  # skip | positional | scan | pattern | dense
    mask: Mask
    tie: Tie


def _split(x: jax.Array) -> tuple[jax.Array, ...]:
    """``[..., S]`` -> ``S`` columns ``[...]``."""
    return tuple(x[..., j] for j in range(x.shape[-1]))


def _bucket(n: int) -> int:
    """The padded width of ``n`` columns (or weights): a power of two, at least 1."""
    return 1 << max(0, n - 1).bit_length()


# ====================================================================== the column plan
COMPUTED = -1  # Step.source: the coordinate is computed by the layer
ABSENT = -2  # Step.source: nothing downstream reads the coordinate; it is not computed


@dataclass(frozen=True)
class Step:
    """One layer of the column plan (module docstring); indices are source columns
    unless said otherwise."""

    kind: Literal["ffn", "relu", "attention"]
    source: tuple[int, ...]  # per target coordinate: the column it copies, COMPUTED or ABSENT
    rows: tuple[int, ...]  # target coordinates computed, in this order
    reads: tuple[int, ...]  # FFN: columns of W_1[hidden] and W_r[rows]; ReLU: (r,);
    #                          attention: columns of C_v[rows]
    hidden: tuple[int, ...] = ()  # FFN: hidden units W_2[rows] reads
    route: _Route | None = None  # attention: how the attended position is selected
    select: tuple[int, ...] = ()  # attention: columns A and B read
    attended: tuple[int, ...] = ()  # attention: columns of C_a[rows], read where attended
    keys: tuple[int, ...] = ()  # pattern route: positions of B's columns within `select`
    guard: tuple[int, ...] = ()  # declared-Boolean columns checked before the layer


@dataclass(frozen=True)
class Plan:
    """The static half of the fast evaluation of one model (:func:`plan`): the spec, the
    embedding rows computed, one :class:`Step` per layer, the columns the readout reads.
    Hashable (a ``jax.jit`` static argument); the hash is computed once."""

    spec: UHATSpec
    embed: tuple[int, ...]
    steps: tuple[Step, ...]
    readout: tuple[int, ...]
    everything: bool
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.spec, self.embed, self.steps,
                                                self.readout, self.everything)))

    def __hash__(self) -> int:
        return self._hash


def _nonzero_columns(w: np.ndarray) -> set[int]:
    return {int(c) for c in np.flatnonzero((w != 0).any(axis=0))} if w.size else set()


def _copies(w_skip: np.ndarray, others: Sequence[np.ndarray], bias: np.ndarray) -> list[int]:
    """Per output row: the input column it copies (row ``e_c`` of ``w_skip``, zero rows in
    ``others`` and zero bias), else COMPUTED."""
    out = []
    for t in range(w_skip.shape[0]):
        nz = np.flatnonzero(w_skip[t])
        plain = (len(nz) == 1 and w_skip[t, nz[0]] == 1 and bias[t] == 0
                 and not any(np.any(o[t] != 0) for o in others))
        out.append(int(nz[0]) if plain else COMPUTED)
    return out


def plan(spec: UHATSpec, params: dict, *, everything: bool = False) -> Plan:
    """The column plan of a model (module docstring), from the non-zero pattern of its
    weights (numpy, on the host). ``everything``: compute every coordinate of every
    layer, not only those the acceptance decision depends on."""
    p_all = jax.tree_util.tree_map(np.asarray, params)
    readout = tuple(int(c) for c in np.flatnonzero(p_all["readout"] != 0))
    need = set(range(len(spec.output))) if everything else set(readout)
    steps: list[Step] = []
    for layer, p in zip(reversed(spec.layers), reversed(p_all["layers"]), strict=True):
        step = _plan_layer(spec, layer, p, need)
        steps.append(step)
        need = ({c for c in step.source if c >= 0} | set(step.reads) | set(step.select)
                | set(step.attended) | set(step.guard))
        if everything:
            need |= set(range(len(layer.source)))
    steps.reverse()
    return Plan(spec, tuple(sorted(need)), _checked_once(len(spec.embed), steps), readout,
                everything)


def _checked_once(width: int, steps: list[Step]) -> tuple[Step, ...]:
    """The steps with every declared-Boolean check of a column that only copies an already
    checked column removed: a copy holds the same values, so the check could not fail
    where the first one passed. A column's origin is the layer that computed it."""
    origin: list[Any] = [("embed", c) for c in range(width)]
    checked: set[Any] = set()
    out = []
    for i, step in enumerate(steps):
        guard = tuple(c for c in step.guard if origin[c] not in checked)
        checked |= {origin[c] for c in guard}
        out.append(dataclasses.replace(step, guard=guard))
        origin = [origin[c] if c >= 0 else (i, t) for t, c in enumerate(step.source)]
    return tuple(out)


def _plan_layer(spec: UHATSpec, layer: Any, p: dict[str, np.ndarray], need: set[int]) -> Step:
    """The step of one layer whose needed target coordinates are ``need``."""
    if isinstance(layer, ReLU):
        r = layer.source.index(layer.coord)
        copies = [COMPUTED if t == r else t for t in range(len(layer.source))]
    elif isinstance(layer, FFN):
        copies = _copies(p["W_r"], [p["W_2"]], p["b_2"])
    else:
        copies = _copies(p["C_v"], [p["C_a"]], p["C_b"])
    source = tuple(c if t in need else ABSENT for t, c in enumerate(copies))
    rows = tuple(t for t, c in enumerate(source) if c == COMPUTED)
    ix = list(rows)
    if isinstance(layer, ReLU):
        return Step("relu", source, rows, (r,) if rows else ())
    if isinstance(layer, FFN):
        hidden = sorted(_nonzero_columns(p["W_2"][ix]))
        reads = _nonzero_columns(p["W_1"][hidden]) | _nonzero_columns(p["W_r"][ix])
        return Step("ffn", source, rows, tuple(sorted(reads)), hidden=tuple(hidden))
    guard = tuple(guard_columns(spec, layer))
    attended = sorted(_nonzero_columns(p["C_a"][ix]))
    reads = tuple(sorted(_nonzero_columns(p["C_v"][ix])))
    if not attended:  # C_a[rows] = 0: the attended vector is irrelevant to these rows
        return Step("attention", source, rows, reads, route=_Route("skip", layer.mask,
                                                                    layer.tie), guard=guard)
    if not layer.key_reads:  # a constant key: every visible position ties
        return Step("attention", source, rows, reads, guard=guard, attended=tuple(attended),
                    route=_Route("positional", layer.mask, layer.tie))
    select = sorted(_nonzero_columns(p["A_w"]) | _nonzero_columns(p["B_w"]))
    route = _Route(layer.fast_path(), layer.mask, layer.tie)
    keys = tuple(select.index(layer.source.index(c)) for c in layer.key_reads)
    return Step("attention", source, rows, reads, route=route, select=tuple(select),
                attended=tuple(attended), keys=keys if route.kind == "pattern" else (),
                guard=guard)


def traced(params: Any) -> bool:
    """Whether any leaf of ``params`` is a tracer (inside ``jax.jit`` and the like)."""
    return any(isinstance(x, jax.core.Tracer) for x in jax.tree_util.tree_leaves(params))


def column_weights(plan: Plan, params: dict) -> dict:
    """The weights of :func:`plan`'s steps: each matrix restricted to the rows and columns
    its step computes and reads, zero-padded to power-of-two widths. Traceable (slices
    ``params`` where they are traced); on concrete weights it runs in numpy on the host and
    returns device arrays."""
    in_trace = traced(params)
    xp: Any = jnp if in_trace else np
    if not in_trace:
        params = jax.tree_util.tree_map(np.asarray, params)

    def take(x: Any, rows: Sequence[int] | None, cols: Sequence[int] | None,
             shape: tuple[int, ...]) -> Any:
        if rows is not None:
            x = x[np.asarray(rows, np.intp)]
        if cols is not None:
            x = x[:, np.asarray(cols, np.intp)]
        return xp.pad(x, [(0, t - s) for s, t in zip(x.shape, shape, strict=True)])

    sigma = params["embed"].shape[1]
    out: dict[str, Any] = {
        "embed": take(params["embed"], plan.embed, None, (_bucket(len(plan.embed)), sigma)),
        "readout": take(params["readout"], plan.readout, None, (_bucket(len(plan.readout)),)),
        "layers": [],
    }
    for step, p in zip(plan.steps, params["layers"], strict=True):
        s, r = _bucket(len(step.rows)), _bucket(len(step.reads))
        w: dict[str, Any] = {}
        if step.rows and step.kind == "ffn":
            h = _bucket(len(step.hidden))
            w = {"W_1": take(p["W_1"], step.hidden, step.reads, (h, r)),
                 "b_1": take(p["b_1"], step.hidden, None, (h,)),
                 "W_2": take(p["W_2"], step.rows, step.hidden, (s, h)),
                 "W_r": take(p["W_r"], step.rows, step.reads, (s, r)),
                 "b_2": take(p["b_2"], step.rows, None, (s,))}
        elif step.rows and step.kind == "attention":
            w = {"C_v": take(p["C_v"], step.rows, step.reads, (s, r)),
                 "C_b": take(p["C_b"], step.rows, None, (s,))}
            if step.attended:  # gathered columns are not padded: each costs a gather
                w["C_a"] = take(p["C_a"], step.rows, step.attended, (s, len(step.attended)))
            if step.select:
                q, k = _bucket(p["A_w"].shape[0]), _bucket(len(step.select))
                w |= {"A_w": take(p["A_w"], None, step.select, (q, k)),
                      "A_b": take(p["A_b"], None, None, (q,)),
                      "B_w": take(p["B_w"], None, step.select, (q, k)),
                      "B_b": take(p["B_b"], None, None, (q,))}
        out["layers"].append(w)
    return out if in_trace else jax.tree_util.tree_map(jax.device_put, out)


def _take(cols: Sequence[jax.Array | None], idx: Sequence[int], zero: jax.Array | None
          ) -> tuple[jax.Array, ...]:
    """The columns ``idx``, padded with the ``zero`` column to a power-of-two count (not
    padded if ``zero`` is None)."""
    got = tuple(cols[i] for i in idx)
    return got if zero is None else got + (zero,) * (_bucket(len(got)) - len(got))


@jax.jit
def _embed_columns(e: jax.Array, tokens: jax.Array) -> tuple[jax.Array, ...]:
    return _split(layers.embed(e, tokens))


@jax.jit
def _ffn_columns(w: dict, reads: tuple[jax.Array, ...]) -> tuple[jax.Array, ...]:
    return _split(layers.ffn(w, jnp.stack(reads, axis=-1)))


@jax.jit
def _relu_column(x: jax.Array) -> tuple[jax.Array, ...]:
    return _split(layers.relu_one(x[..., None], 0))


def _positional_select(route: _Route, shape: tuple[int, int], lengths: jax.Array
                       ) -> tuple[jax.Array, jax.Array]:
    """A constant key (``B = 0``): every visible position ties, so the tie-break alone
    selects: the nearest (rightmost before ``n``, leftmost after ``n``) or the farthest
    visible position, within the word."""
    pos = jnp.arange(shape[1], dtype=jnp.int32)[None, :]
    last = lengths[:, None] - 1
    right = route.tie == "right"
    if route.mask == "future":  # visible: 0 .. min(n, |w|) − 1
        idx, vis = (jnp.minimum(pos - 1, last) if right else 0 * pos), pos >= 1
    elif route.mask == "past":  # visible: n + 1 .. |w| − 1
        idx, vis = (last + 0 * pos if right else pos + 1), pos < last
    else:
        idx, vis = (last + 0 * pos if right else 0 * pos), pos >= 0
    return (jnp.broadcast_to(jnp.clip(idx, 0, shape[1] - 1), shape),
            jnp.broadcast_to(vis, shape))


@functools.partial(jax.jit, static_argnums=0)
def _select_columns(route: _Route, w: dict, select: tuple[jax.Array, ...], lengths: jax.Array,
                    keys: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """The attended position of one attention layer, by the route's selection on the
    columns ``select`` (``A`` and ``B`` only: one compile serves layers that differ in
    what they attend to)."""
    ok = jnp.bool_(True)
    if route.kind == "positional":
        idx, vis = _positional_select(route, select[0].shape, lengths)
        return idx, vis, ok
    x = jnp.stack(select, axis=-1)
    if route.kind == "scan":
        idx, vis = _scan_select(route, w, x, lengths)
    elif route.kind == "pattern":
        idx, vis, ok = _pattern_select(route, w, x, lengths, keys)
    else:
        idx, vis = layers.dense_selection(route.mask, route.tie, w, x, lengths)
    return idx, vis, ok


@jax.jit
def _output_columns(w: dict, reads: tuple[jax.Array, ...], attended: tuple[jax.Array, ...],
                    idx: jax.Array | None, vis: jax.Array | None) -> tuple[jax.Array, ...]:
    """The computed rows of one attention layer: ``C_v v + C_a a + c`` on the columns
    ``reads`` and the ``attended`` columns at the selected positions (none: ``a = 0``)."""
    v = jnp.stack(reads, axis=-1)
    if idx is None:
        return _split(layers.attention_output(w, v))
    a = layers.gather_attended(jnp.stack(attended, axis=-1), idx, vis)
    return _split(layers.attention_output(w, v, a))


_SELECTION = ("A_w", "A_b", "B_w", "B_b")
_OUTPUT = ("C_v", "C_b", "C_a")


@jax.jit
def _guard_columns(cols: tuple[jax.Array, ...], lengths: jax.Array) -> jax.Array:
    v = jnp.stack(cols, axis=-1)
    in_word = jnp.arange(v.shape[1])[None, :] < lengths[:, None]
    return layers.booleans_hold(v, np.arange(len(cols)), in_word)


@functools.partial(jax.jit, static_argnums=0)
def _readout_columns(first: bool, t: jax.Array, cols: tuple[jax.Array, ...],
                     lengths: jax.Array) -> jax.Array:
    final = layers.final_vector(jnp.stack(cols, axis=-1), lengths, "first" if first else "last")
    return layers.readout_score(t, final) > 0


def _column_outputs(plan: Plan, w: dict, tokens: jax.Array, lengths: jax.Array
                    ) -> Iterator[tuple[list[jax.Array | None], jax.Array]]:
    """Yields ``(columns, ok)`` after the embedding and every layer: the columns of the
    residual stream (``None`` where the plan computes nothing)."""
    zero = jnp.zeros(tokens.shape, w["embed"].dtype)
    cols: list[jax.Array | None] = [None] * len(plan.spec.embed)
    for c, x in zip(plan.embed, _embed_columns(w["embed"], tokens), strict=False):
        cols[c] = x
    yield cols, jnp.bool_(True)
    for step, lw in zip(plan.steps, w["layers"], strict=True):
        ok = jnp.bool_(True)
        if step.guard:
            ok = _guard_columns(_take(cols, step.guard, zero), lengths)
        new: tuple[jax.Array, ...] = ()
        if step.rows and step.kind == "ffn":
            new = _ffn_columns(lw, _take(cols, step.reads, zero))
        elif step.rows and step.kind == "relu":
            new = _relu_column(cols[step.reads[0]])
        elif step.rows:
            assert step.route is not None
            idx = vis = None
            if step.route.kind != "skip":
                idx, vis, route_ok = _select_columns(
                    step.route, {k: lw[k] for k in _SELECTION if k in lw},
                    _take(cols, step.select, zero), lengths, np.asarray(step.keys, np.int32))
                ok = ok & route_ok
            new = _output_columns({k: lw[k] for k in _OUTPUT if k in lw},
                                  _take(cols, step.reads, zero),
                                  _take(cols, step.attended, None), idx, vis)
        computed = iter(new)
        cols = [cols[c] if c >= 0 else next(computed) if c == COMPUTED else None
                for c in step.source]
        yield cols, ok


# ====================================================================== the dense evaluator
@functools.partial(jax.jit, static_argnums=0)
def _attention_step(route: _Route, p: dict, v: jax.Array, lengths: jax.Array):
    """One attention layer by its definition (``skip``: ``C_a = 0``, the attended vector
    is irrelevant)."""
    if route.kind == "skip":
        return layers.attention_output(p, v)
    idx, vis = layers.dense_selection(route.mask, route.tie, p, v, lengths)
    return layers.attention_output(p, v, layers.gather_attended(v, idx, vis))


# The coordinate of a ReLU layer is an argument (not static): one compile for all of them.
_relu_step = jax.jit(layers.relu_one)
_ffn_step = jax.jit(layers.ffn)
_embed_step = jax.jit(layers.embed)


@jax.jit
def _guard_step(v: jax.Array, cols: jax.Array, lengths: jax.Array) -> jax.Array:
    in_word = jnp.arange(v.shape[1])[None, :] < lengths[:, None]
    return layers.booleans_hold(v, cols, in_word)


@functools.partial(jax.jit, static_argnums=0)
def _readout_step(first: bool, readout: jax.Array, v: jax.Array, lengths: jax.Array):
    final = layers.final_vector(v, lengths, "first" if first else "last")  # [B, S]
    return layers.readout_score(readout, final) > 0


def _pad_to(n: int, unit: int) -> int:
    return max(unit, 1 << max(0, n - 1).bit_length())


def padded_params(spec: UHATSpec, params: dict) -> dict:
    """Weights zero-padded to power-of-two widths (≥ 16; scores and hidden units ≥ 8), for
    the dense evaluator.

    Each layer is one jitted step whose compiled code depends only on the padded shapes
    and the route, so layers of all models in a process share a handful of compiles.
    Padded coordinates stay 0 and read nothing: results are unchanged.
    """
    def pad(x: jax.Array, shape: tuple[int, ...]) -> jax.Array:
        # Padded on the host (numpy): jnp.pad would compile once per array shape.
        x = np.asarray(x)
        return jax.device_put(np.pad(x, [(0, t - s) for s, t in
                                         zip(x.shape, shape, strict=True)]))

    rw = _pad_to(len(spec.embed), 16)
    out = {"embed": pad(params["embed"], (rw, len(spec.alphabet))), "layers": []}
    for layer, p in zip(spec.layers, params["layers"], strict=True):
        r = rw
        s = _pad_to(len(layer.target), 16)
        if isinstance(layer, Attention):
            q = _pad_to(len(layer.query), 8)
            shapes = {"A_w": (q, r), "A_b": (q,), "B_w": (q, r), "B_b": (q,),
                      "C_v": (s, r), "C_a": (s, r), "C_b": (s,)}
        elif isinstance(layer, FFN):
            h = _pad_to(len(layer.hidden), 8)
            shapes = {"W_1": (h, r), "b_1": (h,), "W_2": (s, h), "W_r": (s, r), "b_2": (s,)}
        else:
            shapes = {}
        out["layers"].append({k: pad(p[k], shp) for k, shp in shapes.items()})
        rw = s
    out["readout"] = pad(params["readout"], (rw,))
    return out


def _dense_outputs(spec: UHATSpec, params: dict, tokens: jax.Array, lengths: jax.Array
                   ) -> Iterator[tuple[jax.Array, jax.Array]]:
    v = _embed_step(params["embed"], tokens)
    yield v, jnp.bool_(True)
    for layer, p in zip(spec.layers, params["layers"], strict=True):
        ok = jnp.bool_(True)
        if isinstance(layer, Attention):
            if cols := guard_columns(spec, layer):
                ok = _guard_step(v, np.asarray(cols, np.int32), lengths)
            kind = "dense" if layer.uses_attended else "skip"
            v = _attention_step(_Route(kind, layer.mask, layer.tie), p, v, lengths)
        elif isinstance(layer, ReLU):
            v = _relu_step(v, np.int32(layer.source.index(layer.coord)))
        else:
            v = _ffn_step(p, v)
        yield v, ok


# ====================================================================== passes
def layer_outputs(plan: Plan, evaluator: Compiled, weights: dict, tokens: jax.Array,
                  lengths: jax.Array) -> Iterator[tuple[jax.Array, jax.Array]]:
    """Yields ``(residual [B, N, R], ok)`` after the embedding and every layer; ``ok`` is
    false where a declared-Boolean check failed. ``weights``: :func:`padded_params` (or
    the model's own) for ``"dense"`` (``R`` padded if they are), :func:`column_weights`
    of a plan with ``everything`` for ``"fast"``."""
    if evaluator == "dense":
        yield from _dense_outputs(plan.spec, weights, tokens, lengths)
        return
    assert plan.everything, "residual streams need a plan of every coordinate"
    for cols, ok in _column_outputs(plan, weights, tokens, lengths):
        yield jnp.stack(cols, axis=-1), ok


def forward(plan: Plan, evaluator: Compiled, weights: dict, tokens: jax.Array,
            lengths: jax.Array) -> tuple[jax.Array, jax.Array]:
    """``(accepted[B], ok)``: traceable; ``ok`` false means the answer must be discarded
    (a declared-Boolean coordinate left {0, 1}). ``weights`` as in :func:`layer_outputs`.
    Inputs are not validated here."""
    ok = jnp.bool_(True)
    first = plan.spec.accept_at == "first"
    if evaluator == "dense":
        v = None
        for out, layer_ok in _dense_outputs(plan.spec, weights, tokens, lengths):
            v, ok = out, ok & layer_ok
        return _readout_step(first, weights["readout"], v, lengths), ok
    cols: list[jax.Array | None] = []
    for out_cols, layer_ok in _column_outputs(plan, weights, tokens, lengths):
        cols, ok = out_cols, ok & layer_ok
    zero = jnp.zeros(tokens.shape, weights["embed"].dtype)
    return _readout_columns(first, weights["readout"], _take(cols, plan.readout, zero),
                            lengths), ok


# :func:`forward` compiled whole, once per plan, evaluator and batch shape: for large
# dense batches, where one fused computation runs faster than the per-layer steps and its
# compile is paid back (:meth:`succinct.models.uhat.UHAT.accepts_batch`). The fast
# evaluator is faster per layer (UHAT.forward).
forward_whole = jax.jit(forward, static_argnums=(0, 1))
