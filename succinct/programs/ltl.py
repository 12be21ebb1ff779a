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

Nesting depth (:meth:`Formula.depth`: the most operators on a path from the root to a
leaf; parentheses add none) is limited by memory only in the parser, in every walk over
a formula (printing, equality, hashing, sizes, :func:`evaluate_batch`) and so in the
``reference`` model: all are iterative, and tested at depth 10,000. :func:`to_brasp`, and
with it the UHAT, refuses formulas nested deeper than ``MAX_BRASP_DEPTH = 1000`` with an
:class:`LTLError`: the program has a predicate per subformula and the compiled UHAT a
layer per temporal level, and building them grows faster than linearly (measured for
``Y^n a`` on 2 cores: UHAT in 2.5 s at n = 500, 64 s at n = 2000; B-RASP alone 0.7 s at
n = 1000, 3 min at n = 10,000).

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
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from succinct.programs.brasp import FALSE, TRUE, Program, ProgramBuilder, Ref
from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError, check_lengths, encode

__all__ = ["Formula", "Atom", "Top", "Bottom", "Unary", "Binary", "parse", "LTLError",
           "evaluate_batch", "to_brasp", "Language", "temporal_depth", "accept_position",
           "MAX_BRASP_DEPTH"]

UNARY = ("!", "Y", "P", "H", "X", "F", "G")
KEYWORDS = {"true", "false", "S", "U", "Y", "P", "H", "X", "F", "G"}
PAST = frozenset({"S", "Y", "P", "H"})
FUTURE = frozenset({"U", "X", "F", "G"})
TEMPORAL = PAST | FUTURE
# Deepest formula to_brasp (and so the UHAT) builds; parsing and evaluation have no limit.
MAX_BRASP_DEPTH = 1000


class LTLError(SuccinctError):
    """A malformed formula (the message names the position)."""


class Formula:
    """Base class of LTL formula nodes.

    Every walk over a formula here is iterative (an explicit stack, children before
    parents), so nesting depth is bounded by memory, not by Python's recursion limit:
    equality and hashing included (the hash is computed once, at construction, from the
    children's; it depends on no per-process seed, so pickled formulas stay valid).
    """

    _hash: int

    def __post_init__(self) -> None:
        own = zlib.crc32(f"{type(self).__name__}:{self.label()}".encode())
        object.__setattr__(self, "_hash", hash((own, *(hash(c) for c in self.children()))))

    def label(self) -> str:
        """What this node holds besides its children (symbol or operator)."""
        return ""

    def children(self) -> tuple[Formula, ...]:
        return ()

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Formula):
            return NotImplemented
        pairs: list[tuple[Formula, Formula]] = [(self, other)]
        while pairs:
            x, y = pairs.pop()
            if x is y:
                continue
            if type(x) is not type(y) or x._hash != y._hash or x.label() != y.label():
                return False
            pairs.extend(zip(x.children(), y.children(), strict=True))
        return True

    def subformulas(self) -> list[Formula]:
        """All distinct subformulas, children before parents."""
        seen: dict[Formula, None] = {}
        stack: list[tuple[Formula, bool]] = [(self, False)]
        while stack:
            f, expanded = stack.pop()
            if expanded:
                seen.setdefault(f, None)
            elif f not in seen:
                stack.append((f, True))
                stack.extend((c, False) for c in reversed(f.children()))
        return list(seen)

    def depth(self) -> int:
        """Nesting depth: the most operators on a path from the root to a leaf (an atom
        or a constant has depth 0, ``Y Y a`` depth 2)."""
        depth: dict[Formula, int] = {}
        for f in self.subformulas():
            depth[f] = max((1 + depth[c] for c in f.children()), default=0)
        return depth[self]

    def size(self) -> int:
        """|φ|: the number of nodes of the syntax tree (shared subtrees counted at each
        occurrence)."""
        size: dict[Formula, int] = {}
        for f in self.subformulas():
            size[f] = 1 + sum(size[c] for c in f.children())
        return size[self]

    def __str__(self) -> str:
        """The formula in the syntax :func:`parse` reads, binary subformulas in
        parentheses: ``parse(str(φ)) == φ``."""

        def pieces(f: Formula) -> list[Formula | str]:
            if isinstance(f, Unary):
                return [f.op + ("" if f.op == "!" else " "), *_parenthesized(f.x)]
            if isinstance(f, Binary):
                return [*_parenthesized(f.a), f" {f.op} ", *_parenthesized(f.b)]
            return [f.leaf_text()]

        return _render(self, pieces)

    def __repr__(self) -> str:
        def pieces(f: Formula) -> list[Formula | str]:
            out: list[Formula | str] = [f"{type(f).__name__}("]
            for k, field in enumerate(fields(f)):
                value = getattr(f, field.name)
                out.append(f"{', ' if k else ''}{field.name}=")
                out.append(value if isinstance(value, Formula) else repr(value))
            return [*out, ")"]

        return _render(self, pieces)

    def leaf_text(self) -> str:
        """How a leaf prints (atoms and constants override it)."""
        raise NotImplementedError


