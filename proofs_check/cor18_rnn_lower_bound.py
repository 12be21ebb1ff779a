"""Cor 18: every k-bit RNN for DC_n has kD > 2^n; the delay-line RNN is within O(n) of it.

The argument: by Prop 1 a k-bit RNN with D units is a DFA with at most ``2^(kD)``
states, and the minimal DFA of DC_n = {w_n} has ``|w_n| + 2`` states, so every k-bit RNN
for DC_n has ``kD ≥ ⌈log₂(|w_n| + 2)⌉ = 2^n + n + ⌊log₂(n + 2)⌋ + 1 > 2^n`` (the paper
states ``kD ≥ 2^n``, from the shortest word); its description has at least
``max(k, D) ≥ √(kD)`` symbols, exponential in n, against the UHAT's poly(n) (Thm 17).

What is checked:

1. the bound, from sources independent of its closed form: ``⌈log₂ s⌉`` for the states
   s of the minimal DFA obtained by minimization (n = 1, 2, 3), ``⌈log₂(|w_n| + 2)⌉``
   for the length of the generated w_n (n = 1..4) and for ``dc_length(n)`` (n = 1..20),
   all by integer arithmetic, each equal to the family's closed form
   ``rnn_kD_lower_bound`` and above the paper's ``2^n``;
2. the ``dc`` family's single-layer 1-bit RNN recognizes DC_n: it accepts w_n and
   rejects every mutant of w_n (rejected by the definition too) for n = 1..3, and with
   ``--full`` also n = 4 — w_4 has 6 291 456 symbols and goes through the RNN's jitted
   forward (``lax.scan``) with its mutants in one batch, about 30 s (for n = 1, 2 its
   extracted automaton is compared with the minimal DFA by the Prop 1 check);
3. the bound is met within O(n): the built RNN's counted ``kD`` (n = 1..8) equals the
   family's closed form ``rnn_kD`` and lies in ``[bound, bound + 2n + 24]``.
"""

from __future__ import annotations

import sympy as sp

from constructions.counter import dc_formulas, dc_ids, dc_length
from proofs_check._dc import merge, rnn_membership
from succinct.registry import get_family
from succinct.sizes import count
from succinct.sizes import n as n_sym


def ceil_log2(x: int) -> int:
    """``⌈log₂ x⌉`` for an integer x ≥ 1, exactly."""
    return (x - 1).bit_length()


def check() -> list[dict]:
    fam = get_family("dc")
    f = dc_formulas()
    bound_formula, kd_formula = f["rnn_kD_lower_bound"], f["rnn_kD"]

    def bound(n: int) -> int:
        return int(sp.Integer(bound_formula.subs(n_sym, n)))

    for n in range(1, 21):
        exact = ceil_log2(dc_length(n) + 2)
        assert bound(n) == exact, \
            f"n={n}: the closed form gives kD ≥ {bound(n)}, ⌈log₂(|w_n| + 2)⌉ = {exact}"
        assert exact > 2**n, (n, exact)
    for n in range(1, 5):
        assert ceil_log2(len(dc_ids(n)) + 2) == bound(n), n
    for n in range(1, 4):
        states = fam.build("dfa", {"n": n}).n_states
        assert ceil_log2(states) == bound(n), \
            f"n={n}: the minimal DFA has {states} states, ⌈log₂⌉ ≠ {bound(n)}"
    sizes = []
    for n in range(1, 9):
        kd = count(fam.build("rnn", {"n": n})).state_bits
        assert kd == int(sp.Integer(kd_formula.subs(n_sym, n))), (n, kd)
        assert bound(n) <= kd <= bound(n) + 2 * n + 24, \
            f"n={n}: the RNN has kD = {kd}, outside [{bound(n)}, {bound(n) + 2 * n + 24}]"
        sizes.append({"n": n, "|w_n|": dc_length(n) if n <= 4 else
                      f"2^{dc_length(n).bit_length() - 1}+", "kD ≥": bound(n), "RNN kD": kd,
                      "kD - bound": kd - bound(n), "2n+24": 2 * n + 24})
    return merge(rnn_membership(), sizes)
