"""The one interface everything downstream consumes.

A *recognizer* has

* ``alphabet``: an :class:`succinct.words.Alphabet`;
* ``accepts(words) -> bool[B]`` and ``accepts_batch(tokens[B, N], lengths[B]) ->
  bool[B]``, which agree and refuse the empty word with a :class:`SuccinctError`
  (:func:`succinct.words.check_lengths`): languages here are sets of non-empty words;
* ``size_report() -> SizeReport`` (:mod:`succinct.sizes`), every size under a named
  measure;
* a ``__str__`` that prints it (models through :mod:`succinct.models.render`).

UHATs, positional UHATs, RNNs, second-order RNNs, B-RASP programs, LTL languages, DFAs
and plain Python predicates all are recognizers, so verification, sizes, the atlas and
the CLI never ask which kind they hold. A Python function has no size: the report of a
:class:`Predicate` or :class:`StepMachine` names its kind and no measure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from succinct.automata.dfa import DFA, StateLimitExceeded, dfa_from_transition_function
from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError, check_lengths, encode

__all__ = ["Recognizer", "Predicate", "StepMachine", "accepts", "check_alphabets",
           "TABULATE_STATES"]

# A StepMachine with at most this many reachable states decides batches by its table.
TABULATE_STATES = 1 << 16


@runtime_checkable
class Recognizer(Protocol):
    """Anything with an alphabet that decides membership of non-empty words and reports
    its sizes (module docstring)."""

    @property
    def alphabet(self) -> Alphabet: ...

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray: ...

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray: ...

    def size_report(self) -> SizeReport: ...


@dataclass(frozen=True)
class Predicate:
    """A reference recognizer from a Python function on words (tuples of symbols)."""

    alphabet: Alphabet
    fn: Callable[[tuple[str, ...]], bool]
    name: str = "predicate"

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        tokens = np.asarray(tokens)
        out = np.zeros(len(lengths), bool)
        symbols = self.alphabet.symbols
        for b, n in enumerate(check_lengths(lengths)):
            out[b] = bool(self.fn(tuple(symbols[t] for t in tokens[b, :n])))
        return out

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def size_report(self) -> SizeReport:
        """No size: a Python function is not a model (the report names the kind only)."""
        return SizeReport("predicate", notes={"sizes": f"{self.name}: a Python function, "
                                                        "no size"})

    def __str__(self) -> str:
        return f"{self.name} over {{{', '.join(self.alphabet)}}} (a Python predicate)"


@dataclass(frozen=True)
class StepMachine:
    """A reference recognizer written as a finite-state Python machine.

    A word is accepted iff folding ``step`` over its symbols from ``start`` ends in a
    state ``accept`` holds for. Being a fold, its language is that of the automaton of
    the states reachable from ``start`` (:meth:`automaton`), so verification can compare
    it with other models on **all** words, not only on the words it is run on.
    """

    alphabet: Alphabet
    start: Hashable
    step: Callable[[Any, str], Hashable]
    accept: Callable[[Any], bool]
    name: str = "state machine"

    def accepts_word(self, word: Sequence[str]) -> bool:
        """The decision on one word (ε included): fold ``step``, then ``accept``."""
        state = self.start
        for s in word:
            state = self.step(state, s)
        return bool(self.accept(state))

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The decisions on a padded batch: a vectorized run of :attr:`tabulated` (one
        table lookup per position for all words), or the fold word by word when the
        machine has more than ``TABULATE_STATES`` reachable states."""
        table = self.tabulated
        if table is None:
            decide = Predicate(self.alphabet, self.accepts_word, self.name)
            return decide.accepts_batch(tokens, lengths)
        return table.accepts_batch(tokens, lengths)

    @functools.cached_property
    def tabulated(self) -> DFA | None:
        """The fold as a table: the DFA of the reachable states (:meth:`automaton`,
        computed once), or None when there are more than ``TABULATE_STATES`` of them.
        Every state a word's fold passes through is reachable and gets the same
        successors and verdict in the table, so a run of the table decides every word
        as the fold does."""
        try:
            return self.automaton(TABULATE_STATES)
        except StateLimitExceeded:
            return None

    def accepts(self, words: Iterable[str | Sequence[str]]) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths)

    def size_report(self) -> SizeReport:
        """No size: the machine is Python code (its states are those of
        :meth:`automaton`, whose ``size_report`` counts them)."""
        return SizeReport("state machine", notes={"sizes": f"{self.name}: Python code, no "
                                                            "size; see automaton()"})

    def __str__(self) -> str:
        return f"{self.name} over {{{', '.join(self.alphabet)}}} (a Python state machine)"

    def automaton(self, max_states: int = 1_000_000) -> DFA:
        """The DFA of the reachable states (breadth-first, not minimized)."""
        return dfa_from_transition_function(self.alphabet.symbols, self.start, self.step,
                                            self.accept, max_states=max_states)


def accepts(recognizer: Recognizer, words: Iterable[str | Sequence[str]]) -> np.ndarray:
    """Acceptance of each word by any recognizer (a bare str is refused by
    :func:`succinct.words.encode`, as by every ``accepts`` method)."""
    tokens, lengths = encode(words, recognizer.alphabet)
    return np.asarray(recognizer.accepts_batch(tokens, lengths), dtype=bool)


def check_alphabets(recognizers: dict[str, Recognizer]) -> Alphabet:
    """The common alphabet, or an error naming the recognizers that differ."""
    items = list(recognizers.items())
    first_name, first = items[0]
    for name, r in items[1:]:
        if tuple(r.alphabet.symbols) != tuple(first.alphabet.symbols):
            raise SuccinctError(
                f"recognizers over different alphabets: {first_name} reads "
                f"{{{', '.join(first.alphabet)}}} but {name} reads {{{', '.join(r.alphabet)}}}"
            )
    return first.alphabet
