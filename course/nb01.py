"""Exercises of notebook 01 (a UHAT by hand): build small UHATs with ``UHATBuilder``.

Both references are Python predicates on the word, written from the language's
definition (never from a model), and the answer must be a :class:`succinct.UHAT`: a
B-RASP program or a DFA for the same language is refused.
"""

from __future__ import annotations

from succinct import UHAT, Alphabet, Predicate
from succinct.teach import Exercise, LanguageExercise

AB = Alphabet.of("ab")

EXERCISES: tuple[Exercise, ...] = (
    LanguageExercise(
        "01.contains-a",
        "Build, with UHATBuilder, a UHAT over {a, b} that accepts exactly the words "
        "containing at least one a. One attention layer is enough: which mask lets the "
        "last position see every position, itself included, and which score makes an a "
        "win over a b?",
        reference=Predicate(AB, lambda w: "a" in w, name="contains an a"),
        max_len=8, require=UHAT),
    LanguageExercise(
        "01.factor-ab",
        "Build a UHAT over {a, b} that accepts exactly the words containing the factor "
        "ab (an a immediately followed by a b), e.g. aab and bab but not ba or bba. "
        "Hint: a constant score with mask future and tie right attends to the previous "
        "position; an FFN can mark the positions where ab ends; a last attention can ask "
        "whether some position is marked.",
        reference=Predicate(AB, lambda w: "ab" in "".join(w), name="contains ab"),
        max_len=8, require=UHAT),
)
