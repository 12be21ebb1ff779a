"""The growing composition families ``window``, ``monotone`` and ``cyclic``.

Languages are checked against definitions written here (a regular expression, a
subsequence test, a count), never the module's reference; sizes against the counted
arrays; DFA state counts against the closed forms 2^k, m, m; the verdicts' crossovers
against both sides evaluated here at integers.

Planted bugs, each seen to fail a test below and reverted:

* window: ``A_t`` reads ``A_{t−1}`` with the leftmost tie-break (``tie="left"``: the
  first position instead of the previous one) → the language tests and the unbounded
  test fail;
* window: the chain one attention short (``range(2, k)``) → the language tests and the
  k = 2 formula test fail;
* monotone: ``E_t := Q_{e_t} ∨ S_{t−1}`` (OR for AND) → the language tests and the
  unbounded test fail;
* monotone: the generator ``e_i`` moves ``i`` to ``i + 2`` (capped) → the DFA-state and
  language tests fail;
* cyclic: ``b`` also adds 1 → the language tests fail;
* the formulas: window's ``prev`` cost ``13R`` written ``12R``; monotone's schedule with
  the last ``S_{m−2}`` dropping one predicate (``X = 1``) → the formula tests fail;
* the witness: :func:`group_witness` returning the last generator whatever its period
  → the monotone witness test (it must find none) and the cyclic one (it names ``b``,
  period 1) fail;
* the verdict: the window DFA row with the table bits of ``2^{k−1}`` states → the
  crossover test fails;
* refusals: the DFA → RNN refusal predicting with the rnn2 formula → the too-large test
  fails (the message's number); ``_check_k`` accepting k = 0 → the bad-input test fails.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import sympy as sp

from constructions import composition as C
from constructions.wordproblem import NoUHATError, minimal_dfa
from succinct.automata.dfa import dfa_from_transition_function
from succinct.automata.monoid import is_aperiodic, syntactic_monoid, transition_monoid
from succinct.compiler.costs import compiled_op_formulas
from succinct.registry import get_family
from succinct.sizes import count, k
from succinct.verdicts import rnn_bits_bound_value
from succinct.verify import verify
from succinct.words import SuccinctError


def _words(symbols: str, longest: int) -> list[str]:
    return ["".join(w) for n in range(1, longest + 1)
            for w in itertools.product(symbols, repeat=n)]


# ====================================================================== oracles
def window_oracle(w: str, kk: int) -> bool:
    return re.fullmatch(f"[ab]*a[ab]{{{kk - 1}}}", w) is not None


def monotone_oracle(w: str, mm: int) -> bool:
    """``e_0 … e_{m−2}`` (letters a, b, …) is a subsequence of ``w``."""
    it = iter(w)
    return all(chr(ord("a") + i) in it for i in range(mm - 1))


def cyclic_oracle(w: str, mm: int) -> bool:
    return w.count("a") % mm == 0


def _models(name: str, params: dict, skip: tuple[str, ...] = ()) -> dict:
    fam = get_family(name)
    return {m: fam.build(m, params) for m in fam.models if m not in skip}


CASES = [
    ("window", {"k": 1}, "ab", 8, window_oracle, "k", ()),
    ("window", {"k": 2}, "ab", 8, window_oracle, "k", ()),
    ("window", {"k": 4}, "ab", 8, window_oracle, "k", ()),
    ("monotone", {"m": 2}, "a", 6, monotone_oracle, "m", ()),
    ("monotone", {"m": 3}, "ab", 7, monotone_oracle, "m", ()),
    ("monotone", {"m": 4}, "abc", 5, monotone_oracle, "m", ()),
    ("cyclic", {"m": 2, "T": 16}, "ab", 8, cyclic_oracle, "m", ("uhat",)),
    ("cyclic", {"m": 3, "T": 16}, "ab", 8, cyclic_oracle, "m", ("uhat",)),
]


@pytest.mark.parametrize("name,params,symbols,longest,oracle,key,skip", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_every_model_agrees_with_the_oracle_on_all_short_words(name, params, symbols,
                                                                longest, oracle, key, skip):
    """Every model equals the definition written here on all words up to ``longest``."""
    words = _words(symbols, longest)
    want = np.array([oracle(w, params[key]) for w in words])
    assert want.any() and (not want.all() or params == {"m": 2})  # m = 2: a⁺, all words
    for model, rec in _models(name, params, skip).items():
        got = np.asarray(rec.accepts(words))
        bad = [w for w, g, e in zip(words, got, want, strict=True) if g != e]
        assert not bad, (name, params, model, bad[:5])


@pytest.mark.parametrize("name,params", [("window", {"k": 5}), ("monotone", {"m": 6})])
def test_uhat_equals_a_dfa_of_the_oracle_on_all_words(name, params):
    """Unbounded: the exact automata of the B-RASP program and the compiled UHAT equal
    a DFA built here from the oracle's definition (a window of the last k letters; the
    greedy subsequence counter), on every word."""
    if name == "window":
        kk = params["k"]
        oracle = dfa_from_transition_function("ab", (), lambda q, s: (*q, s)[-kk:],
                                              lambda q: len(q) == kk and q[0] == "a")
    else:
        mm = params["m"]
        letters = "".join(chr(ord("a") + i) for i in range(mm - 1))
        oracle = dfa_from_transition_function(
            letters, 0, lambda q, s: q + 1 if q < mm - 1 and s == letters[q] else q,
            lambda q: q == mm - 1)
    models = _models(name, params)
    rep = verify({"oracle": oracle, "brasp": models["brasp"], "uhat": models["uhat"],
                  "rnn": models["rnn"]}, unbounded=True)
    assert rep.certificate is not None and rep.certificate.equal and rep.agree


@pytest.mark.parametrize("kk", [1, 2, 3, 5, 8])
def test_window_dfa_has_2_to_the_k_states(kk):
    """Minimization of the reference's automaton gives 2^k states (and the oracle's
    language: the DFA equals one built from the regular expression's definition)."""
    dfa = C.window_dfa(kk)
    assert dfa.n_states == 2**kk
    words = _words("ab", kk + 3)
    assert (dfa.accepts(words) == [window_oracle(w, kk) for w in words]).all()


