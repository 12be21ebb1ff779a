"""Complete deterministic finite automata, vectorized with numpy.

A :class:`DFA` is a *complete* transition table ``delta[n_states, n_symbols]`` (int32), a
start state and a boolean vector of accepting states. Everything that touches many states
or many words is written as whole-array numpy operations; Python loops run over time steps,
BFS levels or refinement rounds, not over states or words (the exceptions are the
convenience constructors that call user Python functions, and the Hopcroft fallback below).

Algorithms
----------
* **Batched runs** (:meth:`DFA.run`): words are a padded matrix ``tokens[B, T]`` plus
  ``lengths[B]``; rows are sorted by length so that at time ``t`` the still-running words
  form a prefix, and one gather ``state = delta[state, tokens[:, t]]`` advances all of them.
* **BFS** (reachability, canonical numbering, shortest words): level-synchronous; a level's
  successors ``delta[frontier]`` are filtered against a ``seen`` mask and deduplicated
  keeping first occurrences, which reproduces the order of the textbook queue BFS that
  visits symbols in alphabet order. Tiny frontiers (long chains) take a plain-Python path.
* **Minimization** (:meth:`DFA.minimize`): unreachable states are dropped, then Moore's
  partition refinement runs vectorized: the signature of a state is (its class, the classes
  of its successors), compressed to dense ids one column at a time with ``np.unique`` on
  int64 keys, until the number of classes stops growing. Each round costs O(nk log n) in
  numpy, and the number of rounds is the depth of the distinguishing words, which is small
  for random-like automata but can be Θ(n) for long chains (counters modulo m). ``"auto"``
  therefore hands the current partition to Hopcroft's O(kn log n) algorithm (plain Python,
  "process the smaller half", all initial blocks as splitters) once Moore has spent
  ``max(32, 2·log2 n)`` rounds. The quotient is renumbered in BFS order from the start
  with symbols in alphabet order (:meth:`DFA.canonical`), so two minimal DFAs of the same
  language are array-identical. The dead state is kept: sizes are of minimal *complete*
  DFAs.
* **Products and exploration** (:meth:`DFA.product`, :func:`explore`): products with at
  most 2^25 table entries are tabulated whole (pair ``(p, q)`` is ``p·n2 + q``) and then
  BFS-renumbered; larger ones, and state spaces given by a step function (quantized RNN
  hidden states), are explored by BFS over integer state vectors. A frontier is expanded
  by batched calls of the step function; new rows are identified exactly by a vectorized
  open-addressing hash table of 64-bit row hashes (every hit verified against the stored
  row, genuine collisions resolved by a side dictionary). :meth:`DFA.equivalent` runs the
  same BFS over pairs and stops at the first level with a distinguishing pair.
* **Automata from membership oracles** (:func:`dfa_from_membership`): the minimal DFA of
  ``L ∩ Σ^{≤L}`` is built bottom-up over the trie of all words, one level at a time from
  the longest words: a word's class is determined by (is it accepted, classes of its |Σ|
  one-letter extensions), and classes are shared between levels through the same hash
  index. This is Revuz's linear-time minimization of acyclic automata, vectorized per
  level; the oracle is asked once per word, in batches.

Benchmark: :meth:`DFA.minimize` vs automata-lib 9.2 ``DFA.minify()`` (its own Hopcroft in
pure Python), best of 3, shared 2-core machine, automata-lib timing excludes building its
DFA object. Random complete DFAs over 3 symbols, ~30% accepting::

    case                                   minimize("auto")   automata-lib minify
    random, 2 000 states                   2.8 ms             57 ms
    random, 20 000 states                  16 ms              0.75 s
    random, 200 000 states                 0.25 s             13 s
    20 000 states blown up from 500        10 ms              0.25 s
    length ≡ 0 mod 20 000 (a chain)        0.27 s             0.40 s

Moore-only on the chain is quadratic (3 000 states: 2.0 s, vs 0.05 s with the Hopcroft
fallback). numpy Moore wins by 20-50x on random automata and the fallback keeps chains on
par, so automata-lib is not a dependency (it is also not needed for anything else here).
"""

from __future__ import annotations

import functools
import math
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from succinct.sizes import SizeReport, dfa_report
from succinct.words import Alphabet, SuccinctError, check_lengths, encode

__all__ = [
    "DFA",
    "StateLimitExceeded",
    "dfa_from_membership",
    "dfa_from_transition_function",
    "explore",
    "words_of_length",
]

# BFS levels with at most this many states are expanded in plain Python.
_NARROW = 64

# Products with at most this many table entries (pairs x symbols) are tabulated whole.
_FULL_PRODUCT_ENTRIES = 1 << 25

ProductOp = Literal["and", "or", "xor", "diff"]
MinimizeMethod = Literal["auto", "moore", "hopcroft"]

_PRODUCT_OPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "and": np.logical_and,
    "or": np.logical_or,
    "xor": np.logical_xor,
    "diff": lambda a, b: np.logical_and(a, np.logical_not(b)),
}


class StateLimitExceeded(SuccinctError):
    """Raised when an exploration discovers more than ``max_states`` states.

    Attributes:
        n_states: Number of distinct states discovered when the exploration stopped
            (greater than ``max_states``).
        max_states: The limit that was exceeded.
        depth: BFS depth (word length) being explored when the limit was hit, or −1
            for constructions that do not explore by word length.
    """

    def __init__(self, n_states: int, max_states: int, depth: int) -> None:
        self.n_states = n_states
        self.max_states = max_states
        self.depth = depth
        where = f" while exploring words of length {depth}" if depth >= 0 else ""
        super().__init__(
            f"state exploration exceeded max_states={max_states}: reached {n_states} "
            f"distinct states{where}"
        )


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def _normalize_alphabet(alphabet: str | Iterable[str]) -> tuple[str, ...]:
    """Turns ``"ab"``, ``["a", "b"]`` or an ``Alphabet`` into a validated tuple."""
    symbols = tuple(alphabet)
    for s in symbols:
        if not isinstance(s, str) or not s:
            raise SuccinctError(f"alphabet symbols must be non-empty strings, got {s!r}")
    if len(set(symbols)) != len(symbols):
        dups = sorted({s for s in symbols if symbols.count(s) > 1})
        raise SuccinctError(f"alphabet {symbols} has duplicate symbols: {dups}")
    return symbols


def _fmt_alphabet(alphabet: Sequence[str]) -> str:
    return "{" + ", ".join(alphabet) + "}"


