"""Labelled words for training and scoring: members, near misses and random words.

Every label comes from the family's reference recognizer (its definition). A
**sampler** only proposes words: with an automaton of the language (the family's ``dfa``
model, or the exact automaton of its reference or UHAT, :func:`succinct.exact.dispatch.
exact_dfa`) it draws members and non-members of one length *uniformly*, by counting
paths::

    c_0(q) = [q accepting],   c_n(q) = Σ_a c_{n−1}(δ(q, a))     (words of length n
                                                              accepted from q)
    next symbol a with probability c_{r−1}(δ(q, a)) / c_r(q)   (r symbols still to draw)

(non-members: the same with the accepting set complemented). Without an automaton it
proposes uniform words, and a sparse language then yields few members.

Training pool at length bound ``L`` (:func:`training_pool`): every word up to the length
ℓ₀ at which there are at most :data:`POOL_EXHAUSTIVE` of them; per length ``1..L``,
:data:`TRAIN_PER_LENGTH` sampled members and as many non-members; near misses (one
symbol of a sampled member changed); the family's first :data:`GENERATOR_MEMBERS`
generator members ``≤ L`` with edits of them (:func:`succinct.verify.mutate`);
:data:`TRAIN_UNIFORM` uniform words. Batches
are then drawn half from the members and half from the non-members (balanced).

Scoring sets: every word up to ``L`` when there are at most :data:`EXHAUSTIVE_LIMIT`
(else :data:`EVAL_SAMPLES` uniform words plus per-length members, near misses and
non-members, and the report says so); and per length ``L+1 … 4L`` :data:`PER_LENGTH` members and as
many non-members (half uniform, half near misses), scored separately.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from succinct.automata.dfa import DFA, words_of_length
from succinct.exact.dispatch import exact_dfa
from succinct.registry import Family
from succinct.verify import mutate
from succinct.words import Alphabet, SuccinctError

__all__ = ["Words", "Language", "language", "training_pool", "up_to", "longer",
           "POOL_EXHAUSTIVE", "TRAIN_PER_LENGTH", "TRAIN_UNIFORM", "EXHAUSTIVE_LIMIT",
           "EVAL_SAMPLES", "PER_LENGTH", "GENERATOR_MEMBERS"]

POOL_EXHAUSTIVE = 2048  # training pool: all words up to the length with at most this many
TRAIN_PER_LENGTH = 64  # sampled members (and non-members) per training length
TRAIN_UNIFORM = 1024  # uniform words of length 1..L in the training pool
EXHAUSTIVE_LIMIT = 1 << 17  # score every word up to L when there are at most this many
EVAL_SAMPLES = 16384  # uniform words scored up to L beyond that limit
PER_LENGTH = 64  # members (and non-members) scored at each length L+1 … 4L
GENERATOR_MEMBERS = 512  # members taken from the family's generator
_EXACT_STATES = 1 << 16  # state bound of the exact automaton used as a sampler
_EXACT_SECONDS = 10.0


@dataclass(frozen=True)
class Words:
    """A padded batch of words with their reference labels."""

    tokens: np.ndarray  # int32 [B, T]
    lengths: np.ndarray  # int32 [B]
    labels: np.ndarray  # bool [B]

    def __len__(self) -> int:
        return len(self.lengths)

    @staticmethod
    def join(parts: list[Words], width: int) -> Words:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Words(np.zeros((0, width), np.int32), np.zeros(0, np.int32),
                         np.zeros(0, bool))
        tok = np.zeros((sum(map(len, parts)), width), np.int32)
        row = 0
        for p in parts:
            w = min(p.tokens.shape[1], width)
            tok[row:row + len(p), :w] = p.tokens[:, :w]
            row += len(p)
        return Words(tok, np.concatenate([p.lengths for p in parts]).astype(np.int32),
                     np.concatenate([p.labels for p in parts]).astype(bool))


@dataclass(frozen=True)
class Language:
    """A family's language at fixed parameters: the reference that labels words, the
    generator's members, and an automaton that samples words (or none)."""

    alphabet: Alphabet
    reference: Any
    members: tuple[str, ...]
    automaton: DFA | None

    @property
    def sampler(self) -> str:
        return "automaton" if self.automaton is not None else "uniform"

    def label(self, tokens: np.ndarray, lengths: np.ndarray) -> Words:
        tokens = np.asarray(tokens, np.int32)
        lengths = np.asarray(lengths, np.int32)
        if not len(lengths):
            return Words(tokens, lengths, np.zeros(0, bool))
        labels = np.asarray(self.reference.accepts_batch(tokens, lengths), bool)
        return Words(tokens, lengths, labels)

    def sample(self, length: int, count: int, member: bool, rng: np.random.Generator
               ) -> np.ndarray:
        """Up to ``count`` words of ``length``: uniform members (``member``) or
        non-members by path counting; ``[0, length]`` when there are none, and uniform
        words without an automaton."""
        k = len(self.alphabet)
        if self.automaton is None:
            return rng.integers(0, k, (count, length)).astype(np.int32)
        dfa = self.automaton
        acc = dfa.accepting if member else ~dfa.accepting
        delta = np.asarray(dfa.delta)
        counts = [acc.astype(np.float64)]
        for _ in range(length):
            counts.append(counts[-1][delta].sum(axis=1))
        if counts[length][dfa.start] == 0:
            return np.zeros((0, length), np.int32)
        q = np.full(count, dfa.start)
        out = np.zeros((count, length), np.int32)
        for t in range(length):
            weights = counts[length - t - 1][delta[q]]  # [count, k]
            cum = np.cumsum(weights, axis=1)
            u = rng.random(count) * cum[:, -1]
            a = np.minimum((u[:, None] >= cum).sum(axis=1), k - 1)
            out[:, t] = a
            q = delta[q, a]
        return out


