"""Krohn–Rhodes for aperiodic automata: the holonomy decomposition into a reset cascade.

Input: a complete DFA, read as the semiautomaton ``(Q, Σ, δ)`` with an initial state and
accepting states; words act on the right, ``P·w = {δ(p, w) : p ∈ P}``. Output: a
:class:`succinct.programs.cascade.Cascade` of reset semiautomata that *covers* it (a map
φ from its reachable state tuples onto the states the DFA reaches with ``φ(c·σ) =
δ(φ(c), σ)``), so both accept the same words. We follow the holonomy method of Eilenberg
and Zeiger in the form of A. Egri-Nagy and C. L. Nehaniv, "Computational holonomy
decomposition of transformation semigroups" (arXiv:1508.06345, the algorithm of
SgpDec), specialised to aperiodic monoids as in O. Maler, "On the Krohn–Rhodes cascaded
decomposition theorem" (2010): every holonomy group is trivial, so every level is a
reset semiautomaton.

Objects (all computed by breadth-first search)
----------------------------------------------
* **Image sets** ``I = {Q} ∪ {Q·w : w ∈ Σ⁺} ∪ {{q} : q ∈ Q}``; ``I`` is closed under the
  action.
* **Subduction** ``P ≤ R`` iff ``P ⊆ R·w`` for some ``w ∈ Σ*``; ``P ≡ R`` iff both ways
  (then ``|P| = |R|`` and ``P = R·w``, ``R = P·v``); ``P < R`` iff ``P ≤ R`` and not
  ``R ≤ P``.
* **Height** ``h({q}) = 0``; for ``|P| > 1``: ``h(P) = 1 + max{h(R) : R ∈ I, R < P}``
  (at least 1, as ``{p} < P``). ``≡``-equivalent sets have equal heights, ``P·w`` has
  height ``≤ h(P)``, and ``H = h(Q)`` is the number of levels.
* **Tiles** of ``|P| > 1``: the maximal members of ``I`` properly inside ``P``; every
  ``q ∈ P`` lies in one (the singletons are in ``I``), and ``h(T) < h(P)``.
* **Representatives**: one per ``≡``-class of non-singletons (``Q`` is its own class),
  and for ``P ≡ R = rep(P)`` the bijection ``g_P: R → P`` of a word ``u`` with
  ``R·u = P``. *Aperiodicity makes it unique:* if ``u, u'`` both map ``R`` onto ``P`` and
  ``v`` maps ``P`` onto ``R``, then ``uv`` permutes ``R``; an element ``x`` of an
  aperiodic monoid has ``x^k = x^{k+1}``, so a permutation it induces is the identity,
  and ``u|_R = v|_P^{-1} = u'|_R``. ``g_P`` maps the tiles of ``R`` onto the tiles of
  ``P`` (it and its inverse preserve ``I`` and strict inclusion).

Cascade
-------
One reset component per height ``k = H, …, 1`` (top first). A cascade state ``(x_H, …,
x_1)`` encodes a chain ``Q = C_0 ⊋ C_1 ⊋ … ⊋ C_m = {q}``, each ``C_{j+1}`` a tile of
``C_j``, in representative coordinates: decoding top-down from ``P = Q``, at level ``k``
with ``h(P) = k`` the state ``x_k = (rep(P), X)`` names a tile ``X`` of ``rep(P)`` and
``P := g_P(X)``; at a level ``k > h(P)`` the chain skips it and ``x_k = *`` (don't
care). At the bottom ``P = {q}`` and ``φ(x) = q``.

Reading ``σ``: walk the levels top-down with ``A`` (the old chain's current set) and
``B`` (the new chain's), both ``Q`` at the top, keeping ``A·σ ⊆ B``. At level ``k``
(``h(A), h(B) ≤ k`` by construction):

1. ``h(B) < k``: ``x'_k = *`` (a reset, unless ``x_k`` is already ``*``: keep).
2. ``h(A) = k`` and ``A·σ = B``: then ``B ≤ A`` with equal heights, so ``B ≡ A``, and
   the new tile ``g_A(X)·σ`` in ``B``'s coordinates is ``X`` moved by the permutation
   ``g_A σ g_B^{-1}`` of ``rep(A)``, the identity by aperiodicity: ``x'_k = x_k``
   (**identity**). ``A := g_A(X)``, ``B := g_A(X)·σ``.
3. otherwise ``A·σ ⊊ B`` (it is in ``I``), so some tile of ``B`` contains it; take the
   first (tiles in a fixed order) in ``rep(B)``'s coordinates: ``x'_k = (rep(B),
   g_B^{-1}(T))`` (**reset** to a constant). ``A := g_A(X)`` if ``h(A) = k``,
   ``B := T``; then ``A·σ ⊆ T``.

The action on level ``k`` depends on ``σ`` and on ``A, B`` only, i.e. on the higher
levels' states before ``σ``: a cascade of resets and identities, as
:class:`~succinct.programs.cascade.Cascade` needs. At the bottom ``A = {q}``,
``B = {q·σ}``, so φ is a covering.

Verification, not trust
-----------------------
:func:`decompose` does not rely on the argument above: it (1) checks the two
aperiodicity claims where they are used (``g_A σ g_B^{-1}`` fixes ``X``; the found
bijections compose to the identity) and that every level's action given the higher
levels is one reset or the identity; (2) builds the :class:`Cascade` (rules read only
earlier components, each ``when`` shrunk greedily to the components that matter on the
reachable states); and (3) computes φ by a breadth-first search of the pairs
(cascade state, DFA state) from the two initial states, with the cascade's own
:meth:`~succinct.programs.cascade.Cascade.step`. A cascade state met with two DFA states
is an internal error (a bug). The accepting assignments are the reachable tuples with
``φ ∈ F``, without their ``*`` levels (decoding ignores them) and without the levels
that no reachable tuple with ``φ ∉ F`` needs (dropped greedily).

Placement: this module returns a :class:`Cascade`, so it lives with the programs;
``succinct/automata/`` may import only the standard library, numpy, words and sizes.

Bad input: a DFA whose transition monoid is not aperiodic is refused with a witness
``x`` (a word) with ``x^k = x^{k+p}``, ``p > 1`` (:func:`aperiodicity_witness`); sizes
are predicted and refused before building (:data:`MAX_IMAGE_SETS` image sets,
:data:`MAX_TUPLES` cascade state tuples, bounded by the number of tile chains from
``Q`` down to a singleton).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from succinct.automata.dfa import DFA
from succinct.automata.monoid import compose, period, power
from succinct.programs.cascade import Cascade, Component, Rule
from succinct.words import SuccinctError

__all__ = ["Decomposition", "Level", "decompose", "aperiodicity_witness", "HolonomyBug",
           "MAX_IMAGE_SETS", "MAX_TUPLES", "MAX_MONOID_WORDS"]

MAX_IMAGE_SETS = 4096  # |I| beyond which the decomposition is refused
MAX_TUPLES = 20_000  # tile chains (a bound on reachable tuples) beyond which it is refused
MAX_MONOID_WORDS = 200_000  # transition monoid size beyond which aperiodicity is refused
MAX_SHOWN_RULES = 24  # rules per level that :meth:`Decomposition.describe` lists

Set = frozenset[int]
Map = tuple[int, ...]
Coord = tuple[Set, Set] | None  # (representative, tile of it) or None for "*"
DONT_CARE = "*"


class HolonomyBug(AssertionError):
    """An internal inconsistency of the decomposition (never expected: a bug)."""


@dataclass(frozen=True)
class Level:
    """One component: the sets of height ``height``, their tiles, the component's states."""

    height: int
    representatives: tuple[Set, ...]
    tiles: tuple[tuple[Set, ...], ...]  # per representative
    states: tuple[str, ...]  # component state names (``*`` last, if present)

    @property
    def n_states(self) -> int:
        return len(self.states)