@pytest.mark.parametrize("mm", [2, 3, 5, 9])
def test_monotone_and_cyclic_dfas_have_m_states(mm):
    assert minimal_dfa(C.monotone_table(mm)).n_states == mm
    assert minimal_dfa(C.cyclic_table(mm)).n_states == mm


def _order_preserving_extensive(mm: int) -> set[tuple[int, ...]]:
    return {f for f in itertools.product(range(mm), repeat=mm)
            if all(f[q] >= q for q in range(mm))
            and all(f[q] <= f[q + 1] for q in range(mm - 1))}


@pytest.mark.parametrize("mm", [2, 3, 4, 5, 6])
def test_monotone_generators_give_the_catalan_monoid(mm):
    """The e_i generate every order-preserving extensive map (enumerated here by brute
    force), C_m of them, and the monoid is aperiodic (``is_aperiodic``); so is the
    syntactic monoid."""
    gens = [m for _, m in C.monotone_table(mm).generators]
    mono = transition_monoid(gens, mm)
    assert mono == _order_preserving_extensive(mm)
    assert len(mono) == C.catalan(mm) == [1, 2, 5, 14, 42, 132][mm - 1]
    assert is_aperiodic(mono)
    assert is_aperiodic(syntactic_monoid(minimal_dfa(C.monotone_table(mm))))
    assert C.group_witness(minimal_dfa(C.monotone_table(mm))) is None


