"""Unique-hard-attention transformers (UHATs), exactly as in the paper's §2.3.

Shape glossary: ``B`` batch, ``N`` padded word length, ``R`` residual width of a
layer's input, ``S`` of its output, ``Q`` width of the score space, ``H`` hidden
units of an FFN block, ``P`` number of key patterns of the fast path.

Model (Bergsträßer, Cotterell, Lin 2026, §2.3):

* embedding ``v_n = E[:, a_n]`` (one column per symbol; no positional encoding);
* **attention layer** with affine ``A, B`` (score space) and affine ``C``::

      score(n, m) = ⟨A v_n, B v_m⟩
      U_n = {m : mask(n, m)}   mask ∈ {none, future: m < n, past: m > n}
      a_n = v_{τ(argmax_{m ∈ U_n} score(n, m))}   τ = leftmost (min) or rightmost (max)
      a_n = 0                                     if U_n = ∅
      out_n = C_v v_n + C_a a_n + c

* **ReLU layer**: ``max(0, ·)`` on one designated coordinate (the paper's layer);
* **FFN block**: ``out = W_r v + W_2 ReLU(W_1 v + b_1) + b_2`` (the standard block the
  paper's remark allows; the compilers' cheap variant uses it);
* acceptance ``⟨t, v_N⟩ > 0`` at the last position (the first for strict-past-only
  models).

Exactness. Weights of exact models are integers. :func:`value_bounds` propagates
interval bounds through every layer (embedding, queries, keys, scores, attended
vectors, FFN hidden units). When every bound is at most 2²⁴ the forward pass runs in
float32, where every such integer and every intermediate sum is represented exactly
(and CPU/GPU matmul kernels are fast); otherwise it runs in int32, and a bound beyond
2³¹−1 raises :class:`ExactRangeError`. Either way no value is ever rounded, so a score
tie is always a true tie. Models with non-integer weights (e.g. after fine-tuning with
optax) are evaluated in float32 only when ``exact=False`` is asked for explicitly.

Evaluation. :func:`reference_forward` is the definition above in numpy (dense, int64,
no compilation): small batches use it, and the jitted paths are tested against it. The
jitted pass runs one compiled step per layer (shared by all models with the same padded
shapes), or one fused compile for a model that is called repeatedly.

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

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from succinct.coords import Matrix, Space
from succinct.sizes import SizeReport, uhat_report
from succinct.words import Alphabet, SuccinctError, check_batch, encode

__all__ = [
    "Attention",
    "ReLU",
    "FFN",
    "UHAT",
    "UHATBuilder",
    "ExactRangeError",
    "value_bounds",
    "MAX_PATTERN_BITS",
    "INT32_MAX",
]

Mask = Literal["none", "future", "past"]
Tie = Literal["left", "right"]
INT32_MAX = 2**31 - 1
FLOAT32_EXACT = 2**24
MAX_PATTERN_BITS = 8
# Dense attention materialises B·N·N scores; refuse beyond this many bytes.
DENSE_MEMORY_LIMIT = 4 * 2**30


class ExactRangeError(SuccinctError):
    """A model whose integer values could leave the exact (int32) range."""


@dataclass(frozen=True)
class Attention:
    """Static description of a unique-hard-attention layer.

    ``query`` labels the coordinates of the score space; ``query_reads`` and
    ``key_reads`` are the source coordinates that ``A`` and ``B`` read (inferred from
    the weights); ``boolean`` are source coordinates known to hold 0/1.
    """

    source: Space
    target: Space
    query: Space
    mask: Mask
    tie: Tie
    name: str = ""
    query_reads: tuple[str, ...] = ()
    key_reads: tuple[str, ...] = ()
    uses_attended: bool = True
    boolean: frozenset[str] = frozenset()

    kind = "attention"

    @property
    def path(self) -> str:
        return "attn"

    def fast_path(self) -> str:
        """Which evaluation the layer gets: ``skip``, ``scan``, ``pattern`` or ``dense``."""
        if not self.uses_attended:
            return "skip"
        if not self.query_reads:
            return "scan"
        if set(self.key_reads) <= self.boolean and len(self.key_reads) <= MAX_PATTERN_BITS:
            return "pattern"
        return "dense"


@dataclass(frozen=True)
class ReLU:
    """The paper's ReLU layer: ``max(0, v_r)`` on the one coordinate ``coord``."""

    source: Space
    coord: str
    name: str = ""

    kind = "relu"

    @property
    def target(self) -> Space:
        return self.source

    @property
    def path(self) -> str:
        return "relu"


