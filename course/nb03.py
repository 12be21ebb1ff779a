"""Exercises of notebook 03, "Measuring a model": Prop 1's bound, a params formula, an RNN
that meets the bound.

Every expected value is computed independently of the answer's reasoning: the Prop 1
bound from the *minimized* DFA of the language (``⌈log₂ q⌉`` of its states), the params
by counting the built model's arrays, the language by a Python predicate.
"""

from __future__ import annotations

from succinct import RNN, Alphabet, Predicate
from succinct.registry import get_family
from succinct.teach import Exercise, FormulaExercise, LanguageExercise, ValueExercise

__all__ = ["EXERCISES"]


def _dyck_prop1_bound() -> int:
    """``⌈log₂ q⌉`` for the states ``q`` of Dyck-(2, 3)'s minimal complete DFA (minimized
    again here, so that a non-minimal ``dfa`` model could not inflate it)."""
    q = get_family("dyck").build("dfa", {"k": 2, "D": 3}).minimize().n_states
    return max(1, (q - 1).bit_length())


def _shift_params(k: int) -> int:
    """Dense params counted on the built window-k shift register."""
    return get_family("window").build("shift", {"k": k}).size_report().params


EXERCISES: tuple[Exercise, ...] = (
    ValueExercise(
        "03.prop1-bound",
        "Give the least k·D that Prop 1 allows for a k-bit RNN recognizing Dyck-(2, 3) "
        "(two bracket types, depth ≤ 3): ⌈log₂ q⌉ for the q states of its minimal "
        "complete DFA.",
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
