"""DFA → 1-bit RNN (Minsky's simulation): the RNN is the DFA, on random automata."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from succinct.automata.dfa import DFA
from succinct.compiler.dfa_to_rnn import dfa_to_rnn, unit_label
from succinct.exact.dispatch import extract_rnn
from succinct.words import encode


@st.composite
def dfas(draw, max_states: int = 6, alphabet: str = "abc"):
    n = draw(st.integers(1, max_states))
    k = len(alphabet)
    delta = draw(st.lists(st.integers(0, n - 1), min_size=n * k, max_size=n * k))
    acc = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    start = draw(st.integers(0, n - 1))
    return DFA(tuple(alphabet), np.array(delta).reshape(n, k), start, np.array(acc))


@given(dfa=dfas(), words=st.lists(st.text("abc", min_size=1, max_size=12), min_size=1,
                                  max_size=40))
def test_rnn_accepts_like_the_dfa(dfa, words):
    rnn = dfa_to_rnn(dfa)
    tokens, lengths = encode(words, rnn.alphabet)
    assert (rnn.accepts_batch(tokens, lengths) == dfa.run(tokens, lengths)).all()
    assert (dfa.accepts_batch(tokens, lengths) == dfa.run(tokens, lengths)).all()


@given(dfa=dfas(max_states=4, alphabet="ab"))
def test_extracted_automaton_is_the_dfa(dfa):
    """Prop 1's extraction recovers the DFA exactly (on non-empty words)."""
    rnn = dfa_to_rnn(dfa)
    assert rnn.units == dfa.n_states * dfa.n_symbols + 1 and rnn.spec.bits == 1
    auto = extract_rnn(rnn)
    assert auto.explored <= 1 + dfa.n_states * dfa.n_symbols  # one-hot states + start
    empty_rejected = DFA(dfa.alphabet, np.vstack([dfa.delta, dfa.delta[dfa.start]]),
                         dfa.n_states, np.append(dfa.accepting, False))
    same, witness = auto.minimal.equivalent(empty_rejected)
    assert same, witness


def test_units_are_labelled_by_state_and_symbol():
    dfa = DFA(("a", "b"), np.array([[1, 0], [1, 1]]), 0, np.array([False, True]))
    rnn = dfa_to_rnn(dfa)
    assert rnn.spec.hidden.labels == ("start", "q0/a", "q0/b", "q1/a", "q1/b")
    assert unit_label(1, "b") == "q1/b"
    w = np.asarray(rnn.params["W"])
    hid = rnn.spec.hidden
    # δ(q0, a) = q1: unit (q0, a) feeds every (q1, ·) and nothing else.
    col = w[:, hid.index("q0/a")]
    assert {hid.labels[i] for i in np.nonzero(col)[0]} == {"q1/a", "q1/b"}
