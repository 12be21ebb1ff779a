"""Elman RNNs with hand-set weights, and the paper's k-bit fixed-precision setting.

Shape glossary: ``B`` batch, ``N`` padded word length, ``D`` hidden units, ``Σ``
alphabet size.

Update and readout::

    h_0 given,   h_t = σ(W h_{t-1} + U x_t + b),   accept iff ⟨r, h_N⟩ + c > 0

with ``x_t`` the one-hot symbol and ``σ`` one of

* ``relu``:     max(0, z)
* ``step``:     Heaviside, 1 if z > 0 else 0
* ``satlin``:   saturated linear, min(1, max(0, z))
* ``sigmoid``:  scaled sigmoid 1 / (1 + exp(-β z)) with β = ``beta``

**k-bit mode** (Prop 1 of the paper: a k-bit RNN with D units is a finite automaton
with at most 2^{kD} states). With ``bits=k`` and ``frac_bits=f`` every coordinate of
the state is rounded after every step to the nearest of the 2^k fixed-point values
``{0, 2^-f, …, (2^k − 1)·2^-f}`` (clamped to that range, ties rounded half up). The
quantized state is an integer code per unit, so :meth:`RNN.step_codes` is an exact
transition function on ``({0, …, 2^k − 1})^D`` — the automaton of Prop 1, which
``succinct.automata.dfa`` can explore by BFS.

Arithmetic is float32. With integer weights and quantized states (k + f ≤ 24 and sums
below 2^24, checked by :meth:`RNN.create`) every value is exactly representable.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from succinct.coords import Matrix, Space
from succinct.models.layers import quantize, rnn_cell, rnn_final_state, rnn_readout, rnn_states
from succinct.models.render import describe_rnn
from succinct.models.specs import Activation, RNNSpec
from succinct.sizes import SizeReport, rnn_report
from succinct.words import Alphabet, SuccinctError, check_lengths, encode

__all__ = ["RNN", "RNNBuilder"]

FLOAT32_EXACT = 2**24


class RNN(struct.PyTreeNode):
    """An RNN: static :class:`RNNSpec` plus weights ``W, U, b, h0, readout, readout_bias``."""

    spec: RNNSpec = struct.field(pytree_node=False)
    params: dict[str, Any]

    @classmethod
    def create(cls, spec: RNNSpec, params: dict[str, Any]) -> RNN:
        """Validates shapes (and, in k-bit mode, the float32 exact range)."""
        d, s = len(spec.hidden), len(spec.alphabet)
        want = {"W": (d, d), "U": (d, s), "b": (d,), "h0": (d,), "readout": (d,),
                "readout_bias": ()}
        np_params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
        for k, shp in want.items():
            if k not in np_params or np_params[k].shape != shp:
                got = None if k not in np_params else np_params[k].shape
                raise SuccinctError(f"RNN parameter {k} has shape {got}, expected {shp}")
        if spec.bits is not None:
            top = (2**spec.bits - 1) / 2**spec.frac_bits
            bound = np.abs(np_params["W"]).sum(1) * top + np.abs(np_params["U"]).max(1, initial=0) \
                + np.abs(np_params["b"])
            if bound.max(initial=0) * 2**spec.frac_bits >= FLOAT32_EXACT:
                raise SuccinctError(
                    "pre-activations of this k-bit RNN can exceed the float32 exact range 2^24"
                )
        return cls(spec=spec, params={k: jnp.asarray(v, jnp.float32) for k, v in
                                      np_params.items()})

    @property
    def alphabet(self) -> Alphabet:
        return self.spec.alphabet

    @property
    def units(self) -> int:
        return len(self.spec.hidden)

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Acceptance of a padded batch (:meth:`forward`, jitted; there is one evaluator)."""
        tokens = np.asarray(tokens, np.int32)
        lengths = np.asarray(lengths, np.int32)
        check_lengths(lengths)
        return np.asarray(_forward_jit(self, jnp.asarray(tokens), jnp.asarray(lengths)))

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def forward(self, tokens: jax.Array, lengths: jax.Array) -> jax.Array:
        """Traceable acceptance ``accepted[B]`` of a padded batch ``tokens[B, N]``,
        ``lengths[B]``: :func:`succinct.models.layers.rnn_final_state` (the cell along
        time), then ``⟨r, h_N⟩ + c > 0``. The
        model is a pytree: ``jax.jit(lambda m, t, n: m.forward(t, n))`` compiles it (the
        verifier does). Inputs are not validated here."""
        h = rnn_final_state(self.spec, self.params, tokens, lengths)
        return rnn_readout(self.params, h) > 0

    def states(self, word: str | Sequence[str]) -> np.ndarray:
        """Hidden states h_0..h_N of one word, shape [N + 1, D]."""
        tokens, lengths = encode([word], self.alphabet)
        hs = _states_jit(self.spec, self.params, jnp.asarray(tokens), jnp.asarray(lengths))
        return np.asarray(hs)[0, : int(lengths[0]) + 1]

    # ------------------------------------------------ k-bit automaton (Prop 1)
    def initial_code(self) -> np.ndarray:
        """The quantized initial state as integer codes (k-bit mode only)."""
        self._need_bits()
        return np.asarray(self._encode(quantize(self.spec, self.params["h0"])))

    def step_codes(self, codes: np.ndarray, symbols: np.ndarray) -> np.ndarray:
        """One exact transition on integer state codes: ``codes[B, D]``, ``symbols[B]``."""
        self._need_bits()
        out = _step_codes(self.spec, self.params, jnp.asarray(codes, jnp.int32),
                          jnp.asarray(symbols, jnp.int32))
        return np.asarray(out)

    def accept_codes(self, codes: np.ndarray) -> np.ndarray:
        """Readout on integer state codes."""
        self._need_bits()
        h = jnp.asarray(codes, jnp.float32) / 2.0**self.spec.frac_bits
        return np.asarray(rnn_readout(self.params, h) > 0)

    def _encode(self, h: jax.Array) -> jax.Array:
        return jnp.round(h * 2.0**self.spec.frac_bits).astype(jnp.int32)

    def _need_bits(self) -> None:
        if self.spec.bits is None:
            raise SuccinctError("this RNN is not in k-bit mode (set bits=k)")

    def components(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v).reshape(np.shape(v)) for k, v in self.params.items()}

    def __str__(self) -> str:
        return describe_rnn(self.spec, self.params)

    def size_report(self) -> SizeReport:
        """Counted sizes (:func:`succinct.sizes.rnn_report`)."""
        return rnn_report(self)


