"""Automata of recognizers: exact where the model allows it, bounded otherwise.

* **k-bit RNNs** (Prop 1 of the paper): with ``bits=k`` every hidden unit holds one of
  ``2^k`` codes after every step, so the reachable states form a DFA with at most
  ``2^{kD}`` states. :func:`extract_rnn` finds them exactly by breadth-first search from
  ``h_0``: each BFS frontier is expanded by one batched call of the jitted transition
  ``rnn.step_codes`` for all (state, symbol) pairs, and new states are recognized exactly
  (hash index over the integer code vectors, :func:`succinct.automata.dfa.explore`). The
  state set reached is checked against the ``2^{kD}`` bound; a search that goes beyond
  ``max_states`` stops with :class:`succinct.automata.dfa.StateLimitExceeded` carrying the
  count reached.
* **strict-future B-RASP programs, UHATs and past-time LTL**: the constructions of
  :mod:`succinct.exact.future` (LTL through Prop 16's program).
* **programs, UHATs and LTL that also look right** (strict past masks, future-time
  operators): the layer-by-layer construction of :mod:`succinct.exact.two_sided`.
* **DFAs**: themselves; **state machines** (:class:`succinct.recognizer.StepMachine`):
  the automaton of their reachable states.
* **anything else, bounded**: :func:`bounded_dfa` is the minimal DFA of ``L ∩ Σ^{≤L}``
  from membership queries on all words up to length ``L``
  (:func:`succinct.automata.dfa.dfa_from_membership`).

Every language here is a subset of Σ⁺, so automata are normalized to reject the empty
word (:func:`reject_empty`) before they are compared.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from succinct.automata.dfa import DFA, dfa_from_membership, explore
from succinct.exact import budget
from succinct.exact.future import DEFAULT_MAX_STATES, check_future_only, program_dfa, uhat_dfa
from succinct.exact.two_sided import check_strict_masks, program_two_sided_dfa, two_sided_dfa
from succinct.models.rnn import RNN
from succinct.models.uhat import UHAT
from succinct.programs.brasp import Program
from succinct.programs.ltl import Language, to_brasp
from succinct.recognizer import Recognizer, StepMachine
from succinct.sizes import kind_words
from succinct.words import SuccinctError, bucket_length

__all__ = ["Automaton", "extract_rnn", "exact_dfa", "exact_support",
           "bounded_dfa", "reject_empty"]


@dataclass(frozen=True)
class Automaton:
    """A recognizer's automaton and how it was obtained.

    Attributes:
        minimal: The minimal complete DFA, canonically numbered, rejecting ε.
        method: ``"rnn-extraction"``, ``"brasp-exact"``, ``"uhat-exact"``,
            ``"ltl-exact"``, ``"state-machine"``, ``"dfa"`` or ``"bounded"``.
        explored: Raw states visited by the construction (for the layer-by-layer
            construction: the largest intermediate automaton; for RNNs: quantized states
            reached; for bounded DFAs: words asked).
        exact: Whether ``minimal`` is the automaton of the whole language (not only up
            to ``max_len``).
        bound: ``2^{kD}`` for RNNs (Prop 1), else None.
        max_len: The length bound of a bounded automaton, else None.
        seconds: Wall time of the construction.
    """

    minimal: DFA
    method: str
    explored: int
    exact: bool
    bound: int | None = None
    max_len: int | None = None
    seconds: float = 0.0

    @property
    def states(self) -> int:
        """The number of states of :attr:`minimal` (the count the certificate reports
        under ``"states"``; the states themselves are ``range(states)``, numbered
        canonically, and :attr:`minimal` holds their table)."""
        return self.minimal.n_states

    @property
    def states_per_second(self) -> float:
        return self.explored / self.seconds if self.seconds > 0 else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {"states": self.states, "method": self.method,
                "explored": self.explored, "exact": self.exact, "bound": self.bound,
                "max_len": self.max_len, "seconds": self.seconds}


def reject_empty(dfa: DFA) -> DFA:
    """The same DFA on non-empty words, rejecting ε (adds a fresh start state if needed)."""
    if not dfa.accepting[dfa.start]:
        return dfa
    delta = np.concatenate([dfa.delta, dfa.delta[dfa.start][None, :]])
    accepting = np.concatenate([dfa.accepting, [False]])
    return DFA(dfa.alphabet, delta, dfa.n_states, accepting)


MIN_ROWS = 4096  # smallest batch of the jitted RNN step: few shapes, few compiles


def _padded(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    """``fn`` on batches padded (repeating row 0) to a power of two ≥ ``MIN_ROWS`` rows."""

    def call(*arrays: np.ndarray) -> np.ndarray:
        m = arrays[0].shape[0]
        rows = max(MIN_ROWS, bucket_length(m))
        padded = [np.concatenate([a, np.repeat(a[:1], rows - m, axis=0)]) for a in arrays]
        return np.asarray(fn(*padded))[:m]

    return call


def extract_rnn(rnn: RNN, *, max_states: int = DEFAULT_MAX_STATES,
                batch_size: int = 65_536) -> Automaton:
    """The automaton of a k-bit RNN by BFS over its reachable quantized states (Prop 1).

    Args:
        rnn: An RNN built with ``bits=k``.
        max_states: Stop with :class:`succinct.automata.dfa.StateLimitExceeded` (which
            carries the number of states reached) beyond this many states.
        batch_size: Most (state, symbol) pairs per call of ``rnn.step_codes``.

    Returns:
        The minimal DFA; ``explored`` is the number of reachable quantized states and
        ``bound`` is ``2^{kD}``.
    """
    if not isinstance(rnn, RNN) or rnn.spec.bits is None:
        raise SuccinctError("RNN extraction needs an RNN in k-bit mode (built with bits=k)")
    t0 = time.perf_counter()
    raw, reached = explore(rnn.initial_code(),
                           budget.watch_step(_padded(rnn.step_codes), len(rnn.alphabet)),
                           _padded(rnn.accept_codes), len(rnn.alphabet), max_states,
                           alphabet=rnn.alphabet.symbols, batch_size=batch_size, bucket=False)
    bound = 2 ** (rnn.spec.bits * rnn.units)
    if reached > bound:  # impossible for codes in [0, 2^k): a broken step_codes
        raise SuccinctError(f"RNN extraction reached {reached} states, more than the "
                            f"2^(kD) = {bound} of Prop 1")
    minimal = reject_empty(raw).minimize()
    return Automaton(minimal, "rnn-extraction", reached, True, bound=bound,
                     seconds=time.perf_counter() - t0)


def exact_support(recognizer: Any) -> str | None:
    """None if :func:`exact_dfa` can build the automaton of ``recognizer``, else why not."""
    if isinstance(recognizer, DFA | StepMachine):
        return None
    if isinstance(recognizer, RNN):
        return None if recognizer.spec.bits is not None else \
            "the RNN is not in k-bit mode (extraction needs bits=k)"
    try:
        if isinstance(recognizer, Language):
            check_strict_masks(to_brasp(recognizer.formula, recognizer.alphabet))
        elif isinstance(recognizer, Program | UHAT):
            check_strict_masks(recognizer)
        else:
            return (f"no exact automaton for {kind_words(recognizer)} (exact "
                    "constructions: DFA, state machine, k-bit RNN, B-RASP program or UHAT "
                    "with strict masks, LTL); use the bounded check")
    except SuccinctError as e:
        return str(e)
    return None


def _future_only(model: Program | UHAT) -> bool:
    try:
        check_future_only(model)
    except SuccinctError:
        return False
    return True


def exact_dfa(recognizer: Any, *, max_states: int = DEFAULT_MAX_STATES,
              time_limit: float | None = None,
              progress: Callable[[int], None] | None = None) -> Automaton:
    """The automaton of the whole language, for the models where it is computable here.

    Supported: DFAs, state machines, k-bit RNNs, B-RASP programs and UHATs whose
    attention is strictly masked (strict-future ones by :mod:`succinct.exact.future`, the
    others by :mod:`succinct.exact.two_sided`), and LTL through Prop 16's program.

    Args:
        recognizer: The model.
        max_states: State bound of the exploration.
        time_limit: Seconds (None: no limit); the exploration stops early when, at its
            measured rate, reaching ``max_states`` would take longer
            (:mod:`succinct.exact.budget`).
        progress: ``progress(states expanded)``, called as the exploration goes.

    Raises:
        SuccinctError: for any other recognizer (use :func:`bounded_dfa`), or a
            program/UHAT with unmasked attention.
        StateLimitExceeded: beyond ``max_states`` states, with the count reached.
        ExplorationBudgetExceeded: past the time budget, with what was explored.
    """
    reason = exact_support(recognizer)
    if reason is not None:
        raise SuccinctError(reason)
    with budget.watching(max_states, time_limit, progress):
        return _exact_dfa(recognizer, max_states)


def _exact_dfa(recognizer: Any, max_states: int) -> Automaton:
    t0 = time.perf_counter()
    if isinstance(recognizer, DFA):
        return Automaton(reject_empty(recognizer).minimize(), "dfa", recognizer.n_states,
                         True, seconds=time.perf_counter() - t0)
    if isinstance(recognizer, RNN):
        return extract_rnn(recognizer, max_states=max_states)
    if isinstance(recognizer, StepMachine):
        raw = recognizer.automaton(max_states)
        return Automaton(reject_empty(raw).minimize(), "state-machine", raw.n_states, True,
                         seconds=time.perf_counter() - t0)
    if isinstance(recognizer, UHAT):
        if _future_only(recognizer):
            raw, n = uhat_dfa(recognizer, max_states=max_states)
            minimal = raw.minimize()
        else:
            minimal, n = two_sided_dfa(recognizer, max_states=max_states)
        return Automaton(minimal, "uhat-exact", n, True, seconds=time.perf_counter() - t0)
    if isinstance(recognizer, Language):
        program, method = to_brasp(recognizer.formula, recognizer.alphabet), "ltl-exact"
    else:
        program, method = recognizer, "brasp-exact"
    if _future_only(program):
        raw, n = program_dfa(program, max_states=max_states)
        minimal = raw.minimize()
    else:
        minimal, n = program_two_sided_dfa(program, max_states=max_states)
    return Automaton(minimal, method, n, True, seconds=time.perf_counter() - t0)


def bounded_dfa(recognizer: Recognizer, max_len: int, *, max_words: int = 2_000_000,
                batch_size: int = 65_536) -> Automaton:
    """The minimal DFA of ``L ∩ Σ^{≤max_len}`` from membership of every word up to there."""
    if max_len < 1:
        raise SuccinctError(f"max_len must be at least 1, got {max_len}")
    t0 = time.perf_counter()
    k = len(recognizer.alphabet)
    minimal = dfa_from_membership(recognizer.alphabet.symbols, recognizer.accepts_batch,
                                  max_len, max_words=max_words, batch_size=batch_size,
                                  pad_to=bucket_length(max_len))
    asked = sum(k**ell for ell in range(1, max_len + 1))
    return Automaton(minimal, "bounded", asked, False, max_len=max_len,
                     seconds=time.perf_counter() - t0)
