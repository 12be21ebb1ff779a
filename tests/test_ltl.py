"""LTL: parser, evaluator, Prop 16 compiler."""

import itertools
import re

import pytest
from hypothesis import given

from succinct.compiler.brasp_to_uhat import compile_program
from succinct.programs.ltl import Language, LTLError, parse, to_brasp
from succinct.testing.strategies import formulas, word_lists
from succinct.words import Alphabet, encode

AB = Alphabet.of("ab")
EXAMPLE_1 = "b & H(b -> Y a) & H((a & Y true) -> Y b)"


def _all_words(max_len: int, alphabet: str = "ab") -> list[str]:
    return ["".join(w) for n in range(1, max_len + 1)
            for w in itertools.product(alphabet, repeat=n)]


@pytest.mark.parametrize("mode", ["ffn", "lemma9"])
def test_example_1_is_ab_plus_on_all_words_up_to_12(mode):
    words = _all_words(12)
    want = [bool(re.fullmatch("(ab)+", w)) for w in words]
    phi = parse(EXAMPLE_1, AB)
    assert Language(phi, AB).accepts(words).tolist() == want
    program = to_brasp(phi, AB)
    assert program.accepts(words).tolist() == want
    model = compile_program(program, mode).model
    assert model.accepts(words).tolist() == want


def _brute(phi_text: str, word: str, pos: int) -> bool:
    """Direct semantics by quantifiers, for a few operators (an oracle independent of
    the evaluator's recursive unfolding)."""
    n = len(word)
    if phi_text == "a S b":
        return any(word[j] == "b" and all(word[k] == "a" for k in range(j + 1, pos))
                   for j in range(pos))
    if phi_text == "a U b":
        return any(word[j] == "b" and all(word[k] == "a" for k in range(pos + 1, j))
                   for j in range(pos + 1, n))
    if phi_text == "Y a":
        return pos > 0 and word[pos - 1] == "a"
    if phi_text == "H a":
        return all(word[k] == "a" for k in range(pos + 1))
    if phi_text == "P b":
        return any(word[k] == "b" for k in range(pos))
    if phi_text == "F b":
        return any(word[k] == "b" for k in range(pos + 1, n))
    if phi_text == "X a":
        return pos + 1 < n and word[pos + 1] == "a"
    if phi_text == "G a":
        return all(word[k] == "a" for k in range(pos, n))
    raise KeyError(phi_text)


@pytest.mark.parametrize("text", ["a S b", "a U b", "Y a", "H a", "P b", "F b", "X a", "G a"])
def test_operator_semantics_are_strict(text):
    from succinct.programs.ltl import evaluate_batch

    phi = parse(text, AB)
    words = _all_words(6)
    tokens, lengths = encode(words, AB)
    val = evaluate_batch(phi, tokens, lengths, AB)[phi]
    for b, w in enumerate(words):
        for pos in range(len(w)):
            assert val[b, pos] == _brute(text, w, pos), (text, w, pos)


@given(phi=formulas("ab"), words=word_lists("ab", max_len=9, max_size=24))
def test_evaluator_equals_compiled_uhat(phi, words):
    tokens, lengths = encode(words, AB)
    want = Language(phi, AB).accepts_batch(tokens, lengths)
    program = to_brasp(phi, AB)
    assert (program.accepts_batch(tokens, lengths) == want).all()
    model = compile_program(program, "ffn").model
    assert (model.accepts_batch(tokens, lengths) == want).all()


@given(phi=formulas("ab"))
def test_printed_formula_parses_back(phi):
    assert parse(str(phi), AB) == phi


@pytest.mark.parametrize("text,position", [
    ("a &", 4), ("a & c", 5), ("(a", 3), ("a b", 3), ("", 1), ("a -> ", 6), ("a $ b", 3),
])
def test_malformed_formulas_name_the_position(text, position):
    with pytest.raises(LTLError, match=f"position {position}"):
        parse(text, AB)


def test_keyword_symbols_can_be_quoted():
    phi = parse("'S' & Y a", Alphabet.of("aS"))
    assert Language(phi, Alphabet.of("aS")).accepts(["aS", "SS", "S"]).tolist() == [
        True, False, False]