@dataclass(frozen=True)
class Decomposition:
    """A holonomy decomposition (module docstring) of a DFA's semiautomaton."""

    cascade: Cascade
    levels: tuple[Level, ...]  # top (height H) first, as the cascade's components
    covering: dict[tuple[str, ...], int]  # reachable cascade state → DFA state (φ)
    image_sets: int  # |I|

    @property
    def n_levels(self) -> int:
        return len(self.levels)

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(len(c.states) for c in self.cascade.components)

    @property
    def total_states(self) -> int:
        """``Σ_k |S_k|``, the measure the cascade's program grows with."""
        return sum(self.widths)

    def describe(self, state_names: Sequence[str] | None = None) -> str:
        """The levels, each reset component (states, its first rules; other inputs keep
        the state) and the covering map."""
        names = list(state_names) if state_names is not None else None

        def label(s: Set) -> str:
            return "{" + ", ".join(names[q] if names else str(q) for q in sorted(s)) + "}"

        lines = [f"holonomy decomposition: {self.n_levels} level(s), widths "
                 f"{list(self.widths)}, {self.total_states} component states, "
                 f"{len(self.covering)} reachable state tuples, |I| = {self.image_sets}"]
        for lev, comp in zip(self.levels, self.cascade.components, strict=False):
            reps = "; ".join(f"{label(r)} → tiles " + " ".join(label(t) for t in ts)
                             for r, ts in zip(lev.representatives, lev.tiles, strict=True))
            lines.append(f"  level {comp.name} (height {lev.height}): {lev.n_states} states "
                         f"{', '.join(comp.states)}, initial {comp.initial}; "
                         f"{len(comp.rules)} reset rules; representatives {reps}")
            for r in comp.rules[:MAX_SHOWN_RULES]:
                when = " ∧ ".join(f"{c}={v}" for c, v in r.when)
                lines.append(f"    on {r.symbol}{' if ' + when if when else ''}: reset to {r.to}")
            if len(comp.rules) > MAX_SHOWN_RULES:
                lines.append(f"    … {len(comp.rules) - MAX_SHOWN_RULES} more rules")
        comps = [c.name for c in self.cascade.components]
        lines.append("  covering map φ (" + ", ".join(comps) + ") → state:")
        for t, q in sorted(self.covering.items(), key=lambda kv: (kv[1], kv[0])):
            lines.append(f"    ({', '.join(t)}) ↦ {names[q] if names else q}")
        return "\n".join(lines)


