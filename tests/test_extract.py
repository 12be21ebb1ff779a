"""Automata of recognizers: k-bit RNN extraction (Prop 1), exact and bounded DFAs.

Expected sizes come from textbook automata (counters modulo m, thresholds), from a
plain-Python BFS over the source DFA, and from brute-force membership of all short words.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from succinct.automata.dfa import DFA, StateLimitExceeded
from succinct.compiler.dfa_to_rnn import dfa_to_rnn
from succinct.exact.dispatch import bounded_dfa, exact_dfa, exact_support, extract_rnn, reject_empty
from succinct.models.rnn import RNNBuilder
from succinct.recognizer import Predicate
from succinct.words import Alphabet, SuccinctError

AB = Alphabet.of("ab")


def mod_counter(m: int) -> DFA:
    """#a ≡ 0 (mod m), over {a, b}."""
    return DFA.from_function("ab", m, lambda q, s: (q + (s == 0)) % m, 0, [0])


def words(symbols: str, max_len: int):
    for n in range(1, max_len + 1):
        yield from ("".join(w) for w in itertools.product(symbols, repeat=n))


def reachable(delta: list[list[int]], start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for t in delta[todo.pop()]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


@pytest.mark.parametrize("m", [1, 2, 3, 5])
def test_extraction_reproduces_counter_sizes(m):
    rnn = dfa_to_rnn(mod_counter(m))
    auto = extract_rnn(rnn)
    # Non-empty words with #a ≡ 0 (mod m): the m residues plus a start state that
    # rejects ε (for m = 1: Σ⁺, start and "accept").
    assert auto.minimal.n_states == m + 1
    # Minsky units: the start unit, then one unit (q, σ) per reachable q and symbol σ.
    assert auto.explored == 1 + m * 2
    assert auto.explored <= auto.bound == 2 ** (1 * rnn.units)
    assert auto.exact and auto.method == "rnn-extraction"


def test_extraction_of_random_dfas_matches_brute_force():
    rng = np.random.default_rng(7)
    n = 5  # one RNN shape: the jitted step compiles once
    for _ in range(4):
        delta = rng.integers(0, n, (n, 3))
        acc = rng.random(n) < 0.5
        dfa = DFA("abc", delta, 0, acc)
        auto = extract_rnn(dfa_to_rnn(dfa))
        reach = reachable(delta.tolist(), 0)
        assert auto.explored == 1 + 3 * len(reach)
        for w in words("abc", 5):
            q = 0
            for s in w:
                q = delta[q, "abc".index(s)]
            assert auto.minimal.accepts_word(w) == bool(acc[q]), w


def saturating_counter(bits: int, threshold: float):
    """One ReLU unit counting a's, clamped at 2^bits − 1 by the k-bit quantization."""
    b = RNNBuilder(AB, ["count"], activation="relu", bits=bits, readout={"count": 1},
                   readout_bias=-threshold)
    b.W[("count", "count")] = 1
    b.U[("count", "a")] = 1
    return b.build()


def test_multi_bit_extraction_meets_the_bound():
    rnn = saturating_counter(3, 2.5)  # accept iff at least three a's
    auto = extract_rnn(rnn)
    assert auto.explored == auto.bound == 8  # codes 0..7, all reachable
    assert auto.minimal.n_states == 4  # 0, 1, 2, ≥ 3 a's
    for w in words("ab", 7):
        assert auto.minimal.accepts_word(w) == (w.count("a") >= 3)


def test_state_limit_and_bad_input():
    rnn = dfa_to_rnn(mod_counter(9))
    with pytest.raises(StateLimitExceeded) as err:
        extract_rnn(rnn, max_states=5)
    assert err.value.n_states > 5 and "reached" in str(err.value)
    plain = RNNBuilder(AB, ["u"], activation="relu").build()
    with pytest.raises(SuccinctError, match="k-bit"):
        extract_rnn(plain)
    assert exact_support(plain) is not None
    with pytest.raises(SuccinctError, match="bounded check"):
        exact_dfa(Predicate(AB, lambda w: True))


def test_reject_empty_and_exact_dfa_of_a_dfa():
    all_words = DFA("ab", np.zeros((1, 2), int), 0, [True])  # Σ*, accepts ε
    plus = reject_empty(all_words)
    assert not plus.accepts_word("") and plus.accepts_word("ab")
    assert exact_dfa(all_words).minimal.n_states == 2  # Σ⁺: start and accept


def test_bounded_dfa_matches_membership():
    pred = Predicate(AB, lambda w: w.count("a") % 3 == 0 and w[-1] == "b")
    auto = bounded_dfa(pred, 6)
    assert not auto.exact and auto.max_len == 6 and auto.explored == 2**7 - 2
    for w in words("ab", 6):
        assert auto.minimal.accepts_word(w) == (w.count("a") % 3 == 0 and w[-1] == "b")
    for w in words("ab", 8):
        if len(w) > 6:
            assert not auto.minimal.accepts_word(w)


# ---- the paper's families ----------------------------------------------------------------
def family_model(name: str, model: str, **params):
    from succinct.registry import get_family

    fam = get_family(name)
    return fam.build(model, params), fam


def test_extraction_of_the_dc1_rnn():
    """The delay-line RNN of DC_1 is a DFA of |w_1| + 2 = 26 states."""
    rnn, fam = family_model("dc", "rnn", n=1)
    auto = extract_rnn(rnn)
    w_1 = next(iter(fam.members(fam.resolve({"n": 1}))))
    assert auto.minimal.n_states == len(w_1) + 2 == 26
    assert auto.minimal.decode(auto.minimal.shortest_word()) == w_1
    assert auto.explored <= auto.bound


@pytest.mark.parametrize("k,depth", [(1, 3), (2, 3)])
def test_extraction_reproduces_dyck_sizes(k, depth):
    """Dyck-(k, D) on non-empty words: one state per stack of height ≤ D (Σ_h k^h), a sink,
    and a start state that rejects ε."""
    dfa_model, _ = family_model("dyck", "dfa", k=k, D=depth)
    auto = extract_rnn(dfa_to_rnn(dfa_model))
    assert auto.minimal.n_states == sum(k**h for h in range(depth + 1)) + 2
