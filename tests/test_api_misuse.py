"""API misuse: a wrong type of argument raises a ``TypeError`` (or a ``SuccinctError``)
whose message NAMES the argument, at the public entry point, never a deep traceback
from inside the library or, worse, a silent wrong answer.

Every test names, in its docstring, the bug it was seen to catch when planted.
"""

from __future__ import annotations

import pytest

import succinct.export
from succinct.programs.ltl import Language, parse
from succinct.registry import get_family
from succinct.verify import verify
from succinct.words import Alphabet, SuccinctError

AB = Alphabet.of("ab")


def _pair() -> dict[str, Language]:
    """Two small recognizers of one language: ``L(Y a)`` and ``L(Y a & true)``."""
    return {"one": Language(parse("Y a", AB), AB), "two": Language(parse("Y a & true", AB), AB)}


@pytest.mark.parametrize("bad", ["ab", 3, [1, 2], None])
def test_verify_refuses_a_non_mapping(bad):
    """Planted: the ``isinstance(recognizers, Mapping)`` check removed from ``verify`` →
    ``dict("ab")`` raises a ValueError about sequence elements, ``dict(3)`` a TypeError
    naming no argument; this test fails on the missing name."""
    with pytest.raises(TypeError, match="recognizers must be a mapping"):
        verify(bad, max_len=2)


@pytest.mark.parametrize("bad", ["a string", 42, [1, 2], None])
def test_verify_refuses_a_non_recognizer(bad):
    """Planted: the per-value Recognizer check removed → ``AttributeError: 'str' object
    has no attribute 'alphabet'`` from deep inside ``check_alphabets``."""
    with pytest.raises(TypeError, match=r"recognizers\['bad'\] is of type .*not a recognizer"):
        verify({"good": _pair()["one"], "bad": bad}, max_len=2)


@pytest.mark.parametrize(("arg", "value"), [
    ("max_len", "3"), ("max_len", 2.0), ("samples", "10"), ("seed", None),
    ("batch_size", 1.5), ("max_words", "9"), ("time_limit", "1"), ("max_len", True),
])
def test_verify_names_a_badly_typed_number(arg, value):
    """Planted: the numeric type checks removed → ``max_len="3"`` dies in ``"3" < 1``
    with ``TypeError: '<' not supported between instances of 'str' and 'int'``, which
    names no argument (and ``max_len=True`` silently checks length 1)."""
    with pytest.raises(TypeError, match=rf"verify: {arg} must be"):
        verify(_pair(), **{"max_len": 2, arg: value})


def test_verify_still_runs_with_good_arguments():
    """The checks let good calls through (numpy integers included): ``Y a`` and
    ``Y a & true`` agree on all 6 words of length ≤ 2. Planted: ``np.integer`` dropped
    from the accepted kinds → this call (``max_len=np.int64(2)``) is refused."""
    import numpy as np

    report = verify(_pair(), max_len=np.int64(2), time_limit=60)
    assert report.checked == 6 and not report.disagreements


def test_accepts_refuses_a_bare_string_on_every_model():
    """``model.accepts("ab")`` once decided "a" and "b" as two words. Planted: the
    ``isinstance(words, str)`` check in ``succinct.words.encode`` removed → UHAT and RNN
    answer two decisions (no error)."""
    uhat = get_family("ltl").build("uhat", {"formula": "Y a", "alphabet": "ab"})
    rnn = get_family("dyck").build("rnn", {"k": "1", "D": "2"})
    for model in (uhat, rnn, _pair()["one"]):
        with pytest.raises(TypeError, match=r"accepts takes a list of words.*did you mean "
                                            r"accepts\(\['ab'\]\)"):
            model.accepts("ab")


def test_get_family_names_its_argument():
    """Planted: the str check removed from ``get_family`` → ``None`` gives "unknown family
    None", which does not say that a name (a str) was expected."""
    with pytest.raises(TypeError, match="get_family: name must be a str"):
        get_family(None)
    with pytest.raises(SuccinctError, match="unknown family 'nope'"):
        get_family("nope")


@pytest.mark.parametrize("bad", [42, None, ["Y a"]])
def test_parse_ltl_names_its_argument(bad):
    """Planted: the str check removed from ``parse`` → ``42`` dies in ``len(text)`` or in
    the tokenizer's regex with a TypeError naming no argument."""
    with pytest.raises(TypeError, match="parse: text must be a str"):
        parse(bad)
    with pytest.raises(TypeError, match="parse: alphabet must be"):
        parse("a", alphabet=42)


def test_export_load_names_its_argument():
    """``load(123)`` raises ``TypeError: expected str, bytes or os.PathLike object, not
    int`` from ``pathlib``, naming no argument."""
    with pytest.raises(TypeError, match="path"):
        succinct.export.load(123)


def test_an_unknown_mask_or_tie_lists_the_allowed_values():
    """Planted: the old one-line ``bad mask/tie 'all'/'left'`` (a student's guess at the
    name of "every position") names neither the allowed masks nor their meaning."""
    from succinct import UHATBuilder

    b = UHATBuilder(AB)
    with pytest.raises(SuccinctError, match=r"unknown mask 'all': one of 'none' \(all "
                       r"positions\), 'future' \(m < n\) or 'past' \(m > n\)"):
        b.attention(mask="all", tie="left", query=["Q_a"], new=["x"])
    with pytest.raises(SuccinctError, match="unknown tie-break 'last': 'left'"):
        b.attention(mask="none", tie="last", query=["Q_a"], new=["x"])


def test_building_a_program_from_an_expression_says_to_name_it():
    """Planted: ``ProgramBuilder.build`` taking the expression's repr as a name → a
    ``output predicate Or(...) is not defined`` that does not say what to do."""
    from succinct import ProgramBuilder
    from succinct.programs.brasp import BRASPError

    p = ProgramBuilder(AB)
    with pytest.raises(BRASPError, match=r"name it first, e\.g\. out = builder\.local"):
        p.build(p.Q("a") | p.Q("b"))
