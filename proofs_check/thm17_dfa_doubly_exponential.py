"""Thm 17: UHATs are doubly exponentially more succinct than finite automata (on DC_n).

What is checked, for the witness family DC_n = {w_n} (``dc``):

1. **the UHAT recognizes DC_n** (:mod:`proofs_check._dc`): it accepts w_n and rejects
   every mutant of w_n for n = 1, 2, 3, and for n = 1 (n = 2 with ``--full``) its exact
   automaton, built from its weights, equals the minimal DFA of DC_n;
2. the minimal DFA of DC_n, computed by minimizing the automaton of w_n's prefixes, has
   exactly ``|w_n| + 2`` states for n = 1, 2, 3, with ``|w_n|`` the length of the
   generated word and also ``(n + 2)·2^n·2^(2^n)`` (the paper's shortest-word argument
   gives ``≥ |w_n| + 1``; Myhill–Nerode gives the exact value);
3. the compiled UHAT has ``P(n)`` parameters, a cubic polynomial in n (the family's
   closed form, equal to the counted parameters for n = 1..4), and its largest |weight|
   is the same for n = 1..4 (fixed precision; the widest AND gates' biases grow only
   linearly in n beyond that), so its size in bits is ``O(n³ log n)``;
4. the ratio grows doubly exponentially: ``log₂ log₂(states(n) / P(n)) / n → 1``
   (sympy limit), and exactly ``states(n) / P(n) ≥ 2^(2^(n−1))`` for every n in 5..20
   (integer arithmetic; for n ≤ 4 the UHAT is still the larger object).
"""

from __future__ import annotations

import sympy as sp

from constructions.counter import dc_formulas, dc_ids
from proofs_check._dc import merge, uhat_language
from succinct.registry import get_family
from succinct.sizes import count
from succinct.sizes import n as n_sym


def dfa_states(n: int) -> int:
    """``|w_n| + 2`` (the paper's length formula)."""
    return (n + 2) * 2**n * 2 ** (2**n) + 2


def check() -> list[dict]:
    rows = uhat_language()
    fam = get_family("dc")
    params_formula = dc_formulas()["uhat_params"]
    general = params_formula.args[-1][0] if isinstance(params_formula, sp.Piecewise) \
        else params_formula
    assert sp.Poly(general, n_sym).degree() == 3, general
    sizes: list[dict] = []
    for n in range(1, 5):
        uhat = fam.build("uhat", {"n": n})
        counted = count(uhat)
        p = int(params_formula.subs(n_sym, n))
        assert counted.params == p, (n, counted.params, p)
        biggest = max(int(abs(arr).max()) for arr in uhat.components().values() if arr.size)
        # Fixed precision: the largest |weight| does not grow with n.
        first = biggest if not sizes else sizes[0]["max |weight|"]
        assert biggest == first, (n, biggest, first)
        minimized = None
        if n <= 3:
            minimized = fam.build("dfa", {"n": n}).n_states
            assert minimized == len(dc_ids(n)) + 2 == dfa_states(n), \
                f"n={n}: the minimal DFA of DC_{n} has {minimized} states, not |w_n| + 2"
        sizes.append({"n": n, "max |weight|": biggest, "|w_n|+2": dfa_states(n),
                      "minimized": minimized if minimized is not None else "(not built)",
                      "UHAT params": counted.params, "UHAT bits": counted.bits,
                      "states/params": f"{dfa_states(n) / counted.params:.3g}"})
    for n in range(5, 21):
        assert dfa_states(n) >= 2 ** (2 ** (n - 1)) * int(general.subs(n_sym, n)), n
    w = (n_sym + 2) * 2**n_sym * 2 ** (2**n_sym) + 2
    limit = sp.limit(sp.log(sp.log(w / general, 2), 2) / n_sym, n_sym, sp.oo)
    assert limit == 1, limit
    sizes.append({"n": "n→∞", "|w_n|+2": "(n+2)·2^n·2^(2^n)+2", "minimized": "",
                  "UHAT params": str(sp.factor(general)), "UHAT bits": "",
                  "states/params": "log2 log2(ratio)/n → 1"})
    return merge(rows, sizes)