# ====================================================================== aperiodicity
def aperiodicity_witness(maps: Sequence[Map], symbols: Sequence[str],
                         max_size: int = MAX_MONOID_WORDS
                         ) -> tuple[tuple[str, ...], Map, int, int] | None:
    """``(word, x, k, p)`` with ``x = δ(·, word)`` and ``x^k = x^{k+p}``, ``p > 1``, the
    smallest ``k``; ``None`` when the monoid generated by ``maps`` is aperiodic. The
    monoid is closed by BFS over words (shortlex-first word per element); more than
    ``max_size`` elements is refused."""
    n = len(maps[0]) if maps else 0
    identity = tuple(range(n))
    words: dict[Map, tuple[str, ...]] = {identity: ()}
    queue = deque([identity])
    while queue:
        f = queue.popleft()
        for sym, g in zip(symbols, maps, strict=True):
            h = compose(f, g)
            if h not in words:
                words[h] = words[f] + (sym,)
                if len(words) > max_size:
                    raise SuccinctError(f"the transition monoid has more than {max_size} "
                                        "elements; refusing to decompose it")
                queue.append(h)
    for x, word in words.items():
        p = period(x)
        if p > 1:
            k = next(k for k in range(1, len(words) + 2) if power(x, k) == power(x, k + p))
            return word, x, k, p
    return None


# ====================================================================== objects
def _image(s: Iterable[int], m: Map) -> Set:
    return frozenset(m[q] for q in s)


def _image_sets(n: int, maps: Sequence[Map], max_sets: int) -> list[Set]:
    """``I``: the orbit of ``Q`` and the singletons, largest first; refused past
    ``max_sets`` (the orbit's search stops there)."""
    seen = set(_orbit(frozenset(range(n)), maps, max_sets))
    seen |= {frozenset({q}) for q in range(n)}
    if len(seen) > max_sets:
        raise _too_many(max_sets)
    return sorted(seen, key=lambda s: (-len(s), sorted(s)))


def _too_many(max_sets: int) -> SuccinctError:
    return SuccinctError(f"the decomposition needs more than {max_sets} image sets Q·w; "
                         "refusing to build it")


def _orbit(p: Set, maps: Sequence[Map], limit: int | None = None
           ) -> dict[Set, dict[int, int]]:
    """Every ``P·w`` with the map ``p ↦ p·w`` of the first word found (BFS); more than
    ``limit`` sets are refused as image sets (:func:`_image_sets`)."""
    out = {p: {q: q for q in p}}
    queue = deque([p])
    while queue:
        x = queue.popleft()
        for m in maps:
            y = _image(x, m)
            if y not in out:
                out[y] = {q: m[v] for q, v in out[x].items()}
                if limit is not None and len(out) > limit:
                    raise _too_many(limit)
                queue.append(y)
    return out


