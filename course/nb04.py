"""Exercises of notebook 04, "The counter E_N": |E_N|, the adjacency check M_←, the
minimal DFA's states, and Prop 1's bound.

Every expected value comes from an independent route: |E_N| by brute force (every tile
sequence put into the word and judged by the definition; at N = 4 by counting the
accepted words of the right length on the DFA read off the definition), the DFA states by minimizing
the DFA read off the definition, the language of the adjacency exercise by a Python
predicate.
"""

from __future__ import annotations

import itertools

from constructions.counter import H
from succinct import UHAT, Alphabet, Predicate, Program
from succinct.registry import get_family
from succinct.teach import Exercise, FormulaExercise, LanguageExercise, ValueExercise

__all__ = ["EXERCISES"]


def _members_brute_force(n_bits: int) -> int:
    """Words of E_N among all ``3^(2^N)`` tile sequences, judged by the definition
    (N ≤ 3; from N = 4 on, 3^16 sequences are too many: :func:`_members_counted`)."""
    if n_bits > 3:
        return _members_counted(n_bits)
    addresses = [format(c, f"0{n_bits}b") for c in range(2**n_bits)]
    words = ["".join(f"{a}{t}#" for a, t in zip(addresses, tiles, strict=True))
             for tiles in itertools.product("abc", repeat=2**n_bits)]
    reference = get_family("counter").build("reference", {"N": n_bits})
    return int(reference.accepts(words).sum())


def _members_counted(n_bits: int) -> int:
    """Words of length ``(N + 2)·2^N`` accepted by E_N's DFA read off the definition,
    counted by dynamic programming over its states (exact integers): the number of words
    reaching each state after t symbols, summed over accepting states at the end."""
    dfa = get_family("counter").build("dfa", {"N": n_bits})
    ways = [0] * dfa.n_states
    ways[dfa.start] = 1
    for _ in range((n_bits + 2) * 2**n_bits):
        step = [0] * dfa.n_states
        for state, count in enumerate(ways):
            if count:
                for target in dfa.delta[state]:
                    step[int(target)] += count
        ways = step
    return sum(count for state, count in enumerate(ways) if dfa.accepting[state])


def _dfa_states(n_bits: int) -> int:
    """States of E_N's DFA read off the definition, minimized (again, here)."""
    return get_family("counter").build("dfa", {"N": n_bits}).minimize().n_states


def _e6_prop1_bound() -> int:
    """``⌈log₂ q⌉`` for the states q of E_6's minimized DFA."""
    return max(1, (_dfa_states(6) - 1).bit_length())


def _adjacent(word: tuple[str, ...]) -> bool:
    return all(pair in H for pair in itertools.pairwise(word))


EXERCISES: tuple[Exercise, ...] = (
    FormulaExercise(
        "04.members",
        "Give the number of words of E_N as a formula in N, e.g. '2**N'.",
        counted=_members_brute_force, at=(1, 2, 3, 4), variable="N", measure="members"),
    LanguageExercise(
        "04.adjacent",
        "Write a B-RASP program (ProgramBuilder) over {a, b, c} accepting exactly the words "
        "whose neighbouring letters are all pairs in H = {ab, ba, bc, cb}: M_left and its "
        "aggregate M.",
        reference=Predicate(Alphabet.of("abc"), _adjacent, "neighbours in H"),
        max_len=7, require=(Program, UHAT)),
    FormulaExercise(
        "04.dfa-states",
        "Give the number of states of the minimal complete DFA of E_N as a formula in N.",
        counted=_dfa_states, at=(1, 2, 3, 4, 5), variable="N", measure="minimal DFA states"),
    ValueExercise(
        "04.prop1-bound",
        "Give the least k·D that Prop 1 allows for a k-bit RNN recognizing E_6: ⌈log₂ q⌉ "
        "for the q states of its minimal DFA.",
        expected=_e6_prop1_bound, unit="state bits (kD)"),
)
