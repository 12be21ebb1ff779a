"""The trainable networks: a softmax transformer and an Elman RNN, their budgets and
initialisations, and the library models they become after training.

**Transformer.** The architecture of :mod:`succinct.models.softmax` (BOS at position 0,
one softmax head per attention layer with the position bias ``σ·s·m``, ReLU FFN blocks,
the readout ``⟨t, x⟩`` at the last position), evaluated by its one definition,
:func:`succinct.models.softmax.forward`. Trained: every array except the embedding's
``is_bos`` row (fixed at 0, so BOS alone has ``is_bos = 1`` at the input) and, per
attention layer, the signed slope ``σ·s`` (a real; the exported layer gets
``σ = sign``, ``s = |σ·s|``). The scale β is fixed: 1 for a random start, the
certified β(N) of :func:`succinct.compiler.relax.relax` for a start from the
construction.

* explicit budget (``layers=K, width=R, units=H``): ``K`` blocks of a strictly masked
  (``future``: ``m < n``) attention layer ``R → R`` (queries of width ``R``) and an FFN
  ``R → R`` with ``H`` hidden units;
* ``like="uhat"``: the layers, masks and shapes of the family's relaxed UHAT.

Parameters: every trained scalar (``n_params``); the exported
:class:`~succinct.models.softmax.SoftmaxTransformer` counts its dense arrays (with the
fixed zero row, without the slopes, which are static there).

**RNN.** ``h_t = φ(W h_{t−1} + U x_t + b)``, accept iff ``⟨r, h_N⟩ + c > 0``, with φ one
of ``tanh``, ``sigmoid`` (scale β), ``relu``, ``satlin``; units from ``units`` or
``like="rnn"`` (the family's RNN's unit count). ``sigmoid``/``relu``/``satlin`` run the
library's cell (:func:`succinct.models.layers.rnn_final_state`); ``tanh`` is exported
exactly as a sigmoid RNN with β = 2 through ``tanh z = 2σ(2z) − 1``: with
``h' = (h + 1)/2``,

    W' = 2W,  b' = b − W·1,  h0' = (h0 + 1)/2,  r' = 2r,  c' = c − Σ r.

A construction's ``step`` units (Heaviside on integer pre-activations) start as
``σ(β_step (z − 1/2))`` (``b ← b − 1/2``), which rounds back to them as β_step grows; an
integer readout ``⟨r, h⟩ + c > 0`` on 0/1 states is ``≥ 1``, so it starts as
``⟨r, h⟩ + c − 1/2 > 0`` (exact while ``Σ|r|·max_i |h_i − [z_i > 0]| < 1/2``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from succinct.coords import Space
from succinct.models.layers import rnn_final_state, rnn_readout
from succinct.models.rnn import RNN
from succinct.models.softmax import (
    SoftmaxAttention,
    SoftmaxFFN,
    SoftmaxLayer,
    SoftmaxTransformer,
    forward,
)
from succinct.models.specs import RNNSpec
from succinct.words import Alphabet, SuccinctError

__all__ = ["TransformerNet", "RNNNet", "Net", "transformer_net", "rnn_net", "STEP_BETA",
           "ACTIVATIONS"]

STEP_BETA = 10.0  # sigmoid scale that stands for a construction's step units
ACTIVATIONS = ("tanh", "sigmoid", "relu", "satlin")


def _rng(key: jax.Array) -> np.random.Generator:
    """A numpy generator seeded by the bits of ``key``. Initial weights are drawn on the
    host: one ``jax.random.normal`` per array shape compiled one XLA program each, which
    took 36 s of notebook 12's 88 s (profiled)."""
    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        key = jax.random.key_data(key)
    return np.random.default_rng(np.asarray(key, np.uint32).ravel().tolist())


