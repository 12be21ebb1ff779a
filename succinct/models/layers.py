"""The semantics of every layer kind, written once (the paper's §2.3, and the RNN cells).

Every evaluator computes a layer by calling these functions: the numpy oracle
(:func:`succinct.models.uhat.reference_forward`, int64), the jitted kernels
(:mod:`succinct.models.kernels`, float32 or int32; the fast paths replace only the
*selection* of the attended position), the exact automata (:mod:`succinct.exact.future`
and :mod:`succinct.exact.two_sided`, numpy int64 on one residual vector per state),
:mod:`succinct.interop` (float32, differentiable) and the RNNs of
:mod:`succinct.models.rnn` and :mod:`succinct.models.rnn2`. The declared-Boolean check
(:func:`booleans_hold`) is here too, for the same callers.

The functions are generic over the array namespace: given numpy arrays they compute in
numpy, given JAX arrays (or tracers) in ``jax.numpy`` (:func:`namespace`). Vectors are
the last axis, so every function takes ``[..., R]`` arrays with any leading axes (batch,
position, state). Shape names: ``R`` input width, ``S`` output width, ``Q`` score
space, ``H`` hidden units, ``N`` positions, ``M`` candidate positions.

UHAT layers (weights as in :class:`succinct.models.uhat.UHAT`)::

    affine          W v + b
    FFN block       out = W_r v + W_2 ReLU(W_1 v + b_1) + b_2
    ReLU layer      max(0, v_r) on the one coordinate r; the others pass unchanged
    query, key      q_n = A v_n + a,   k_m = B v_m + b
    score           score(n, m) = ⟨q_n, k_m⟩
    visibility      U_n = {m < |w| : mask(n, m)},  mask ∈ {none, future: m < n, past: m > n}
    selection       τ(argmax_{m ∈ U_n} score(n, m)),  τ = leftmost (min) or rightmost (max)
    attended        a_n = v_{selection}, or the zero vector if U_n = ∅
    output          out_n = C_v v_n + C_a a_n + c
    acceptance      ⟨t, v⟩ at the last (or first) position, accepted iff > 0

RNN cell (:class:`succinct.models.specs.RNNSpec`)::

    h_0 = q(h0),   h_t = q(σ(W h_{t−1} + U x_t + b)),   accept iff ⟨r, h_N⟩ + c > 0
    q: k-bit rounding (the identity without ``bits``)

with σ ∈ {relu, step, satlin, sigmoid(β·)} and ``q(h) = clip(⌊h·2^f + ½⌋, 0, 2^k − 1) / 2^f``.

Second-order RNN cell (:class:`succinct.models.specs.SecondOrderSpec`)::

    h_t = φ(M[x_t] h_{t−1}),   accept iff ⟨r, h_N⟩ + c > 0,   φ ∈ {identity, step [z > 0]}

the classic second-order (multiplicative) recurrence ``h_t^i = φ(Σ_{j,k} W_{ijk}
h_{t−1}^j x_t^k)`` of Giles et al., "Learning and extracting finite state automata with
second-order recurrent neural networks" (Neural Computation 4(3), 1992), with one-hot
``x_t``, so ``M[σ] = W[:, :, σ]``: the symbol selects the recurrent matrix. Both RNN
kinds share the time scan and the readout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from succinct.models.specs import (
    FFN,
    Attention,
    Layer,
    Mask,
    ReLU,
    RNNSpec,
    SecondOrderSpec,
    Tie,
)

__all__ = ["namespace", "lowest", "affine", "ffn", "relu_one", "query", "key", "scores",
           "visible", "hard_select", "gather_attended", "attention_output",
           "dense_selection", "dense_attention", "positionwise", "apply", "embed",
           "final_vector", "readout_score", "activate", "quantize", "rnn_cell",
           "booleans_hold", "rnn_final_state", "rnn_states", "rnn_readout", "second_order_cell",
           "second_order_final_state"]

Array = Any  # np.ndarray or jax.Array
Params = Mapping[str, Array]


def namespace(*arrays: Array) -> ModuleType:
    """``jax.numpy`` if any argument is a JAX array (or tracer), else ``numpy``."""
    return jnp if any(isinstance(a, jax.Array) for a in arrays) else np


def lowest(dtype: Any) -> Any:
    """A value below every score: the dtype's minimum (integers) or −∞ (floats)."""
    return np.iinfo(dtype).min if np.issubdtype(dtype, np.integer) else -np.inf


