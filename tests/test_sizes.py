"""Sizes: the encoding, and formulas against counts on built arrays."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from succinct.compiler.brasp_to_uhat import MODES, compile_program
from succinct.models.rnn import RNNBuilder
from succinct.programs.ltl import parse, to_brasp
from succinct.sizes import count, count_array, entry_bits, layer_formulas
from succinct.words import Alphabet


@pytest.mark.parametrize("x,bits", [
    (0, 3), (1, 3), (-1, 3), (2, 4), (-3, 4), (4, 5), (255, 10), (Fraction(1, 3), 4),
    (Fraction(-5, 8), 8), (0.5, 4),
])
def test_entry_bits_follow_the_documented_encoding(x, bits):
    # 1 sign bit + binary length of |numerator| (≥ 1) + binary length of the denominator
    assert entry_bits(x) == bits


def test_count_array():
    s = count_array(np.array([[0, 1, -2], [0, 0, 5]]))
    assert (s.params, s.nonzero, s.bits) == (6, 3, 3 + 3 + 4 + 3 + 3 + 5)


@pytest.mark.parametrize("mode", MODES)
def test_layer_formulas_equal_counts(mode):
    phi = parse("(a S b) & F (b U Y a) & G (P b -> H a)", "ab")
    model = compile_program(to_brasp(phi, "ab"), mode).model
    counted = count(model).components
    for path, formula, subs in layer_formulas(model):
        got = sum(s.params for p, s in counted.items() if p.startswith(path + "/"))
        assert int(formula.subs(subs)) == got, path


def test_rnn_parameter_formula():
    d_sym, s_sym = sp.symbols("D Sigma")
    formula = d_sym**2 + d_sym * s_sym + 3 * d_sym + 1  # W, U, b, h0, readout, its bias
    for units in (1, 3, 7):
        b = RNNBuilder(Alphabet.of("abc"), [f"u{i}" for i in range(units)], bits=2)
        rep = count(b.build())
        assert rep.params == formula.subs({d_sym: units, s_sym: 3})
        assert rep.width == units and rep.layers == 1
        assert rep.bits == 3 * rep.params + 2  # all zeros (3 bits each) + k = 2 in unary


def test_count_refuses_what_is_not_a_recognizer():
    from succinct import Alphabet, Language, count_sizes, parse_ltl
    from succinct.words import SuccinctError

    phi = parse_ltl("a S b", Alphabet.of("ab"))
    with pytest.raises(SuccinctError, match=r"not a recognizer.*Language\(formula, alphabet\)"):
        count_sizes(phi)
    assert count_sizes(Language(phi, Alphabet.of("ab"))).params == 3  # |a S b| = 3 nodes
