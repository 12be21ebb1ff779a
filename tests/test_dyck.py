"""Dyck-(k, D): UHAT ≡ RNN ≡ reference ≡ minimal DFA, sizes, strategies, verdict.

**On all words** (every length): the exact automata of the UHAT and the B-RASP program
(:mod:`succinct.exact.two_sided`: they attend both ways) and of the RNN (extraction) equal the
minimal DFA, which is the reference's own stack automaton minimized; the DFA's number of
members of every length up to 40 equals the independent count ``k^n · paths(n, D)``.

**By running the models** (their jitted evaluators, one batched call per model and shape):
every word up to length 12 for k = 1; for k ≥ 2 "every word up to 12" is 4^12 or 6^12
words, so the exhaustive runs stop at length 8 (k = 2) and 6 (k = 3), completed by every
opener/closer *shape* up to length 12 with two type assignments each (one random, one
where matched pairs share a type, so members of every shape occur), and by hypothesis
members and near-misses up to length 32.
"""

from functools import cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from constructions import dyck
from succinct.automata.dfa import words_of_length
from succinct.compiler.costs import compiled_op_formulas
from succinct.exact.dispatch import extract_rnn, reject_empty
from succinct.recognizer import accepts
from succinct.registry import get_family
from succinct.sizes import D, count, k
from succinct.verify import verify
from succinct.words import SuccinctError, encode

CONFIGS = [(1, 3), (2, 2), (2, 3), (3, 2)]
EXHAUSTIVE = {1: 12, 2: 8, 3: 6}  # all words up to this length, per k
SHAPES = 12  # all opener/closer shapes up to this length


@cache
def models(nt: int, depth: int) -> dict:
    fam = get_family("dyck")
    p = {"k": nt, "D": depth}
    return {name: fam.build(name, p) for name in ("uhat", "rnn", "dfa")}


def dyck_paths(semilength: int, depth: int) -> int:
    """Dyck paths of the given semilength with height ≤ depth (DP over heights)."""
    ways = [1] + [0] * depth
    for _ in range(2 * semilength):
        ways = [(ways[h - 1] if h else 0) + (ways[h + 1] if h < depth else 0)
                for h in range(depth + 1)]
    return ways[0]


def shaped_words(nt: int, max_len: int, rng: np.random.Generator) -> np.ndarray:
    """Every opener/closer shape up to ``max_len``, typed randomly and pair-consistently."""
    rows = []
    for ell in range(1, max_len + 1):
        shapes = words_of_length(2, ell)  # 0 = opener, 1 = closer
        for consistent in (False, True):
            types = rng.integers(0, nt, size=shapes.shape)
            if consistent:
                for row, t in zip(shapes, types, strict=True):
                    stack = []
                    for i, closer in enumerate(row):
                        if not closer:
                            stack.append(i)
                        elif stack:
                            t[i] = t[stack.pop()]
            tokens = np.zeros((len(shapes), 16), np.int32)
            tokens[:, :ell] = shapes * nt + types
            rows.append((tokens, ell))
    return rows


def hypothesis_words(nt: int, depth: int) -> tuple[list, list]:
    """Members and near-misses drawn by the strategies (checked against the reference)."""
    good, bad = [], []

    @given(st.lists(dyck.members(nt, depth, max_len=32), min_size=1, max_size=32),
           st.lists(dyck.near_misses(nt, depth, max_len=32), min_size=1, max_size=32))
    def draw(members, misses):
        assert all(dyck.is_member(w, nt, depth) for w in members)
        assert not any(dyck.is_member(w, nt, depth) for w in misses)
        good.extend(members)
        bad.extend(misses)

    draw()
    return good, bad


def short_words(nt: int) -> tuple[np.ndarray, np.ndarray, int]:
    """All words up to EXHAUSTIVE[k], then the shaped words, padded to width 16; also
    the number of exhaustive rows."""
    parts, lens = [], []
    for ell in range(1, EXHAUSTIVE[nt] + 1):
        w = words_of_length(2 * nt, ell)
        t = np.zeros((len(w), 16), np.int32)
        t[:, :ell] = w
        parts.append(t)
        lens.append(np.full(len(w), ell, np.int32))
    n_exh = sum(len(x) for x in lens)
    if nt > 1:
        for t, ell in shaped_words(nt, SHAPES, np.random.default_rng(nt)):
            parts.append(t)
            lens.append(np.full(len(t), ell, np.int32))
    return np.concatenate(parts), np.concatenate(lens), n_exh


