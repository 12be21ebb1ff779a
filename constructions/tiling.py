"""The family ``tiling``: Lemma 8 of the paper for any 2^N-tiling instance (§4.2–4.3 of
our notes).

**Problem 6 (2^N-tiling).** A tile is ``t = ⟨left, up, right, down⟩ ∈ ℕ₀⁴``; an instance
is ``(N, T, t_fin)`` with ``N`` in unary. A tiling of height ``M ≥ 1`` is a map
``τ : [2^N] × [M] → T`` (column ``i``, row ``j``, rows counted bottom-up) with

1. ``τ(2^N, M) = t_fin``;
2. ``down(τ(i, 1)) = up(τ(i, M)) = 0`` for every column ``i``;
3. ``left(τ(1, j)) = right(τ(2^N, j)) = 0`` for every row ``j``;
4. ``right(τ(i, j)) = left(τ(i+1, j))``;
5. ``up(τ(i, j)) = down(τ(i, j+1))``.

**Encoding.** ``Σ = {0, 1, #} ∪ T`` (each tile is named by one ASCII letter). A cell is
``enc(i, j) = bin_N(i − 1) τ(i, j) #`` with the address written most significant bit
first, and a tiling is the word ``enc(1,1) ⋯ enc(2^N,1) enc(1,2) ⋯ enc(2^N,M)`` (rows
bottom-up, columns left to right), of length ``(N + 2)·2^N·M``. The language ``L`` of
the instance is the set of encodings of its tilings, so ``L ≠ ∅`` iff the instance is
solvable (Lemma 8).

**Instance files (JSON).** One object with the fields

* ``"N"`` — integer, ``1 ≤ N ≤ 12`` (``N = 0`` has a single column, which the top-row
  gadget below cannot see; see *Changes*);
* ``"tiles"`` — a non-empty list of distinct tiles, each a list
  ``[left, up, right, down]`` of non-negative integers;
* ``"final"`` — the final tile ``t_fin`` as ``[left, up, right, down]``; it must be one
  of ``"tiles"``;
* ``"names"`` (optional) — a string with one ASCII letter per tile, the tile's symbol in
  words (default ``abc…zABC…Z``, so at most 52 tiles);
* ``"comment"`` (optional) — a string or a list of strings (free text);
* ``"answer"`` (optional) — the known answer, derived by hand:
  ``{"solvable": bool, "rows": smallest M, "first_row": "ab", "last_row": "cd"}`` (rows
  as strings of tile names). Only the tests read it.

Bundled instances (``constructions/data``), selected by name with
``-p instance=solvable``; each file's ``"comment"`` derives its answer:

* ``solvable`` — ``N = 1``, 5 tiles, unique smallest tiling ``ab/cd`` (2 rows);
* ``unsolvable`` — ``N = 1``, 6 tiles; the final tile has ``down = 2`` and no tile has
  ``up = 2``, while the rows ``ab, cd, cd, …`` stack without end;
* ``large`` — ``N = 2``, 14 tiles simulating a 4-bit binary counter: every tiling has a
  multiple of 16 rows, the smallest exactly 16 (a word of 256 symbols).

**B-RASP program (Lemma 8).** Every attention op is ``▶_j[j < i, S(j) ∧ ⋀_k
P_k(i) ↔ P_k(j)] V(i, j) : D(i)`` (strict future, rightmost; Lemma 9's special form). We
write ``bit = Q_0 ∨ Q_1``, ``tile = ⋁_t Q_t``, ``first = ⋀_k ¬B_k``, ``last = ⋀_k B_k``,
``X_c = ⋁_{t : c(t)} T_t`` for a condition ``c`` on tiles, and "all-before(φ)" for the
aggregator ``▶_j[j < i, Q_#(j) ∧ ¬φ(j)] 0 : φ(i)`` (φ holds at every # up to ``i``).

* Gadget A (shape ``({0,1}^N T #)^*``): ``A_T = ▶[1] tile(j) : 0`` (the previous symbol
  is a tile); ``A_bit_1 = ▶[1] bit(j) : 0``, ``A_bit_k = ▶[1] A_bit_{k−1}(j) : 0`` (the
  symbol ``k`` back is a bit); ``A_hash_1 = ▶[1] Q_#(j) : 1``, ``A_hash_k = ▶[1]
  A_hash_{k−1}(j) : 1`` (``k`` back is ``#`` or before the word); ``A_enc = (Q_# → A_T) ∧
  (tile → ⋀_{k≤N} A_bit_k ∧ A_hash_{N+1})``; ``A = ▶[¬A_enc(j)] 0 : A_enc`` (over all
  positions).
* Gadget B (addresses ``0, 1, …, 2^N − 1, 0, …``): ``B_1 = ▶[bit(j)] Q_1(j) : 0``,
  ``B_k = ▶[bit(j)] B_{k−1}(j) : 0``, so at a ``#`` ``B_k`` is bit ``k`` of the address
  (``B_1`` least significant); ``B_inc = ▶[Q_#(j)] ⋁_k (⋀_{r<k} ¬B_r(i) ∧ B_r(j)) ∧
  B_k(i) ∧ ¬B_k(j) ∧ ⋀_{r>k} B_r(i) ↔ B_r(j) : 0`` (this address is the previous plus
  one); ``B_wrap = ▶[Q_#(j)] ⋀_k ¬B_k(i) ∧ B_k(j) : first(i)`` (wrap-around, and the first
  address is 0); ``B = ▶[Q_#(j) ∧ ¬B_wrap(j) ∧ ¬B_inc(j)] 0 : B_wrap ∨ B_inc``.
* Gadget C (final tile): ``T_t = ▶[tile(j)] Q_t(j) : 0`` (at a ``#``: this cell's tile
  is ``t``); ``C = Q_# ∧ T_{t_fin} ∧ last``.
* Gadget D (borders): ``D_bot = ▶[Q_#(j) ∧ B(i) = B(j)] 1 : X_{down=0}`` (a cell with no
  earlier cell at its address is in the bottom row); ``D_top = ▶[Q_#(j) ∧
  (X_{up≠0}(j) ∨ first(j))] (first(j) ∧ X_{up=0}(j)) ∧ X_{up=0}(i) : 0``;
  ``D_left = first → X_{left=0}``; ``D_right = last → X_{right=0}``; ``D = ▶[Q_#(j) ∧
  ¬(D_bot ∧ D_left ∧ D_right)(j)] 0 : D_bot ∧ D_top ∧ D_left ∧ D_right``. ``D_top`` is
  read only at the last position, through ``D``'s default.
* Gadget E (matching edges): ``E_left = ▶[Q_#(j)] (⋁_k B_k(i)) → ⋁_{left(t) =
  right(t')} T_t(i) ∧ T_{t'}(j) : 1``; ``E_down = ▶[Q_#(j) ∧ B(i) = B(j)]
  ⋁_{down(t) = up(t')} T_t(i) ∧ T_{t'}(j) : 1`` (the latest earlier cell with the same
  address is the cell below: the key trick); ``E = all-before(E_down ∧ E_left)``.
* Accept iff ``Y = A ∧ B ∧ C ∧ D ∧ E`` holds at the last position.

**Changes to the paper's text.** (1) ``B``'s default is ``B_wrap ∨ B_inc``: the
conversions print ∧, which rejects every word because the two are exclusive. (2)
``D_top`` is garbled in the conversions; we use the reconstruction of our notes: at the
last position (column ``2^N``) the latest earlier cell that is a row start or has
``up ≠ 0`` must be the start of the current row, with ``up = 0``, and the current cell
has ``up = 0``; so every cell of the top row has ``up = 0``. It needs a row start
strictly before the last cell, hence ``N ≥ 1``. No other change was needed: the tests
compare the program with :func:`reference` (plain Python: decode, then rules 1–5) on
members, mutants and random grids, and, beyond any length bound, compare its automaton
(:func:`succinct.exact.future.program_dfa`) with the hand-written :func:`tiling_dfa` for
the ``N = 1`` bundled instances and random ones.

**Models.** ``reference`` (:func:`reference`), ``brasp`` (:func:`brasp_program`),
``uhat`` (:func:`compiled`, ``-p mode=ffn|lemma9``) and ``dfa`` (:func:`tiling_dfa`:
reads the rows left to right remembering the up colours of the row below; minimized).
The members are the encoding of the smallest tiling :func:`solve` finds.

**Sizes.** With ``K = |T|``: ``|Σ| = K + 3``; attention ops ``3N + K + 12`` (A: ``2N +
3``, B: ``N + 3``, C: ``K``, D: 3, E: 3); position-wise ops 5 (``A_enc, C, D_left,
D_right, Y``); predicates ``Π = 3N + 2K + 20``; attention depth ``N + 2`` (``B_N``
chains ``N`` hops, then ``B_inc``, then ``B``). The largest formula is ``B_inc``'s value
(``Θ(N²)`` nodes); ``E_left``/``E_down`` have ``O(K²)``. The compiled UHAT's sizes are
counted on its arrays and recomputed from the compiler's per-op formulas
(:func:`succinct.compiler.costs.compiled_totals`); the tests check the two agree.
Gadgets A and B are the shared ones of :mod:`constructions.gadgets`.

**Oracle.** :func:`solve` searches rows: a row is a horizontally valid sequence of
``2^N`` tiles (rules 3, 4); a breadth-first search from the bottom rows (rule 2, downs)
along vertically matching rows (rule 5) finds the smallest ``M`` whose row can be the
top one (ups 0, last tile ``t_fin``). The row graph is finite, so an exhausted search
proves unsolvability; ``max_rows`` bounds the depth (result ``"unknown"`` beyond it).
"""

