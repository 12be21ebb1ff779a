"""Size verdicts: which model is smaller, and how the ratio grows, computed from formulas.

A family states *comparisons*: two models' sizes as sympy expressions in one growing
parameter (``sp.oo`` for a model that cannot exist, with the reason). Everything else is
computed here with sympy limits:

* the smaller side: ``lim left/right`` is 0 (left), ∞ (right), or a constant c (left
  iff c < 1; a tie iff c = 1);
* the growth of ``r = larger/smaller``: *bounded* if ``lim r < ∞``; *polylogarithmic*
  (``r ~ log^b x``) or *polynomial* of degree ``lim log r / log x``; *exponential* with
  rate ``lim log r / x`` (``r ≈ e^{rate·x}``); *doubly exponential* when
  ``lim log log r / x`` is finite and positive;
  *super-exponential* otherwise; *infinite* when one side does not exist.

A :class:`Verdict` turns its comparisons into sentences, also computed: ``("gap", A, B)``
reports whether any comparison of A and B grows exponentially (or worse) — "no
exponential gap for SUBJECT under the paper's size measure" when none does; ``("winner",
TEXT, TAG)`` names the model that is smaller in every comparison tagged TAG — "RNN wins on
TEXT" — or says that no model is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from succinct.words import SuccinctError

__all__ = ["Comparison", "Analysis", "Verdict", "analyse"]

GROWTH_ORDER = ("bounded", "polylogarithmic", "polynomial", "exponential",
                "doubly exponential", "super-exponential", "infinite")


@dataclass(frozen=True)
class Analysis:
    """The computed outcome of one comparison."""

    smaller: str  # a model name, or "tie"
    growth: str  # one of GROWTH_ORDER
    detail: str  # e.g. "ratio ~ D^2", "ratio → 3/2", "no UHAT exists: …"


@dataclass(frozen=True)
class Comparison:
    """Sizes of two models of one family as the parameter ``variable`` grows.

    ``left_size``/``right_size`` are sympy expressions in ``variable`` (other parameters
    already substituted), or ``sp.oo`` when that model cannot exist (``reason`` says why).
    """

    left: str
    right: str
    left_size: sp.Expr
    right_size: sp.Expr
    variable: sp.Symbol
    note: str = ""
    measure: str = "params"
    reason: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def analysis(self) -> Analysis:
        return analyse(self)


def _finite(x: sp.Expr) -> bool:
    return bool(x.is_finite) and not x.has(sp.oo, -sp.oo, sp.zoo, sp.nan)


def analyse(c: Comparison) -> Analysis:
    """Smaller side and growth class of one comparison (sympy limits, see module doc)."""
    x = c.variable
    left, right = sp.sympify(c.left_size), sp.sympify(c.right_size)
    if left == sp.oo and right == sp.oo:
        raise SuccinctError(f"comparison {c.left} vs {c.right}: neither model exists")
    if left == sp.oo or right == sp.oo:
        smaller = c.right if left == sp.oo else c.left
        missing = c.left if left == sp.oo else c.right
        return Analysis(smaller, "infinite", f"no {missing} exists" +
                        (f": {c.reason}" if c.reason else ""))
    fast = _shortcut(c, left, right)
    if fast is not None:
        return fast
    lim = sp.limit(left / right, x, sp.oo)
    if lim == 0:
        smaller, ratio = c.left, right / left
    elif lim == sp.oo:
        smaller, ratio = c.right, left / right
    elif _finite(lim) and lim > 0:
        smaller = c.left if lim < 1 else c.right if lim > 1 else "tie"
        shown = sp.nsimplify(lim) if lim.is_rational else sp.N(lim, 4)
        return Analysis(smaller, "bounded", f"{c.left}/{c.right} → {shown}")
    else:
        raise SuccinctError(f"comparison {c.left} vs {c.right}: limit of the ratio is {lim}")
    degree = sp.limit(sp.log(ratio) / sp.log(x), x, sp.oo)
    if _finite(degree):
        growth = "polynomial" if degree != 0 else "polylogarithmic"
        return Analysis(smaller, growth, f"ratio ~ {x}^{sp.nsimplify(degree)}")
    rate = sp.limit(sp.log(ratio) / x, x, sp.oo)
    if _finite(rate):
        base = sp.exp(rate)
        shown = sp.nsimplify(base) if base.is_rational else sp.N(base, 4)
        return Analysis(smaller, "exponential", f"ratio ~ {shown}^{x}")
    rate2 = sp.limit(sp.log(sp.log(ratio)) / x, x, sp.oo)
    if _finite(rate2) and rate2 > 0:
        base = sp.exp(rate2)
        shown = sp.nsimplify(base) if base.is_rational else sp.N(base, 4)
        return Analysis(smaller, "doubly exponential", f"log(ratio) ~ {shown}^{x}")
    return Analysis(smaller, "super-exponential", f"ratio grows faster than any c^{x}")


def _leading(e: sp.Expr, x: sp.Symbol, ell: sp.Symbol) -> tuple[int, int, sp.Expr] | None:
    """``(deg_x, deg_ℓ, coefficient)`` of the dominant monomial of a polynomial in ``x`` and
    ``ℓ = log x`` (``x^a ℓ^b`` dominates ``x^c ℓ^d`` iff ``(a, b) > (c, d)``), or None."""
    e = sp.cancel(sp.expand_log(e, force=True).subs(sp.log(x), ell))
    if e.has(sp.log(x)) or not e.is_polynomial(x, ell):
        return None
    poly = sp.Poly(e, x, ell)
    (a, b), coeff = max(poly.terms(), key=lambda t: t[0])
    return (a, b, coeff) if coeff.is_positive else None


def _rate(e: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """``lim log(e)/x``: the exponential rate of a size (0 for polynomial sizes)."""
    return sp.limit(sp.log(e) / x, x, sp.oo)


def _shortcut(c: Comparison, left: sp.Expr, right: sp.Expr) -> Analysis | None:
    """Exact shortcuts: both sizes polynomials in ``x`` and ``log x`` (compare dominant
    monomials), or sizes with different exponential rates. None when neither applies."""
    x, ell = c.variable, sp.Dummy("ell")
    lt, rt = _leading(left, x, ell), _leading(right, x, ell)
    if lt is not None and rt is not None:
        if lt[:2] == rt[:2]:
            lim = sp.nsimplify(lt[2] / rt[2])
            smaller = c.left if lim < 1 else c.right if lim > 1 else "tie"
            return Analysis(smaller, "bounded", f"{c.left}/{c.right} → {lim}")
        big, small = (lt, rt) if lt[:2] > rt[:2] else (rt, lt)
        smaller = c.right if big is lt else c.left
        deg, logs = big[0] - small[0], big[1] - small[1]
        shown = " · ".join(p for p in (f"{x}^{deg}" if deg else "",
                                       f"log({x})^{logs}" if logs else "") if p)
        return Analysis(smaller, "polynomial" if deg else "polylogarithmic", f"ratio ~ {shown}")
    rl = sp.Integer(0) if lt is not None else _rate(left, x)
    rr = sp.Integer(0) if rt is not None else _rate(right, x)
    if not (_finite(rl) and _finite(rr)) or rl == rr:
        return None
    smaller = c.left if rl < rr else c.right
    base = sp.exp(abs(rl - rr))
    shown = sp.nsimplify(base) if base.is_rational else sp.N(base, 4)
    return Analysis(smaller, "exponential", f"ratio ~ {shown}^{x}")


@dataclass(frozen=True)
class Verdict:
    """A family's comparisons and the statements computed from them."""

    family: str
    subject: str
    comparisons: tuple[Comparison, ...]
    statements: tuple[tuple[str, ...], ...] = ()

    def rows(self) -> list[dict[str, str]]:
        """One printable row per comparison."""
        out = []
        for c in self.comparisons:
            a = c.analysis
            out.append({"family": self.family, "left": c.left, "right": c.right,
                        "grows": str(c.variable), "where": c.note, "measure": c.measure,
                        "smaller": a.smaller, "growth": a.growth, "detail": a.detail})
        return out

    def conclusions(self) -> list[str]:
        """The statements, each decided from the analysed comparisons."""
        out = []
        for stmt in self.statements:
            kind = stmt[0]
            if kind == "gap":
                _, a, b = stmt
                pair = [c for c in self.comparisons if {c.left, c.right} == {a, b}]
                if not pair:
                    raise SuccinctError(f"{self.family}: no comparison of {a} and {b}")
                worst = max(pair, key=lambda c: GROWTH_ORDER.index(c.analysis.growth))
                g = worst.analysis.growth
                if g in ("bounded", "polylogarithmic", "polynomial"):
                    out.append(f"no exponential gap for {self.subject} under the paper's "
                               "size measure")
                elif g == "infinite":
                    out.append(f"only {worst.analysis.smaller} exists for {self.subject}: "
                               f"{worst.analysis.detail}")
                else:
                    out.append(f"{g} gap for {self.subject} under the paper's size measure "
                               f"({worst.analysis.smaller} smaller, {worst.analysis.detail})")
            elif kind == "winner":
                _, text, tag = stmt
                chosen = [c for c in self.comparisons if tag in c.tags]
                if not chosen:
                    raise SuccinctError(f"{self.family}: no comparison tagged {tag!r}")
                winners = {c.analysis.smaller for c in chosen}
                if len(winners) == 1 and "tie" not in winners:
                    out.append(f"{winners.pop()} wins on {text}")
                else:
                    out.append(f"no single model wins on {text} "
                               f"(smaller: {', '.join(sorted(winners))})")
            else:
                raise SuccinctError(f"{self.family}: unknown statement kind {kind!r}")
        return out