def chunks(tokens: np.ndarray, lengths: np.ndarray, size: int = 16384):
    """Fixed-shape slices (the last one padded by repeating its first row): one compile,
    and memory that stays small."""
    for i in range(0, len(lengths), size):
        t, n = tokens[i:i + size], lengths[i:i + size]
        m, pad = len(n), size - len(n) if len(lengths) > size else 0
        yield (np.concatenate([t, np.repeat(t[:1], pad, axis=0)]),
               np.concatenate([n, np.repeat(n[:1], pad)]), m)


def reference(tokens: np.ndarray, lengths: np.ndarray, nt: int, depth: int) -> np.ndarray:
    a = dyck.alphabet(nt)
    return np.array([dyck.is_member([a.symbols[x] for x in row[:n]], nt, depth)
                     for row, n in zip(tokens, lengths, strict=True)])


def check_models(nt: int, depth: int, tokens: np.ndarray, lengths: np.ndarray,
                 want: np.ndarray, evaluator: str = "dense") -> None:
    """Every model against ``want``, one call each (the UHAT on its dense path unless
    ``evaluator`` is "auto": the same exact arithmetic, and a far cheaper compile)."""
    a = dyck.alphabet(nt)
    for name, model in models(nt, depth).items():
        kw = {"evaluator": evaluator} if name == "uhat" else {}
        got = np.concatenate([model.accepts_batch(t, n, **kw)[:m]
                              for t, n, m in chunks(tokens, lengths)])
        wrong = np.nonzero(got != want)[0]
        assert not wrong.size, (name, a.to_word(tokens[wrong[0], :lengths[wrong[0]]]))