@pytest.mark.parametrize("mm", [2, 3, 6])
def test_no_uhat_for_cyclic_names_a_group_witness(mm):
    """ℤ_m is not aperiodic (``is_aperiodic``); the uhat model raises NoUHATError naming
    the letter a, whose map has period m."""
    dfa = minimal_dfa(C.cyclic_table(mm))
    assert not is_aperiodic(syntactic_monoid(dfa))
    with pytest.raises(NoUHATError, match=rf"witness the letter 'a'.*period p = {mm} > 1"):
        get_family("cyclic").build("uhat", {"m": mm})
    f, index, p = C.group_witness(dfa)
    assert p == mm and tuple(sorted(f)) == tuple(range(mm))
    assert f != tuple(range(mm))


def test_window_and_monotone_are_aperiodic():
    for kk in (1, 2, 3, 4):
        assert is_aperiodic(syntactic_monoid(C.window_dfa(kk)))


# ====================================================================== sizes
def test_op_costs_are_the_compilers():
    """The hard-coded per-op costs equal what the compiler's cost module derives from
    the programs, and ``bits = 3·params`` for every op."""
    costs = C.op_costs()
    seen = set()
    for compiled in (C.window_uhat(4), C.monotone_uhat(5)):
        for name, cost in compiled_op_formulas(compiled).items():
            kind = {"A": "prev", "S": "seen", "E": "and", "a": "or"}[name[0]]
            seen.add(kind)
            for key in ("layers", "params", "nonzero"):
                assert sp.expand(getattr(cost, key) - costs[kind][key]) == 0, (name, key)
            assert sp.expand(cost.bits - 3 * cost.params) == 0
    assert seen == set(costs)


UHAT_FIELDS = ("layers", "width", "params", "nonzero", "bits")


@pytest.mark.parametrize("kk", [1, 2, 3, 6, 20])
def test_window_formulas_equal_counted_sizes(kk):
    f = C.window_formulas()
    rep = count(C.window_uhat(kk).model)
    assert {key: int(f["uhat"][key].subs(k, kk)) for key in UHAT_FIELDS} == \
        {key: getattr(rep, key) for key in UHAT_FIELDS}
    assert int(f["uhat"]["params"].subs(k, kk)) == (6 if kk == 1 else 70 * kk - 84)
    shift = count(C.shift_rnn(kk))
    assert (shift.width, shift.params, shift.bits, shift.state_bits) == \
        (kk, kk**2 + 5 * kk + 1, *(int(f["shift"][x].subs(k, kk)) for x in ("bits", "kD")))
    assert shift.state_bits == _log2_ceil(2**kk)  # meets Prop 1's bound for 2^k states
    if kk <= 6:
        rnn, rnn2 = count(C.window_rnn(kk)), count(C.window_rnn2(kk))
        assert (rnn.width, rnn.params, rnn.bits, rnn.state_bits) == \
            tuple(int(f["rnn"][x].subs(k, kk)) for x in ("units", "params", "bits", "kD"))
        assert rnn.width == 2 ** (kk + 1) + 1
        assert (rnn2.width, rnn2.params) == \
            tuple(int(f["rnn2"][x].subs(k, kk)) for x in ("units", "params"))
        assert f["dfa"]["dfa_states"].subs(k, kk) == C.window_dfa(kk).n_states


@pytest.mark.parametrize("mm", [2, 3, 4, 7, 12])
def test_monotone_formulas_equal_counted_sizes(mm):
    f = C.monotone_formulas()
    rep = count(C.monotone_uhat(mm).model)
    assert {key: int(f["uhat"][key].subs(C.m, mm)) for key in UHAT_FIELDS} == \
        {key: getattr(rep, key) for key in UHAT_FIELDS}
    table = C.monotone_table(mm)
    rnn, rnn2 = count(C.table_rnn(table)), count(C.table_rnn2(table))
    assert (rnn.width, rnn.params, rnn.bits, rnn.state_bits) == \
        tuple(int(f["rnn"][x].subs(C.m, mm)) for x in ("units", "params", "bits", "kD"))
    assert rnn.width == mm * (mm - 1) + 1
    assert (rnn2.width, rnn2.params) == \
        tuple(int(f["rnn2"][x].subs(C.m, mm)) for x in ("units", "params"))
    assert f["monoid"]["monoid_size"].subs(C.m, mm) == C.catalan(mm)


