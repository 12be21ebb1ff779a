"""B-RASP programs (paper §2.4): a small DSL, validation and a reference interpreter.

A program is a sequence of Boolean vectors ``P_1 … P_Π`` over the positions of a word:

* input predicates ``Q_a(i) = [a_i = a]``, one per symbol;
* position-wise ops ``P(i) := R(i)`` with ``R`` a Boolean combination of earlier
  predicates at ``i``;
* attention ops ``P(i) := ◀/▶_j [M(i, j), S(i, j)] V(i, j) : D(i)``: among the
  positions ``j`` with ``M(i, j) ∧ S(i, j)`` take the leftmost (◀, ``tie="left"``) or
  rightmost (▶, ``tie="right"``) ``o(i)``; the result is ``V(i, o(i))`` if it exists and
  the default ``D(i)`` otherwise. Masks: ``none``, ``future`` (j < i), ``past`` (j > i).

A word is accepted when the output predicate holds at the last position (the first,
for programs that use only strict-past masking).

Writing a program::

    p = ProgramBuilder("ab")
    qa, qb = p.Q("a"), p.Q("b")
    prev_a = p.attend("prev_a", mask="future", tie="right", score=TRUE, value=qa.j)
    ok = p.local("ok", qb & prev_a)
    program = p.build(output=ok)

``x.j`` refers to predicate ``x`` at the attended position ``j``; a bare ``x`` (or
``x.i``) to the current position. ``&``, ``|``, ``~``, ``^``, ``.implies()``,
``.iff()`` combine expressions.

**Special form** (Lemma 9): the score is ``S(j) ∧ ⋀_{k∈K} P_k(i) ↔ P_k(j)``. The
compiler to UHATs needs it; :func:`special_form` recognises it and raises otherwise.

**Interpreter complexity.** Attention ops in special form are evaluated with sorting
and cumulative maxima (O(N log N) per op, vectorised with numpy); any other score is
evaluated by the definition, in O(N²).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

from succinct.sizes import SizeReport
from succinct.words import EMPTY_WORD, Alphabet, SuccinctError, check_lengths, encode

__all__ = [
    "Expr", "Const", "Ref", "Not", "And", "Or", "Iff", "TRUE", "FALSE",
    "Input", "Local", "Attend", "Program", "ProgramBuilder", "special_form",
    "BRASPError", "evaluate", "input_name", "all_of", "any_of", "eval_expr", "shift",
]

Mask = Literal["none", "future", "past"]
Tie = Literal["left", "right"]


class BRASPError(SuccinctError):
    """A malformed B-RASP program."""


def input_name(symbol: str) -> str:
    """Name of the input predicate of ``symbol``: ``Q_a``."""
    return f"Q_{symbol}"


# ====================================================================== expressions
class Expr:
    """A Boolean expression over predicates at ``i`` (current) or ``j`` (attended)."""

    def __and__(self, other: Expr) -> Expr:
        return And((self, _expr(other)))

    def __rand__(self, other: Expr) -> Expr:
        return And((_expr(other), self))

    def __or__(self, other: Expr) -> Expr:
        return Or((self, _expr(other)))

    def __ror__(self, other: Expr) -> Expr:
        return Or((_expr(other), self))

    def __invert__(self) -> Expr:
        return Not(self)

    def __xor__(self, other: Expr) -> Expr:
        return Not(Iff(self, _expr(other)))

    def implies(self, other: Expr) -> Expr:
        return Or((Not(self), _expr(other)))

    def iff(self, other: Expr) -> Expr:
        return Iff(self, _expr(other))

    @property
    def j(self) -> Expr:
        """The same expression read at the attended position ``j``."""
        return shift(self, "j")

    @property
    def i(self) -> Expr:
        """The same expression read at the current position ``i``."""
        return shift(self, "i")

    def refs(self) -> set[tuple[str, str]]:
        """All ``(name, at)`` predicate references."""
        raise NotImplementedError

    def size(self) -> int:
        """Number of nodes (the description size used in size formulas)."""
        raise NotImplementedError


def _expr(x: Expr | bool) -> Expr:
    if isinstance(x, bool):
        return TRUE if x else FALSE
    if not isinstance(x, Expr):
        raise BRASPError(f"expected a B-RASP expression, got {x!r}")
    return x


@dataclass(frozen=True, eq=True)
class Const(Expr):
    value: bool

    def refs(self) -> set[tuple[str, str]]:
        return set()

    def size(self) -> int:
        return 1

    def __str__(self) -> str:
        return "1" if self.value else "0"


TRUE = Const(True)
FALSE = Const(False)


@dataclass(frozen=True, eq=True)
class Ref(Expr):
    name: str
    at: Literal["i", "j"] = "i"

    @property
    def j(self) -> Ref:
        return Ref(self.name, "j")

    @property
    def i(self) -> Ref:
        return Ref(self.name, "i")

    def refs(self) -> set[tuple[str, str]]:
        return {(self.name, self.at)}

    def size(self) -> int:
        return 1

    def __str__(self) -> str:
        return f"{self.name}({self.at})"


@dataclass(frozen=True, eq=True)
class Not(Expr):
    x: Expr

    def refs(self) -> set[tuple[str, str]]:
        return self.x.refs()

    def size(self) -> int:
        return 1 + self.x.size()

    def __str__(self) -> str:
        return f"¬{self.x}"


@dataclass(frozen=True, eq=True)
class _Junction(Expr):
    """An n-ary conjunction or disjunction; the subclass names the connective."""

    xs: tuple[Expr, ...]
    symbol: ClassVar[str] = ""

    def refs(self) -> set[tuple[str, str]]:
        return set().union(*(x.refs() for x in self.xs))

    def size(self) -> int:
        return 1 + sum(x.size() for x in self.xs)

    def __str__(self) -> str:
        return "(" + f" {self.symbol} ".join(map(str, self.xs)) + ")"


@dataclass(frozen=True, eq=True)
class And(_Junction):
    symbol: ClassVar[str] = "∧"


@dataclass(frozen=True, eq=True)
class Or(_Junction):
    symbol: ClassVar[str] = "∨"


@dataclass(frozen=True, eq=True)
class Iff(Expr):
    a: Expr
    b: Expr

    def refs(self) -> set[tuple[str, str]]:
        return self.a.refs() | self.b.refs()

    def size(self) -> int:
        return 1 + self.a.size() + self.b.size()

    def __str__(self) -> str:
        return f"({self.a} ↔ {self.b})"


def shift(e: Expr, at: Literal["i", "j"]) -> Expr:
    """``e`` with every predicate reference moved to position ``at``."""
    if isinstance(e, Ref):
        return Ref(e.name, at)
    if isinstance(e, Const):
        return e
    if isinstance(e, Not):
        return Not(shift(e.x, at))
    if isinstance(e, And):
        return And(tuple(shift(x, at) for x in e.xs))
    if isinstance(e, Or):
        return Or(tuple(shift(x, at) for x in e.xs))
    if isinstance(e, Iff):
        return Iff(shift(e.a, at), shift(e.b, at))
    raise BRASPError(f"not a B-RASP expression: {e!r}")


def all_of(xs: Iterable[Expr]) -> Expr:
    """Conjunction (``TRUE`` when empty)."""
    xs = tuple(xs)
    return TRUE if not xs else xs[0] if len(xs) == 1 else And(xs)


def any_of(xs: Iterable[Expr]) -> Expr:
    """Disjunction (``FALSE`` when empty)."""
    xs = tuple(xs)
    return FALSE if not xs else xs[0] if len(xs) == 1 else Or(xs)


def eval_expr(e: Expr, env_i: Mapping[str, np.ndarray], env_j: Mapping[str, np.ndarray] | None,
              n: int) -> np.ndarray:
    """Vectorised evaluation: every predicate is a bool array of length ``n``."""
    if isinstance(e, Const):
        return np.full(n, e.value)
    if isinstance(e, Ref):
        env = env_i if e.at == "i" else env_j
        if env is None:
            raise BRASPError(f"{e} refers to j outside an attention score or value")
        return env[e.name]
    if isinstance(e, Not):
        return ~eval_expr(e.x, env_i, env_j, n)
    if isinstance(e, And):
        out = np.ones(n, bool)
        for x in e.xs:
            out &= eval_expr(x, env_i, env_j, n)
        return out
    if isinstance(e, Or):
        out = np.zeros(n, bool)
        for x in e.xs:
            out |= eval_expr(x, env_i, env_j, n)
        return out
    if isinstance(e, Iff):
        return eval_expr(e.a, env_i, env_j, n) == eval_expr(e.b, env_i, env_j, n)
    raise BRASPError(f"not a B-RASP expression: {e!r}")


# ====================================================================== operations
@dataclass(frozen=True)
class Input:
    """``Q_a(i) = [a_i = a]``."""

    name: str
    symbol: str


@dataclass(frozen=True)
class Local:
    """A position-wise op ``name(i) := expr(i)``."""

    name: str
    expr: Expr


@dataclass(frozen=True)
class Attend:
    """An attention op ``name(i) := ◀/▶_j [mask, score] value : default``."""

    name: str
    mask: Mask
    tie: Tie
    score: Expr
    value: Expr
    default: Expr

    def __str__(self) -> str:
        arrow = "◀" if self.tie == "left" else "▶"
        m = {"future": "j<i, ", "past": "j>i, ", "none": ""}[self.mask]
        return f"{self.name}(i) := {arrow}_j[{m}{self.score}] {self.value} : {self.default}"


Op = Input | Local | Attend


@dataclass(frozen=True)
class Program:
    """A validated B-RASP program over ``alphabet`` with output predicate ``output``."""

    alphabet: Alphabet
    ops: tuple[Op, ...]
    output: str
    accept: Literal["auto", "last", "first"] = "auto"

    def __post_init__(self) -> None:
        defined: set[str] = set()
        for k, op in enumerate(self.ops):
            if op.name in defined:
                raise BRASPError(f"predicate {op.name!r} is defined twice")
            if isinstance(op, Input):
                if op.symbol not in self.alphabet.symbols:
                    raise BRASPError(f"input predicate for unknown symbol {op.symbol!r}")
            elif isinstance(op, Local):
                _check_refs(op.name, op.expr, defined, allow_j=False,
                            role="position-wise expression")
            elif isinstance(op, Attend):
                if op.mask not in ("none", "future", "past"):
                    raise BRASPError(f"{op.name}: unknown mask {op.mask!r}")
                if op.tie not in ("left", "right"):
                    raise BRASPError(f"{op.name}: unknown tie-break {op.tie!r}")
                _check_refs(op.name, op.score, defined, allow_j=True)
                _check_refs(op.name, op.value, defined, allow_j=True)
                _check_refs(op.name, op.default, defined, allow_j=False, role="default")
            else:
                raise BRASPError(f"op {k} is not a B-RASP operation: {op!r}")
            defined.add(op.name)
        if self.output not in defined:
            raise BRASPError(f"output predicate {self.output!r} is not defined")

    @property
    def accept_at(self) -> Literal["last", "first"]:
        """Where acceptance is read: the last position, or the first for programs whose
        attention ops all use strict-past masking (unless fixed by ``accept``)."""
        if self.accept != "auto":
            return self.accept
        masks = {op.mask for op in self.ops if isinstance(op, Attend)}
        return "first" if masks == {"past"} else "last"

    def attention_depth(self) -> int:
        """Longest chain of attention ops each reading the previous one's result."""
        depth: dict[str, int] = {}
        for op in self.ops:
            if isinstance(op, Input):
                depth[op.name] = 0
                continue
            exprs = [op.expr] if isinstance(op, Local) else [op.score, op.value, op.default]
            below = max((depth[x] for e in exprs for x, _ in e.refs()), default=0)
            depth[op.name] = below + (1 if isinstance(op, Attend) else 0)
        return max(depth.values(), default=0)

    def description_size(self) -> int:
        """Number of expression nodes over all ops (the program's description size)."""
        total = 0
        for op in self.ops:
            if isinstance(op, Local):
                total += op.expr.size()
            elif isinstance(op, Attend):
                total += op.score.size() + op.value.size() + op.default.size()
        return total

    def bits(self) -> int:
        """Encoding length: every expression node and op header costs ⌈log₂(Π + 8)⌉ bits
        (a predicate index or one of the connectives), masks and tie-breaks 3 bits."""
        width = max(1, (len(self.ops) + 8 - 1).bit_length())
        n_attn = len(self.attention_ops)
        return (self.description_size() + len(self.ops)) * width + 3 * n_attn

    @property
    def attention_ops(self) -> list[Attend]:
        return [op for op in self.ops if isinstance(op, Attend)]

    def __str__(self) -> str:
        lines = []
        for op in self.ops:
            if isinstance(op, Input):
                continue
            lines.append(str(op) if isinstance(op, Attend) else f"{op.name}(i) := {op.expr}")
        lines.append(f"accept iff {self.output} at the {self.accept_at} position")
        return "\n".join(lines)

    # --------------------------------------------------------------- interpreter
    def trace(self, word: str | Sequence[str]) -> dict[str, np.ndarray]:
        """Every predicate's values at every position of ``word`` (a dict of bool
        arrays); :meth:`accepts` is the decision alone."""
        return evaluate(self, self.alphabet.to_ids(word))

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        """Acceptance of each word."""
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Acceptance of a padded batch (one interpreter run per word)."""
        out = np.zeros(len(lengths), bool)
        for b, n in enumerate(check_lengths(lengths)):
            values = evaluate(self, np.asarray(tokens[b, :n]))[self.output]
            out[b] = values[-1] if self.accept_at == "last" else values[0]
        return out

    def size_report(self) -> SizeReport:
        """Sizes: ``params`` and ``width`` are the predicates Π, ``layers`` the attention
        depth, ``bits`` the encoding length (:meth:`bits`); ``extra`` the attention ops
        and the description size."""
        return SizeReport(
            "brasp", {"params": "predicates", "layers": "attention_depth",
                      "width": "predicates", "bits": "program_bits"},
            params=len(self.ops), layers=self.attention_depth(), width=len(self.ops),
            bits=self.bits(),
            notes={"bits": "(description size + Π)·⌈log2(Π + 8)⌉ + 3·(attention ops)"},
            extra={"attention_ops": len(self.attention_ops),
                                     "description_size": self.description_size()})


def _check_refs(owner: str, e: Expr, defined: set[str], *, allow_j: bool,
                role: str = "expression") -> None:
    if not isinstance(e, Expr):
        raise BRASPError(f"{owner}: expected an expression, got {e!r}")
    for name, at in e.refs():
        if name not in defined:
            raise BRASPError(f"{owner}: refers to undefined predicate {name!r}")
        if at == "j" and not allow_j:
            raise BRASPError(
                f"{owner}: the {role} reads {name}(j), but j is only allowed in an attention "
                "score or value"
            )


@dataclass
class ProgramBuilder:
    """Incremental construction of a :class:`Program` (input predicates pre-defined)."""

    alphabet: Alphabet | str | Sequence[str]
    ops: list[Op] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.alphabet, Alphabet):
            self.alphabet = Alphabet.of(self.alphabet)
        self.ops = [Input(input_name(a), a) for a in self.alphabet]
        self._names = {op.name for op in self.ops}

    def Q(self, symbol: str) -> Ref:  # noqa: N802 - the paper's name
        """The input predicate ``Q_symbol``."""
        if symbol not in self.alphabet.symbols:
            raise BRASPError(
                f"unknown symbol {symbol!r}: the alphabet is {{{', '.join(self.alphabet)}}}"
            )
        return Ref(input_name(symbol))

    def _add(self, op: Op) -> Ref:
        if op.name in self._names:
            raise BRASPError(f"predicate {op.name!r} is defined twice")
        Program(self.alphabet, tuple(self.ops) + (op,), op.name)  # validates
        self.ops.append(op)
        self._names.add(op.name)
        return Ref(op.name)

    def local(self, name: str, expr: Expr | bool) -> Ref:
        """``name(i) := expr(i)``."""
        return self._add(Local(name, _expr(expr)))

    def attend(self, name: str, *, mask: Mask, tie: Tie, score: Expr | bool = True,
               value: Expr | bool = True, default: Expr | bool = False,
               keys: Sequence[Ref] = ()) -> Ref:
        """An attention op; ``keys`` adds conjuncts ``k(i) ↔ k(j)`` to the score."""
        s = _expr(score)
        if keys:
            s = all_of([s, *[Iff(Ref(k.name, "i"), Ref(k.name, "j")) for k in keys]])
        return self._add(Attend(name, mask, tie, s, _expr(value), _expr(default)))

    def build(self, output: Ref | str,
              accept: Literal["auto", "last", "first"] = "auto") -> Program:
        if not isinstance(output, (Ref, str)):
            raise BRASPError(f"the output must be a predicate (a Ref or a name), not the "
                             f"expression {output!r}: name it first, e.g. "
                             f"out = builder.local('out', expr), then build(out)")
        name = output.name if isinstance(output, Ref) else output
        return Program(self.alphabet, tuple(self.ops), name, accept)


# ====================================================================== special form
def special_form(op: Attend) -> tuple[Expr, tuple[str, ...]]:
    """``(S, K)`` with ``score = S(j) ∧ ⋀_{k∈K} k(i) ↔ k(j)`` (Lemma 9), or raise.

    The score's top-level conjuncts must each be either an expression over ``j`` only or
    an equivalence ``k(i) ↔ k(j)`` of one predicate at both positions.
    """
    conjuncts = _flatten_and(op.score)
    s_parts: list[Expr] = []
    keys: list[str] = []
    for c in conjuncts:
        at = {a for _, a in c.refs()}
        if at <= {"j"}:
            if c != TRUE:
                s_parts.append(c)
        elif isinstance(c, Iff) and isinstance(c.a, Ref) and isinstance(c.b, Ref) \
                and c.a.name == c.b.name and {c.a.at, c.b.at} == {"i", "j"}:
            if c.a.name not in keys:
                keys.append(c.a.name)
        else:
            raise BRASPError(
                f"{op.name}: the score conjunct {c} is not in the special form of Lemma 9 "
                "(S(j) ∧ ⋀ P_k(i) ↔ P_k(j)); rewrite it so that each conjunct reads only j "
                "or is an equivalence of one predicate at i and j"
            )
    return all_of(s_parts), tuple(keys)


def _flatten_and(e: Expr) -> list[Expr]:
    if isinstance(e, And):
        return [c for x in e.xs for c in _flatten_and(x)]
    return [e]


# ====================================================================== interpreter
def evaluate(program: Program, ids: np.ndarray) -> dict[str, np.ndarray]:
    """Runs ``program`` on one word given as symbol indices; returns every predicate."""
    n = len(ids)
    if n < 1:
        raise SuccinctError(EMPTY_WORD)
    env: dict[str, np.ndarray] = {}
    for op in program.ops:
        if isinstance(op, Input):
            env[op.name] = ids == program.alphabet.index(op.symbol)
        elif isinstance(op, Local):
            env[op.name] = eval_expr(op.expr, env, None, n)
        else:
            try:
                s, keys = special_form(op)
            except BRASPError:
                o = _attend_general(op, env, n)
            else:
                o = _attend_special(op, s, keys, env, n)
            has = o >= 0
            gathered = {name: env[name][np.where(has, o, 0)] for name, _ in op.value.refs()}
            value = eval_expr(op.value, env, gathered, n)
            default = eval_expr(op.default, env, None, n)
            env[op.name] = np.where(has, value, default)
    return env


def _attend_special(op: Attend, s: Expr, keys: tuple[str, ...], env: dict[str, np.ndarray],
                    n: int) -> np.ndarray:
    """``o(i)`` (or -1) for a special-form score, by grouping on the key vector."""
    sj = eval_expr(s, {}, env, n)
    code = np.zeros(n, np.int64)
    for k in keys:  # the key vector as one integer per position
        code = code * 2 + env[k].astype(np.int64)
    pos = np.arange(n)
    order = np.lexsort((pos, code))  # grouped by key, positions ascending within a group
    code_s, pos_s, ok_s = code[order], pos[order], sj[order]
    start = np.r_[True, code_s[1:] != code_s[:-1]]
    gid = np.cumsum(start) - 1
    res_sorted = np.full(n, -1, np.int64)
    if (op.mask, op.tie) in (("future", "right"), ("past", "left")):
        # Nearest earlier (resp. later) satisfying position of the same group.
        if op.mask == "past":
            pos_v = n - 1 - pos_s[::-1]
            gid_v, ok_v = (gid.max() - gid)[::-1], ok_s[::-1]
        else:
            pos_v, gid_v, ok_v = pos_s, gid, ok_s
        off = gid_v * (n + 2)
        mark = np.where(ok_v, pos_v + 1, 0) + off
        run = np.maximum.accumulate(mark)
        prev = np.r_[off[0] if n else 0, run[:-1]]  # exclusive
        prev = np.where(np.r_[True, gid_v[1:] != gid_v[:-1]], off, prev)
        found = prev - off - 1
        found = np.where(found >= 0, found, -1)
        if op.mask == "past":
            found = np.where(found >= 0, n - 1 - found, -1)[::-1]
        res_sorted = found
    else:
        # Extreme (first or last) satisfying position of each group, then the mask test.
        big = n + 1
        first = np.full(gid.max() + 1, big)
        last = np.full(gid.max() + 1, -1)
        np.minimum.at(first, gid[ok_s], pos_s[ok_s])
        np.maximum.at(last, gid[ok_s], pos_s[ok_s])
        cand = first[gid] if op.tie == "left" else last[gid]
        if op.mask == "future":
            good = cand < pos_s
        elif op.mask == "past":
            good = (cand > pos_s) & (cand < big)
        else:
            good = (cand >= 0) & (cand < big)
        res_sorted = np.where(good, cand, -1)
    o = np.empty(n, np.int64)
    o[order] = res_sorted
    return o


def _attend_general(op: Attend, env: dict[str, np.ndarray], n: int) -> np.ndarray:
    """``o(i)`` by the definition, O(N²): score evaluated for every (i, j)."""
    o = np.full(n, -1, np.int64)
    for i in range(n):
        env_i = {k: np.full(n, v[i]) for k, v in env.items()}
        ok = eval_expr(op.score, env_i, env, n)
        pos = np.arange(n)
        if op.mask == "future":
            ok = ok & (pos < i)
        elif op.mask == "past":
            ok = ok & (pos > i)
        hits = np.nonzero(ok)[0]
        if hits.size:
            o[i] = hits[0] if op.tie == "left" else hits[-1]
    return o
