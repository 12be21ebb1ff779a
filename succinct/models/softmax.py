"""A standard softmax-attention transformer with a BOS position (the target of
:func:`succinct.compiler.relax.relax`).

Shape glossary: ``B`` batch, ``T = N + 1`` positions (BOS at 0, the word at 1..N), ``R``
width of a layer's input, ``S`` of its output, ``Q`` score width, ``H`` hidden units.

Architecture (every weight is a plain array; no hard selection anywhere)::

    embedding   x_0 = e_bos (BOS),  x_m = E[:, w_m]  (m = 1..n)
    attention   q_n = W_q x_n + b_q,  k_m = W_k x_m + b_k
                ℓ(n, m) = β · (⟨q_n, k_m⟩ + σ · s · m) + M(n, m)
                M(n, m) = 0 if m = 0 (BOS) or (m ≤ n_word and mask(n, m)), else −∞;
                the BOS query (n = 0) sees BOS only
                w(n, ·) = softmax_m ℓ(n, m),   a_n = Σ_m w(n, m) x_m
                out_n = W_v x_n + W_a a_n + c
    FFN block   out = W_r x + W_2 ReLU(W_1 x + b_1) + b_2
    ReLU layer  max(0, x_r) on one coordinate (the others unchanged)
    readout     accept iff ⟨t, x⟩ > 0 at the last word position (or the first)

``mask`` ∈ {none, future: m < n, past: m > n} over word positions; ``σ = +1`` (the
position bias favours later positions) or ``−1`` (earlier ones), ``s`` the slope: an
ALiBi-style linear position bias. The last coordinate of every residual vector is
``is_bos``. Two evaluations of the one architecture:

* :func:`forward` (generic over numpy / jax.numpy; jitted by :meth:`SoftmaxTransformer.
  accepts_batch` in float32);
* :func:`numpy_forward`, written separately, word by word with explicit loops over
  positions, in float64 or float32: the second reader of the same weights in tests.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from succinct.models.specs import Mask
from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError, check_batch, encode

__all__ = ["SoftmaxAttention", "SoftmaxFFN", "SoftmaxReLU", "SoftmaxLayer",
           "SoftmaxTransformer", "forward", "numpy_forward", "SCORE_ELEMENTS"]

# Batches are evaluated in chunks whose score tensors [B, T, T] hold at most this many
# entries (128 MiB in float32).
SCORE_ELEMENTS = 1 << 25


@dataclass(frozen=True)
class SoftmaxAttention:
    """One softmax head: ``mask``, the bias direction ``sign`` (σ) and ``slope`` (s)."""

    mask: Mask
    sign: Literal[1, -1]
    slope: float
    name: str = ""

    kind = "attention"


@dataclass(frozen=True)
class SoftmaxFFN:
    """``out = W_r x + W_2 ReLU(W_1 x + b_1) + b_2``."""

    name: str = ""

    kind = "ffn"


@dataclass(frozen=True)
class SoftmaxReLU:
    """``max(0, x_r)`` on coordinate ``index``."""

    index: int
    name: str = ""

    kind = "relu"


SoftmaxLayer = SoftmaxAttention | SoftmaxFFN | SoftmaxReLU


def _softmax_rows(xp: Any, logits: Any, vis: Any) -> Any:
    """Softmax over the last axis of the visible entries (at least one per row)."""
    z = xp.where(vis, logits, -xp.inf)
    z = z - xp.max(z, axis=-1, keepdims=True)
    e = xp.where(vis, xp.exp(z), 0)
    return e / xp.sum(e, axis=-1, keepdims=True)


def _visible(xp: Any, mask: Mask, t: int, lengths: Any) -> Any:
    """``[B, T, T]``: query ``n`` sees key ``m`` (BOS always; BOS sees only itself)."""
    pos = xp.arange(t)
    n, m = pos[:, None], pos[None, :]
    if mask == "future":
        rel = m < n
    elif mask == "past":
        rel = m > n
    else:
        rel = xp.ones((t, t), bool)
    real = (m >= 1)[None] & (m[None] <= lengths[:, None, None])
    vis = (rel & (n >= 1))[None] & real
    return vis | (m == 0)[None]


def forward(layers: Sequence[SoftmaxLayer], params: dict[str, Any], beta: Any,
            tokens: Any, lengths: Any, accept_at: str) -> Any:
    """The readout score ``⟨t, x⟩`` of every word (accepted iff > 0), numpy or jax.

    ``tokens[B, N]`` (word positions 1..N), ``lengths[B]``; ``params`` are arrays of the
    evaluation dtype; ``beta`` a scalar of it.
    """
    xp = jnp if isinstance(tokens, jax.Array) else np
    emb = params["embed"]  # [R0, |Σ|], last row (is_bos) zero
    b = tokens.shape[0]
    bos = xp.zeros((b, 1, emb.shape[0]), emb.dtype)
    bos = bos + xp.asarray(np.eye(emb.shape[0], dtype=np.float64)[-1]).astype(emb.dtype)
    x = xp.concatenate([bos, xp.moveaxis(emb[:, tokens], 0, -1)], axis=1)  # [B, T, R0]
    t = x.shape[1]
    pos = xp.arange(t).astype(emb.dtype)
    for layer, p in zip(layers, params["layers"], strict=True):
        if isinstance(layer, SoftmaxAttention):
            q = x @ p["W_q"].T + p["b_q"]
            k = x @ p["W_k"].T + p["b_k"]
            score = xp.einsum("bnq,bmq->bnm", q, k) + (layer.sign * layer.slope) * pos
            w = _softmax_rows(xp, beta * score, _visible(xp, layer.mask, t, lengths))
            a = xp.einsum("bnm,bmr->bnr", w, x)
            x = x @ p["W_v"].T + a @ p["W_a"].T + p["c"]
        elif isinstance(layer, SoftmaxFFN):
            h = xp.maximum(x @ p["W_1"].T + p["b_1"], 0)
            x = x @ p["W_r"].T + h @ p["W_2"].T + p["b_2"]
        else:
            col = xp.arange(x.shape[-1]) == layer.index
            x = xp.where(col, xp.maximum(x, 0), x)
    at = xp.ones_like(lengths) if accept_at == "first" else lengths
    final = xp.take_along_axis(x, at[:, None, None], axis=1)[:, 0]
    return final @ params["readout"]


def numpy_forward(model: SoftmaxTransformer, word: Sequence[int],
                  dtype: Any = np.float64) -> float:
    """The readout score of one word (symbol ids), position by position, in ``dtype``.

    Written apart from :func:`forward` (loops instead of batched tensors, the mask as an
    explicit list of visible positions) so that tests compare two readings of the weights.
    """
    p = jax.tree_util.tree_map(lambda a: np.asarray(a, dtype), model.params)
    beta = dtype(model.beta)
    emb = p["embed"]
    width = emb.shape[0]
    xs = [np.zeros(width, dtype)]
    xs[0][width - 1] = 1
    xs += [emb[:, s].copy() for s in word]
    n_word = len(word)
    for layer, lp in zip(model.layers, p["layers"], strict=True):
        if isinstance(layer, SoftmaxAttention):
            new = []
            for n, xn in enumerate(xs):
                if n == 0:
                    seen = [0]
                elif layer.mask == "future":
                    seen = [0] + list(range(1, n))
                elif layer.mask == "past":
                    seen = [0] + list(range(n + 1, n_word + 1))
                else:
                    seen = [0] + list(range(1, n_word + 1))
                q = lp["W_q"] @ xn + lp["b_q"]
                logits = np.array([
                    beta * (q @ (lp["W_k"] @ xs[m] + lp["b_k"])
                            + dtype(layer.sign * layer.slope) * dtype(m))
                    for m in seen], dtype)
                e = np.exp(logits - logits.max())
                w = e / e.sum()
                a = sum((w[i] * xs[m] for i, m in enumerate(seen)), np.zeros(width, dtype))
                new.append(lp["W_v"] @ xn + lp["W_a"] @ a + lp["c"])
            xs = new
        elif isinstance(layer, SoftmaxFFN):
            xs = [lp["W_r"] @ xn + lp["W_2"] @ np.maximum(lp["W_1"] @ xn + lp["b_1"], 0)
                  + lp["b_2"] for xn in xs]
        else:
            for xn in xs:
                xn[layer.index] = max(xn[layer.index], 0)
        width = xs[0].shape[0]
    at = 1 if model.accept_at == "first" else n_word
    return float(xs[at] @ p["readout"])


@functools.partial(jax.jit, static_argnames=("layers", "accept_at"))
def _jitted(layers: tuple[SoftmaxLayer, ...], params: dict, beta: jax.Array,
            tokens: jax.Array, lengths: jax.Array, accept_at: str) -> jax.Array:
    return forward(layers, params, beta, tokens, lengths, accept_at)


@dataclass(frozen=True, eq=False)
class SoftmaxTransformer:
    """A softmax transformer over ``alphabet`` for words of length ≤ ``max_len`` (a
    recognizer). ``params``: ``{"embed", "layers": [...], "readout"}`` (module docstring
    names the arrays of each layer kind), float64 numpy; ``beta`` the score scale."""

    alphabet: Alphabet
    layers: tuple[SoftmaxLayer, ...]
    params: dict[str, Any]
    beta: float
    max_len: int
    accept_at: Literal["last", "first"] = "last"

    @functools.cached_property
    def _device_params(self) -> dict:
        return jax.tree_util.tree_map(lambda a: jnp.asarray(np.asarray(a, np.float32)),
                                      self.params)

    def scores_batch(self, tokens: np.ndarray, lengths: np.ndarray, *,
                     beta: float | None = None) -> np.ndarray:
        """Readout scores (float32, jitted). Words are padded to ``max_len`` and batches
        to a power of two, so one compile serves each batch size class. ``beta``
        overrides the model's scale (to show what a smaller one breaks)."""
        tokens = np.asarray(tokens, np.int32)
        lengths = np.asarray(lengths, np.int32)
        check_batch(tokens, lengths, len(self.alphabet))
        if tokens.shape[1] > self.max_len and int(lengths.max()) > self.max_len:
            raise SuccinctError(
                f"a word of length {int(lengths.max())} is longer than this softmax "
                f"model's certified max_len={self.max_len}; relax the UHAT again with a "
                "larger max_len")
        scale = jnp.float32(self.beta if beta is None else beta)
        # at most SCORE_ELEMENTS entries per score tensor [B, T, T]: chunks of a power of two
        chunk = 1 << max(0, (SCORE_ELEMENTS // (self.max_len + 1) ** 2).bit_length() - 1)
        outs = []
        for start in range(0, len(lengths), chunk):
            tk, ln = tokens[start:start + chunk], lengths[start:start + chunk]
            b = len(ln)
            padded_b = 1 << max(0, (b - 1).bit_length())
            tok = np.zeros((padded_b, self.max_len), np.int32)
            w = min(tk.shape[1], self.max_len)
            tok[:b, :w] = tk[:, :w]
            lens = np.ones(padded_b, np.int32)
            lens[:b] = ln
            out = _jitted(self.layers, self._device_params, scale, jnp.asarray(tok),
                          jnp.asarray(lens), self.accept_at)
            outs.append(np.asarray(out)[:b])
        return np.concatenate(outs) if outs else np.zeros(0, np.float32)

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Acceptance of a padded batch (float32, jitted; words ≤ ``max_len``)."""
        return self.scores_batch(tokens, lengths) > 0

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    @property
    def n_params(self) -> int:
        return int(sum(np.asarray(a).size for a in jax.tree_util.tree_leaves(self.params)))

    def size_report(self) -> SizeReport:
        """Parameter count, layers and widest vector (weights are reals: no bit count)."""
        leaves = jax.tree_util.tree_leaves(self.params)
        nonzero = int(sum(np.count_nonzero(np.asarray(a)) for a in leaves))
        widths = [np.asarray(a).shape[0] for a in leaves if np.asarray(a).ndim == 2]
        return SizeReport("softmax transformer",
                          measures={"params": "params", "nonzero": "nonzero",
                                    "layers": "layers", "width": "width"},
                          params=self.n_params, nonzero=nonzero, layers=len(self.layers),
                          width=max(widths, default=0),
                          notes={"beta": f"score scale β = {self.beta:.6g} (certified for "
                                         f"words of length ≤ {self.max_len})"})

    def __str__(self) -> str:
        kinds = [layer.kind for layer in self.layers]
        return (f"softmax transformer over {{{', '.join(self.alphabet)}}}: "
                f"{len(kinds)} layers ({kinds.count('attention')} attention, "
                f"{kinds.count('ffn')} FFN, {kinds.count('relu')} ReLU), "
                f"{self.n_params} parameters, β = {self.beta:.6g}, max_len = {self.max_len}")
