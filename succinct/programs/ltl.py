"""LTL with strict past and future operators (paper §2.2), and Prop 16's compiler.

Syntax (plain text)::

    φ ::= a | Q_a | 'sym' | true | false | ( φ ) | ! φ | Y φ | P φ | H φ | X φ | F φ | G φ
        | φ S φ | φ U φ | φ & φ | φ | φ | φ -> φ | φ <-> φ

Binding, tightest first: unary operators; ``S``/``U`` (right-associative); ``&``; ``|``;
``->`` (right-associative); ``<->``. An atom is a symbol of the alphabet (``a``), or
``Q_a``, or a quoted symbol (``'S'``) when the symbol collides with a keyword.
Tokens are separated by spaces or parentheses: write ``Y a``, not ``Ya``.

Semantics at position n of a = a_1 … a_N (both temporal operators are strict):

* ``φ S ψ``: some j < n has ψ, and φ holds at every k with j < k < n;
* ``φ U ψ``: some j > n has ψ, and φ holds at every k with n < k < j;
* ``Y φ = false S φ``, ``P φ = true S φ``, ``H φ = φ ∧ ¬P¬φ``;
* ``X φ = false U φ``, ``F φ = true U φ``, ``G φ = φ ∧ ¬F¬φ``.

Acceptance (paper §2.2), one rule, :func:`accept_position`: ``L(φ)`` is the set of
non-empty words ``a`` with ``a, 1 ⊨ φ`` when φ is *future-only* (it contains a future
operator ``U``, ``X``, ``F`` or ``G`` and no past operator ``S``, ``Y``, ``P``, ``H``),
and with ``a, N ⊨ φ`` (the last position) otherwise: for past-only formulas, for formulas
that mix past and future operators, and for formulas without temporal operators (there
both readings are defensible; the last position keeps them in the past fragment).
So ``F b`` accepts ``ab`` and rejects ``ba`` and ``b``.

Prop 16 (LTL → B-RASP → UHAT, polynomial): one predicate per subformula; ``S`` is an
attention op with strict-future masking and rightmost tie-break,
``(φ S ψ)(i) := ▶_j[j<i, ¬φ(j) ∨ ψ(j)] ψ(j) : 0``, and ``U`` its mirror with strict-past
masking and leftmost tie-break. All scores depend on ``j`` only, so every op is in
Lemma 9's special form with ``K = ∅``. The program is read at the position
:func:`accept_position` names (``Program.accept``), and so is its compiled UHAT
(``UHATSpec.accept_at``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from succinct.programs.brasp import FALSE, TRUE, Program, ProgramBuilder, Ref
from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError, check_lengths, encode

__all__ = ["Formula", "Atom", "Top", "Bottom", "Unary", "Binary", "parse", "LTLError",
           "evaluate_batch", "to_brasp", "Language", "temporal_depth", "accept_position"]

UNARY = ("!", "Y", "P", "H", "X", "F", "G")
KEYWORDS = {"true", "false", "S", "U", "Y", "P", "H", "X", "F", "G"}
PAST = frozenset({"S", "Y", "P", "H"})
FUTURE = frozenset({"U", "X", "F", "G"})
TEMPORAL = PAST | FUTURE


class LTLError(SuccinctError):
    """A malformed formula (the message names the position)."""


class Formula:
    """Base class of LTL formula nodes."""

    def subformulas(self) -> list[Formula]:
        """All distinct subformulas, children before parents."""
        seen: dict[Formula, None] = {}

        def go(f: Formula) -> None:
            for c in f.children():
                go(c)
            seen.setdefault(f, None)

        go(self)
        return list(seen)

    def children(self) -> tuple[Formula, ...]:
        return ()

    def size(self) -> int:
        """|φ|: the number of nodes of the syntax tree."""
        return 1 + sum(c.size() for c in self.children())


@dataclass(frozen=True)
class Atom(Formula):
    symbol: str

    def __str__(self) -> str:
        return self.symbol if re.fullmatch(r"[^\s()!&|<>'-]+", self.symbol) \
            and self.symbol not in KEYWORDS else f"'{self.symbol}'"


@dataclass(frozen=True)
class Top(Formula):
    def __str__(self) -> str:
        return "true"


@dataclass(frozen=True)
class Bottom(Formula):
    def __str__(self) -> str:
        return "false"


@dataclass(frozen=True)
class Unary(Formula):
    op: str
    x: Formula

    def children(self) -> tuple[Formula, ...]:
        return (self.x,)

    def __str__(self) -> str:
        return f"{self.op}{'' if self.op == '!' else ' '}{_paren(self.x)}"


@dataclass(frozen=True)
class Binary(Formula):
    op: str  # "&", "|", "->", "<->", "S", "U"
    a: Formula
    b: Formula

    def children(self) -> tuple[Formula, ...]:
        return (self.a, self.b)

    def __str__(self) -> str:
        return f"{_paren(self.a)} {self.op} {_paren(self.b)}"


def _paren(f: Formula) -> str:
    return f"({f})" if isinstance(f, Binary) else str(f)


# ====================================================================== parser
_TOKEN = re.compile(r"\s*(?:(<->|->|[!&|()])|'([^']*)'|([^\s()!&|<>'-]+))")


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            col = len(text) - len(text[pos:].lstrip()) if text[pos:].strip() else pos
            raise LTLError(f"malformed formula at position {col + 1}: unexpected "
                           f"{text[col:col + 1]!r}\n  {text}\n  {' ' * col}^")
        start = m.start(m.lastindex)
        if m.group(1):
            tokens.append(("op", m.group(1), start))
        elif m.group(2) is not None:
            tokens.append(("atom", m.group(2), start))
        else:
            word = m.group(3)
            tokens.append(("op" if word in KEYWORDS else "atom", word, start))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str, alphabet: Alphabet | None) -> None:
        self.text = text
        self.alphabet = alphabet
        self.tokens = _tokenize(text)
        self.k = 0

    def fail(self, msg: str, at: int | None = None) -> LTLError:
        if at is None:
            at = self.tokens[self.k][2] if self.k < len(self.tokens) else len(self.text)
        return LTLError(f"malformed formula at position {at + 1}: {msg}\n  {self.text}\n"
                        f"  {' ' * at}^")

    def peek(self) -> str | None:
        return self.tokens[self.k][1] if self.k < len(self.tokens) else None

    def take(self, value: str) -> bool:
        if self.k < len(self.tokens) and self.tokens[self.k][0] == "op" \
                and self.tokens[self.k][1] == value:
            self.k += 1
            return True
        return False

    def parse(self) -> Formula:
        if not self.tokens:
            raise self.fail("empty formula", 0)
        f = self.iff()
        if self.k < len(self.tokens):
            raise self.fail(f"unexpected {self.peek()!r}")
        return f

    def iff(self) -> Formula:
        f = self.implies()
        while self.take("<->"):
            f = Binary("<->", f, self.implies())
        return f

    def implies(self) -> Formula:
        f = self.disj()
        if self.take("->"):
            return Binary("->", f, self.implies())
        return f

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
        for op in UNARY:
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
        symbol = value[2:] if value.startswith("Q_") and len(value) > 2 else value
        if self.alphabet is not None and symbol not in self.alphabet.symbols:
            raise self.fail(f"unknown symbol {symbol!r}: the alphabet is "
                            f"{{{', '.join(self.alphabet)}}}", at)
        return Atom(symbol)


def parse(text: str, alphabet: Alphabet | str | None = None) -> Formula:
    """Parses ``text``; with an alphabet, atoms must be its symbols."""
    if isinstance(alphabet, str):
        alphabet = Alphabet.of(alphabet)
    return _Parser(text, alphabet).parse()


def accept_position(phi: Formula) -> Literal["first", "last"]:
    """Where ``L(φ)`` reads φ (paper §2.2): ``"first"`` (position 1) iff φ contains a
    future operator (U, X, F, G) and no past operator (S, Y, P, H); else ``"last"``."""
    ops = {f.op for f in phi.subformulas() if isinstance(f, Unary | Binary)}
    return "first" if ops & FUTURE and not ops & PAST else "last"


# ====================================================================== evaluator
def evaluate_batch(phi: Formula, tokens: np.ndarray, lengths: np.ndarray,
                   alphabet: Alphabet) -> dict[Formula, np.ndarray]:
    """Truth of every subformula at every position, ``[B, N]`` bool, by the recursive
    unfolding ``(φ S ψ)(n) = ψ(n−1) ∨ (φ(n−1) ∧ (φ S ψ)(n−1))`` (and its mirror for U).

    Independent of the B-RASP route: no "last position where …" search is used.
    Positions at or beyond a word's length are padding and never satisfy U's witness.
    """
    b, n = tokens.shape
    inside = np.arange(n)[None, :] < lengths[:, None]
    val: dict[Formula, np.ndarray] = {}
    for f in phi.subformulas():
        if isinstance(f, Atom):
            val[f] = tokens == alphabet.index(f.symbol)
        elif isinstance(f, Top):
            val[f] = np.ones((b, n), bool)
        elif isinstance(f, Bottom):
            val[f] = np.zeros((b, n), bool)
        elif isinstance(f, Unary):
            x = val[f.x]
            if f.op == "!":
                val[f] = ~x
            elif f.op in ("Y", "P", "H"):
                out = np.zeros((b, n), bool)
                for t in range(1, n):
                    if f.op == "Y":
                        out[:, t] = x[:, t - 1]
                    elif f.op == "P":
                        out[:, t] = x[:, t - 1] | out[:, t - 1]
                if f.op == "H":  # φ holds at every position ≤ n
                    out = np.logical_and.accumulate(x, axis=1)
                val[f] = out
            else:  # X, F, G look right; padding is outside the word
                xin = x & inside
                out = np.zeros((b, n), bool)
                for t in range(n - 2, -1, -1):
                    if f.op == "X":
                        out[:, t] = xin[:, t + 1]
                    elif f.op == "F":
                        out[:, t] = xin[:, t + 1] | out[:, t + 1]
                if f.op == "G":  # φ at every position ≥ n inside the word
                    ok = x | ~inside
                    out = np.logical_and.accumulate(ok[:, ::-1], axis=1)[:, ::-1]
                val[f] = out
        else:
            a, c = val[f.a], val[f.b]
            if f.op == "&":
                val[f] = a & c
            elif f.op == "|":
                val[f] = a | c
            elif f.op == "->":
                val[f] = ~a | c
            elif f.op == "<->":
                val[f] = a == c
            elif f.op == "S":
                out = np.zeros((b, n), bool)
                for t in range(1, n):
                    out[:, t] = c[:, t - 1] | (a[:, t - 1] & out[:, t - 1])
                val[f] = out
            else:  # U
                cin = c & inside
                out = np.zeros((b, n), bool)
                for t in range(n - 2, -1, -1):
                    out[:, t] = cin[:, t + 1] | (a[:, t + 1] & out[:, t + 1])
                val[f] = out
    return val


@dataclass(frozen=True)
class Language:
    """``L(φ)`` over an alphabet, as a recognizer (the reference evaluator), read at the
    position :func:`accept_position` names."""

    formula: Formula
    alphabet: Alphabet

    @property
    def accept_at(self) -> Literal["first", "last"]:
        return accept_position(self.formula)

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        tokens = np.asarray(tokens)
        lengths = check_lengths(lengths)
        val = evaluate_batch(self.formula, tokens, lengths, self.alphabet)[self.formula]
        at = np.zeros_like(lengths) if self.accept_at == "first" else lengths - 1
        return val[np.arange(len(lengths)), at]

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def size_report(self) -> SizeReport:
        """Sizes: ``params`` = |φ|, ``layers`` = temporal depth, ``width`` = distinct
        subformulas, ``bits`` = |φ|·⌈log₂(|Σ| + 13)⌉ (one code per node: a symbol, an
        operator or a constant)."""
        size = self.formula.size()
        code_bits = max(1, (len(self.alphabet) + 12).bit_length())
        return SizeReport(
            "ltl", {"params": "formula_size", "layers": "temporal_depth",
                    "width": "subformulas", "bits": "formula_bits"},
            params=size, layers=temporal_depth(self.formula),
            width=len(self.formula.subformulas()), bits=size * code_bits,
            notes={"params": "|φ| (syntax-tree nodes)", "layers": "temporal nesting depth",
                   "width": "distinct subformulas",
                   "bits": f"|φ|·⌈log2(|Σ| + 13)⌉ = |φ|·{code_bits}"})

    def __str__(self) -> str:
        return (f"L({self.formula}) over {{{', '.join(self.alphabet)}}}, read at the "
                f"{self.accept_at} position")


def temporal_depth(f: Formula) -> int:
    """Nesting depth of the temporal operators (S, U, Y, P, H, X, F, G) in ``f``."""
    here = 1 if isinstance(f, Unary | Binary) and f.op in TEMPORAL else 0
    return here + max((temporal_depth(c) for c in f.children()), default=0)


# ====================================================================== Prop 16
def to_brasp(phi: Formula, alphabet: Alphabet | str) -> Program:
    """The B-RASP program of Prop 16: one predicate per subformula, output = φ, read at
    :func:`accept_position` (position 1 for future-only formulas, else the last)."""
    if isinstance(alphabet, str):
        alphabet = Alphabet.of(alphabet)
    p = ProgramBuilder(alphabet)
    name: dict[Formula, Ref] = {}
    out: Ref | None = None
    for k, f in enumerate(phi.subformulas()):
        label = f"φ{k}"
        if isinstance(f, Atom):
            ref = p.Q(f.symbol)
            if f == phi:  # the output needs a predicate of its own
                ref = p.local(label, ref)
        elif isinstance(f, Top | Bottom):
            ref = p.local(label, TRUE if isinstance(f, Top) else FALSE)
        elif isinstance(f, Unary):
            ref = _unary_op(p, label, f.op, name[f.x])
        else:
            ref = _binary_op(p, label, f.op, name[f.a], name[f.b])
        name[f] = ref
        out = ref
    assert out is not None
    return p.build(out, accept=accept_position(phi))


def _unary_op(p: ProgramBuilder, label: str, op: str, x: Ref) -> Ref:
    """One B-RASP op for a unary operator (strict past: ▶ future mask; future: ◀ past)."""
    if op == "!":
        return p.local(label, ~x)
    past = op in ("Y", "P", "H")
    mask, tie = ("future", "right") if past else ("past", "left")
    if op in ("Y", "X"):  # the neighbour satisfies x
        return p.attend(label, mask=mask, tie=tie, score=TRUE, value=x.j, default=FALSE)
    if op in ("P", "F"):  # some position on that side satisfies x
        return p.attend(label, mask=mask, tie=tie, score=x.j, value=TRUE, default=FALSE)
    # H, G: no position on that side violates x, and x holds here
    return p.attend(label, mask=mask, tie=tie, score=~x.j, value=FALSE, default=x)


def _binary_op(p: ProgramBuilder, label: str, op: str, a: Ref, c: Ref) -> Ref:
    """One B-RASP op for a binary operator; S and U select the nearest ¬a ∨ c."""
    if op == "&":
        return p.local(label, a & c)
    if op == "|":
        return p.local(label, a | c)
    if op == "->":
        return p.local(label, a.implies(c))
    if op == "<->":
        return p.local(label, a.iff(c))
    mask, tie = ("future", "right") if op == "S" else ("past", "left")
    return p.attend(label, mask=mask, tie=tie, score=~a.j | c.j, value=c.j, default=FALSE)
