"""The jitted UHAT evaluation: padding, one compiled step per layer, the fast hard-attention
selections, and the traceable forward pass.

Fast hard attention (jitted, automatic, bit-identical to the dense O(N²) path):

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
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from succinct.models.specs import FFN, Attention, Mask, ReLU, Tie, UHATSpec, guard_columns


def _pad_batch(tokens: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Pads the batch to a power of two (≥ 8) rows of length-1 words: fewer compiles."""
    real = tokens.shape[0]
    rows = max(8, 1 << max(0, real - 1).bit_length())
    if rows == real or tokens.shape[1] > 4096:  # long words: padding rows would cost memory
        return tokens, lengths, real
    tokens = np.concatenate([tokens, np.zeros((rows - real, tokens.shape[1]), np.int32)])
    lengths = np.concatenate([lengths, np.ones(rows - real, np.int32)])
    return tokens, lengths, real


# ====================================================================== forward pass
def _affine(v: jax.Array, w: jax.Array, b: jax.Array) -> jax.Array:
    # v[B, N, R] @ w[S, R]^T + b[S]  ->  [B, N, S]
    return jnp.einsum("bnr,sr->bns", v, w) + b


def _dense_select(layer: _Route, p: dict, v: jax.Array, lengths: jax.Array):
    """Attended index and 'something visible' flag by the O(N²) definition."""
    n = v.shape[1]
    q = _affine(v, p["A_w"], p["A_b"])  # [B, N, Q]
    k = _affine(v, p["B_w"], p["B_b"])  # [B, N, Q]
    score = jnp.einsum("bnq,bmq->bnm", q, k)  # [B, N, N]
    pos = jnp.arange(n)
    in_word = pos[None, None, :] < lengths[:, None, None]  # [B, 1, N]
    if layer.mask == "future":
        visible = pos[None, :, None] > pos[None, None, :]
    elif layer.mask == "past":
        visible = pos[None, :, None] < pos[None, None, :]
    else:
        visible = jnp.ones((1, n, n), bool)
    visible = visible & in_word  # [B, N, N]
    low = jnp.iinfo(score.dtype).min if jnp.issubdtype(score.dtype, jnp.integer) else -jnp.inf
    best = jnp.max(jnp.where(visible, score, low), axis=-1, keepdims=True)
    is_best = visible & (score == best)
    if layer.tie == "left":
        idx = jnp.argmax(is_best, axis=-1)
    else:
        idx = n - 1 - jnp.argmax(is_best[..., ::-1], axis=-1)
    return idx, jnp.any(visible, axis=-1)


