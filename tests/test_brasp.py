"""B-RASP: DSL validation and the interpreter's fast path against the definition."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from succinct.programs.brasp import (
    TRUE,
    Attend,
    BRASPError,
    Iff,
    ProgramBuilder,
    Ref,
    _attend_general,
    _attend_special,
    all_of,
    special_form,
)


@given(st.data())
def test_grouped_attention_equals_definition(data):
    """The O(N log N) special-form evaluation picks exactly the definition's o(i)."""
    n = data.draw(st.integers(1, 14))
    env = {name: np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
           for name in ("a", "b", "s")}
    mask = data.draw(st.sampled_from(["future", "past", "none"]))
    tie = data.draw(st.sampled_from(["left", "right"]))
    keys = tuple(data.draw(st.lists(st.sampled_from(["a", "b"]), unique=True)))
    score = all_of([Ref("s", "j")] + [Iff(Ref(k, "i"), Ref(k, "j")) for k in keys])
    op = Attend("x", mask, tie, score, TRUE, TRUE)
    s, ks = special_form(op)
    assert ks == keys
    assert (_attend_general(op, env, n) == _attend_special(op, s, ks, env, n)).all()


def test_bad_programs_are_refused():
    p = ProgramBuilder("ab")
    with pytest.raises(BRASPError, match="undefined predicate 'nope'"):
        p.local("x", Ref("nope"))
    with pytest.raises(BRASPError, match="position-wise expression reads Q_a"):
        p.local("x", p.Q("a").j)
    with pytest.raises(BRASPError, match="unknown mask"):
        p.attend("y", mask="sideways", tie="left")
    with pytest.raises(BRASPError, match="defined twice"):
        p.local("z", TRUE)
        p.local("z", TRUE)
    with pytest.raises(BRASPError, match="unknown symbol 'c'"):
        p.Q("c")
    with pytest.raises(BRASPError, match="default"):
        p.attend("w", mask="future", tie="left", default=p.Q("a").j)


def test_accepts_at_first_position_for_past_only_programs():
    p = ProgramBuilder("ab")
    nxt = p.attend("next_b", mask="past", tie="left", score=TRUE, value=p.Q("b").j)
    program = p.build(nxt)
    assert program.accept_at == "first"
    assert program.accepts(["ab", "ba", "a", "abb"]).tolist() == [True, False, False, True]


def test_defaults_apply_when_nothing_is_selected():
    p = ProgramBuilder("ab")
    qa = p.Q("a")
    x = p.attend("x", mask="future", tie="right", score=qa.j, value=False, default=~qa)
    env = p.build(x).trace("bbab")
    # Positions 0,1,2 see no earlier 'a' (position 2 is the 'a' itself): default ¬Q_a.
    assert env["x"].tolist() == [True, True, False, False]
