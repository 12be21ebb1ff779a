"""RNN model: activations, batching, k-bit fixed precision."""

import itertools

import numpy as np
import pytest

from succinct.models.rnn import RNNBuilder
from succinct.words import Alphabet, SuccinctError

AB = Alphabet.of("ab")


def _parity_rnn(bits=1, activation="step"):
    """Even number of a's, by the DFA → RNN pattern: unit ``state_sym`` is 1 iff the state
    before the current symbol was ``state`` and the symbol is ``sym``."""
    units = ["even_a", "even_b", "odd_a", "odd_b"]
    # The start state "even" is encoded as if the previous step had been (even, b).
    b = RNNBuilder(AB, units, activation=activation, bits=bits, h0={"even_b": 1},
                   readout={"odd_a": 1, "even_b": 1}, readout_bias=-0.5)
    leads_to = {"even": ["even_b", "odd_a"], "odd": ["even_a", "odd_b"]}
    for u in units:
        state, sym = u.split("_")
        for v in leads_to[state]:
            b.W[(u, v)] = 1
        b.U[(u, sym)] = 1
        b.W.set_bias(u, -1)
    return b.build()


@pytest.mark.parametrize("activation", ["step", "relu", "satlin"])
def test_parity_rnn_all_words(activation):
    rnn = _parity_rnn(activation=activation)
    words = ["".join(w) for n in range(1, 9) for w in itertools.product("ab", repeat=n)]
    want = [w.count("a") % 2 == 0 for w in words]
    assert rnn.accepts(words).tolist() == want


def test_sigmoid_scaled_approximates_step():
    b = RNNBuilder(AB, ["seen_a"], activation="sigmoid", beta=50.0,
                   readout={"seen_a": 1}, readout_bias=-0.5)
    b.W[("seen_a", "seen_a")] = 1
    b.U[("seen_a", "a")] = 1
    b.W.set_bias("seen_a", -0.5)
    rnn = b.build()
    assert rnn.accepts(["b", "a", "ba", "bbab", "bbbb"]).tolist() == [False, True, True, True,
                                                                       False]


def test_k_bit_quantization_rounds_and_clamps():
    b = RNNBuilder(AB, ["x"], activation="relu", bits=2, frac_bits=1, readout={"x": 1})
    b.W[("x", "x")] = 1
    b.U[("x", "a")] = 0.75  # 0.75 → rounds to 1.0 on the grid {0, .5, 1, 1.5}
    rnn = b.build()
    states = rnn.states("aaa")[:, 0]
    assert states.tolist() == [0.0, 1.0, 1.5, 1.5]  # clamped at (2^2 − 1)/2
    codes = rnn.step_codes(np.array([[0], [2], [3]]), np.array([0, 0, 1]))
    assert codes[:, 0].tolist() == [2, 3, 3]


def test_initial_code_and_accept_codes():
    rnn = _parity_rnn()
    code = rnn.initial_code()
    assert code.tolist() == [0, 1, 0, 0]
    assert rnn.accept_codes(code[None])[0]


def test_states_are_the_scan_of_forward():
    """``states`` (all h_t) and ``accepts`` (h_N only) are one scan: the readout of the
    last state is the acceptance, and every state is a 1-bit code of the parity DFA."""
    rnn = _parity_rnn()
    words = ["".join(w) for n in range(1, 6) for w in itertools.product("ab", repeat=n)]
    last = np.stack([rnn.states(w)[-1] for w in words])
    assert [len(rnn.states(w)) for w in words] == [len(w) + 1 for w in words]
    assert rnn.accept_codes(last.astype(np.int32)).tolist() == rnn.accepts(words).tolist()
    assert np.isin(last, (0, 1)).all() and (last.sum(axis=1) == 1).all()


def test_rnn_takes_no_evaluator():
    """One evaluator, so no ``evaluator`` keyword is silently swallowed."""
    rnn = _parity_rnn()
    with pytest.raises(TypeError, match="evaluator"):
        rnn.accepts(["ab"], evaluator="fast")
    with pytest.raises(TypeError, match="evaluator"):
        rnn.accepts_batch(np.zeros((1, 2), np.int32), np.ones(1, np.int32), evaluator="fast")


def test_errors():
    with pytest.raises(SuccinctError, match="bits"):
        RNNBuilder(AB, ["x"], bits=40).build()
    with pytest.raises(SuccinctError, match="activation"):
        RNNBuilder(AB, ["x"], activation="tanh").build()
    rnn = _parity_rnn()
    with pytest.raises(SuccinctError, match="not in k-bit mode"):
        _parity_rnn(bits=None).initial_code()
    with pytest.raises(SuccinctError, match="unknown symbol"):
        rnn.accepts(["abz"])


def test_labelled_printout():
    text = str(_parity_rnn())
    assert "even_a ← " in text and "x_a" in text
