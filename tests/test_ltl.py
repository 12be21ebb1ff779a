"""LTL: parser, evaluator, Prop 16 compiler, and where acceptance is read."""

import functools
import itertools
import re
from typing import get_args

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct.compiler.brasp_to_uhat import Mode, compile_program
from succinct.exact.dispatch import exact_dfa
from succinct.programs.ltl import (
    MAX_BRASP_DEPTH,
    Atom,
    Binary,
    Bottom,
    Formula,
    Language,
    LTLError,
    Top,
    Unary,
    _tokenize,
    accept_position,
    evaluate_batch,
    parse,
    temporal_depth,
    to_brasp,
)
from succinct.testing.strategies import formulas, word_lists
from succinct.words import Alphabet, encode

AB = Alphabet.of("ab")
MODES = get_args(Mode)  # every compile mode the compiler has
EXAMPLE_1 = "b & H(b -> Y a) & H((a & Y true) -> Y b)"


def _all_words(max_len: int, alphabet: str = "ab") -> list[str]:
    return ["".join(w) for n in range(1, max_len + 1)
            for w in itertools.product(alphabet, repeat=n)]


@pytest.mark.parametrize("mode", MODES)
def test_example_1_is_ab_plus_on_all_words_up_to_12(mode):
    words = _all_words(12)
    want = [bool(re.fullmatch("(ab)+", w)) for w in words]
    phi = parse(EXAMPLE_1, AB)
    assert Language(phi, AB).accepts(words).tolist() == want
    program = to_brasp(phi, AB)
    assert program.accepts(words).tolist() == want
    model = compile_program(program, mode).model
    assert model.accepts(words).tolist() == want


PAST_OPS = {"S", "Y", "P", "H"}
FUTURE_OPS = {"U", "X", "F", "G"}


def _holds(phi: Formula, word: str, pos: int) -> bool:
    """``word, pos ⊨ φ`` (0-indexed) by the quantifiers of §2.2, strict S and U: an oracle
    independent of the evaluator's recursive unfolding and of the B-RASP route."""
    n = len(word)

    @functools.cache
    def at(f: Formula, i: int) -> bool:
        match f:
            case Atom(s):
                return word[i] == s
            case Top():
                return True
            case Bottom():
                return False
            case Unary("!", x):
                return not at(x, i)
            case Unary("Y", x):
                return i > 0 and at(x, i - 1)
            case Unary("X", x):
                return i + 1 < n and at(x, i + 1)
            case Unary("P", x):
                return any(at(x, j) for j in range(i))
            case Unary("F", x):
                return any(at(x, j) for j in range(i + 1, n))
            case Unary("H", x):
                return all(at(x, j) for j in range(i + 1))
            case Unary("G", x):
                return all(at(x, j) for j in range(i, n))
            case Binary("S", a, b):
                return any(at(b, j) and all(at(a, k) for k in range(j + 1, i))
                           for j in range(i))
            case Binary("U", a, b):
                return any(at(b, j) and all(at(a, k) for k in range(i + 1, j))
                           for j in range(i + 1, n))
            case Binary(op, a, b):
                x, y = at(a, i), at(b, i)
                return {"&": x and y, "|": x or y, "->": not x or y, "<->": x == y}[op]
        raise TypeError(f)

    return at(phi, pos)


def _ops(phi: Formula) -> set[str]:
    return {f.op for f in phi.subformulas() if isinstance(f, Unary | Binary)}


def _in_language(phi: Formula, word: str) -> bool:
    """Paper §2.2: position 1 for formulas with future and no past operators, else N."""
    ops = _ops(phi)
    first = bool(ops & FUTURE_OPS) and not ops & PAST_OPS
    return _holds(phi, word, 0 if first else len(word) - 1)


@pytest.mark.parametrize("text", ["a S b", "a U b", "Y a", "H a", "P b", "F b", "X a", "G a",
                                  "(a S b) & F (b U Y a) & G (P b -> H a)"])
def test_operator_semantics_are_strict(text):
    phi = parse(text, AB)
    words = _all_words(6)
    tokens, lengths = encode(words, AB)
    val = evaluate_batch(phi, tokens, lengths, AB)[phi]
    for b, w in enumerate(words):
        for pos in range(len(w)):
            assert val[b, pos] == _holds(phi, w, pos), (text, w, pos)


