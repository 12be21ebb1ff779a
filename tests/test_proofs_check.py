"""Every claim module of ``proofs_check`` (discovered automatically) passes its check, and
every check fails under a planted bug.

The planted bugs are made with ``monkeypatch`` on the code the checks call (the ``dc`` and
``counter`` families resolve their models through module globals of
:mod:`constructions.counter`), so each test builds the broken model the way a real bug
would build it; the registry's cache of built models is emptied before and after each
planted test (fixture ``planted``), so that no broken model outlives its test, and so is
the memo of the DC_n language checks. A test that isolates a later part of a check stubs
the earlier parts it does not plant a bug in (said in its docstring), so that it runs in
seconds.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
import sympy as sp

import constructions.counter as counter
from proofs_check import FULL_ENV, _dc, claim_modules, full, load
from proofs_check.__main__ import main
from succinct import registry
from succinct.automata.dfa import DFA
from succinct.coords import Space
from succinct.models.rnn import RNN
from succinct.programs.brasp import Attend, Local, Ref
from succinct.sizes import n as n_sym

THM15, THM17 = "thm15_ltl_lower_bound", "thm17_dfa_doubly_exponential"


def test_claim_modules_are_discovered():
    names = claim_modules()
    for name in ("prop1_rnn_automaton", THM17, "cor18_rnn_lower_bound", THM15,
                 "en_dfa_formula", "aperiodicity"):
        assert name in names


@pytest.mark.parametrize("name", claim_modules())
def test_claim(name):
    module = load(name)
    assert (module.__doc__ or "").strip(), f"{name} states no claim"
    rows = module.check()
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows), name


def test_command_line_runs_named_claims_and_refuses_unknown_ones(capsys):
    """``python -m proofs_check NAME``: figures and exit 0; an unknown name: exit 2."""
    assert main(["en_dfa_formula"]) == 0
    assert "ok   en_dfa_formula" in capsys.readouterr().out
    assert main(["no_such_claim"]) == 2
    assert "no claim module no_such_claim" in capsys.readouterr().err


# ---------------------------------------------------------------------- planting helpers
@pytest.fixture
def planted(monkeypatch):
    """``monkeypatch``, with the registry's built models forgotten before and after, and
    the memo of DC_n's UHAT checks empty during the test."""
    registry._build_cached.cache_clear()
    monkeypatch.setattr(_dc, "_UHAT_CACHE", {})
    yield monkeypatch
    registry._build_cached.cache_clear()


def plant_dc_program(monkeypatch, edit) -> None:
    """Every DC_n program (and so the ``dc`` UHAT) built with ``edit`` applied to each op."""
    original = counter.dc_program

    def broken(n: int):
        program = original(n)
        return dataclasses.replace(program, ops=tuple(edit(op) for op in program.ops))

    monkeypatch.setattr(counter, "dc_program", broken)


def plant_dc_rnn(monkeypatch, edit, only: int | None = None) -> None:
    """The ``dc`` RNN (for n = ``only``, or every n) with ``edit(W, hidden, n)`` applied
    to a copy of its recurrent weights W."""
    original = counter.dc_rnn

    def broken(n: int) -> RNN:
        rnn = original(n)
        if only is not None and n != only:
            return rnn
        params = {k: np.asarray(v) for k, v in rnn.params.items()}
        w = params["W"].copy()
        edit(w, rnn.spec.hidden, n)
        return RNN.create(rnn.spec, {**params, "W": w})

    monkeypatch.setattr(counter, "dc_rnn", broken)


def blind_hash_detector(w: np.ndarray, hidden, n: int) -> None:
    """W[bad_hash, ph_{n+1}] := 0: the unit that flags a non-# at a cell's end never fires."""
    w[hidden.index("bad_hash"), hidden.index(f"ph_{n + 1}")] = 0


def stub(monkeypatch, module_name: str, attr: str, value) -> None:
    monkeypatch.setattr(load(module_name), attr, lambda: value)


