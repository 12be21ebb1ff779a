"""Any DFA as a 1-bit Elman RNN (the converse of Prop 1).

Construction (the classic Minsky simulation of an automaton by threshold units). For a complete DFA
``(Q, Σ, δ, q_0, F)`` the RNN has one unit ``q{q}/{σ}`` per pair ``(q, σ) ∈ Q × Σ`` plus
one unit ``start``; all are 0/1 (step activation, ``bits=1``). The invariant is

    u_t[(q, σ)] = 1  ⟺  the state before reading x_t was q and x_t = σ,
    u_t[start]  = 1  ⟺  t = 0.

Update ``u_t = step(W u_{t−1} + U x_t + b)`` with

    W[(q, σ), (q', σ')] = [δ(q', σ') = q],   W[(q_0, σ), start] = 1,
    U[(q, σ), σ]        = 1,                  b[(q, σ)] = −1,   b[start] = 0,

so ``(q, σ)`` fires exactly when the unique active unit at ``t − 1`` leads to ``q`` (or
``t = 1`` and ``q = q_0``) *and* the symbol is ``σ``: a sum of 2 minus 1 is positive, a
sum of at most 1 minus 1 is not. ``start`` has no input and switches off after the
first step. Acceptance is linear in the one active unit::

    accept ⟺ Σ_{(q, σ): δ(q, σ) ∈ F} u[(q, σ)] + [q_0 ∈ F]·u[start] > 0.

Size: ``D = |Q|·|Σ| + 1`` units at ``k = 1`` bit, so ``kD = |Q|·|Σ| + 1``; every weight
is 0, ±1. Prop 1 gives the converse bound ``|Q_min| ≤ 2^{kD}``.
"""

from __future__ import annotations

from succinct.automata.dfa import DFA
from succinct.models.rnn import RNN, RNNBuilder

__all__ = ["dfa_to_rnn", "unit_label"]


def unit_label(state: int, symbol: str) -> str:
    """Label of the unit ``(q, σ)``: ``q{state}/{symbol}``."""
    return f"q{state}/{symbol}"


def dfa_to_rnn(dfa: DFA) -> RNN:
    """The 1-bit step RNN with ``|Q|·|Σ| + 1`` units that accepts exactly ``L(dfa)``."""
    alphabet = dfa.alphabet
    states = range(dfa.n_states)
    pairs = [(q, a) for q in states for a in alphabet]
    units = ["start"] + [unit_label(q, a) for q, a in pairs]
    accepting = {q for q in states if dfa.accepting[q]}
    readout = {unit_label(q, a): 1 for q, a in pairs
               if int(dfa.delta[q, alphabet.index(a)]) in accepting}
    if dfa.start in accepting:
        readout["start"] = 1
    b = RNNBuilder(alphabet, units, activation="step", bits=1, h0={"start": 1},
                   readout=readout)
    for q, a in pairs:
        u = unit_label(q, a)
        b.U[(u, a)] = 1
        b.W.set_bias(u, -1)
        if q == dfa.start:
            b.W[(u, "start")] = 1
    for q_prev, a_prev in pairs:
        q = int(dfa.delta[q_prev, alphabet.index(a_prev)])
        for a in alphabet:
            b.W[(unit_label(q, a), unit_label(q_prev, a_prev))] = 1
    return b.build()
