"""The holonomy (Krohn–Rhodes) decomposition: covers, languages, sizes, refusals.

Independent sources of the expected values: the table's own minimal DFA (the language,
compared on all words through the exact automaton of the compiled UHAT,
:func:`succinct.exact.future.uhat_dfa`), a covering map re-checked transition by
transition, and the levels/tiles of a small table worked out by hand.

Planted bugs, each seen to fail these tests, then reverted:

* ``to_actual``/``to_rep`` replaced by the identity (the representative transfer
  dropped): the second hand-checked example fails (HolonomyBug "no tile contains");
  random tables rarely reach a non-representative set (4 of 3000 in a run of the same
  strategy), so the 120 hypothesis examples alone did not catch it;
* ``tile_of`` returns the *last* tile of ``B`` instead of one containing ``A·σ`` (a wrong
  tile): 10 of the 15 tests fail (random tables, every decomposed built-in, both hand
  examples, show, sizes);
* the identity case (2.) never taken, so level actions become resets: the random tables,
  the flip-flop and the transfer example fail (HolonomyBug: not a function of the
  higher levels);
* tiles computed as all proper members of ``I`` instead of the maximal ones: both hand
  examples, the prediction, the sizes and ``show`` fail (widths); the random tables
  still pass, as that cascade is larger but still covers;
* the accepting assignments shrunk without looking at the rejecting tuples: the random
  tables, the built-ins, the transfer example and the JSON table fail (languages).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from constructions import wordproblem as wp
from succinct.automata.dfa import DFA
from succinct.automata.monoid import compose, is_aperiodic, transition_monoid
from succinct.cli.app import app
from succinct.compiler.brasp_to_uhat import compile_program
from succinct.exact.dispatch import reject_empty
from succinct.exact.future import uhat_dfa
from succinct.programs.brasp import Attend
from succinct.programs.holonomy import decompose
from succinct.registry import get_family
from succinct.words import SuccinctError


def check_covering(dec, dfa: DFA) -> None:
    """φ(initial) = q₀ and φ(c·σ) = δ(φ(c), σ) on every reachable tuple, recomputed with
    the cascade's step; the accepting assignments hold exactly on φ⁻¹(F)."""
    cas, cover = dec.cascade, dec.covering
    syms = dfa.alphabet.symbols
    assert cover[cas.initial] == dfa.start
    for c, q in cover.items():
        assert cas.accepts_state(c) == bool(dfa.accepting[q])
        for a, s in enumerate(syms):
            assert cover[cas.step(c, s)] == int(dfa.delta[q, a])


def same_language_unbounded(dec, dfa: DFA) -> None:
    """The exact automaton of the compiled UHAT equals the minimal DFA on all non-empty
    words."""
    model = compile_program(dec.cascade.program(), "compact").model
    mine = uhat_dfa(model)[0].minimize()
    assert mine == reject_empty(dfa).minimize()


@st.composite
def aperiodic_tables(draw):
    """Tables on 2–5 states with 1–3 generators, each a composition of 1–3 random
    idempotents (a retraction onto a random image set) and constant maps; kept when the
    monoid is aperiodic. Sizes are capped so the exact check stays well under a second."""
    n = draw(st.integers(2, 5))
    maps = []
    for _ in range(draw(st.integers(1, 3))):
        f = tuple(range(n))
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                g = (draw(st.integers(0, n - 1)),) * n
            else:
                image = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))
                g = tuple(q if q in image else draw(st.sampled_from(image)) for q in range(n))
            f = compose(f, g)
        maps.append(f)
    assume(is_aperiodic(transition_monoid(maps, n)))
    accepting = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    return DFA(tuple("abc"[:len(maps)]), np.array(maps).T, draw(st.integers(0, n - 1)),
               accepting)


@given(aperiodic_tables())
def test_random_aperiodic_tables_decompose_and_compile(dfa):
    """Both the table and its minimal DFA: the cascade covers it, and the compiled UHAT
    accepts the same words on all lengths."""
    minimal = dfa.minimize()
    for target in (dfa, minimal):
        dec = decompose(target)
        check_covering(dec, target)
        assert all(len(c.states) == w for c, w in zip(dec.cascade.components, dec.widths,
                                                       strict=True))
    same_language_unbounded(decompose(minimal), minimal)


@pytest.mark.parametrize("name", ["flipflop", "lasttwo", "endsab"])
def test_aperiodic_builtins_unbounded(name):
    """Every aperiodic built-in: its family UHAT, and the holonomy cascade of its minimal
    DFA, accept the table's language on all words."""
    table = wp.BUILTIN[name]
    dfa = wp.minimal_dfa(table)
    want = reject_empty(dfa).minimize()
    assert uhat_dfa(wp.uhat(table).model)[0].minimize() == want
    dec = decompose(dfa)
    check_covering(dec, dfa)
    same_language_unbounded(dec, dfa)