def _relu(x: Array) -> Array:
    # jax.nn.relu for JAX inputs: its derivative at 0 is 0 (interop differentiates it).
    return jax.nn.relu(x) if namespace(x) is jnp else np.maximum(x, 0)


# ====================================================================== position-wise maps
# JAX affine maps reading at most this many coordinates are summed column by column.
NARROW = 16


def affine(v: Array, w: Array, b: Array | None = None) -> Array:
    """``W v + b`` on the last axis: ``v[..., R]``, ``w[S, R]``, ``b[S]`` -> ``[..., S]``.

    A JAX map of at most ``NARROW`` inputs (the restricted maps of the column plan,
    :mod:`succinct.models.kernels`) is computed as ``Σ_r v_r w[:, r]``, which XLA fuses
    into one elementwise loop: a dot with so short a contraction runs several times slower
    on CPU. On exact integers both orders give the same sums.
    """
    if namespace(v, w) is jnp and 0 < w.shape[-1] <= NARROW:
        out = v[..., 0, None] * w[:, 0]
        for r in range(1, w.shape[-1]):
            out = out + v[..., r, None] * w[:, r]
    else:
        out = v @ w.T
    return out if b is None else out + b


def ffn(p: Params, v: Array) -> Array:
    """The FFN block ``W_r v + W_2 ReLU(W_1 v + b_1) + b_2``."""
    hidden = _relu(affine(v, p["W_1"], p["b_1"]))  # [..., H]
    return affine(v, p["W_r"], p["b_2"]) + affine(hidden, p["W_2"])


def relu_one(v: Array, r: Any) -> Array:
    """The paper's ReLU layer: ``max(0, v_r)`` on coordinate ``r`` (an int, or a traced
    scalar so that one compiled step serves every coordinate); the others unchanged."""
    xp = namespace(v, r)
    return xp.where(xp.arange(v.shape[-1]) == r, _relu(v), v)


# ====================================================================== attention
def query(p: Params, v: Array) -> Array:
    """``q = A v + a`` (``[..., Q]``)."""
    return affine(v, p["A_w"], p["A_b"])


def key(p: Params, v: Array) -> Array:
    """``k = B v + b`` (``[..., Q]``)."""
    return affine(v, p["B_w"], p["B_b"])


def scores(q: Array, k: Array) -> Array:
    """``score(n, m) = ⟨q_n, k_m⟩``: ``q[..., N, Q]``, ``k[..., M, Q]`` -> ``[..., N, M]``.
    Keys shared by the whole batch (``k[M, Q]``) make it the linear map ``q ↦ K q``."""
    if k.ndim == 2:
        return affine(q, k)
    return namespace(q, k).einsum("...nq,...mq->...nm", q, k)


def visible(mask: Mask, n: int, lengths: Array) -> Array:
    """``U_n`` as a Boolean ``[B, N, N]`` (query ``n``, candidate ``m``): the mask, and
    ``m`` inside the word (``lengths[B]``)."""
    xp = namespace(lengths)
    pos = xp.arange(n)
    in_word = pos[None, None, :] < lengths[:, None, None]  # [B, 1, N]
    if mask == "future":
        rel = pos[:, None] > pos[None, :]
    elif mask == "past":
        rel = pos[:, None] < pos[None, :]
    else:
        rel = xp.ones((n, n), bool)
    return rel[None] & in_word


def hard_select(score: Array, vis: Array, tie: Tie) -> tuple[Array, Array]:
    """Unique hard attention: the index of the best visible score, leftmost or rightmost
    among equal ones, and whether anything is visible. ``score``, ``vis``: ``[..., M]``
    -> ``(idx[...], seen[...])`` (``idx`` is in range but meaningless where not seen)."""
    xp = namespace(score, vis)
    best = xp.max(xp.where(vis, score, lowest(score.dtype)), axis=-1, keepdims=True)
    is_best = vis & (score == best)
    if tie == "left":
        idx = xp.argmax(is_best, axis=-1)
    else:
        idx = score.shape[-1] - 1 - xp.argmax(is_best[..., ::-1], axis=-1)
    return idx, xp.any(vis, axis=-1)


