"""Time budget and progress of the exact constructions (state explorations).

An exact automaton can take exponential time (Thm 19: equivalence of UHATs is
EXPSPACE-complete), and how many states a model's automaton has is not known before it is
explored. What can be measured is the rate: ``r`` states expanded per second so far. At
that rate, exploring up to the state bound ``max_states`` takes at most

    T_max = max_states / r  seconds,

an upper bound on the rest of the run (it either finishes with fewer states or stops at
the bound). :func:`watching` sets a budget of ``time_limit`` seconds for the constructions
run inside it: once the exploration has run for ``time_limit / PROBE_FRACTION`` seconds
without finishing, it stops with :class:`ExplorationBudgetExceeded` if ``T_max`` exceeds
the time limit (the prediction), and in any case when it passes the time limit. Small
automata finish inside the probe time and are never stopped.

The constructions report progress here: the vectorized BFS
(:func:`succinct.automata.dfa.explore`, through :func:`watch_step`) after every batch of
``(state, symbol)`` pairs, and the layer-by-layer construction of
:mod:`succinct.exact.two_sided` every :data:`CHECK_EVERY` new states of an intermediate
automaton. Outside :func:`watching` the hooks do nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from succinct.words import SuccinctError

__all__ = ["ExplorationBudgetExceeded", "watching", "watch_step", "advance", "PROBE_FRACTION"]

PROBE_FRACTION = 12  # predict after time_limit / PROBE_FRACTION seconds
CHECK_EVERY = 4096  # two-sided construction: new states between checks
CHUNK = 4096  # vectorized BFS: (state, symbol) rows per watched call of the step

Progress = Callable[[int], None]  # progress(states expanded so far)


class ExplorationBudgetExceeded(SuccinctError):
    """An exact construction stopped by its time budget.

    Attributes:
        explored: States expanded when it stopped.
        seconds: Time spent.
        max_states: The state bound.
        time_limit: The time budget (seconds).
        predicted: ``max_states / rate``: seconds to explore up to the state bound at the
            measured rate (None when it stopped because it passed the time limit).
    """

    def __init__(self, explored: int, seconds: float, max_states: int, time_limit: float,
                 predicted: float | None) -> None:
        self.explored, self.seconds = explored, seconds
        self.max_states, self.time_limit, self.predicted = max_states, time_limit, predicted
        rate = explored / seconds if seconds > 0 else 0.0
        done = f"state exploration expanded {explored:,} states in {seconds:.1f} s " \
            f"(~{rate:,.0f} states/s) without finishing"
        if predicted is None:
            why = f" and passed the time limit of {time_limit:g} s"
        else:
            why = (f"; exploring up to the bound of {max_states:,} states would take up to "
                   f"~{predicted:,.0f} s, more than the time limit of {time_limit:g} s")
        super().__init__(done + why)


@dataclass
class _Clock:
    max_states: int
    time_limit: float
    progress: Progress | None
    start: float = field(default_factory=time.perf_counter)
    explored: int = 0  # states expanded, over every construction and restart in the block

    def advance(self, n: int) -> None:
        self.explored += n
        explored = self.explored
        if self.progress is not None:
            self.progress(explored)
        seconds = time.perf_counter() - self.start
        if seconds > self.time_limit:
            raise ExplorationBudgetExceeded(explored, seconds, self.max_states,
                                            self.time_limit, None)
        if seconds >= self.time_limit / PROBE_FRACTION and explored > 0:
            predicted = self.max_states * seconds / explored
            if predicted > self.time_limit:
                raise ExplorationBudgetExceeded(explored, seconds, self.max_states,
                                                self.time_limit, predicted)


_ACTIVE: contextvars.ContextVar[_Clock | None] = contextvars.ContextVar("budget", default=None)


@contextlib.contextmanager
def watching(max_states: int, time_limit: float | None = None,
             progress: Progress | None = None) -> Iterator[None]:
    """Exact constructions inside this block obey ``time_limit`` seconds (module
    docstring) and report the states they expand to ``progress``. With neither, nothing
    is watched."""
    if time_limit is None and progress is None:
        yield
        return
    clock = _Clock(max_states, float("inf") if time_limit is None else time_limit, progress)
    token = _ACTIVE.set(clock)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def advance(n: int) -> None:
    """Reports ``n`` more expanded states to the active budget (if any), which may stop
    the run."""
    clock = _ACTIVE.get()
    if clock is not None:
        clock.advance(n)


def watch_step(step: Callable[[np.ndarray, np.ndarray], np.ndarray], n_symbols: int
               ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``step`` for :func:`succinct.automata.dfa.explore`, checking the active budget before
    batch: ``explore`` calls it with states of its frontier paired with all ``n_symbols``
    symbols, so a batch of ``pairs`` rows expands ``pairs / n_symbols`` states. Batches
    are cut into chunks of :data:`CHUNK` rows (``step`` is row-wise), so the budget is
    checked every few seconds even where a whole batch takes minutes."""
    if _ACTIVE.get() is None:
        return step

    def watched(states: np.ndarray, symbols: np.ndarray) -> np.ndarray:
        out = []
        for lo in range(0, states.shape[0], CHUNK):
            out.append(np.asarray(step(states[lo:lo + CHUNK], symbols[lo:lo + CHUNK])))
            advance(out[-1].shape[0] // max(n_symbols, 1))
        return np.concatenate(out)

    return watched