@dataclass(frozen=True)
class FFN:
    """A feed-forward block ``out = W_r v + W_2 ReLU(W_1 v + b_1) + b_2``."""

    source: Space
    hidden: Space
    target: Space
    name: str = ""

    kind = "ffn"

    @property
    def path(self) -> str:
        return "ffn"


Layer = Attention | ReLU | FFN


@dataclass(frozen=True)
class UHATSpec:
    """Everything static about a UHAT: alphabet, layer structure, labels, acceptance."""

    alphabet: Alphabet
    embed: Space
    layers: tuple[Layer, ...]
    accept_at: Literal["last", "first"]
    readout_name: str = "accept"
    # Exactness was certified with every declared-Boolean coordinate bounded by 1
    # (value_bounds(boolean_one=True)); every evaluation then checks those coordinates.
    boolean_guard: bool = False

    @property
    def output(self) -> Space:
        return self.layers[-1].target if self.layers else self.embed


def _as_int_array(x: np.ndarray) -> np.ndarray:
    return np.asarray(x).astype(np.int64)


def value_bounds(spec: UHATSpec, params: dict[str, Any], *,
                 boolean_one: bool = False) -> list[tuple[str, int]]:
    """Interval bounds on every intermediate integer, layer by layer.

    Returns ``(component, bound)`` pairs: the largest absolute value any coordinate,
    query, key, score or hidden unit can take, for any input word. Propagation uses
    ``|W v + b| ≤ |W| |v| + |b|`` coordinate-wise and ``|⟨q, k⟩| ≤ Σ |q_i||k_i|``; the
    attended vector is bounded by the layer input, and the zero vector by 0.
    Python integers, so the bounds themselves cannot overflow.

    Intervals forget that a compiled gate such as ``ReLU(x + y − 1)`` stays in {0, 1},
    so over many layers the bounds grow geometrically although every value is 0/1. With
    ``boolean_one`` the coordinates an attention layer declares Boolean
    (``Attention.boolean``) are bounded by 1 at its input. That bound holds only while
    those coordinates really are 0/1, so a model certified this way
    (``UHATSpec.boolean_guard``) checks them on every evaluation: if all checks pass,
    every value up to the last check lay within these bounds (induction over the
    layers), so the evaluation was exact; if one fails, the answer is refused.
    """
    out: list[tuple[str, int]] = []
    emb = _as_int_array(params["embed"])
    bound = [int(x) for x in np.abs(emb).max(axis=1)] if emb.size else []
    out.append(("embed", max(bound, default=0)))

    def affine(w: np.ndarray, b: np.ndarray, vb: list[int]) -> list[int]:
        w = np.abs(_as_int_array(w))
        b = np.abs(_as_int_array(b))
        approx = w.astype(np.float64) @ np.asarray(vb, np.float64) + b
        if approx.size == 0 or approx.max() < 2.0**52:  # float64 is exact here
            return [int(x) for x in np.rint(approx)]
        return [  # huge values: exact Python integers
            int(sum(int(w[r, c]) * vb[c] for c in np.nonzero(w[r])[0])) + int(b[r])
            for r in range(w.shape[0])
        ]

    for i, (layer, p) in enumerate(zip(spec.layers, params["layers"], strict=True)):
        if isinstance(layer, Attention) and boolean_one:
            for c in layer.boolean:
                r = layer.source.index(c)
                bound[r] = min(bound[r], 1)
        if isinstance(layer, Attention):
            q = affine(p["A_w"], p["A_b"], bound)
            k = affine(p["B_w"], p["B_b"], bound)
            score = sum(a * b for a, b in zip(q, k, strict=True))
            vb = affine(p["C_v"], p["C_b"], bound)
            ab = affine(p["C_a"], np.zeros(len(layer.target), np.int64), bound)
            bound = [x + y for x, y in zip(vb, ab, strict=True)]
            out.append((f"layers/{i}/attn/score", score))
            out.append((f"layers/{i}/attn/query", max(q + k, default=0)))
        elif isinstance(layer, FFN):
            h = affine(p["W_1"], p["b_1"], bound)
            skip = affine(p["W_r"], p["b_2"], bound)
            hid = affine(p["W_2"], np.zeros(len(layer.target), np.int64), h)
            bound = [x + y for x, y in zip(skip, hid, strict=True)]
            out.append((f"layers/{i}/ffn/hidden", max(h, default=0)))
        out.append((f"layers/{i}/out", max(bound, default=0)))
    t = np.abs(_as_int_array(params["readout"]))
    out.append(("readout", int(sum(int(t[c]) * bound[c] for c in range(len(bound))))))
    return out


