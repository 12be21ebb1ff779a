"""Size verdicts: a built model against another built model or against a lower bound for
*every* model of a kind, under one named measure, with exact crossovers.

**Comparisons.** A :class:`Comparison` puts two sizes side by side as one parameter
``x`` grows: ``left_size`` is always a built construction; ``right_size`` is either
another construction (``opponent="built"``) or a lower bound valid for every model of
that kind (``opponent="every"``). Both are sympy expressions in ``x`` under one measure (a
key of :data:`succinct.sizes.MEASURES`), or ``sp.oo`` for a model that cannot exist (with
the ``reason``).

* :meth:`Comparison.values` evaluates both sides *exactly* at an integer ``x``
  (:func:`exact_value`: Python integers and fractions, never floats). A value of more than
  :data:`EXACT_BITS` bits is not evaluated: the row's horizon is capped below the first
  such ``x`` and the row says so.
* :attr:`Comparison.analysis` decides the asymptotically smaller side and the growth of
  the ratio with sympy limits on :func:`asymptotic` forms of the sizes (see
  :func:`analyse`). When the ratio tends to 1 the sign of ``lim(left − right)`` decides.
* :attr:`Comparison.crossover` is the smallest ``x0`` in ``[start, horizon]`` from which
  the asymptotically smaller side is strictly smaller at every ``x`` in ``[x0, horizon]``,
  found by an exact scan; None when there is none (or no side is asymptotically smaller).

**Lower bounds for every model** (docs/measures.md derives them). With ``m`` the states
of the minimal complete DFA and ``L = ⌈log₂ m⌉``:

* every complete DFA has ``≥ m`` states (``dfa_states``) and, table-encoded,
  ``≥ m·|Σ|·⌈log₂ m⌉`` bits (:func:`dfa_table_bits`): the table grows with the states;
* every k-bit RNN with D units has ``kD ≥ L`` (Prop 1: it is a DFA with at most
  ``2^{kD}`` states), measure ``kD``;
* every k-bit RNN has ``bits ≥ B(L) = min_{D ≥ 1} (3D² + ⌈L/D⌉)`` in the encoding of
  :mod:`succinct.sizes` (:func:`rnn_bits_bound`), and ``B(L) ≥ (81L²/4)^{1/3}`` for every
  real ``D > 0`` (:func:`rnn_bits_relaxation`, used for the growth);
* under dense ``params`` precision is free, so every RNN has only ``≥ |Σ| + 5`` params
  (one unit): no params bound grows (:func:`every_rnn_params`).

**Conclusions** (:meth:`Verdict.conclusions`) are computed from the rows. A *gap* is
stated only from a row whose opponent is ``"every"`` and whose built left side is
asymptotically below the bound by a growing factor and strictly below it from an exact
crossover within the horizon (or whose right side cannot exist at all); a row whose bound
is below the built left side says "no gap shown"; a row against ``"built"`` is only a
comparison of constructions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import sympy as sp

from succinct.sizes import MEASURES
from succinct.words import SuccinctError

__all__ = [
    "Comparison", "Analysis", "Verdict", "analyse", "asymptotic", "exact_value", "TooLarge",
    "log2_ceil", "rnn_bits_bound", "rnn_bits_bound_value", "rnn_bits_relaxation",
    "dfa_table_bits", "every_rnn_params", "OPPONENTS", "GROWTH_ORDER", "EXACT_BITS",
    "DEFAULT_HORIZON",
]

OPPONENTS = ("built", "every")
GROWTH_ORDER = ("bounded", "polylogarithmic", "polynomial", "exponential",
                "doubly exponential", "super-exponential", "infinite")
EXACT_BITS = 2**20  # values with more bits are not evaluated (the horizon is capped)
DEFAULT_HORIZON = 64


# ====================================================================== exact values
class TooLarge(Exception):
    """A value would have more than :data:`EXACT_BITS` bits."""


def _bits(v: int | Fraction) -> int:
    if isinstance(v, Fraction):
        return max(abs(v.numerator).bit_length(), v.denominator.bit_length())
    return abs(v).bit_length()


def _checked(v: int | Fraction) -> int | Fraction:
    if _bits(v) > EXACT_BITS:
        raise TooLarge(f"a value has more than 2^{EXACT_BITS.bit_length() - 1} bits")
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def _floor_log2(a: int) -> int:
    if a < 1:
        raise SuccinctError(f"log2 of {a}: not a positive integer")
    return a.bit_length() - 1


def _log2_arg(e: sp.Expr) -> sp.Expr | None:
    """``a`` when ``e`` is ``log(a)/log(2)`` (sympy's form of ``log(a, 2)``), else None."""
    if isinstance(e, sp.Mul) and len(e.args) == 2 and sp.Pow(sp.log(2), -1) in e.args:
        (other,) = [f for f in e.args if f != sp.Pow(sp.log(2), -1)]
        if isinstance(other, sp.log):
            return other.args[0]
    return None


class log2_ceil(sp.Function):  # noqa: N801  (a sympy function: lower case, like sp.floor)
    """``max(1, ⌈log₂ m⌉)``: the bits of one of ``m`` state ids (exact on integers)."""

    @classmethod
    def eval(cls, m: sp.Expr) -> sp.Expr | None:
        if isinstance(m, sp.Integer):
            return sp.Integer(max(1, (int(m) - 1).bit_length()))
        return None


class rnn_bits_bound(sp.Function):  # noqa: N801
    """``B(L) = min_{D ≥ 1} (3D² + ⌈L/D⌉)``: the fewest bits of any k-bit RNN with
    ``kD ≥ L`` (exact on integers, :func:`rnn_bits_bound_value`)."""

    @classmethod
    def eval(cls, ell: sp.Expr) -> sp.Expr | None:
        if isinstance(ell, sp.Integer):
            return sp.Integer(rnn_bits_bound_value(int(ell)))
        return None


def rnn_bits_bound_value(ell: int) -> int:
    """``min_{D ≥ 1} (3D² + ⌈ℓ/D⌉)`` exactly, for ``ℓ ≥ 1``.

    ``g(D) = 3D² + ⌈ℓ/D⌉`` lies in ``[h(D), h(D) + 1)`` with ``h(D) = 3D² + ℓ/D`` convex,
    so starting at the integers around ``(ℓ/6)^{1/3}`` (the real minimum of ``h``) the
    scan in each direction stops at the first ``D`` with ``h(D) ≥`` the best ``g`` so
    far: no ``D`` beyond it can do better.
    """
    if ell < 1:
        raise SuccinctError(f"rnn_bits_bound: L = {ell} must be at least 1")
    root = int(sp.integer_nthroot(ell // 6, 3)[0])
    best = min(3 * d * d + -(-ell // d) for d in (max(1, root), root + 1))
    for step, d in ((-1, max(1, root) - 1), (1, root + 2)):
        while d >= 1 and 3 * d**3 + ell < best * d:  # h(D) < best
            best = min(best, 3 * d * d + -(-ell // d))
            d += step
    return best


def rnn_bits_relaxation(ell: sp.Expr) -> sp.Expr:
    """``(81ℓ²/4)^{1/3} = min_{D > 0 real} (3D² + ℓ/D)`` (at ``D = (ℓ/6)^{1/3}``): a
    lower bound of :func:`rnn_bits_bound_value` for every ``ℓ > 0``."""
    return sp.cbrt(sp.Rational(81, 4) * ell**2)


def dfa_table_bits(states: sp.Expr, n_symbols: int | sp.Expr) -> sp.Expr:
    """``states·|Σ|·max(1, ⌈log₂ states⌉)``: the transition table's bits (sizes.dfa_report);
    increasing in ``states``, so the minimal DFA's value bounds every DFA's."""
    return states * n_symbols * log2_ceil(states)


def every_rnn_params(n_symbols: int | sp.Expr) -> sp.Expr:
    """``|Σ| + 5``: the dense params of a one-unit RNN (``D² + D|Σ| + 3D + 1`` at D = 1),
    the only bound on params valid for every k-bit RNN (precision is free there)."""
    return sp.sympify(n_symbols) + 5


def exact_value(expr: sp.Expr, var: sp.Symbol, x: int) -> int:
    """``expr`` at ``var = x`` as an exact Python integer.

    Evaluated bottom-up on Python integers and fractions (so ``2**(2**x)`` is never built
    when it would exceed :data:`EXACT_BITS` bits: :class:`TooLarge`). ``floor``/``ceiling``
    of ``log(a)/log(2)`` are exact bit lengths; Piecewise, Mod, Max, Min and the
    functions of this module are supported. Anything irrational raises SuccinctError.
    """
    out = _eval(sp.sympify(expr), var, x)
    if isinstance(out, Fraction):
        raise SuccinctError(f"{expr} at {var} = {x} is {out}, not an integer")
    return out


def _eval(e: sp.Basic, var: sp.Symbol, x: int) -> Any:  # int | Fraction | bool
    if e == var:
        return x
    if isinstance(e, sp.Integer):
        return int(e)
    if isinstance(e, sp.Rational):
        return Fraction(int(e.p), int(e.q))
    if e is sp.true or e is sp.false:
        return bool(e)
    if isinstance(e, sp.Add):
        return _checked(sum((_eval(a, var, x) for a in e.args), 0))
    if isinstance(e, sp.Mul):
        out: int | Fraction = 1
        for a in e.args:
            out = _checked(out * _eval(a, var, x))
        return out
    if isinstance(e, sp.Pow):
        base, ex = _eval(e.args[0], var, x), _eval(e.args[1], var, x)
        if not isinstance(ex, int):
            raise SuccinctError(f"{e}: exponent {ex} is not an integer")
        if _bits(base) * abs(ex) > EXACT_BITS + 1:
            raise TooLarge(f"{e} at {var} = {x} has about {_bits(base) * abs(ex)} bits")
        return _checked(Fraction(base) ** ex)
    if isinstance(e, (sp.floor, sp.ceiling)):
        arg = _log2_arg(e.args[0])
        if arg is not None:
            a = _eval(arg, var, x)
            if not isinstance(a, int):
                raise SuccinctError(f"{e}: log2 of the non-integer {a}")
            return _floor_log2(a) if isinstance(e, sp.floor) else (a - 1).bit_length()
        v = Fraction(_eval(e.args[0], var, x))
        return v.numerator // v.denominator if isinstance(e, sp.floor) \
            else -(-v.numerator // v.denominator)
    if isinstance(e, sp.Mod):
        a, b = _eval(e.args[0], var, x), _eval(e.args[1], var, x)
        return _checked(Fraction(a) % Fraction(b))
    if isinstance(e, (sp.Max, sp.Min)):
        vals = [_eval(a, var, x) for a in e.args]
        return max(vals) if isinstance(e, sp.Max) else min(vals)
    if isinstance(e, sp.Piecewise):
        for value, cond in e.args:
            if _eval(cond, var, x):
                return _eval(value, var, x)
        raise SuccinctError(f"{e}: no branch holds at {var} = {x}")
    if isinstance(e, sp.Rel):
        a, b = _eval(e.lhs, var, x), _eval(e.rhs, var, x)
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b,
                ">=": a >= b}[e.rel_op]
    if isinstance(e, (sp.And, sp.Or, sp.Not)):
        vals = [_eval(a, var, x) for a in e.args]
        return all(vals) if isinstance(e, sp.And) else any(vals) if isinstance(e, sp.Or) \
            else not vals[0]
    if isinstance(e, (log2_ceil, rnn_bits_bound)):
        a = _eval(e.args[0], var, x)
        if not isinstance(a, int):
            raise SuccinctError(f"{e}: argument {a} is not an integer")
        return int(type(e)(sp.Integer(a)))
    raise SuccinctError(f"cannot evaluate {e} exactly (unsupported {type(e).__name__})")


# ====================================================================== growth analysis
def asymptotic(e: sp.Expr) -> sp.Expr:
    """The form of a size used for limits: the last ("otherwise") branch of every
    Piecewise (the others are for small parameters), ``0`` for every Mod (bounded by the
    modulus, of lower order in every family), ``a`` for ``⌊a⌋`` and ``⌈a⌉``, ``log₂ m``
    for :class:`log2_ceil` and :func:`rnn_bits_relaxation` for :class:`rnn_bits_bound`
    (both lower bounds, asymptotically equal)."""
    e = sp.sympify(e)
    rules: Sequence[tuple[type, Callable[[Any], sp.Expr]]] = (
        (sp.Piecewise, lambda p: p.args[-1][0]),
        (sp.Mod, lambda _: sp.Integer(0)),
        (sp.floor, lambda f: f.args[0]),
        (sp.ceiling, lambda f: f.args[0]),
        (log2_ceil, lambda f: sp.log(f.args[0], 2)),
        (rnn_bits_bound, lambda f: rnn_bits_relaxation(f.args[0])),
    )
    for kind, rule in rules:
        e = e.replace(lambda node, kind=kind: isinstance(node, kind), rule)
    return e


@dataclass(frozen=True)
class Analysis:
    """The computed outcome of one comparison."""

    side: str  # the asymptotically smaller side: "left", "right" or "tie"
    smaller: str  # that side's model name, or "tie"
    growth: str  # one of GROWTH_ORDER
    detail: str  # e.g. "ratio ~ D^2", "ratio → 3/2", "no UHAT exists: …"


def _finite(x: sp.Expr) -> bool:
    return bool(x.is_finite) and not x.has(sp.oo, -sp.oo, sp.zoo, sp.nan)


def _power(base: sp.Expr, x: sp.Symbol) -> str:
    """``base^x`` for the detail column (4 digits where the base has no short form)."""
    base = sp.simplify(base)
    shown = str(base).replace("**", "^") if not base.has(sp.Float) and len(str(base)) < 20 \
        else str(sp.N(base, 4))
    return f"{shown}^{x}" if base.is_Integer or base.is_Float else f"({shown})^{x}"


def _result(c: Comparison, side: str, growth: str, detail: str) -> Analysis:
    name = c.left if side == "left" else c.right if side == "right" else "tie"
    return Analysis(side, name, growth, detail)


def analyse(c: Comparison) -> Analysis:
    """Smaller side and growth class of one comparison, from :func:`asymptotic` forms.

    ``lim left/right`` is 0 (left smaller), ∞ (right) or a constant c (left iff c < 1;
    for c = 1 the sign of ``lim(left − right)`` decides); the growth of
    ``r = larger/smaller`` is *bounded*, *polylogarithmic*, *polynomial* (degree
    ``lim log r / log x``), *exponential* (rate ``lim log r / x``), *doubly exponential*
    (``lim log log r / x`` finite and positive) or *super-exponential*; *infinite* when
    one side cannot exist. Sizes that are polynomials in ``x`` and ``log x`` are compared
    by their dominant monomials, sizes of different exponential rates by the rates."""
    x = c.variable
    left, right = asymptotic(c.left_size), asymptotic(c.right_size)
    if left == sp.oo and right == sp.oo:
        raise SuccinctError(f"comparison {c.left} vs {c.right}: neither model exists")
    if left == sp.oo or right == sp.oo:
        missing = c.left if left == sp.oo else c.right
        return _result(c, "right" if left == sp.oo else "left", "infinite",
                       f"no {missing} exists" + (f": {c.reason}" if c.reason else ""))
    ell = sp.Dummy("ell")
    lt, rt = _leading(left, x, ell), _leading(right, x, ell)
    if lt is not None and rt is not None:
        if lt[:2] == rt[:2]:
            return _bounded(c, sp.nsimplify(lt[2] / rt[2]), left, right)
        side = "right" if lt[:2] > rt[:2] else "left"
        big, small = (lt, rt) if side == "right" else (rt, lt)
        deg, logs = big[0] - small[0], big[1] - small[1]
        shown = " · ".join(p for p in (f"{x}^{deg}" if deg else "",
                                       f"log({x})^{logs}" if logs else "") if p)
        return _result(c, side, "polynomial" if deg else "polylogarithmic",
                       f"ratio ~ {shown}")
    rl = sp.Integer(0) if lt is not None else _rate(left, x)
    rr = sp.Integer(0) if rt is not None else _rate(right, x)
    if _finite(rl) and _finite(rr) and rl != rr:
        return _result(c, "left" if rl < rr else "right", "exponential",
                       f"ratio ~ {_power(sp.exp(abs(rl - rr)), x)}")
    if _finite(rl) != _finite(rr):  # one side grows faster than every c^x
        side = "left" if _finite(rl) else "right"
        big, small = (right, left) if side == "left" else (left, right)
        return _beyond_exponential(c, side, _log(big) - _log(small))
    lim = sp.limit(left / right, x, sp.oo)
    if lim == 0 or lim == sp.oo:
        side = "left" if lim == 0 else "right"
        log_ratio = _log(right) - _log(left) if side == "left" else _log(left) - _log(right)
    elif _finite(lim) and lim > 0:
        return _bounded(c, lim, left, right)
    else:
        raise SuccinctError(f"comparison {c.left} vs {c.right}: limit of the ratio is {lim}")
    degree = sp.limit(log_ratio / sp.log(x), x, sp.oo)
    if _finite(degree):
        return _result(c, side, "polynomial" if degree != 0 else "polylogarithmic",
                       f"ratio ~ {x}^{sp.nsimplify(degree)}")
    rate = sp.limit(log_ratio / x, x, sp.oo)
    if _finite(rate):
        return _result(c, side, "exponential", f"ratio ~ {_power(sp.exp(rate), x)}")
    return _beyond_exponential(c, side, log_ratio)


def _log(e: sp.Expr) -> sp.Expr:
    return sp.expand_log(sp.log(e), force=True)


def _beyond_exponential(c: Comparison, side: str, log_ratio: sp.Expr) -> Analysis:
    """Growth of a ratio faster than every ``c^x``: doubly exponential when
    ``lim log(log ratio)/x`` is finite and positive, super-exponential otherwise."""
    x = c.variable
    rate2 = sp.limit(sp.log(log_ratio) / x, x, sp.oo)
    if _finite(rate2) and rate2 > 0:
        return _result(c, side, "doubly exponential",
                       f"log(ratio) ~ {_power(sp.exp(rate2), x)}")
    return _result(c, side, "super-exponential", f"ratio grows faster than any c^{x}")


def _bounded(c: Comparison, lim: sp.Expr, left: sp.Expr, right: sp.Expr) -> Analysis:
    """A ratio tending to the constant ``lim``; at 1 the difference decides."""
    shown = sp.nsimplify(lim) if lim.is_rational else sp.N(lim, 4)
    if lim != 1:
        return _result(c, "left" if lim < 1 else "right", "bounded", f"ratio → {shown}")
    diff = sp.limit(left - right, c.variable, sp.oo)
    side = "right" if diff > 0 else "left" if diff < 0 else "tie"
    return _result(c, side, "bounded", f"ratio → 1, difference → {diff}")


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
    return sp.limit(_log(e) / x, x, sp.oo)


# ====================================================================== comparisons
@dataclass(frozen=True)
class Comparison:
    """Sizes of a built model (``left``) and of ``right`` as ``variable`` grows.

    ``opponent`` says what the right side is: ``"built"`` (another construction) or
    ``"every"`` (a lower bound valid for every model of that kind). ``measure`` is a key
    of :data:`succinct.sizes.MEASURES`, naming what both sides count. Sizes are sympy
    expressions in ``variable`` (other parameters substituted), or ``sp.oo`` for a model
    that cannot exist (``reason`` says why). ``start``/``horizon`` bound the exact scan.
    """

    left: str
    right: str
    left_size: sp.Expr
    right_size: sp.Expr
    variable: sp.Symbol
    measure: str
    opponent: str
    note: str = ""
    reason: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)
    start: int = 1
    horizon: int = DEFAULT_HORIZON

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise SuccinctError(f"comparison {self.left} vs {self.right}: unknown measure "
                                f"{self.measure!r} (one of {', '.join(MEASURES)})")
        if self.opponent not in OPPONENTS:
            raise SuccinctError(f"comparison {self.left} vs {self.right}: opponent "
                                f"{self.opponent!r} is not 'built' or 'every'")
        if not 0 <= self.start <= self.horizon:
            raise SuccinctError(f"comparison {self.left} vs {self.right}: need "
                                f"0 ≤ start ≤ horizon, got {self.start}, {self.horizon}")

    @cached_property
    def analysis(self) -> Analysis:
        return analyse(self)

    def values(self, x: int) -> tuple[int, int]:
        """Both sizes at ``variable = x``, exactly (:func:`exact_value`); TooLarge past
        :data:`EXACT_BITS` bits, SuccinctError for a side that does not exist."""
        out = []
        for name, size in ((self.left, self.left_size), (self.right, self.right_size)):
            if sp.sympify(size) == sp.oo:
                raise SuccinctError(f"no {name} exists" + (f": {self.reason}"
                                                           if self.reason else ""))
            out.append(exact_value(size, self.variable, x))
        return out[0], out[1]

    @cached_property
    def _scan(self) -> tuple[list[tuple[int, int, int]], str]:
        """``(x, left, right)`` for x from start while both are evaluable, and why the
        scan stopped before the horizon ("" if it did not)."""
        if sp.oo in (sp.sympify(self.left_size), sp.sympify(self.right_size)):
            return [], ""  # nothing to scan: the analysis says which side does not exist
        out = []
        for x in range(self.start, self.horizon + 1):
            try:
                out.append((x, *self.values(x)))
            except TooLarge:
                return out, (f"capped at {self.variable} = {x - 1}: at {self.variable} = "
                             f"{x} a size exceeds 2^{EXACT_BITS.bit_length() - 1} bits "
                             "and is not evaluated")
        return out, ""

    @property
    def evaluated_to(self) -> int | None:
        """The last ``x`` at which both sides were evaluated (the effective horizon)."""
        scan = self._scan[0]
        return scan[-1][0] if scan else None

    @property
    def horizon_note(self) -> str:
        return self._scan[1]

    @cached_property
    def crossover(self) -> int | None:
        """The smallest ``x0`` in ``[start, horizon]`` from which the asymptotically
        smaller side is strictly smaller at every evaluated ``x ≥ x0``; None if that side
        is not smaller at the effective horizon, or neither side is smaller."""
        side = self.analysis.side
        if side == "tie":
            return None
        first = None
        for x, a, b in reversed(self._scan[0]):
            if (a < b) if side == "left" else (b < a):
                first = x
            else:
                break
        return first

    def row(self) -> dict[str, Any]:
        """The comparison as a JSON-ready dict (crossover and horizons as integers)."""
        a = self.analysis
        return {"left": self.left, "right": self.right, "opponent": self.opponent,
                "measure": self.measure, "grows": str(self.variable), "where": self.note,
                "smaller": a.smaller, "side": a.side, "growth": a.growth, "detail": a.detail,
                "crossover": self.crossover, "start": self.start,
                "horizon": self.evaluated_to, "horizon_note": self.horizon_note}

    def check_bound(self) -> None:
        """For an ``every`` row: the built left side is never below a bound for every
        model of its own kind (SuccinctError names the first ``x`` where it is)."""
        if self.opponent != "every" or self.left != self.right:
            return
        for x, a, b in self._scan[0]:
            if a < b:
                raise SuccinctError(
                    f"the built {self.left} ({a}) is below the bound for every "
                    f"{self.right} ({b}) under {self.measure} at {self.variable} = {x}: "
                    "the bound or a formula is wrong")


# ====================================================================== verdicts
def _sentence(c: Comparison, built_rows: Sequence[Comparison]) -> str:
    """What one row shows (module docstring): a gap only from an ``every`` row."""
    a, x, h = c.analysis, c.variable, c.evaluated_to
    where = f" ({c.note})" if c.note else ""
    under = f"under {c.measure}{where}"
    cross = f"from {x} = {c.crossover}" if c.crossover is not None else \
        f"but not within {x} ≤ {h}" if h is not None else "(not evaluated)"
    if c.horizon_note and c.crossover is not None:
        cross += f" (to {x} = {h}; beyond, not evaluated)"
    if c.opponent == "built":
        if a.side == "tie":
            return f"built {c.left} and built {c.right} tie {under}: no gap claimed"
        small, big = (c.left, c.right) if a.side == "left" else (c.right, c.left)
        return (f"constructions only: the built {small} is smaller than the built {big} "
                f"{under} {cross} ({a.growth}, {a.detail}); no lower bound, so no gap "
                "claimed")
    if a.side == "left" and a.growth == "infinite":
        return f"gap{where}: {c.left} (built) exists and {a.detail}"
    if a.side == "left" and a.growth != "bounded" and c.crossover is not None:
        return (f"gap: {c.left} (built) below every {c.right} {under} {cross}; "
                f"{a.growth} ({a.detail})")
    if a.side == "left" and a.growth != "bounded":
        return (f"no gap shown within the horizon {under}: {c.left} (built) is "
                f"asymptotically below every {c.right} ({a.growth}, {a.detail}) {cross}")
    if a.side == "left":
        return (f"{c.left} (built) below every {c.right} {under} {cross}, by a bounded "
                f"factor only ({a.detail}): no growing gap")
    if c.left == c.right:
        return (f"the built {c.left} is above the bound for every {c.right} {under} "
                f"at every {x} ≤ {h} ({a.detail})")
    out = (f"no gap shown {under}: the bound for every {c.right} stays below the built "
           f"{c.left} ({a.growth}, {a.detail})")
    other = [b for b in built_rows if (b.left, b.right) == (c.left, c.right)
             and b.measure == c.measure and b.note == c.note and b.analysis.side == "right"]
    if other:
        b = other[0]
        out += (f"; the gap goes the other way among the constructions: the built "
                f"{c.right} is smaller ({b.analysis.growth}, {b.analysis.detail})")
    return out


@dataclass(frozen=True)
class Verdict:
    """A family's comparisons and the sentences computed from them.

    ``notes`` are fixed sentences a family adds (facts about its bounds or its model,
    e.g. "outside the paper's model"); every other conclusion is computed from the rows.
    """

    family: str
    subject: str
    comparisons: tuple[Comparison, ...]
    notes: tuple[str, ...] = ()

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready row per comparison (:meth:`Comparison.row`), with the family."""
        return [{"family": self.family, **c.row()} for c in self.comparisons]

    def gaps(self) -> list[Comparison]:
        """The rows that show a gap: opponent ``every``, the right side cannot exist, or
        the built left side is asymptotically below the bound by a growing factor and
        strictly below it from an exact crossover within the horizon."""
        return [c for c in self.comparisons if c.opponent == "every"
                and c.analysis.side == "left" and (c.analysis.growth == "infinite" or (
                    c.analysis.growth != "bounded" and c.crossover is not None))]

    def conclusions(self) -> list[str]:
        """One sentence per row (gaps first, then the other ``every`` rows, then the
        comparisons of constructions), then the family's notes."""
        for c in self.comparisons:
            c.check_bound()
        built = [c for c in self.comparisons if c.opponent == "built"]
        gaps = self.gaps()
        every = [c for c in self.comparisons if c.opponent == "every" and c not in gaps]
        out = [_sentence(c, built) for c in (*gaps, *every, *built)]
        if not gaps:
            out.append(f"no gap is claimed for {self.subject}")
        return out + list(self.notes)