def language(family: Family, raw: Mapping[str, Any]) -> Language:
    """The reference, generator members and sampling automaton of ``family`` at ``raw``."""
    params = family.resolve(raw)
    reference = family.build(family.reference, raw)
    automaton = None
    if "dfa" in family.models:
        automaton = family.build("dfa", raw)
    else:
        for name in (family.reference, "uhat"):
            if name not in family.models:
                continue
            try:
                automaton = exact_dfa(family.build(name, raw), max_states=_EXACT_STATES,
                                      time_limit=_EXACT_SECONDS).minimal
                break
            except SuccinctError:
                continue
    if automaton is not None and not isinstance(automaton, DFA):
        automaton = None
    members = tuple(itertools.islice(family.members(params), GENERATOR_MEMBERS)) \
        if family.members else ()
    return Language(family.alphabet(params), reference, members, automaton)


def _substitute(tokens: np.ndarray, lengths: np.ndarray, k: int, rng: np.random.Generator
                ) -> np.ndarray:
    """Every word with one symbol changed (its length kept): near misses of members."""
    out = tokens.copy()
    if not len(out) or k < 2:
        return out
    rows = np.arange(len(out))
    pos = (rng.random(len(out)) * lengths).astype(np.int64)
    out[rows, pos] = (out[rows, pos] + rng.integers(1, k, len(out))) % k
    return out


def _generator_words(lang: Language, max_len: int, lo: int = 1) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    ids = [lang.alphabet.to_ids(w) for w in lang.members]
    ids = [w for w in ids if lo <= len(w) <= max_len]
    tok = np.zeros((len(ids), max_len), np.int32)
    for i, w in enumerate(ids):
        tok[i, :len(w)] = w
    return tok, np.array([len(w) for w in ids], np.int32)


def training_pool(lang: Language, max_len: int, rng: np.random.Generator) -> Words:
    """The training words of length ``1..max_len``, labelled (module docstring)."""
    k = len(lang.alphabet)
    parts: list[Words] = []
    total, n = 0, 0
    while n < max_len and total + k ** (n + 1) <= POOL_EXHAUSTIVE:
        n += 1
        total += k**n
        parts.append(lang.label(words_of_length(k, n), np.full(k**n, n)))
    parts += _per_length(lang, max_len, TRAIN_PER_LENGTH, rng)
    gen_tok, gen_len = _generator_words(lang, max_len)
    if len(gen_len):
        parts.append(lang.label(gen_tok, gen_len))
        for _ in range(4):
            tok, lens = mutate(gen_tok, gen_len, k, rng, max_len)
            parts.append(lang.label(tok, lens))
    lens = rng.integers(1, max_len + 1, TRAIN_UNIFORM)
    tok = rng.integers(0, k, (TRAIN_UNIFORM, max_len)).astype(np.int32)
    tok[np.arange(max_len)[None, :] >= lens[:, None]] = 0
    parts.append(lang.label(tok, lens))
    pool = Words.join(parts, max_len)
    if not pool.labels.any():
        raise SuccinctError(f"the language has no members of length ≤ {max_len} among "
                            f"{len(pool):,} words tried (every length up to {max_len} "
                            "sampled): nothing to learn; pass a larger --train-max-len")
    if pool.labels.all():
        raise SuccinctError(f"the language has no non-members of length ≤ {max_len} "
                            "(every word tried is a member): nothing to learn")
    return pool