def _infer_reads(source: Space, w: np.ndarray) -> tuple[str, ...]:
    cols = np.nonzero(np.any(np.asarray(w) != 0, axis=0))[0]
    return tuple(source.labels[c] for c in cols)


class UHAT(struct.PyTreeNode):
    """A UHAT: a static :class:`UHATSpec` plus a pytree of weight arrays.

    ``params`` is ``{"embed": E[R0, |Σ|], "layers": [...], "readout": t[S]}`` where an
    attention layer holds ``A_w, A_b, B_w, B_b, C_v, C_a, C_b``, an FFN block
    ``W_1, b_1, W_2, W_r, b_2`` and a ReLU layer nothing. Being a flax pytree, a model
    can be passed through ``jax.grad`` / optax directly (see :meth:`with_params`).
    """

    spec: UHATSpec = struct.field(pytree_node=False)
    params: dict[str, Any]
    exact: bool = struct.field(pytree_node=False, default=True)

    @classmethod
    def create(cls, spec: UHATSpec, params: dict[str, Any]) -> UHAT:
        """Validates shapes, infers read sets, checks the exact range, returns the model."""
        params = jax.tree_util.tree_map(np.asarray, params)
        exact = all(
            np.all(np.asarray(x) == np.round(np.asarray(x)))
            for x in jax.tree_util.tree_leaves(params)
        )
        _check_shapes(spec, params)
        spec = _replace(spec, boolean_guard=False)  # decided below, from these weights
        layers = []
        for layer, p in zip(spec.layers, params["layers"], strict=True):
            if isinstance(layer, Attention):
                layer = _replace(
                    layer,
                    query_reads=_infer_reads(layer.source, p["A_w"]),
                    key_reads=_infer_reads(layer.source, p["B_w"]),
                    uses_attended=bool(np.any(p["C_a"] != 0)),
                )
            layers.append(layer)
        spec = _replace(spec, layers=tuple(layers))
        dtype = np.float32
        if exact:
            bounds = value_bounds(spec, params)
            if max(b for _, b in bounds) > INT32_MAX:
                guarded = value_bounds(spec, params, boolean_one=True)
                for component, bound in guarded:
                    if bound > INT32_MAX:
                        raise ExactRangeError(
                            f"{component}: values can reach {bound} > 2^31-1 even with the "
                            "declared-Boolean coordinates bounded by 1; the model cannot be "
                            "evaluated exactly in int32"
                        )
                bounds = guarded
                spec = _replace(spec, boolean_guard=True)
            # Every integer of magnitude ≤ 2^24 is a float32, and so are all sums and
            # products the forward pass forms (each bounded above): float32 is exact
            # and uses the fast matmul kernels. Beyond 2^24 the pass runs in int32.
            if max(b for _, b in bounds) > FLOAT32_EXACT:
                dtype = np.int32
        # Convert on the host: a jnp dtype conversion would compile once per shape.
        params = jax.tree_util.tree_map(lambda x: jax.device_put(np.asarray(x, dtype)), params)
        return cls(spec=spec, params=params, exact=exact)

    def with_params(self, params: dict[str, Any]) -> UHAT:
        """The same structure with new weights (e.g. perturbed or trained)."""
        return UHAT.create(self.spec, jax.tree_util.tree_map(np.asarray, params))

    @property
    def alphabet(self) -> Alphabet:
        return self.spec.alphabet

    # ---------------------------------------------------------------- evaluation
    def accepts_batch(
        self,
        tokens: np.ndarray,
        lengths: np.ndarray,
        *,
        fast: bool | None = None,
        exact: bool = True,
    ) -> np.ndarray:
        """Acceptance of a padded batch ``tokens[B, N]`` with ``lengths[B]`` (all ≥ 1).

        ``fast=True`` runs the jitted pass with the fast hard-attention path for every
        layer that qualifies; ``fast=False`` the jitted dense O(N²) path (which refuses
        inputs whose score tensor would not fit in memory). ``fast=None`` (default)
        evaluates small batches (B·N² ≤ 2^18) with :func:`reference_forward`, the
        definition in numpy (no compile), and larger ones with the fast jitted path.
        """
        tokens = np.asarray(tokens, dtype=np.int32)
        lengths = np.asarray(lengths, dtype=np.int32)
        check_batch(tokens, lengths, len(self.alphabet))
        if not self.exact and exact:
            raise ExactRangeError(
                "this model has non-integer weights, so it cannot be evaluated exactly; "
                "pass exact=False to evaluate it in float32"
            )
        b, n = tokens.shape
        if fast is None and b * n * n <= 1 << 18:
            return reference_forward(self, tokens, lengths)
        use_fast = fast is None or fast
        if not use_fast:
            need = 4 * b * n * n * 3
            if need > DENSE_MEMORY_LIMIT:
                raise SuccinctError(
                    f"dense attention on a batch of {b} x {n} needs about "
                    f"{need / 2**30:.1f} GiB for its score tensors (limit "
                    f"{DENSE_MEMORY_LIMIT / 2**30:.0f} GiB); use the fast path"
                )
        tokens, lengths, real = _pad_batch(tokens, lengths)
        # First calls of a model run layer by layer (each layer's step is compiled once
        # per padded shape and shared by all models); a model used repeatedly gets one
        # fused compile of its whole forward pass, which runs faster.
        forward = _forward_fused if _seen_often(self.spec) else _forward
        acc, ok = forward(self.spec, use_fast, self.padded, jnp.asarray(tokens),
                          jnp.asarray(lengths))
        if not bool(ok):
            raise SuccinctError(guard_message(self.spec))
        return np.asarray(acc)[:real]

    def forward(self, tokens: jax.Array, lengths: jax.Array, *, fast: bool = True):
        """Traceable forward pass: ``(accepted[B], ok)`` as jax arrays.

        For use inside ``jax.jit``/``shard_map`` (the verification engine does). ``ok``
        is false when a coordinate declared Boolean left {0, 1}, in which case the fast
        path's answer must be discarded. Inputs are not validated here.
        """
        return _forward(self.spec, fast, self.padded, tokens, lengths)

    @functools.cached_property
    def padded(self) -> dict:
        """The weights zero-padded for evaluation (computed once per model object)."""
        return _padded_params(self.spec, self.params)

    def accepts(self, words: Iterable[str | Sequence[str]], **kw: Any) -> np.ndarray:
        """Acceptance of each word (strings or symbol sequences)."""
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths, **kw)

    def residuals(self, word: str | Sequence[str], *, fast: bool = False) -> list[np.ndarray]:
        """The residual stream after the embedding and after every layer, for one word."""
        tokens, lengths = encode([word], self.alphabet)
        steps = list(_layers(self.spec, fast, self.padded, jnp.asarray(tokens),
                             jnp.asarray(lengths)))
        if not all(bool(ok) for _, ok in steps):
            raise SuccinctError(guard_message(self.spec))
        outs = [v for v, _ in steps]
        n = int(lengths[0])
        widths = [len(self.spec.embed)] + [len(layer.target) for layer in self.spec.layers]
        return [np.asarray(x)[0, :n, :w] for x, w in zip(outs, widths, strict=True)]

    def predicate(self, word: str | Sequence[str], label: str) -> np.ndarray:
        """The values of the coordinate ``label`` of the final residual at each position."""
        res = self.residuals(word)[-1]
        return res[:, self.spec.output.index(label)]

    # ---------------------------------------------------------------- inspection
    @property
    def n_layers(self) -> int:
        return len(self.spec.layers)

    @property
    def width(self) -> int:
        spaces = [self.spec.embed] + [layer.target for layer in self.spec.layers]
        widths = [len(s) for s in spaces]
        widths += [len(layer.query) for layer in self.spec.layers if isinstance(layer, Attention)]
        widths += [len(layer.hidden) for layer in self.spec.layers if isinstance(layer, FFN)]
        return max(widths)

    def components(self) -> dict[str, np.ndarray]:
        """Every weight array, keyed by its pytree path (``layers/3/attn/C_v``)."""
        out = {"embed": np.asarray(self.params["embed"])}
        for i, (layer, p) in enumerate(zip(self.spec.layers, self.params["layers"], strict=True)):
            for k, v in p.items():
                out[f"layers/{i}/{layer.path}/{k}"] = np.asarray(v)
        out["readout"] = np.asarray(self.params["readout"])
        return out

    def __str__(self) -> str:
        from succinct.models.render import describe_uhat

        return describe_uhat(self)

    def size_report(self) -> SizeReport:
        """Counted sizes (:func:`succinct.sizes.uhat_report`)."""
        return uhat_report(self)


