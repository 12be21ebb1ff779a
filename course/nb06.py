"""Exercises of notebook 06, the doubly exponential counter DC_n = {w_n}.

Every expected value is computed on built objects, never from the family's closed
forms: the word's length from the generated word, the program's size from the ops of
the built program, the DFA's states by minimisation, and the least k·D from those
states (Prop 1 of arXiv 2510.19315 is tight for RNNs with an arbitrary update function).
"""

from __future__ import annotations

from constructions.counter import dc_word
from succinct.registry import get_family
from succinct.teach import FormulaExercise, ValueExercise

__all__ = ["EXERCISES"]


def _word_length(n: int) -> int:
    """The length of the generated word w_n."""
    return len(dc_word(n))


def _predicates(n: int) -> int:
    """The predicates (inputs included) of the built B-RASP program of DC_n."""
    return len(get_family("dc").build("brasp", {"n": n}).ops)


def _dfa_states() -> int:
    """The states of the minimal complete DFA of DC_2, by minimisation."""
    return int(get_family("dc").build("dfa", {"n": 2}).n_states)


def _least_kd() -> int:
    """The least k·D with 2^(kD) ≥ the minimal DFA's states (integer arithmetic)."""
    return (_dfa_states() - 1).bit_length()


EXERCISES = (
    FormulaExercise(
        "06.word-length",
        "Give |w_n|, the length of the one word of DC_n, as a formula in n (a cell is n "
        "address bits, a counter bit and '#'; a row has 2^n cells; w_n has 2^(2^n) rows).",
        counted=_word_length, at=(1, 2, 3, 4), measure="length of w_n"),
    FormulaExercise(
        "06.program-size",
        "Give the number of predicates of the DC_n B-RASP program (the 5 input predicates "
        "included) as a formula in n.",
        counted=_predicates, at=(1, 2, 3, 4), measure="number of predicates"),
    ValueExercise(
        "06.dfa-states",
        "How many states has the minimal complete DFA of DC_2 (dead state included)?",
        expected=_dfa_states, unit="states"),
    ValueExercise(
        "06.rnn-kd",
        "What is the smallest k·D of a k-bit RNN with D units (arbitrary update function) "
        "that recognises DC_2? Use Prop 1: such an RNN is a DFA with at most 2^(kD) states.",
        expected=_least_kd, unit="state bits (k·D)"),
)
