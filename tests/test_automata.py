"""Tests for succinct.automata.

Expected values come from outside the code under test: textbook sizes of minimal DFAs,
a plain-Python simulator over the raw transition lists, brute-force enumeration of words
in shortlex order, and Myhill–Nerode counts of distinct residual truth tables.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from succinct.automata import dfa as automata
from succinct.automata.dfa import (
    DFA,
    StateLimitExceeded,
    dfa_from_membership,
    dfa_from_transition_function,
    explore,
    words_of_length,
)

SYMBOLS = "abc"
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- independent reference helpers ------------------------------------------------------


def simulate(delta: list[list[int]], start: int, acc: list[bool], word) -> bool:
    q = start
    for a in word:
        q = delta[q][a]
    return acc[q]


def shortlex(k: int, max_len: int):
    for n in range(max_len + 1):
        yield from itertools.product(range(k), repeat=n)


def raw(dfa: DFA) -> tuple[list[list[int]], int, list[bool]]:
    return dfa.delta.tolist(), dfa.start, dfa.accepting.tolist()


def reachable_brute(delta, start) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        q = todo.pop()
        for t in delta[q]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def myhill_nerode_count(delta, start, acc, k: int) -> int:
    """Distinct behaviours of reachable states on all words of length < n (complete test)."""
    n = len(delta)
    words = list(shortlex(k, max(n - 1, 0)))
    behaviours = {
        tuple(simulate(delta, q, acc, w) for w in words) for q in reachable_brute(delta, start)
    }
    return len(behaviours)


@st.composite
def raw_dfas(draw, max_states: int = 8, k: int | None = None):
    k = k if k is not None else draw(st.integers(2, 3))
    n = draw(st.integers(1, max_states))
    delta = draw(
        st.lists(st.lists(st.integers(0, n - 1), min_size=k, max_size=k), min_size=n, max_size=n)
    )
    acc = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    start = draw(st.integers(0, n - 1))
    return k, delta, start, acc


def make(k, delta, start, acc) -> DFA:
    return DFA(
        tuple(SYMBOLS[:k]),
        np.array(delta, dtype=np.int64).reshape(len(delta), k),
        start,
        np.array(acc, dtype=bool),
    )


# ---- known minimal sizes ---------------------------------------------------------------


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8, 50])  # 50: "auto" falls back to Hopcroft
@pytest.mark.parametrize("method", ["auto", "moore", "hopcroft"])
def test_length_mod_m(m, method):
    # Non-minimal: count length mod 3m, accept multiples of m.
    big = 3 * m
    dfa = DFA.from_function("ab", big, lambda q, a: (q + 1) % big, 0, lambda q: q % m == 0)
    mini = dfa.minimize(method)
    assert mini.n_states == m
    for n in range(2 * big):
        assert mini.accepts_word("a" * n) == (n % m == 0)


def test_ab_plus_has_four_states():
    # (ab)+ with redundant states (two copies of the loop), partial: completed with a sink.
    trans = {
        "s": {"a": "p1"},
        "p1": {"b": "f1"},
        "f1": {"a": "p2"},
        "p2": {"b": "f2"},
        "f2": {"a": "p1"},
    }
    dfa = DFA.from_dict(trans, "s", ["f1", "f2"], alphabet="ab")
    assert dfa.n_states == 6
    mini = dfa.minimize()
    assert mini.n_states == 4
    for w in ["ab", "abab", "ababab"]:
        assert mini.accepts_word(w)
    for w in ["", "a", "ba", "aba", "abb", "abba"]:
        assert not mini.accepts_word(w)


def contains_aba(word: str) -> bool:
    return "aba" in word


def test_contains_aba_has_four_states():
    # State = (last two letters, seen) : far from minimal.
    dfa = dfa_from_transition_function(
        "ab",
        ("", False),
        lambda s, c: ((s[0] + c)[-2:], s[1] or (s[0] + c).endswith("aba")),
        lambda s: s[1],
    )
    assert dfa.n_states > 4
    mini = dfa.minimize()
    assert mini.n_states == 4
    for w in ("".join(p) for n in range(9) for p in itertools.product("ab", repeat=n)):
        assert mini.accepts_word(w) == contains_aba(w)
    assert mini.shortest_word() == (0, 1, 0)
    assert mini.decode(mini.shortest_word()) == "aba"


@pytest.mark.parametrize("w", ["a", "ab", "abba", "cabbac", "aaaaaaa"])
def test_singleton_language(w):
    alphabet = "abc"
    dead = "#"

    def step(prefix, c):
        if prefix == dead or not w.startswith(prefix + c):
            return dead
        return prefix + c

    dfa = dfa_from_transition_function(alphabet, "", step, lambda p: p == w)
    mini = dfa.minimize()
    assert mini.n_states == len(w) + 2
    assert mini.accepts_word(w) and not mini.accepts_word(w + "a") and not mini.accepts_word(w[:-1])


# ---- minimization vs brute force ------------------------------------------------------


@FAST
@given(raw_dfas())
def test_minimize_preserves_language_up_to_7(spec):
    k, delta, start, acc = spec
    mini = make(*spec).minimize()
    md, ms, ma = raw(mini)
    for w in shortlex(k, 7 if k == 2 else 6):
        assert simulate(md, ms, ma, w) == simulate(delta, start, acc, w)


@FAST
@given(raw_dfas())
def test_minimize_size_is_myhill_nerode(spec):
    k, delta, start, acc = spec
    dfa = make(*spec)
    expected = myhill_nerode_count(delta, start, acc, k)
    results = {m: dfa.minimize(m) for m in ("auto", "moore", "hopcroft")}
    for mini in results.values():
        assert mini.n_states == expected
    assert results["moore"] == results["hopcroft"] == results["auto"]
    assert results["auto"].minimize() == results["auto"]  # idempotent
    assert results["auto"].is_minimal()


@FAST
@given(raw_dfas(max_states=6), st.randoms(use_true_random=False))
def test_canonical_form_is_numbering_independent(spec, rnd):
    k, delta, start, acc = spec
    n = len(delta)
    perm = list(range(n))
    rnd.shuffle(perm)  # old state q becomes perm[q]
    pdelta = [[0] * k for _ in range(n)]
    pacc = [False] * n
    for q in range(n):
        pdelta[perm[q]] = [perm[t] for t in delta[q]]
        pacc[perm[q]] = acc[q]
    a = make(k, delta, start, acc).minimize()
    b = make(k, pdelta, perm[start], pacc).minimize()
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


def test_large_blown_up_dfa_methods_agree():
    # Base: q -> q+1 on a, q+2 on b, q on c (mod 60), accept 0. a^j tells all 60 apart.
    m, n = 60, 3000
    rng = np.random.default_rng(1)
    lab = np.concatenate([np.arange(m), rng.integers(0, m, n - m)])  # state i copies lab[i]
    copies = [np.flatnonzero(lab == q) for q in range(m)]
    delta = np.array(
        [[rng.choice(copies[(lab[i] + step) % m]) for step in (1, 2, 0)] for i in range(n)]
    )
    big = DFA("abc", delta, 0, lab == 0)
    for method in ("auto", "moore", "hopcroft"):
        mini = big.minimize(method)
        assert mini.n_states == m
        for w in ["", "a" * 60, "b" * 30, "ab" * 20 + "c", "a" * 59, "cab"]:
            assert mini.accepts_word(w) == ((w.count("a") + 2 * w.count("b")) % m == 0)


# ---- equivalence ------------------------------------------------------------------------


def first_difference(a, b, k: int, max_len: int):
    for w in shortlex(k, max_len):
        if simulate(*a, w) != simulate(*b, w):
            return w
    return None


@FAST
@given(st.data())
def test_equivalent_matches_brute_force(data):
    k = data.draw(st.integers(2, 3))
    spec1 = data.draw(raw_dfas(max_states=4, k=k))
    if data.draw(st.booleans()):
        spec2 = data.draw(raw_dfas(max_states=4, k=k))
    else:  # an equivalent DFA: a disjoint copy of the first with the start moved into it
        _, delta, start, acc = spec1
        n = len(delta)
        delta2 = delta + [[t + n for t in row] for row in delta]
        spec2 = (k, delta2, start + n, acc + acc)
    d1, d2 = make(*spec1), make(*spec2)
    # DFAs with n1, n2 reachable states that differ, differ on a word of length ≤ n1+n2-2.
    bound = len(reachable_brute(*spec1[1:3])) + len(reachable_brute(*spec2[1:3])) - 2
    expected = first_difference(spec1[1:], spec2[1:], k, bound)
    same, word = d1.equivalent(d2)
    if expected is None:
        assert (same, word) == (True, None)
    else:
        assert not same
        assert word == "".join(SYMBOLS[a] for a in expected)  # shortlex-least
        ids = d1.encode(word)
        assert simulate(*spec1[1:], ids) != simulate(*spec2[1:], ids)


def test_equivalent_empty_word_counterexample():
    a = DFA("ab", [[0, 0]], 0, [True])
    b = DFA("ab", [[0, 0]], 0, [False])
    assert a.equivalent(b) == (False, "")
    assert a.equivalent(a.minimize()) == (True, None)


# ---- products, complement, emptiness ---------------------------------------------------


@FAST
@given(st.data())
def test_product_ops_match_brute_force(data):
    k = data.draw(st.integers(2, 3))
    s1 = data.draw(raw_dfas(max_states=5, k=k))
    s2 = data.draw(raw_dfas(max_states=5, k=k))
    d1, d2 = make(*s1), make(*s2)
    ops = {
        "and": lambda x, y: x and y,
        "or": lambda x, y: x or y,
        "xor": lambda x, y: x != y,
        "diff": lambda x, y: x and not y,
    }
    prods = {op: d1.product(d2, op) for op in ops}
    comp = d1.complement()
    for w in shortlex(k, 5):
        x, y = simulate(*s1[1:], w), simulate(*s2[1:], w)
        for op, f in ops.items():
            assert simulate(*raw(prods[op]), w) == f(x, y)
        assert simulate(*raw(comp), w) == (not x)
    assert prods["and"].n_states <= len(s1[1]) * len(s2[1])
    assert (d1 & d2) == prods["and"] and (d1 | d2) == prods["or"] and (d1 ^ d2) == prods["xor"]
    assert ~d1 == comp


@FAST
@given(raw_dfas(max_states=6))
def test_shortest_word_and_emptiness(spec):
    k, delta, start, acc = spec
    dfa = make(*spec)
    expected = None
    for w in shortlex(k, len(delta)):  # a shortest accepted word is shorter than n
        if simulate(delta, start, acc, w):
            expected = w
            break
    assert dfa.shortest_word() == expected
    assert dfa.is_empty() == (expected is None)
    assert set(dfa.reachable_states().tolist()) == reachable_brute(delta, start)
    assert dfa.reachable_states()[0] == start


# ---- batched runs ----------------------------------------------------------------------


@FAST
@given(raw_dfas(), st.integers(0, 2**32 - 1))
def test_run_matches_simulation(spec, seed):
    k, delta, start, acc = spec
    dfa = make(*spec)
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, k, (40, 9))
    lengths = rng.integers(0, 10, 40)
    tokens[np.arange(9)[None, :] >= lengths[:, None]] = -7  # padding is ignored
    got = dfa.run(tokens, lengths)
    want = [simulate(delta, start, acc, tokens[i, : lengths[i]].tolist()) for i in range(40)]
    assert got.tolist() == want
    for i in range(5):
        word = "".join(SYMBOLS[a] for a in tokens[i, : lengths[i]])
        assert dfa.accepts_word(word) == want[i]


def test_run_edge_cases():
    dfa = DFA("ab", [[1, 0], [1, 0]], 0, [False, True])  # ends with a
    assert dfa.run(np.zeros((0, 3), dtype=np.int32), np.zeros(0, dtype=np.int32)).shape == (0,)
    assert dfa.run(np.zeros((2, 0), dtype=np.int32), np.zeros(2, dtype=np.int32)).tolist() == [
        False,
        False,
    ]
    assert dfa.run(np.array([[1, 0], [0, 1]])).tolist() == [True, False]


def test_words_of_length_is_lexicographic():
    got = [tuple(r) for r in words_of_length(3, 3).tolist()]
    assert got == list(itertools.product(range(3), repeat=3))
    assert words_of_length(2, 0).shape == (1, 0)


# ---- automata from membership oracles --------------------------------------------------


def word_hash_predicate(seed: int):
    def pred(word: tuple[int, ...]) -> bool:
        h = seed
        for a in word:
            h = (h * 1_000_003 + a + 1) % 2_147_483_647
        return (h * 2_654_435_761 + len(word)) % 7 < 3

    return pred


def oracle_from(pred, calls: list | None = None):
    def accepts_batch(tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        if calls is not None:
            calls.append((tokens.shape, lengths.copy()))
        return np.array([pred(tuple(tokens[i, : lengths[i]].tolist())) for i in range(len(tokens))])

    return accepts_batch


@FAST
@given(st.integers(2, 3), st.integers(0, 5), st.integers(0, 10**6))
def test_membership_matches_truth_table(k, max_len, seed):
    if k == 3:
        max_len = min(max_len, 4)
    pred = word_hash_predicate(seed)
    calls: list = []
    dfa = dfa_from_membership(SYMBOLS[:k], oracle_from(pred, calls), max_len, batch_size=7)
    assert all(lengths.min() >= 1 for _, lengths in calls)  # ε is never asked

    def in_lang(w):
        return 1 <= len(w) <= max_len and pred(w)

    d, s, acc = raw(dfa)
    for w in shortlex(k, max_len + 2):
        assert simulate(d, s, acc, w) == in_lang(w)
    # Myhill–Nerode: distinct residual truth tables over all prefixes (plus the dead one).
    residuals = {
        tuple(in_lang(u + v) for v in shortlex(k, max_len)) for u in shortlex(k, max_len + 1)
    }
    assert dfa.n_states == len(residuals)
    assert dfa.minimize() == dfa


@pytest.mark.parametrize(("m", "max_len"), [(1, 4), (3, 10), (4, 9), (5, 4)])
def test_membership_length_mod_m(m, max_len):
    def accepts_batch(tokens, lengths):
        return lengths % m == 0

    dfa = dfa_from_membership("ab", accepts_batch, max_len, pad_to=16)
    # Residuals of lengths 0..m*floor(L/m) are pairwise distinct, the rest are empty.
    top = m * (max_len // m)
    assert dfa.n_states == (top + 2 if top else 1)


def test_membership_singleton_and_guard():
    dfa = dfa_from_membership("abc", oracle_from(lambda w: w == (0, 1, 1, 0)), 5)
    assert dfa.n_states == 4 + 2
    with pytest.raises(ValueError, match=r"\b15 words\b"):
        dfa_from_membership("ab", oracle_from(lambda w: True), 3, max_words=10)
    assert dfa_from_membership("ab", oracle_from(lambda w: True), 0).n_states == 1


def test_membership_contains_aba_converges():
    # For max_len large, L ∩ Σ^{≤L} needs the length counter on top of the 4-state DFA.
    def accepts_batch(tokens, lengths):
        out = np.zeros(len(tokens), dtype=bool)
        for t in range(tokens.shape[1] - 2):
            hit = (tokens[:, t] == 0) & (tokens[:, t + 1] == 1) & (tokens[:, t + 2] == 0)
            out |= hit & (t + 2 < lengths)
        return out

    dfa = dfa_from_membership("ab", accepts_batch, 12)
    for w in ("".join(p) for n in range(15) for p in itertools.product("ab", repeat=n)):
        assert dfa.accepts_word(w) == (1 <= len(w) <= 12 and "aba" in w)


# ---- exploration -----------------------------------------------------------------------


def counter_step(states: np.ndarray, symbols: np.ndarray) -> np.ndarray:
    out = states.copy()
    out[:, 0] = (out[:, 0] + (symbols == 0)) % 3
    out[:, 1] = (out[:, 1] + (symbols == 1)) % 4
    return out


def counter_accept(states: np.ndarray) -> np.ndarray:
    return (states[:, 0] == 0) & (states[:, 1] == 0)


def test_explore_counter():
    dfa, n = explore(
        np.array([0, 0], dtype=np.int8), counter_step, counter_accept, 2, 100, alphabet="ab"
    )
    assert n == dfa.n_states == 12
    # The same machine through the pure-Python BFS gives the same (BFS-numbered) DFA.
    ref = dfa_from_transition_function(
        "ab",
        (0, 0),
        lambda s, c: ((s[0] + (c == "a")) % 3, (s[1] + (c == "b")) % 4),
        lambda s: s == (0, 0),
    )
    assert dfa == ref
    assert dfa.minimize().n_states == 12
    for w in ("".join(p) for n in range(8) for p in itertools.product("ab", repeat=n)):
        assert dfa.accepts_word(w) == (w.count("a") % 3 == 0 and w.count("b") % 4 == 0)
    small, _ = explore(
        np.array([0, 0]),
        counter_step,
        counter_accept,
        2,
        100,
        batch_size=3,
        bucket=False,
        alphabet="ab",
    )
    assert small == dfa


def test_explore_limit_reports_count():
    with pytest.raises(StateLimitExceeded, match="reached") as info:
        explore(np.array([0, 0]), counter_step, counter_accept, 2, 5)
    assert info.value.n_states > 5 and info.value.max_states == 5
    assert str(info.value.n_states) in str(info.value)
    with pytest.raises(StateLimitExceeded) as info2:
        dfa_from_transition_function("ab", 0, lambda q, c: q + 1, lambda q: False, max_states=9)
    assert info2.value.n_states == 10
    assert "10" in str(info2.value)


def test_explore_wide_states_with_many_collisions_in_hash_buckets():
    # 1000 states that are 16-dimensional one-hot-ish vectors: exercises the row index.
    def step(states, symbols):
        code = (states.argmax(axis=1) * 10 + states.max(axis=1) + symbols) % 1000
        out = np.zeros((len(states), 16), dtype=np.int64)
        out[np.arange(len(states)), code % 16] = code // 16 + 1
        return out

    start = np.zeros(16, dtype=np.int64)
    start[0] = 1
    dfa, n = explore(start, step, lambda s: s.max(axis=1) % 2 == 0, 3, 10_000)
    ref = dfa_from_transition_function(
        "012",
        tuple(start.tolist()),
        lambda s, c: tuple(step(np.array([s]), np.array([int(c)]))[0].tolist()),
        lambda s: max(s) % 2 == 0,
    )
    assert dfa == ref and n == ref.n_states


def test_product_exploration_path_matches_table(monkeypatch):
    rng = np.random.default_rng(7)
    pairs = []
    for _ in range(30):
        k = int(rng.integers(1, 4))
        n1, n2 = (int(x) for x in rng.integers(1, 9, 2))
        d1 = DFA(SYMBOLS[:k], rng.integers(0, n1, (n1, k)), 0, rng.random(n1) < 0.5)
        d2 = DFA(
            SYMBOLS[:k], rng.integers(0, n2, (n2, k)), int(rng.integers(n2)), rng.random(n2) < 0.5
        )
        pairs.append((d1, d2))
    tabulated = [d1.product(d2, op) for d1, d2 in pairs for op in ("and", "xor")]
    monkeypatch.setattr(automata, "_FULL_PRODUCT_ENTRIES", 0)
    explored = [d1.product(d2, op) for d1, d2 in pairs for op in ("and", "xor")]
    assert explored == tabulated


def test_row_index_is_exact_under_hash_collisions(monkeypatch):
    # A hash with only 3 values: every lookup goes through verification and the side dict.
    monkeypatch.setattr(
        automata,
        "_hash_rows",
        lambda rows: (np.abs(rows.astype(np.int64)).sum(axis=1) % 3).astype(np.uint64),
    )
    test_explore_counter()
    test_explore_wide_states_with_many_collisions_in_hash_buckets()
    test_membership_length_mod_m(3, 10)
    pred = word_hash_predicate(12345)
    dfa = dfa_from_membership("ab", oracle_from(pred), 5)
    for w in shortlex(2, 7):
        assert simulate(*raw(dfa), w) == (1 <= len(w) <= 5 and pred(w))


# ---- validation, constructors, display ---------------------------------------------------


def test_bad_inputs_raise_value_errors():
    with pytest.raises(ValueError, match="duplicate symbols.*'a'"):
        DFA(("a", "b", "a"), np.zeros((1, 3), dtype=int), 0, [False])
    with pytest.raises(ValueError, match="3 columns.*2 symbols"):
        DFA("ab", np.zeros((1, 3), dtype=int), 0, [False])
    with pytest.raises(ValueError, match=r"delta\[1, 0\].*= 5"):
        DFA("ab", [[0, 0], [5, 0]], 0, [False, False])
    with pytest.raises(ValueError, match="accepting must have shape"):
        DFA("ab", [[0, 0]], 0, [False, True])
    with pytest.raises(ValueError, match="start state 3"):
        DFA("ab", [[0, 0]], 3, [False])
    dfa = DFA("ab", [[0, 0]], 0, [True])
    with pytest.raises(ValueError, match=re.escape("'z'") + r".*\{a, b\}"):
        dfa.accepts_word("abz")
    with pytest.raises(ValueError, match=r"\{a, b\} vs \{a, c\}"):
        dfa.product(DFA("ac", [[0, 0]], 0, [True]), "and")
    with pytest.raises(ValueError, match=r"\{a, b\} vs \{b, a\}"):
        dfa.equivalent(DFA("ba", [[0, 0]], 0, [True]))
    with pytest.raises(ValueError, match="unknown product op"):
        dfa.product(dfa, "nand")
    with pytest.raises(ValueError, match=r"token 2 .*\{a, b\}"):
        dfa.run(np.array([[0, 2]]), np.array([2]))
    with pytest.raises(ValueError, match="unknown symbol 'x'.*alphabet"):
        DFA.from_dict({0: {"x": 0}}, 0, [], alphabet="ab")
    with pytest.raises(ValueError, match="missing transition from state 0 on symbol 'b'"):
        DFA.from_dict({0: {"a": 0}}, 0, [0], alphabet="ab", complete=False)
    assert DFA.from_dict({0: {"a": 0}}, 0, [0]).n_states == 1  # alphabet inferred: {a}
    with pytest.raises(ValueError):
        dfa.delta[0, 0] = 0  # read-only


def test_multichar_symbols_and_dot():
    dfa = DFA.from_dict(
        {"q": {"open": "r", "close": "q"}, "r": {"open": "r", "close": "q"}},
        "q",
        ["q"],
        alphabet=["open", "close"],
    )
    assert dfa.accepts_word("open close") and not dfa.accepts_word(["close", "open"])
    assert dfa.decode([0, 1]) == "open close"
    dot = dfa.to_dot()
    assert dot.startswith('digraph "DFA" {')
    assert "0 [shape=doublecircle]" in dot and "1 [shape=circle]" in dot
    assert '0 -> 1 [label="open"]' in dot and '1 -> 1 [label="open"]' in dot
    aba = DFA.from_dict({0: {"a": 1}, 1: {"b": 2}, 2: {"a": 3}, 3: {"a": 3, "b": 3}}, 0, [3])
    dot = aba.to_dot(hide_dead=True)
    assert "4 [" not in dot and '3 -> 3 [label="a,b"]' in dot
    assert "4 [shape=circle]" in aba.to_dot()


def test_canonical_drops_unreachable_states():
    # states 2 and 3 are unreachable; BFS order from start 1: 1 -> 0
    dfa = DFA("ab", [[0, 1], [0, 0], [3, 2], [2, 2]], 1, [True, False, True, False])
    can = dfa.canonical()
    assert can.n_states == 2
    assert can.delta.tolist() == [[1, 1], [1, 0]] and can.accepting.tolist() == [False, True]
    assert dfa.reachable_states().tolist() == [1, 0]
    assert not dfa.is_minimal() and can.is_minimal()


def test_oracle_and_callback_shape_errors():
    with pytest.raises(ValueError, match="membership oracle returned shape"):
        dfa_from_membership("ab", lambda tokens, lengths: np.zeros(3, dtype=bool), 2)
    with pytest.raises(ValueError, match="start must be integer state vectors"):
        explore(np.zeros(2), counter_step, counter_accept, 2, 10)  # float states
    with pytest.raises(ValueError, match=r"step_batch output must have shape \[batch, 2\]"):
        explore(np.zeros(2, dtype=int), lambda s, a: s[:, :1], counter_accept, 2, 10)
    with pytest.raises(ValueError, match="must be integer state vectors"):
        explore(np.zeros(2, dtype=int), lambda s, a: s * 0.5, counter_accept, 2, 10)
    with pytest.raises(ValueError, match="accepting state 7"):
        DFA.from_function("ab", 3, lambda q, a: q, 0, [7])


def test_repr_and_eq():
    a = DFA("ab", [[1, 0], [1, 0]], 0, [False, True])
    b = DFA(("a", "b"), np.array([[1, 0], [1, 0]], dtype=np.int16), 0, np.array([0, 1]))
    assert a == b and hash(a) == hash(b)
    assert a != a.complement()
    assert "n_states=2" in repr(a)