def _replace(obj: Any, **changes: Any) -> Any:
    return dataclasses.replace(obj, **changes)


def guard_message(spec: UHATSpec) -> str:
    """Why an evaluation whose declared-Boolean check failed is refused."""
    if spec.boolean_guard:
        return ("a coordinate declared Boolean took a value other than 0/1; this model's "
                "exactness certificate bounds those coordinates by 1 (value_bounds with "
                "boolean_one), so the answer is refused")
    return ("a coordinate declared Boolean took a value other than 0/1, so the fast "
            "attention path does not apply to this model; evaluate with fast=False")


def guard_columns(spec: UHATSpec, layer: Attention) -> list[int]:
    """Source columns an evaluation must check (declared Boolean, guarded models only)."""
    if not spec.boolean_guard:
        return []
    return sorted(layer.source.index(c) for c in layer.boolean)


def reference_forward(model: UHAT, tokens: np.ndarray, lengths: np.ndarray,
                      trace: bool = False):
    """The paper's definition (§2.3), evaluated densely in numpy.

    No compilation, so it is the fastest choice for small batches, and it is the
    oracle the jitted paths are tested against. Exact models run in int64 (scores are
    bounded by 2^31 when the model is built, so no product or sum can overflow);
    others in float64. With ``trace`` it returns every residual stream instead.
    """
    dtype = np.int64 if model.exact else np.float64
    params = jax.tree_util.tree_map(lambda x: np.asarray(x).astype(dtype), model.params)
    bsz, n = tokens.shape
    v = np.moveaxis(params["embed"][:, tokens], 0, -1)  # [B, N, R0]
    pos = np.arange(n)
    in_word = pos[None, None, :] < lengths[:, None, None]  # [B, 1, N]
    outs = [v]
    for layer, p in zip(model.spec.layers, params["layers"], strict=True):
        if isinstance(layer, Attention) and (cols := guard_columns(model.spec, layer)):
            bits = v[:, :, cols][np.broadcast_to(in_word[:, 0, :], (bsz, n))]
            if not np.isin(bits, (0, 1)).all():
                raise SuccinctError(guard_message(model.spec))
        if isinstance(layer, Attention):
            q = v @ p["A_w"].T + p["A_b"]  # [B, N, Q]
            k = v @ p["B_w"].T + p["B_b"]
            score = np.einsum("bnq,bmq->bnm", q, k)  # [B, N, N]
            if layer.mask == "future":
                visible = (pos[:, None] > pos[None, :])[None] & in_word
            elif layer.mask == "past":
                visible = (pos[:, None] < pos[None, :])[None] & in_word
            else:
                visible = np.broadcast_to(in_word, (bsz, n, n))
            masked = np.where(visible, score, np.iinfo(np.int64).min if model.exact
                              else -np.inf)
            is_best = visible & (score == masked.max(axis=-1, keepdims=True))
            if layer.tie == "left":
                idx = is_best.argmax(axis=-1)
            else:
                idx = n - 1 - is_best[..., ::-1].argmax(axis=-1)
            attended = np.take_along_axis(v, idx[:, :, None], axis=1)
            attended = np.where(visible.any(-1)[:, :, None], attended, 0)  # zero vector
            v = v @ p["C_v"].T + attended @ p["C_a"].T + p["C_b"]
        elif isinstance(layer, ReLU):
            v = v.copy()
            r = layer.source.index(layer.coord)
            v[:, :, r] = np.maximum(v[:, :, r], 0)
        else:
            hidden = np.maximum(v @ p["W_1"].T + p["b_1"], 0)
            v = v @ p["W_r"].T + hidden @ p["W_2"].T + p["b_2"]
        outs.append(v)
    if trace:
        return outs
    at = np.zeros_like(lengths) if model.spec.accept_at == "first" else lengths - 1
    final = v[np.arange(bsz), at]
    return final @ params["readout"] > 0