@dataclass
class _Skeleton:
    """Image sets, heights, tiles, representatives and transfers (module docstring)."""

    sets: list[Set]
    height: dict[Set, int]
    tiles: dict[Set, tuple[Set, ...]]
    rep: dict[Set, Set]
    to_actual: dict[Set, dict[int, int]]  # g_P : rep(P) → P
    to_rep: dict[Set, dict[int, int]]  # g_P^{-1}


def _skeleton(n: int, maps: Sequence[Map], max_sets: int) -> _Skeleton:
    sets = _image_sets(n, maps, max_sets)
    big = [s for s in sets if len(s) > 1]
    orbit = {s: _orbit(s, maps) for s in big}
    inside = {x: {t for t in big if t <= x} for x in sets}  # non-singletons within x
    down = {p: set().union(*(inside[x] for x in orbit[p])) for p in big}  # {R : R ≤ P}

    height: dict[Set, int] = {s: 0 for s in sets if len(s) == 1}

    def h(p: Set) -> int:
        if p not in height:  # 1 + the highest R < P (strictly: P is not ≤ R)
            below = [r for r in down[p] if p not in down[r]]
            height[p] = 1 + max((h(r) for r in below), default=0)
        return height[p]

    for s in big:
        h(s)
    rep: dict[Set, Set] = {}
    to_actual: dict[Set, dict[int, int]] = {}
    to_rep: dict[Set, dict[int, int]] = {}
    for s in big:  # sorted: the first of a class is its representative (Q first)
        if s in rep:
            continue
        for t in big:
            if t not in rep and t in orbit[s] and s in orbit[t]:
                rep[t] = s
                to_actual[t] = orbit[s][t]
                to_rep[t] = orbit[t][s]
                if any(to_rep[t][to_actual[t][q]] != q for q in s):
                    raise HolonomyBug(f"the transfer {sorted(s)} → {sorted(t)} → {sorted(s)} "
                                      "is not the identity in an aperiodic monoid")
    tiles = {}
    for s in big:
        proper = [t for t in sets if t < s]
        tiles[s] = tuple(t for t in proper if not any(t < u for u in proper))
    return _Skeleton(sets, height, tiles, rep, to_actual, to_rep)


# ====================================================================== the cascade
def _names(levels: Sequence[int], sk: _Skeleton, top: int) -> dict[int, dict[Coord, str]]:
    def label(s: Set) -> str:
        return ".".join(str(q) for q in sorted(s))

    out: dict[int, dict[Coord, str]] = {}
    for k in levels:
        names: dict[Coord, str] = {}
        for r in sk.sets:
            if len(r) > 1 and sk.rep[r] == r and sk.height[r] == k:
                for t in sk.tiles[r]:
                    names[(r, t)] = f"{label(t)}<{label(r)}"
        if k < top:
            names[None] = DONT_CARE
        out[k] = names
    return out


def _chains(p: Set, sk: _Skeleton, memo: dict[Set, int]) -> int:
    """The number of tile chains ``P ⊋ T_1 ⊋ … ⊋ {q}``: a bound on the reachable cascade
    state tuples (a tuple encodes one chain; the representative coordinates are a
    bijection)."""
    if len(p) == 1:
        return 1
    if p not in memo:
        memo[p] = sum(_chains(t, sk, memo) for t in sk.tiles[p])
    return memo[p]