@pytest.mark.parametrize("mode", MODES)
def test_F_b_is_read_at_position_1(mode):
    """``F b``: some b after position 1. Planted bug: reading it at the last position
    (where ``F b`` never holds) rejects ``ab``."""
    phi = parse("F b", AB)
    program = to_brasp(phi, AB)
    model = compile_program(program, mode).model
    assert model.spec.accept_at == program.accept_at == "first"
    for r in (Language(phi, AB), program, model):
        assert r.accepts(["ab", "ba", "b", "aab", "bbb"]).tolist() == [
            True, False, False, True, True]


@pytest.mark.parametrize("text,where", [
    ("F b", "first"), ("a U b", "first"), ("X a", "first"), ("G a", "first"),
    ("a & !F b", "first"), ("P a", "last"), ("a S b", "last"), ("F b & P a", "last"),
    ("X (a S b)", "last"), ("a", "last"), ("true", "last"), ("!a | b", "last"),
])
def test_acceptance_position(text, where):
    """One rule for the evaluator, the program and the UHAT; the witness word tells the
    two readings apart. Planted bug: a mixed formula read at position 1 fails the
    ``F b & P a`` and ``X (a S b)`` rows."""
    phi = parse(text, AB)
    assert accept_position(phi) == Language(phi, AB).accept_at == where
    assert to_brasp(phi, AB).accept_at == where
    words = _all_words(5)
    want = [_in_language(phi, w) for w in words]
    assert Language(phi, AB).accepts(words).tolist() == want


def _reads_first(phi: Formula) -> bool:
    ops = _ops(phi)
    return bool(ops & FUTURE_OPS) and not ops & PAST_OPS


def future_formulas(max_leaves: int = 8) -> st.SearchStrategy[Formula]:
    """Random formulas over U, X, F, G and the Boolean connectives, with a future op."""
    leaf = st.one_of(st.sampled_from([Atom("a"), Atom("b")]), st.just(Top()),
                     st.just(Bottom()))

    def extend(children: st.SearchStrategy[Formula]) -> st.SearchStrategy[Formula]:
        return st.one_of(
            st.builds(Unary, st.sampled_from(["!", "X", "F", "G"]), children),
            st.builds(Binary, st.sampled_from(["&", "|", "->", "<->", "U"]), children,
                      children),
        )

    return st.recursive(leaf, extend, max_leaves=max_leaves).filter(_reads_first)


@given(phi=future_formulas(), words=word_lists("ab", max_len=9, max_size=24))
def test_future_only_formulas_against_brute_force(phi, words):
    """Evaluator = Prop 16 program = compiled UHAT (every compile mode) = the quantifier
    oracle read at position 1. Planted bug: ``accept_position`` returning ``"last"``
    fails here (and so does reading ``Language`` alone at the last position)."""
    tokens, lengths = encode(words, AB)
    want = np.array([_in_language(phi, w) for w in words])
    assert (Language(phi, AB).accepts_batch(tokens, lengths) == want).all()
    program = to_brasp(phi, AB)
    assert (program.accepts_batch(tokens, lengths) == want).all()
    for mode in MODES:
        model = compile_program(program, mode).model
        assert (model.accepts_batch(tokens, lengths) == want).all(), mode


@given(phi=formulas("ab"), words=word_lists("ab", max_len=9, max_size=24))
def test_evaluator_equals_compiled_uhat(phi, words):
    """Every operator, past, future and mixed: the same four-way agreement (default mode).
    Planted bug: formulas that mix past and future operators read at position 1."""
    tokens, lengths = encode(words, AB)
    want = np.array([_in_language(phi, w) for w in words])
    assert (Language(phi, AB).accepts_batch(tokens, lengths) == want).all()
    program = to_brasp(phi, AB)
    assert (program.accepts_batch(tokens, lengths) == want).all()
    model = compile_program(program).model
    assert (model.accepts_batch(tokens, lengths) == want).all()


@settings(max_examples=30)
@given(phi=future_formulas(max_leaves=5))
def test_exact_automata_of_future_only_formulas(phi):
    """``exact_dfa`` of the formula, its program and its UHAT (the layer-by-layer
    construction, acceptance at the first position) all accept exactly the oracle's words
    up to length 7, and are one minimal DFA. Planted bug: ``two_sided_dfa`` reading the
    UHAT at its last position (``accept_at`` ignored)."""
    words = _all_words(7)
    tokens, lengths = encode(words, AB)
    want = np.array([_in_language(phi, w) for w in words])
    program = to_brasp(phi, AB)
    autos = [exact_dfa(r) for r in (Language(phi, AB), program,
                                    compile_program(program).model)]
    for auto in autos:
        assert auto.exact and (auto.minimal.accepts_batch(tokens, lengths) == want).all()
    assert autos[0].minimal == autos[1].minimal == autos[2].minimal


