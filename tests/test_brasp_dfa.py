"""Exact automata of strict-future programs and UHATs, checked against bounded evaluation.

The oracles are independent evaluators on every word up to a length: the B-RASP
interpreter (O(N²) definition for general scores), the LTL evaluator (recursive
unfolding), and a UHAT's dense O(N²) forward pass.
"""

from __future__ import annotations

import itertools

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from succinct.automata.dfa import StateLimitExceeded
from succinct.compiler.brasp_to_uhat import compile_program
from succinct.exact.future import program_dfa, uhat_dfa
from succinct.programs.brasp import TRUE, ProgramBuilder
from succinct.programs.ltl import Atom, Binary, Bottom, Language, Top, Unary, parse, to_brasp
from succinct.testing.strategies import programs
from succinct.verify import verify
from succinct.words import Alphabet, SuccinctError, encode

AB = Alphabet.of("ab")
ALL_AB_7 = ["".join(w) for n in range(1, 8) for w in itertools.product("ab", repeat=n)]
TOKENS, LENGTHS = encode(ALL_AB_7, AB)


def runs(dfa, words=ALL_AB_7):
    return np.array([dfa.accepts_word(w) for w in words])


@given(program=programs("ab", max_ops=5, future_only=True))
def test_program_dfa_equals_interpreter(program):
    raw, explored = program_dfa(program)
    minimal = raw.minimize()
    assert explored == raw.n_states >= minimal.n_states
    assert (runs(minimal) == program.accepts_batch(TOKENS, LENGTHS)).all()


@given(program=programs("ab", max_ops=4, max_keys=1, future_only=True))
def test_compiled_uhat_has_the_programs_automaton(program):
    """Lemma 9 preserves the language, so the canonical minimal DFAs coincide."""
    model = compile_program(program).model
    from_program = program_dfa(program)[0].minimize()
    from_uhat = uhat_dfa(model, max_states=200_000)[0].minimize()
    assert from_uhat == from_program


PAST = st.recursive(
    st.sampled_from([Atom("a"), Atom("b"), Top(), Bottom()]),
    lambda kids: st.one_of(
        st.builds(Unary, st.sampled_from(["!", "Y", "P", "H"]), kids),
        st.builds(Binary, st.sampled_from(["&", "|", "->", "<->", "S"]), kids, kids),
    ),
    max_leaves=7,
)


@given(phi=PAST)
def test_past_time_ltl(phi):
    minimal = program_dfa(to_brasp(phi, AB))[0].minimize()
    assert (runs(minimal) == Language(phi, AB).accepts_batch(TOKENS, LENGTHS)).all()


def test_general_scores_and_leftmost_ties():
    """Scores that mix i and j outside the special form, with both tie-breaks."""
    p = ProgramBuilder("ab")
    qa, qb = p.Q("a"), p.Q("b")
    first_ab = p.attend("first", mask="future", tie="left", score=qa.i | qb.j,
                        value=qa.j ^ qb.i, default=qb)
    last_ne = p.attend("last", mask="future", tie="right", score=(qa.i.iff(qb.j)) & ~first_ab.j,
                       value=first_ab.j | qa.j, default=TRUE)
    program = p.build(p.local("out", first_ab ^ last_ne))
    minimal = program_dfa(program)[0].minimize()
    assert (runs(minimal) == program.accepts_batch(TOKENS, LENGTHS)).all()


def test_perturbed_uhat_automaton():
    """The automaton of a UHAT is of its weights, not of the program it came from."""
    phi = parse("(a S b) & Y a", AB)
    model = compile_program(to_brasp(phi, AB)).model
    params = jax.tree_util.tree_map(np.array, model.params)
    params["layers"][1]["C_a"][3, 1] = 2  # a copied predicate now reads 2, not 1
    bad = model.with_params(params)
    minimal = uhat_dfa(bad)[0].minimize()
    want = bad.accepts_batch(TOKENS, LENGTHS, evaluator="dense")
    assert (runs(minimal) == want).all()
    assert (want != Language(phi, AB).accepts_batch(TOKENS, LENGTHS)).any()


