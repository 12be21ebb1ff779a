"""Lemma 8: from a 2^N-tiling instance one builds, in time poly(N), a B-RASP program whose
language is exactly the set of encodings of the instance's tilings; so the program's
language is non-empty iff the instance is solvable.

Lemma 8 of Bergsträßer, Cotterell & Lin, arXiv 2510.19315 (Problem 6 and Lemma 8;
the program is given in the appendix), built by :func:`constructions.tiling.brasp_program`
(Gadgets A–E, with Gadget B's default written ``B_wrap ∨ B_inc``: the paper prints ∧).
The oracle below is written here from the definition and shares no code with the
family's decoder, rule checker or solver: a word is in ``L`` iff it **equals**
``enc(τ)`` for some map ``τ : [2^N] × [M] → T`` satisfying rules 1–5 of Problem 6, where
``enc(τ) = ∏_{j=1..M} ∏_{i=1..2^N} bin_N(i − 1) τ(i, j) #``. The tilings of each height
``M`` are enumerated by backtracking, cell by cell in word order, so no word is parsed.

What is checked:

1. **size, poly(N)** (tile set ``SMALL``, ``K = 2``, built for N = 1..6): the attention
   ops number ``3N + K + 12`` (A: ``2N + 3``, B: ``N + 3``, C: ``K``, D: 3, E: 3, counted
   from the gadget list of the paper), the position-wise ops 5 (``A_enc, C, D_left,
   D_right, Y``), and the description size (expression nodes of all ops) is a quadratic
   in N from N = 2 on, with second difference exactly 7: the only superlinear formula is
   ``B_inc``'s value ``⋁_k (N conjuncts)``, whose k-th disjunct (k = 0..N−1) has
   ``3N + 2 + k`` nodes, ``7N²/2 + 3N/2 + 1`` in all;
2. **language** (instances ``solvable``, N = 1, K = 5, and ``unsolvable``, N = 1, K = 6,
   bundled; ``LADDER``, N = 2, K = 5, defined here): the program (its interpreter) and
   its UHAT (compiled by Lemma 9, compact mode, numpy reference evaluator) accept
   exactly the oracle's members among the candidates: every tiling of at most 3 rows
   (N = 1) or 2 rows (N = 2) and those stacked twice; every grid of horizontally valid
   rows (rules 3, 4) of at most 3 rows (breaking only vertical and border rules); a
   sample of arbitrary grids of at most 2 rows; single-symbol substitutions, deletions
   and insertions of the members and of those grids; random words;
3. **emptiness** (the two bundled N = 1 instances and ``RANDOM_INSTANCES`` random ones):
   the exact automaton of the program (:func:`succinct.exact.future.program_dfa`, all
   words of all lengths) is empty iff the oracle's search over rows finds no tiling;
   otherwise its shortest accepted word is ``enc(τ)`` of a tiling of the smallest height.

Lemma 9 (the UHAT's size) is checked in ``lemma9_brasp_to_uhat``; here the UHAT is only
compared on the words.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from functools import cache

import numpy as np

from constructions import tiling as T
from succinct.exact.future import program_dfa

# A 4-column instance. Only a and d have left 0, b left 1, e left 2, c left 3 (and right
# 0), so the rows are abec and dbec; a has up 1 and d down 1, so the only tiling of at
# most 3 rows is abec/dbec, and the one-row grid abec breaks only the top-row rule.
LADDER = {"N": 2, "names": "abecd", "final": [3, 0, 0, 0],
          "tiles": [[0, 1, 1, 0], [1, 0, 2, 0], [2, 0, 3, 0], [3, 0, 0, 0], [0, 0, 1, 1]]}
SMALL = [[0, 0, 0, 0], [0, 1, 0, 1]]  # the tile set of the size check
SIZE_NS = range(1, 7)
RANDOM_INSTANCES = 4
# candidate words per instance, beyond the members: grids of valid rows, edits, other grids,
# random words (the interpreter takes about 5 ms a word)
NEAR, EDITS, GRID_SAMPLE, NOISE = 40, 30, 20, 8
UHAT_WORDS = 40  # the first words of the candidates, also run through the UHAT


# ====================================================================== the oracle
def _rule_ok(inst: T.Instance, grid: list[list[T.Tile]], i: int, j: int, m: int) -> bool:
    """Rules 2–5 of Problem 6 that involve the cell ``(i, j)`` (0-based column i, row j,
    rows bottom-up) and cells before it in word order; rule 1 and the top row at the end."""
    t = grid[j][i]
    w = inst.columns
    if j == 0 and t.down != 0:  # rule 2, bottom
        return False
    if j == m - 1 and t.up != 0:  # rule 2, top
        return False
    if i == 0 and t.left != 0:  # rule 3, left border
        return False
    if i == w - 1 and t.right != 0:  # rule 3, right border
        return False
    if i > 0 and grid[j][i - 1].right != t.left:  # rule 4
        return False
    return not (j > 0 and grid[j - 1][i].up != t.down)  # rule 5


def tilings(inst: T.Instance, m: int) -> Iterator[tuple[tuple[T.Tile, ...], ...]]:
    """Every ``τ : [2^N] × [m] → T`` satisfying rules 1–5, by backtracking in word order."""
    w = inst.columns
    grid = [[inst.tiles[0]] * w for _ in range(m)]

    def fill(c: int) -> Iterator[tuple[tuple[T.Tile, ...], ...]]:
        if c == w * m:
            if grid[m - 1][w - 1] == inst.final:  # rule 1
                yield tuple(tuple(r) for r in grid)
            return
        j, i = divmod(c, w)
        for t in inst.tiles:
            grid[j][i] = t
            if _rule_ok(inst, grid, i, j, m):
                yield from fill(c + 1)

    return fill(0)


def enc(inst: T.Instance, grid: Sequence[Sequence[T.Tile]]) -> str:
    """``enc(τ)``: each cell is its address in N bits (most significant first), its tile
    and ``#``; rows bottom-up, columns left to right."""
    return "".join(format(i, f"0{inst.N}b") + t.name + "#"
                   for row in grid for i, t in enumerate(row))


