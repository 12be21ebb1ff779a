"""Thm 15: UHATs are exponentially more succinct than LTL (on DC_n).

The argument (paper §5.1 with the explicit witness DC_n = {w_n}): an LTL formula φ with
``L(φ) = DC_n`` translates to an NFA with at most ``2^(c·|φ|)`` states for a constant c
(Vardi–Wolper); an NFA whose only word is w_n needs at least ``|w_n| + 1`` states (the
``|w_n| + 1`` prefixes of w_n form a fooling set). Hence

    c·|φ_n| ≥ log₂(|w_n| + 1) > log₂|w_n| = 2^n + n + log₂(n + 2) > 2^n,

while the UHAT T_n built for DC_n has ``|T_n| = P(n) ≤ c₀·n³`` parameters, so
``|φ_n| ≥ (1/c)·2^((|T_n|/c₀)^(1/3))`` — Def 2's exponential succinctness.

What is checked:

1. **T_n recognizes DC_n** (the ``dc`` family's UHAT, :mod:`proofs_check._dc`): it
   accepts w_n and rejects every mutant of w_n for n = 1, 2, 3 (the mutants are rejected
   by the definition too), and for n = 1 (n = 2 with ``--full``) its exact automaton,
   built from its weights, equals the minimal DFA of DC_n read off the definition;
2. ``|w_n| = (n + 2)·2^n·2^(2^n)``: the formula equals the length of the generated w_n
   (n = 1..4); ``log₂|w_n| − 2^n`` simplifies to ``n + log₂(n + 2)`` and sympy proves it
   positive from the assumptions (n a positive integer);
3. the UHAT's parameter count P(n) (the family's closed form) equals the counted
   parameters of the built UHAT for n = 1..6, and ``P(n) ≤ c₀·n³`` for all n ≥ 1, with
   P the closed form's general branch (a polynomial; at n = 1 the closed form is a
   smaller literal) and ``c₀ = P(1)``: every coefficient of ``P(1 + m) − c₀(1 + m)³`` in
   m ≥ 0 is ≤ 0 (a symbolic statement: it fails for a closed form that agrees with the
   counts at n = 1..6 but grows faster than n³);
4. on the grid n = 1..20 (exact big integers): ``2^(c|φ|) ≥ |w_n| + 1`` forces
   ``|φ_n|·c ≥ 2^n`` and ``2^n ≥ 2^((P(n)/c₀)^(1/3))``.
"""

from __future__ import annotations

import sympy as sp

from constructions.counter import dc_formulas, dc_ids
from proofs_check._dc import merge, uhat_language
from succinct.registry import get_family
from succinct.sizes import count
from succinct.sizes import n as n_sym


def _general(p: sp.Expr) -> sp.Expr:
    """The branch of a Piecewise closed form that holds for large n (else ``p``)."""
    return p.args[-1][0] if isinstance(p, sp.Piecewise) else p


def check() -> list[dict]:
    rows = uhat_language()
    w = (n_sym + 2) * 2**n_sym * 2 ** (2**n_sym)
    for n in range(1, 5):
        assert int(w.subs(n_sym, n)) == len(dc_ids(n)), (n, len(dc_ids(n)))
    excess = sp.simplify(sp.expand_log(sp.log(w, 2), force=True) - 2**n_sym)
    assert sp.simplify(excess - (n_sym + sp.log(n_sym + 2, 2))) == 0, excess
    assert excess.is_positive, excess
    p = dc_formulas()["uhat_params"]
    fam = get_family("dc")
    for n in range(1, 7):
        counted = count(fam.build("uhat", {"n": n})).params
        assert counted == int(p.subs(n_sym, n)), \
            f"n={n}: the UHAT has {counted} params, the closed form says {p.subs(n_sym, n)}"
    general = _general(p)
    c0 = general.subs(n_sym, 1)  # ≥ P(1) where P is piecewise at n = 1
    m = sp.Symbol("m", nonnegative=True, integer=True)
    slack = sp.expand((general - c0 * n_sym**3).subs(n_sym, m + 1))
    assert slack.is_polynomial(m), f"P(n) is not a polynomial in n: {general}"
    assert all(coef <= 0 for coef in sp.Poly(slack, m).all_coeffs()), \
        f"P(n) ≤ {c0}·n³ fails: P(1+m) − {c0}(1+m)³ = {slack}"
    sizes = []
    for n in range(1, 21):
        length = int(w.subs(n_sym, n))
        need_bits = length.bit_length()  # 2^(c|φ|) ≥ |w_n| + 1 ⇒ c|φ| ≥ log₂(|w_n| + 1)
        assert need_bits - 1 >= 2**n
        pn = int(p.subs(n_sym, n))
        assert pn <= c0 * n**3 and 2**n >= 2 ** ((pn / c0) ** (1 / 3))
        if n <= 6:
            sizes.append({"n": n, "|w_n|": length,
                          "c·|φ| ≥": f"{sp.log(length + 1, 2).evalf(6)}", "2^n": 2**n,
                          "UHAT params P(n)": pn, "c0·n^3": int(c0 * n**3)})
    sizes.append({"n": "all n ≥ 1", "|w_n|": "(n+2)·2^n·2^(2^n)",
                  "c·|φ| ≥": "2^n + n + log2(n+2)", "2^n": "",
                  "UHAT params P(n)": str(general), "c0·n^3": f"{c0}·n^3"})
    return merge(rows, sizes)