def gather_attended(values: Array, idx: Array, seen: Array) -> Array:
    """``a_n = values[idx_n]``, or the zero vector where nothing is visible:
    ``values[..., M, R]``, ``idx[..., N]``, ``seen[..., N]`` -> ``[..., N, R]``."""
    xp = namespace(values, idx, seen)
    a = xp.take_along_axis(values, idx[..., None], axis=-2)
    return xp.where(seen[..., None], a, 0)


def attention_output(p: Params, v: Array, attended: Array | None = None) -> Array:
    """``C_v v + C_a a + c``; ``attended=None`` is the zero vector ``a = 0``."""
    out = affine(v, p["C_v"], p["C_b"])
    return out if attended is None else out + affine(attended, p["C_a"])


def dense_selection(mask: Mask, tie: Tie, p: Params, v: Array, lengths: Array
                    ) -> tuple[Array, Array]:
    """The attended index and 'something visible' flag by the O(N²) definition
    (``v[B, N, R]``, ``lengths[B]``)."""
    score = scores(query(p, v), key(p, v))  # [B, N, N]
    return hard_select(score, visible(mask, v.shape[-2], lengths), tie)


def dense_attention(layer: Attention, p: Params, v: Array, lengths: Array) -> Array:
    """An attention layer by its definition: select, gather, output."""
    idx, seen = dense_selection(layer.mask, layer.tie, p, v, lengths)
    return attention_output(p, v, gather_attended(v, idx, seen))


def positionwise(layer: Layer, p: Params, v: Array) -> Array:
    """A layer that maps each vector on its own: an FFN block, a ReLU layer, or an
    attention layer whose attended vector is unused (``C_a = 0``, so ``a`` is irrelevant)."""
    if isinstance(layer, FFN):
        return ffn(p, v)
    if isinstance(layer, ReLU):
        return relu_one(v, layer.source.index(layer.coord))
    return attention_output(p, v)


def apply(layer: Layer, p: Params, v: Array, lengths: Array) -> Array:
    """Any layer by its dense definition (``v[B, N, R]``, ``lengths[B]``)."""
    if isinstance(layer, Attention):
        return dense_attention(layer, p, v, lengths)
    return positionwise(layer, p, v)


def booleans_hold(v: Array, cols: Array, in_word: Array | None = None) -> Array:
    """The declared-Boolean check: every coordinate in ``cols`` (declared 0/1, e.g. the
    inputs an attention layer's fast path or a ``boolean_guard`` certificate relies on) is
    0 or 1, at every vector of ``v[..., R]`` where ``in_word[...]`` holds (everywhere if
    ``None``; padding is never checked). A Boolean scalar (a JAX one when traced)."""
    bits = v[..., cols]
    holds = (bits == 0) | (bits == 1)
    if in_word is not None:
        holds = holds | ~in_word[..., None]
    return namespace(v, cols, holds).all(holds)


# ====================================================================== embedding, readout
def embed(e: Array, tokens: Array) -> Array:
    """``v = E[:, a]`` per token: ``e[R0, |Σ|]``, ``tokens[...]`` -> ``[..., R0]``."""
    return namespace(e, tokens).moveaxis(e[:, tokens], 0, -1)


def final_vector(v: Array, lengths: Array, accept_at: str) -> Array:
    """The residual at the acceptance position: the last (``accept_at="last"``) or the
    first position of each word (``v[B, N, S]``, ``lengths[B]`` -> ``[B, S]``)."""
    xp = namespace(v, lengths)
    at = xp.zeros_like(lengths) if accept_at == "first" else lengths - 1
    return xp.take_along_axis(v, at[:, None, None], axis=1)[:, 0]


def readout_score(t: Array, v: Array) -> Array:
    """``⟨t, v⟩`` (accepted iff > 0): ``v[..., S]`` -> ``[...]``."""
    return v @ t


# ====================================================================== RNN cell
def activate(spec: RNNSpec, z: Array) -> Array:
    """σ of the spec: relu, step ``[z > 0]``, satlin ``min(1, max(0, z))``, or the
    scaled sigmoid ``1 / (1 + exp(−β z))`` (JAX)."""
    if spec.activation == "relu":
        return jax.nn.relu(z)
    if spec.activation == "step":
        return (z > 0).astype(z.dtype)
    if spec.activation == "satlin":
        return jnp.clip(z, 0, 1)
    return jax.nn.sigmoid(spec.beta * z)


