"""The jitted UHAT evaluation: padding, one compiled step per layer, the fast hard-attention
selections, and the traceable forward pass.

Every layer's arithmetic is :mod:`succinct.models.layers` (the one definition of each
layer kind); this module decides only how it is compiled and, for attention, how the
attended position is *selected*: by the dense O(N²) definition
(:func:`succinct.models.layers.dense_selection`) or by a fast path below. The attended
vector and the layer output then go through the one definition again.

:func:`forward` is the traceable pass (``(accepted, ok)``). It runs one jitted step per
layer, each compiled once per padded shape and route and shared by all models; traced
inside an outer ``jax.jit`` (as :meth:`succinct.models.uhat.UHAT.forward` is by the
verifier) the steps are inlined into one computation. It takes weights zero-padded by
:func:`padded_params` (what :meth:`UHAT.accepts_batch` passes, so compiles are shared)
or the model's own: padded coordinates stay 0 and read nothing.

Fast hard attention (jitted, bit-identical to the dense O(N²) path):

* *query-constant* layers (``A`` has no linear part): the score depends on ``m`` only,
  so the attended position is a running arg-max: two cumulative maxima (of the score,
  then of the positions that reach it), O(N log N);
* *Boolean-key* layers (``B`` reads only coordinates declared Boolean, at most
  ``MAX_PATTERN_BITS`` of them): the key ``B v_m`` takes one of ``P = 2^k`` values. For
  each pattern the only candidate is its last (rightmost) or first (leftmost)
  occurrence inside the mask, found by a cumulative max/min; the best of the ``P``
  candidates (ties broken by position) is exactly the dense arg-max. Patterns are
  folded into a running best a few at a time: O(N·P) time, O(N) memory. The
  coordinates are checked to be 0/1 at run time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from succinct.models import layers
from succinct.models.layers import lowest
from succinct.models.specs import FFN, Attention, Mask, ReLU, Tie, UHATSpec, guard_columns

__all__ = ["Compiled", "forward", "forward_whole", "layer_outputs", "pad_batch",
           "padded_params"]

# The jitted evaluators: the dense definition, or the fast selection paths.
Compiled = Literal["dense", "fast"]


def pad_batch(tokens: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Pads the batch to a power of two (≥ 8) rows of length-1 words: fewer compiles."""
    real = tokens.shape[0]
    rows = max(8, 1 << max(0, real - 1).bit_length())
    if rows == real or tokens.shape[1] > 4096:  # long words: padding rows would cost memory
        return tokens, lengths, real
    tokens = np.concatenate([tokens, np.zeros((rows - real, tokens.shape[1]), np.int32)])
    lengths = np.concatenate([lengths, np.ones(rows - real, np.int32)])
    return tokens, lengths, real


# ====================================================================== selection
def _shifted(x: jax.Array, fill: Any, reverse: bool) -> jax.Array:
    """Exclusive from inclusive scan: position i takes i − 1 (i + 1 if ``reverse``)."""
    pad = jnp.full_like(x[:, :1], fill)
    if reverse:
        return jnp.concatenate([x[:, 1:], pad], axis=1)
    return jnp.concatenate([pad, x[:, :-1]], axis=1)


def _scan_select(layer: _Route, p: dict, v: jax.Array, lengths: jax.Array):
    """Score depends on the attended position only: a running arg-max by two cummaxes.

    With ``run(m)`` the running maximum of the score over the scanned prefix, the
    rightmost maximizer among positions ≤ m is the last position j ≤ m with
    ``score(j) = run(j)`` (a later one would raise or tie the maximum), and the leftmost
    is the last position where ``run`` strictly increased. Positions outside the word
    score below everything; the strict-future/past masks shift the result by one.
    """
    bsz, n, _ = v.shape
    score = layers.key(p, v) @ p["A_b"]  # [B, N]: ⟨a, k_m⟩
    pos = jnp.arange(n, dtype=jnp.int32)[None, :]
    valid = pos < lengths[:, None]
    low = lowest(score.dtype)
    s = jnp.where(valid, score, low)
    reverse = layer.mask == "past"  # scan from the right: roles of the ties swap
    run = jax.lax.cummax(s, axis=1, reverse=reverse)
    if (layer.tie == "right") != reverse:
        hit = valid & (s == run)
    else:
        hit = valid & (s > _shifted(run, low, reverse))
    order = (n - 1 - pos) if reverse else pos  # the scan's direction, increasing
    found = jax.lax.cummax(jnp.where(hit, order, -1), axis=1, reverse=reverse)
    found = jnp.where(found >= 0, (n - 1 - found) if reverse else found, -1)
    if layer.mask == "none":
        at = jnp.clip(lengths - 1, 0, n - 1)[:, None]  # the whole word: last position
        idx = jnp.take_along_axis(found, at, axis=1)
        vis = jnp.take_along_axis(valid, at, axis=1)
        return jnp.broadcast_to(idx, (bsz, n)), jnp.broadcast_to(vis, (bsz, n))
    found = _shifted(found, -1, reverse)
    return jnp.maximum(found, 0), found >= 0