def _check_shapes(spec: UHATSpec, params: dict[str, Any]) -> None:
    def want(name: str, x: np.ndarray, shape: tuple[int, ...]) -> None:
        if tuple(x.shape) != shape:
            raise SuccinctError(f"{name} has shape {tuple(x.shape)}, expected {shape}")

    want("embed", params["embed"], (len(spec.embed), len(spec.alphabet)))
    if len(params["layers"]) != len(spec.layers):
        raise SuccinctError("params and spec disagree on the number of layers")
    prev = spec.embed
    for i, (layer, p) in enumerate(zip(spec.layers, params["layers"], strict=True)):
        if layer.source != prev:
            raise SuccinctError(f"layer {i} reads a space different from its predecessor's output")
        r, s = len(layer.source), len(layer.target)
        if isinstance(layer, Attention):
            q = len(layer.query)
            for k, shp in {"A_w": (q, r), "A_b": (q,), "B_w": (q, r), "B_b": (q,),
                           "C_v": (s, r), "C_a": (s, r), "C_b": (s,)}.items():
                want(f"layers/{i}/attn/{k}", p[k], shp)
        elif isinstance(layer, FFN):
            h = len(layer.hidden)
            for k, shp in {"W_1": (h, r), "b_1": (h,), "W_2": (s, h), "W_r": (s, r),
                           "b_2": (s,)}.items():
                want(f"layers/{i}/ffn/{k}", p[k], shp)
        elif layer.coord not in layer.source:
            raise SuccinctError(f"ReLU layer {i} acts on unknown coordinate {layer.coord!r}")
        prev = layer.target
    want("readout", params["readout"], (len(prev),))


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