def test_exact_automaton_of_F_b():
    """``F b`` = Σ Σ* b Σ*: start, "one symbol read, no b since", accept (a sink)."""
    auto = exact_dfa(Language(parse("F b", AB), AB))
    assert auto.minimal.n_states == 3
    assert auto.minimal.accepts(["ab", "ba", "b", "aaab"]).tolist() == [True, False, False,
                                                                       True]


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


# ------------------------------------------------------------------ the iterative parser
class _DescentParser:
    """The parser this module had before the iterative one: recursive descent, one
    function per binding level (``<->`` < ``->`` < ``|`` < ``&`` < ``S``/``U`` < unary).
    An oracle written independently of the shunting-yard, for shallow formulas."""

    def __init__(self, text: str) -> None:
        self.text, self.tokens, self.k = text, _tokenize(text), 0

    def fail(self, msg: str, at: int | None = None) -> LTLError:
        if at is None:
            at = self.tokens[self.k][2] if self.k < len(self.tokens) else len(self.text)
        return LTLError(f"malformed formula at position {at + 1}: {msg}\n  {self.text}\n"
                        f"  {' ' * at}^")

    def take(self, value: str) -> bool:
        if self.k < len(self.tokens) and self.tokens[self.k][:2] == ("op", value):
            self.k += 1
            return True
        return False

    def parse(self) -> Formula:
        if not self.tokens:
            raise self.fail("empty formula", 0)
        f = self.iff()
        if self.k < len(self.tokens):
            raise self.fail(f"unexpected {self.tokens[self.k][1]!r}")
        return f

    def iff(self) -> Formula:
        f = self.implies()
        while self.take("<->"):
            f = Binary("<->", f, self.implies())
        return f

    def implies(self) -> Formula:
        f = self.disj()
        return Binary("->", f, self.implies()) if self.take("->") else f

    def disj(self) -> Formula:
        f = self.conj()
        while self.take("|"):
            f = Binary("|", f, self.conj())
        return f

    def conj(self) -> Formula:
        f = self.temporal()
        while self.take("&"):
            f = Binary("&", f, self.temporal())
        return f

    def temporal(self) -> Formula:
        f = self.unary()
        for op in ("S", "U"):
            if self.take(op):
                return Binary(op, f, self.temporal())
        return f

    def unary(self) -> Formula:
        for op in ("!", "Y", "P", "H", "X", "F", "G"):
            if self.take(op):
                return Unary(op, self.unary())
        if self.take("("):
            f = self.iff()
            if not self.take(")"):
                raise self.fail("expected ')'")
            return f
        if self.take("true"):
            return Top()
        if self.take("false"):
            return Bottom()
        if self.k >= len(self.tokens):
            raise self.fail("unexpected end of formula, expected an atom or '('")
        kind, value, at = self.tokens[self.k]
        if kind != "atom":
            raise self.fail(f"expected an atom, '(' or a unary operator, got {value!r}")
        self.k += 1
        if value not in AB.symbols:
            raise self.fail(f"unknown symbol {value!r}: the alphabet is {{a, b}}", at)
        return Atom(value)


ATOMS = ["a", "b", "true", "false"]
PREFIX = ["!", "Y", "P", "X", "G"]
INFIX = ["S", "U", "&", "|", "->", "<->"]


@st.composite
def token_strings(draw: st.DrawFn, depth: int = 3) -> list[str]:
    """Well-formed token strings with few parentheses (so binding and associativity
    decide the tree): terms joined by infix operators, a term being prefix operators on
    an atom or on a parenthesized string; then, half the time, one token dropped,
    inserted or replaced (an unknown symbol ``c`` among them), for the error paths."""
    def expr(level: int) -> list[str]:
        out: list[str] = []
        for k in range(draw(st.integers(1, 5))):
            if k:
                out.append(draw(st.sampled_from(INFIX)))
            out += draw(st.lists(st.sampled_from(PREFIX), max_size=2))
            if level and draw(st.integers(0, 3)) == 0:
                out += ["(", *expr(level - 1), ")"]
            else:
                out.append(draw(st.sampled_from(ATOMS)))
        return out

    tokens = expr(depth)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(tokens)))
        junk = draw(st.sampled_from([*ATOMS, "c", *PREFIX, *INFIX, "(", ")"]))
        tokens[at:at + draw(st.integers(0, 1))] = draw(st.sampled_from([[], [junk]]))
    return tokens


