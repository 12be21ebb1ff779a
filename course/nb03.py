"""Exercises of notebook 03, "Measuring a model": Prop 1's bound, a params formula, an RNN
that meets the bound.

Every expected value is computed independently of the answer's reasoning: the Prop 1
bound from the *minimized* DFA of the language (``⌈log₂ q⌉`` of its states), the params
by counting the built model's arrays, the language by a Python predicate.
"""

from __future__ import annotations

import numpy as np

from succinct import DFA, RNN, Alphabet, Predicate
from succinct.registry import get_family
from succinct.teach import Exercise, FormulaExercise, LanguageExercise, ValueExercise

__all__ = ["EXERCISES"]


def _dyck_prop1_bound() -> int:
    """``⌈log₂ q⌉`` for the states ``q`` of the minimal complete DFA of Dyck-(2, 3) as a set
    of non-empty words: the family's stack automaton (which accepts the empty word at its
    start) gets a fresh, rejecting start state with the old start's transitions, and is
    minimized (so a non-minimal ``dfa`` model could not inflate it). Notebook 07's
    ``07.dfa-states`` counts the same way; ``verify(..., unbounded=True)`` finds 17."""
    stack = get_family("dyck").build("dfa", {"k": 2, "D": 3})
    delta = np.vstack([stack.delta, stack.delta[stack.start]])
    accepting = np.append(stack.accepting, False)
    q = DFA(stack.alphabet, delta, len(stack.delta), accepting).minimize().n_states
    return max(1, (q - 1).bit_length())


def _shift_params(k: int) -> int:
    """Dense params counted on the built window-k shift register."""
    return get_family("window").build("shift", {"k": k}).size_report().params


EXERCISES: tuple[Exercise, ...] = (
    ValueExercise(
        "03.prop1-bound",
        "Give the least k·D that Prop 1 allows for a k-bit RNN recognizing Dyck-(2, 3) "
        "(non-empty balanced words, two bracket types, depth ≤ 3): ⌈log₂ q⌉ for the q "
        "states of its minimal complete DFA (the start rejects: the empty word is no member).",
        expected=_dyck_prop1_bound, unit="state bits (kD)"),
    FormulaExercise(
        "03.shift-params",
        "Give the dense params of the window-k shift register (k units at 1 bit, "
        "alphabet {a, b}) as a formula in k, e.g. '2*k + 1'.",
        counted=_shift_params, at=(1, 2, 3, 5, 8), variable="k", measure="params"),
    LanguageExercise(
        "03.ends-aa",
        "Build a 1-bit step RNN with 2 units (RNNBuilder) that accepts exactly the words "
        "over {a, b} ending in aa.",
        reference=Predicate(Alphabet.of("ab"), lambda w: w[-2:] == ("a", "a"), "ends in aa"),
        max_len=8, require=RNN),
)
