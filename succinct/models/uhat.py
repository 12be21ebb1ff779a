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

Evaluation. Each layer's arithmetic is defined once, in :mod:`succinct.models.layers`.
Three evaluators use it (the ``evaluator`` argument of :meth:`UHAT.accepts_batch`):

* ``"reference"``: :func:`reference_forward`, the dense definition in numpy (int64, no
  compilation); the oracle the jitted paths are tested against;
* ``"dense"``: the jitted O(N²) definition (:mod:`succinct.models.kernels`);
* ``"fast"``: the column plan (a layer computes only the coordinates it changes, from
  the columns they read) with the fast hard-attention selections, bit-identical to the
  dense path (:mod:`succinct.models.kernels`).

``"auto"`` (the default) takes ``"reference"`` for small batches and ``"fast"`` otherwise.
:meth:`UHAT.forward` is the traceable pass (for ``jax.jit``, ``shard_map`` and the
verifier).
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from succinct.coords import Matrix, Space
from succinct.models import kernels, layers
from succinct.models.render import describe_uhat
from succinct.models.specs import (
    FFN,
    Attention,
    Layer,
    Mask,
    ReLU,
    Tie,
    UHATSpec,
    guard_columns,
    guard_message,
)
from succinct.sizes import SizeReport, uhat_report
from succinct.words import Alphabet, SuccinctError, check_batch, encode

__all__ = [
    "UHAT",
    "UHATBuilder",
    "ExactRangeError",
    "value_bounds",
    "reference_forward",
    "Evaluator",
    "INT32_MAX",
]

# How a batch is evaluated (UHAT.accepts_batch): "auto" picks one of the other three.
Evaluator = Literal["auto", "reference", "dense", "fast"]
# The evaluators that compute every residual stream (UHAT.residuals).
Stepwise = Literal["reference", "dense", "fast"]
# "auto" evaluates batches with B·N² at most this with the numpy reference (no compile).
AUTO_REFERENCE_LIMIT = 1 << 18
# Dense batches of at least this many tokens (B·N) compile the whole model at once.
WHOLE_MODEL_TOKENS = 1 << 18

INT32_MAX = 2**31 - 1
FLOAT32_EXACT = 2**24
# Dense attention materialises B·N·N scores; refuse beyond this many bytes.
DENSE_MEMORY_LIMIT = 4 * 2**30


