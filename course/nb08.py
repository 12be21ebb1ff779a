"""Exercises of notebook 08 (word problems): decide aperiodicity of a transformation table.

The expected answers are computed here by brute force, independently of the library's
monoid and holonomy code: every word up to a length long enough to reach every element
of the transition monoid is composed, and each element's powers are iterated until they
repeat.
"""

from __future__ import annotations

import itertools

from succinct.teach import Exercise, ValueExercise

#: The table of both exercises: states 0–3, start 0, accepting {2}. Neither letter alone
#: has a period (a² = a; b's powers settle at b³ = b⁴), but the map of a product does.
TWISTED = {
    "states": ["0", "1", "2", "3"],
    "generators": {"a": {"0": "3", "1": "3", "2": "2", "3": "3"},
                   "b": {"0": "0", "1": "2", "2": "0", "3": "1"}},
    "initial": "0",
    "accepting": ["2"],
}

Map = tuple[int, ...]


def _maps() -> dict[str, Map]:
    return {s: tuple(int(t[str(q)]) for q in range(4)) for s, t in TWISTED["generators"].items()}


def _then(f: Map, g: Map) -> Map:
    """f, then g (a word acts left to right)."""
    return tuple(g[q] for q in f)


def _of(word: tuple[str, ...]) -> Map:
    f: Map = tuple(range(4))
    for s in word:
        f = _then(f, _maps()[s])
    return f


def _period(f: Map) -> int:
    """Length of the cycle the powers f, f², f³, … end in."""
    powers = [f]
    while (nxt := _then(powers[-1], f)) not in powers:
        powers.append(nxt)
    return len(powers) - powers.index(nxt)


def _words(max_len: int):
    for n in range(1, max_len + 1):
        yield from itertools.product(sorted(TWISTED["generators"]), repeat=n)


def _aperiodic() -> bool:
    """Every element of the transition monoid (the closure of the identity under the
    generators: the maps of all words) has period 1."""
    elements = {tuple(range(4))}
    frontier = set(elements)
    while frontier:  # closure under the generators: the whole monoid
        frontier = {_then(f, g) for f in frontier for g in _maps().values()} - elements
        elements |= frontier
    return all(_period(f) == 1 for f in elements)


def _shortest_witness() -> str:
    """The first word in shortlex order whose map has a period > 1."""
    witness = next((w for w in _words(8) if _period(_of(w)) > 1), None)
    assert witness is not None, "no word of length ≤ 8 has a period > 1"
    return "".join(witness)


EXERCISES: tuple[Exercise, ...] = (
    ValueExercise(
        "08.aperiodic",
        "Is the transition monoid of the table TWISTED (course/nb08.py; the notebook "
        "prints it) aperiodic? Answer True or False. Careful: checking the letters alone "
        "is not enough — every element of the monoid, i.e. the map of every word, counts.",
        expected=_aperiodic),
    ValueExercise(
        "08.witness",
        "Give the shortest word (the first in shortlex order, a before b) whose map on "
        "the states of TWISTED has a period p > 1, i.e. w^k ≠ w^(k+1) for every k.",
        expected=_shortest_witness),
)
