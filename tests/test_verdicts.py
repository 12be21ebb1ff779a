"""Size verdicts: exact values, exact crossovers, lower bounds for every model, and
conclusions that claim a gap only against a lower bound.

The expected values come from independent sources: sympy's own evaluation, a brute-force
scan written here, brute-force minima, the sizes counted on built RNNs, and Python's
integer bit lengths.
"""

import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the verdict commands)
from constructions import counter, dyck, khop
from constructions import wordproblem as wp
from succinct.cli.app import app
from succinct.coords import Space
from succinct.models.rnn import RNN
from succinct.models.specs import RNNSpec
from succinct.verdicts import (
    EXACT_BITS,
    Comparison,
    TooLarge,
    Verdict,
    dfa_table_bits,
    exact_value,
    log2_ceil,
    rnn_bits_bound,
    rnn_bits_bound_value,
    rnn_bits_relaxation,
)
from succinct.words import Alphabet, SuccinctError

x = sp.Symbol("x", positive=True, integer=True)


def cmp(left, right, opponent="built", **kw):
    return Comparison("A", "B", left, right, x, measure="params", opponent=opponent, **kw)


def brute_crossover(left, right, side, start, horizon):
    """Independent oracle: sympy's own evaluation at every x, then the least x0 such that
    ``side`` is strictly smaller at every x in [x0, horizon] (None if not at horizon)."""
    smaller = [(int(left.subs(x, v)) < int(right.subs(x, v))) if side == "left"
               else (int(right.subs(x, v)) < int(left.subs(x, v)))
               for v in range(start, horizon + 1)]
    if not smaller[-1]:
        return None
    x0 = horizon
    while x0 - 1 >= start and smaller[x0 - 1 - start]:
        x0 -= 1
    return x0


# ====================================================================== growth analysis
def test_growth_classes():
    a = cmp(3 * x**2 + 1, x**2).analysis
    assert (a.side, a.smaller, a.growth) == ("right", "B", "bounded")
    assert cmp(x**2 * sp.log(x), x).analysis.detail == "ratio ~ x^1 · log(x)^1"
    assert cmp(x * sp.log(x) ** 2, x).analysis.growth == "polylogarithmic"
    a = cmp(x**3, 2**x).analysis
    assert (a.smaller, a.growth, a.detail) == ("A", "exponential", "ratio ~ 2^x")
    assert cmp(x**x, 2**x).analysis.growth == "super-exponential"
    assert cmp(x**5, sp.cbrt(4**x)).analysis.detail == "ratio ~ (2^(2/3))^x"
    a = cmp(x, 2 ** (2**x)).analysis
    assert (a.growth, a.detail) == ("doubly exponential", "log(ratio) ~ 2^x")
    a = cmp(sp.oo, x).analysis
    assert (a.smaller, a.growth) == ("B", "infinite")
    assert cmp(sp.Rational(1, 2) * x, x).analysis.smaller == "A"


def test_ratio_one_is_decided_by_the_difference():
    """Planted bug: without the difference rule, 2^x + x vs 2^x is a "tie" and the kD row
    of every RNN family has no side."""
    a = cmp(2**x + x, 2**x).analysis
    assert (a.side, a.growth) == ("right", "bounded")
    assert cmp(x**2 - x, x**2).analysis.side == "left"
    assert cmp(x**2, x**2).analysis.side == "tie"
    assert cmp(x**2, x**2).crossover is None


def test_comparison_refuses_unknown_measure_opponent_and_range():
    with pytest.raises(SuccinctError, match="unknown measure 'weights'"):
        Comparison("A", "B", x, x, x, measure="weights", opponent="built")
    with pytest.raises(SuccinctError, match="opponent 'any'"):
        Comparison("A", "B", x, x, x, measure="bits", opponent="any")
    with pytest.raises(SuccinctError, match="start ≤ horizon"):
        cmp(x, x, start=5, horizon=4)


# ====================================================================== exact values
def test_exact_value_agrees_with_sympy_on_the_family_formulas():
    """Independent: sympy's own substitution, at values small enough for it."""
    f = counter.dc_formulas()
    n = sp.Symbol("n", positive=True, integer=True)
    for name in ("uhat_params", "rnn_params", "rnn_kD_lower_bound", "dfa_states", "rnn_bits"):
        for v in (1, 2, 3, 5, 8):
            assert exact_value(f[name], n, v) == int(f[name].subs(n, v)), (name, v)
    k, d = sp.Symbol("k", positive=True, integer=True), sp.Symbol("D", positive=True,
                                                                  integer=True)
    e = dyck.uhat_formulas()["params"].subs(d, 3)
    for v in (1, 2, 3, 4, 5, 17, 64):
        assert exact_value(e, k, v) == int(e.subs(k, v)), v
    for v in range(1, 300):
        assert exact_value(sp.floor(sp.log(x, 2)), x, v) == int(np.floor(np.log2(v)) + 0)
        assert exact_value(sp.ceiling(sp.log(x + 2, 2)), x, v) == (v + 1).bit_length()
        assert exact_value(log2_ceil(x), x, v) == max(1, int(np.ceil(np.log2(v))))