def words_of_length(n_symbols: int, length: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """All words of one length in lexicographic order, as symbol indices.

    Word number ``i`` is the base-``n_symbols`` expansion of ``i`` with ``length`` digits,
    most significant first, so the one-letter extensions of word ``i`` are the words
    ``i * n_symbols + a`` of the next length.

    Args:
        n_symbols: Alphabet size.
        length: Word length (``0`` gives one empty row).
        lo: First word number to produce.
        hi: One past the last word number (default: all ``n_symbols ** length`` words).

    Returns:
        int32 array ``[hi - lo, length]``.
    """
    total = n_symbols**length
    hi = total if hi is None else hi
    idx = np.arange(lo, hi, dtype=np.int64)
    powers = n_symbols ** np.arange(length - 1, -1, -1, dtype=np.int64)
    return ((idx[:, None] // powers[None, :]) % n_symbols).astype(np.int32)


def _first_occurrence_unique(values: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value, in input order."""
    _, first = np.unique(values, return_index=True)
    first.sort()
    return first


def _dense_ids(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Relabels int64 keys to 0..m-1 (order of sorted keys); returns (ids, m)."""
    uniq, inv = np.unique(keys, return_inverse=True)
    return inv.reshape(-1).astype(np.int64), int(uniq.size)


def _bucket(n: int) -> int:
    """Smallest power of two ≥ max(n, 8): padded batch size for jitted callbacks."""
    return max(8, 1 << (max(n, 1) - 1).bit_length())


def _bfs_tree(delta: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Level-synchronous BFS from ``start`` with symbols in index order.

    Wide levels are expanded with numpy; runs of narrow levels (chains, cycles) are walked
    in plain Python, which has a much smaller cost per level.

    Returns:
        ``(order, parent, via)``: reachable states in BFS order, and for every state its
        BFS-tree parent and the symbol index leading to it (``-1`` for the start and for
        unreachable states).
    """
    n, k = delta.shape
    seen = np.zeros(n, dtype=np.uint8)
    seen_mv = memoryview(seen)
    parent = np.full(n, -1, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    seen[start] = 1
    levels = [np.array([start], dtype=np.int64)]
    frontier = levels[0]
    rows: list[list[int]] | None = None  # delta as lists, once many narrow levels occur
    narrow_levels = 0
    while frontier.size and k:
        if frontier.size <= _NARROW:
            cur = frontier.tolist()
            out_s: list[int] = []
            out_p: list[int] = []
            out_a: list[int] = []
            while cur and len(cur) <= _NARROW:
                narrow_levels += 1
                if rows is None and narrow_levels > 256 and delta.size <= 8_000_000:
                    rows = delta.tolist()
                cur_rows = delta[cur].tolist() if rows is None else [rows[q] for q in cur]
                nxt: list[int] = []
                for q, row in zip(cur, cur_rows, strict=True):
                    for a, t in enumerate(row):
                        if not seen_mv[t]:
                            seen_mv[t] = 1
                            nxt.append(t)
                            out_p.append(q)
                            out_a.append(a)
                out_s.extend(nxt)
                cur = nxt
            if out_s:
                new = np.asarray(out_s, dtype=np.int64)
                parent[new] = out_p
                via[new] = out_a
                levels.append(new)
            frontier = np.asarray(cur, dtype=np.int64)
        else:
            succ = delta[frontier].reshape(-1)
            pos = np.flatnonzero(seen[succ] == 0)
            pos = pos[_first_occurrence_unique(succ[pos])]
            new = succ[pos].astype(np.int64)
            seen[new] = 1
            parent[new] = frontier[pos // k]
            via[new] = pos % k
            if new.size:
                levels.append(new)
            frontier = new
    return np.concatenate(levels), parent, via


# --------------------------------------------------------------------------------------
# exact index of integer row vectors
# --------------------------------------------------------------------------------------

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer (elementwise, wrapping uint64 arithmetic)."""
    z = z ^ (z >> np.uint64(30))
    z = z * _M1
    z = z ^ (z >> np.uint64(27))
    z = z * _M2
    return z ^ (z >> np.uint64(31))


@functools.lru_cache(maxsize=32)
def _hash_multipliers(d: int) -> np.ndarray:
    """Fixed pseudo-random odd 64-bit multipliers, one per column."""
    rng = np.random.default_rng(0x5EED)
    mult = rng.integers(0, 2**63, size=d, dtype=np.int64).view(np.uint64)
    mult = mult * np.uint64(2) + np.uint64(1)
    mult.setflags(write=False)
    return mult


def _hash_rows(rows: np.ndarray) -> np.ndarray:
    """64-bit hash of each row of an integer matrix (value-based, dtype-independent).

    Multilinear hash with fixed random odd multipliers, then the splitmix64 finalizer: two
    whole-matrix operations, no loop over columns. Equal rows get equal hashes; different
    rows rarely do, and callers verify.
    """
    d = rows.shape[1]
    with np.errstate(over="ignore"):
        x = rows.astype(np.int64, copy=False).view(np.uint64)
        h = (x * _hash_multipliers(d)).sum(axis=1, dtype=np.uint64)
        return _mix64(h ^ np.uint64(d))


def _as_int_rows(rows: Any, width: int | None, what: str) -> np.ndarray:
    """Validates a batch of integer state vectors ``[B, d]`` (bool becomes uint8)."""
    arr = np.asarray(rows)
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    if not np.issubdtype(arr.dtype, np.integer):
        raise SuccinctError(f"{what} must be integer state vectors, got dtype {arr.dtype}")
    if arr.dtype == np.uint64:
        if arr.size and int(arr.max()) >= 2**63:
            raise SuccinctError(f"{what} has uint64 values ≥ 2^63, which are not supported")
        arr = arr.astype(np.int64)
    if arr.ndim != 2 or (width is not None and arr.shape[1] != width):
        want = f"[batch, {width}]" if width is not None else "[batch, d]"
        raise SuccinctError(f"{what} must have shape {want}, got {arr.shape}")
    return arr


class _HashTable:
    """Vectorized open-addressing (linear probing) map from nonzero uint64 keys to ids.

    Lookups and insertions take whole arrays of keys; each probe round is one numpy pass
    over the keys still unresolved, and the load factor stays ≤ 1/2, so a batch costs a
    few passes whatever the table size.
    """

    def __init__(self, capacity: int = 1024) -> None:
        cap = 1 << max(10, (2 * capacity - 1).bit_length())
        self._keys = np.zeros(cap, dtype=np.uint64)  # 0 marks an empty slot
        self._vals = np.zeros(cap, dtype=np.int64)
        self.size = 0

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            mixed = _mix64(keys)
        return (mixed & np.uint64(self._keys.size - 1)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Ids of ``keys`` (uint64, nonzero), ``-1`` where absent."""
        out = np.full(keys.size, -1, dtype=np.int64)
        mask = self._keys.size - 1
        slot = self._slots(keys)
        todo = np.arange(keys.size)
        while todo.size:
            s = slot[todo]
            stored = self._keys[s]
            found = stored == keys[todo]
            out[todo[found]] = self._vals[s[found]]
            todo = todo[~found & (stored != 0)]
            slot[todo] = (slot[todo] + 1) & mask
        return out

    def insert(self, keys: np.ndarray, vals: np.ndarray) -> None:
        """Adds distinct keys that are not present yet."""
        if 2 * (self.size + keys.size) > self._keys.size:
            old = self._keys != 0
            old_keys, old_vals = self._keys[old], self._vals[old]
            cap = self._keys.size
            while 2 * (self.size + keys.size) > cap:
                cap *= 2
            self._keys = np.zeros(cap, dtype=np.uint64)
            self._vals = np.zeros(cap, dtype=np.int64)
            self._place(old_keys, old_vals)
        self._place(keys, vals)
        self.size += keys.size

    def _place(self, keys: np.ndarray, vals: np.ndarray) -> None:
        mask = self._keys.size - 1
        slot = self._slots(keys)
        todo = np.arange(keys.size)
        while todo.size:
            s = slot[todo]
            free = np.flatnonzero(self._keys[s] == 0)
            # Scatter into the free slots: one (arbitrary) writer per slot wins, since the
            # keys are distinct the winners are the ones whose key reads back.
            self._keys[s[free]] = keys[todo[free]]
            placed = self._keys[s] == keys[todo]
            self._vals[s[placed]] = vals[todo[placed]]
            todo = todo[~placed]
            slot[todo] = (slot[todo] + 1) & mask


class _RowIndex:
    """Exact map from integer row vectors to dense ids 0, 1, 2, … in insertion order.

    Rows are hashed to 64 bits; the hash table maps a hash to the first row that had it,
    every hit is verified against the stored row, and rows whose hash collides with a
    different row live in a side dictionary keyed by their bytes.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.n = 0
        self._rows: np.ndarray | None = None  # storage, dtype promoted as needed
        self._table = _HashTable()
        self._extra: dict[bytes, int] = {}  # rows whose hash collides with another row

    @staticmethod
    def _key(row: np.ndarray) -> bytes:
        return row.astype(np.int64).tobytes()

    def rows(self, lo: int, hi: int) -> np.ndarray:
        """Copy of the stored rows with ids ``lo..hi-1``."""
        assert self._rows is not None
        return self._rows[lo:hi].copy()

    def _store(self, new_rows: np.ndarray) -> None:
        need = self.n + new_rows.shape[0]
        if self._rows is None:
            self._rows = np.empty((max(16, need), self.width), dtype=new_rows.dtype)
        cap = self._rows.shape[0]
        dtype = np.promote_types(self._rows.dtype, new_rows.dtype)
        if need > cap or dtype != self._rows.dtype:
            grown = np.empty((max(need, 2 * cap) if need > cap else cap, self.width), dtype=dtype)
            grown[: self.n] = self._rows[: self.n]
            self._rows = grown
        self._rows[self.n : need] = new_rows
        self.n = need

    def get_or_add(self, rows: np.ndarray) -> np.ndarray:
        """Ids of ``rows`` (``[m, width]``), adding unseen rows in first-occurrence order."""
        m = rows.shape[0]
        if m == 0:
            return np.empty(0, dtype=np.int64)
        h = _hash_rows(rows)
        h[h == 0] = 1  # 0 marks empty hash-table slots
        uh, first, inv = np.unique(h, return_index=True, return_inverse=True)
        inv = inv.reshape(-1)
        if not np.array_equal(rows, rows[first[inv]]):
            # Two different rows in this batch share a hash: deduplicate exactly instead.
            _, first, inv = np.unique(rows, axis=0, return_index=True, return_inverse=True)
            inv = inv.reshape(-1)
            uh = h[first]
        urows = rows[first]

        ids = self._table.lookup(uh)
        hit = ids >= 0
        hit_idx = np.flatnonzero(hit)
        if hit_idx.size:
            assert self._rows is not None
            same = np.all(self._rows[ids[hit_idx]] == urows[hit_idx], axis=1)
            ids[hit_idx[~same]] = -1
            for i in hit_idx[~same].tolist():  # genuine 64-bit collisions: rare
                ids[i] = self._extra.get(self._key(urows[i]), -1)

        new = np.flatnonzero(ids < 0)
        if new.size:
            new = new[np.argsort(first[new], kind="stable")]  # first-occurrence order
            new_ids = self.n + np.arange(new.size, dtype=np.int64)
            ids[new] = new_ids
            # A new row enters the hash table if its hash is not there yet and it is the
            # first new row with that hash; other new rows go to the side dictionary.
            new_hashes = uh[new]
            fresh = np.flatnonzero(~hit[new])
            primary = fresh[_first_occurrence_unique(new_hashes[fresh])]
            is_primary = np.zeros(new.size, dtype=bool)
            is_primary[primary] = True
            for i in np.flatnonzero(~is_primary).tolist():
                self._extra[self._key(urows[new[i]])] = int(new_ids[i])
            self._table.insert(new_hashes[primary], new_ids[primary])
            self._store(urows[new])
        return ids[inv]


# --------------------------------------------------------------------------------------
# minimization back ends
# --------------------------------------------------------------------------------------


def _moore(
    delta: np.ndarray, cls: np.ndarray, n_cls: int, max_rounds: int | None
) -> tuple[np.ndarray, int, bool]:
    """Vectorized Moore refinement from partition ``cls`` (dense ids ``0..n_cls-1``).

    Returns:
        ``(cls, n_cls, converged)``.
    """
    k = delta.shape[1]
    cols = [delta[:, a].astype(np.int64) for a in range(k)]
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        key, n_key = cls, n_cls
        for col in cols:
            key, n_key = _dense_ids(key * n_cls + cls[col])
        rounds += 1
        if n_key == n_cls:
            return cls, n_cls, True
        cls, n_cls = key, n_key
    return cls, n_cls, False


def _hopcroft(delta: np.ndarray, cls: np.ndarray, n_cls: int) -> tuple[np.ndarray, int]:
    """Hopcroft refinement from partition ``cls``; every initial block is a splitter.

    Blocks are contiguous segments of ``elems``; marking a state swaps it to the front of
    its block, so a split is O(size of the marked part). Worklist rule: if the split block
    is waiting, both halves wait; otherwise only the smaller half does.
    """
    n, k = delta.shape
    order = np.argsort(cls, kind="stable")
    counts = np.bincount(cls, minlength=n_cls)
    ends = np.cumsum(counts)
    elems: list[int] = order.tolist()
    loc_arr = np.empty(n, dtype=np.int64)
    loc_arr[order] = np.arange(n)
    loc: list[int] = loc_arr.tolist()
    blk: list[int] = cls.tolist()
    first: list[int] = (ends - counts).tolist()
    end: list[int] = ends.tolist()
    marked = [0] * n_cls
    preds = []
    for a in range(k):
        col = delta[:, a]
        src = np.argsort(col, kind="stable")
        ptr = np.zeros(n + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(np.bincount(col, minlength=n))
        preds.append((ptr.tolist(), src.tolist()))
    work = list(range(n_cls))
    in_work = [True] * n_cls
    while work:
        splitter_block = work.pop()
        in_work[splitter_block] = False
        splitter = elems[first[splitter_block] : end[splitter_block]]
        for ptr, src in preds:
            touched: list[int] = []
            for s in splitter:
                for p in src[ptr[s] : ptr[s + 1]]:
                    b = blk[p]
                    m = marked[b]
                    if m == 0:
                        touched.append(b)
                    pos = first[b] + m
                    lp = loc[p]
                    q = elems[pos]
                    elems[lp] = q
                    loc[q] = lp
                    elems[pos] = p
                    loc[p] = pos
                    marked[b] = m + 1
            for b in touched:
                m = marked[b]
                marked[b] = 0
                fb = first[b]
                size = end[b] - fb
                if m == size:
                    continue
                nb = len(first)
                first.append(fb)
                end.append(fb + m)
                marked.append(0)
                in_work.append(False)
                first[b] = fb + m
                for i in range(fb, fb + m):
                    blk[elems[i]] = nb
                if in_work[b] or m <= size - m:
                    work.append(nb)
                    in_work[nb] = True
                else:
                    work.append(b)
                    in_work[b] = True
    return np.asarray(blk, dtype=np.int64), len(first)


# --------------------------------------------------------------------------------------
# the DFA
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DFA:
    """A complete deterministic finite automaton over an ordered alphabet; a recognizer
    (:class:`succinct.recognizer.Recognizer`) of its language's non-empty words.

    Instances are immutable: the arrays are copied on construction and made read-only.
    Equality and hashing are by content (alphabet, start, transition table, accepting
    states), i.e. array identity of the numbering, not language equivalence; use
    :meth:`equivalent` for the latter, or compare ``a.minimize() == b.minimize()``.

    Attributes:
        alphabet: An :class:`succinct.words.Alphabet` (given as one, or as any iterable of
            distinct non-empty symbol strings); column ``a`` of ``delta`` is symbol
            ``alphabet.symbols[a]``.
        delta: int32 ``[n_states, n_symbols]``, ``delta[q, a]`` is the successor of ``q``.
        start: Start state.
        accepting: bool ``[n_states]``.
    """

    alphabet: Alphabet
    delta: np.ndarray
    start: int
    accepting: np.ndarray

    def __post_init__(self) -> None:
        alphabet = _normalize_alphabet(self.alphabet)
        k = len(alphabet)
        delta = np.asarray(self.delta)
        if delta.ndim != 2:
            raise SuccinctError(
                f"delta must be a 2-D array [n_states, n_symbols], got {delta.shape}"
            )
        if delta.shape[1] != k:
            raise SuccinctError(
                f"delta has {delta.shape[1]} columns but the alphabet "
                f"{_fmt_alphabet(alphabet)} has {k} symbols"
            )
        n = delta.shape[0]
        if n == 0:
            raise SuccinctError("a DFA needs at least one state")
        if n >= 2**31:
            raise SuccinctError(f"too many states for int32 indices: {n}")
        if delta.size and not np.issubdtype(delta.dtype, np.integer):
            raise SuccinctError(f"delta must be an integer array, got dtype {delta.dtype}")
        if delta.size and (delta.min() < 0 or delta.max() >= n):
            bad = np.argwhere((delta < 0) | (delta >= n))
            if bad.size:
                q, a = (int(v) for v in bad[0])
                raise SuccinctError(
                    f"transition target out of range: delta[{q}, {a}] "
                    f"(symbol {alphabet[a]!r}) = {int(delta[q, a])}, but states are 0..{n - 1}"
                    f" ({len(bad)} bad entries)"
                )
        delta = np.array(delta, dtype=np.int32, copy=True)
        delta.setflags(write=False)

        accepting = np.asarray(self.accepting)
        if accepting.shape != (n,):
            raise SuccinctError(f"accepting must have shape ({n},), got {accepting.shape}")
        if accepting.dtype != bool:
            if accepting.size and not (
                np.issubdtype(accepting.dtype, np.integer) and np.isin(accepting, (0, 1)).all()
            ):
                raise SuccinctError("accepting must be a boolean (or 0/1) vector")
        accepting = np.array(accepting, dtype=bool, copy=True)
        accepting.setflags(write=False)

        try:
            start = int(self.start)
        except (TypeError, ValueError):
            raise SuccinctError(f"start must be a state index, got {self.start!r}") from None
        if start != self.start or not 0 <= start < n:
            raise SuccinctError(f"start state {self.start!r} is not in 0..{n - 1}")

        object.__setattr__(self, "alphabet", Alphabet(alphabet))
        object.__setattr__(self, "delta", delta)
        object.__setattr__(self, "accepting", accepting)
        object.__setattr__(self, "start", start)

    # ---- identity ---------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DFA):
            return NotImplemented
        return (
            self.alphabet == other.alphabet
            and self.start == other.start
            and np.array_equal(self.delta, other.delta)
            and np.array_equal(self.accepting, other.accepting)
        )

    @functools.cached_property
    def _content_hash(self) -> int:
        return hash(
            (
                self.alphabet,
                self.start,
                self.delta.shape,
                self.delta.tobytes(),
                self.accepting.tobytes(),
            )
        )

    def __hash__(self) -> int:
        return self._content_hash

    def __repr__(self) -> str:
        return (
            f"DFA(n_states={self.n_states}, alphabet={self.alphabet.symbols}, start={self.start}, "
            f"n_accepting={int(self.accepting.sum())})"
        )

    @property
    def n_states(self) -> int:
        """Number of states (including unreachable and dead states)."""
        return int(self.delta.shape[0])

    @property
    def n_symbols(self) -> int:
        """Alphabet size."""
        return len(self.alphabet)

    # ---- constructors -----------------------------------------------------------------

    @classmethod
    def from_function(
        cls,
        alphabet: str | Iterable[str],
        n_states: int,
        transition: Callable[[int, int], int],
        start: int = 0,
        accepting: Iterable[int] | Callable[[int], bool] = (),
    ) -> DFA:
        """Builds a DFA on states ``0..n_states-1`` from Python callables.

        Args:
            alphabet: The symbols.
            n_states: Number of states.
            transition: ``transition(state, symbol_index) -> state``.
            start: Start state.
            accepting: Accepting states, or a predicate ``accepting(state) -> bool``.

        Returns:
            The DFA.
        """
        symbols = _normalize_alphabet(alphabet)
        delta = np.array(
            [[transition(q, a) for a in range(len(symbols))] for q in range(n_states)],
            dtype=np.int64,
        ).reshape(n_states, len(symbols))
        acc = np.zeros(n_states, dtype=bool)
        if callable(accepting):
            acc[:] = [bool(accepting(q)) for q in range(n_states)]
        else:
            for q in accepting:
                if not 0 <= q < n_states:
                    raise SuccinctError(f"accepting state {q} is not in 0..{n_states - 1}")
                acc[q] = True
        return cls(symbols, delta, start, acc)

    @classmethod
    def from_dict(
        cls,
        transitions: Mapping[Hashable, Mapping[str, Hashable]],
        start: Hashable,
        accepting: Iterable[Hashable],
        alphabet: str | Iterable[str] | None = None,
        *,
        complete: bool = True,
    ) -> DFA:
        """Builds a DFA from ``{state: {symbol: next_state}}`` with arbitrary state names.

        States are numbered: ``start`` first, then the keys of ``transitions`` in order,
        then targets that are not keys (they loop to the sink if ``complete``).

        Args:
            transitions: Transition map; may be partial.
            start: Name of the start state.
            accepting: Names of accepting states.
            alphabet: The symbols (default: every symbol used, sorted).
            complete: Send missing transitions to a fresh non-accepting sink state. If
                False, a missing transition raises ``ValueError``.

        Returns:
            The DFA.
        """
        used = {s for row in transitions.values() for s in row}
        symbols = _normalize_alphabet(sorted(used) if alphabet is None else alphabet)
        sym_index = {s: i for i, s in enumerate(symbols)}
        names: dict[Hashable, int] = {start: 0}
        for q in transitions:
            names.setdefault(q, len(names))
        for row in transitions.values():
            for t in row.values():
                names.setdefault(t, len(names))
        acc_names = list(accepting)
        for q in acc_names:
            if q not in names:
                raise SuccinctError(f"accepting state {q!r} does not occur in the transitions")
        sink = len(names)
        delta = np.full((sink + 1, len(symbols)), sink, dtype=np.int64)
        for q, row in transitions.items():
            for s, t in row.items():
                if s not in sym_index:
                    raise SuccinctError(
                        f"unknown symbol {s!r} in transitions of state {q!r}: the alphabet is "
                        f"{_fmt_alphabet(symbols)}"
                    )
                delta[names[q], sym_index[s]] = names[t]
        missing = np.argwhere(delta[:sink] == sink)
        if missing.size and not complete:
            inv = list(names)
            q, a = (int(v) for v in missing[0])
            raise SuccinctError(
                f"missing transition from state {inv[q]!r} on symbol {symbols[a]!r} "
                "(pass complete=True to add a sink state)"
            )
        if not missing.size:
            delta = delta[:sink]
        acc = np.zeros(delta.shape[0], dtype=bool)
        acc[[names[q] for q in acc_names]] = True
        return cls(symbols, delta, 0, acc)

    # ---- words ------------------------------------------------------------------------

    def encode(self, word: str | Sequence[str]) -> np.ndarray:
        """Symbol indices of ``word`` (:meth:`succinct.words.Alphabet.to_ids`: letters, or
        space-separated symbols when some symbol is longer than one character); unlike a
        recognizer's words, ε is allowed and gives the empty vector.

        Raises:
            SuccinctError: on a symbol outside the alphabet (named in the message).
        """
        if len(word) == 0:
            return np.empty(0, dtype=np.int32)
        return self.alphabet.to_ids(word)

    def decode(self, indices: Iterable[int]) -> str:
        """The word with these symbol indices (letters joined, or space-separated)."""
        sep = "" if all(len(s) == 1 for s in self.alphabet) else " "
        return sep.join(self.alphabet.symbols[int(i)] for i in indices)

    def accepts_word(self, word: str | Sequence[str]) -> bool:
        """Whether the DFA accepts one word (the empty word is allowed here: a plain
        automaton; :meth:`accepts` is the recognizer's, which refuses it)."""
        q = self.start
        for a in self.encode(word).tolist():
            q = int(self.delta[q, a])
        return bool(self.accepting[q])

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        """Acceptance of each word, as every recognizer: the empty word is refused."""
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Acceptance of a padded batch of non-empty words (:meth:`run` also takes ε)."""
        return self.run(np.asarray(tokens), check_lengths(lengths))

    def size_report(self) -> SizeReport:
        """States, transition table and its bits (:func:`succinct.sizes.dfa_report`)."""
        return dfa_report(self.n_states, self.n_symbols)

    def __str__(self) -> str:
        final = ", ".join(map(str, np.flatnonzero(self.accepting)))
        lines = [f"DFA over {_fmt_alphabet(self.alphabet)}: {self.n_states} states, start "
                 f"{self.start}, accepting {{{final}}}"]
        lines += [f"  {q}: " + ", ".join(f"{a} → {int(t)}" for a, t in
                                         zip(self.alphabet, self.delta[q], strict=True))
                  for q in range(min(self.n_states, 64))]
        if self.n_states > 64:
            lines.append(f"  … {self.n_states - 64} more states")
        return "\n".join(lines)

    def run(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        """Batched acceptance.

        Args:
            tokens: Integer ``[batch, T]`` symbol indices, right-padded (padding values
                are ignored and may be anything).
            lengths: ``[batch]`` word lengths in ``0..T`` (default: all ``T``).

        Returns:
            bool ``[batch]``.
        """
        tokens = np.asarray(tokens)
        if tokens.ndim != 2:
            raise SuccinctError(f"tokens must have shape [batch, T], got {tokens.shape}")
        if tokens.size and not np.issubdtype(tokens.dtype, np.integer):
            raise SuccinctError(f"tokens must be integers, got dtype {tokens.dtype}")
        b, width = tokens.shape
        lengths = np.full(b, width, dtype=np.int64) if lengths is None else np.asarray(lengths)
        if lengths.shape != (b,):
            raise SuccinctError(f"lengths must have shape ({b},), got {lengths.shape}")
        if b and not np.issubdtype(lengths.dtype, np.integer):
            raise SuccinctError(f"lengths must be integers, got dtype {lengths.dtype}")
        lengths = lengths.astype(np.int64)
        if b and (lengths.min() < 0 or lengths.max() > width):
            raise SuccinctError(f"lengths must be in 0..{width}")
        valid = np.arange(width)[None, :] < lengths[:, None]
        used = tokens[valid]
        if used.size and (used.min() < 0 or used.max() >= self.n_symbols):
            bad = int(used[(used < 0) | (used >= self.n_symbols)][0])
            raise SuccinctError(
                f"token {bad} is not a symbol index of the alphabet "
                f"{_fmt_alphabet(self.alphabet)} (0..{self.n_symbols - 1})"
            )
        order = np.argsort(-lengths, kind="stable")
        tok = tokens[order].astype(np.int64, copy=False)
        sorted_len = lengths[order]
        state = np.full(b, self.start, dtype=np.int64)
        max_len = int(sorted_len[0]) if b else 0
        # active[t] = number of words longer than t (a prefix of the sorted batch)
        active = np.searchsorted(-sorted_len, -np.arange(max_len), side="left")
        for t in range(max_len):
            c = int(active[t])
            state[:c] = self.delta[state[:c], tok[:c, t]]
        out = np.empty(b, dtype=bool)
        out[order] = self.accepting[state]
        return out

    # ---- structure --------------------------------------------------------------------

    def reachable_states(self) -> np.ndarray:
        """States reachable from the start, in BFS order (start first, symbols in order)."""
        return _bfs_tree(self.delta, self.start)[0]

    def canonical(self) -> DFA:
        """Drops unreachable states and renumbers the rest in BFS order from the start.

        Two DFAs that are isomorphic on their reachable parts have identical canonical
        forms; for minimal DFAs this means: same language iff ``a.canonical() ==
        b.canonical()``.
        """
        order = _bfs_tree(self.delta, self.start)[0]
        new_id = np.full(self.n_states, -1, dtype=np.int64)
        new_id[order] = np.arange(order.size)
        return DFA(self.alphabet, new_id[self.delta[order]], 0, self.accepting[order])

    def minimize(self, method: MinimizeMethod = "auto") -> DFA:
        """The minimal complete DFA of the same language, in canonical numbering.

        Args:
            method: ``"moore"`` (vectorized rounds until stable), ``"hopcroft"`` (Hopcroft
                from the accepting/rejecting split) or ``"auto"`` (Moore, then Hopcroft
                after ``max(32, 2 log2 n)`` rounds without convergence).

        Returns:
            The minimal DFA; it keeps the dead state if the language has one.
        """
        if method not in ("auto", "moore", "hopcroft"):
            raise SuccinctError(f"unknown minimization method {method!r}")
        dfa = self.canonical()
        n = dfa.n_states
        cls, n_cls = _dense_ids(dfa.accepting.astype(np.int64))
        if method == "hopcroft":
            cls, n_cls = _hopcroft(dfa.delta, cls, n_cls)
        else:
            limit = None if method == "moore" else max(32, 2 * math.ceil(math.log2(n + 1)))
            cls, n_cls, done = _moore(dfa.delta, cls, n_cls, limit)
            if not done:
                cls, n_cls = _hopcroft(dfa.delta, cls, n_cls)
        if n_cls == n:
            return dfa
        _, rep = np.unique(cls, return_index=True)
        quotient = DFA(dfa.alphabet, cls[dfa.delta[rep]], int(cls[0]), dfa.accepting[rep])
        return quotient.canonical()

    def is_minimal(self) -> bool:
        """Whether no smaller complete DFA accepts the same language."""
        return self.minimize().n_states == self.n_states

    def complement(self) -> DFA:
        """The DFA of Σ* minus this language (same states, accepting flipped)."""
        return DFA(self.alphabet, self.delta, self.start, ~self.accepting)

    def product(self, other: DFA, op: ProductOp = "and") -> DFA:
        """Reachable part of the product automaton, in canonical (BFS) numbering.

        Args:
            other: A DFA over the same alphabet (same symbols in the same order).
            op: ``"and"``, ``"or"``, ``"xor"`` or ``"diff"`` (this and not other).

        Returns:
            The product DFA (not minimized).
        """
        if op not in _PRODUCT_OPS:
            raise SuccinctError(f"unknown product op {op!r}: use one of {sorted(_PRODUCT_OPS)}")
        self._check_same_alphabet(other, "product")
        n1, n2 = self.n_states, other.n_states
        combine = _PRODUCT_OPS[op]
        if n1 * n2 * max(self.n_symbols, 1) <= _FULL_PRODUCT_ENTRIES:
            # Whole table at once (pair (p, q) is p * n2 + q), then BFS renumbering.
            # pair codes fit in int32: n1 * n2 ≤ _FULL_PRODUCT_ENTRIES
            table = (self.delta * np.int32(n2))[:, None, :] + other.delta[None, :, :]
            acc = combine(self.accepting[:, None], other.accepting[None, :])
            full = DFA(
                self.alphabet,
                table.reshape(n1 * n2, self.n_symbols),
                self.start * n2 + other.start,
                acc.reshape(-1),
            )
            return full.canonical()
        # Too many pairs to tabulate: explore the reachable pairs only.
        d1 = self.delta.astype(np.int64)
        d2 = other.delta.astype(np.int64)
        acc1, acc2 = self.accepting, other.accepting

        def step(codes: np.ndarray, symbols: np.ndarray) -> np.ndarray:
            c = codes[:, 0]
            return (d1[c // n2, symbols] * n2 + d2[c % n2, symbols])[:, None]

        def accept(codes: np.ndarray) -> np.ndarray:
            c = codes[:, 0]
            return combine(acc1[c // n2], acc2[c % n2])

        dfa, _ = explore(
            np.array([self.start * n2 + other.start], dtype=np.int64),
            step,
            accept,
            self.n_symbols,
            max_states=n1 * n2,
            alphabet=self.alphabet,
            bucket=False,
        )
        return dfa

    def __and__(self, other: DFA) -> DFA:
        return self.product(other, "and")

    def __or__(self, other: DFA) -> DFA:
        return self.product(other, "or")

    def __xor__(self, other: DFA) -> DFA:
        return self.product(other, "xor")

    def __invert__(self) -> DFA:
        return self.complement()

    # ---- language questions -----------------------------------------------------------

    def shortest_word(self) -> tuple[int, ...] | None:
        """The shortlex-least accepted word as symbol indices, or None if none exists.

        "Shortlex-least" means shortest, ties broken lexicographically by symbol index.
        Use :meth:`decode` to turn it into a string.
        """
        order, parent, via = _bfs_tree(self.delta, self.start)
        hits = np.flatnonzero(self.accepting[order])
        if not hits.size:
            return None
        q = int(order[hits[0]])
        word: list[int] = []
        while q != self.start:
            word.append(int(via[q]))
            q = int(parent[q])
        return tuple(reversed(word))

    def is_empty(self) -> bool:
        """Whether the language is empty (no accepting state is reachable)."""
        return not bool(self.accepting[self.reachable_states()].any())

    def equivalent(self, other: DFA) -> tuple[bool, str | None]:
        """Language equivalence with a shortest counterexample.

        BFS over the reachable pairs of the product, level by level, stopping at the first
        level that contains a pair on which exactly one DFA accepts.

        Returns:
            ``(True, None)``, or ``(False, w)`` where ``w`` is the shortlex-least word
            accepted by exactly one of the two DFAs (possibly ``""``).

        Raises:
            ValueError: if the alphabets differ (both are named in the message).
        """
        word = self.distinguishing_word(other)
        if word is None:
            return True, None
        return False, self.decode(word)

    def distinguishing_word(self, other: DFA) -> tuple[int, ...] | None:
        """Shortlex-least word (symbol indices) accepted by exactly one DFA, or None."""
        self._check_same_alphabet(other, "equivalence")
        n2, k = other.n_states, self.n_symbols
        d1, d2 = self.delta.astype(np.int64), other.delta
        acc1, acc2 = self.accepting, other.accepting
        if acc1[self.start] != acc2[other.start]:
            return ()
        frontier = np.array([self.start * n2 + other.start], dtype=np.int64)
        seen = _HashTable()  # pair code + 1 (0 marks empty slots)
        seen.insert(frontier.view(np.uint64) + np.uint64(1), np.zeros(1, dtype=np.int64))
        levels: list[tuple[np.ndarray, np.ndarray]] = []  # (parent position, symbol)
        while frontier.size and k:
            succ = (d1[frontier // n2] * n2 + d2[frontier % n2]).reshape(-1)
            pos = np.flatnonzero(seen.lookup(succ.view(np.uint64) + np.uint64(1)) < 0)
            pos = pos[_first_occurrence_unique(succ[pos])]
            new = succ[pos]
            seen.insert(new.view(np.uint64) + np.uint64(1), np.zeros(new.size, dtype=np.int64))
            levels.append((pos // k, pos % k))
            hits = np.flatnonzero(acc1[new // n2] != acc2[new % n2])
            if hits.size:
                i = int(hits[0])
                word = []
                for parents, symbols in reversed(levels):
                    word.append(int(symbols[i]))
                    i = int(parents[i])
                return tuple(reversed(word))
            frontier = new
        return None

    def _check_same_alphabet(self, other: DFA, what: str) -> None:
        if not isinstance(other, DFA):
            raise SuccinctError(f"{what} needs a DFA, got {type(other).__name__}")
        if self.alphabet != other.alphabet:
            raise SuccinctError(
                f"{what} of DFAs over different alphabets: "
                f"{_fmt_alphabet(self.alphabet)} vs {_fmt_alphabet(other.alphabet)}"
            )

    # ---- display ----------------------------------------------------------------------

    def dead_states(self) -> np.ndarray:
        """bool ``[n_states]``: states from which no accepting state can be reached."""
        live = self.accepting.copy()
        while True:
            grown = live.copy()
            if self.n_symbols:
                grown |= live[self.delta].any(axis=1)
            if np.array_equal(grown, live):
                return ~live
            live = grown

    def to_dot(self, name: str = "DFA", *, hide_dead: bool = False) -> str:
        """Graphviz DOT source (no graphviz dependency).

        Args:
            name: Graph name.
            hide_dead: Omit states from which no accepting state is reachable (and the
                edges into them), the usual drawing convention for partial DFAs.

        Returns:
            The DOT text: accepting states are double circles, parallel edges are merged
            into one edge with a comma-separated label.
        """

        def quote(s: str) -> str:
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

        shown = ~self.dead_states() if hide_dead else np.ones(self.n_states, dtype=bool)
        shown[self.start] = True
        lines = [
            f"digraph {quote(name)} {{",
            "  rankdir=LR;",
            "  node [shape=circle];",
            '  __start [shape=point, label=""];',
            f"  __start -> {self.start};",
        ]
        for q in np.flatnonzero(shown).tolist():
            shape = "doublecircle" if self.accepting[q] else "circle"
            lines.append(f"  {q} [shape={shape}];")
        for q in np.flatnonzero(shown).tolist():
            labels: dict[int, list[str]] = {}
            for a, t in enumerate(self.delta[q].tolist()):
                if shown[t]:
                    labels.setdefault(t, []).append(self.alphabet.symbols[a])
            for t, syms in labels.items():
                lines.append(f"  {q} -> {t} [label={quote(','.join(syms))}];")
        lines.append("}")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# building automata from oracles and transition functions
# --------------------------------------------------------------------------------------


def dfa_from_membership(
    alphabet: str | Iterable[str],
    accepts_batch: Callable[[np.ndarray, np.ndarray], np.ndarray],
    max_len: int,
    *,
    max_words: int = 2_000_000,
    batch_size: int = 65_536,
    pad_to: int | None = None,
) -> DFA:
    """The minimal complete DFA of ``L ∩ Σ^{≤max_len}`` from a batch membership oracle.

    The languages of this project are subsets of Σ⁺, so the oracle is never asked about
    the empty word, which is rejected. All words of lengths ``1..max_len`` are asked, level
    by level from the longest, in batches of at most ``batch_size`` words; classes of
    residual languages are then computed bottom-up (see the module docstring), so the
    result is minimal without a separate minimization pass. Words longer than ``max_len``
    go to the dead state.

    Args:
        alphabet: The symbols (``tokens`` values index into it).
        accepts_batch: ``accepts_batch(tokens[B, T], lengths[B]) -> bool[B]``. ``tokens``
            is int32, every row of one call has the same length ``lengths[i]``, and
            ``T`` is that length unless ``pad_to`` is given. Batches are padded (by
            repeating the first word) to a power of two ≥ 8 rows to limit recompilation
            of jitted oracles.
        max_len: Longest word length to ask about.
        max_words: Refuse if ``Σ_{ℓ=0}^{max_len} |Σ|^ℓ`` exceeds this.
        batch_size: Most words per oracle call.
        pad_to: Pad ``tokens`` with symbol 0 to this width (≥ ``max_len``).

    Returns:
        The minimal DFA, canonically numbered.

    Raises:
        ValueError: if the predicted number of words exceeds ``max_words``, or on bad
            arguments or oracle outputs.
    """
    symbols = _normalize_alphabet(alphabet)
    k = len(symbols)
    if k == 0:
        raise SuccinctError("dfa_from_membership needs a non-empty alphabet")
    if max_len < 0:
        raise SuccinctError(f"max_len must be ≥ 0, got {max_len}")
    if pad_to is not None and pad_to < max_len:
        raise SuccinctError(f"pad_to={pad_to} is shorter than max_len={max_len}")
    if batch_size < 1:
        raise SuccinctError(f"batch_size must be ≥ 1, got {batch_size}")
    total = sum(k**ell for ell in range(max_len + 1))
    if total > max_words:
        raise SuccinctError(
            f"dfa_from_membership would enumerate {total} words (all words of length ≤ "
            f"{max_len} over {k} symbols), more than max_words={max_words}"
        )

    def ask(ell: int, lo: int, hi: int) -> np.ndarray:
        words = words_of_length(k, ell, lo, hi)
        m = hi - lo
        rows = _bucket(m)
        width = ell if pad_to is None else pad_to
        tokens = np.zeros((rows, width), dtype=np.int32)
        tokens[:m, :ell] = words
        tokens[m:, :ell] = words[0]
        lengths = np.full(rows, ell, dtype=np.int32)
        out = np.asarray(accepts_batch(tokens, lengths))
        if out.shape != (rows,):
            raise SuccinctError(
                f"membership oracle returned shape {out.shape} for a batch of {rows} words"
            )
        return out[:m].astype(bool)

    index = _RowIndex(k + 1)
    index.get_or_add(np.zeros((1, k + 1), dtype=np.int64))  # class 0: the empty residual
    child = np.zeros(0, dtype=np.int64)  # classes of the words one level deeper
    child_is_dead = True  # words longer than max_len: all in the dead class
    for ell in range(max_len, -1, -1):
        n_words = k**ell
        cls = np.empty(n_words, dtype=np.int64)
        for lo in range(0, n_words, batch_size):
            hi = min(n_words, lo + batch_size)
            acc = ask(ell, lo, hi) if ell > 0 else np.zeros(1, dtype=bool)
            kids = (
                np.zeros((hi - lo, k), dtype=np.int64)
                if child_is_dead
                else child[lo * k : hi * k].reshape(hi - lo, k)
            )
            sig = np.concatenate([acc[:, None].astype(np.int64), kids], axis=1)
            cls[lo:hi] = index.get_or_add(sig)
        child, child_is_dead = cls, False
    table = index.rows(0, index.n).astype(np.int64)
    dfa = DFA(symbols, table[:, 1:], int(child[0]), table[:, 0].astype(bool))
    return dfa.canonical()


def dfa_from_transition_function(
    alphabet: str | Iterable[str],
    start_state: Hashable,
    step: Callable[[Any, str], Hashable],
    accept: Callable[[Any], bool],
    max_states: int = 100_000,
) -> DFA:
    """BFS over the reachable states of a Python state machine.

    Args:
        alphabet: The symbols.
        start_state: Any hashable state (tuples, bytes, ints, frozensets, …).
        step: ``step(state, symbol) -> state``; ``symbol`` is the symbol *string*.
        accept: ``accept(state) -> bool``.
        max_states: Stop with :class:`StateLimitExceeded` beyond this many states.

    Returns:
        The DFA of the reachable states in BFS order (not minimized).
    """
    symbols = _normalize_alphabet(alphabet)
    if max_states < 1:
        raise SuccinctError(f"max_states must be ≥ 1, got {max_states}")
    ids: dict[Hashable, int] = {start_state: 0}
    states: list[Hashable] = [start_state]
    rows: list[list[int]] = []
    queue = deque([(start_state, 0)])
    while queue:
        state, depth = queue.popleft()
        row = []
        for s in symbols:
            t = step(state, s)
            i = ids.get(t)
            if i is None:
                i = ids[t] = len(states)
                states.append(t)
                if len(states) > max_states:
                    raise StateLimitExceeded(len(states), max_states, depth + 1)
                queue.append((t, depth + 1))
            row.append(i)
        rows.append(row)
    delta = np.array(rows, dtype=np.int64).reshape(len(states), len(symbols))
    acc = np.array([bool(accept(q)) for q in states], dtype=bool)
    return DFA(symbols, delta, 0, acc)


def explore(
    start: np.ndarray,
    step_batch: Callable[[np.ndarray, np.ndarray], np.ndarray],
    accept_batch: Callable[[np.ndarray], np.ndarray],
    n_symbols: int,
    max_states: int,
    *,
    alphabet: str | Iterable[str] | None = None,
    batch_size: int = 65_536,
    bucket: bool = True,
) -> tuple[DFA, int]:
    """Vectorized BFS over states that are integer vectors (e.g. quantized RNN states).

    Each BFS level is expanded by calling ``step_batch`` on (state, symbol) pairs in
    batches; new states are recognized exactly (hash index with verification) and
    numbered in BFS order, so the result is already in canonical numbering.

    Args:
        start: Integer vector ``[d]``, the initial state.
        step_batch: ``step_batch(states[B, d], symbols[B]) -> next_states[B, d]``.
        accept_batch: ``accept_batch(states[B, d]) -> bool[B]``.
        n_symbols: Alphabet size.
        max_states: Stop with :class:`StateLimitExceeded` beyond this many states.
        alphabet: Symbol names (default ``"0", "1", …``).
        batch_size: Most (state, symbol) pairs per ``step_batch`` call.
        bucket: Pad every batch (by repeating its first row) to a power of two ≥ 8 rows,
            so that jitted callbacks compile for few shapes.

    Returns:
        ``(dfa, n_explored)``: the DFA of the reachable states (not minimized) and the
        number of states explored (= ``dfa.n_states``).

    Raises:
        StateLimitExceeded: carrying the number of states reached.
    """
    symbols = (
        tuple(str(i) for i in range(n_symbols))
        if alphabet is None
        else _normalize_alphabet(alphabet)
    )
    if len(symbols) != n_symbols:
        raise SuccinctError(
            f"alphabet {_fmt_alphabet(symbols)} has {len(symbols)} symbols, n_symbols={n_symbols}"
        )
    if max_states < 1:
        raise SuccinctError(f"max_states must be ≥ 1, got {max_states}")
    start_row = _as_int_rows(np.asarray(start).reshape(1, -1), None, "start")
    d = start_row.shape[1]
    k = n_symbols

    def padded(x: np.ndarray) -> tuple[np.ndarray, int]:
        m = x.shape[0]
        if not bucket:
            return x, m
        rows = _bucket(m)
        if rows == m:
            return x, m
        return np.concatenate([x, np.repeat(x[:1], rows - m, axis=0)]), m

    def call_accept(states: np.ndarray) -> np.ndarray:
        x, m = padded(states)
        out = np.asarray(accept_batch(x))
        if out.shape != (x.shape[0],):
            raise SuccinctError(f"accept_batch returned shape {out.shape} for {x.shape[0]} states")
        return out[:m].astype(bool)

    index = _RowIndex(d)
    index.get_or_add(start_row)
    delta_parts: list[np.ndarray] = []
    acc_parts: list[np.ndarray] = []
    lo, hi, depth = 0, 1, 0
    per_call = max(1, batch_size // max(k, 1))
    while lo < hi:
        depth += 1
        for c0 in range(lo, hi, per_call):
            c1 = min(hi, c0 + per_call)
            frontier = index.rows(c0, c1)
            acc_parts.append(call_accept(frontier))
            if k == 0:
                delta_parts.append(np.empty((c1 - c0, 0), dtype=np.int64))
                continue
            src, m = padded(np.repeat(frontier, k, axis=0))
            sym = np.tile(np.arange(k, dtype=np.int32), src.shape[0] // k + 1)[: src.shape[0]]
            out = _as_int_rows(step_batch(src, sym), d, "step_batch output")
            if out.shape[0] != src.shape[0]:
                raise SuccinctError(
                    f"step_batch returned {out.shape[0]} states for {src.shape[0]} inputs"
                )
            ids = index.get_or_add(out[:m])
            if index.n > max_states:
                raise StateLimitExceeded(index.n, max_states, depth)
            delta_parts.append(ids.reshape(c1 - c0, k))
        lo, hi = hi, index.n
    delta = np.concatenate(delta_parts)
    dfa = DFA(symbols, delta, 0, np.concatenate(acc_parts))
    return dfa, dfa.n_states
