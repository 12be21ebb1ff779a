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