def test_exact_value_refuses_huge_and_irrational_values():
    """Planted bug: without the size check before a power, 2^(2^40) (128 GiB) is built
    (under a 6 GB ulimit: MemoryError instead of TooLarge)."""
    with pytest.raises(TooLarge):
        exact_value(2 ** (2**x) + 1, x, 40)
    assert exact_value(2 ** (2**x), x, 19).bit_length() == 2**19 + 1
    with pytest.raises(SuccinctError, match="cannot evaluate"):
        exact_value(sp.log(x), x, 3)
    with pytest.raises(SuccinctError, match="not an integer"):
        exact_value(x / 2, x, 3)


# ====================================================================== crossovers
CASES = [
    (x**3, 2**x), (100 * x**2, 2**x), (2**x, 1000 * x), (x**2 + 40, 7 * x),
    (3 * x**2 + 5, x**3), (x * 50, x**2 - 3 * x), (2**x + 3 * x, 2**x + 60),
    (x + 97, x**2 // 3), (sp.floor(x**3 / 7), 3 * x**2),
]


@pytest.mark.parametrize("left,right", CASES)
def test_crossover_equals_a_brute_force_scan(left, right):
    """Planted bugs: reporting the last x where the smaller side is NOT smaller (one
    less), or the first x where it is smaller (ignoring a later reversal), fails."""
    c = cmp(left, right, horizon=40)
    side = c.analysis.side
    assert side in ("left", "right")
    assert c.crossover == brute_crossover(left, right, side, 1, 40)


def test_crossover_handles_reversals_and_the_horizon():
    # 4x < (x − 5)² + 1 at x = 1, 2, not at 3 … 11, and from 12 on: the first x where
    # the left side is smaller (1) is not the crossover
    left, right = 4 * x, (x - 5) ** 2 + 1
    c = cmp(left, right, horizon=40)
    assert c.analysis.side == "left"
    assert c.crossover == brute_crossover(left, right, "left", 1, 40) == 12
    assert cmp(x**3, 2**x, horizon=9).crossover is None  # 2^x < x^3 up to 9
    assert cmp(x**3, 2**x, horizon=10).crossover == 10
    assert cmp(x**3, 2**x, start=12, horizon=20).crossover == 12


def test_a_huge_side_caps_the_horizon_and_says_so():
    c = cmp(x**9, 2 ** (2**x), horizon=64)
    assert c.evaluated_to == 19 and "capped at x = 19" in c.horizon_note
    assert c.crossover == brute_crossover(x**9, 2 ** (2**x), "left", 1, 6)
    assert c.row()["horizon"] == 19


# ====================================================================== lower bounds
def test_rnn_bits_bound_is_the_brute_force_minimum():
    """Planted bug: scanning only D = ⌊(L/6)^{1/3}⌋ (no neighbours) fails at L = 4."""
    for ell in range(1, 1500):
        brute = min(3 * d * d + -(-ell // d) for d in range(1, ell + 1))
        assert rnn_bits_bound_value(ell) == brute, ell
        assert 81 * ell**2 <= 4 * brute**3  # the real relaxation is below the integer one
    for ell in (10**6, 2**20 + 7):
        assert rnn_bits_bound_value(ell) == min(3 * d * d + -(-ell // d)
                                                for d in range(1, 400))
    assert rnn_bits_bound(sp.Integer(31)) == rnn_bits_bound_value(31)
    assert sp.simplify(rnn_bits_relaxation(sp.Integer(6))**3 - sp.Rational(729)) == 0


def _zero_rnn(units: int, bits: int, n_symbols: int) -> RNN:
    spec = RNNSpec(Alphabet.of([f"s{i}" for i in range(n_symbols)]),
                   Space.of(f"h{i}" for i in range(units)), "step", bits=bits)
    return RNN.create(spec, {"W": np.zeros((units, units)), "U": np.zeros((units, n_symbols)),
                             "b": np.zeros(units), "h0": np.zeros(units),
                             "readout": np.zeros(units), "readout_bias": 0.0})


def test_rnn_bits_bound_is_below_every_rnn_in_our_encoding():
    """The premise of the bound, checked on counted models: an RNN with D units at k bits
    costs at least 3D² + k bits (all-zero weights are the cheapest, 3 bits each), so
    every (k, D) with kD ≥ L costs at least B(L). Planted bug: charging 1 bit per zero
    weight in succinct.sizes makes the zero RNNs cheaper than the bound."""
    for ell in (1, 5, 12, 24):  # the RNN class takes k ≤ 24 (float32 exactness)
        for d in range(1, 7):
            k = -(-ell // d)
            counted = _zero_rnn(d, k, 3).size_report().bits
            assert counted >= 3 * d * d + k >= rnn_bits_bound_value(ell), (ell, d)


def test_bound_holds_for_the_built_k_bit_rnns():
    """Built 1-bit RNNs satisfy Prop 1 and the bits bound (counted, not from formulas)."""
    for nn in (1, 2):
        rep = counter.dc_rnn(nn).size_report()
        ell = (counter.dc_length(nn) + 1).bit_length()  # ⌈log₂(|w_n| + 2)⌉
        assert rep.state_bits >= ell and rep.bits >= rnn_bits_bound_value(ell)


def test_family_log2_formulas_are_the_bit_lengths_of_the_dfa_states():
    """Independent: Python's bit length of the state counts, built from the languages'
    definitions (|w_n| + 2 for DC_n; 2^(N+1)(N + 2) − N for E_N)."""
    n = sp.Symbol("n", positive=True, integer=True)
    f = counter.dc_formulas()
    for v in range(1, 12):
        states = (v + 2) * 2**v * 2 ** (2**v) + 2
        assert exact_value(f["rnn_kD_lower_bound"], n, v) == (states - 1).bit_length()
        assert exact_value(log2_ceil(f["dfa_states"]), n, v) == (states - 1).bit_length()
    for v in range(1, 65):  # the counter's note: L = N + 1 + ⌈log₂(N + 2)⌉
        states = 2 ** (v + 1) * (v + 2) - v
        assert (states - 1).bit_length() == v + 1 + (v + 1).bit_length()
    table = dfa_table_bits(sp.Integer(26), 5)
    assert table == 26 * 5 * 5


# ====================================================================== conclusions
def test_gap_only_from_every_rows():
    """Planted bug: counting a "built" row as a gap (gaps() ignoring the opponent) makes
    the first verdict claim one."""
    built = Verdict("f", "F", (cmp(x**3, 2**x, "built"),))
    assert built.gaps() == []
    assert not any(s.startswith("gap") for s in built.conclusions())
    assert "no gap is claimed for F" in built.conclusions()
    assert built.conclusions()[0].startswith("constructions only: the built A is smaller")
    every = Verdict("f", "F", (cmp(x**3, 2**x, "every"),))
    assert every.conclusions()[0] == ("gap: A (built) below every B under params from x = 10;"
                                      " exponential (ratio ~ 2^x)")


def test_bound_below_the_built_side_says_no_gap():
    v = Verdict("f", "F", (cmp(2**x, x**2, "every"), cmp(2**x, x**2 + 1, "built")))
    assert v.gaps() == []
    first = v.conclusions()[0]
    assert first.startswith("no gap shown under params: the bound for every B stays below")
    assert "the gap goes the other way among the constructions: the built B is smaller" \
        in first


def test_no_crossover_within_the_horizon_is_no_gap():
    v = Verdict("f", "F", (cmp(x**3, 2**x, "every", horizon=9),))
    assert v.gaps() == []
    assert v.conclusions()[0].startswith("no gap shown within the horizon")
    assert "but not within x ≤ 9" in v.conclusions()[0]


def test_a_built_model_below_its_own_bound_is_refused():
    """Planted bug: a built RNN's kD formula below Prop 1's bound (a wrong formula)."""
    c = Comparison("RNN", "RNN", x + 3, 2 * x, x, measure="kD", opponent="every")
    with pytest.raises(SuccinctError, match="below the bound for every RNN .* at x = 4"):
        Verdict("f", "F", (c,)).conclusions()


# ====================================================================== families
def _rows(v, **match):
    return [r for r in v.rows() if all(r[k] == val for k, val in match.items())]


def test_counter_claims_no_rnn_gap():
    """Planted bug: the old verdict compared the UHAT with the built RNN only and called
    the exponential ratio a gap."""
    v = counter.counter_verdict()
    assert not [c for c in v.gaps() if c.right == "RNN"]
    (row,) = _rows(v, left="UHAT", right="RNN", opponent="every")
    assert row["side"] == "right"
    text = " ".join(v.conclusions())
    assert "no gap shown" in text and "no RNN gap for E_N" in text
    assert not any(s.startswith("gap") and "every RNN" in s for s in v.conclusions())


def _dc_with_bits():
    """dc's verdict under bits (the formulas' uhat_bits, or 3·params + 2n + 2 — the ffn
    counts at n = 1, 2, 3 — where the formulas have none yet)."""
    f = dict(counter.dc_formulas())
    f.setdefault("uhat_bits", 3 * f["uhat_params"] + 2 * counter.n_sym + 2)
    return counter._verdict("dc", "DC_n", f, counter.n_sym, len(counter.DC_ALPHABET))


def test_dc_gap_against_every_rnn_with_an_exact_crossover():
    v = _dc_with_bits()
    (c,) = [c for c in v.comparisons if (c.right, c.opponent, c.measure) ==
            ("RNN", "every", "bits")]
    assert c in v.gaps() and isinstance(c.crossover, int)
    n = counter.n_sym

    def oracle(value):  # independent: brute-force minimum over D of the bits bound
        ell = (((value + 2) * 2**value * 2 ** (2**value) + 1).bit_length() if value <= 12
               else 2**value + value + (value + 2).bit_length())
        bound = min(3 * d * d + -(-ell // d) for d in range(1, 2 ** (value // 3 + 2)))
        return int(c.left_size.subs(n, value)) < bound

    below = [oracle(v_) for v_ in range(1, 41)]
    assert below[-1] and c.crossover == 40 - below[::-1].index(False) + 1
    assert any(s.startswith(f"gap: UHAT (built) below every RNN under bits (k-bit RNNs, "
                            f"Prop 1) from n = {c.crossover};") for s in v.conclusions())
    dfa = [c for c in v.comparisons if c.right == "DFA"][0]
    assert dfa.evaluated_to == 19 and dfa in v.gaps()


def test_dyck_rows_name_opponents_and_follow_the_formulas():
    v = dyck.verdict()
    assert {(r["right"], r["opponent"]) for r in v.rows()} == \
        {("RNN", "every"), ("DFA", "every"), ("RNN", "built")}
    (row,) = _rows(v, right="DFA", grows="D")
    assert row["side"] == "left" and row["growth"] == "exponential"
    uh = dyck.uhat_formulas()
    left = uh.get("bits", uh["params"]).subs(dyck.k, 2)
    assert v.comparisons[1].left_size == left


def test_khop_is_labelled_outside_the_model_and_wordproblem_claims_no_winner():
    v = khop.verdict()
    assert all("outside the paper's model (positional encodings)" in r["where"]
               for r in v.rows())
    assert all(r["opponent"] == "built" for r in v.rows()) and v.gaps() == []
    assert any("outside the paper's model" in s for s in v.conclusions())
    w = wp.verdict()
    assert not any("wins" in s for s in w.conclusions())
    gaps = {c.note for c in w.gaps()}
    assert gaps == {"parity", "s3", "s5"}  # no UHAT exists: not star-free
    assert not _rows(w, left="UHAT")  # no UHAT-vs-RNN rows on fixed aperiodic tables


# ====================================================================== command line
def test_verdict_json_rows_carry_opponent_measure_crossover_horizon():
    out = CliRunner().invoke(app, ["verdict", "dc", "--json"])
    assert out.exit_code == 0, out.output
    (fam,) = json.loads(out.output)
    rows = fam["rows"]
    assert all({"opponent", "measure", "crossover", "horizon"} <= set(r) for r in rows)
    every_rnn = [r for r in rows if r["right"] == "RNN" and r["opponent"] == "every"]
    assert every_rnn and all(isinstance(r["crossover"], int) for r in every_rnn)
    assert [r["horizon"] for r in rows if r["right"] == "DFA"] == [19]


def test_verdict_text_and_bad_input():
    out = CliRunner().invoke(app, ["verdict", "counter", "--horizon", "12"])
    assert out.exit_code == 0, out.output
    header = out.output.splitlines()[1]
    for col in ("opponent", "measure", "crossover", "horizon"):
        assert col in header
    assert "every RNN" in out.output and "no RNN gap for E_N" in out.output
    for args in (["verdict", "dc", "--horizon", "0"], ["verdict", "nosuchfamily"]):
        out = CliRunner().invoke(app, args)
        assert out.exit_code == 2 and len(out.output.strip().splitlines()) == 1, out.output
    assert EXACT_BITS == 2**20
