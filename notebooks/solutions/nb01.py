"""Solutions and planted wrong answers of notebook 01's exercises (``course/nb01.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from succinct import UHAT, Alphabet, UHATBuilder

AB = Alphabet.of("ab")


def contains_a(*, mask: str = "none") -> UHAT:
    """One attention over all positions (mask none): score(n, m) = Q_a(m), so an a wins
    whenever there is one; the head copies Q_a of the winner into ``any_a``. The planted
    wrong answer uses the future mask (m < n), which never sees the last position itself,
    so the word ``a`` (and every word whose only a is last) is rejected."""
    b = UHATBuilder(AB)
    look = b.attention(mask=mask, tie="left", query=["s"], new=["any_a"])
    look.A.set_bias("s", 1)
    look.B["s", "Q_a"] = 1
    look.C_a["any_a", "Q_a"] = 1
    return b.build(readout={"any_a": 1})


def factor_ab(*, final_mask: str = "none") -> UHAT:
    """Three layers: ``prev_a`` (mask future, tie right, constant score: the previous
    position's Q_a), ``ab_here`` = ReLU(prev_a + Q_b − 1) (an ab ends here), and
    ``found`` (mask none, score ab_here(m): some position is marked)."""
    b = UHATBuilder(AB)
    prev = b.attention(mask="future", tie="right", query=["s"], new=["prev_a"])
    prev.C_a["prev_a", "Q_a"] = 1  # score 0 everywhere: the rightmost m < n is n − 1
    mark = b.ffn(hidden=["h"], new=["ab_here"])
    mark.W_1["h", "prev_a"] = 1
    mark.W_1["h", "Q_b"] = 1
    mark.W_1.set_bias("h", -1)
    mark.W_2["ab_here", "h"] = 1
    look = b.attention(mask=final_mask, tie="left", query=["s"], new=["found"])
    look.A.set_bias("s", 1)
    look.B["s", "ab_here"] = 1
    look.C_a["found", "ab_here"] = 1
    return b.build(readout={"found": 1})


def contains_a_wrong() -> UHAT:
    """Planted: the future mask (see :func:`contains_a`)."""
    return contains_a(mask="future")


def factor_ab_wrong() -> UHAT:
    """Planted: the last look uses mask future, so an ab ending at the last position
    (the word ``ab`` itself) is missed."""
    return factor_ab(final_mask="future")


SOLUTIONS: dict[str, Callable[[], Any]] = {
    "01.contains-a": contains_a,
    "01.factor-ab": factor_ab,
}
WRONG: dict[str, Callable[[], Any]] = {
    "01.contains-a": contains_a_wrong,
    "01.factor-ab": factor_ab_wrong,
}
