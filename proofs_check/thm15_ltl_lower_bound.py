"""Thm 15: UHATs are exponentially more succinct than LTL (on DC_n).

The argument (paper §5.1 with the explicit witness DC_n = {w_n}): an LTL formula φ with
``L(φ) = DC_n`` translates to an NFA with at most ``2^(c·|φ|)`` states for a constant c
(Vardi–Wolper); an NFA whose only word is w_n needs at least ``|w_n| + 1`` states (the
``|w_n| + 1`` prefixes of w_n form a fooling set). Hence

    c·|φ_n| ≥ log₂(|w_n| + 1) > log₂|w_n| = 2^n + n + log₂(n + 2) > 2^n,

while the UHAT has ``|T_n| ≤ P(n) ≤ c₀·n³`` parameters, so
``|φ_n| ≥ (1/c)·2^((|T_n|/c₀)^(1/3))`` — Def 2's exponential succinctness.

What is checked (sympy, with n a positive integer and c > 0 symbols):

1. ``log₂|w_n| − 2^n`` simplifies to ``n + log₂(n + 2)`` and sympy proves it positive
   from the assumptions;
2. the UHAT's parameter count P(n) (the family's closed form, a cubic) satisfies
   ``P(n) ≤ c₀·n³`` with ``c₀ = P(1)`` for all n ≥ 1: all coefficients of
   ``P(1 + m) − c₀(1 + m)³`` in m ≥ 0 are ≤ 0;
3. on the grid n = 1..20 (exact big integers): ``2^(c|φ|) ≥ |w_n| + 1`` forces
   ``|φ_n|·c ≥ 2^n`` and ``2^n ≥ 2^((P(n)/c₀)^(1/3))``.
"""

from __future__ import annotations

import sympy as sp

from constructions.counter import dc_formulas
from succinct.sizes import n as n_sym


def check() -> list[dict]:
    w = (n_sym + 2) * 2**n_sym * 2 ** (2**n_sym)
    excess = sp.simplify(sp.expand_log(sp.log(w, 2), force=True) - 2**n_sym)
    assert sp.simplify(excess - (n_sym + sp.log(n_sym + 2, 2))) == 0, excess
    assert excess.is_positive, excess
    p = dc_formulas()["uhat_params"]
    general = p.args[-1][0] if isinstance(p, sp.Piecewise) else p
    c0 = general.subs(n_sym, 1)
    m = sp.Symbol("m", nonnegative=True, integer=True)
    slack = sp.Poly(sp.expand((general - c0 * n_sym**3).subs(n_sym, m + 1)), m)
    assert all(coef <= 0 for coef in slack.all_coeffs()), slack
    rows = []
    for n in range(1, 21):
        length = int(w.subs(n_sym, n))
        need_bits = length.bit_length()  # 2^(c|φ|) ≥ |w_n| + 1 ⇒ c|φ| ≥ log₂(|w_n| + 1)
        assert need_bits - 1 >= 2**n
        pn = int(p.subs(n_sym, n))
        assert pn <= c0 * n**3 and 2**n >= 2 ** ((pn / c0) ** (1 / 3))
        if n <= 6:
            rows.append({"n": n, "|w_n|": length, "c·|φ| ≥": f"{sp.log(length + 1, 2).evalf(6)}",
                         "2^n": 2**n, "UHAT params P(n)": pn, "c0·n^3": int(c0 * n**3)})
    rows.append({"n": "all n ≥ 1", "|w_n|": "(n+2)·2^n·2^(2^n)",
                 "c·|φ| ≥": "2^n + n + log2(n+2)", "2^n": "",
                 "UHAT params P(n)": str(general), "c0·n^3": f"{c0}·n^3"})
    return rows
