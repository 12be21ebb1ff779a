"""Boolean formulas as layered threshold circuits (the Boolean part of Lemma 9).

A formula over 0/1 coordinates is put in negation normal form, flattened and
constant-folded, then cut into *gates*: an AND or OR over literals ``x`` / ``1 − x``
and over earlier gates. On 0/1 inputs one ReLU unit computes each gate:

* ``AND(ℓ_1..ℓ_m) = ReLU(Σ ℓ_r − (m − 1))``
* ``NOR(ℓ_1..ℓ_m) = ReLU(1 − Σ ℓ_r)``      (an OR gate stores its negation)

so a consumer reads an OR gate's coordinate ``c`` as the literal ``1 − c``. A gate's
level is one more than the deepest gate it reads; all gates of a level are computed
in parallel (one FFN block, or one affine layer plus one ReLU layer per gate in the
paper's literal recipe).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from succinct.programs.brasp import And, Const, Expr, Iff, Not, Or, Ref

__all__ = ["Literal", "Gate", "Circuit", "build_circuit"]


@dataclass(frozen=True)
class Literal:
    """A coordinate or its complement; ``gate`` is set when the coordinate is a gate's."""

    label: str
    positive: bool
    gate: int | None = None


@dataclass
class Gate:
    """AND (stores its value) or OR (stores its negation) over literals."""

    kind: str  # "and" | "or"
    inputs: list[Literal]
    level: int
    label: str = ""

    @property
    def stores_positive(self) -> bool:
        return self.kind == "and"

    def affine(self) -> tuple[dict[str, int], int]:
        """Weights and bias of the gate's pre-activation over coordinates."""
        w: dict[str, int] = {}
        neg = 0
        for lit in self.inputs:
            w[lit.label] = w.get(lit.label, 0) + (1 if lit.positive else -1)
            neg += 0 if lit.positive else 1
        m = len(self.inputs)
        if self.kind == "and":  # Σℓ − (m − 1)
            return w, neg - (m - 1)
        return {k: -v for k, v in w.items()}, 1 - neg  # 1 − Σℓ


@dataclass
class Circuit:
    """Gates in level order, and the formula's root: a constant, a literal or a gate."""

    gates: list[Gate] = field(default_factory=list)
    root_const: bool | None = None
    root: Literal | None = None

    @property
    def depth(self) -> int:
        return max((g.level for g in self.gates), default=0)

    def level(self, k: int) -> list[int]:
        return [i for i, g in enumerate(self.gates) if g.level == k]

    def root_affine(self) -> tuple[dict[str, int], int]:
        """The formula's value as an affine function of coordinates (after all gates)."""
        if self.root_const is not None:
            return {}, int(self.root_const)
        assert self.root is not None
        if self.root.positive:
            return {self.root.label: 1}, 0
        return {self.root.label: -1}, 1


def _nnf(e: Expr, neg: bool, label: Callable[[Ref], str]):
    """Normal form: ('const', b) | ('lit', label, pos) | ('and'|'or', tuple(children))."""
    if isinstance(e, Const):
        return ("const", e.value != neg)
    if isinstance(e, Ref):
        return ("lit", label(e), not neg)
    if isinstance(e, Not):
        return _nnf(e.x, not neg, label)
    if isinstance(e, Iff):
        a, b = e.a, e.b
        if neg:  # (a ∧ ¬b) ∨ (¬a ∧ b)
            return _mk("or", [_mk("and", [_nnf(a, False, label), _nnf(b, True, label)]),
                              _mk("and", [_nnf(a, True, label), _nnf(b, False, label)])])
        return _mk("or", [_mk("and", [_nnf(a, False, label), _nnf(b, False, label)]),
                          _mk("and", [_nnf(a, True, label), _nnf(b, True, label)])])
    if isinstance(e, And | Or):
        kind = "and" if isinstance(e, And) else "or"
        if neg:
            kind = "or" if kind == "and" else "and"
        return _mk(kind, [_nnf(x, neg, label) for x in e.xs])
    raise TypeError(f"not a Boolean expression: {e!r}")


def _mk(kind: str, children: list):
    flat = []
    for c in children:
        if c[0] == kind:
            flat.extend(c[1])
        elif c[0] == "const":
            if c[1] == (kind == "or"):  # absorbing element
                return ("const", kind == "or")
        else:
            flat.append(c)
    uniq = list(dict.fromkeys(flat))
    lits = {(c[1], c[2]) for c in uniq if c[0] == "lit"}
    if any((lbl, not pos) in lits for lbl, pos in lits):  # x ∧ ¬x, x ∨ ¬x
        return ("const", kind == "or")
    if not uniq:
        return ("const", kind == "and")
    if len(uniq) == 1:
        return uniq[0]
    return (kind, tuple(uniq))


def build_circuit(e: Expr, label: Callable[[Ref], str], prefix: str) -> Circuit:
    """The layered circuit of ``e``; gate coordinates are labelled ``{prefix}g{k}``."""
    circuit = Circuit()
    memo: dict = {}

    def visit(node) -> Literal:
        if node[0] == "lit":
            return Literal(node[1], node[2])
        if node in memo:
            return memo[node]
        kind, children = node
        inputs = []
        for c in children:
            if c[0] == "lit":
                inputs.append(Literal(c[1], c[2]))
            else:
                sub = visit(c)
                inputs.append(sub)
        level = 1 + max((circuit.gates[x.gate].level for x in inputs if x.gate is not None),
                        default=0)
        idx = len(circuit.gates)
        gate = Gate(kind, inputs, level, label=f"{prefix}g{idx}")
        circuit.gates.append(gate)
        # A consumer wants the gate's value: AND stores it, OR stores the complement.
        out = Literal(gate.label, gate.stores_positive, gate=idx)
        memo[node] = out
        return out

    node = _nnf(e, False, label)
    if node[0] == "const":
        circuit.root_const = node[1]
    else:
        circuit.root = visit(node)
    # Renumber gates in level order so that each level's gates are contiguous.
    order = sorted(range(len(circuit.gates)), key=lambda i: (circuit.gates[i].level, i))
    if order != list(range(len(order))):
        remap = {old: new for new, old in enumerate(order)}
        gates = [circuit.gates[i] for i in order]
        for g in gates:
            g.inputs = [Literal(x.label, x.positive, remap[x.gate]) if x.gate is not None else x
                        for x in g.inputs]
        circuit.gates = gates
        if circuit.root is not None and circuit.root.gate is not None:
            r = circuit.root
            circuit.root = Literal(r.label, r.positive, remap[r.gate])
    return circuit