class ExactRangeError(SuccinctError):
    """A model whose integer values could leave the exact (int32) range."""


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
    # The column plan of the fast evaluator (kernels.plan): which coordinates each layer
    # copies, computes and reads, from the non-zero pattern of these weights.
    plan: kernels.Plan | None = struct.field(pytree_node=False, default=None)

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
        plan = kernels.plan(spec, params)
        params = jax.tree_util.tree_map(lambda x: jax.device_put(np.asarray(x, dtype)), params)
        return cls(spec=spec, params=params, exact=exact, plan=plan)

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
        evaluator: Evaluator = "auto",
        exact: bool = True,
    ) -> np.ndarray:
        """Acceptance of a padded batch ``tokens[B, N]`` with ``lengths[B]`` (all ≥ 1).

        ``evaluator`` (module docstring) says how:

        * ``"reference"``: :func:`reference_forward`, numpy, no compilation;
        * ``"dense"``: the jitted O(N²) definition (refuses batches whose score tensors
          would not fit in memory, ``DENSE_MEMORY_LIMIT``);
        * ``"fast"``: the jitted column plan (only the coordinates a layer changes, on
          the columns they read) with the fast hard-attention selections;
        * ``"auto"``: ``"reference"`` when ``B·N² ≤ 2^18`` (``AUTO_REFERENCE_LIMIT``:
          compiling would cost more than it saves), else ``"fast"``.

        The fast evaluator runs one compiled step per layer, shared by all layers and
        models with the same small shapes (:mod:`succinct.models.kernels`), so a new model
        compiles little, at every batch size (compiled whole, XLA fuses chains of small
        layers into large fusions that recompute shared columns: about twice slower on
        CPU). The dense evaluator does the same below ``2^18`` tokens; a larger batch
        (``B·N ≥ WHOLE_MODEL_TOKENS``) runs its whole model as one compiled computation
        (``kernels.forward_whole``, cached per model structure and shape), several times
        faster once compiled (``benchmarks/uhat_throughput.py``). Both compute the same
        values.
        ``exact=False`` is needed for a model with non-integer weights (float32).
        """
        _check_evaluator(evaluator, Evaluator, "accepts")
        tokens = np.asarray(tokens, dtype=np.int32)
        lengths = np.asarray(lengths, dtype=np.int32)
        check_batch(tokens, lengths, len(self.alphabet))
        if not self.exact and exact:
            raise ExactRangeError(
                "this model has non-integer weights, so it cannot be evaluated exactly; "
                "pass exact=False to evaluate it in float32"
            )
        b, n = tokens.shape
        if evaluator == "auto":
            evaluator = "reference" if b * n * n <= AUTO_REFERENCE_LIMIT else "fast"
        if evaluator == "reference":
            return reference_forward(self, tokens, lengths)
        if evaluator == "dense":
            need = 4 * b * n * n * 3
            if need > DENSE_MEMORY_LIMIT:
                raise SuccinctError(
                    f"dense attention on a batch of {b} x {n} needs about "
                    f"{need / 2**30:.1f} GiB for its score tensors (limit "
                    f"{DENSE_MEMORY_LIMIT / 2**30:.0f} GiB); use the fast path"
                )
        tokens, lengths, real = kernels.pad_batch(tokens, lengths)
        whole = evaluator == "dense" and b * n >= WHOLE_MODEL_TOKENS
        run = kernels.forward_whole if whole else kernels.forward
        weights = self.padded if evaluator == "dense" else self.columns
        acc, ok = run(self.plan, evaluator, weights, jnp.asarray(tokens), jnp.asarray(lengths))
        if not bool(ok):
            raise SuccinctError(guard_message(self.spec))
        return np.asarray(acc)[:real]

    def forward(self, tokens: jax.Array, lengths: jax.Array, *,
                evaluator: kernels.Compiled = "fast",
                params: dict | None = None) -> tuple[jax.Array, jax.Array]:
        """Traceable forward pass: ``(accepted[B], ok)`` as jax arrays.

        The model is a pytree, so ``jax.jit(lambda m, t, n: m.forward(t, n))`` compiles
        its whole pass. Called eagerly, the fast evaluator runs one compiled step per layer
        on whatever device (and sharding) the arrays have, which on CPU is about twice as
        fast as the whole pass compiled at once (XLA fuses the chains of small layers and
        recomputes shared columns in each fusion), so the verifier calls it so. ``evaluator`` is
        ``"fast"`` or ``"dense"`` (module docstring). ``ok`` is false when a coordinate
        declared Boolean left {0, 1}: the fast path's answer must then be discarded (the
        dense one too, for a model certified with ``boolean_guard``). The inputs are not
        validated here (the evaluator name is). ``params`` are the weights to run: the
        model's own by default, or :attr:`padded` (zero-padded to power-of-two widths: the
        same values; for the dense evaluator XLA compiles the whole pass about twice as
        fast, so the verifier passes them there). The fast evaluator restricts them to its
        column plan (:func:`succinct.models.kernels.column_weights`), which is the plan of
        the model's own weights: other weights must have their non-zero pattern.
        """
        _check_evaluator(evaluator, kernels.Compiled, "forward")
        if evaluator == "dense":
            weights = self.params if params is None else params
        elif params is None and not kernels.traced(self.params):
            weights = self.columns  # called eagerly: the cached restricted weights
        else:
            weights = kernels.column_weights(self.plan, self.params if params is None
                                             else params)
        return kernels.forward(self.plan, evaluator, weights, tokens, lengths)

    @functools.cached_property
    def padded(self) -> dict:
        """The weights zero-padded for the dense evaluator's shared per-layer steps
        (computed once per model object)."""
        return kernels.padded_params(self.spec, self.params)

    @functools.cached_property
    def columns(self) -> dict:
        """The weights of the fast evaluator's column plan (computed once per model
        object)."""
        return kernels.column_weights(self.plan, self.params)

    def accepts(self, words: Iterable[str | Sequence[str]], *, evaluator: Evaluator = "auto",
                exact: bool = True) -> np.ndarray:
        """Acceptance of each word (strings or symbol sequences); see :meth:`accepts_batch`."""
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths, evaluator=evaluator, exact=exact)

    def residuals(self, word: str | Sequence[str], *, evaluator: Stepwise = "dense"
                  ) -> list[np.ndarray]:
        """The residual stream after the embedding and after every layer, for one word."""
        _check_evaluator(evaluator, Stepwise, "residuals")
        tokens, lengths = encode([word], self.alphabet)
        if evaluator == "reference":
            outs = reference_forward(self, tokens, lengths, trace=True)
        else:
            if evaluator == "dense":
                plan, weights = self.plan, self.padded
            else:  # every coordinate, not only those the acceptance depends on
                plan = kernels.plan(self.spec, self.params, everything=True)
                weights = kernels.column_weights(plan, self.params)
            steps = list(kernels.layer_outputs(plan, evaluator, weights,
                                               jnp.asarray(tokens), jnp.asarray(lengths)))
            if not all(bool(ok) for _, ok in steps):
                raise SuccinctError(guard_message(self.spec))
            outs = [v for v, _ in steps]
        n = int(lengths[0])
        widths = [len(self.spec.embed)] + [len(layer.target) for layer in self.spec.layers]
        return [np.asarray(x)[0, :n, :w] for x, w in zip(outs, widths, strict=True)]

    # ---------------------------------------------------------------- inspection
    @property
    def n_layers(self) -> int:
        return len(self.spec.layers)

    @property
    def width(self) -> int:
        return self.spec.width

    def components(self) -> dict[str, np.ndarray]:
        """Every weight array, keyed by its pytree path (``layers/3/attn/C_v``)."""
        out = {"embed": np.asarray(self.params["embed"])}
        for i, (layer, p) in enumerate(zip(self.spec.layers, self.params["layers"], strict=True)):
            for k, v in p.items():
                out[f"layers/{i}/{layer.path}/{k}"] = np.asarray(v)
        out["readout"] = np.asarray(self.params["readout"])
        return out

    def __str__(self) -> str:
        return describe_uhat(self.spec, self.params)

    def size_report(self) -> SizeReport:
        """Counted sizes (:func:`succinct.sizes.uhat_report`)."""
        return uhat_report(self)