def test_endsab_takes_the_decomposition_path():
    """``endsab`` is neither a reset table nor a cascade: its UHAT is the holonomy
    cascade's program, and ``show`` describes it."""
    table = wp.BUILTIN["endsab"]
    assert table.cascade is None
    assert wp.decomposition(table) is not None
    assert wp.decomposition(wp.BUILTIN["flipflop"]) is None
    assert wp.decomposition(wp.BUILTIN["lasttwo"]) is None  # given as a cascade
    text = get_family("wordproblem").describe("uhat", {"monoid": "endsab", "T": 4})
    assert "2 level(s)" in text and "covering map" in text


def test_show_reports_the_decomposition():
    """``succinct show wordproblem -p monoid=endsab --model uhat``: levels, components
    with states and rule counts, the covering map, then the UHAT's layers; the other
    models and the reset tables print no decomposition."""
    run = CliRunner()
    out = run.invoke(app, ["show", "wordproblem", "-p", "monoid=endsab", "--model", "uhat"])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "holonomy decomposition: 2 level(s), widths [2, 3]" in text
    assert "level h2 (height 2): 2 states" in text and "reset rules" in text
    assert "(1<0.1.2, *) ↦ 1" in text
    assert text.index("covering map") < text.index("UHAT over {a, b}")
    out = run.invoke(app, ["show", "wordproblem", "-p", "monoid=flipflop", "--model", "uhat"])
    assert "a reset table" in out.output and "holonomy" not in out.output
    out = run.invoke(app, ["show", "wordproblem", "-p", "monoid=endsab", "--model", "dfa"])
    assert "holonomy" not in out.output


def test_hand_checked_example():
    """``endsab`` on its own numbering: Q = {0, 1, 2}, a = (1, 1, 1), b = (0, 2, 0).

    By hand: Q·a = {1}, Q·b = {0, 2}, {0, 2}·a = {1}, {0, 2}·b = {0}, {1}·b = {2}, so
    I = {Q, {0, 2}, {0}, {1}, {2}} (|I| = 5). Heights: singletons 0; {0, 2} ≤ Q but not
    back, only singletons strictly below {0, 2}: h({0, 2}) = 1, h(Q) = 2. Tiles of Q:
    {0, 2} and {1} ({0}, {2} lie inside {0, 2}); tiles of {0, 2}: {0}, {2}. Both are
    their own classes. Levels: height 2 (Q: 2 tiles → 2 states), height 1 ({0, 2}:
    2 tiles, plus * for the chain Q ⊋ {1} that skips it → 3 states). Covering:
    0 ↦ ({0,2}, {0}), 1 ↦ ({1}, *), 2 ↦ ({0,2}, {2}).
    """
    table = wp.BUILTIN["endsab"]
    dec = decompose(table.dfa())
    assert dec.image_sets == 5
    assert [lev.height for lev in dec.levels] == [2, 1]
    assert dec.widths == (2, 3) and dec.total_states == 5
    q, s02 = frozenset({0, 1, 2}), frozenset({0, 2})
    assert dec.levels[0].representatives == (q,)
    assert set(dec.levels[0].tiles[0]) == {s02, frozenset({1})}
    assert dec.levels[1].representatives == (s02,)
    assert set(dec.levels[1].tiles[0]) == {frozenset({0}), frozenset({2})}
    assert sorted(dec.covering.items(), key=lambda kv: kv[1]) == [
        (("0.2<0.1.2", "0<0.2"), 0), (("1<0.1.2", "*"), 1), (("0.2<0.1.2", "2<0.2"), 2)]


def test_cascade_sizes_equal_the_counted_program():
    """endsab's UHAT sizes report its cascade: 2 levels, widths 2+3 (hand example above),
    and ``Σ|S_k| + Σ_{k read}|S_k|`` = 5 + 2 attention ops (h1's rules read h2), equal to
    the attention ops counted in the program."""
    table = wp.BUILTIN["endsab"]
    extra = wp.sizes({"monoid": "endsab", "T": 4})["uhat"].extra
    assert (extra["cascade_levels"], extra["cascade_widths"], extra["cascade_states"]) == \
        (2, "2+3", 5)
    counted = sum(1 for op in wp.uhat_program(table).ops if isinstance(op, Attend))
    assert extra["program_attention_ops"] == counted == 7


