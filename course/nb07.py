"""Exercises of notebook 07 (nested parentheses): predict size formulas of Dyck-(k, D).

The sizes are counted on built models (the states of the minimal DFA of the language,
minimised from the family's stack automaton; the attention layers of the built UHAT),
never read from the family's own formulas.
"""

from __future__ import annotations

import numpy as np

from succinct import DFA
from succinct.registry import get_family
from succinct.teach import Exercise, FormulaExercise


def _minimal_dfa_states(depth: int) -> int:
    """States of the minimal DFA of Dyck-(3, depth) as a set of non-empty words: the
    family's stack automaton (which accepts the empty word at its start) gets a fresh,
    rejecting start state with the old start's transitions, and is minimised."""
    stack = get_family("dyck").build("dfa", {"k": 3, "D": depth})
    delta = np.vstack([stack.delta, stack.delta[stack.start]])
    accepting = np.append(stack.accepting, False)
    return DFA(stack.alphabet, delta, len(stack.delta), accepting).minimize().n_states


def _attention_layers(depth: int) -> int:
    uhat = get_family("dyck").build("uhat", {"k": 2, "D": depth})
    return sum(layer.kind == "attention" for layer in uhat.spec.layers)


EXERCISES: tuple[Exercise, ...] = (
    FormulaExercise(
        "07.dfa-states",
        "How many states has the minimal complete DFA of Dyck-(3, D), as a formula in D? "
        "The states: the stacks of depth ≤ D over 3 bracket types, a sink, and one "
        "more: the language has only non-empty words, so the start (no letter read yet) "
        "must reject while the empty stack after a balanced word accepts.",
        counted=_minimal_dfa_states, at=(1, 2, 3, 4), variable="D", measure="states"),
    FormulaExercise(
        "07.uhat-attention",
        "How many attention layers has the built UHAT of Dyck-(2, D), as a formula in D? "
        "Count the rounds of cancellation (each looks left and right) and the final check.",
        counted=_attention_layers, at=(1, 2, 3, 4), variable="D", measure="attention layers"),
)