def _check_evaluator(evaluator: str, allowed: Any, method: str) -> None:
    """The one refusal of an evaluator name that ``method`` does not take (``allowed``: a
    ``Literal`` of names), before anything silently falls back to another path."""
    names = typing.get_args(allowed)
    if evaluator not in names:
        raise SuccinctError(f"unknown evaluator {evaluator!r} for UHAT.{method} (one of "
                            f"{', '.join(names)})")


def _replace(obj: Any, **changes: Any) -> Any:
    return dataclasses.replace(obj, **changes)


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
    n = tokens.shape[1]
    in_word = np.arange(n)[None, :] < lengths[:, None]  # [B, N]
    v = layers.embed(params["embed"], tokens)  # [B, N, R0]
    outs = [v]
    for layer, p in zip(model.spec.layers, params["layers"], strict=True):
        if isinstance(layer, Attention) and (cols := guard_columns(model.spec, layer)):
            if not layers.booleans_hold(v, cols, in_word):
                raise SuccinctError(guard_message(model.spec))
        v = layers.apply(layer, p, v, lengths)
        outs.append(v)
    if trace:
        return outs
    return layers.readout_score(params["readout"],
                                layers.final_vector(v, lengths, model.spec.accept_at)) > 0


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


# ====================================================================== builder
@dataclass
class UHATBuilder:
    """Builds a UHAT layer by layer from rules over labels.

    Example (an ``a`` occurs before the last position; run by ``tests/test_uhat.py``)::

        >>> b = UHATBuilder(Alphabet.of("ab"))  # embedding: one-hot Q_a, Q_b
        >>> attn = b.attention(mask="future", tie="right", query=["s"], new=["prev_a"])
        >>> attn.B["s", "Q_a"] = 1; attn.A.set_bias("s", 1)  # score(n, m) = Q_a(m)
        >>> attn.C_a["prev_a", "Q_a"] = 1  # copy Q_a of the attended position
        >>> model = b.build(readout={"prev_a": 1})
        >>> model.accepts(["ab", "ba", "bb", "aab", "a"]).tolist()
        [True, False, False, True, False]
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
        if mask not in ("none", "future", "past"):
            raise SuccinctError(f"unknown mask {mask!r}: one of 'none' (all positions), "
                                "'future' (m < n) or 'past' (m > n)")
        if tie not in ("left", "right"):
            raise SuccinctError(f"unknown tie-break {tie!r}: 'left' (leftmost) or "
                                "'right' (rightmost)")
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