def _dense(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """``N(0, 1/cols)`` entries (variance-preserving)."""
    return rng.standard_normal((rows, cols)) / math.sqrt(max(cols, 1))


def _noisy(params: Any, key: jax.Array, scale: float) -> Any:
    """``params`` plus ``N(0, scale²)`` on every entry."""
    rng = _rng(key)
    return jax.tree_util.tree_map(
        lambda a: np.asarray(a, np.float32) + scale * rng.standard_normal(np.shape(a)),
        params)


@dataclass(frozen=True)
class TransformerNet:
    """A trainable softmax transformer: static layers (slopes trained), fixed β."""

    alphabet: Alphabet
    layers: tuple[SoftmaxLayer, ...]
    beta: float
    accept_at: Literal["last", "first"]
    # float32 arrays: embed (without the is_bos row), layers, readout, slopes; not part
    # of equality or the hash (the compiled training step is keyed on the rest)
    init: dict[str, Any] = field(compare=False)
    arch: str = "transformer"

    def scores(self, params: dict[str, Any], tokens: jax.Array, lengths: jax.Array
               ) -> jax.Array:
        """Readout scores (traceable): :func:`succinct.models.softmax.forward`."""
        full, layers = self._full(params)
        return forward(layers, full, jnp.float32(self.beta), tokens, lengths, self.accept_at)

    def _full(self, params: dict[str, Any]) -> tuple[dict[str, Any], tuple]:
        emb = params["embed"]
        xp = jnp if isinstance(emb, jax.Array) else np
        full = {"embed": xp.concatenate([emb, xp.zeros((1, emb.shape[1]), emb.dtype)]),
                "layers": params["layers"], "readout": params["readout"]}
        slopes = iter(params["slopes"])
        layers = tuple(dataclasses.replace(layer, sign=1, slope=next(slopes))
                       if isinstance(layer, SoftmaxAttention) else layer
                       for layer in self.layers)
        return full, layers

    def export(self, params: dict[str, Any], max_len: int) -> SoftmaxTransformer:
        """The library model of trained ``params`` (float64 arrays), for words ≤ max_len."""
        host = jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), params)
        full, _ = self._full(host)
        slopes = iter(float(s) for s in host["slopes"])
        layers = []
        for layer in self.layers:
            if isinstance(layer, SoftmaxAttention):
                s = next(slopes)
                layer = dataclasses.replace(layer, sign=1 if s >= 0 else -1, slope=abs(s))
            layers.append(layer)
        return SoftmaxTransformer(self.alphabet, tuple(layers), full, self.beta, max_len,
                                  self.accept_at)

    @property
    def n_params(self) -> int:
        return int(sum(np.size(a) for a in jax.tree_util.tree_leaves(self.init)))

    def describe(self) -> str:
        kinds = [layer.kind for layer in self.layers]
        width = int(self.init["embed"].shape[0]) + 1
        return (f"softmax transformer: {len(kinds)} layers ({kinds.count('attention')} "
                f"attention, {kinds.count('ffn')} FFN, {kinds.count('relu')} ReLU), input "
                f"width {width}, β = {self.beta:.6g}, {self.n_params} trained parameters")


def _trainable_transformer(model: SoftmaxTransformer) -> dict[str, Any]:
    p = jax.tree_util.tree_map(lambda a: np.asarray(a, np.float32), model.params)
    slopes = np.array([layer.sign * layer.slope for layer in model.layers
                       if isinstance(layer, SoftmaxAttention)], np.float32)
    return {"embed": p["embed"][:-1], "layers": p["layers"], "readout": p["readout"],
            "slopes": slopes}