# Patterns folded per step of the pattern loop (one [B, N, C] score block per step).
PATTERN_CHUNK = 8


def _pattern_select(layer: _Route, p: dict, v: jax.Array, lengths: jax.Array,
                    cols: jax.Array):
    """Keys read only Boolean coordinates: one candidate per key pattern.

    The ``P = 2^k`` patterns are folded into a running best (score, then position by
    the tie-break) ``PATTERN_CHUNK`` at a time, so memory stays O(B·N) rather than
    O(B·N·P); the result is the same arg-max as over all candidates at once.
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
    pos = jnp.arange(n, dtype=jnp.int32)[None, :]
    # Every pattern's key vector: B_w restricted to the read columns, plus the bias.
    table = ((jnp.arange(n_pat)[:, None] >> jnp.arange(k)[None, :]) & 1).astype(v.dtype)
    keys = layers.affine(table, p["B_w"][:, cols], p["B_b"])  # [P, Q]
    query = layers.query(p, v)  # [B, N, Q]
    none, big = jnp.int32(-1), jnp.int32(n)
    right = layer.tie == "right"

    def candidate(occurs: jax.Array) -> jax.Array:
        # [B, N]: the one position of this pattern the tie-break can pick, or −1.
        at = jnp.where(occurs, pos, none)
        at_min = jnp.where(occurs, pos, big)
        if layer.mask == "future":
            if right:  # last occurrence before i
                return _shifted(jax.lax.cummax(at, axis=1), none, False)
            first = jnp.min(at_min, axis=1, keepdims=True)  # first occurrence, if before i
            return jnp.where(first < pos, first, none)
        if layer.mask == "past":
            if not right:  # first occurrence after i
                c = _shifted(jax.lax.cummin(at_min, axis=1, reverse=True), big, True)
                return jnp.where(c < big, c, none)
            last = jnp.max(at, axis=1, keepdims=True)  # last occurrence, if after i
            return jnp.where(last > pos, last, none)
        if not right:
            first = jnp.min(at_min, axis=1, keepdims=True)
            return jnp.broadcast_to(jnp.where(first < big, first, none), (bsz, n))
        return jnp.broadcast_to(jnp.max(at, axis=1, keepdims=True), (bsz, n))

    def fold(step: jax.Array, carry: tuple) -> tuple:
        have, best, idx = carry
        block = jax.lax.dynamic_slice_in_dim(keys, step * chunk, chunk)  # [C, Q]
        scores = layers.scores(query, block)  # [B, N, C]
        for j in range(chunk):
            cand = candidate((pat == step * chunk + j) & valid)
            score = scores[:, :, j]
            later = (cand > idx) if right else (cand < idx)
            take = (cand >= 0) & (~have | (score > best) | ((score == best) & later))
            have, best, idx = (have | take, jnp.where(take, score, best),
                               jnp.where(take, cand, idx))
        return have, best, idx

    init = (jnp.zeros((bsz, n), bool), jnp.full((bsz, n), lowest(query.dtype), query.dtype),
            jnp.full((bsz, n), none))
    vis, _, idx = jax.lax.fori_loop(0, n_pat // chunk, fold, init)
    return jnp.clip(idx, 0, n - 1), vis, ok


@dataclass(frozen=True)
class _Route:
    """What a compiled attention step depends on statically (no labels, no widths)."""

    kind: str  # skip | scan | pattern | dense
    mask: Mask
    tie: Tie


def _route(layer: Attention, evaluator: Compiled) -> _Route:
    if evaluator == "fast":
        kind = layer.fast_path()
    else:
        kind = "skip" if not layer.uses_attended else "dense"
    return _Route(kind, layer.mask, layer.tie)


@functools.partial(jax.jit, static_argnums=0)
def _attention_step(route: _Route, p: dict, v: jax.Array, lengths: jax.Array,
                    cols: jax.Array):
    """One attention layer: the route's selection, then the layer's definition."""
    ok = jnp.bool_(True)
    if route.kind == "skip":  # C_a = 0: the attended vector is irrelevant
        return layers.attention_output(p, v), ok
    if route.kind == "scan":
        idx, vis = _scan_select(route, p, v, lengths)
    elif route.kind == "pattern":
        idx, vis, ok = _pattern_select(route, p, v, lengths, cols)
    else:
        idx, vis = layers.dense_selection(route.mask, route.tie, p, v, lengths)
    return layers.attention_output(p, v, layers.gather_attended(v, idx, vis)), ok


# The coordinate of a ReLU layer is an argument (not static): one compile for all of them.
_relu_step = jax.jit(layers.relu_one)
_ffn_step = jax.jit(layers.ffn)
_embed_step = jax.jit(layers.embed)


@functools.partial(jax.jit, static_argnums=0)
def _readout_step(first: bool, readout: jax.Array, v: jax.Array, lengths: jax.Array):
    final = layers.final_vector(v, lengths, "first" if first else "last")  # [B, S]
    return layers.readout_score(readout, final) > 0


def _pad_to(n: int, unit: int) -> int:
    return max(unit, 1 << max(0, n - 1).bit_length())


def padded_params(spec: UHATSpec, params: dict) -> dict:
    """Weights zero-padded to power-of-two widths (≥ 16; scores and hidden units ≥ 8).

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