def _per_length(lang: Language, max_len: int, count: int, rng: np.random.Generator
                ) -> list[Words]:
    """Per length ``1..max_len``: ``count`` uniform members, a near miss of each (one
    symbol substituted) and ``count`` uniform non-members, labelled by the reference."""
    k = len(lang.alphabet)
    parts = []
    for length in range(1, max_len + 1):
        for member in (True, False):
            tok = lang.sample(length, count, member, rng)
            parts.append(lang.label(tok, np.full(len(tok), length)))
            if member and len(tok):
                near = _substitute(tok, np.full(len(tok), length), k, rng)
                parts.append(lang.label(near, np.full(len(near), length)))
    return parts


def up_to(lang: Language, max_len: int, rng: np.random.Generator) -> tuple[Words, bool]:
    """The words scored up to ``max_len`` and whether they are all of them: every word
    of length ``1..max_len`` in shortlex order when there are at most
    :data:`EXHAUSTIVE_LIMIT`; else :data:`EVAL_SAMPLES` uniform words, the generator's
    members and an edit of each, and per length :data:`PER_LENGTH` members, as many
    near misses of them and :data:`PER_LENGTH` non-members (uniform words alone are
    almost all easy non-members of a sparse language), each distinct word once."""
    k = len(lang.alphabet)
    total = sum(k**n for n in range(1, max_len + 1))
    if total <= EXHAUSTIVE_LIMIT:
        parts = [lang.label(words_of_length(k, n), np.full(k**n, n))
                 for n in range(1, max_len + 1)]
        return Words.join(parts, max_len), True
    lens = rng.integers(1, max_len + 1, EVAL_SAMPLES)
    tok = rng.integers(0, k, (EVAL_SAMPLES, max_len)).astype(np.int32)
    tok[np.arange(max_len)[None, :] >= lens[:, None]] = 0
    parts = [lang.label(tok, lens), lang.label(*_generator_words(lang, max_len))]
    parts += _per_length(lang, max_len, PER_LENGTH, rng)
    gen_tok, gen_len = _generator_words(lang, max_len)
    if len(gen_len):
        parts.append(lang.label(*mutate(gen_tok, gen_len, k, rng, max_len)))
    words = Words.join(parts, max_len)
    # each distinct word once (a language with few members draws the same ones again)
    _, first = np.unique(np.column_stack([words.lengths, words.tokens]), axis=0,
                         return_index=True)
    first = np.sort(first)
    return Words(words.tokens[first], words.lengths[first], words.labels[first]), False


def longer(lang: Language, max_len: int, rng: np.random.Generator) -> dict[int, Words]:
    """Per length ``n = L+1 … 4L``: up to :data:`PER_LENGTH` members (drawn uniformly
    with replacement, and the generator's of that length) and as many non-members (half
    uniform, half near misses), labelled by the reference."""
    k = len(lang.alphabet)
    out: dict[int, Words] = {}
    gen_tok, gen_len = _generator_words(lang, 4 * max_len, lo=max_len + 1)
    for n in range(max_len + 1, 4 * max_len + 1):
        members = lang.sample(n, PER_LENGTH, True, rng)
        mine = gen_tok[gen_len == n][:PER_LENGTH, :n]
        uniform = lang.sample(n, PER_LENGTH // 2, False, rng)
        source = np.concatenate([members, mine]) if len(mine) else members
        near_src = source[:PER_LENGTH // 2]
        near = _substitute(near_src, np.full(len(near_src), n), k, rng)
        tok = np.concatenate([members, mine, uniform, near]).astype(np.int32)
        out[n] = lang.label(tok, np.full(len(tok), n))
    return out
