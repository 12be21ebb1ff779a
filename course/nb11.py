"""Exercises of notebook 11 (hard to soft): the certified scale β(N), and what breaks
below it.

Both expected values are computed here by routes apart from the notebook's: the scale
is read off relaxed models built at each N (the number the model really carries), and
the shortest wrong word is found by running the weights position by position in
float64 (``numpy_forward``, written apart from the jitted evaluator the notebook's
``verify`` uses) against a bracket counter written here.
"""

from __future__ import annotations

import itertools

from course.dyck import balanced, uhat
from succinct.compiler.relax import relax
from succinct.models.softmax import SoftmaxTransformer, numpy_forward
from succinct.teach import Exercise, ValueExercise

SCALE = 100.0  # 11.beta-covers: the scale a user runs at
SHRINK = 16  # 11.first-break: β' = β(6) / SHRINK


def _largest_covered() -> int:
    """The largest N whose certified β(N) is ≤ SCALE (β grows with N)."""
    model, n = uhat(), 1
    while relax(model, max_len=n + 1).beta <= SCALE:
        n += 1
    return n


def _first_break() -> str:
    """The first word of length ≤ 6 in shortlex order that the relaxed model, run at
    β(6)/SHRINK, decides differently from the bracket counter."""
    soft = relax(uhat(), max_len=6)
    weak = SoftmaxTransformer(soft.alphabet, soft.layers, soft.params, soft.beta / SHRINK,
                              soft.max_len, soft.accept_at)
    for n in range(1, 7):
        for word in itertools.product("()", repeat=n):
            score = numpy_forward(weak, soft.alphabet.to_ids(word))
            if (score > 0) != balanced(word):
                return "".join(word)
    raise AssertionError("no wrong word up to length 6")


EXERCISES: tuple[Exercise, ...] = (
    ValueExercise(
        "11.beta-covers",
        "You run the relaxed Dyck-(1, 2) recogniser at the scale β = 100. Up to which "
        "length is that certified? Give the largest N with β(N) ≤ 100, from the "
        "certificate's formula β(N) = 2N ln(16 K N) (K is printed by the notebook).",
        expected=_largest_covered, unit="positions"),
    ValueExercise(
        "11.first-break",
        "Relax Dyck-(1, 2) for N = 6 and run its weights at β' = β(6)/16. Which is the "
        "shortest word (first in shortlex order, ( before )) it gets wrong?",
        expected=_first_break),
)
