"""Constructions as flax ``nnx`` modules: perturb or fine-tune hand-set weights with optax.

``to_nnx(model)`` turns a UHAT or an RNN into a :class:`Construction`, an ``nnx.Module``
whose every weight is an ordinary ``nnx.Param`` (float32), named as in
:func:`succinct.export.flat_weights` (``embed``, ``layers.3.C_a``, …; RNN ``W``, ``U``,
…). The structure (layer kinds, labels, masks, tie-breaks, activation) stays static.
Calling the module on a batch returns the **acceptance score**

* UHAT: ``⟨t, v⟩`` with ``v`` the residual at the acceptance position;
* RNN:  ``⟨r, h_N⟩ + c``;

positive iff the word is accepted: a float that surrogate losses can use
(``optax.hinge_loss(score, ±1)``). The forward pass is the models' one definition
(:mod:`succinct.models.layers`: §2.3 of the paper, masks, leftmost/rightmost ties, the
zero vector for an empty mask; the RNN cell with its activation and k-bit rounding)
evaluated densely in float32 with plain JAX operations, so that ``jax.grad`` goes through
it (the tests check it against the models' own exact evaluation). Hard attention runs its
O(N²) definition, since the fast paths assume 0/1 coordinates that perturbed weights need
not keep. Which position is attended is an arg-max and has no gradient; the attended
values, ``C``, the FFN blocks and the readout do.

Single weights are addressed by labels: ``module.set_entry("layers.7.C_a",
("L2~a.open", "open"), 0)``.

``from_nnx(module, like=model)`` rebuilds a model of the same kind and structure
through its validating constructor: integer weights give an exact model again (and
:func:`succinct.verify.verify` applies), non-integer ones a float model to evaluate with
``accepts(..., exact=False)``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from succinct.export import flat_weights, params_from_flat
from succinct.models import layers
from succinct.models.rnn import RNN
from succinct.models.specs import Attention, RNNSpec, UHATSpec
from succinct.models.uhat import UHAT
from succinct.words import SuccinctError, encode

__all__ = ["Construction", "to_nnx", "from_nnx", "acceptance_score"]


class Construction(nnx.Module):
    """A UHAT's or an RNN's weights as ``nnx.Param``s; the structure is static."""

    def __init__(self, model: UHAT | RNN) -> None:
        if not isinstance(model, UHAT | RNN):
            raise SuccinctError(f"to_nnx takes a UHAT or an RNN, got {type(model).__name__}")
        self.spec = model.spec
        self.weights = nnx.Dict({name: nnx.Param(jnp.asarray(value, jnp.float32))
                                 for name, value in flat_weights(model).items()})

    def axes(self, name: str) -> tuple[tuple[str, ...], ...]:
        """The coordinate labels along each axis of the weight ``name``."""
        if name not in self.weights:
            raise SuccinctError(f"no weight {name!r} (weights: {', '.join(self.weights)})")
        return _axes(self.spec, name)

    def set_entry(self, name: str, index: tuple[str, ...], value: float) -> None:
        """Sets one entry, addressed by labels: ``set_entry("layers.7.C_a", ("L2~a.open",
        "open"), 0)`` is the weight from coordinate ``open`` of the attended position to
        coordinate ``L2~a.open``."""
        axes = self.axes(name)
        if len(index) != len(axes):
            raise SuccinctError(f"{name} has {len(axes)} axes, got the index {index!r}")
        pos = []
        for label, labels in zip(index, axes, strict=True):
            if label not in labels:
                raise SuccinctError(f"{label!r} is not a coordinate of {name} (one of "
                                    f"{', '.join(labels)})")
            pos.append(labels.index(label))
        w = self.weights[name]
        w[...] = w[...].at[tuple(pos)].set(value)

    def params(self) -> dict[str, Any]:
        """The weights as the model kind's params pytree (JAX arrays)."""
        return params_from_flat(self.spec, {k: v[...] for k, v in self.weights.items()})

    def __call__(self, tokens: jax.Array, lengths: jax.Array) -> jax.Array:
        """Acceptance scores of a padded batch ``tokens[B, N]``, ``lengths[B]``."""
        return acceptance_score(self.spec, self.params(), jnp.asarray(tokens),
                                jnp.asarray(lengths))

    def score_words(self, words: list[str]) -> jax.Array:
        """Acceptance scores of words (encoded with the construction's alphabet)."""
        tokens, lengths = encode(words, self.spec.alphabet)
        return self(tokens, lengths)