# ---------------------------------------------------------------------- Thm 15 and Thm 17
@pytest.mark.parametrize("name", [THM15, THM17])
def test_uhat_with_a_leftmost_tie_fails_thm15_and_thm17(planted, name):
    """Planted bug: the dc attention op X (the counter bit of the cell) uses the leftmost
    tie-break ◀ instead of ▶, so it reads the first counter bit of the word; the UHAT
    rejects w_1, and the language check of the claim must raise."""
    plant_dc_program(planted, lambda op: dataclasses.replace(op, tie="left")
                     if isinstance(op, Attend) and op.name == "X" else op)
    with pytest.raises(AssertionError, match="UHAT of DC_1 rejects w_1"):
        load(name).check()


def without_overflow_check(op):
    """Loc with its conjunct Last → ¬(PrevX ∧ Carry) dropped (the counter may wrap)."""
    if not (isinstance(op, Local) and op.name == "Loc"):
        return op
    q, above, x, prev, carry = (Ref(p) for p in ("Q_#", "HasAbove", "X", "PrevX", "Carry"))
    return Local("Loc", q.implies((~above).implies(~x) & above.implies(x.iff(prev ^ carry))))


def test_exact_automaton_catches_what_membership_misses(planted):
    """Planted bug: DC_n's overflow check is dropped from Loc, so the counter may wrap
    around and w_n w_n (and every repetition) is accepted. With the mutant list emptied
    (w_n twice is among the mutants), w_n is still accepted and only the exact automaton of
    the UHAT of DC_1 can tell: the shared language check of Thm 15 and Thm 17 must raise
    there, naming the shortest word on which the two automata differ."""
    plant_dc_program(planted, without_overflow_check)
    planted.setattr(_dc, "mutants", lambda n: [])
    with pytest.raises(AssertionError, match="exact automaton of the UHAT of DC_1 differs"):
        load(THM17).check()


def test_an_exact_automaton_past_its_state_limit_fails_the_check(planted):
    """Planted condition: the exact automaton may hold only 1000 raw states (DC_1's needs
    14 745), as DC_2's does not fit today (``--full``); the check must fail with that
    reason, not pass and not crash with a traceback."""
    planted.setattr(_dc, "EXACT_MAX_STATES", 1000)
    with pytest.raises(AssertionError, match="UHAT of DC_1 was not built"):
        load(THM15).check()


def test_full_adds_dc_2_to_the_exact_automata(planted):
    """``PROOFS_CHECK_FULL=1`` (``python -m proofs_check --full``) asks for the exact
    automaton of DC_2 as well."""
    assert _dc.exact_n() == (1,) or full()
    planted.setenv(FULL_ENV, "1")
    assert _dc.exact_n() == (1, 2)


def test_overflow_bug_is_also_a_rejected_mutant(planted):
    """Planted bug: the same dropped overflow check; with the mutants in place the
    membership check raises first, on the mutant "w_n twice"."""
    plant_dc_program(planted, without_overflow_check)
    with pytest.raises(AssertionError, match="accepts mutants of w_1: w_n twice"):
        load(THM15).check()


def outgrowing(formulas: dict) -> dict:
    """The UHAT's closed form plus ∏_{k=1..6}(n − k)·2^n: equal to the counts at n = 1..6,
    exponential beyond."""
    p = formulas["uhat_params"]
    extra = sp.prod([n_sym - k for k in range(1, 7)]) * 2**n_sym
    grown = sp.Piecewise(*[(e + extra, c) for e, c in p.args]) \
        if isinstance(p, sp.Piecewise) else p + extra
    return {**formulas, "uhat_params": grown}


