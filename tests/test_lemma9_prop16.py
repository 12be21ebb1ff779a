"""The Lemma 9 and Prop 16 claim checks fail under planted compiler bugs.

``tests/test_proofs_check.py`` runs both checks as they are; here each test plants one
bug in the B-RASP → UHAT compiler (or in Prop 16's LTL → B-RASP step) with
``monkeypatch`` and sees the check raise. The bugs are planted where a real one would sit:
on the op the compiler lowers (:class:`succinct.compiler.brasp_to_uhat._Compiler`), so the
interpreter and the LTL evaluator, the independent sides of each check, stay correct.
"""

from __future__ import annotations

import dataclasses

import pytest

from proofs_check import load
from succinct import FALSE
from succinct.compiler import brasp_to_uhat
from succinct.programs import ltl

LEMMA9, PROP16 = "lemma9_brasp_to_uhat", "prop16_ltl_to_uhat"


def plant_op_edit(monkeypatch, edit) -> None:
    """Every attention op is lowered as ``edit(op)``: the program (and so the
    interpreter) is unchanged, only the compiled UHAT differs."""
    original = brasp_to_uhat._Compiler.attend

    def broken(self, op):
        return original(self, edit(op))

    monkeypatch.setattr(brasp_to_uhat._Compiler, "attend", broken)


@pytest.mark.parametrize("name", [LEMMA9, PROP16])
def test_a_flipped_tie_break_fails(monkeypatch, name):
    """Planted bug: every attention layer takes the other tie-break (◀ for ▶ and back),
    so it selects the farthest satisfying position instead of the nearest."""
    flip = {"left": "right", "right": "left"}
    plant_op_edit(monkeypatch, lambda op: dataclasses.replace(op, tie=flip[op.tie]))
    with pytest.raises(AssertionError, match="disagree"):
        load(name).check()


@pytest.mark.parametrize("name", [LEMMA9, PROP16])
def test_a_lost_default_fails(monkeypatch, name):
    """Planted bug: the compiled op ignores its default ``D(i)`` and writes 0 when no
    position is selected (the H and G ops of Prop 16 and the dc op ``HP := …: 1``
    have a non-zero default)."""
    plant_op_edit(monkeypatch, lambda op: dataclasses.replace(op, default=FALSE))
    with pytest.raises(AssertionError, match="disagree"):
        load(name).check()


@pytest.mark.parametrize("name", [LEMMA9, PROP16])
def test_a_dropped_mask_fails(monkeypatch, name):
    """Planted bug: the attention layer is compiled without its mask (``j < i`` or
    ``j > i`` becomes every position)."""
    plant_op_edit(monkeypatch, lambda op: dataclasses.replace(op, mask="none"))
    with pytest.raises(AssertionError, match="disagree"):
        load(name).check()


def test_a_score_without_s_fails(monkeypatch):
    """Planted bug: the score forgets ``S(j)`` and keeps only the key equalities
    ``⋀_k P_k(i) ↔ P_k(j)`` (the B ``S − 1`` row is lost): positions where S fails tie
    with those where it holds."""
    original = brasp_to_uhat.plan_attend

    def broken(op):
        plan = original(op)
        return None if plan is None else dataclasses.replace(plan, s_lit=None, vis=True)

    monkeypatch.setattr(brasp_to_uhat, "plan_attend", broken)
    with pytest.raises(AssertionError, match="disagree"):
        load(LEMMA9).check()


@pytest.mark.parametrize("name", [LEMMA9, PROP16])
def test_a_quadratic_compiler_fails_the_size_bound(monkeypatch, name):
    """Planted bug: after every attention op the compiler appends one pass-through FFN
    block per residual coordinate (the language is unchanged; the layers grow like
    Π·width, beyond the linear bound)."""
    original = brasp_to_uhat._Compiler.attend

    def padded(self, op):
        original(self, op)
        for _ in range(len(self.b.space.labels)):
            self.b.ffn(hidden=[], name=op.name)

    monkeypatch.setattr(brasp_to_uhat._Compiler, "attend", padded)
    with pytest.raises(AssertionError, match="layers = .* > the bound"):
        load(name).check()


def test_kept_scratch_fails_one_coordinate_per_subformula(monkeypatch):
    """Planted bug: the compiler never drops an op's scratch coordinates (copies,
    ``vis``, gates), so the last residual holds more than one coordinate per
    subformula (the language is unchanged)."""
    monkeypatch.setattr(brasp_to_uhat._Compiler, "_kept",
                        lambda self, op, keep_scratch: list(self.b.space.labels))
    with pytest.raises(AssertionError, match="one coordinate per subformula"):
        load(PROP16).check()


def test_h_without_its_present_fails_prop16(monkeypatch):
    """Planted bug in Prop 16's LTL → B-RASP step: ``H φ`` is compiled as "φ held at
    every earlier position" (default 1 instead of φ(i): the present is forgotten)."""
    original = ltl._unary_op

    def broken(p, label, op, x):
        if op == "H":
            return p.attend(label, mask="future", tie="right", score=~x.j, value=FALSE,
                            default=True)
        return original(p, label, op, x)

    monkeypatch.setattr(ltl, "_unary_op", broken)
    with pytest.raises(AssertionError, match="disagree"):
        load(PROP16).check()