@cache
def members(inst: T.Instance, m: int) -> frozenset[str]:
    """The words of ``L`` of height ``m``: ``{enc(τ) : τ a tiling with m rows}``."""
    return frozenset(enc(inst, g) for g in tilings(inst, m))


def in_language(inst: T.Instance, word: str) -> bool:
    """``word ∈ L``: every encoding of height m has length ``(N + 2)·2^N·m``."""
    cell = (inst.N + 2) * inst.columns
    m, rest = divmod(len(word), cell)
    return rest == 0 and m >= 1 and word in members(inst, m)


def row_search(inst: T.Instance) -> int | None:
    """The smallest height of a tiling, or None if there is none: rows satisfying rules
    3, 4; start at rows with every down 0; a row may follow one whose ups are its downs;
    stop at a row with every up 0 ending in ``t_fin``. Finitely many rows: a shortest
    tiling never repeats a row, so the search ends."""
    w = inst.columns
    rows = [r for r in itertools.product(inst.tiles, repeat=w)
            if r[0].left == 0 and r[-1].right == 0
            and all(a.right == b.left for a, b in itertools.pairwise(r))]
    level = [r for r in rows if all(t.down == 0 for t in r)]
    seen = set(level)
    height = 1
    while level:
        if any(r[-1] == inst.final and all(t.up == 0 for t in r) for r in level):
            return height
        nxt = [r2 for r in level for r2 in rows
               if r2 not in seen and all(a.up == b.down for a, b in zip(r, r2, strict=True))]
        seen.update(nxt)
        level = list(dict.fromkeys(nxt))
        height += 1
    return None