@functools.cache
def _aux(spec: UHATSpec) -> tuple[np.ndarray | None, ...]:
    """Per layer, what its step reads besides the weights: the key columns of an attention
    layer (pattern path), the coordinate of a ReLU layer. Independent of padding."""
    out: list[np.ndarray | None] = []
    for layer in spec.layers:
        if isinstance(layer, Attention):
            out.append(np.array([layer.source.index(x) for x in layer.key_reads], np.int32))
        elif isinstance(layer, ReLU):
            out.append(np.int32(layer.source.index(layer.coord)))
        else:
            out.append(None)
    return tuple(out)


def layer_outputs(spec: UHATSpec, evaluator: Compiled, params: dict, tokens: jax.Array,
                  lengths: jax.Array) -> Iterator[tuple[jax.Array, jax.Array]]:
    """Yields ``(residual [B, N, R], ok)`` after the embedding and every layer (``R``
    padded if ``params`` are); ``ok`` is false where a declared-Boolean check failed."""
    v = _embed_step(params["embed"], tokens)
    yield v, jnp.bool_(True)
    for layer, p, aux in zip(spec.layers, params["layers"], _aux(spec), strict=True):
        ok = jnp.bool_(True)
        if isinstance(layer, Attention):
            guard = ok
            if cols := guard_columns(spec, layer):
                in_word = jnp.arange(v.shape[1])[None, :] < lengths[:, None]
                guard = layers.booleans_hold(v, jnp.asarray(cols), in_word)
            v, ok = _attention_step(_route(layer, evaluator), p, v, lengths, aux)
            ok = ok & guard
        elif isinstance(layer, ReLU):
            v = _relu_step(v, aux)
        else:
            v = _ffn_step(p, v)
        yield v, ok


def forward(spec: UHATSpec, evaluator: Compiled, params: dict, tokens: jax.Array,
            lengths: jax.Array) -> tuple[jax.Array, jax.Array]:
    """``(accepted[B], ok)``: traceable; ``ok`` false means the answer must be discarded
    (a declared-Boolean coordinate left {0, 1}). Inputs are not validated here."""
    ok = jnp.bool_(True)
    v = None
    for out, layer_ok in layer_outputs(spec, evaluator, params, tokens, lengths):
        v = out
        ok = ok & layer_ok
    return _readout_step(spec.accept_at == "first", params["readout"], v, lengths), ok


# :func:`forward` compiled whole, once per spec, evaluator and batch shape: for large
# batches, where one fused computation runs several times faster than the per-layer steps
# and its compile is paid back (:meth:`succinct.models.uhat.UHAT.accepts_batch`).
forward_whole = jax.jit(forward, static_argnums=(0, 1))