def _random_like(shapes: dict[str, Any], layers: tuple[SoftmaxLayer, ...], key: jax.Array
                 ) -> dict[str, Any]:
    """Random weights of the shapes of ``shapes``: ``N(0, 1/fan_in)`` matrices, the
    rectangular identity added to the residual maps ``W_v`` and ``W_r``, zero biases,
    slopes 1/2."""
    rng = _rng(key)
    emb = shapes["embed"]
    out: dict[str, Any] = {"embed": _dense(rng, emb.shape[0], emb.shape[1])}
    new_layers = []
    for p in shapes["layers"]:
        q = {}
        for name, a in p.items():
            a = np.asarray(a)
            if a.ndim == 2:
                q[name] = _dense(rng, *a.shape)
                if name in ("W_v", "W_r"):
                    q[name] = q[name] * 0.5 + np.eye(*a.shape)
            else:
                q[name] = np.zeros(a.shape)
        new_layers.append(q)
    out["layers"] = new_layers
    out["readout"] = _dense(rng, 1, shapes["readout"].shape[0])[0]
    out["slopes"] = np.full(len(shapes["slopes"]), 0.5)
    return jax.tree_util.tree_map(lambda a: np.asarray(a, np.float32), out)


def transformer_net(alphabet: Alphabet, key: jax.Array, *, layers: int = 2, width: int = 8,
                    units: int | None = None, like: SoftmaxTransformer | None = None,
                    start: Literal["random", "construction"] = "random",
                    noise: float = 0.0) -> TransformerNet:
    """A trainable transformer: ``like`` (a relaxed UHAT) gives the layers and shapes
    (and, with ``start="construction"``, the weights and β plus ``noise``); otherwise
    ``layers`` blocks of width ``width`` with ``units`` FFN hidden units (default
    ``2·width``)."""
    if like is not None:
        base = _trainable_transformer(like)
        if start == "construction":
            init = _noisy(base, key, noise) if noise else base
            return TransformerNet(alphabet, like.layers, float(like.beta), like.accept_at,
                                  jax.tree_util.tree_map(lambda a: np.asarray(a, np.float32),
                                                         init))
        return TransformerNet(alphabet, like.layers, 1.0, like.accept_at,
                              _random_like(base, like.layers, key))
    if start == "construction":
        raise SuccinctError("--init construction needs --like (the construction to start "
                            "from)")
    units = 2 * width if units is None else units
    if layers < 1 or width < 2 or units < 1:
        raise SuccinctError(
            f"a budget of {layers} layer(s), width {width} and {units} FFN unit(s) cannot "
            "hold one transformer block (needs ≥ 1 layer, width ≥ 2: one feature "
            "coordinate and is_bos, ≥ 1 hidden unit)")
    k = len(alphabet)
    shapes: dict[str, Any] = {"embed": np.zeros((width - 1, k)), "layers": [],
                              "readout": np.zeros(width), "slopes": np.zeros(layers)}
    spec: list[SoftmaxLayer] = []
    for i in range(layers):
        spec.append(SoftmaxAttention("future", 1, 0.5, name=f"attention {i + 1}"))
        shapes["layers"].append({"W_q": np.zeros((width, width)), "b_q": np.zeros(width),
                                 "W_k": np.zeros((width, width)), "b_k": np.zeros(width),
                                 "W_v": np.zeros((width, width)),
                                 "W_a": np.zeros((width, width)), "c": np.zeros(width)})
        spec.append(SoftmaxFFN(name=f"ffn {i + 1}"))
        shapes["layers"].append({"W_1": np.zeros((units, width)), "b_1": np.zeros(units),
                                 "W_2": np.zeros((width, units)), "b_2": np.zeros(width),
                                 "W_r": np.zeros((width, width))})
    return TransformerNet(alphabet, tuple(spec), 1.0, "last",
                          _random_like(shapes, tuple(spec), key))


