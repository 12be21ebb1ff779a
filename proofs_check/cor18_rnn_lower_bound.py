"""Cor 18: a k-bit RNN for DC_n needs kD ≥ log₂(|w_n| + 2); a delay-line RNN is within O(n).

What is checked:

1. the lower bound: by Prop 1 a k-bit RNN with D units is a DFA with ≤ 2^(kD) states, and
   the minimal DFA of DC_n has ``|w_n| + 2`` states, so ``kD ≥ ⌈log₂(|w_n| + 2)⌉``; exactly
   (exact big-integer arithmetic, n = 1..20) ``⌈log₂(|w_n| + 2)⌉ = 2^n + n + ⌊log₂(n + 2)⌋ + 1``;
2. the ``dc`` family's single-layer 1-bit RNN (n = 1..5) has
   ``kD = D(n) = 2^n + 2n + 25 + ((1 − 2^n) mod (n + 2))`` (counted units, k = 1), accepts
   w_n and rejects w_n without its last cell (n ≤ 3);
3. the gap ``kD − ⌈log₂(|w_n| + 2)⌉ = n + 24 + ((1 − 2^n) mod (n + 2)) − ⌊log₂(n + 2)⌋``
   lies in ``[0, 2n + 24]`` for n = 1..20: the lower bound is met within O(n).
"""

from __future__ import annotations

from succinct.recognizer import accepts
from succinct.registry import get_family


def word_length(n: int) -> int:
    return (n + 2) * 2**n * 2 ** (2**n)


def lower_bound(n: int) -> int:
    """``⌈log₂(|w_n| + 2)⌉`` by integer arithmetic."""
    return (word_length(n) + 1).bit_length()


def units(n: int) -> int:
    return 2**n + 2 * n + 25 + (1 - 2**n) % (n + 2)


def check() -> list[dict]:
    for n in range(1, 21):
        assert lower_bound(n) == 2**n + n + (n + 2).bit_length(), n  # ⌊log₂ m⌋ + 1
        gap = units(n) - lower_bound(n)
        assert gap == n + 24 + (1 - 2**n) % (n + 2) - ((n + 2).bit_length() - 1), n
        assert 0 <= gap <= 2 * n + 24, (n, gap)
    fam = get_family("dc")
    rows = []
    for n in range(1, 6):
        rnn = fam.build("rnn", {"n": n})
        kd = rnn.spec.bits * rnn.units
        assert rnn.spec.bits == 1 and kd == units(n), (n, kd)
        assert kd >= lower_bound(n)
        if n <= 3:
            w = next(iter(fam.members({"n": n})))
            got = accepts(rnn, [w, w[: -(n + 2)]]).tolist()
            assert got == [True, False], (n, got)
        rows.append({"n": n, "|w_n|": word_length(n), "kD lower bound": lower_bound(n),
                     "RNN k": rnn.spec.bits, "RNN D": rnn.units, "kD - bound": kd - lower_bound(n),
                     "2n+24": 2 * n + 24})
    return rows
