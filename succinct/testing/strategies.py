"""Hypothesis strategies: words, special-form B-RASP programs, LTL formulas.

They live in the package (not in ``tests/``) so users can property-test their own
constructions the same way::

    from hypothesis import given
    from succinct.testing.strategies import programs, word_lists

    @given(programs(alphabet="ab"), word_lists("ab", max_len=12))
    def test_compiled(program, words): ...
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from succinct.programs.brasp import (
    FALSE,
    TRUE,
    And,
    Expr,
    Iff,
    Not,
    Or,
    Program,
    ProgramBuilder,
    Ref,
)
from succinct.programs.ltl import Atom, Binary, Bottom, Formula, Top, Unary
from succinct.words import Alphabet

__all__ = ["words", "word_lists", "boolean_exprs", "programs", "selective_programs",
           "formulas"]


def _alphabet(alphabet: Alphabet | str) -> Alphabet:
    return alphabet if isinstance(alphabet, Alphabet) else Alphabet.of(alphabet)


def words(alphabet: Alphabet | str, *, min_len: int = 1, max_len: int = 10) -> st.SearchStrategy:
    """Non-empty words (tuples of symbols) over ``alphabet``."""
    a = _alphabet(alphabet)
    return st.lists(st.sampled_from(a.symbols), min_size=max(1, min_len),
                    max_size=max_len).map(tuple)


def word_lists(alphabet: Alphabet | str, *, max_len: int = 10, min_size: int = 1,
               max_size: int = 32) -> st.SearchStrategy:
    """Lists of words, to be evaluated as one batch (one compile per shape)."""
    return st.lists(words(alphabet, max_len=max_len), min_size=min_size, max_size=max_size)


def boolean_exprs(names: list[str], *, at: tuple[str, ...] = ("i",),
                  max_leaves: int = 6) -> st.SearchStrategy[Expr]:
    """Boolean expressions over predicate ``names`` read at the positions ``at``."""
    leaf = st.one_of(
        st.builds(Ref, st.sampled_from(names), st.sampled_from(at)),
        st.sampled_from([TRUE, FALSE]),
    )

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            children.map(Not),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
            st.tuples(children, children).map(lambda ab: Iff(*ab)),
        )

    return st.recursive(leaf, extend, max_leaves=max_leaves)


@st.composite
def programs(draw: st.DrawFn, alphabet: Alphabet | str = "ab", *, max_ops: int = 6,
             max_keys: int = 2, future_only: bool = False,
             masks: Sequence[str] = ("future", "past", "none")) -> Program:
    """Random B-RASP programs whose attention ops are in Lemma 9's special form.

    Every op kind occurs: position-wise ops, and attention ops with every mask and
    tie-break, ``S(j)`` an arbitrary expression over ``j``, ``K`` up to ``max_keys``
    predicates, values over ``i`` and ``j`` and defaults over ``i``. With
    ``future_only=True`` every attention op uses strict-future masking (the programs
    :mod:`succinct.exact.future` turns into automata); ``masks`` restricts the masks drawn
    otherwise (``("future", "past")``: the programs of :mod:`succinct.exact.two_sided`).
    """
    masks = ["future"] if future_only else list(masks)
    a = _alphabet(alphabet)
    p = ProgramBuilder(a)
    names = [f"Q_{s}" for s in a]
    n_ops = draw(st.integers(1, max_ops))
    for t in range(n_ops):
        name = f"P{t}"
        if draw(st.booleans()):
            p.local(name, draw(boolean_exprs(names)))
        else:
            keys = draw(st.lists(st.sampled_from(names), max_size=max_keys, unique=True))
            p.attend(
                name,
                mask=draw(st.sampled_from(masks)),
                tie=draw(st.sampled_from(["left", "right"])),
                score=draw(boolean_exprs(names, at=("j",), max_leaves=3)),
                value=draw(boolean_exprs(names, at=("i", "j"), max_leaves=4)),
                default=draw(boolean_exprs(names, max_leaves=3)),
                keys=[Ref(k) for k in keys],
            )
        names.append(name)
    return p.build(names[-1])


@st.composite
def selective_programs(draw: st.DrawFn, alphabet: Alphabet | str = "abc", *,
                       max_ops: int = 6,
                       masks: Sequence[str] = ("future", "past")) -> Program:
    """Programs in which *which* visible position is selected matters.

    :func:`programs` draws scores and values as independent random expressions over a
    small alphabet, so the positions a score accepts mostly carry the same value and the
    tie-break and mask rarely change the output. Here every attention op has a broad
    score (true, one predicate, or its negation, at ``j``), reads an earlier *derived*
    predicate at ``j`` when there is one (combined with one at ``i``), and the output
    op is an attention op; position-wise ops are single gates. Programs built this way
    differ under a flipped tie-break far more often (a test counts it).
    """
    a = _alphabet(alphabet)
    p = ProgramBuilder(a)
    base = [f"Q_{s}" for s in a]
    derived: list[str] = []
    n_ops = draw(st.integers(2, max_ops))
    for t in range(n_ops):
        name = f"P{t}"
        names = base + derived
        if t < n_ops - 1 and draw(st.integers(0, 3)) == 0:
            x, y = (Ref(draw(st.sampled_from(names))) for _ in range(2))
            p.local(name, draw(st.sampled_from([And((x, y)), Or((x, y)), Iff(x, y), Not(x)])))
        else:
            score = draw(st.one_of(st.just(TRUE),
                                   st.builds(Ref, st.sampled_from(names), st.just("j")),
                                   st.builds(lambda n: Not(Ref(n, "j")),
                                             st.sampled_from(names))))
            read = Ref(draw(st.sampled_from(derived or base)), "j")
            value = draw(st.sampled_from([read, Not(read), Iff(read, Ref(
                draw(st.sampled_from(names)), "i"))]))
            p.attend(name, mask=draw(st.sampled_from(list(masks))),
                     tie=draw(st.sampled_from(["left", "right"])), score=score,
                     value=value, default=Ref(draw(st.sampled_from(names)), "i"))
        derived.append(name)
    return p.build(derived[-1])


def formulas(alphabet: Alphabet | str = "ab", *, max_leaves: int = 8) -> st.SearchStrategy:
    """Random LTL formulas with every operator (S, U, Y, P, H, X, F, G, Boolean)."""
    a = _alphabet(alphabet)
    leaf = st.one_of(st.sampled_from([Atom(s) for s in a]), st.just(Top()), st.just(Bottom()))

    def extend(children: st.SearchStrategy[Formula]) -> st.SearchStrategy[Formula]:
        return st.one_of(
            st.builds(Unary, st.sampled_from(["!", "Y", "P", "H", "X", "F", "G"]), children),
            st.builds(Binary, st.sampled_from(["&", "|", "->", "<->", "S", "U"]), children,
                      children),
        )

    return st.recursive(leaf, extend, max_leaves=max_leaves)