def decompose(dfa: DFA, *, max_image_sets: int = MAX_IMAGE_SETS,
              max_tuples: int = MAX_TUPLES) -> Decomposition:
    """The holonomy cascade of ``dfa``'s semiautomaton, verified (module docstring).

    Raises:
        SuccinctError: the transition monoid is not aperiodic (with a witness), or the
            decomposition is predicted larger than ``max_image_sets`` / ``max_tuples``.
        HolonomyBug: an internal check failed (a bug).
    """
    symbols = tuple(dfa.alphabet.symbols)
    n = dfa.n_states
    maps: list[Map] = [tuple(int(x) for x in dfa.delta[:, a]) for a in range(len(symbols))]
    witness = aperiodicity_witness(maps, symbols)
    if witness is not None:
        word, x, k, p = witness
        raise SuccinctError(
            f"the transition monoid is not aperiodic, so no cascade of resets covers it: "
            f"x = '{' '.join(word) or 'ε'}' (the map {x}) has x^{k} = x^{k + p} with period "
            f"{p} > 1 (a cyclic group of order {p})")
    sk = _skeleton(n, maps, max_image_sets)
    full = frozenset(range(n))
    top = sk.height.get(full, 0)
    heights = list(range(top, 0, -1))
    names = _names(heights, sk, top)
    predicted = _chains(full, sk, {})
    if predicted > max_tuples:
        raise SuccinctError(f"the decomposition is predicted to have up to {predicted} cascade "
                            f"state tuples (tile chains from Q to a singleton; levels of "
                            f"{[len(names[k]) for k in heights]} states), more than "
                            f"{max_tuples}; refusing to build it")

    def tile_of(b: Set, inner: Set) -> Coord:
        """The first tile of ``b`` containing ``inner``, in ``rep(b)``'s coordinates."""
        r = sk.rep[b]
        local = frozenset(sk.to_rep[b][q] for q in inner)
        for t in sk.tiles[r]:
            if local <= t:
                return (r, t)
        raise HolonomyBug(f"no tile of {sorted(r)} contains {sorted(local)}")

    def actual(b: Set, c: Coord) -> Set:
        assert c is not None
        return frozenset(sk.to_actual[b][q] for q in c[1])

    def encode(q: int) -> tuple[Coord, ...]:
        p, out = full, []
        for k in heights:
            if sk.height[p] == k:
                c = tile_of(p, frozenset({q}))
                out.append(c)
                p = actual(p, c)
            else:
                out.append(None)
        return tuple(out)

    def step(x: tuple[Coord, ...], m: Map) -> tuple[tuple[Coord, ...], list[str]]:
        """The new tuple and, per level, ``keep`` or ``reset`` (a function of the higher
        levels' old states)."""
        a = b = full
        new: list[Coord] = []
        kinds: list[str] = []
        for i, k in enumerate(heights):
            ha, hb = sk.height[a], sk.height[b]
            if ha > k or hb > k or not _image(a, m) <= b:
                raise HolonomyBug(f"invariant broken at level {k}")
            nxt_a = actual(a, x[i]) if ha == k else a
            if hb < k:
                new.append(None)
                kinds.append("reset" if ha == k else "keep")
            elif ha == k and _image(a, m) == b:
                moved = frozenset(sk.to_rep[b][m[q]] for q in nxt_a)
                if x[i] is None or moved != x[i][1] or sk.rep[b] != x[i][0]:
                    raise HolonomyBug(f"level {k}: a permutation of a representative is not "
                                      "the identity, although the monoid is aperiodic")
                new.append(x[i])
                kinds.append("keep")
                b = _image(nxt_a, m)
            else:
                c = tile_of(b, _image(a, m))
                new.append(c)
                kinds.append("reset")
                b = actual(b, c)
            a = nxt_a
        if len(a) != 1 or len(b) != 1 or _image(a, m) != b:
            raise HolonomyBug("the chain does not end in singletons {q}, {q·σ}")
        return tuple(new), kinds

    # (1) reachable tuples and each level's action given the higher levels
    start = encode(dfa.start)
    seen = {start}
    queue = deque([start])
    action: list[dict[tuple[str, tuple[Coord, ...]], Coord | str]] = [{} for _ in heights]
    while queue:
        x = queue.popleft()
        for sym, m in zip(symbols, maps, strict=True):
            y, kinds = step(x, m)
            for i in range(len(heights)):
                act: Coord | str = "keep" if kinds[i] == "keep" else y[i]
                key = (sym, x[:i])
                if action[i].setdefault(key, act) != act:
                    raise HolonomyBug(f"level {heights[i]}: the action of {sym!r} is not a "
                                      "function of the higher levels")
            if y not in seen:
                seen.add(y)
                queue.append(y)

    # (2) the cascade: one rule per (symbol, higher states) that resets, shrunk greedily
    comp_names = [f"h{k}" for k in heights]
    components = []
    for i, k in enumerate(heights):
        rules = _rules(action[i], comp_names[:i], [names[heights[j]] for j in range(i)],
                       names[k])
        states = tuple(names[k].values())
        components.append(Component(comp_names[i], states, names[k][start[i]], tuple(rules)))
    if not components:  # |Q| = 1: one component that never moves
        components.append(Component("h0", ("0",), "0", ()))
    accepting = []
    levels = tuple(
        Level(k, tuple(r for r in sk.sets if len(r) > 1 and sk.rep[r] == r
                       and sk.height[r] == k),
              tuple(sk.tiles[r] for r in sk.sets if len(r) > 1 and sk.rep[r] == r
                    and sk.height[r] == k),
              tuple(names[k].values()))
        for k in heights)
    # (3) the covering map by BFS of (cascade state, DFA state), with the cascade's step
    probe = Cascade(dfa.alphabet, tuple(components), ((),))
    cover: dict[tuple[str, ...], int] = {probe.initial: dfa.start}
    todo = deque([probe.initial])
    delta = dict(zip(symbols, maps, strict=True))
    while todo:
        c = todo.popleft()
        for sym in symbols:
            d, q = probe.step(c, sym), delta[sym][cover[c]]
            if d not in cover:
                cover[d] = q
                todo.append(d)
            elif cover[d] != q:
                raise HolonomyBug(f"cascade state {d} covers two states, {cover[d]} and {q}")
    comp_order = [co.name for co in components]
    rejecting = [c for c, q in cover.items() if not dfa.accepting[q]]
    projected: dict[tuple[int, ...], set[tuple[str, ...]]] = {}  # rejecting, projected

    def rejects(kept: tuple[int, ...], c: tuple[str, ...]) -> bool:
        if kept not in projected:
            projected[kept] = {tuple(r[i] for i in kept) for r in rejecting}
        return tuple(c[i] for i in kept) in projected[kept]

    for c, q in cover.items():
        if dfa.accepting[q]:  # drop * levels, then greedily any level no rejecting tuple needs
            keep = tuple(i for i, v in enumerate(c) if v != DONT_CARE)
            for j in keep:
                trial = tuple(i for i in keep if i != j)
                if not rejects(trial, c):
                    keep = trial
            accepting.append(tuple((comp_order[i], c[i]) for i in keep))
    if not accepting:  # the empty language: a component that never leaves its start
        components.append(Component("never", ("0", "1"), "0", ()))
        accepting.append((("never", "1"),))
        cover = {c + ("0",): q for c, q in cover.items()}
    cascade = Cascade(dfa.alphabet, tuple(components), tuple(dict.fromkeys(accepting)))
    return Decomposition(cascade, levels, cover, len(sk.sets))


