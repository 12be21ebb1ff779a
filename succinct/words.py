"""Words, alphabets and their batched integer encoding.

A word is a non-empty sequence of symbols of an :class:`Alphabet`. The paper's
languages are subsets of Σ⁺, so the empty word is refused everywhere with a message
that says so. Batches of words of different lengths are right-padded into an int32
matrix ``tokens[B, T]`` with ``lengths[B]``; ``T`` is rounded up to a power of two
(at least 8) so that a jitted model compiles once per bucket, not once per length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Alphabet", "SuccinctError", "encode", "bucket_length", "EMPTY_WORD",
           "check_lengths", "check_batch"]

EMPTY_WORD = "the empty word is not a valid input: the paper's languages are subsets of Σ⁺"


class SuccinctError(ValueError):
    """A user-facing error: bad input, parameter out of range, model out of exact range."""


@dataclass(frozen=True)
class Alphabet:
    """An ordered tuple of distinct symbols (usually single characters).

    Symbols that are longer than one character are written space-separated in a word
    string (``"open_1 close_1"``); single-character alphabets read words letter by letter.
    """

    symbols: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.symbols:
            raise SuccinctError("an alphabet needs at least one symbol")
        if len(set(self.symbols)) != len(self.symbols):
            raise SuccinctError(f"alphabet has repeated symbols: {self.symbols}")
        for s in self.symbols:
            if not isinstance(s, str) or not s or any(c.isspace() for c in s):
                raise SuccinctError(f"alphabet symbols must be non-empty strings, got {s!r}")

    @classmethod
    def of(cls, symbols: str | Iterable[str]) -> Alphabet:
        """``Alphabet.of("ab")`` or ``Alphabet.of(["open", "close"])``."""
        return cls(tuple(symbols))

    def __len__(self) -> int:
        return len(self.symbols)

    def __iter__(self):
        return iter(self.symbols)

    @property
    def single_char(self) -> bool:
        return all(len(s) == 1 for s in self.symbols)

    @property
    def _ascii_table(self) -> np.ndarray | None:
        """Byte → symbol index (−1: not a symbol), for one-character ASCII alphabets."""
        if not (self.single_char and all(s.isascii() for s in self.symbols)):
            return None
        table = np.full(128, -1, np.int16)
        table[[ord(s) for s in self.symbols]] = np.arange(len(self.symbols))
        return table

    def index(self, symbol: str) -> int:
        try:
            return self.symbols.index(symbol)
        except ValueError:
            raise SuccinctError(
                f"unknown symbol {symbol!r}: the alphabet is {{{', '.join(self.symbols)}}}"
            ) from None

    def split(self, word: str | Sequence[str]) -> list[str]:
        """The symbols of ``word``: letters, or space-separated tokens for long symbols."""
        if isinstance(word, str):
            parts = list(word) if self.single_char else word.split()
        else:
            parts = list(word)
        if not parts:
            raise SuccinctError(f"{EMPTY_WORD} (non-empty words)")
        return parts

    def to_ids(self, word: str | Sequence[str]) -> np.ndarray:
        """Symbol indices of ``word`` as an int32 vector (checks every symbol)."""
        if isinstance(word, str) and word and word.isascii() and self._ascii_table is not None:
            # Vectorized path for one-character ASCII alphabets (long words: ~100x faster).
            ids = self._ascii_table[np.frombuffer(word.encode("ascii"), np.uint8)]
            bad = np.flatnonzero(ids < 0)
            if not bad.size:
                return ids.astype(np.int32)
        lookup = {s: i for i, s in enumerate(self.symbols)}
        parts = self.split(word)
        out = np.empty(len(parts), dtype=np.int32)
        for pos, s in enumerate(parts):
            i = lookup.get(s)
            if i is None:
                raise SuccinctError(
                    f"unknown symbol {s!r} at position {pos + 1}: the alphabet is "
                    f"{{{', '.join(self.symbols)}}}"
                )
            out[pos] = i
        return out

    def to_word(self, ids: Sequence[int] | np.ndarray) -> str:
        """The inverse of :meth:`to_ids`."""
        sep = "" if self.single_char else " "
        return sep.join(self.symbols[int(i)] for i in ids)


def check_lengths(lengths: np.ndarray | Sequence[int]) -> np.ndarray:
    """``lengths`` as an array, or the empty-word error if one of them is 0."""
    lengths = np.asarray(lengths)
    if lengths.size and lengths.min() < 1:
        raise SuccinctError(EMPTY_WORD)
    return lengths


def check_batch(tokens: np.ndarray, lengths: np.ndarray, n_symbols: int) -> None:
    """A padded batch ``tokens[B, N]``, ``lengths[B]`` over ``n_symbols`` symbols: shapes,
    non-empty words that fit the padding, token ids in range."""
    if tokens.ndim != 2 or lengths.shape != (tokens.shape[0],):
        raise SuccinctError("tokens must be [batch, length] and lengths [batch]")
    check_lengths(lengths)
    if tokens.shape[0] and lengths.max() > tokens.shape[1]:
        raise SuccinctError("a length exceeds the padded width of the batch")
    if tokens.size and (tokens.min() < 0 or tokens.max() >= n_symbols):
        raise SuccinctError(f"token ids must lie in [0, {n_symbols})")


def bucket_length(n: int) -> int:
    """Smallest power of two ≥ max(n, 8): the padded length of a batch."""
    return max(8, 1 << (max(n, 1) - 1).bit_length())


def encode(
    words: Iterable[str | Sequence[str]], alphabet: Alphabet, *, pad_to: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Encodes words as ``(tokens[B, T], lengths[B])``, right-padded with symbol 0.

    ``words`` is a collection of words; a bare string is refused with a ``TypeError``, since
    iterating it would silently decide its letters one by one instead of the word.
    """
    if isinstance(words, str):
        raise TypeError(f"accepts takes a list of words; got the single str {words!r} as "
                        f"words: did you mean accepts([{words!r}])?")
    ids = [alphabet.to_ids(w) for w in words]
    if not ids:
        return np.zeros((0, 8), np.int32), np.zeros((0,), np.int32)
    lengths = np.array([len(x) for x in ids], dtype=np.int32)
    width = pad_to if pad_to is not None else bucket_length(int(lengths.max()))
    tokens = np.zeros((len(ids), width), dtype=np.int32)
    for row, x in enumerate(ids):
        tokens[row, : len(x)] = x
    return tokens, lengths