@pytest.mark.parametrize("mm,tt", [(2, 8), (3, 16), (4, 5)])
def test_cyclic_formulas_equal_counted_sizes(mm, tt):
    f = C.cyclic_formulas()
    table = C.cyclic_table(mm)
    rnn, rnn2 = count(C.table_rnn(table)), count(C.table_rnn2(table))
    assert (rnn.width, rnn.params) == (2 * mm + 1, int(f["rnn"]["params"].subs(C.m, mm)))
    assert (rnn2.width, rnn2.params) == (mm, int(f["rnn2"]["params"].subs(C.m, mm)))
    scan = count(C.cyclic_scan(mm, tt))
    for key in ("layers", "width", "params"):
        assert getattr(scan, key) == int(f["scan"][key].subs({C.m: mm, C.T_sym: tt})), key


def test_size_reports_carry_formula_values_equal_to_counts():
    """``succinct sizes``'s reports: formula values equal the counted sizes."""
    for name, params in (("window", {"k": 3}), ("monotone", {"m": 4}),
                         ("cyclic", {"m": 3, "T": 8})):
        fam = get_family(name)
        reports = fam.sizes(fam.resolve(params))
        for model, rep in reports.items():
            for key, value in rep.formula_values.items():
                field = {"units": "width", "kD": "state_bits"}.get(key, key)
                if getattr(rep, field, None) is not None:
                    assert getattr(rep, field) == value, (name, model, key)
        assert reports["dfa"].extra["aperiodic"] == ("no" if name == "cyclic" else "yes")


# ====================================================================== verdicts
def _first_from(left, right, lo: int, hi: int) -> int | None:
    """The least x0 in [lo, hi] with left(x) < right(x) for every x in [x0, hi]."""
    first = None
    for x in range(hi, lo - 1, -1):
        if left(x) < right(x):
            first = x
        else:
            break
    return first


def _log2_ceil(x: int) -> int:
    return max(1, (x - 1).bit_length())


def test_window_verdict_crossovers():
    """Evaluated here on integers: UHAT bits 3(70k − 84) (18 at k = 1) against every DFA's
    table bits 2^k·2·k — a gap from k = 7; against every RNN (bits ≥ B(k)) the bound is
    smaller everywhere; the shift register's params k² + 5k + 1 exceed the UHAT's only
    from k = 64."""
    def uhat_bits(x: int) -> int:
        return 18 if x == 1 else 3 * (70 * x - 84)

    rows = {(c.right, c.opponent, c.measure, c.note): c
            for c in C.window_verdict().comparisons}
    dfa = next(c for key, c in rows.items() if key[0] == "DFA")
    assert dfa.crossover == _first_from(uhat_bits, lambda x: 2**x * 2 * x, 1, 64) == 7
    assert dfa in C.window_verdict().gaps()
    rnn = next(c for key, c in rows.items() if key[:3] == ("RNN", "every", "bits"))
    assert rnn.analysis.side == "right"
    assert all(rnn_bits_bound_value(x) < uhat_bits(x) for x in range(1, 65))
    shift = next(c for key, c in rows.items() if key[0] == "shift RNN")
    assert shift.crossover == _first_from(lambda x: uhat_bits(x) // 3,
                                          lambda x: x * x + 5 * x + 1, 1, 128) == 64
    assert "kD = k" in C.window_verdict().notes[0]


