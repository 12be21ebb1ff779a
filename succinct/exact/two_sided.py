"""Exact automata of UHATs that attend both ways (strict future and strict past masks).

:mod:`succinct.exact.future` reads a strict-future UHAT left to right: every value at
position ``t`` is a function of ``a_t`` and a finite record of the prefix. With past
masks a value at ``t`` also depends on the suffix, so no single left-to-right pass
works. Layer by layer it does: a UHAT is a composition of letter-to-letter maps on the
sequence of residual vectors, and each one is simple.

* A position-wise layer (FFN, ReLU, an attention layer whose attended vector is unused)
  maps each vector on its own: ``v_t ↦ f(v_t)``.
* A strict-future attention layer is a *left-sequential* transducer: its output at ``t``
  is a function of ``v_t`` and of the record of ``v_1 … v_{t−1}`` that
  :mod:`succinct.exact.future` keeps (the distinct keys ``k_j = B v_j + b_B`` in order of
  last (▶) / first (◀) occurrence, each with the coordinates of ``v_j`` that ``C_a``
  reads).
* A strict-past attention layer is the mirror image: reading the sequence from the
  right, ``j > t`` are the positions already read, and "leftmost ``j``" is the one read
  last, so it is the left-sequential transducer above on the reversed sequence, with the
  tie-break swapped (◀ past ≡ ▶ future on the reverse, and ▶ past ≡ ◀ future).

Let ``L_0 = {(a_1, e(a_1)) … (a_n, e(a_n))}`` be the sequences of (letter, embedding)
labels, and ``L_{ℓ+1}`` the image of ``L_ℓ`` under layer ℓ, the letter carried along.
The image of a regular language under a letter-to-letter sequential transducer is
regular: the product of a DFA for ``L_ℓ`` with the transducer's records, its outputs as
labels, is an automaton for ``L_{ℓ+1}`` (nondeterministic where two inputs give one
output; subset construction, then minimization). For a past layer the language is
reversed (subset construction on the reversed automaton) before and after. Every word
``w`` has exactly one sequence in ``L_ℓ`` whose letters spell ``w`` (its residual stream
after ℓ layers), so at the end the word is accepted iff that sequence ends (``accept_at
= "last"``; begins, for ``"first"``) in a vector the readout accepts: a product with
that flag, projected to the letters and determinized, is the UHAT's DFA. Each step is
exact, so the automaton accepts exactly the UHAT's words, **of every length**.

Values are exact integers (int64 here), so the automaton is that of the model as it is
(perturbed integer weights included), not of the program it was compiled from. For a
model certified with its Boolean declarations (``spec.boolean_guard``) the declared
coordinates that the output depends on are checked on every label that reaches an
attention layer, i.e. on every residual vector any word produces there: this proves
them for all words (so the int64 values here stay within the guarded bounds), or the
construction refuses. Declared coordinates that nothing reads cannot change the
language and are not checked; the evaluators check them too, so they may refuse words
whose answer the automaton gives. The
cost is in the sizes of the intermediate automata and of their label alphabets (the
distinct residual vectors); coordinates that no later layer or the readout depends on
are zeroed first (a backward liveness pass over the weights), which keeps both small for
compiled programs. Unmasked attention (``mask="none"``) reads both sides at once and is
refused. Equivalence of general UHATs is EXPSPACE-complete (Thm 19 of the paper); this
construction can take exponential time and the ``max_states`` limit stops it.

References: paper §2.3 (UHAT), Thm 19; regular languages are closed under images by
sequential transducers and under reversal (standard).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from succinct.automata.dfa import DFA, StateLimitExceeded
from succinct.exact import budget
from succinct.models import layers
from succinct.models.specs import FFN, Attention, ReLU, guard_columns, guard_message
from succinct.models.uhat import UHAT
from succinct.programs.brasp import Attend, Input, Program, eval_expr
from succinct.words import SuccinctError

__all__ = ["two_sided_dfa", "program_two_sided_dfa", "check_strict_masks",
           "live_coordinates"]

Label = tuple[int, ...]  # (letter index, *residual vector)


class _Index:
    """Numbers hashable items in order of first appearance (iterating it while adding is a
    breadth-first queue); more than ``limit`` items raise
    :class:`succinct.automata.dfa.StateLimitExceeded`."""

    def __init__(self, limit: float = float("inf")) -> None:
        self.items: list = []
        self.ids: dict[Hashable, int] = {}
        self.limit = limit

    def add(self, item: Hashable) -> int:
        i = self.ids.get(item)
        if i is None:
            i = self.ids[item] = len(self.items)
            self.items.append(item)
            if not len(self.items) % budget.CHECK_EVERY:
                budget.advance(budget.CHECK_EVERY)
            if len(self.items) > self.limit:
                raise StateLimitExceeded(len(self.items), int(self.limit), -1)
        return i

    def __iter__(self):
        i = 0
        while i < len(self.items):
            yield self.items[i]
            i += 1


@dataclass
class _Auto:
    """A trim deterministic automaton over label ids (missing transitions reject)."""

    labels: list[Label]
    delta: list[dict[int, int]]
    start: int
    accepting: set[int]

    @property
    def n_states(self) -> int:
        return len(self.delta)


@dataclass
class _NFA:
    labels: list[Label]
    trans: list[dict[int, set[int]]]
    starts: set[int]
    accepting: set[int]


def check_strict_masks(model: UHAT | Program) -> None:
    """Raises :class:`SuccinctError` unless every attending layer (op) is strictly masked."""
    if isinstance(model, Program):
        bad = [op.name for op in model.attention_ops if op.mask not in ("future", "past")]
    else:
        bad = [f"layer {i}" for i, layer in enumerate(model.spec.layers)
               if isinstance(layer, Attention) and layer.uses_attended
               and layer.mask not in ("future", "past")]
    if bad:
        raise SuccinctError(
            f"the exact automaton construction covers strict future and past masks, but "
            f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} unmasked: not supported, "
            "use the bounded check (verify with max_len)")
    if isinstance(model, UHAT) and not model.exact:
        raise SuccinctError("the exact automaton needs integer weights (an exact UHAT)")


# ====================================================================== automata on labels
def _determinize(nfa: _NFA, max_states: int) -> _Auto:
    """Subset construction (only reachable subsets)."""
    subsets = _Index(max_states)
    subsets.add(frozenset(nfa.starts))
    delta: list[dict[int, int]] = []
    for s in subsets:  # grows while it is read: breadth-first
        moves: dict[int, set[int]] = {}
        for q in s:
            for x, targets in nfa.trans[q].items():
                moves.setdefault(x, set()).update(targets)
        delta.append({x: subsets.add(frozenset(t)) for x, t in moves.items()})
    accepting = {i for i, s in enumerate(subsets.items) if s & nfa.accepting}
    return _Auto(nfa.labels, delta, 0, accepting)


def _deterministic(nfa: _NFA, max_states: int) -> _Auto:
    """The NFA itself when it is already deterministic, else its subset construction."""
    if len(nfa.starts) == 1 and all(len(t) == 1 for row in nfa.trans for t in row.values()):
        return _Auto(nfa.labels, [{x: next(iter(t)) for x, t in row.items()}
                                  for row in nfa.trans], next(iter(nfa.starts)),
                     set(nfa.accepting))
    return _determinize(nfa, max_states)


def _complete(auto: _Auto, columns: Sequence[int], names: Sequence[str]) -> DFA:
    """The automaton as a complete :class:`succinct.automata.dfa.DFA` over the labels
    ``columns`` (named ``names``), a sink (state ``n``) for the missing transitions."""
    col = {x: c for c, x in enumerate(columns)}
    n = auto.n_states
    table = np.full((n + 1, len(names)), n, np.int64)
    for q, row in enumerate(auto.delta):
        for x, t in row.items():
            table[q, col[x]] = t
    accepting = np.zeros(n + 1, bool)
    accepting[list(auto.accepting)] = True
    return DFA(names, table, auto.start, accepting)


def _minimize(auto: _Auto) -> _Auto:
    """Minimal trim automaton (Moore/Hopcroft of :mod:`succinct.automata.dfa` on the
    completion), with the label table cut to the labels still used."""
    used = sorted({x for row in auto.delta for x in row})
    m = _complete(auto, used, [str(c) for c in range(max(1, len(used)))]).minimize()
    dead = m.dead_states()
    keep = np.flatnonzero(~dead)
    if not len(keep):  # the empty language (a UHAT never produces it: ε is in every L_ℓ)
        return _Auto([], [{}], 0, set())
    new_id = {int(q): i for i, q in enumerate(keep)}
    labels = [auto.labels[x] for x in used]
    delta = [{c: new_id[int(m.delta[q, c])] for c in range(len(used))
              if not dead[m.delta[q, c]]} for q in keep]
    start = new_id.get(m.start, 0)
    return _Auto(labels, delta, start, {new_id[int(q)] for q in keep if m.accepting[q]})


def _reverse(auto: _Auto, max_states: int) -> _Auto:
    trans: list[dict[int, set[int]]] = [{} for _ in auto.delta]
    for q, row in enumerate(auto.delta):
        for x, t in row.items():
            trans[t].setdefault(x, set()).add(q)
    return _minimize(_determinize(_NFA(auto.labels, trans, set(auto.accepting), {auto.start}),
                                  max_states))


def _relabel(auto: _Auto, out: Sequence[Label], max_states: int) -> _Auto:
    """Apply a position-wise map (``out[x]`` is the image of label ``x``)."""
    table = _Index()
    new = [table.add(y) for y in out]
    trans = [{} for _ in auto.delta]
    for q, row in enumerate(auto.delta):
        for x, t in row.items():
            trans[q].setdefault(new[x], set()).add(t)
    return _minimize(_deterministic(_NFA(table.items, trans, {auto.start},
                                         set(auto.accepting)), max_states))


Step = Callable[[Hashable, int], tuple[Label, Hashable]]


def _sequential(auto: _Auto, step: Step, max_states: int) -> _Auto:
    """Apply a left-sequential transducer: ``step(record, x) -> (output label, record)``,
    starting from the empty record ``()``."""
    table = _Index()
    cache: dict[tuple[Hashable, int], tuple[int, Hashable]] = {}
    pairs = _Index(max_states)
    pairs.add((auto.start, ()))
    trans: list[dict[int, set[int]]] = []
    for q, rec in pairs:  # breadth-first
        row: dict[int, set[int]] = {}
        for x, t in auto.delta[q].items():
            hit = cache.get((rec, x))
            if hit is None:
                y, nxt = step(rec, x)
                hit = cache[(rec, x)] = (table.add(y), nxt)
            y, nxt = hit
            row.setdefault(y, set()).add(pairs.add((t, nxt)))
        trans.append(row)
    accepting = {i for i, (q, _) in enumerate(pairs.items) if q in auto.accepting}
    return _minimize(_deterministic(_NFA(table.items, trans, {0}, accepting), max_states))


def _attend(auto: _Auto, mask: str, tie: str, max_states: int,
            make_step: Callable[[list[Label], str], Step]) -> _Auto:
    """Apply a strictly masked attention layer: ``make_step(labels, tie)`` is its
    left-sequential transducer for a strict-future mask; a strict-past layer is that
    transducer on the reversed language, with the tie-break swapped (module docstring)."""
    if mask == "future":
        return _sequential(auto, make_step(auto.labels, tie), max_states)
    auto = _reverse(auto, max_states)
    swapped = "left" if tie == "right" else "right"
    auto = _sequential(auto, make_step(auto.labels, swapped), max_states)
    return _reverse(auto, max_states)


# ====================================================================== UHAT layers
def live_coordinates(model: UHAT) -> list[np.ndarray]:
    """For every layer (and then the readout), the input coordinates that can change the
    acceptance decision: a backward pass over the nonzero pattern of the weights."""
    layers, params = model.spec.layers, model.params["layers"]
    live = np.asarray(model.params["readout"]) != 0
    out = [live]
    for layer, p in zip(reversed(layers), reversed(params), strict=True):
        p = {k: np.asarray(v) for k, v in p.items()}
        if isinstance(layer, ReLU):
            need = live.copy()
        elif isinstance(layer, FFN):
            need = (p["W_r"][live] != 0).any(axis=0)
            hidden = (p["W_2"][live] != 0).any(axis=0)
            need |= (p["W_1"][hidden] != 0).any(axis=0)
        else:
            need = (p["C_v"][live] != 0).any(axis=0)
            if isinstance(layer, Attention) and layer.uses_attended \
                    and (p["C_a"][live] != 0).any():
                need |= (p["C_a"][live] != 0).any(axis=0)
                need |= (p["A_w"] != 0).any(axis=0) | (p["B_w"] != 0).any(axis=0)
        live = need
        out.append(live)
    return out[::-1]  # out[i]: live inputs of layer i; out[-1]: of the readout


def _attention_step(layer: Attention, p: dict[str, np.ndarray], labels: list[Label],
                    live_out: np.ndarray, tie: str) -> Step:
    """The left-sequential transducer of one attention layer (records as in
    :mod:`succinct.exact.future`), outputs restricted to the live coordinates."""
    v = np.array([lab[1:] for lab in labels], np.int64).reshape(len(labels), -1)
    letters = [lab[0] for lab in labels]
    reads = np.flatnonzero((p["C_a"] != 0).any(axis=0))
    p_reads = {**p, "C_a": p["C_a"][:, reads]}  # the attended vector: its read coordinates
    queries = layers.query(p, v)  # [L, Q]
    keys = [tuple(int(c) for c in row) for row in layers.key(p, v)]
    entries = [tuple(int(c) for c in row) for row in v[:, reads]]
    outputs: dict[tuple[int, tuple[int, ...] | None], Label] = {}

    def output(x: int, attended: tuple[int, ...] | None) -> Label:
        y = outputs.get((x, attended))
        if y is None:
            a = None if attended is None else np.array(attended, np.int64)
            vec = layers.attention_output(p_reads, v[x], a) * live_out
            y = outputs[(x, attended)] = (letters[x], *(int(c) for c in vec))
        return y

    def step(rec: Hashable, x: int) -> tuple[Label, Hashable]:
        assert isinstance(rec, tuple)
        attended = None
        if rec:  # the record's keys, in order of last (▶) / first (◀) occurrence
            rec_keys = np.array([k for k, _ in rec], np.int64).reshape(len(rec), -1)
            score = layers.scores(queries[x][None], rec_keys)[0]  # [|rec|]
            pick, _ = layers.hard_select(score, np.ones(len(rec), bool), tie)
            attended = rec[int(pick)][1]
        key = keys[x]
        seen = any(k == key for k, _ in rec)
        if tie == "right":  # the key moves to the end, with the reads of its last occurrence
            nxt = tuple(e for e in rec if e[0] != key) + ((key, entries[x]),)
        else:  # the first occurrence stays
            nxt = rec if seen else rec + ((key, entries[x]),)
        return output(x, attended), nxt

    return step


def two_sided_dfa(model: UHAT, *, max_states: int = 1_000_000) -> tuple[DFA, int]:
    """The minimal DFA of a UHAT with strict future and past masks (module docstring).

    Args:
        model: An exact UHAT; every attention layer that uses its attended vector has
            mask ``"future"`` or ``"past"``.
        max_states: Bound on every intermediate automaton (raises
            :class:`succinct.automata.dfa.StateLimitExceeded` beyond it).

    Returns:
        ``(dfa, largest)``: the minimal complete DFA of the UHAT's language (rejecting ε)
        and the largest intermediate automaton built (states).
    """
    check_strict_masks(model)
    params = [{k: np.asarray(v, np.int64) for k, v in p.items()}
              for p in model.params["layers"]]
    live = [m.astype(np.int64) for m in live_coordinates(model)]
    embed = np.asarray(model.params["embed"], np.int64)  # [R0, |Σ|]
    n_sym = len(model.alphabet)
    labels = [(a, *(int(c) for c in embed[:, a] * live[0])) for a in range(n_sym)]
    auto = _Auto(labels, [{a: 0 for a in range(n_sym)}], 0, {0})  # Σ*, ε included
    largest = 1
    for i, (layer, p) in enumerate(zip(model.spec.layers, params, strict=True)):
        nxt_live = live[i + 1]
        if isinstance(layer, Attention) and (cols := [c for c in guard_columns(
                model.spec, layer) if live[i][c]]):
            _check_guard(model, auto.labels, cols)
        if isinstance(layer, Attention) and layer.uses_attended:
            auto = _attend(auto, layer.mask, layer.tie, max_states,
                           lambda labels, tie, layer=layer, p=p, live=nxt_live:
                           _attention_step(layer, p, labels, live, tie))
        else:
            v = np.array([lab[1:] for lab in auto.labels], np.int64).reshape(
                len(auto.labels), -1)
            out = layers.positionwise(layer, p, v) * nxt_live
            auto = _relabel(auto, [(lab[0], *(int(c) for c in row))
                                   for lab, row in zip(auto.labels, out, strict=True)],
                            max_states)
        largest = max(largest, auto.n_states)
    readout = np.asarray(model.params["readout"], np.int64)
    v = np.array([lab[1:] for lab in auto.labels], np.int64).reshape(len(auto.labels), -1)
    good = (layers.readout_score(readout, v) > 0).tolist()
    return _accepting_words(auto, good, model.spec.accept_at == "last",
                            model.alphabet.symbols, max_states), largest


# ====================================================================== B-RASP programs
def program_two_sided_dfa(program: Program, *, max_states: int = 1_000_000
                          ) -> tuple[DFA, int]:
    """The minimal DFA of a B-RASP program whose attention ops are all strictly masked.

    The same construction on the program's ops: labels are the letter and the values of
    the predicates still referenced later; an attention op's record is, for every
    assignment ``α`` of the predicates its score reads at ``i``, nothing or the values
    its value reads at the last (▶) / first (◀) ``j`` with ``S(α, j)`` (the records of
    :mod:`succinct.exact.future`). Returns ``(dfa, largest intermediate automaton)``.
    """
    check_strict_masks(program)
    ops = program.ops
    sym_index = {s: a for a, s in enumerate(program.alphabet.symbols)}
    needed: list[set[str]] = []
    later = {program.output}
    for op in reversed(ops):
        needed.append(set(later))
        for expr in _exprs(op):
            later |= {name for name, _ in expr.refs()}
    needed.reverse()  # needed[t]: names read after op t
    cols: list[str] = []
    n_sym = len(program.alphabet)
    auto = _Auto([(a,) for a in range(n_sym)], [{a: 0 for a in range(n_sym)}], 0, {0})
    largest = 1
    for t, op in enumerate(ops):
        new_cols = [c for c in [*cols, op.name] if c in needed[t]]

        def label(letter: int, env: dict[str, bool], value: bool, new_cols=new_cols,
                  name=op.name) -> Label:
            full = env | {name: value}
            return (letter, *(int(full[c]) for c in new_cols))

        if isinstance(op, Attend):
            def make_step(labels: list[Label], tie: str, op=op, cols=cols,
                          label=label) -> Step:
                envs = [_env(cols, lab) for lab in labels]
                return _attend_step(op, envs, tie,
                                    lambda x, value: label(labels[x][0], envs[x], value))

            auto = _attend(auto, op.mask, op.tie, max_states, make_step)
        else:
            envs = [_env(cols, lab) for lab in auto.labels]
            values = [lab[0] == sym_index[op.symbol] if isinstance(op, Input)
                      else _eval(op.expr, env) for lab, env in zip(auto.labels, envs,
                                                                  strict=True)]
            auto = _relabel(auto, [label(lab[0], env, v) for lab, env, v
                                   in zip(auto.labels, envs, values, strict=True)], max_states)
        cols = new_cols
        largest = max(largest, auto.n_states)
    good = [bool(_env(cols, lab)[program.output]) for lab in auto.labels]
    return _accepting_words(auto, good, program.accept_at == "last",
                            program.alphabet.symbols, max_states), largest


def _exprs(op: object) -> list:
    if isinstance(op, Attend):
        return [op.score, op.value, op.default]
    return [] if isinstance(op, Input) else [op.expr]


def _env(cols: list[str], label: Label) -> dict[str, bool]:
    return {c: bool(v) for c, v in zip(cols, label[1:], strict=True)}


def _eval(expr: object, env_i: dict[str, bool], env_j: dict[str, bool] | None = None) -> bool:
    arr = {k: np.array([v]) for k, v in env_i.items()}
    arr_j = None if env_j is None else {k: np.array([v]) for k, v in env_j.items()}
    return bool(eval_expr(expr, arr, arr_j, 1)[0])


def _attend_step(op: Attend, envs: list[dict[str, bool]], tie: str,
                 emit: Callable[[int, bool], Label]) -> Step:
    i_refs = sorted({name for name, at in op.score.refs() if at == "i"})
    j_refs = sorted({name for name, at in op.value.refs() if at == "j"})
    n_alpha = 1 << len(i_refs)
    alpha = [sum(env[name] << b for b, name in enumerate(i_refs)) for env in envs]
    j_vals = [tuple(env[name] for name in j_refs) for env in envs]
    hits = [[_eval(op.score, {name: bool(a >> b & 1) for b, name in enumerate(i_refs)}, env)
             for a in range(n_alpha)] for env in envs]
    default = [_eval(op.default, env) for env in envs]
    values: dict[tuple[int, tuple[bool, ...]], bool] = {}

    def step(rec: Hashable, x: int) -> tuple[Label, Hashable]:
        assert isinstance(rec, tuple)
        slots = rec or (None,) * n_alpha
        at = slots[alpha[x]]
        if at is None:
            value = default[x]
        else:
            value = values.get((x, at))
            if value is None:
                value = values[(x, at)] = _eval(op.value, envs[x], dict(zip(j_refs, at,
                                                                             strict=True)))
        nxt = tuple(j_vals[x] if hits[x][a] and (tie == "right" or slots[a] is None)
                    else slots[a] for a in range(n_alpha))
        return emit(x, value), nxt

    return step


def _check_guard(model: UHAT, labels: list[Label], cols: list[int]) -> None:
    """A guarded model's live declared-Boolean inputs of an attention layer, on every
    residual vector that occurs (the labels); see the module docstring."""
    v = np.array([lab[1:] for lab in labels], np.int64).reshape(len(labels), -1)
    if not layers.booleans_hold(v, cols):
        raise SuccinctError(guard_message(model.spec))


def _accepting_words(auto: _Auto, good: Sequence[bool], last: bool, symbols: Sequence[str],
                     max_states: int) -> DFA:
    """Project the final label automaton to letters, accepting by ``good[label]`` at the
    last (``last``) or first position; determinize and minimize."""
    # State (q, flag, started) with flag = readout at the last (first) position so far.
    states = _Index(max_states)
    states.add((auto.start, False, False))
    trans: list[dict[int, set[int]]] = []
    for q, flag, started in states:  # breadth-first
        row: dict[int, set[int]] = {}
        for x, t in auto.delta[q].items():
            f = good[x] if (last or not started) else flag
            row.setdefault(auto.labels[x][0], set()).add(states.add((t, f, True)))
        trans.append(row)
    accepting = {i for i, (q, f, s) in enumerate(states.items)
                 if s and f and q in auto.accepting}
    letters = [(a,) for a in range(len(symbols))]
    det = _determinize(_NFA(letters, trans, {0}, accepting), max_states)
    return _complete(det, range(len(symbols)), symbols).minimize()