from __future__ import annotations

import json
import string
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import sympy as sp

from constructions.gadgets import address, gadget_a, gadget_b
from succinct.automata.dfa import DFA, dfa_from_transition_function
from succinct.compiler.brasp_to_uhat import MODES, CompiledProgram, Mode, compile_program
from succinct.compiler.costs import compiled_report
from succinct.programs.brasp import FALSE, TRUE, Expr, Program, ProgramBuilder, Ref, all_of, any_of
from succinct.recognizer import Predicate
from succinct.registry import Family, Param, register
from succinct.sizes import N as N_sym
from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError

__all__ = [
    "Tile", "Instance", "TilingError", "SolverResult", "N_MAX", "K",
    "parse_instance", "load_instance", "bundled_instances", "encode_tiling", "decode",
    "violation", "explain", "reference", "valid_rows", "solve", "tiling_dfa", "brasp_program",
    "compiled", "program_formulas",
]

N_MAX = 12
DEFAULT_NAMES = string.ascii_lowercase + string.ascii_uppercase
SEPARATORS = ("0", "1", "#")
K = sp.Symbol("K", positive=True, integer=True)  # |T|, the number of tiles


class TilingError(SuccinctError):
    """A malformed tiling instance, tiling or word."""


# ====================================================================== instances
@dataclass(frozen=True)
class Tile:
    """A tile ``⟨left, up, right, down⟩`` and its one-letter symbol."""

    name: str
    left: int
    up: int
    right: int
    down: int

    @property
    def colours(self) -> tuple[int, int, int, int]:
        return (self.left, self.up, self.right, self.down)

    def __str__(self) -> str:
        return f"{self.name}=⟨{self.left},{self.up},{self.right},{self.down}⟩"


