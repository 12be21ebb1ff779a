"""Second-order (multiplicative) RNNs, evaluated exactly in int32.

Shape glossary: ``B`` batch, ``N`` padded word length, ``D`` hidden units, ``Σ`` alphabet.

Update and readout::

    h_0 given,   h_t = φ(M[x_t] h_{t−1}),   accept iff ⟨r, h_N⟩ + c > 0

with one integer matrix ``M[σ] ∈ ℤ^{D×D}`` per symbol (the input selects the recurrent
matrix: a bilinear update, unlike the Elman RNN of :mod:`succinct.models.rnn`, whose input only
adds). ``φ`` is

* ``linear``: the identity. Allowed only when every ``M[σ]`` is a 0/1 matrix with at most
  one 1 per column (a transformation matrix) and ``h_0 ≥ 0``: then ``‖h_t‖₁ ≤ ‖h_0‖₁`` and
  int32 is exact;
* ``step``: ``[z > 0]``, so the state stays 0/1 and int32 is exact while
  ``D · max|M| < 2³¹``.

The cell and the readout are defined once, in :mod:`succinct.models.layers`
(:func:`~succinct.models.layers.second_order_cell`, the classic second-order recurrence of
Giles et al. 1992); :meth:`SecondOrderRNN.forward` is the traceable pass.

:func:`from_dfa` is the classic construction (Omlin and Giles, "Constructing deterministic
finite-state automata in recurrent neural networks", J. ACM 43(6), 1996, here without
their sigmoid): ``D = |Q|`` units, ``M[σ][r, q] = [δ(q, σ) = r]``, ``h_0 = e_{q₀}``,
``r = 1_F``, so ``h_t`` is the one-hot state after t symbols.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from succinct.automata.dfa import DFA
from succinct.coords import Space
from succinct.models import layers
from succinct.models.render import describe_rnn2
from succinct.models.specs import SecondOrderSpec
from succinct.sizes import D, Sigma, SizeReport, counted
from succinct.words import Alphabet, SuccinctError, check_batch, encode

__all__ = ["SecondOrderRNN", "from_dfa"]

INT32_MAX = 2**31 - 1


class SecondOrderRNN(struct.PyTreeNode):
    """``h_t = φ(M[x_t] h_{t−1})``; params ``M[Σ, D, D], h0[D], readout[D], readout_bias``."""

    spec: SecondOrderSpec = struct.field(pytree_node=False)
    params: dict[str, Any]

    @classmethod
    def create(cls, spec: SecondOrderSpec, params: dict[str, Any]) -> SecondOrderRNN:
        """Validates shapes, integrality and the exact range (see the module docstring)."""
        d, s = len(spec.hidden), len(spec.alphabet)
        want = {"M": (s, d, d), "h0": (d,), "readout": (d,), "readout_bias": ()}
        arrs = {}
        for key, shape in want.items():
            x = np.asarray(params.get(key))
            if x.shape != shape:
                raise SuccinctError(f"second-order RNN parameter {key} has shape {x.shape}, "
                                    f"expected {shape}")
            if not np.all(x == np.round(x)):
                raise SuccinctError(f"second-order RNN parameter {key} must be integer")
            arrs[key] = x.astype(np.int64)
        m, h0 = arrs["M"], arrs["h0"]
        if spec.activation == "linear":
            if not (np.isin(m, (0, 1)).all() and (m.sum(axis=1) <= 1).all() and (h0 >= 0).all()):
                raise SuccinctError(
                    "linear activation is exact only for 0/1 matrices with at most one 1 per "
                    "column (transformations) and h0 ≥ 0; use activation='step'"
                )
            state = int(h0.sum())
        elif spec.activation == "step":
            state = 1
        else:
            raise SuccinctError(f"unknown activation {spec.activation!r}")
        pre = int(np.abs(m).sum(axis=2).max(initial=0)) * max(state, int(np.abs(h0).max(
            initial=0)))
        out = int(np.abs(arrs["readout"]).sum()) * max(state, 1) + abs(int(arrs["readout_bias"]))
        if max(pre, out) > INT32_MAX:
            raise SuccinctError("values of this second-order RNN can leave the int32 range")
        return cls(spec=spec, params={k: jnp.asarray(v, jnp.int32) for k, v in arrs.items()})

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
        check_batch(tokens, lengths, len(self.alphabet))
        return np.asarray(_forward_jit(self, jnp.asarray(tokens), jnp.asarray(lengths)))

    def forward(self, tokens: jax.Array, lengths: jax.Array) -> jax.Array:
        """Traceable acceptance ``accepted[B]`` of a padded batch ``tokens[B, N]``,
        ``lengths[B]``: :func:`succinct.models.layers.second_order_final_state` (the cell
        along time), then ``⟨r, h_N⟩ + c > 0`` (:func:`succinct.models.layers.rnn_readout`),
        in int32. The model is a pytree: ``jax.jit(lambda m, t, n: m.forward(t, n))``
        compiles it. Inputs are not validated here."""
        h = layers.second_order_final_state(self.spec, self.params, tokens, lengths)
        return layers.rnn_readout(self.params, h) > 0

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def components(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v) for k, v in self.params.items()}

    def size_report(self) -> SizeReport:
        """Counted sizes (kind ``rnn2``; width = units)."""
        return counted("rnn2", 1, self.units, self.components(), measures={"width": "units"},
                       formulas={"params": Sigma * D**2 + 2 * D + 1})  # M, h0, readout, bias

    def __str__(self) -> str:
        return describe_rnn2(self.spec, self.params)


_forward_jit = jax.jit(SecondOrderRNN.forward)


def from_dfa(dfa: DFA) -> SecondOrderRNN:
    """The ``|Q|``-unit linear second-order RNN of a complete DFA (one-hot states)."""
    alphabet = dfa.alphabet
    n, s = dfa.n_states, dfa.n_symbols
    m = np.zeros((s, n, n), np.int64)
    q = np.arange(n)
    for a in range(s):
        m[a, dfa.delta[:, a], q] = 1
    h0 = np.zeros(n, np.int64)
    h0[dfa.start] = 1
    spec = SecondOrderSpec(alphabet, Space.of(f"q{i}" for i in range(n)), "linear")
    return SecondOrderRNN.create(spec, {"M": m, "h0": h0,
                                        "readout": dfa.accepting.astype(np.int64),
                                        "readout_bias": np.int64(0)})
