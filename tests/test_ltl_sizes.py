"""The ltl family's closed forms for ``φ = Y^n x`` (the atlas rows): counted UHAT sizes in
every compile mode, and the minimal DFA's ``2^(n+1)`` states against an automaton built
from the language's definition and against the exact automaton of the compiled UHAT.
"""

from __future__ import annotations

import numpy as np
import pytest

from constructions.ltl_family import n_sym, y_power, y_power_formulas
from succinct.automata.dfa import DFA
from succinct.exact.dispatch import exact_dfa
from succinct.programs.ltl import parse
from succinct.registry import get_family
from succinct.words import Alphabet

LTL = get_family("ltl")
UHAT_SIZES = ("layers", "width", "params", "nonzero", "bits")


def _sizes(formula: str, alphabet: str, mode: str):
    return LTL.sizes(LTL.resolve({"formula": formula, "alphabet": alphabet, "mode": mode}))


@pytest.mark.parametrize("mode", ["compact", "ffn", "lemma9"])
def test_y_power_formulas_equal_counted_sizes(mode):
    """n = 0..8 over {a, b} (and n = 0..4 over {a, b, c}): the counted sizes of the compiled
    UHAT = the closed forms, also as the report's formula values. Planted: φ_k keeps
    φ_{k−1} (drops = 0: compact fails from n = 2); no ``vis`` coordinate in φ_k (every
    mode fails from n = 2); the n = 1 case left out (compact's width fails at n = 1)."""
    for alphabet, top in (("ab", 8), ("abc", 4)):
        forms = y_power_formulas(len(alphabet), mode)
        for n in range(top + 1):
            uhat = _sizes("Y " * n + "a", alphabet, mode)["uhat"]
            want = {k: int(forms[f"uhat_{k}"].subs(n_sym, n)) for k in UHAT_SIZES}
            assert {k: getattr(uhat, k) for k in UHAT_SIZES} == want, (alphabet, n)
            assert {k: uhat.formula_values[f"uhat_{k}"] for k in UHAT_SIZES} == want


def _last_symbols_dfa(n: int, alphabet: str, x: str) -> DFA:
    """``{w : |w| ≥ n + 1, w_{|w|−n} = x}`` from its definition: the state is the last
    n + 1 symbols' x-or-not bits (older ones shifted out; before the start, not x)."""
    size, mask = 2 ** (n + 1), 2 ** (n + 1) - 1
    states = np.arange(size)
    delta = np.stack([((states << 1) | (s == x)) & mask for s in alphabet], axis=1)
    accepting = (states >> n) & 1 == 1
    return DFA(tuple(alphabet), delta, 0, accepting)


def test_y_power_minimal_dfa_has_2_to_the_n_plus_1_states():
    """n = 0..5: the definition's automaton minimizes to 2^(n+1) states, the formula's
    ``dfa_states``; the exact automaton of the compiled UHAT (``exact_dfa``) is that
    automaton. Planted: ``dfa_states = 2^n`` (fails at n = 0); Prop 16's ``Y`` op with
    default 1 instead of 0 (:func:`succinct.programs.ltl.to_brasp`: the equivalence fails,
    ``b`` is accepted at n = 1)."""
    forms = y_power_formulas(2, "compact")
    for n in range(6):
        target = _last_symbols_dfa(n, "ab", "a").minimize()
        assert target.n_states == 2 ** (n + 1) == int(forms["dfa_states"].subs(n_sym, n))
        report = _sizes("Y " * n + "a", "ab", "compact")
        assert report["dfa"].dfa_states == 2 ** (n + 1)
        uhat = LTL.build("uhat", {"formula": "Y " * n + "a", "alphabet": "ab"})
        minimal = exact_dfa(uhat).minimal
        same, witness = minimal.equivalent(target)
        assert same, (n, witness)
        assert minimal.n_states == 2 ** (n + 1)


def test_y_power_shape_is_recognized_only_for_y_chains():
    """``y_power`` finds n exactly for ``Y^n x``. Planted: accepting any unary chain
    (``P a`` would get the Y^n closed forms)."""
    ab = Alphabet.of("ab")
    assert [y_power(parse(f, ab)) for f in ("a", "Y a", "Y (Y b)", "Y Y Y a")] == [0, 1, 2, 3]
    assert [y_power(parse(f, ab)) for f in ("P a", "Y a & b", "Y !a", "true")] == [None] * 4
    assert "dfa" not in _sizes("P a", "ab", "ffn")