def _render(root: Formula, pieces: Callable[[Formula], list[Formula | str]]) -> str:
    """The text of ``root`` where each formula reads as ``pieces(f)``: texts, and the
    subformulas in between, expanded left to right with an explicit stack (no recursion,
    so any nesting depth prints)."""
    out: list[str] = []
    stack: list[Formula | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        else:
            stack.extend(reversed(pieces(item)))
    return "".join(out)


def _parenthesized(f: Formula) -> list[Formula | str]:
    return ["(", f, ")"] if isinstance(f, Binary) else [f]


@dataclass(frozen=True, eq=False, repr=False)
class Atom(Formula):
    symbol: str

    def label(self) -> str:
        return self.symbol

    def leaf_text(self) -> str:
        return self.symbol if re.fullmatch(r"[^\s()!&|<>'-]+", self.symbol) \
            and self.symbol not in KEYWORDS else f"'{self.symbol}'"


@dataclass(frozen=True, eq=False, repr=False)
class Top(Formula):
    def leaf_text(self) -> str:
        return "true"


@dataclass(frozen=True, eq=False, repr=False)
class Bottom(Formula):
    def leaf_text(self) -> str:
        return "false"


@dataclass(frozen=True, eq=False, repr=False)
class Unary(Formula):
    op: str
    x: Formula

    def label(self) -> str:
        return self.op

    def children(self) -> tuple[Formula, ...]:
        return (self.x,)


@dataclass(frozen=True, eq=False, repr=False)
class Binary(Formula):
    op: str  # "&", "|", "->", "<->", "S", "U"
    a: Formula
    b: Formula

    def label(self) -> str:
        return self.op

    def children(self) -> tuple[Formula, ...]:
        return (self.a, self.b)


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


# Binary operators: binding strength (higher binds tighter) and right-associativity.
_BINARY: dict[str, tuple[int, bool]] = {
    "<->": (1, False), "->": (2, True), "|": (3, False), "&": (4, False),
    "S": (5, True), "U": (5, True),
}


class _Parser:
    """Operator precedence parsing with explicit stacks (shunting-yard), so that nesting
    depth is bounded by memory only. ``operands`` holds parsed subformulas; ``pending``
    holds unapplied operators as ``(op, kind, position)`` with kind ``"unary"``,
    ``"binary"`` or ``"("``. Unary operators bind tightest, so any on top of ``pending``
    apply as soon as their operand is complete."""

    def __init__(self, text: str, alphabet: Alphabet | None) -> None:
        self.text = text
        self.alphabet = alphabet
        self.tokens = _tokenize(text)
        self.operands: list[Formula] = []
        self.pending: list[tuple[str, str, int]] = []

    def fail(self, msg: str, at: int) -> LTLError:
        return LTLError(f"malformed formula at position {at + 1}: {msg}\n  {self.text}\n"
                        f"  {' ' * at}^")

    def parse(self) -> Formula:
        if not self.tokens:
            raise self.fail("empty formula", 0)
        want_operand = True
        for kind, value, at in self.tokens:
            if want_operand:
                want_operand = self.operand(kind, value, at)
            elif kind == "op" and value in _BINARY:
                self.reduce(value)
                self.pending.append((value, "binary", at))
                want_operand = True
            elif kind == "op" and value == ")":
                self.reduce(None)
                if not self.pending:
                    raise self.fail("unexpected ')'", at)
                self.pending.pop()
            else:
                inside = any(k == "(" for _, k, _ in self.pending)
                raise self.fail("expected ')'" if inside else f"unexpected {value!r}", at)
        end = len(self.text)
        if want_operand:
            raise self.fail("unexpected end of formula, expected an atom or '('", end)
        self.reduce(None)
        if self.pending:
            raise self.fail("expected ')'", end)
        (phi,) = self.operands
        return phi

    def operand(self, kind: str, value: str, at: int) -> bool:
        """Reads a token where an operand starts; returns whether one is still wanted."""
        if kind == "op" and value in UNARY:
            self.pending.append((value, "unary", at))
            return True
        if kind == "op" and value == "(":
            self.pending.append((value, "(", at))
            return True
        if kind == "op" and value in ("true", "false"):
            self.operands.append(Top() if value == "true" else Bottom())
            return False
        if kind != "atom":
            raise self.fail(f"expected an atom, '(' or a unary operator, got {value!r}", at)
        symbol = value[2:] if value.startswith("Q_") and len(value) > 2 else value
        if self.alphabet is not None and symbol not in self.alphabet.symbols:
            raise self.fail(f"unknown symbol {symbol!r}: the alphabet is "
                            f"{{{', '.join(self.alphabet)}}}", at)
        self.operands.append(Atom(symbol))
        return False

    def reduce(self, incoming: str | None) -> None:
        """Applies pending operators, top first, down to the innermost open parenthesis;
        before a binary operator ``incoming``, only those that bind before it (a unary
        one always; a binary one if it binds tighter, or as tight and ``incoming`` is
        left-associative)."""
        while self.pending and self.pending[-1][1] != "(":
            op, kind, _ = self.pending[-1]
            if incoming is not None and kind == "binary":
                (mine, _), (theirs, right) = _BINARY[op], _BINARY[incoming]
                if mine < theirs or (mine == theirs and right):
                    return
            self.pending.pop()
            if kind == "unary":
                self.operands.append(Unary(op, self.operands.pop()))
            else:
                b = self.operands.pop()
                self.operands.append(Binary(op, self.operands.pop(), b))


def parse(text: str, alphabet: Alphabet | str | None = None) -> Formula:
    """Parses ``text``; with an alphabet, atoms must be its symbols."""
    if not isinstance(text, str):
        raise TypeError(f"parse: text must be a str (an LTL formula), got "
                        f"{type(text).__name__}")
    if isinstance(alphabet, str):
        alphabet = Alphabet.of(alphabet)
    elif alphabet is not None and not isinstance(alphabet, Alphabet):
        raise TypeError(f"parse: alphabet must be an Alphabet, a str or None, got "
                        f"{type(alphabet).__name__}")
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
    unfolding ``(φ S ψ)(n) = ψ(n−1) ∨ (φ(n−1) ∧ (φ S ψ)(n−1))`` (and its mirror for U);
    the unary operators as shifts and running ∨/∧ (``(P φ)(n) = ⋁_{j<n} φ(j)``, …).

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
                if f.op == "Y":  # φ at n − 1
                    out[:, 1:] = x[:, :-1]
                elif f.op == "P":  # φ at some position < n
                    out[:, 1:] = np.logical_or.accumulate(x, axis=1)[:, :-1]
                else:  # H: φ at every position ≤ n
                    out = np.logical_and.accumulate(x, axis=1)
                val[f] = out
            else:  # X, F, G look right; padding is outside the word
                xin = x & inside
                out = np.zeros((b, n), bool)
                if f.op == "X":  # φ at n + 1, inside the word
                    out[:, :-1] = xin[:, 1:]
                elif f.op == "F":  # φ at some position > n inside the word
                    later = np.logical_or.accumulate(xin[:, ::-1], axis=1)[:, ::-1]
                    out[:, :-1] = later[:, 1:]
                else:  # G: φ at every position ≥ n inside the word
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
    depth: dict[Formula, int] = {}
    for g in f.subformulas():
        here = 1 if isinstance(g, Unary | Binary) and g.op in TEMPORAL else 0
        depth[g] = here + max((depth[c] for c in g.children()), default=0)
    return depth[f]


# ====================================================================== Prop 16
def to_brasp(phi: Formula, alphabet: Alphabet | str) -> Program:
    """The B-RASP program of Prop 16: one predicate per subformula, output = φ, read at
    :func:`accept_position` (position 1 for future-only formulas, else the last).
    Refuses formulas nested deeper than :data:`MAX_BRASP_DEPTH` (module docstring)."""
    depth = phi.depth()
    if depth > MAX_BRASP_DEPTH:
        raise LTLError(f"formula nesting depth {depth} exceeds the {MAX_BRASP_DEPTH} that "
                       "the B-RASP program and the UHAT support (building them takes "
                       "minutes beyond it); the reference model evaluates any depth")
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
