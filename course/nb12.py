"""Exercises of notebook 12 (constructed vs trained): the numbers a training report is
read against. No training runs here: both answers are counted by enumerating every word
and asking the family's reference recognizer.
"""

from __future__ import annotations

import itertools

from succinct.teach import Exercise, ValueExercise

L = 6  # the training length of the notebook


def _labels(lengths: range) -> tuple[int, int]:
    """(members, words) of the flip-flop over all words with a length in ``lengths``."""
    from succinct.registry import get_family

    reference = get_family("wordproblem").build("reference", {"monoid": "flipflop"})
    words = ["".join(w) for n in lengths
             for w in itertools.product(reference.alphabet.symbols, repeat=n)]
    return int(reference.accepts(words).sum()), len(words)


def _members_of_length() -> int:
    return _labels(range(L, L + 1))[0]


def _constant_baseline() -> float:
    """The exact majority share (unrounded: the exercise accepts it within 5e-5)."""
    members, total = _labels(range(1, L + 1))
    return max(members, total - members) / total


EXERCISES: tuple[Exercise, ...] = (
    ValueExercise(
        "12.members-of-length",
        "How many words of length 6 over {s, r, n} are in the flip-flop language (the "
        "last s or r is an s)? Count them by hand: split on the position of the last "
        "letter that is not n.",
        expected=_members_of_length, unit="words"),
    ValueExercise(
        "12.constant-baseline",
        "A model that answers the same for every word (always accept, or always reject, "
        "whichever is better) — what accuracy does it reach on all words of length 1..6 "
        "(the report's exhaustive_accuracy)? Give it rounded to 4 decimals (any number "
        "within 5e-5 of the exact fraction is accepted): it is the number a trained "
        "model's exhaustive accuracy must be read against.",
        expected=_constant_baseline, tolerance=5e-5),
)