def test_monotone_verdict_has_no_gap_and_states_who_is_smaller():
    """Every RNN's bound and the DFA's table bits stay below the UHAT's bits
    (12m³ + 21m² − 30m − 9, 90 at m = 2); the UHAT's params fall below the DFA → RNN's
    ((m(m−1)+1)² + (m−1)(m(m−1)+1) + 3(m(m−1)+1) + 1) from m = 6."""
    v = C.monotone_verdict()
    assert v.gaps() == []

    def uhat_bits(x: int) -> int:
        return 90 if x == 2 else 12 * x**3 + 21 * x**2 - 30 * x - 9

    def uhat_params(x: int) -> int:
        return uhat_bits(x) // 3

    def rnn_params(x: int) -> int:
        u = x * (x - 1) + 1
        return u * u + (x - 1) * u + 3 * u + 1

    for x in range(2, 65):
        assert rnn_bits_bound_value(_log2_ceil(x)) < uhat_bits(x)
        assert x * (x - 1) * _log2_ceil(x) < uhat_bits(x)
    built = next(c for c in v.comparisons if c.opponent == "built")
    assert built.crossover == _first_from(uhat_params, rnn_params, 2, 64) == 6


def test_cyclic_verdict_states_nonexistence_against_every_uhat():
    v = C.cyclic_verdict()
    none = [c for c in v.comparisons if c.right == "UHAT"]
    assert none and all(c.opponent == "every" and c.right_size == sp.oo for c in none)
    assert all(c.analysis.growth == "infinite" for c in none)
    assert "m = 2 … 16" in v.notes[0]
    scan = next(c for c in v.comparisons if c.left.startswith("UHAT+PE"))
    assert scan.opponent == "built" and "outside the paper's model" in scan.note


def test_every_verdict_row_names_opponent_and_measure():
    for v in (C.window_verdict(), C.monotone_verdict(), C.cyclic_verdict()):
        for row in v.rows():
            assert row["opponent"] in ("built", "every") and row["measure"]
        v.conclusions()  # the built sides never fall below a bound of their own kind


# ====================================================================== bad input
@pytest.mark.parametrize("name,params,match", [
    ("window", {"k": 0}, "out of range"),
    ("monotone", {"m": 1}, "out of range"),
    ("cyclic", {"m": 1}, "out of range"),
    ("monotone", {"m": 28}, "out of range"),
])
def test_out_of_range_parameters_are_refused(name, params, match):
    with pytest.raises(SuccinctError, match=match):
        get_family(name).resolve(params)


def test_direct_calls_refuse_bad_sizes():
    with pytest.raises(SuccinctError, match="k ≥ 1"):
        C.window_program(0)
    with pytest.raises(SuccinctError, match="m ≥ 2"):
        C.monotone_alphabet(1)
    with pytest.raises(SuccinctError, match="m ≥ 2"):
        C.cyclic_table(1)


def test_too_large_constructions_are_refused_with_their_prediction():
    """The predicted sizes in the messages are the formulas' values."""
    f = C.window_formulas()
    with pytest.raises(SuccinctError, match=f"{int(f['rnn']['params'].subs(k, 12)):,} weights"):
        C.window_rnn(12)
    with pytest.raises(SuccinctError, match=f"{int(f['rnn2']['params'].subs(k, 12)):,} weights"):
        C.window_rnn2(12)
    with pytest.raises(SuccinctError, match="131,071 states"):
        C.window_dfa(16)  # its reference automaton: 2^17 − 1 windows
    predicted = int(C.cyclic_formulas()["scan"]["params"].subs({C.m: 40, C.T_sym: 64}))
    with pytest.raises(SuccinctError, match=f"{predicted:,} weights"):
        C.cyclic_scan(40, 64)
    # sizes still reports the formulas (and the UHAT, which is small)
    rep = get_family("window").sizes({"k": 40})
    assert rep["uhat"].params == 70 * 40 - 84 and "not_built" in rep["rnn"].extra
    assert rep["dfa"].dfa_states == 2**40
