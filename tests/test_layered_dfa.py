"""Exact automata of programs and UHATs that attend both ways (succinct.exact.two_sided).

Oracles: the B-RASP interpreter and a UHAT's numpy forward pass (the definition) on
every word up to length 7, and, for strict-future models, the independent construction
of :mod:`succinct.exact.future`.
"""

from __future__ import annotations

import dataclasses
import itertools

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct.compiler.brasp_to_uhat import compile_program
from succinct.exact.dispatch import exact_dfa
from succinct.exact.future import uhat_dfa
from succinct.exact.two_sided import live_coordinates, program_two_sided_dfa, two_sided_dfa
from succinct.models.uhat import ExactRangeError
from succinct.programs.brasp import FALSE, TRUE, Attend, ProgramBuilder
from succinct.programs.ltl import Language, parse, to_brasp
from succinct.testing.strategies import formulas, programs, selective_programs
from succinct.words import Alphabet, SuccinctError, encode

AB = Alphabet.of("ab")
ALL_AB_7 = ["".join(w) for n in range(1, 8) for w in itertools.product("ab", repeat=n)]
TOKENS, LENGTHS = encode(ALL_AB_7, AB)
STRICT = ("future", "past")
ABC = Alphabet.of("abc")
ALL_ABC_5 = ["".join(w) for n in range(1, 6) for w in itertools.product("abc", repeat=n)]
TOKENS3, LENGTHS3 = encode(ALL_ABC_5, ABC)


def runs(dfa, words=ALL_AB_7):
    tokens, lengths = (TOKENS, LENGTHS) if words is ALL_AB_7 else \
        (TOKENS3, LENGTHS3) if words is ALL_ABC_5 else encode(words, dfa.alphabet)
    return dfa.run(tokens, lengths)


@given(program=programs("ab", max_ops=5, masks=STRICT))
def test_program_automaton_equals_interpreter(program):
    dfa, largest = program_two_sided_dfa(program)
    assert dfa.is_minimal() and largest >= 1
    assert (runs(dfa) == program.accepts_batch(TOKENS, LENGTHS)).all()


@given(program=selective_programs("abc", max_ops=6))
def test_selective_programs(program):
    """Programs where the mask and tie-break decide the answer (see the strategy)."""
    dfa, _ = program_two_sided_dfa(program)
    assert (runs(dfa, ALL_ABC_5) == program.accepts_batch(TOKENS3, LENGTHS3)).all()


@given(program=st.one_of(programs("ab", max_ops=4, max_keys=1, masks=STRICT),
                         selective_programs("ab", max_ops=4)))
def test_compiled_uhat_automaton_equals_forward_pass(program):
    model = compile_program(program).model
    dfa, _ = two_sided_dfa(model)
    assert (runs(dfa) == model.accepts_batch(TOKENS, LENGTHS)).all()
    assert dfa == program_two_sided_dfa(program)[0]  # Lemma 9 keeps the language


def test_selective_programs_depend_on_the_tie_break():
    """The strategy's point: flipping the tie-break of every op changes the language of
    a good share of its programs (24% of 300 draws when measured; ``programs`` with
    the same masks: 0 of 300)."""
    flipped = []
    short = [len(w) <= 4 for w in ALL_ABC_5]  # (the interpreter is the slow part)
    tokens, lengths = TOKENS3[short], LENGTHS3[short]

    @settings(max_examples=60, database=None, deadline=None)
    @given(selective_programs("abc", max_ops=6))
    def draw(program):
        ops = tuple(dataclasses.replace(op, tie="left" if op.tie == "right" else "right")
                    if isinstance(op, Attend) else op for op in program.ops)
        other = dataclasses.replace(program, ops=ops)
        flipped.append(bool((other.accepts_batch(tokens, lengths)
                             != program.accepts_batch(tokens, lengths)).any()))

    draw()
    assert sum(flipped) >= len(flipped) // 10


@given(program=st.one_of(programs("ab", max_ops=4, max_keys=1, masks=STRICT),
                         selective_programs("ab", max_ops=4)),
       noise=st.lists(st.integers(-2, 2), min_size=12, max_size=12), data=st.data())