def test_thm15_catches_a_closed_form_that_outgrows_n_cubed(planted):
    """Planted bug: the UHAT's parameter formula has a hidden 2^n term that vanishes at
    n = 1..6 (where it is compared with the counts); the symbolic bound P(n) ≤ c₀·n³ must
    raise. The language check is stubbed (it has its own planted bugs)."""
    module = load(THM15)
    stub(planted, THM15, "uhat_language", [])
    real = module.dc_formulas()
    planted.setattr(module, "dc_formulas", lambda: outgrowing(real))
    with pytest.raises(AssertionError, match="not a polynomial"):
        module.check()


def test_thm15_catches_a_closed_form_that_miscounts(planted):
    """Planted bug: the UHAT's parameter formula is one too large; comparing it with the
    counted parameters of the built UHAT must raise (language check stubbed)."""
    module = load(THM15)
    stub(planted, THM15, "uhat_language", [])
    real = module.dc_formulas()
    planted.setattr(module, "dc_formulas",
                        lambda: {**real, "uhat_params": real["uhat_params"] + 1})
    with pytest.raises(AssertionError, match="the closed form says"):
        module.check()


def test_thm17_catches_a_dfa_that_is_not_minimal(planted):
    """Planted bug: the dc family's DFA gets a second, unreachable copy of its dead state
    (a minimization that forgets to merge); the state count |w_n| + 2 must raise
    (language check stubbed)."""
    original = counter.dc_dfa

    def broken(n: int) -> DFA:
        dfa = original(n)
        dead = int(np.flatnonzero(dfa.dead_states())[0])
        delta = np.concatenate([dfa.delta, dfa.delta[dead][None, :]])
        return DFA(dfa.alphabet, delta, dfa.start, np.concatenate([dfa.accepting, [False]]))

    planted.setattr(counter, "dc_dfa", broken)
    stub(planted, THM17, "uhat_language", [])
    with pytest.raises(AssertionError, match=re.escape("not |w_n| + 2")):
        load(THM17).check()


# ---------------------------------------------------------------------- Cor 18 and Prop 1
def test_cor18_catches_an_rnn_with_one_weight_changed(planted):
    """Planted bug: the dc RNN's bad_hash unit no longer reads the phase unit ph_{n+1}
    (blind_hash_detector), so a cell ending in 'a' instead of '#' goes unnoticed: the RNN
    still accepts w_1 but also the mutant "'#' replaced by 'a'"; Cor 18's RNN check
    must raise."""
    plant_dc_rnn(planted, blind_hash_detector)
    with pytest.raises(AssertionError, match="RNN of DC_1 accepts mutants of w_1: '#' repl"):
        load("cor18_rnn_lower_bound").check()


def test_cor18_checks_the_rnn_beyond_n_2(planted):
    """Planted bug: the same blind hash detector in the RNN of DC_3 only, which no
    automaton extraction covers; the membership check on w_3's mutants must raise."""
    plant_dc_rnn(planted, blind_hash_detector, only=3)
    with pytest.raises(AssertionError, match="RNN of DC_3 accepts mutants of w_3"):
        load("cor18_rnn_lower_bound").check()


def test_cor18_catches_a_wrong_lower_bound_formula(planted):
    """Planted bug: the family's kD lower bound forgets the ⌊log₂(n + 2)⌋ term
    (2^n + n + 1); comparing it with ⌈log₂(|w_n| + 2)⌉ computed from the word length must
    raise."""
    module = load("cor18_rnn_lower_bound")
    real = module.dc_formulas()
    planted.setattr(module, "dc_formulas", lambda: {
        **real, "rnn_kD_lower_bound": 2**n_sym + n_sym + 1})
    with pytest.raises(AssertionError, match="the closed form gives kD"):
        module.check()