def _low(dtype: Any) -> Any:
    """A value below every score: the dtype's minimum (integers) or −∞ (floats)."""
    return jnp.iinfo(dtype).min if jnp.issubdtype(dtype, jnp.integer) else -jnp.inf


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
    score = jnp.einsum("bnq,q->bn", _affine(v, p["B_w"], p["B_b"]), p["A_b"])  # [B, N]
    pos = jnp.arange(n, dtype=jnp.int32)[None, :]
    valid = pos < lengths[:, None]
    low = _low(score.dtype)
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
    inside = (jnp.arange(n)[None, :] < lengths[:, None])[:, :, None]  # padding: anything
    ok = jnp.all(~inside | (bits == 0) | (bits == 1))
    k = cols.shape[0]
    n_pat = 1 << k
    chunk = min(PATTERN_CHUNK, n_pat)
    weights = (1 << jnp.arange(k, dtype=jnp.int32)).astype(v.dtype)
    pat = jnp.einsum("bnk,k->bn", bits, weights).astype(jnp.int32)  # [B, N]
    pos = jnp.arange(n, dtype=jnp.int32)[None, :]
    valid = pos < lengths[:, None]
    # Every pattern's key vector: B_w restricted to the read columns, plus the bias.
    table = ((jnp.arange(n_pat)[:, None] >> jnp.arange(k)[None, :]) & 1).astype(v.dtype)
    keys = table @ p["B_w"][:, cols].T + p["B_b"]  # [P, Q]
    query = _affine(v, p["A_w"], p["A_b"])  # [B, N, Q]
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
        scores = jnp.einsum("bnq,cq->bnc", query, block)  # [B, N, C]
        for j in range(chunk):
            cand = candidate((pat == step * chunk + j) & valid)
            score = scores[:, :, j]
            later = (cand > idx) if right else (cand < idx)
            take = (cand >= 0) & (~have | (score > best) | ((score == best) & later))
            have, best, idx = (have | take, jnp.where(take, score, best),
                               jnp.where(take, cand, idx))
        return have, best, idx

    init = (jnp.zeros((bsz, n), bool), jnp.full((bsz, n), _low(query.dtype), query.dtype),
            jnp.full((bsz, n), none))
    vis, _, idx = jax.lax.fori_loop(0, n_pat // chunk, fold, init)
    return jnp.clip(idx, 0, n - 1), vis, ok


@dataclass(frozen=True)
class _Route:
    """What a compiled attention step depends on statically (no labels, no widths)."""

    kind: str  # skip | scan | pattern | dense
    mask: Mask
    tie: Tie


def _route(layer: Attention, fast: bool) -> _Route:
    kind = layer.fast_path() if fast else ("skip" if not layer.uses_attended else "dense")
    return _Route(kind, layer.mask, layer.tie)


@functools.partial(jax.jit, static_argnums=0)
def _attention_step(route: _Route, p: dict, v: jax.Array, lengths: jax.Array,
                    cols: jax.Array):
    ok = jnp.bool_(True)
    if route.kind == "skip":
        attended = jnp.zeros_like(v)
    else:
        if route.kind == "scan":
            idx, vis = _scan_select(route, p, v, lengths)
        elif route.kind == "pattern":
            idx, vis, ok = _pattern_select(route, p, v, lengths, cols)
        else:
            idx, vis = _dense_select(route, p, v, lengths)
        attended = jnp.take_along_axis(v, idx[:, :, None], axis=1)
        attended = jnp.where(vis[:, :, None], attended, jnp.zeros_like(attended))
    out = _affine(v, p["C_v"], p["C_b"]) + jnp.einsum("bnr,sr->bns", attended, p["C_a"])
    return out, ok


@jax.jit
def _relu_step(v: jax.Array, onehot: jax.Array) -> jax.Array:
    # max(0, ·) on the one coordinate selected by ``onehot``; others pass unchanged.
    return jnp.where(onehot.astype(bool), jnp.maximum(v, 0), v)


@jax.jit
def _ffn_step(p: dict, v: jax.Array) -> jax.Array:
    hidden = jax.nn.relu(_affine(v, p["W_1"], p["b_1"]))  # [B, N, H]
    return _affine(v, p["W_r"], p["b_2"]) + jnp.einsum("bnh,sh->bns", hidden, p["W_2"])


@jax.jit
def _embed_step(embed: jax.Array, tokens: jax.Array) -> jax.Array:
    return jnp.moveaxis(embed[:, tokens], 0, -1)  # [B, N, R0]


@functools.partial(jax.jit, static_argnums=0)
def _readout_step(first: bool, readout: jax.Array, v: jax.Array, lengths: jax.Array):
    at = jnp.zeros_like(lengths) if first else lengths - 1
    final = jnp.take_along_axis(v, at[:, None, None], axis=1)[:, 0]  # [B, S]
    return final @ readout > 0


def _pad_to(n: int, unit: int) -> int:
    return max(unit, 1 << max(0, n - 1).bit_length())


def _padded_params(spec: UHATSpec, params: dict) -> dict:
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
    out = {"embed": pad(params["embed"], (rw, len(spec.alphabet))), "layers": [], "aux": []}
    for layer, p in zip(spec.layers, params["layers"], strict=True):
        r = rw
        s = _pad_to(len(layer.target), 16)
        if isinstance(layer, Attention):
            q = _pad_to(len(layer.query), 8)
            shapes = {"A_w": (q, r), "A_b": (q,), "B_w": (q, r), "B_b": (q,),
                      "C_v": (s, r), "C_a": (s, r), "C_b": (s,)}
            cols = jax.device_put(
                np.array([layer.source.index(x) for x in layer.key_reads], np.int32))
            out["aux"].append(cols)
        elif isinstance(layer, FFN):
            h = _pad_to(len(layer.hidden), 8)
            shapes = {"W_1": (h, r), "b_1": (h,), "W_2": (s, h), "W_r": (s, r), "b_2": (s,)}
            out["aux"].append(None)
        else:
            shapes = {}
            onehot = np.zeros(r, np.int32)
            onehot[layer.source.index(layer.coord)] = 1
            out["aux"].append(jax.device_put(onehot.astype(np.asarray(params["embed"]).dtype)))
        out["layers"].append({k: pad(p[k], shp) for k, shp in shapes.items()})
        rw = s
    out["readout"] = pad(params["readout"], (rw,))
    return out


def _layers(spec: UHATSpec, fast: bool, padded: dict, tokens: jax.Array,
            lengths: jax.Array):
    """Yields ``(residual [B, N, R_pad], ok)`` after the embedding and every layer."""
    v = _embed_step(padded["embed"], tokens)
    yield v, jnp.bool_(True)
    for layer, p, aux in zip(spec.layers, padded["layers"], padded["aux"], strict=True):
        ok = jnp.bool_(True)
        if isinstance(layer, Attention):
            guard = ok
            if cols := guard_columns(spec, layer):
                bits = v[:, :, jnp.asarray(cols)]
                inside = (jnp.arange(v.shape[1])[None, :] < lengths[:, None])[:, :, None]
                guard = jnp.all(~inside | (bits == 0) | (bits == 1))
            v, ok = _attention_step(_route(layer, fast), p, v, lengths, aux)
            ok = ok & guard
        elif isinstance(layer, ReLU):
            v = _relu_step(v, aux)
        else:
            v = _ffn_step(p, v)
        yield v, ok


_CALLS: dict[int, int] = {}


def _seen_often(spec: UHATSpec) -> bool:
    key = hash(spec)
    _CALLS[key] = _CALLS.get(key, 0) + 1
    return _CALLS[key] > 2


def _forward(spec: UHATSpec, fast: bool, padded: dict, tokens: jax.Array,
             lengths: jax.Array):
    ok = jnp.bool_(True)
    v = None
    for out, layer_ok in _layers(spec, fast, padded, tokens, lengths):
        v = out
        ok = ok & layer_ok
    return _readout_step(spec.accept_at == "first", padded["readout"], v, lengths), ok


_forward_fused = jax.jit(_forward, static_argnums=(0, 1))
