"""Solutions to the exercises of notebook 09, and a wrong answer each must reject."""

from __future__ import annotations

import itertools

from constructions import khop


def count_classes(m: int = 3, k: int = 2) -> int:
    """Brute force: the verdict vector (one verdict per query x) of each of the m^m
    tables; equal vectors are the same Myhill–Nerode class."""
    pads = ["#"] * (2 * k)
    return len({tuple(khop.is_member([*table, str(x), *pads], m, k) for x in range(m))
                for table in itertools.product([str(v) for v in range(m)], repeat=m)})


SOLUTIONS = {
    # k = 2^n has n + 1 bits, n of them zero: 5 + (n + 1) + n
    "09.layers-power-of-two": lambda: "2*n + 6",
    "09.distinguishable-tables": count_classes,  # 7: not all 2^3 verdict vectors occur
}

WRONG = {
    "09.layers-power-of-two": lambda: "n + 6",  # forgets the gate layer of each zero bit
    "09.distinguishable-tables": lambda: 2**3,  # assumes every verdict vector occurs
}