def test_hand_checked_transfer_between_equivalent_sets():
    """Q = {0, 1, 2}, a = (0, 1, 1), b = (0, 2, 2), q₀ = 2, F = {0, 2}: the smallest random
    table (of 3000) on which dropping the representative transfer fails.

    By hand: Q·a = {0, 1}, Q·b = {0, 2}, {0, 1}·b = {0, 2}, {0, 2}·a = {0, 1}, so
    I = {Q, {0, 1}, {0, 2}, {0}, {1}, {2}} (|I| = 6) and {0, 1} ≡ {0, 2}, representative
    {0, 1} (first in the order: larger, then lexicographic), transfer g = b|_{0,1}:
    0 ↦ 0, 1 ↦ 2. Heights: h({0, 1}) = h({0, 2}) = 1, h(Q) = 2; tiles of Q: {0, 1},
    {0, 2}; of {0, 1}: {0}, {1}. Widths (2, 3). q₀ = 2: the first tile of Q holding 2 is
    {0, 2}, and 2 = g(1), so the start is ({0,2}<Q, {1}<{0,1}). Reading a: Q·a = {0, 1}
    ⊊ Q, a reset to the tile {0, 1}; below, {0, 2}·a = {0, 1} is the new set, a
    bijection, so level 1 keeps {1}, now meaning state 1 = δ(2, a). Reachable from
    2: {1, 2}, so φ has exactly these two tuples.
    """
    dfa = DFA(("a", "b"), np.array([(0, 1, 1), (0, 2, 2)]).T, 2, np.array([1, 0, 1], bool))
    dec = decompose(dfa)
    assert dec.image_sets == 6 and dec.widths == (2, 3)
    assert dec.levels[1].representatives == (frozenset({0, 1}),)
    assert set(dec.levels[0].tiles[0]) == {frozenset({0, 1}), frozenset({0, 2})}
    assert dec.covering == {("0.2<0.1.2", "1<0.1"): 2, ("0.1<0.1.2", "1<0.1"): 1}
    check_covering(dec, dfa)
    same_language_unbounded(dec, dfa)


@pytest.mark.parametrize("name", ["parity", "s3", "s5"])
def test_groups_refused_with_a_witness(name):
    """A non-trivial group: the library and the family name a word x with x^k = x^{k+p},
    p > 1 (checked here by composing the word's maps)."""
    table = wp.BUILTIN[name]
    with pytest.raises(SuccinctError, match=r"x = '(\w+)' \(the map .*\) has x\^1 = x\^3"):
        decompose(table.dfa())
    with pytest.raises(wp.NoUHATError, match="witness x = 't'|witness x = 'a'"):
        wp.uhat_program(table)
    maps = dict(table.generators)
    swap = maps["t" if "t" in maps else "a"]
    assert compose(swap, swap) != swap and compose(compose(swap, swap), swap) == swap


def test_predicted_too_large_is_refused():
    """Limits below the sizes of endsab's decomposition (hand-checked example below):
    refused with the prediction."""
    dfa = wp.BUILTIN["endsab"].dfa()
    with pytest.raises(SuccinctError, match="more than 4 image sets"):
        decompose(dfa, max_image_sets=4)
    # tile chains by hand: Q ⊋ {0,2} ⊋ {0}, Q ⊋ {0,2} ⊋ {2}, Q ⊋ {1}
    with pytest.raises(SuccinctError, match=r"up to 3 cascade state tuples \(tile chains.*"
                                            r"levels of \[2, 3\] states\), more than 2"):
        decompose(dfa, max_tuples=2)


def test_table_errors_name_the_entry(tmp_path):
    fam = get_family("wordproblem")
    base = {"states": ["0", "1"], "initial": "0", "accepting": ["1"]}
    cases = [({"a": {"0": "1", "1": "7"}}, "generator 'a' maps state '1' to '7', which is "
                                            "not a state"),
             ({"a": {"0": "1"}}, "generator 'a': missing image of state '1'"),
             ({"a": {"0": "1", "1": "0", "x": "0"}}, "generator 'a' maps 'x', which is not"),
             ({"a": ["0", "1"]}, "generator 'a' must be an object")]
    for k, (gens, message) in enumerate(cases):
        path = tmp_path / f"t{k}.json"
        path.write_text(json.dumps(base | {"generators": gens}))
        with pytest.raises(SuccinctError, match=message):
            fam.build("reference", {"monoid": str(path)})


def test_json_table_without_cascade_gets_a_uhat(tmp_path):
    """A JSON table that is neither a reset table nor a cascade (a 3-state saturating
    counter: u moves 0 → 1 → 2 → 2, r resets to 0; accept in state 1) now compiles."""
    path = tmp_path / "count.json"
    path.write_text(json.dumps({
        "states": ["0", "1", "2"], "initial": "0", "accepting": ["1"],
        "generators": {"u": {"0": "1", "1": "2", "2": "2"}, "r": {"0": "0", "1": "0",
                                                                  "2": "0"}}}))
    table = wp.load_table(str(path))
    assert wp.decomposition(table) is not None
    words = ["u", "uu", "ru", "uru", "urr", "uuru", "r"]
    want = [w.split("r")[-1].count("u") == 1 for w in words]
    assert list(wp.uhat(table).model.accepts(words)) == want
