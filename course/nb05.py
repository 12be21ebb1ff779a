"""Exercises of notebook 05 (tiling: the machine inside Lemma 8).

* ``05.gadget-b-default`` — which connective joins ``B_wrap`` and ``B_inc`` in Gadget B's
  default: the expected answer is found by building the program both ways and running
  each on the encoding of a correct tiling (the one that accepts it is the right one);
  ``"or"``, ``"OR"``, ``" or "`` and ``"∨"`` are the same answer (``_connective``).
* ``05.attention-ops`` — the number of attention ops of the Lemma 8 program as a formula
  in N, for a 2-tile instance: counted on the programs built for N = 1..5.
* ``05.prev-tile`` — a B-RASP program for "every # comes right after a tile" (Gadget A's
  ``A_T`` and its "for all j ≤ i" aggregator): compared with a hand-written DFA on all
  words of length ≤ 3 and, through both exact automata, on all words.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from constructions import tiling
from succinct import DFA, Program
from succinct.teach import FormulaExercise, LanguageExercise, ValueExercise

__all__ = ["EXERCISES", "with_b_default", "two_tiles", "PREV_TILE_ALPHABET"]

# Two tiles that fit everywhere: a = ⟨0,0,0,0⟩ and b = ⟨0,1,0,1⟩ (final a).
TWO_TILES = [[0, 0, 0, 0], [0, 1, 0, 1]]
PREV_TILE_ALPHABET = ("0", "1", "#", "a", "b")


def two_tiles(n: int) -> tiling.Instance:
    """The 2-tile instance with ``2^n`` columns."""
    return tiling.parse_instance({"N": n, "tiles": TWO_TILES, "final": TWO_TILES[0]},
                                 f"two-tiles-{n}")


def with_b_default(program: Any, connective: str) -> Any:
    """``program`` with Gadget B's default ``B_wrap ○ B_inc`` joined by ``connective``
    (``"or"``, as the program has it, or ``"and"``, as the paper prints it)."""
    def edit(op: Any) -> Any:
        if op.name != "B":
            return op
        wrap, inc = op.default.xs
        return dataclasses.replace(op, default=(wrap & inc) if connective == "and"
                                   else (wrap | inc))
    return dataclasses.replace(program, ops=tuple(edit(op) for op in program.ops))


def _right_connective() -> str:
    """The connective whose program accepts the encoding of a correct tiling."""
    inst = tiling.load_instance("solvable")
    word = tiling.encode_tiling(inst, ["ab", "cd"])  # checked by hand in solvable.json
    program = tiling.brasp_program(inst)
    right = [c for c in ("and", "or") if with_b_default(program, c).accepts([word])[0]]
    assert len(right) == 1, right
    return right[0]


_CONNECTIVES = {"∧": "and", "&": "and", "&&": "and", "∨": "or", "|": "or", "||": "or"}


def _connective(text: str) -> str:
    """``"and"``/``"or"`` for any case, surrounding blanks and the symbols ∧ & ∨ |."""
    word = text.strip().lower()
    return _CONNECTIVES.get(word, word)


def _attention_ops(n: int) -> int:
    return len(tiling.brasp_program(two_tiles(n)).attention_ops)


def _prev_tile_dfa() -> DFA:
    """States ``other`` (the previous symbol is not a tile, or there is none) and ``tile``;
    a ``#`` read in ``other`` has no transition, so it goes to the dead sink."""
    step = {q: {a: "tile" if a in "ab" else "other" for a in PREV_TILE_ALPHABET
                if not (a == "#" and q == "other")} for q in ("other", "tile")}
    return DFA.from_dict(step, "other", {"other", "tile"}, PREV_TILE_ALPHABET)


EXERCISES = (
    ValueExercise(
        "05.gadget-b-default",
        "Gadget B's op B(i) := ▶_j[j<i, Q_#(j) ∧ ¬B_wrap(j) ∧ ¬B_inc(j)] 0 : B_wrap(i) ○ B_inc(i) "
        "needs a connective ○ in its default. The paper prints ∧. Which one makes the program "
        "accept the encodings of correct tilings? Answer \"and\" or \"or\" (the symbols ∧ "
        "and ∨, and any case, are accepted too).",
        expected=_right_connective, normalize=_connective),
    FormulaExercise(
        "05.attention-ops",
        "For the instance with the two tiles a = ⟨0,0,0,0⟩, b = ⟨0,1,0,1⟩ and 2^N columns "
        "(course.nb05.two_tiles(N)), how many attention ops does the Lemma 8 program have? "
        "Give a formula in N (count Gadgets A–E: A has 2N + 3).",
        counted=_attention_ops, at=(1, 2, 3, 4, 5), variable="N",
        measure="number of attention ops"),
    LanguageExercise(
        "05.prev-tile",
        "Over the alphabet {0, 1, #, a, b} (a and b are tiles), write a B-RASP program (strict "
        "future, rightmost ops) that accepts exactly the words in which every # comes right "
        "after a tile: Gadget A's A_T, then the 'for all j ≤ i' aggregator of Gadget A.",
        reference=_prev_tile_dfa(), max_len=3, require=Program, unbounded=True),
)