def _rules(action: dict[tuple[str, tuple[Coord, ...]], Coord | str], higher: Sequence[str],
           higher_names: Sequence[dict[Coord, str]], names: dict[Coord, str]) -> list[Rule]:
    """One rule per resetting (symbol, higher states), its ``when`` shrunk greedily: a
    higher component is dropped while every reachable (symbol, higher states) that the
    shrunk ``when`` matches acts the same. Every rule then matches only entries with its
    own target, so their order does not matter. The actions seen under each projection
    of the higher states are computed once per symbol and projection."""
    by_symbol: dict[str, list[tuple[tuple[Coord, ...], Coord | str]]] = {}
    for (sym, upper), act in action.items():
        by_symbol.setdefault(sym, []).append((upper, act))
    rules: dict[Rule, None] = {}  # ordered, without repeats
    for sym, entries in by_symbol.items():
        seen: dict[tuple[int, ...], dict[tuple[Coord, ...], set[Coord | str]]] = {}

        def acts(kept: tuple[int, ...], entries=entries, seen=seen
                 ) -> dict[tuple[Coord, ...], set[Coord | str]]:
            if kept not in seen:
                out: dict[tuple[Coord, ...], set[Coord | str]] = {}
                for u, a in entries:
                    out.setdefault(tuple(u[i] for i in kept), set()).add(a)
                seen[kept] = out
            return seen[kept]

        for upper, act in entries:
            if act == "keep":
                continue
            keep = tuple(range(len(upper)))
            for j in range(len(upper)):
                trial = tuple(i for i in keep if i != j)
                if acts(trial)[tuple(upper[i] for i in trial)] == {act}:
                    keep = trial
            when = tuple((higher[i], higher_names[i][upper[i]]) for i in keep)
            rules[Rule(sym, when, names[act])] = None  # type: ignore[index]
    return list(rules)
