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

:func:`from_dfa` is the classic construction: ``D = |Q|`` units, ``M[σ][r, q] = [δ(q, σ)
= r]``, ``h_0 = e_{q₀}``, ``r = 1_F``, so ``h_t`` is the one-hot state after t symbols.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct

from succinct.automata.dfa import DFA
from succinct.coords import Space
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

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray, **_: Any) -> np.ndarray:
        """Acceptance of a padded batch (``lax.scan`` over time, vectorized over words)."""
        tokens = np.asarray(tokens, np.int32)
        lengths = np.asarray(lengths, np.int32)
        check_batch(tokens, lengths, len(self.alphabet))
        return np.asarray(_forward(self.spec, self.params, jnp.asarray(tokens),
                                   jnp.asarray(lengths)))

    def accepts(self, words: Iterable[str | Sequence[str]], **_: Any) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def components(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v) for k, v in self.params.items()}

    def size_report(self) -> SizeReport:
        """Counted sizes (kind ``rnn2``; width = units)."""
        return counted("rnn2", 1, self.units, self.components(), measures={"width": "units"},
                       formulas={"params": Sigma * D**2 + 2 * D + 1})  # M, h0, readout, bias

    def __str__(self) -> str:
        labels = self.spec.hidden.labels
        m = np.asarray(self.params["M"])
        out = [f"second-order RNN over {{{', '.join(self.alphabet)}}}: {self.units} units, "
               f"h_t = {'step' if self.spec.activation == 'step' else 'id'}(M[x_t] h_(t-1))"]
        h0 = np.asarray(self.params["h0"])
        out.append("h_0: " + ", ".join(f"{labels[i]}={int(h0[i])}" for i in np.nonzero(h0)[0]))
        for a_idx, a in enumerate(self.alphabet):
            terms = [f"{labels[r]} ← {'' if m[a_idx, r, q] == 1 else str(int(m[a_idx, r, q]))}"
                     f"{labels[q]}" for r, q in zip(*np.nonzero(m[a_idx]), strict=True)]
            out.append(f"  M[{a}]: " + "; ".join(terms))
        r = np.asarray(self.params["readout"])
        acc = " + ".join(f"{'' if r[i] == 1 else str(int(r[i])) + '·'}{labels[i]}"
                         for i in np.nonzero(r)[0]) or "0"
        out.append(f"accept iff {acc} + {int(self.params['readout_bias'])} > 0")
        return "\n".join(out)


@functools.partial(jax.jit, static_argnums=0)
def _forward(spec: SecondOrderSpec, params: dict, tokens: jax.Array, lengths: jax.Array):
    h0 = jnp.broadcast_to(params["h0"], (tokens.shape[0], len(spec.hidden)))

    def step(h, xt):
        x, t = xt
        new = jnp.einsum("bij,bj->bi", params["M"][x], h)
        if spec.activation == "step":
            new = (new > 0).astype(jnp.int32)
        return jnp.where((t < lengths)[:, None], new, h), None

    h, _ = jax.lax.scan(step, h0, (tokens.T, jnp.arange(tokens.shape[1])))
    return h @ params["readout"] + params["readout_bias"] > 0


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
