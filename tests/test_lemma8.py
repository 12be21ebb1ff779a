"""The claim module ``lemma8_tiling``: its oracle agrees with the hand-derived answers, and
each of its checks fails under a bug planted in the Lemma 8 program.

Bugs are planted with ``monkeypatch`` on :mod:`constructions.tiling` (the claim module
reads ``T.brasp_program`` at call time, and :func:`constructions.tiling.compiled` compiles
what it returns), so the broken program is built the way a real bug would build it. A
test that isolates a later check stubs the earlier ones (said in its docstring).
"""

from __future__ import annotations

import dataclasses

import pytest

import constructions.tiling as T
from constructions.gadgets import plus_one
from proofs_check import load
from succinct.programs.brasp import FALSE, TRUE, Attend, Ref, all_of

M = load("lemma8_tiling")
FUTURE = {"mask": "future", "tie": "right"}


def plant_ops(monkeypatch, edit) -> None:
    """Every Lemma 8 program built with ``edit(op)`` applied to each of its ops."""
    original = T.brasp_program

    def broken(instance: T.Instance):
        program = original(instance)
        return dataclasses.replace(program, ops=tuple(edit(op) for op in program.ops))

    monkeypatch.setattr(T, "brasp_program", broken)


def gadget_b_with_and(p, b):
    """Gadget B as the paper prints it: ``B``'s default ``B_wrap ∧ B_inc``."""
    q = p.Q("#")
    inc = p.attend("B_inc", **FUTURE, score=q.j, value=plus_one(b), default=FALSE)
    wrap = p.attend("B_wrap", **FUTURE, score=q.j, value=all_of([~x & x.j for x in b]),
                    default=all_of([~x for x in b]))
    return p.attend("B", **FUTURE, score=(q & ~wrap & ~inc).j, value=FALSE,
                    default=wrap & inc)


# ---------------------------------------------------------------------- the oracle
def test_oracle_matches_the_hand_derived_answers():
    """The oracle (tilings by backtracking, the row search) against the answers derived
    by hand in the bundled instance files, and the LADDER instance's comment."""
    solvable = T.load_instance("solvable")
    assert M.members(solvable, 1) == frozenset()
    assert M.members(solvable, 2) == {"0a#1b#0c#1d#"}
    assert M.row_search(solvable) == 2
    assert M.row_search(T.load_instance("unsolvable")) is None
    assert M.row_search(T.load_instance("large")) == 16
    ladder = T.parse_instance(M.LADDER, "ladder")
    assert M.members(ladder, 2) == {"00a#01b#10e#11c#00d#01b#10e#11c#"}
    assert M.members(ladder, 1) == M.members(ladder, 3) == frozenset()
    assert M.in_language(ladder, "00a#01b#10e#11c#00d#01b#10e#11c#")
    assert not M.in_language(ladder, "00a#01b#10e#11c#")


# ---------------------------------------------------------------------- planted bugs
def test_gadget_b_default_with_and_fails_the_language_check(monkeypatch):
    """Planted bug: Gadget B's default written ``B_wrap ∧ B_inc`` as the paper prints it.
    The two are exclusive, so the program rejects the member 0a#1b#0c#1d#."""
    monkeypatch.setattr(T, "gadget_b", gadget_b_with_and)
    with pytest.raises(AssertionError, match="solvable: the Lemma 8 program disagrees"):
        M.check()


def test_gadget_b_default_with_and_fails_the_emptiness_check(monkeypatch):
    """Planted bug: as above, with the language check stubbed out: the program's exact
    automaton is empty although the instance is solvable."""
    monkeypatch.setattr(T, "gadget_b", gadget_b_with_and)
    monkeypatch.setattr(M, "check_language", lambda inst, max_rows, seed: {})
    with pytest.raises(AssertionError, match="language is empty but the instance is solvable"):
        M.check()


def test_vertical_constraint_without_the_address_key_fails(monkeypatch):
    """Planted bug: ``E_down`` loses its keys ``B_k(i) ↔ B_k(j)``, so it compares a cell
    with the previous cell instead of the cell below (the key trick of Lemma 8)."""
    plant_ops(monkeypatch, lambda op: dataclasses.replace(op, score=Ref("Q_#", "j"))
              if op.name == "E_down" else op)
    with pytest.raises(AssertionError, match="the Lemma 8 program disagrees"):
        M.check()


def test_top_row_rule_dropped_fails_on_the_ladder(monkeypatch):
    """Planted bug: ``D_top`` always true (value and default), so the top row's ups are
    never checked; only the N = 2 instance LADDER has a grid (abec) that breaks rule 2
    at the top alone."""
    plant_ops(monkeypatch, lambda op: dataclasses.replace(op, value=TRUE, default=TRUE)
              if op.name == "D_top" else op)
    with pytest.raises(AssertionError, match="ladder: the Lemma 8 program disagrees"):
        M.check()


def test_an_extra_op_fails_the_op_count(monkeypatch):
    """Planted bug: one attention op too many (a copy of A_T under another name)."""
    original = T.brasp_program

    def broken(instance: T.Instance):
        program = original(instance)
        extra = Attend("A_T2", "future", "right", TRUE, Ref("Q_#", "j"), FALSE)
        return dataclasses.replace(program, ops=(*program.ops, extra))

    monkeypatch.setattr(T, "brasp_program", broken)
    with pytest.raises(AssertionError, match="attention ops, the gadgets give 3N"):
        M.check()


def test_a_larger_b_inc_fails_the_quadratic_size(monkeypatch):
    """Planted bug: ``B_inc``'s value written twice (``φ ∨ φ``): the same language, but a
    description size with second difference 14, not 7."""
    plant_ops(monkeypatch, lambda op: dataclasses.replace(op, value=op.value | op.value)
              if op.name == "B_inc" else op)
    with pytest.raises(AssertionError, match="second differences"):
        M.check()