_forward_jit = jax.jit(RNN.forward)


_states_jit = jax.jit(rnn_states, static_argnums=0)


@functools.partial(jax.jit, static_argnums=0)
def _step_codes(spec: RNNSpec, params: dict, codes: jax.Array, symbols: jax.Array):
    h = codes.astype(jnp.float32) / 2.0**spec.frac_bits
    new = rnn_cell(spec, params, h, symbols)
    return jnp.round(new * 2.0**spec.frac_bits).astype(jnp.int32)


@dataclass
class RNNBuilder:
    """Builds an RNN from rules over unit labels.

    ``W[(u, v)]`` is the weight from unit ``v`` at time t-1 to unit ``u``; ``U[(u, a)]``
    the weight from input symbol ``a``; ``W.bias`` is ``b``.
    """

    alphabet: Alphabet
    units: Sequence[str]
    activation: Activation = "step"
    beta: float = 1.0
    bits: int | None = None
    frac_bits: int = 0
    h0: dict[str, float] = field(default_factory=dict)
    readout: dict[str, float] = field(default_factory=dict)
    readout_bias: float = 0.0

    def __post_init__(self) -> None:
        self.hidden = Space.of(self.units)
        self.W = Matrix(self.hidden, self.hidden)
        self.U = Matrix(self.hidden, Space.of(self.alphabet.symbols))

    def build(self) -> RNN:
        spec = RNNSpec(self.alphabet, self.hidden, self.activation, self.beta, self.bits,
                       self.frac_bits)
        w, b = self.W.lower(np.float64)
        u, _ = self.U.lower(np.float64)
        h0 = np.zeros(len(self.hidden))
        r = np.zeros(len(self.hidden))
        for k, v in self.h0.items():
            h0[self.hidden.index(k)] = v
        for k, v in self.readout.items():
            r[self.hidden.index(k)] = v
        return RNN.create(spec, {"W": w, "U": u, "b": b, "h0": h0, "readout": r,
                                 "readout_bias": np.float64(self.readout_bias)})