@dataclass(frozen=True)
class Instance:
    """A 2^N-tiling instance ``(N, T, t_fin)`` (Problem 6)."""

    N: int
    tiles: tuple[Tile, ...]
    final: Tile
    name: str = ""
    answer: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def columns(self) -> int:
        return 2**self.N

    @property
    def alphabet(self) -> Alphabet:
        """``{0, 1, #} ∪ T`` (separators first, then the tiles in file order)."""
        return Alphabet.of(SEPARATORS + tuple(t.name for t in self.tiles))

    def tile(self, name: str) -> Tile:
        for t in self.tiles:
            if t.name == name:
                return t
        raise TilingError(
            f"unknown tile {name!r}: the tiles are {', '.join(t.name for t in self.tiles)}"
        )

    def __str__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return (f"{label}N={self.N} ({self.columns} columns), tiles "
                f"{' '.join(map(str, self.tiles))}, final {self.final.name}")


def _colours(raw: Any, what: str) -> tuple[int, int, int, int]:
    if not isinstance(raw, list) or len(raw) != 4:
        raise TilingError(f"{what} must be a list [left, up, right, down], got {raw!r}")
    for side, c in zip(("left", "up", "right", "down"), raw, strict=True):
        if isinstance(c, bool) or not isinstance(c, int):
            raise TilingError(f"{what}: colour {side} must be an integer, got {c!r}")
        if c < 0:
            raise TilingError(f"{what}: colour {side} is {c}, but colours are in ℕ₀ (≥ 0)")
    return tuple(raw)  # type: ignore[return-value]


