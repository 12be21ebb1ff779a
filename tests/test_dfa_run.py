"""The traceable DFA run (what the verifier evaluates a DFA with) equals ``DFA.run``."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from succinct.automata.dfa import DFA
from succinct.models.dfa_run import dfa_run

RUN = jax.jit(dfa_run)


@pytest.mark.parametrize("n_states,n_sym", list(itertools.product([1, 2, 5, 8], [1, 2, 3])))
def test_dfa_run_equals_dfa_run(n_states, n_sym):
    """Random complete DFAs (any start state) on padded batches whose lengths go from 0
    to the full width and whose padding holds random symbols (which must be ignored)."""
    rng = np.random.default_rng(1000 * n_states + n_sym)
    for _ in range(5):
        delta = rng.integers(0, n_states, (n_states, n_sym))
        accepting = rng.random(n_states) < 0.5
        start = int(rng.integers(n_states))
        dfa = DFA(tuple("abc"[:n_sym]), delta, start, accepting)
        tokens = rng.integers(0, n_sym, (48, 9)).astype(np.int32)
        lengths = rng.integers(0, 10, 48).astype(np.int32)
        got = RUN(jnp.asarray(dfa.delta), jnp.asarray(dfa.accepting), jnp.int32(dfa.start),
                  jnp.asarray(tokens), jnp.asarray(lengths))
        assert np.asarray(got).tolist() == dfa.run(tokens, lengths).tolist()