# ====================================================================== builder
@dataclass
class UHATBuilder:
    """Builds a UHAT layer by layer from rules over labels.

    Example::

        b = UHATBuilder(Alphabet.of("ab"))              # embedding: one-hot Q_a, Q_b
        attn = b.attention(mask="future", tie="right", query=["s"])
        attn.B["s", "Q_a"] = 1; attn.A.set_bias("s", 1)  # score(n, m) = Q_a(m)
        attn.C_a["prev_a", "Q_a"] = 1                   # copy Q_a of the attended position
        ... ; model = b.build(readout={"prev_a": 1})
    """

    alphabet: Alphabet
    embed_labels: Sequence[str] | None = None
    accept_at: Literal["last", "first"] = "last"
    boolean: set[str] = field(default_factory=set)
    _layers: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        labels = self.embed_labels or [f"Q_{a}" for a in self.alphabet]
        self.space = Space.of(labels)
        self.embed = Matrix(self.space, Space.of(self.alphabet.symbols))
        if self.embed_labels is None:
            for a in self.alphabet:
                self.embed[(f"Q_{a}", a)] = 1
            self.boolean |= set(self.space.labels)

    def attention(
        self,
        *,
        mask: Mask,
        tie: Tie,
        query: Sequence[str],
        keep: bool | Sequence[str] = True,
        new: Sequence[str] = (),
        name: str = "",
        boolean: Iterable[str] = (),
    ) -> _AttentionRules:
        """Appends an attention layer; returns its rule tables ``A, B, C_v, C_a``.

        ``keep=True`` copies every current coordinate through ``C_v`` (a residual
        connection); a list keeps only those; ``new`` labels appended coordinates.
        """
        if mask not in ("none", "future", "past") or tie not in ("left", "right"):
            raise SuccinctError(f"bad mask/tie {mask!r}/{tie!r}")
        src = self.space
        kept = list(src.labels) if keep is True else list(keep or [])
        tgt = Space.of(kept + list(new))
        qs = Space.of(query)
        rules = _AttentionRules(Matrix(qs, src), Matrix(qs, src), Matrix(tgt, src),
                                Matrix(tgt, src))
        rules.C_v.copy_identity(kept)
        spec = Attention(src, tgt, qs, mask, tie, name=name)
        self._layers.append((spec, rules, set(boolean)))
        self.space = tgt
        return rules

    def relu(self, coord: str, name: str = "", boolean: bool = False) -> None:
        """Appends the paper's ReLU layer on one coordinate (declared 0/1 after it if
        ``boolean``)."""
        self._layers.append((ReLU(self.space, coord, name=name), None,
                             {coord} if boolean else set()))

    def ffn(
        self,
        *,
        hidden: Sequence[str],
        keep: bool | Sequence[str] = True,
        new: Sequence[str] = (),
        name: str = "",
        boolean: Iterable[str] = (),
    ) -> _FFNRules:
        """Appends an FFN block; returns its rule tables ``W_1, W_2, W_r``."""
        src = self.space
        kept = list(src.labels) if keep is True else list(keep or [])
        tgt = Space.of(kept + list(new))
        hs = Space.of(hidden)
        rules = _FFNRules(Matrix(hs, src), Matrix(tgt, hs), Matrix(tgt, src))
        rules.W_r.copy_identity(kept)
        self._layers.append((FFN(src, hs, tgt, name=name), rules, set(boolean)))
        self.space = tgt
        return rules

    def build(self, readout: dict[str, int]) -> UHAT:
        """Lowers every rule table to arrays and returns the validated model."""
        layers: list[Layer] = []
        params: list[dict[str, np.ndarray]] = []
        booleans = set(self.boolean) & set(self.embed.target.labels)
        for spec, rules, new_bool in self._layers:
            if isinstance(spec, Attention):
                spec = _replace(spec, boolean=frozenset(booleans & set(spec.source.labels)))
                a_w, a_b = rules.A.lower()
                b_w, b_b = rules.B.lower()
                cv, cb = rules.C_v.lower()
                ca, _ = rules.C_a.lower()
                params.append({"A_w": a_w, "A_b": a_b, "B_w": b_w, "B_b": b_b,
                               "C_v": cv, "C_a": ca, "C_b": cb})
                booleans = _carry_boolean(booleans, rules.C_v, new_bool, spec.target)
            elif isinstance(spec, FFN):
                w1, b1 = rules.W_1.lower()
                w2, _ = rules.W_2.lower()
                wr, b2 = rules.W_r.lower()
                params.append({"W_1": w1, "b_1": b1, "W_2": w2, "W_r": wr, "b_2": b2})
                booleans = _carry_boolean(booleans, rules.W_r, new_bool, spec.target)
            else:
                params.append({})
                booleans = booleans | new_bool
            layers.append(spec)
        out_space = layers[-1].target if layers else self.space
        t = np.zeros(len(out_space), np.int64)
        for label, value in readout.items():
            t[out_space.index(label)] = value
        emb, _ = self.embed.lower()
        spec = UHATSpec(self.alphabet, self.embed.target, tuple(layers), self.accept_at)
        return UHAT.create(spec, {"embed": emb, "layers": params, "readout": t})


def _carry_boolean(booleans: set[str], skip: Matrix, new: set[str], target: Space) -> set[str]:
    # A coordinate stays Boolean when it is copied unchanged (weight 1, no bias, no other
    # input); coordinates the rule author declares Boolean are added.
    out = set()
    for label in target.labels:
        reads = [(s, w) for (t, s), w in skip.entries.items() if t == label and w != 0]
        if reads == [(label, 1)] and label in booleans and not skip.bias.get(label):
            out.add(label)
    return out | (new & set(target.labels))


@dataclass
class _AttentionRules:
    A: Matrix
    B: Matrix
    C_v: Matrix
    C_a: Matrix


@dataclass
class _FFNRules:
    W_1: Matrix
    W_2: Matrix
    W_r: Matrix
