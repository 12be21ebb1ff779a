"""Exercises of notebook 09 (k-hop induction heads: pointer chasing, outside the paper's
model)."""

from __future__ import annotations

import itertools

from constructions import khop
from succinct import count_sizes
from succinct.teach import FormulaExercise, ValueExercise

__all__ = ["EXERCISES"]


def layers_for_power_of_two(n: int) -> int:
    """Layers counted on the pointer-doubling transformer for m = 4 and k = 2^n hops."""
    return count_sizes(khop.transformer(4, 2**n)).layers


def distinguishable_tables(m: int = 3, k: int = 2) -> int:
    """Myhill–Nerode classes of the table prefixes ``f(0) … f(m−1)``, by brute force
    over all m^m tables: a table's class is the vector of verdicts on the only suffixes
    that can be accepted, ``x #^(2k)`` for x = 0 … m−1 (every other suffix is rejected
    after any table)."""
    pads = ["#"] * (2 * k)
    signatures = set()
    for table in itertools.product([str(v) for v in range(m)], repeat=m):
        signatures.add(tuple(khop.is_member([*table, str(x), *pads], m, k)
                             for x in range(m)))
    return len(signatures)


EXERCISES = (
    FormulaExercise(
        name="09.layers-power-of-two",
        prompt="The pointer-doubling transformer has 5 fixed layers, one attention layer "
               "per bit of k, and one extra gate layer per zero bit of k. How many layers "
               "does it have for k = 2^n hops, as a formula in n (n ≥ 0)?",
        counted=layers_for_power_of_two, at=(0, 1, 2, 3, 4), variable="n",
        measure="number of layers"),
    ValueExercise(
        name="09.distinguishable-tables",
        prompt="For m = 3 and k = 2 (accept iff f(f(x)) < 2), how many of the 3^3 = 27 "
               "tables f(0) f(1) f(2) are pairwise distinguishable (Myhill–Nerode classes "
               "after reading the table)? Only the suffixes x#### (x = 0, 1, 2) can be "
               "accepted, so two tables are equivalent iff they give the same verdict for "
               "every query x. (Count them with a loop over the 27 tables.)",
        expected=distinguishable_tables, unit="classes"),
)