@settings(max_examples=400)
@given(token_strings())
def test_parser_equals_recursive_descent(tokens):
    """Formulas and error messages (position included) are those of the recursive-descent
    parser, on token strings well or badly formed. Planted: ``->`` made left-associative
    in ``_BINARY`` (and, separately, ``S`` binding looser than ``&``) → fails on
    ``a -> b -> a`` (``a & b S a``)."""
    text = " ".join(tokens)
    try:
        want: Formula | str = _DescentParser(text).parse()
    except LTLError as e:
        want = str(e)
    try:
        got: Formula | str = parse(text, AB)
    except LTLError as e:
        got = str(e)
    assert got == want


DEEP = 10_000


@pytest.mark.parametrize("shape", ["parens", "Y", "!", "S", "&"])
def test_nesting_depth_10000_parses_prints_and_compares(shape):
    """Every walk over a formula is iterative. Planted: ``Formula.size`` made recursive
    again (``1 + sum(c.size() …)``) → RecursionError; the dataclass ``__eq__`` restored
    (``eq=True``) → RecursionError. The recursive-descent oracle above raises
    RecursionError at 200 nested parentheses (checked once by hand)."""
    text = {"parens": "(" * DEEP + "a" + ")" * DEEP, "Y": "Y " * DEEP + "a",
            "!": "!" * DEEP + "a", "S": "a S (" * DEEP + "b" + ")" * DEEP,
            "&": " & ".join(["a"] * (DEEP + 1))}[shape]
    phi = parse(text, AB)
    depth = 0 if shape == "parens" else DEEP
    assert phi.depth() == depth
    assert phi.size() == {"parens": 1, "Y": DEEP + 1, "!": DEEP + 1}.get(shape, 2 * DEEP + 1)
    again = parse(str(phi), AB)
    assert again == phi and hash(again) == hash(phi) and again is not phi
    assert repr(phi).count("(") > depth
    assert len(phi.subformulas()) == {"parens": 1, "S": DEEP + 2}.get(shape, DEEP + 1)
    assert accept_position(phi) == "last"
    assert temporal_depth(phi) == {"Y": DEEP, "S": DEEP}.get(shape, 0)


def test_the_evaluator_runs_at_depth_10000():
    """``L(Y^n a)`` = the words whose (n+1)-th symbol from the end is ``a``; ``L(!^n a)``
    = the words ending in ``a`` when n is even, in ``b`` when n is odd (no temporal
    operator: read at the last position). Planted: the Y shift made ``out[:, 1:] =
    x[:, 1:]`` → the Y^n words flip."""
    y = Language(parse("Y " * DEEP + "a", AB), AB)
    words = ["a" + "b" * DEEP, "b" * (DEEP + 1), "b" * DEEP, "ba" + "b" * DEEP, "a"]
    assert y.accepts(words).tolist() == [True, False, False, True, False]
    assert y.size_report().layers == DEEP
    for n, last in ((DEEP, "a"), (DEEP + 1, "b")):
        neg = Language(parse("!" * n + "a", AB), AB)
        assert neg.accepts(["ab", "ba", "a", "b"]).tolist() == [
            w[-1] == last for w in ["ab", "ba", "a", "b"]]


def test_to_brasp_refuses_past_its_documented_depth():
    """At ``MAX_BRASP_DEPTH`` the program is built and decides ``L(Y^n a)`` as its closed
    form; one deeper is refused in one line. Planted: the depth check removed → the
    refusal test fails (the program is built); the check made ``>=`` → the build at the
    limit is refused."""
    n = MAX_BRASP_DEPTH
    program = to_brasp(parse("Y " * n + "a", AB), AB)
    words = ["a" + "b" * n, "b" * (n + 1), "bb" + "a" * n, "ba" + "a" * n]
    assert program.accepts(words).tolist() == [True, False, False, True]
    with pytest.raises(LTLError, match=f"nesting depth {n + 1} exceeds the {n} "):
        to_brasp(parse("Y " * (n + 1) + "a", AB), AB)