def test_cor18_catches_an_rnn_far_above_the_bound(planted):
    """Planted bug: the dc RNN of DC_5 carries 40 dead units (zero weights: the language
    is unchanged, the family's kD formula updated to match), so kD − bound = 71 > 2n + 24;
    the "within O(n) of the bound" check must raise. The RNN membership check is stubbed
    (it has its own planted bugs)."""
    module = load("cor18_rnn_lower_bound")
    original, extra = counter.dc_rnn, 40

    def broken(n: int) -> RNN:
        rnn = original(n)
        if n != 5:
            return rnn
        labels = (*rnn.spec.hidden.labels, *(f"dead_{k}" for k in range(extra)))
        spec = dataclasses.replace(rnn.spec, hidden=Space.of(labels))
        grow = {"W": ((0, extra), (0, extra)), "U": ((0, extra), (0, 0)),
                "b": ((0, extra),), "h0": ((0, extra),), "readout": ((0, extra),)}
        params = {k: np.pad(np.asarray(v), grow[k]) if k in grow else np.asarray(v)
                  for k, v in rnn.params.items()}
        return RNN.create(spec, params)

    planted.setattr(counter, "dc_rnn", broken)
    stub(planted, "cor18_rnn_lower_bound", "rnn_membership", [])
    real = module.dc_formulas()
    planted.setattr(module, "dc_formulas", lambda: {
        **real, "rnn_kD": real["rnn_kD"] + extra * sp.KroneckerDelta(n_sym, 5)})
    with pytest.raises(AssertionError, match="n=5: the RNN has kD"):
        module.check()


def test_prop1_catches_an_rnn_with_one_weight_changed(planted):
    """Planted bug: blind_hash_detector in the dc RNN; the RNN's extracted automaton no
    longer equals the minimal DFA of DC_1 (it accepts w_1 with every # replaced by 0), and
    Prop 1's check must raise."""
    plant_dc_rnn(planted, blind_hash_detector)
    with pytest.raises(AssertionError, match="dc n=1: RNN and DFA differ on '0a01a00b"):
        load("prop1_rnn_automaton").check()


def test_prop1_catches_more_states_than_two_to_the_kd(planted):
    """Planted bug: the RNN claims D = 2 units (``RNN.units`` under-counts), so its BFS
    reaches more than 2^(kD) = 4 quantized states; extraction refuses, and Prop 1's check
    must report that as a failed claim (AssertionError), not crash."""
    planted.setattr(RNN, "units", property(lambda self: 2))
    with pytest.raises(AssertionError, match="more than the 2\\^\\(kD\\) = 4"):
        load("prop1_rnn_automaton").check()


def test_prop1_catches_a_size_report_below_the_bound(planted):
    """Planted bug: the RNN's size report counts k·D = 2 state bits (an accounting error);
    ⌈log₂ states⌉ ≤ kD with the states of the minimal DFA must raise."""
    original = RNN.size_report
    planted.setattr(RNN, "size_report",
                        lambda self: original(self).with_(state_bits=2))
    with pytest.raises(AssertionError, match="fewer than"):
        load("prop1_rnn_automaton").check()


# ---------------------------------------------------------------------- E_N and aperiodicity
def test_en_dfa_formula_catches_an_accepting_dead_state(planted):
    """Planted bug: the E_N DFA accepts in its dead state (so every word that leaves the
    counter pattern is accepted); the member count 2^(2^(N−1)+1) must raise."""
    original = counter.counter_dfa

    def broken(big_n: int) -> DFA:
        dfa = original(big_n)
        return DFA(dfa.alphabet, dfa.delta, dfa.start, dfa.accepting | dfa.dead_states())

    planted.setattr(counter, "counter_dfa", broken)
    with pytest.raises(AssertionError, match="N=1: the DFA accepts"):
        load("en_dfa_formula").check()


def test_aperiodicity_catches_a_test_that_calls_every_monoid_aperiodic(planted):
    """Planted bug: is_aperiodic answers True for every monoid, so the group word problems
    (parity, S3, S5) would be star-free; the check must raise."""
    module = load("aperiodicity")
    planted.setattr(module, "is_aperiodic", lambda mono: True)
    with pytest.raises(AssertionError, match="aperiodic"):
        module.check()