@pytest.mark.parametrize("nt,depth", CONFIGS)
def test_all_models_agree_on_short_words(nt, depth):
    """Every word up to EXHAUSTIVE[k] and every shape up to 12: one call per model."""
    tokens, lengths, n_exh = short_words(nt)
    want = reference(tokens, lengths, nt, depth)
    # Independent count: k^n bounded Dyck paths per even length 2n (exhaustive part).
    for ell in range(2, EXHAUSTIVE[nt] + 1, 2):
        got = int(want[:n_exh][lengths[:n_exh] == ell].sum())
        assert got == nt ** (ell // 2) * dyck_paths(ell // 2, depth), ell
    assert want.sum() > 100  # the shaped words make members frequent
    check_models(nt, depth, tokens, lengths, want)


@pytest.mark.parametrize("nt,depth", CONFIGS)
def test_all_models_agree_on_members_and_near_misses(nt, depth):
    """Hypothesis members and near-misses up to length 32, one call per model."""
    good, bad = hypothesis_words(nt, depth)
    tokens, lengths = encode(good + bad, dyck.alphabet(nt), pad_to=32)
    want = np.array([True] * len(good) + [False] * len(bad))
    assert (reference(tokens, lengths, nt, depth) == want).all()
    # The default (fast hard-attention) path once, on the largest configuration.
    check_models(nt, depth, tokens, lengths, want,
                 evaluator="auto" if (nt, depth) == (2, 3) else "dense")


@pytest.mark.parametrize("nt,depth", CONFIGS + [(4, 3), (5, 2)])
def test_rnn_language_is_the_minimal_dfa(nt, depth):
    """On all words: the RNN's extracted automaton equals the minimal DFA."""
    rnn = dyck.hewitt_rnn(nt, depth)
    extracted = extract_rnn(rnn).minimal
    assert extracted == reject_empty(dyck.minimal_dfa(nt, depth)).minimize()


@pytest.mark.parametrize("nt,depth", CONFIGS + [(1, 12), (2, 6), (4, 3)])
def test_all_models_agree_on_all_words(nt, depth):
    """The unbounded check: every model's exact automaton, one canonical minimal DFA
    (the Σ⁺ language: the formula's states plus a non-accepting start)."""
    fam = get_family("dyck")
    p = {"k": nt, "D": depth}
    report = verify({name: fam.build(name, p) for name in fam.models}, unbounded=True)
    assert report.agree and report.certificate.equal
    autos = report.certificate.automata
    assert {a.method for a in autos.values()} == {"state-machine", "uhat-exact", "brasp-exact",
                                                   "rnn-extraction", "dfa"}
    assert {a.minimal.n_states for a in autos.values()} == {dyck.dfa_states_value(nt, depth)
                                                            + 1}


@pytest.mark.parametrize("nt,depth", CONFIGS + [(2, 16)])
def test_member_counts_of_every_length(nt, depth):
    """Words of length ℓ ≤ 40 accepted by the minimal DFA (counted by dynamic
    programming over its states) = ``k^{ℓ/2} · paths(ℓ/2, D)`` for even ℓ, else 0."""
    dfa = dyck.minimal_dfa(nt, depth)
    ways = np.zeros(dfa.n_states, object)
    ways[dfa.start] = 1
    for ell in range(1, 41):
        nxt = np.zeros(dfa.n_states, object)
        for a in range(dfa.n_symbols):
            np.add.at(nxt, dfa.delta[:, a], ways)
        ways = nxt
        members = int(ways[dfa.accepting].sum())
        assert members == (nt ** (ell // 2) * dyck_paths(ell // 2, depth) if ell % 2 == 0
                           else 0), ell


def test_rnn_states_are_exactly_binary():
    rnn = dyck.hewitt_rnn(3, 3)
    for w in ["([{}])", "(((", ")", "([)]", "{}{}{}{}"]:
        hs = rnn.states(w)
        assert np.isin(hs, (0.0, 1.0)).all(), w


@pytest.mark.parametrize("nt,depth", [(1, 1), (1, 4), (2, 1), (2, 3), (3, 2), (3, 3),
                                      (4, 2), (5, 2)])
def test_minimal_dfa_size_formula(nt, depth):
    dfa = dyck.minimal_dfa(nt, depth)
    assert dfa.is_minimal()
    assert dfa.n_states == int(dyck.dfa_states_formula().subs({k: nt, D: depth}))
    # The Σ⁺ language (the start state no longer accepts) needs one more state.
    assert reject_empty(dfa).minimize().n_states == dfa.n_states + 1


def test_near_misses_include_too_deep_balanced_words():
    @given(dyck.near_misses(2, 2, max_len=20))
    def run(w):
        assert not dyck.is_member(w, 2, 2)

    run()
    deep = ("(", "[", "(", ")", "]", ")")
    assert dyck.is_member(deep, 2, 3) and not dyck.is_member(deep, 2, 2)
    assert dyck.program(2, 2).accepts(["([()])", "([])"]).tolist() == [False, True]


SIZE_GRID = [(1, 1), (1, 2), (1, 3), (1, 6), (2, 1), (2, 2), (2, 3), (2, 6), (3, 1), (3, 2),
             (3, 4), (4, 3), (5, 1), (5, 2), (5, 3), (9, 1), (17, 2)]


def _op_kinds(nt: int, depth: int) -> dict[str, tuple[str, dict]]:
    """Which kind of :func:`dyck.uhat_op_costs` (compact) every op of the program is, with
    the symbols to substitute (b, k, and c = the symbols of τ_r's OR gate)."""
    one = "_1" if nt == 1 else ""
    subs = {dyck.b_sym: dyck.type_bits(nt), k: nt}
    out = {"open": ("literal" if nt == 1 else "bracket", subs),
           "close": ("literal" if nt == 1 else "bracket", subs), "Z": ("final", subs)}
    for r in range(dyck.type_bits(nt)):  # codes t < k with bit r, opener and closer each
        out[f"tau{r}"] = ("type", subs | {dyck.c_sym: 2 * sum(t >> r & 1 for t in range(nt))})
    for ell in range(1, depth + 1):
        match = ("match_first" if ell == 1 else "match") + one
        out |= {f"L{ell}": (match, subs), f"R{ell}": (match, subs), f"U{ell}": ("unmatched", subs)}
    return out


@pytest.mark.parametrize("nt,depth", SIZE_GRID)
def test_size_formulas_equal_counted(nt, depth):
    """Compact mode (the default): the closed forms in k, D (layers, width, params,
    nonzero, bits) equal the counts on the built arrays; every op's polynomial in R, X
    that they sum is the compiler's own. (Planted bugs: U_ℓ dropping U_{ℓ−1} one round
    late in the schedule of the closed form; τ_r's inputs counted as k; each fails.)"""
    comp = dyck.compiled(nt, depth)
    rep = count(comp.model)
    assert comp.mode == "compact"
    assert dyck.uhat_formula_values(nt, depth) == {
        "layers": rep.layers, "width": rep.width, "params": rep.params,
        "nonzero": rep.nonzero, "bits": rep.bits}
    rnn = dyck.hewitt_rnn(nt, depth)
    subs = {k: nt, D: depth}
    assert rnn.units == int(dyck.rnn_units_formula().subs(subs))
    assert count(rnn).params == int(dyck.rnn_params_formula().subs(subs))
    mine = dyck.uhat_op_costs()
    costs = compiled_op_formulas(comp)
    assert set(costs) == set(_op_kinds(nt, depth))
    for op, (kind, s) in _op_kinds(nt, depth).items():
        c, f = costs[op], {key: e.subs(s) for key, e in mine[kind].items()}
        assert sp.expand(c.params - f["params"]) == 0, op
        assert sp.expand(c.nonzero - f["nonzero"]) == 0, op
        assert sp.expand(c.bits - 3 * c.params - f["extra_bits"]) == 0, op
        assert c.layers == f["layers"], op


@pytest.mark.parametrize("nt,depth", [(1, 1), (1, 3), (2, 1), (2, 2), (3, 2), (4, 3),
                                      (5, 2), (9, 1), (17, 2)])
def test_ffn_size_formulas_equal_counted(nt, depth):
    """The "ffn" closed forms (every predicate kept: width 2k + 5b + 3D + 2)."""
    comp = dyck.compiled(nt, depth, "ffn")
    rep = count(comp.model)
    assert (rep.layers, rep.width, rep.params) == tuple(
        dyck.uhat_formula_values(nt, depth, "ffn")[x] for x in ("layers", "width", "params"))
    mine = {key: f["params"].subs(dyck.b_sym, dyck.type_bits(nt))
            for key, f in dyck.uhat_op_costs("ffn").items()}
    costs = compiled_op_formulas(comp)
    expect = {"open": "literal" if nt == 1 else "local", "L1": "match1" if nt == 1 else "match",
              "R1": "match1" if nt == 1 else "match", "U1": "local", "Z": "final"}
    for op, key in expect.items():
        assert sp.expand(costs[op].params - mine[key]) == 0, op


def test_compact_width_does_not_grow_with_depth():
    """The issue's targets: Dyck-(k, D) width independent of D (counted on the built
    models), and Dyck-(1, 16) (words of length 32) within 15,000 dense params."""
    for nt in (1, 2, 3):
        widths = {count(dyck.compiled(nt, depth).model).width for depth in (2, 5, 9)}
        assert widths == {2 * nt + 5 * dyck.type_bits(nt) + 6}, nt
    assert count(dyck.compiled(1, 16).model).params <= 15_000
    with pytest.raises(SuccinctError, match="closed forms for compile modes compact and ffn"):
        dyck.uhat_formulas("lemma9")


def test_hewitt_count_for_powers_of_two():
    """Hewitt et al.'s 6D log2 k − 2D stack units, plus 2 log2 k + 2 violation units."""
    for nt, depth in [(2, 3), (4, 2), (8, 4)]:
        b = int(np.log2(nt))
        assert dyck.hewitt_rnn(nt, depth).units == 6 * depth * b - 2 * depth + 2 * b + 2


def test_program_shape():
    for nt, depth in [(1, 2), (3, 4)]:
        prog = dyck.program(nt, depth)
        assert len(prog.attention_ops) == 2 * depth + 1
        assert {op.mask for op in prog.attention_ops} == {"future", "past"}
        assert prog.accept_at == "last"


def test_token_syntax_beyond_four_types():
    a = dyck.alphabet(6)
    assert a.symbols[0] == "(1" and a.symbols[-1] == ")6"
    words = ["(1 (6 )6 )1", "(1 )2", "(3 )3 (4 )4", "(1 (2 (3 )3 )2 )1"]
    fam = get_family("dyck")
    for name in ("reference", "brasp", "rnn", "dfa"):
        m = fam.build(name, {"k": 6, "D": 2})
        assert accepts(m, words).tolist() == [True, False, True, False], name
        with pytest.raises(SuccinctError, match="unknown symbol"):
            accepts(m, ["(1 )7"])


def test_verdict_is_computed():
    v = dyck.verdict()
    assert v.conclusions() == ["no exponential gap for Dyck under the paper's size measure"]
    rows = {(r["left"], r["right"], r["grows"]): r for r in v.rows()}
    assert rows[("UHAT", "RNN", "D")]["growth"] == "polynomial"
    assert rows[("RNN", "DFA", "D")]["growth"] == "exponential"
    assert rows[("RNN", "DFA", "D")]["smaller"] == "RNN"


def test_cli_sizes_include_dfa_states():
    import json

    from typer.testing import CliRunner

    from succinct.cli.app import app

    out = CliRunner().invoke(app, ["sizes", "dyck", "-p", "k=2", "-p", "D=2", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)["models"]
    assert report["dfa"]["dfa_states"] == 8  # (2^3 − 1)/(2 − 1) + 1
    assert report["uhat"]["formula_totals"]["params"] == report["uhat"]["params"]
    for name in ("uhat", "rnn", "dfa"):
        for key in ("params", "layers", "width", "bits", "formulas"):
            assert key in report[name], (name, key)