def test_perturbed_weights(program, noise, data):
    """Integer noise on attention weights: scores take several values, different keys
    tie, attended values are no longer 0/1; the automaton follows the weights."""
    model = compile_program(program).model
    params = jax.tree_util.tree_map(np.array, model.params)
    attn = [p for p in params["layers"] if "A_w" in p]
    for z in noise:
        p = attn[data.draw(st.integers(0, len(attn) - 1))] if attn else None
        if p is None:
            break
        name = data.draw(st.sampled_from(["A_w", "B_w", "C_a", "A_b", "B_b"]))
        idx = tuple(data.draw(st.integers(0, d - 1)) for d in p[name].shape)
        p[name][idx] += z
    try:
        bad = model.with_params(params)
    except ExactRangeError:
        return
    dfa, _ = two_sided_dfa(bad)
    assert (runs(dfa) == bad.accepts_batch(TOKENS, LENGTHS)).all()


@given(program=programs("ab", max_ops=4, max_keys=1, future_only=True))
def test_agrees_with_the_strict_future_construction(program):
    model = compile_program(program).model
    assert two_sided_dfa(model)[0] == uhat_dfa(model, max_states=200_000)[0].minimize()


@given(phi=formulas("ab", max_leaves=6))
def test_ltl_with_future_operators(phi):
    """Prop 16 turns U, X, F, G into strict-past attention: every formula is exact now."""
    auto = exact_dfa(Language(phi, AB))
    assert auto.method == "ltl-exact" and auto.exact
    assert (runs(auto.minimal) == Language(phi, AB).accepts_batch(TOKENS, LENGTHS)).all()


def test_both_masks_and_both_ties_by_hand():
    """A program whose answer is worked out by hand (0-indexed positions, n = |w|):

    * ``nxt(i)``  = ◀_j[j>i, 1] a(j) : 0 — the next symbol is an a;
    * ``cnt(i)``  = ▶_j[j<i, nxt(j)] b(j) : 0 — at the last position: the rightmost j ≤ n−2
      followed by an a holds a b;
    * ``nb(i)``   = ◀_j[j>i, b(j)] nxt(j) : 1 — the nearest later b is followed by an a;
    * ``z(i)``    = ◀_j[j<i, 1] nb(j) : 0 — at the last position (n ≥ 2): ``nb(0)``;

    accept iff ``cnt ⊕ z`` at the last position.
    """
    p = ProgramBuilder(AB)
    qa, qb = p.Q("a"), p.Q("b")
    nxt = p.attend("nxt", mask="past", tie="left", score=TRUE, value=qa.j, default=FALSE)
    cnt = p.attend("cnt", mask="future", tie="right", score=nxt.j, value=qb.j, default=FALSE)
    nb = p.attend("nb", mask="past", tie="left", score=qb.j, value=nxt.j, default=TRUE)
    z = p.attend("z", mask="future", tie="left", score=TRUE, value=nb.j, default=FALSE)
    program = p.build(p.local("out", cnt ^ z))

    def by_hand(w: str) -> bool:
        n = len(w)
        js = [j for j in range(n - 1) if w[j + 1] == "a"]
        c = bool(js) and w[js[-1]] == "b"
        bs = [m for m in range(1, n) if w[m] == "b"]
        zz = n >= 2 and (not bs or (bs[0] + 1 < n and w[bs[0] + 1] == "a"))
        return c != zz

    want = np.array([by_hand(w) for w in ALL_AB_7])
    assert 0 < want.sum() < len(want)
    assert (program.accepts_batch(TOKENS, LENGTHS) == want).all()
    for model in (program, compile_program(program).model):
        assert (runs(exact_dfa(model).minimal) == want).all()


def test_unmasked_attention_is_refused():
    p = ProgramBuilder(AB)
    program = p.build(p.attend("anywhere", mask="none", tie="left", score=p.Q("a").j,
                               value=TRUE, default=FALSE))
    with pytest.raises(SuccinctError, match="anywhere is unmasked: not supported"):
        program_two_sided_dfa(program)
    with pytest.raises(SuccinctError, match="unmasked: not supported"):
        two_sided_dfa(compile_program(program).model)


def test_liveness_drops_coordinates():
    """Compiled programs keep every predicate in the residual; the readout needs one."""
    model = compile_program(to_brasp(parse("X a & b", AB), AB)).model
    live = live_coordinates(model)
    assert len(live) == len(model.spec.layers) + 1
    assert live[-1].sum() == 1 and not live[-2].all()


def test_state_limit():
    from constructions import dyck
    from succinct.automata.dfa import StateLimitExceeded

    with pytest.raises(StateLimitExceeded) as err:
        two_sided_dfa(dyck.compiled(2, 3).model, max_states=20)
    assert err.value.n_states > 20 and err.value.max_states == 20