def parse_instance(data: Any, name: str = "") -> Instance:
    """Validates a decoded JSON object (see the module docstring) into an :class:`Instance`.

    Raises:
        TilingError: naming the first field that is missing or wrong.
    """
    where = f"instance {name}: " if name else ""
    if not isinstance(data, dict):
        raise TilingError(f"{where}the instance must be a JSON object, got {type(data).__name__}")
    known = {"N", "tiles", "final", "names", "comment", "answer"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise TilingError(f"{where}unknown field(s) {', '.join(unknown)} "
                          f"(fields: {', '.join(sorted(known))})")
    for key in ("N", "tiles", "final"):
        if key not in data:
            raise TilingError(f"{where}missing field {key!r}")
    n = data["N"]
    if isinstance(n, bool) or not isinstance(n, int):
        raise TilingError(f"{where}N must be an integer (written in unary in the paper), "
                          f"got {n!r}")
    if not 1 <= n <= N_MAX:
        raise TilingError(f"{where}N={n} is out of range [1, {N_MAX}] (2^N columns; N ≥ 1 "
                          "so that the top row has a start before its last cell)")
    raw_tiles = data["tiles"]
    if not isinstance(raw_tiles, list) or not raw_tiles:
        raise TilingError(f"{where}tiles must be a non-empty list of [left, up, right, down]")
    names = data.get("names", DEFAULT_NAMES[: len(raw_tiles)])
    if not isinstance(names, str):
        raise TilingError(f"{where}names must be a string of one letter per tile")
    if len(raw_tiles) > len(DEFAULT_NAMES):
        raise TilingError(f"{where}{len(raw_tiles)} tiles, but at most "
                          f"{len(DEFAULT_NAMES)} can be named with ASCII letters")
    if len(names) != len(raw_tiles):
        raise TilingError(f"{where}names has {len(names)} letters for {len(raw_tiles)} tiles")
    for ch in names:
        if ch not in DEFAULT_NAMES:
            raise TilingError(f"{where}tile name {ch!r} is not an ASCII letter (0, 1 and # "
                              "are taken by the encoding)")
    if len(set(names)) != len(names):
        raise TilingError(f"{where}tile names repeat: {names!r}")
    tiles: list[Tile] = []
    seen: dict[tuple[int, ...], str] = {}
    for k, (ch, raw) in enumerate(zip(names, raw_tiles, strict=True)):
        cols = _colours(raw, f"{where}tile {k} ({ch})")
        if cols in seen:
            raise TilingError(f"{where}tile {ch} repeats tile {seen[cols]} {list(cols)}")
        seen[cols] = ch
        tiles.append(Tile(ch, *cols))
    final = _colours(data["final"], f"{where}final tile")
    if final not in seen:
        raise TilingError(f"{where}the final tile {list(final)} is not one of the tiles")
    answer = data.get("answer")
    if answer is not None and not isinstance(answer, dict):
        raise TilingError(f"{where}answer must be an object, got {answer!r}")
    return Instance(n, tuple(tiles), tiles[list(seen).index(final)], name, answer)


def bundled_instances() -> list[str]:
    """Names of the instances shipped in ``constructions/data``."""
    folder = resources.files("constructions") / "data"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load_instance(spec: str) -> Instance:
    """An instance from a JSON file path, or the name of a bundled instance."""
    path = Path(spec)
    if path.is_file():
        text, name = path.read_text(encoding="utf-8"), path.stem
    elif spec in bundled_instances():
        text = (resources.files("constructions") / "data" / f"{spec}.json").read_text(
            encoding="utf-8")
        name = spec
    else:
        raise TilingError(f"no instance file {spec!r} (bundled instances: "
                          f"{', '.join(bundled_instances())})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TilingError(f"instance {name} is not valid JSON: {e}") from None
    return parse_instance(data, name)


# ====================================================================== words
def encode_tiling(instance: Instance, rows: Sequence[str]) -> str:
    """The word of a grid: ``rows`` bottom-up, each a string of ``2^N`` tile names.

    Only the shape is checked here, not rules 1–5 (see :func:`violation`).
    """
    if not rows:
        raise TilingError("a tiling has at least one row")
    names = {t.name for t in instance.tiles}
    out = []
    for j, row in enumerate(rows):
        if len(row) != instance.columns:
            raise TilingError(f"row {j + 1} has {len(row)} tiles, expected {instance.columns}")
        for i, t in enumerate(row):
            if t not in names:
                raise TilingError(f"row {j + 1}, column {i + 1}: unknown tile {t!r}")
            out.append(f"{i:0{instance.N}b}{t}#")
    return "".join(out)


def decode(instance: Instance, word: str | Sequence[str]) -> tuple[str, ...]:
    """The grid of a well-shaped word (rows bottom-up), or a :class:`TilingError` saying
    what is wrong: shape ``({0,1}^N T #)^+``, addresses ``0, 1, …`` and whole rows."""
    symbols = list(word)
    names = {t.name for t in instance.tiles}
    if not symbols or symbols[-1] != "#":
        raise TilingError("the word does not end with #")
    cells = "".join(symbols).split("#")[:-1]
    tiles = []
    for c, cell in enumerate(cells):
        if len(cell) != instance.N + 1 or any(s not in "01" for s in cell[:-1]) \
                or cell[-1] not in names:
            raise TilingError(f"cell {c + 1} is {cell + '#'!r}, not N={instance.N} bits, a "
                              "tile and #")
        address = int(cell[:-1], 2)
        if address != c % instance.columns:
            raise TilingError(f"cell {c + 1} has address {address}, expected "
                              f"{c % instance.columns}")
        tiles.append(cell[-1])
    if len(tiles) % instance.columns:
        raise TilingError(f"the last row has {len(tiles) % instance.columns} of "
                          f"{instance.columns} cells")
    w = instance.columns
    return tuple("".join(tiles[r:r + w]) for r in range(0, len(tiles), w))


def violation(instance: Instance, rows: Sequence[str]) -> str | None:
    """The first of Problem 6's rules 1–5 that the grid breaks, or ``None``."""
    grid = [[instance.tile(t) for t in row] for row in rows]
    m, w = len(grid), instance.columns
    if grid[-1][-1] != instance.final:
        return f"rule 1: the top right tile is {grid[-1][-1].name}, not {instance.final.name}"
    for i in range(w):
        if grid[0][i].down != 0:
            return f"rule 2: bottom row, column {i + 1} has down {grid[0][i].down}"
        if grid[-1][i].up != 0:
            return f"rule 2: top row, column {i + 1} has up {grid[-1][i].up}"
    for j in range(m):
        if grid[j][0].left != 0:
            return f"rule 3: row {j + 1} starts with left {grid[j][0].left}"
        if grid[j][-1].right != 0:
            return f"rule 3: row {j + 1} ends with right {grid[j][-1].right}"
        for i in range(w - 1):
            if grid[j][i].right != grid[j][i + 1].left:
                return f"rule 4: row {j + 1}, columns {i + 1}-{i + 2} do not match"
    for j in range(m - 1):
        for i in range(w):
            if grid[j][i].up != grid[j + 1][i].down:
                return f"rule 5: column {i + 1}, rows {j + 1}-{j + 2} do not match"
    return None


def explain(instance: Instance, word: str | Sequence[str]) -> str | None:
    """Why ``word`` is not the encoding of a tiling, or ``None`` when it is one."""
    try:
        rows = decode(instance, word)
    except TilingError as e:
        return str(e)
    return violation(instance, rows)


def reference(instance: Instance) -> Predicate:
    """The reference recognizer: decode, then check rules 1–5 (plain Python)."""
    return Predicate(instance.alphabet, lambda w: explain(instance, w) is None,
                     name=f"tiling {instance.name}".strip())


# ====================================================================== solver
@dataclass(frozen=True)
class SolverResult:
    """The brute-force answer: ``status`` and, when solvable, a smallest tiling."""

    status: Literal["solvable", "unsolvable", "unknown"]
    rows: tuple[str, ...] | None
    max_rows: int
    explored: int  # distinct rows visited by the search

    @property
    def height(self) -> int | None:
        return None if self.rows is None else len(self.rows)


def valid_rows(instance: Instance, limit: int = 200_000) -> list[tuple[Tile, ...]]:
    """All horizontally valid rows (rules 3, 4), in lexicographic order of tiles."""
    by_left: dict[int, list[Tile]] = defaultdict(list)
    for t in instance.tiles:
        by_left[t.left].append(t)
    w = instance.columns
    out: list[tuple[Tile, ...]] = []

    def extend(prefix: list[Tile]) -> None:
        if len(prefix) == w:
            if prefix[-1].right == 0:
                if len(out) >= limit:
                    raise TilingError(
                        f"the brute-force solver stops at {limit} horizontally valid rows; "
                        f"this instance (N={instance.N}, {len(instance.tiles)} tiles) has more"
                    )
                out.append(tuple(prefix))
            return
        for t in by_left[prefix[-1].right if prefix else 0]:
            prefix.append(t)
            extend(prefix)
            prefix.pop()

    extend([])
    return out


def solve(instance: Instance, max_rows: int = 64, max_row_states: int = 200_000) -> SolverResult:
    """Brute force: breadth-first search over rows (see the module docstring).

    Args:
        instance: the tiling instance.
        max_rows: the largest height ``M`` tried; beyond it the answer is ``"unknown"``.
        max_row_states: refuse instances with more horizontally valid rows than this.
    """
    if max_rows < 1:
        raise TilingError(f"max_rows must be ≥ 1, got {max_rows}")
    rows = valid_rows(instance, max_row_states)
    by_down: dict[tuple[int, ...], list[tuple[Tile, ...]]] = defaultdict(list)
    for r in rows:
        by_down[tuple(t.down for t in r)].append(r)
    level = by_down.get((0,) * instance.columns, [])
    parent: dict[tuple[Tile, ...], tuple[Tile, ...] | None] = dict.fromkeys(level)

    def is_top(r: tuple[Tile, ...]) -> bool:
        return r[-1] == instance.final and all(t.up == 0 for t in r)

    for _ in range(max_rows):
        for r in level:
            if is_top(r):
                path: list[tuple[Tile, ...]] = []
                node: tuple[Tile, ...] | None = r
                while node is not None:
                    path.append(node)
                    node = parent[node]
                names = tuple("".join(t.name for t in x) for x in reversed(path))
                return SolverResult("solvable", names, max_rows, len(parent))
        nxt = []
        for r in level:
            for r2 in by_down.get(tuple(t.up for t in r), []):
                if r2 not in parent:
                    parent[r2] = r
                    nxt.append(r2)
        if not nxt:
            return SolverResult("unsolvable", None, max_rows, len(parent))
        level = nxt
    return SolverResult("unknown", None, max_rows, len(parent))


# ====================================================================== DFA
def tiling_dfa(instance: Instance, max_states: int = 200_000) -> DFA:
    """A DFA for ``L`` read left to right, minimized.

    State inside a row: the up colours of the row below (``None`` in the bottom row),
    the column, the up colours of this row so far, the previous cell's right colour,
    the address bits read and the tile read. At a row boundary it accepts iff the row
    just finished can be the top one (all ups 0, last tile ``t_fin``). Any violation
    goes to an absorbing dead state.
    """
    w, n = instance.columns, instance.N
    by_name = {t.name: t for t in instance.tiles}
    dead = "dead"
    # (below, column, ups so far, previous right, bits read, tile, accepting)
    start = (None, 0, (), None, 0, None, False)

    def step(state: Any, a: str) -> Any:
        if state == dead:
            return dead
        below, col, ups, prev_right, k, tile, _ = state
        if k < n:  # address bit k (most significant first)
            want = "1" if (col >> (n - 1 - k)) & 1 else "0"
            return (below, col, ups, prev_right, k + 1, None, False) if a == want else dead
        if tile is None:
            t = by_name.get(a)
            if t is None or t.left != (0 if col == 0 else prev_right) \
                    or t.down != (0 if below is None else below[col]) \
                    or (col == w - 1 and t.right != 0):
                return dead
            return (below, col, ups, prev_right, k, a, False)
        if a != "#":
            return dead
        t = by_name[tile]
        if col < w - 1:
            return (below, col + 1, ups + (t.up,), t.right, 0, None, False)
        row = ups + (t.up,)
        return (row, 0, (), None, 0, None, t == instance.final and not any(row))

    return dfa_from_transition_function(instance.alphabet.symbols, start, step,
                                        lambda q: q != dead and q[-1],
                                        max_states=max_states).minimize()


# ====================================================================== B-RASP
def brasp_program(instance: Instance) -> Program:
    """The Lemma 8 program of Gadgets A–E (module docstring; A and B are
    :mod:`constructions.gadgets`), all ops strict-future and rightmost, in Lemma 9's
    special form."""
    p = ProgramBuilder(instance.alphabet)
    n = instance.N
    tiles = instance.tiles
    sep = p.Q("#")
    q = {t.name: p.Q(t.name) for t in tiles}
    any_tile = any_of(q.values())

    def attend(name: str, score: Expr | bool, value: Expr | bool, default: Expr | bool,
               keys: Sequence[Ref] = ()) -> Ref:
        return p.attend(name, mask="future", tie="right", score=score, value=value,
                        default=default, keys=keys)

    # Gadget A: the shape ({0,1}^N T #)^*; Gadget B: the address counter.
    a_ok = gadget_a(p, tuple(t.name for t in tiles), n)
    b = address(p, n)
    first = all_of(~x for x in b)
    last = all_of(b)
    b_ok = gadget_b(p, b)

    # Gadget C: the cell's tile, and the final tile in the last column.
    tt = {t.name: attend(f"T_{t.name}", any_tile.j, q[t.name].j, FALSE) for t in tiles}
    c_ok = p.local("C", sep & tt[instance.final.name] & last)

    def having(cond) -> Expr:
        return any_of(tt[t.name] for t in tiles if cond(t))

    # Gadget D: borders (D_top is the reconstruction of our notes).
    d_bot = attend("D_bot", sep.j, TRUE, having(lambda t: t.down == 0), keys=b)
    up0 = having(lambda t: t.up == 0)
    d_top = attend("D_top", sep.j & (having(lambda t: t.up != 0).j | first.j),
                   first.j & up0.j & up0, FALSE)
    d_left = p.local("D_left", first.implies(having(lambda t: t.left == 0)))
    d_right = p.local("D_right", last.implies(having(lambda t: t.right == 0)))
    borders = d_bot & d_left & d_right
    d_ok = attend("D", sep.j & ~borders.j, FALSE, borders & d_top)

    # Gadget E: matching edges with the previous cell and the cell below.
    h_match = any_of(tt[t.name] & tt[u.name].j for t in tiles for u in tiles
                     if t.left == u.right)
    e_left = attend("E_left", sep.j, any_of(b).implies(h_match), TRUE)
    v_match = any_of(tt[t.name] & tt[u.name].j for t in tiles for u in tiles
                     if t.down == u.up)
    e_down = attend("E_down", sep.j, v_match, TRUE, keys=b)
    e_ok = attend("E", sep.j & ~(e_down & e_left).j, FALSE, e_down & e_left)

    y = p.local("Y", a_ok & b_ok & c_ok & d_ok & e_ok)
    return p.build(y)


def program_formulas() -> dict[str, sp.Expr]:
    """The B-RASP program's sizes in ``N`` and ``K = |T|`` (derived in the docstring)."""
    return {
        "symbols": K + 3,
        "attention_ops": 3 * N_sym + K + 12,
        "local_ops": sp.Integer(5),
        "predicates": 3 * N_sym + 2 * K + 20,
        "attention_depth": N_sym + 2,
    }


def compiled(instance: Instance, mode: Mode = "compact") -> CompiledProgram:
    """The program compiled to a UHAT by Lemma 9 (``mode``: one of
    :data:`succinct.compiler.brasp_to_uhat.MODES`)."""
    return compile_program(brasp_program(instance), mode)


# ====================================================================== registry
@cache
def _instance(spec: str) -> Instance:
    return load_instance(spec)


def _compiled(p: Mapping[str, Any]) -> CompiledProgram:
    return _compiled_cached(p["instance"], p["mode"])


@cache
def _compiled_cached(spec: str, mode: Mode) -> CompiledProgram:
    return compile_program(_program(spec), mode)


def members(p: Mapping[str, Any]) -> Iterator[str]:
    """The encoding of the smallest tiling the solver finds (none if unsolvable)."""
    inst = _instance(p["instance"])
    result = solve(inst, max_rows=p["max_rows"])
    if result.status == "unknown":
        raise TilingError(f"no tiling of at most {result.max_rows} rows; whether one exists "
                          "is unknown (raise -p max_rows=...)")
    if result.rows is not None:
        yield encode_tiling(inst, result.rows)


def sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Sizes of every model: formulas in N and K = |T| for the program, counted ones
    (with the compiler's per-op formulas) for the UHAT, the minimal DFA's states."""
    inst = _instance(p["instance"])
    subs = {N_sym: inst.N, K: len(inst.tiles)}
    formulas = program_formulas()
    values = {key: int(f.subs(subs)) for key, f in formulas.items()}
    return {
        "brasp": _program(p["instance"]).size_report().with_(formulas=formulas,
                                                             formula_values=values),
        "uhat": compiled_report(_compiled(p)),
        "dfa": _dfa(p["instance"]).size_report().with_(
            notes={"dfa_states": "counted after minimization (complete DFA)"}),
    }


@cache  # built once for the sizes and the models
def _program(spec: str) -> Program:
    return brasp_program(_instance(spec))


@cache  # built once for the sizes and the models
def _dfa(spec: str) -> DFA:
    return tiling_dfa(_instance(spec))


register(Family(
    name="tiling",
    description="encodings of the tilings of a 2^N-tiling instance (Lemma 8, Gadgets A-E)",
    params=(
        Param("instance", str, default="solvable",
              help=f"JSON file, or a bundled instance ({', '.join(bundled_instances())})"),
        Param("mode", str, default="compact", choices=MODES,
              help="compile mode of the uhat model"),
        Param("max_rows", int, default=64, low=1, high=100_000,
              help="height bound of the brute-force solver (members)"),
    ),
    alphabet=lambda p: _instance(p["instance"]).alphabet,
    models={
        "reference": lambda p: reference(_instance(p["instance"])),
        "brasp": lambda p: _program(p["instance"]),
        "uhat": lambda p: _compiled(p).model,
        "dfa": lambda p: _dfa(p["instance"]),
    },
    members=members,
    sizes=sizes,
    atlas=lambda full: [{"instance": i} for i in ("solvable", "unsolvable", "large")[
        : 3 if full else 2]],
    model_help={"reference": "decode the word, check rules 1-5 of Problem 6",
                "brasp": "Lemma 8 program (Gadgets A-E, strict future, rightmost)",
                "uhat": "the program compiled by Lemma 9",
                "dfa": "minimal DFA (rows checked left to right, the row below remembered)"},
))