def to_nnx(model: UHAT | RNN) -> Construction:
    """``model`` as an nnx module with one ``nnx.Param`` per weight array."""
    return Construction(model)


def _structure(spec: Any) -> Any:
    """A spec without the fields :meth:`UHAT.create` derives from the weights (read
    sets, whether the attended vector is used, the Boolean guard)."""
    if not isinstance(spec, UHATSpec):
        return spec
    layers = tuple(dataclasses.replace(layer, query_reads=(), key_reads=(),
                                       uses_attended=True)
                   if isinstance(layer, Attention) else layer for layer in spec.layers)
    return dataclasses.replace(spec, layers=layers, boolean_guard=False)


def from_nnx(module: Construction, like: UHAT | RNN | None = None) -> UHAT | RNN:
    """The model with ``module``'s current weights (validated like a built model).

    ``like``, if given, must have the module's structure (it is the model the module was
    made from, or one built the same way).
    """
    if like is not None and _structure(like.spec) != _structure(module.spec):
        raise SuccinctError("from_nnx: the module's structure differs from that of `like`")
    params = jax.tree_util.tree_map(lambda x: np.asarray(x, np.float64), module.params())
    if isinstance(module.spec, RNNSpec):
        return RNN.create(module.spec, params)
    return UHAT.create(module.spec, params)


def _axes(spec: UHATSpec | RNNSpec, name: str) -> tuple[tuple[str, ...], ...]:
    symbols = spec.alphabet.symbols
    if isinstance(spec, RNNSpec):
        units = spec.hidden.labels
        return {"W": (units, units), "U": (units, symbols), "readout_bias": ()}.get(
            name, (units,))
    if name == "embed":
        return (spec.embed.labels, symbols)
    if name == "readout":
        return (spec.output.labels,)
    _, i, key = name.split(".")
    layer = spec.layers[int(i)]
    src, tgt = layer.source.labels, layer.target.labels
    inner = layer.query.labels if layer.kind == "attention" else layer.hidden.labels
    return {"A_w": (inner, src), "B_w": (inner, src), "A_b": (inner,), "B_b": (inner,),
            "C_v": (tgt, src), "C_a": (tgt, src), "C_b": (tgt,), "W_1": (inner, src),
            "b_1": (inner,), "W_2": (tgt, inner), "W_r": (tgt, src), "b_2": (tgt,)}[key]


def acceptance_score(spec: UHATSpec | RNNSpec, params: Mapping[str, Any], tokens: jax.Array,
                     lengths: jax.Array) -> jax.Array:
    """The score whose sign is acceptance (module docstring), differentiable in params."""
    if isinstance(spec, RNNSpec):
        return _rnn_score(spec, params, tokens, lengths)
    return _uhat_score(spec, params, tokens, lengths)


@functools.partial(jax.jit, static_argnums=0)
def _uhat_score(spec: UHATSpec, params: Mapping[str, Any], tokens: jax.Array,
                lengths: jax.Array) -> jax.Array:
    """The paper's §2.3 definition, dense, in float32 (module docstring)."""
    v = layers.embed(jnp.asarray(params["embed"], jnp.float32), tokens)  # [B, N, R0]
    for layer, p in zip(spec.layers, params["layers"], strict=True):
        v = layers.apply(layer, p, v, lengths)
    final = layers.final_vector(v, lengths, spec.accept_at)
    return layers.readout_score(jnp.asarray(params["readout"], jnp.float32), final)


@functools.partial(jax.jit, static_argnums=0)
def _rnn_score(spec: RNNSpec, params: Mapping[str, Any], tokens: jax.Array,
               lengths: jax.Array) -> jax.Array:
    """``⟨r, h_N⟩ + c``: :meth:`succinct.models.rnn.RNN.forward` without the sign."""
    return layers.rnn_readout(params, layers.rnn_final_state(spec, params, tokens, lengths))
