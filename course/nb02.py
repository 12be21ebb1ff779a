"""Exercises of notebook 02 (B-RASP and LTL, compiled to weights)."""

from __future__ import annotations

from succinct import Alphabet, Language, Predicate, Program, compile_program, parse_ltl, to_brasp
from succinct.teach import FormulaExercise, LanguageExercise

__all__ = ["EXERCISES"]

AB = Alphabet.of("ab")


def _second_to_last_is_a(word: tuple[str, ...]) -> bool:
    return len(word) >= 2 and word[-2] == "a"


def _every_b_right_after_an_a(word: tuple[str, ...]) -> bool:
    return all(s != "b" or (k > 0 and word[k - 1] == "a") for k, s in enumerate(word))


def shared_formula(n: int) -> str:
    """``H(a -> Y^n b) & P(Y^n b)``: the subformula ``Y^n b`` (and every ``Y^k b``) twice."""
    y = "Y " * n + "b"
    return f"H(a -> {y}) & P({y})"


def attention_layers(n: int) -> int:
    """Attention layers of the compiled UHAT of :func:`shared_formula` (counted)."""
    model = compile_program(to_brasp(parse_ltl(shared_formula(n), AB), AB)).model
    return sum(1 for layer in model.spec.layers if layer.kind == "attention")


EXERCISES = (
    LanguageExercise(
        name="02.prev-a",
        prompt="Write a B-RASP program (a Program, built with ProgramBuilder('ab')) that "
               "accepts the words whose second-to-last symbol is a: at the last position, "
               "the previous symbol is a. One attention op and the right tie-break suffice.",
        reference=Predicate(AB, _second_to_last_is_a, name="second-to-last symbol is a"),
        max_len=7, require=Program),
    LanguageExercise(
        name="02.ltl-every-b",
        prompt="Write an LTL formula (succinct.Language(parse_ltl(text, ab), ab)) for the "
               "language of the notebook's first program: every b comes right after an a.",
        reference=Predicate(AB, _every_b_right_after_an_a, name="every b right after an a"),
        max_len=8, require=Language),
    FormulaExercise(
        name="02.attention-layers",
        prompt="Prop 16 gives one attention op per distinct temporal subformula. How many "
               "attention layers has the compiled UHAT (compact mode) of "
               "φ_n = H(a -> Y^n b) & P(Y^n b), as a formula in n? (Y^n b is Y…Y b.)",
        counted=attention_layers, at=(1, 2, 3, 5), variable="n",
        measure="number of attention layers"),
)