# ====================================================================== candidates
def _edits(word: str, symbols: Sequence[str]) -> set[str]:
    """Single-symbol substitutions, deletions and insertions of ``word``."""
    out = set()
    for k in range(len(word) + 1):
        for s in symbols:
            out.add(word[:k] + s + word[k:])
            if k < len(word) and s != word[k]:
                out.add(word[:k] + s + word[k + 1:])
        if k < len(word):
            out.add(word[:k] + word[k + 1:])
    out.discard("")
    return out


def candidates(inst: T.Instance, max_rows: int, rng: random.Random) -> list[str]:
    """The words of check 2 (module docstring), in a fixed order for a fixed ``rng``."""
    w = inst.columns
    symbols = inst.alphabet.symbols
    good = sorted(set().union(*(members(inst, m) for m in range(1, max_rows + 1))))
    good += [x + x for x in good[:3]]
    rows = [r for r in itertools.product(inst.tiles, repeat=w)
            if r[0].left == 0 and r[-1].right == 0
            and all(a.right == b.left for a, b in itertools.pairwise(r))]
    near = [enc(inst, g) for m in range(1, 4) for g in itertools.product(rows, repeat=m)]
    near = near if len(near) <= NEAR else near[:w + 2] + rng.sample(near[w + 2:], NEAR - w - 2)
    anyrow = list(itertools.product(inst.tiles, repeat=w))
    sampled = [enc(inst, [rng.choice(anyrow) for _ in range(rng.randint(1, 2))])
               for _ in range(GRID_SAMPLE)]
    edits = sorted(set().union(*(_edits(x, symbols) for x in good[:4] + near[:4])))
    noise = ["".join(rng.choice(symbols) for _ in range(rng.randint(1, 3 * (inst.N + 2) * w)))
             for _ in range(NOISE)]
    words = good + near + sampled + rng.sample(edits, min(EDITS, len(edits))) + noise
    return list(dict.fromkeys(words))


# ====================================================================== the checks
def check_sizes() -> list[dict]:
    """Check 1: op counts against the gadget list, description size quadratic."""
    rows = []
    k = len(SMALL)
    for n in SIZE_NS:
        inst = T.parse_instance({"N": n, "tiles": SMALL, "final": SMALL[0]})
        program = T.brasp_program(inst)
        attn = len(program.attention_ops)
        local = len(program.ops) - len(inst.alphabet) - attn
        want = (2 * n + 3) + (n + 3) + k + 3 + 3
        assert attn == want, f"N={n}: {attn} attention ops, the gadgets give 3N+K+12 = {want}"
        assert local == 5, f"N={n}: {local} position-wise ops, not 5"
        rows.append({"check": "size", "instance": "SMALL", "N": n, "K": k,
                     "figures": f"{attn} attention ops (3N+K+12 = {want}), {local} "
                                f"position-wise, {program.description_size()} expression "
                                f"nodes, attention depth {program.attention_depth()}",
                     "nodes": program.description_size()})
    sizes = [r.pop("nodes") for r in rows][1:]  # N ≥ 2
    second = [a - 2 * b + c for a, b, c in zip(sizes, sizes[1:], sizes[2:], strict=False)]
    assert second and all(d == 7 for d in second), \
        f"description size {sizes} (N ≥ 2): second differences {second}, expected all 7"
    return rows


