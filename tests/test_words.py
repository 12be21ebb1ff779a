"""Alphabets and batch encoding."""

import pytest

from succinct.words import Alphabet, SuccinctError, bucket_length, encode


def test_multi_character_symbols_are_space_separated():
    a = Alphabet.of(["(1", ")1", "(2", ")2"])
    assert a.to_ids("(1 (2 )2 )1").tolist() == [0, 2, 3, 1]
    assert a.to_word([0, 1]) == "(1 )1"


def test_encode_pads_to_power_of_two():
    tokens, lengths = encode(["ab", "a" * 9], Alphabet.of("ab"))
    assert tokens.shape == (2, 16) and lengths.tolist() == [2, 9]
    assert [bucket_length(n) for n in (1, 8, 9, 100)] == [8, 8, 16, 128]


def test_errors_name_the_problem():
    with pytest.raises(SuccinctError, match="unknown symbol 'z' at position 2"):
        Alphabet.of("ab").to_ids("az")
    with pytest.raises(SuccinctError, match="empty word"):
        Alphabet.of("ab").to_ids("")
    with pytest.raises(SuccinctError, match="repeated"):
        Alphabet.of("aa")


def test_every_recognizer_refuses_the_empty_word():
    """One message for every model kind (``succinct.words.EMPTY_WORD``); ``dfa`` is a
    DFA (its ``accepts_batch`` refuses ε; a bare ``DFA.run`` takes it: a plain automaton)."""
    import numpy as np

    from succinct.registry import get_family
    from succinct.words import EMPTY_WORD

    cases = [("dyck", {"k": 2, "D": 2}, ("reference", "brasp", "uhat", "rnn", "dfa")),
             ("ltl", {"formula": "a S b"}, ("reference",)),
             ("wordproblem", {"monoid": "flipflop", "T": 8}, ("rnn2",)),
             ("counter", {"N": 1}, ("reference",))]
    for family, params, names in cases:
        fam = get_family(family)
        for name in names:
            model = fam.build(name, params)
            tokens = np.zeros((2, 3), np.int32)
            with pytest.raises(SuccinctError) as err:
                model.accepts_batch(tokens, np.array([2, 0], np.int32))
            assert EMPTY_WORD in str(err.value), (family, name)


def test_a_bare_string_is_refused_not_split_into_letters():
    """``accepts("ab")`` once decided "a" and "b" separately: a silent wrong answer."""
    import numpy as np

    from succinct.automata.dfa import DFA

    ab = Alphabet.of("ab")
    with pytest.raises(TypeError, match=r"single str 'ab' as words: did you mean "
                                        r"accepts\(\['ab'\]\)\?"):
        encode("ab", ab)
    ends_in_b = DFA(ab, np.array([[0, 1], [0, 1]]), 0, np.array([False, True]))
    with pytest.raises(TypeError, match="list of words"):
        ends_in_b.accepts("ab")
    assert ends_in_b.accepts(["ab", "ba"]).tolist() == [True, False]