@dataclass(frozen=True)
class RNNNet:
    """A trainable Elman RNN (module docstring)."""

    alphabet: Alphabet
    activation: str
    beta: float
    init: dict[str, Any] = field(compare=False)  # W, U, b, h0, readout, readout_bias
    arch: str = "rnn"

    @property
    def units(self) -> int:
        return int(self.init["W"].shape[0])

    def _spec(self, activation: str, beta: float) -> RNNSpec:
        return RNNSpec(self.alphabet, Space.of(f"h{i}" for i in range(self.units)),
                       activation, beta)

    def scores(self, params: dict[str, Any], tokens: jax.Array, lengths: jax.Array
               ) -> jax.Array:
        """``⟨r, h_N⟩ + c`` (traceable)."""
        if self.activation == "tanh":
            def step(h: jax.Array, xt: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
                x, t = xt
                new = jnp.tanh(h @ params["W"].T + params["U"][:, x].T + params["b"])
                return jnp.where((t < lengths)[:, None], new, h), None

            h0 = jnp.broadcast_to(params["h0"], (tokens.shape[0], self.units))
            h, _ = jax.lax.scan(step, h0, (tokens.T, jnp.arange(tokens.shape[1])))
        else:
            h = rnn_final_state(self._spec(self.activation, self.beta), params, tokens,
                                lengths)
        return rnn_readout(params, h)

    def export(self, params: dict[str, Any], max_len: int) -> RNN:
        """The library :class:`~succinct.models.rnn.RNN` of trained ``params`` (tanh
        rewritten exactly as sigmoid with β = 2, module docstring); ``max_len`` unused
        (an RNN reads any length)."""
        p = {k: np.asarray(v, np.float64) for k, v in params.items()}
        if self.activation != "tanh":
            return RNN.create(self._spec(self.activation, self.beta), p)
        ones = np.ones(self.units)
        q = {"W": 2 * p["W"], "U": p["U"], "b": p["b"] - p["W"] @ ones,
             "h0": (p["h0"] + 1) / 2, "readout": 2 * p["readout"],
             "readout_bias": p["readout_bias"] - p["readout"].sum()}
        return RNN.create(self._spec("sigmoid", 2.0), q)

    @property
    def n_params(self) -> int:
        return int(sum(np.size(a) for a in self.init.values()))

    def describe(self) -> str:
        beta = f" (β = {self.beta:g})" if self.activation == "sigmoid" else ""
        return (f"RNN: {self.units} {self.activation}{beta} units, {self.n_params} trained "
                "parameters")


def rnn_net(alphabet: Alphabet, key: jax.Array, *, units: int = 8,
            activation: str = "tanh", like: RNN | None = None,
            start: Literal["random", "construction"] = "random",
            noise: float = 0.0) -> RNNNet:
    """A trainable RNN: ``like`` (the family's RNN) gives the unit count (and, with
    ``start="construction"``, its weights plus ``noise``, in its own cell); otherwise
    ``units`` units of ``activation``."""
    if activation not in ACTIVATIONS:
        raise SuccinctError(f"unknown activation {activation!r} (one of "
                            f"{', '.join(ACTIVATIONS)})")
    if like is not None:
        units = like.units
        if start == "construction":
            p = {k: np.asarray(v, np.float64) for k, v in like.params.items()}
            act, beta = like.spec.activation, float(like.spec.beta)
            if act == "step":
                act, beta = "sigmoid", STEP_BETA
                p["b"] = p["b"] - 0.5
                readout = np.append(p["readout"], p["readout_bias"])
                if np.array_equal(readout, np.round(readout)):
                    p["readout_bias"] = p["readout_bias"] - 0.5
            init = _noisy(p, key, noise) if noise else p
            return RNNNet(alphabet, act, beta, {k: np.asarray(v, np.float32)
                                                for k, v in init.items()})
    elif start == "construction":
        raise SuccinctError("--init construction needs --like (the construction to start "
                            "from)")
    if units < 1:
        raise SuccinctError(f"a budget of {units} unit(s) cannot hold an RNN layer "
                            "(needs ≥ 1 unit)")
    k = len(alphabet)
    rng = _rng(key)
    init = {"W": _dense(rng, units, units), "U": rng.standard_normal((units, k)),
            "b": np.zeros(units), "h0": np.zeros(units),
            "readout": _dense(rng, 1, units)[0], "readout_bias": np.zeros(())}
    return RNNNet(alphabet, activation, 1.0, {k: np.asarray(v, np.float32)
                                              for k, v in init.items()})


Net = TransformerNet | RNNNet
