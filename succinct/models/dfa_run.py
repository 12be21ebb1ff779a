"""A DFA run as a traceable JAX function (the automata themselves stay numpy-only).

:mod:`succinct.automata` builds and minimizes DFAs with numpy; evaluating one on a device
batch (as the verifier does, next to the UHATs and RNNs it compares) is this function.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["dfa_run"]


def dfa_run(delta: jax.Array, accepting: jax.Array, start: jax.Array | int,
            tokens: jax.Array, lengths: jax.Array) -> jax.Array:
    """``accepted[B]``: run ``q_{t+1} = δ(q_t, a_t)`` from ``start`` over a padded batch
    ``tokens[B, N]`` (positions at or past ``lengths[B]`` keep the state), then read
    ``accepting[q_N]``. ``lax.scan`` over time, one gather per step for all words."""

    def step(q: jax.Array, xt: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
        x, t = xt
        return jnp.where(t < lengths, delta[q, x], q), None

    q0 = jnp.full(tokens.shape[0], start, jnp.int32)
    q, _ = jax.lax.scan(step, q0, (tokens.T, jnp.arange(tokens.shape[1])))
    return accepting[q]