def test_equal_on_all_words_with_different_programs():
    """'Some earlier a' by Prop 16 (rightmost) and by a leftmost-tie program."""
    p = ProgramBuilder("ab")
    program = p.build(p.attend("seen_a", mask="future", tie="left", score=p.Q("a").j,
                               value=TRUE, default=False))
    report = verify({"ltl": Language(parse("P a", AB), AB), "brasp": program}, unbounded=True)
    assert report.agree and report.certificate.equal
    states = {a.minimal.n_states for a in report.certificate.automata.values()}
    assert states == {3}  # no a yet, last symbol is the first a, an a before the last


def test_unsupported_masks_and_state_bound():
    p = ProgramBuilder("ab")
    program = p.build(p.attend("next_a", mask="past", tie="left", score=TRUE,
                               value=p.Q("a").j, default=False))
    with pytest.raises(SuccinctError, match="next_a \\(past\\).*not supported, use the bounded"):
        program_dfa(program)
    mixed = compile_program(to_brasp(parse("X a", AB), AB)).model
    with pytest.raises(SuccinctError, match="not supported"):
        uhat_dfa(mixed)
    # Y^6 a remembers the last six symbols: 2^6 and more states.
    deep = to_brasp(parse("Y Y Y Y Y Y a", AB), AB)
    with pytest.raises(StateLimitExceeded) as err:
        program_dfa(deep, max_states=40)
    assert err.value.n_states > 40 and err.value.max_states == 40


# ---- the paper's families : exact sizes from Myhill–Nerode -----------
def family_model(name: str, model: str, **params):
    from succinct.registry import get_family

    fam = get_family(name)
    return fam.build(model, params), fam


@pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_doubly_exponential_counter(n):
    """DC_n = {w_n}: the minimal complete DFA has |w_n| + 2 states (the prefixes of w_n
    and a dead state), and its only word is w_n."""
    program, fam = family_model("dc", "brasp", n=n)
    w_n = next(iter(fam.members(fam.resolve({"n": n}))))
    assert len(w_n) == (n + 2) * 2**n * 2 ** (2**n)
    minimal = program_dfa(program)[0].minimize()
    assert minimal.n_states == len(w_n) + 2
    assert minimal.decode(minimal.shortest_word()) == w_n


@pytest.mark.parametrize("big_n", [1, 2])
def test_single_exponential_counter(big_n):
    """E_N: minimal DFA with 2^(N+1)(N+2) − N states (a Myhill–Nerode count)."""
    program, _ = family_model("counter", "brasp", N=big_n)
    minimal = program_dfa(program)[0].minimize()
    assert minimal.n_states == 2 ** (big_n + 1) * (big_n + 2) - big_n


def test_dyck_program_attends_both_ways():
    """The left-to-right construction refuses it; the layered one (exact_dfa) takes it."""
    from succinct.exact.dispatch import exact_dfa

    program, _ = family_model("dyck", "brasp", k=2, D=2)
    with pytest.raises(SuccinctError, match="not supported, use the bounded check"):
        program_dfa(program)
    assert exact_dfa(program).minimal.n_states == 8 + 1  # stacks ≤ 2, sink, fresh start


def test_aperiodic_word_problem_flip_flop():
    """The flip-flop's UHAT (one strict-future attention finds the last set/reset) equals
    its DFA and DFA-RNN on all words; on non-empty words the language is "the last set or
    reset was a set", two states (by hand)."""
    uhat, fam = family_model("wordproblem", "uhat", monoid="flipflop")
    models = {name: fam.build(name, {"monoid": "flipflop"}) for name in ("dfa", "rnn")}
    report = verify({"uhat": uhat, **models}, unbounded=True)
    assert report.agree and report.certificate.equal
    assert {a.minimal.n_states for a in report.certificate.automata.values()} == {2}