def quantize(spec: RNNSpec, h: Array) -> Array:
    """k-bit mode: round to the nearest of ``{0, 2^-f, …, (2^k − 1)·2^-f}`` (clamped,
    ties half up); the identity without ``bits``."""
    if spec.bits is None:
        return h
    scale = 2.0**spec.frac_bits
    code = jnp.clip(jnp.floor(h * scale + 0.5), 0, 2**spec.bits - 1)
    return code / scale


def rnn_cell(spec: RNNSpec, params: Params, h: Array, x: Array) -> Array:
    """``h_t = q(σ(W h_{t−1} + U x_t + b))`` for ``h[B, D]`` and symbol ids ``x[B]``."""
    z = h @ params["W"].T + params["U"][:, x].T + params["b"]
    return quantize(spec, activate(spec, z))


def _scan_states(cell: Callable[[Array, Array], Array], h0: Array, tokens: Array,
                 lengths: Array, every: bool) -> tuple[Array, Array | None]:
    """The recurrence along time, written once for every RNN kind: ``h_t = cell(h_{t−1},
    x_t)`` from ``h0[B, D]`` over a padded batch ``tokens[B, N]`` (``lax.scan``); positions
    at or past a word's length (``lengths[B]``) keep its state. Returns ``h_N`` and, with
    ``every``, the states ``h_1..h_N`` as ``[N, B, D]`` (else ``None``, nothing stored)."""

    def step(h: Array, xt: tuple[Array, Array]) -> tuple[Array, Array | None]:
        x, t = xt
        h = jnp.where((t < lengths)[:, None], cell(h, x), h)
        return h, (h if every else None)

    return jax.lax.scan(step, h0, (tokens.T, jnp.arange(tokens.shape[1])))


def _rnn_h0(spec: RNNSpec, params: Params, batch: int) -> Array:
    return jnp.broadcast_to(quantize(spec, params["h0"]), (batch, len(spec.hidden)))


def rnn_final_state(spec: RNNSpec, params: Params, tokens: Array, lengths: Array) -> Array:
    """``h_N`` of every word of a padded batch (``tokens[B, N]``, ``lengths[B]``):
    ``h_0 = q(h0)``, then :func:`rnn_cell` along time; positions at or past a word's
    length keep its state."""
    h, _ = _scan_states(lambda h, x: rnn_cell(spec, params, h, x),
                        _rnn_h0(spec, params, tokens.shape[0]), tokens, lengths, every=False)
    return h


def rnn_states(spec: RNNSpec, params: Params, tokens: Array, lengths: Array) -> Array:
    """All states ``h_0..h_N`` (``[B, N + 1, D]``) of the recurrence of
    :func:`rnn_final_state` (the same scan)."""
    h0 = _rnn_h0(spec, params, tokens.shape[0])
    _, hs = _scan_states(lambda h, x: rnn_cell(spec, params, h, x), h0, tokens, lengths,
                         every=True)
    return jnp.concatenate([h0[:, None], jnp.moveaxis(hs, 0, 1)], axis=1)


def rnn_readout(params: Params, h: Array) -> Array:
    """``⟨r, h⟩ + c`` (accepted iff > 0), of either RNN kind."""
    return h @ params["readout"] + params["readout_bias"]


# ====================================================================== second-order RNN cell
def second_order_cell(spec: SecondOrderSpec, params: Params, h: Array, x: Array) -> Array:
    """``h_t = φ(M[x_t] h_{t−1})`` for ``h[B, D]`` and symbol ids ``x[B]`` (``M[Σ, D, D]``);
    φ is the identity (``linear``) or the step ``[z > 0]`` in the dtype of ``z``."""
    z = namespace(params["M"], h, x).einsum("bij,bj->bi", params["M"][x], h)
    return (z > 0).astype(z.dtype) if spec.activation == "step" else z


def second_order_final_state(spec: SecondOrderSpec, params: Params, tokens: Array,
                             lengths: Array) -> Array:
    """``h_N`` of every word of a padded batch: ``h_0 = h0``, then
    :func:`second_order_cell` along time (the scan of :func:`rnn_final_state`)."""
    h0 = jnp.broadcast_to(params["h0"], (tokens.shape[0], len(spec.hidden)))
    h, _ = _scan_states(lambda h, x: second_order_cell(spec, params, h, x), h0, tokens,
                        lengths, every=False)
    return h
