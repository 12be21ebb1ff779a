"""Cascades of reset semiautomata, and the B-RASP programs that run them.

By Krohn–Rhodes, a language is star-free (aperiodic syntactic monoid) iff a cascade of
*reset* semiautomata recognizes it, and star-free is what UHATs without positional
encodings recognize. This module makes the constructive half executable: a cascade
written down as data becomes a B-RASP program (and, through Lemma 9, a UHAT) whose
attention ops are all strict-future, so its automaton is also exact
(:mod:`succinct.exact.future`). Finding a cascade for a given aperiodic automaton (the
decomposition itself) is :mod:`succinct.programs.holonomy`.

Cascade
-------
Components ``C_1 … C_m`` over the alphabet Σ; component ``k`` has states ``S_k``, an
initial state ``s_k⁰`` and an ordered list of rules ``(σ, when, to)`` where ``when``
assigns states to some *earlier* components. Reading ``σ`` with the components in
states ``(s_1 … s_m)`` (before ``σ``), component ``k`` moves to ``to`` of its first rule
with that ``σ`` whose ``when`` holds, and keeps its state if none does: every input
acts on a component as a reset or as the identity, and on ``C_k`` it depends only on
``σ`` and ``s_1 … s_{k−1}`` (a cascade). A word is accepted iff the final states satisfy
one of the ``accepting`` partial assignments.

Program
-------
With one predicate per (component, state), all attention ▶ strict-future (rightmost),
each in Lemma 9's special form::

    prev[c=v](i) := ▶_j[j<i, 1] at[c=v](j) : [v = s_c⁰]          (state before i)
    hit[k,r](i)  := Q_σ(i) ∧ ⋀_{(c,v) ∈ when_r} prev[c=v](i)
    fire[k,r](i) := hit[k,r](i) ∧ ⋀_{r' < r, σ_r' = σ_r} ¬hit[k,r'](i)   (first match)
    reset[k](i)  := ⋁_r fire[k,r](i),   to[k=s](i) := ⋁_{r: to_r = s} fire[k,r](i)
    last[k=s](i) := ▶_j[j<i, reset[k](j)] to[k=s](j) : [s = s_k⁰]
    at[k=s](i)   := reset[k](i) ∧ to[k=s](i) ∨ ¬reset[k](i) ∧ last[k=s](i)
    accept(i)    := ⋁_{a ∈ accepting} ⋀_{(c,v) ∈ a} at[c=v](i)        (read at the last i)

By induction on ``k`` and then on ``i``: if ``at[c=·]`` is the state of ``C_c`` after
``i`` for every ``c < k``, then ``prev`` is its state before ``i``, ``fire`` picks the
rule the cascade applies at ``i``, and the state of ``C_k`` after ``i`` is the target of
the last reset at or before ``i``, or ``s_k⁰`` if there is none: ``at[k=·]``.
Ops: ``Σ_k |S_k|`` attention ops for ``prev`` (only for components some rule reads)
plus ``Σ_k |S_k|`` for ``last``.

JSON form (the ``wordproblem`` family reads it from a file); the flip-flop::

    {"cascade": {
       "alphabet": ["s", "r", "n"],
       "components": [{"name": "q", "states": ["0", "1"], "initial": "0",
                       "rules": [{"on": "s", "to": "1"}, {"on": "r", "to": "0"}]}],
       "accepting": [{"q": "1"}]}}

A rule of a later component may test earlier ones, e.g. ``{"on": "a", "when": {"last":
"a"}, "to": "1"}`` in the ``wordproblem`` family's two-component ``lasttwo``. Names may
not contain ``[ ] = ,`` (they spell the program's predicate names).

References: Krohn–Rhodes theorem (aperiodic case: cascades of resets); Yang, Chiang and
Angluin (2024) simulate such cascades in masked hard-attention programs; paper §2.4
(B-RASP), Lemma 9.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from succinct.programs.brasp import FALSE, TRUE, Expr, Program, ProgramBuilder, all_of, any_of
from succinct.recognizer import StepMachine
from succinct.words import Alphabet, SuccinctError

__all__ = ["Rule", "Component", "Cascade", "parse_cascade"]

State = tuple[str, ...]  # one state name per component
RESERVED = "[]=,"  # used in the program's predicate names


@dataclass(frozen=True)
class Rule:
    """On ``symbol``, if every ``(component, state)`` of ``when`` holds, reset to ``to``."""

    symbol: str
    when: tuple[tuple[str, str], ...]
    to: str


@dataclass(frozen=True)
class Component:
    name: str
    states: tuple[str, ...]
    initial: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Cascade:
    """A validated cascade of reset semiautomata (module docstring)."""

    alphabet: Alphabet
    components: tuple[Component, ...]
    accepting: tuple[tuple[tuple[str, str], ...], ...]

    def __post_init__(self) -> None:
        if not self.components:
            raise SuccinctError("a cascade needs at least one component")
        seen: dict[str, Component] = {}
        for comp in self.components:
            for name in (comp.name, *comp.states):
                if not name or set(name) & set(RESERVED):
                    raise SuccinctError(
                        f"cascade name {name!r} (component {comp.name!r}): names must be "
                        f"non-empty and avoid the characters {RESERVED} (they spell the "
                        "program's predicate names)")
            if comp.name in seen:
                raise SuccinctError(f"cascade component {comp.name!r} is defined twice")
            if not comp.states or len(set(comp.states)) != len(comp.states):
                raise SuccinctError(f"component {comp.name!r}: states must be a non-empty "
                                    "list of distinct names")
            if comp.initial not in comp.states:
                raise SuccinctError(f"component {comp.name!r}: initial state "
                                    f"{comp.initial!r} is not one of its states")
            for r in comp.rules:
                if r.symbol not in self.alphabet.symbols:
                    raise SuccinctError(f"component {comp.name!r}: rule on unknown symbol "
                                        f"{r.symbol!r} (alphabet {', '.join(self.alphabet)})")
                if r.to not in comp.states:
                    raise SuccinctError(f"component {comp.name!r}: rule target {r.to!r} is "
                                        "not one of its states")
                self._check_assignment(r.when, seen, f"component {comp.name!r}: a rule",
                                       "earlier ")
            seen[comp.name] = comp
        if not self.accepting:
            raise SuccinctError("a cascade needs at least one accepting assignment")
        for a in self.accepting:
            self._check_assignment(a, seen, "an accepting assignment", "")

    @staticmethod
    def _check_assignment(pairs: Sequence[tuple[str, str]], seen: Mapping[str, Component],
                          where: str, earlier: str) -> None:
        for c, v in pairs:
            if c not in seen:
                raise SuccinctError(f"{where} reads {c!r}, which is not an {earlier}component "
                                    "(a cascade component may only read the ones before it)"
                                    if earlier else f"{where} names unknown component {c!r}")
            if v not in seen[c].states:
                raise SuccinctError(f"{where} tests {c}={v!r}, not a state of {c!r}")

    # ------------------------------------------------------------------ semantics
    @property
    def initial(self) -> State:
        return tuple(c.initial for c in self.components)

    def step(self, state: State, symbol: str) -> State:
        """One letter: every component applies its first matching rule (or keeps)."""
        now = dict(zip((c.name for c in self.components), state, strict=True))
        out = []
        for comp, s in zip(self.components, state, strict=True):
            nxt = s
            for r in comp.rules:
                if r.symbol == symbol and all(now[c] == v for c, v in r.when):
                    nxt = r.to
                    break
            out.append(nxt)
        return tuple(out)

    def accepts_state(self, state: State) -> bool:
        now = dict(zip((c.name for c in self.components), state, strict=True))
        return any(all(now[c] == v for c, v in a) for a in self.accepting)

    def reference(self) -> StepMachine:
        """The cascade run directly (its automaton: the reachable state tuples)."""
        return StepMachine(self.alphabet, self.initial, self.step, self.accepts_state,
                           name="cascade")

    # ------------------------------------------------------------------ program
    def program(self) -> Program:
        """The strict-future B-RASP program of the module docstring."""
        p = ProgramBuilder(self.alphabet)
        read = {c for comp in self.components for r in comp.rules for c, _ in r.when}
        at: dict[tuple[str, str], Any] = {}
        prev: dict[tuple[str, str], Any] = {}
        for comp in self.components:
            k = comp.name
            hits: dict[str, list[Expr]] = {}  # per symbol: the rules before
            fires: list[tuple[Rule, Any]] = []
            for n, r in enumerate(comp.rules):
                hit = all_of([p.Q(r.symbol)] + [prev[(c, v)] for c, v in r.when])
                earlier = hits.setdefault(r.symbol, [])
                fire = p.local(f"fire[{k},{n}]", all_of([hit] + [~h for h in earlier]))
                earlier.append(hit)
                fires.append((r, fire))
            reset = p.local(f"reset[{k}]", any_of([f for _, f in fires]))
            for s in comp.states:
                to = p.local(f"to[{k}={s}]", any_of([f for r, f in fires if r.to == s]))
                start = TRUE if s == comp.initial else FALSE
                last = p.attend(f"last[{k}={s}]", mask="future", tie="right", score=reset.j,
                                value=to.j, default=start)
                at[(k, s)] = p.local(f"at[{k}={s}]", (reset & to) | (~reset & last))
            if k in read:
                for s in comp.states:
                    prev[(k, s)] = p.attend(f"prev[{k}={s}]", mask="future", tie="right",
                                            score=TRUE, value=at[(k, s)].j,
                                            default=TRUE if s == comp.initial else FALSE)
        accept = p.local("accept", any_of([all_of([at[pair] for pair in a])
                                           for a in self.accepting]))
        return p.build(accept)


def _names(obj: Any, where: str) -> tuple[str, ...]:
    if not isinstance(obj, list):
        raise SuccinctError(f"{where}: expected a list of names, got {obj!r}")
    return tuple(str(x) for x in obj)


def _pairs(obj: Any, where: str) -> tuple[tuple[str, str], ...]:
    if obj is None:
        return ()
    if not isinstance(obj, dict):
        raise SuccinctError(f"{where}: expected an object {{component: state}}, got {obj!r}")
    return tuple((str(c), str(v)) for c, v in obj.items())


def parse_cascade(data: Any, where: str = "cascade") -> Cascade:
    """A :class:`Cascade` from the JSON form of the module docstring (the value of the
    ``"cascade"`` key); errors name the offending part."""
    if not isinstance(data, dict):
        raise SuccinctError(f"{where}: a cascade is a JSON object")
    for key in ("alphabet", "components", "accepting"):
        if key not in data:
            raise SuccinctError(f"{where}: missing key {key!r} (need alphabet, components, "
                                "accepting)")
    if not isinstance(data["components"], list):
        raise SuccinctError(f"{where}: components must be a list")
    comps = []
    for n, c in enumerate(data["components"]):
        at = f"{where}: component {n}"
        if not isinstance(c, dict) or not {"name", "states", "initial"} <= set(c):
            raise SuccinctError(f"{at}: needs name, states, initial (and rules)")
        rules = []
        raw_rules = c.get("rules", [])
        if not isinstance(raw_rules, list):
            raise SuccinctError(f"{at}: rules must be a list, got {raw_rules!r}")
        for m, r in enumerate(raw_rules):
            if not isinstance(r, dict) or not {"on", "to"} <= set(r):
                raise SuccinctError(f"{at}, rule {m}: needs 'on' and 'to' (and 'when')")
            rules.append(Rule(str(r["on"]), _pairs(r.get("when"), f"{at}, rule {m}"),
                              str(r["to"])))
        comps.append(Component(str(c["name"]), _names(c["states"], f"{at}: states"),
                               str(c["initial"]), tuple(rules)))
    if not isinstance(data["accepting"], list):
        raise SuccinctError(f"{where}: accepting must be a list of {{component: state}}")
    accepting = tuple(_pairs(a, f"{where}: accepting") for a in data["accepting"])
    return Cascade(Alphabet.of(_names(data["alphabet"], f"{where}: alphabet")), tuple(comps),
                   accepting)
