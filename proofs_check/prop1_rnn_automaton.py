"""Prop 1: a k-bit RNN with D units is a finite automaton with at most 2^(kD) states.

What is checked, on real RNNs (``succinct.models.rnn.RNN`` in k-bit mode, ``bits=1``): the
automaton is extracted by breadth-first search over the reachable quantized states
(``succinct.exact.dispatch.extract_rnn``, which steps the jitted RNN cell on integer state codes);

* the extracted automaton, minimized, is language-equal to the minimal DFA of the
  language the RNN was built for, obtained independently by minimizing an automaton read
  off the language's definition, and has as many states as the paper's formula says:

  - the delay-line RNN of DC_n = {w_n} (``dc``, n = 1, 2): ``|w_n| + 2`` states;
  - the DFA → RNN construction (``|Q|·|Σ| + 1`` units) of the minimal DFAs of E_1, E_2
    (``counter``): ``2^(N+1)(N+2) − N`` states;

* Prop 1's consequence for these RNNs: ``⌈log₂ s⌉ ≤ k·D`` for the ``s`` states of that
  minimal DFA (so the RNN's counted state bits are at least the bound that every RNN for
  the language must meet), and the BFS reached no more than ``2^(kD)`` quantized states
  (:func:`succinct.exact.dispatch.extract_rnn` refuses otherwise; reported as a failure).

So these RNNs *are* the automata of their languages, and kD ≥ log₂ of their size.
"""

from __future__ import annotations

from succinct.exact.dispatch import extract_rnn
from succinct.registry import get_family
from succinct.sizes import count
from succinct.words import SuccinctError

CASES = (("dc", "n", 1), ("dc", "n", 2), ("counter", "N", 1), ("counter", "N", 2))


def expected_states(family: str, size: int) -> int:
    """Minimal DFA sizes from the paper's formulas (Myhill–Nerode counts derived in
    ``constructions/counter.py``)."""
    if family == "dc":
        return (size + 2) * 2**size * 2 ** (2**size) + 2
    return 2 ** (size + 1) * (size + 2) - size


def check() -> list[dict]:
    rows = []
    for family, param, size in CASES:
        fam = get_family(family)
        rnn = fam.build("rnn", {param: size})
        target = fam.build("dfa", {param: size})
        try:
            auto = extract_rnn(rnn, max_states=200_000)
        except SuccinctError as e:  # more states than 2^(kD), or past max_states
            raise AssertionError(f"{family} {param}={size}: {e}") from e
        kd = count(rnn).state_bits
        k, d = rnn.spec.bits, kd // rnn.spec.bits
        assert target.n_states == expected_states(family, size), (family, size)
        assert auto.minimal.n_states == target.n_states, (
            f"{family} {param}={size}: the extracted automaton has {auto.minimal.n_states} "
            f"states after minimization, the language's minimal DFA {target.n_states}")
        same, witness = auto.minimal.equivalent(target)
        assert same, f"{family} {param}={size}: RNN and DFA differ on {witness!r}"
        assert (target.n_states - 1).bit_length() <= kd, (
            f"{family} {param}={size}: the RNN has kD = {kd} state bits, fewer than "
            f"⌈log₂ {target.n_states}⌉ (Prop 1 forbids it)")
        rows.append({"RNN": f"{family} {param}={size}", "k": k, "D": d,
                     "reachable states": auto.explored, "2^(kD)": f"2^{kd}",
                     "⌈log2 minimal⌉": (target.n_states - 1).bit_length(),
                     "minimal": auto.minimal.n_states,
                     "expected": expected_states(family, size)})
    return rows