def check_language(inst: T.Instance, max_rows: int, seed: int) -> dict:
    """Check 2 on one instance: program and UHAT against the oracle on the candidates."""
    words = candidates(inst, max_rows, random.Random(seed))
    want = np.array([in_language(inst, x) for x in words])
    program = T.brasp_program(inst)
    got = program.accepts(words)
    wrong = [x for x, a, b in zip(words, want, got, strict=True) if a != b]
    assert not wrong, (f"{inst.name}: the Lemma 8 program disagrees with the definition on "
                       f"{len(wrong)} of {len(words)} words, first {wrong[0]!r} (oracle: "
                       f"{'member' if in_language(inst, wrong[0]) else 'not a member'})")
    uhat = T.compiled(inst).model.accepts(words[:UHAT_WORDS], evaluator="reference")
    wrong = [x for x, a, b in zip(words, want, uhat, strict=False) if a != b]
    assert not wrong, f"{inst.name}: the UHAT (Lemma 9) disagrees on {wrong[0]!r}"
    return {"check": "language", "instance": inst.name, "N": inst.N, "K": len(inst.tiles),
            "figures": f"{len(words)} words ({int(want.sum())} members, longest "
                       f"{max(map(len, words))}): the program agrees with the oracle on all, "
                       f"the UHAT on the first {min(UHAT_WORDS, len(words))}"}


def check_emptiness(inst: T.Instance) -> dict:
    """Check 3 on one N = 1 instance: the program's exact automaton against the oracle."""
    dfa, explored = program_dfa(T.brasp_program(inst))
    height = row_search(inst)
    shortest = dfa.shortest_word()
    word = None if shortest is None else dfa.decode(shortest)
    assert (word is None) == (height is None), \
        (f"{inst.name}: the program's language is {'empty' if word is None else 'non-empty'}"
         f" but the instance is {'unsolvable' if height is None else 'solvable'}"
         + ("" if word is None else f" (the program accepts {word!r})"))
    if word is not None:
        assert height is not None and word in members(inst, height), \
            (f"{inst.name}: the program's shortest word {word!r} is not a tiling of the "
             f"smallest height {height}")
    found = ("unsolvable; the program's language is empty" if word is None else
             f"solvable, smallest height {height}; the program's shortest word {word}")
    return {"check": "emptiness", "instance": inst.name, "N": inst.N, "K": len(inst.tiles),
            "figures": f"{found} ({explored} automaton states)"}


def random_instance(rng: random.Random, name: str, planted: bool) -> T.Instance:
    """An N = 1 instance: 2 random tiles with colours in {0, 1, 2}, and, if ``planted``,
    the tiles of a random tiling of 2 columns and 1 or 2 rows (so it is solvable; the
    row search may find a lower one). The final tile is a random tile, or the planted
    tiling's top right one."""
    tiles = {tuple(rng.randrange(3) for _ in range(4)) for _ in range(2)}
    final = rng.choice(sorted(tiles))
    if planted:
        m = rng.randint(1, 2)
        across = [rng.randrange(3) for _ in range(m)]  # right(τ(1, j)) = left(τ(2, j))
        above = [[rng.randint(1, 2) for _ in range(m - 1)] + [0] for _ in range(2)]
        for j in range(m):
            for i in range(2):
                tiles.add((across[j] if i else 0, above[i][j], 0 if i else across[j],
                           above[i][j - 1] if j else 0))
        final = (across[-1], 0, 0, above[1][m - 2] if m > 1 else 0)
    return T.parse_instance({"N": 1, "tiles": [list(t) for t in sorted(tiles)],
                             "final": list(final)}, name)


def check() -> list[dict]:
    rows = check_sizes()
    bundled = [T.load_instance("solvable"), T.load_instance("unsolvable")]
    ladder = T.parse_instance(LADDER, "ladder")
    for seed, (inst, max_rows) in enumerate([(bundled[0], 3), (bundled[1], 3), (ladder, 2)]):
        rows.append(check_language(inst, max_rows, seed))
    rng = random.Random(8)
    extra = [random_instance(rng, f"random{k}", planted=k % 2 == 0)
             for k in range(RANDOM_INSTANCES)]
    rows += [check_emptiness(inst) for inst in bundled + extra]
    solvable = [row_search(inst) is not None for inst in bundled + extra]
    assert any(solvable) and not all(solvable), \
        "the emptiness check saw only solvable or only unsolvable instances"
    return rows
