"""Exercises of notebook 10 (verify and break): find the one weight that breaks Dyck-(1, 2).

The construction is the family's UHAT for balanced brackets of depth ≤ 2; the answer is
that model with one weight entry changed (``to_nnx`` → ``set_entry`` → ``from_nnx``),
and it must misclassify the target word against a bracket counter written here.
"""

from __future__ import annotations

from course.dyck import balanced, uhat
from succinct import Alphabet, Predicate
from succinct.teach import BreakExercise, Exercise

DYCK_1_2 = Predicate(Alphabet.of("()"), balanced, name="Dyck-(1, 2)")


EXERCISES: tuple[Exercise, ...] = (
    BreakExercise(
        "10.break-round-1",
        "The notebook's edit breaks round 2 and leaves every depth-1 word right. Change "
        "ONE weight entry of the Dyck-(1, 2) UHAT so that it rejects the member (). "
        "Read the printed model: which entry carries round 1's evidence that the "
        "attended bracket is an opener?",
        build=uhat, reference=DYCK_1_2, max_len=6, edits=1, target="()"),
    BreakExercise(
        "10.accept-depth-3",
        "((())) has depth 3, so Dyck-(1, 2) rejects it. Change ONE weight entry so that "
        "the UHAT accepts it. Hint: after two rounds its outer pair is still unmatched; "
        "the last op (Z) decides 'nothing unmatched'. Afterwards, ask verify which other "
        "words your edit lets in.",
        build=uhat, reference=DYCK_1_2, max_len=6, edits=1, target="((()))"),
)
