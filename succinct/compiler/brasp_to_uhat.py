"""B-RASP → UHAT, following Lemma 9 of the paper (App. A.3).

Residual invariant: after compiling ops ``P_1 … P_t`` the residual stream holds exactly
the coordinates ``P_1 … P_t`` (labelled by predicate name), each 0/1. The embedding is
one-hot: ``emb(a) = e_{Q_a}``. Scratch coordinates of op ``P`` are labelled ``P~…`` and
dropped when ``P`` is done.

**Position-wise op** ``P(i) := R(i)``: the Boolean circuit of ``R``
(:mod:`succinct.compiler.circuits`), one level at a time.

**Attention op** ``P(i) := ◀/▶_j [M, S(j) ∧ ⋀_{k∈K} P_k(i) ↔ P_k(j)] V(i, j) : D(i)``:

1. if ``S`` is not a literal, materialise it as a coordinate ``P~S``;
2. one attention layer with mask ``M`` and the op's tie-break, whose score is::

       ⟨A v_i, B v_j⟩ = Σ_{k∈K} (P_k(i) P_k(j) + (1 − P_k(i))(1 − P_k(j))) + S(j) − 1

   with ``A v = (P_k, 1 − P_k, 1)_k`` and ``B v = (P_k, 1 − P_k, S − 1)_k``. It equals
   ``|K|`` exactly on the positions satisfying the B-RASP score and is smaller elsewhere,
   so the tie-break picks exactly ``o(i)``. ``C`` copies the predicates the rest of the
   op reads at ``j`` into ``P~a.x`` and, when ``S`` alone cannot tell, writes
   ``P~vis = Σ_a a.Q_a`` (1 at a real position, 0 for the zero vector);
3. position-wise: ``R = [vis] ∧ S(a) ∧ ⋀_k (P_k ↔ a.P_k)`` and
   ``P = (R ∧ V(i, a)) ∨ (¬R ∧ D(i))``. The empty-mask zero vector gives ``R = 0``.

Three modes (``mode``). ``"lemma9"`` and ``"ffn"`` keep every predicate in the residual,
as the paper's construction does, and differ in how they lower the Boolean circuits:

* ``"lemma9"`` — the paper's literal recipe: only UHA and single-coordinate ReLU layers.
  Per circuit level, one attention layer with an unused head (``A = B = 0``) appends
  every gate's pre-activation, then one ReLU layer per gate; a final unused-head layer
  writes ``P`` and drops the scratch coordinates.
* ``"ffn"`` — the cheaper variant (§4.4 of our notes): one FFN block per circuit level,
  one hidden unit per gate; the last block writes ``P`` and drops the scratch.
* ``"compact"`` (the default) — the ``"ffn"`` lowering plus a liveness analysis
  (:func:`liveness`) over the program, below.

**Compact mode.** Write ``P ⊲ P'`` when op ``P'`` reads ``P`` (at ``i`` or ``j``: in its
expression, or in its score, value or default). The *live* ops are the output ``O`` and,
backwards, every op some live op reads; the others are not compiled
(:attr:`CompiledProgram.removed`). For a live non-input ``P ≠ O`` its *last reader* is
``last(P) = max{P' live : P ⊲ P'}`` (in program order). Op ``t`` is lowered exactly as in
``"ffn"`` mode, except that its last layer (the one that drops its scratch) also drops::

    X_t = {P : last(P) = t}          (never an input Q_a; O has no live reader)

Kept coordinates keep their order and ``t`` is appended, so with ``L_t`` the non-input
predicates in the residual before op ``t`` (computed, and read by ``t`` or later, or
``O``)::

    R_t = |Σ| + |L_t|,      R_{t+1} = R_t + 1 − |X_t|

and the model's width is ``max_t (R_t + s_t) ≤ |Σ| + max_t |L_t| + max_t s_t``, where the
scratch ``s_t`` is how far op ``t``'s widest space (a residual holding its gates, copies
and ``P~S``, an FFN hidden layer, a score space) exceeds ``R_t``. A predicate is read at
the latest by its last reader's last layer (an FFN block reads its input space before
writing), so dropping it there changes no value: compact, ``"ffn"`` and the interpreter
agree on every word (``tests/test_compile.py``).
:meth:`CompiledProgram.schedule` lists ``(op, R_t, X_t)``.

Scores lie in ``[−1, |K|]`` and every coordinate in ``{0, 1}`` (gate pre-activations in
``[−m, 1]``), so int32 is exact; :class:`succinct.models.uhat.UHAT` re-checks the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as Lit

from succinct.compiler.circuits import Circuit, build_circuit
from succinct.models.uhat import UHAT, UHATBuilder
from succinct.programs.brasp import (
    TRUE,
    Attend,
    BRASPError,
    Const,
    Expr,
    Input,
    Local,
    Not,
    Op,
    Program,
    Ref,
    all_of,
    shift,
    special_form,
)

__all__ = ["compile_program", "CompiledProgram", "Mode", "MODES", "AttendPlan", "plan_attend",
           "Liveness", "liveness", "reads"]

Mode = Lit["compact", "ffn", "lemma9"]
MODES: tuple[Mode, ...] = ("compact", "ffn", "lemma9")


def reads(op: Op) -> set[str]:
    """The predicates op ``op`` reads (at ``i`` or ``j``; an input reads none)."""
    if isinstance(op, Local):
        return {x for x, _ in op.expr.refs()}
    if isinstance(op, Attend):
        return {x for e in (op.score, op.value, op.default) for x, _ in e.refs()}
    return set()


@dataclass(frozen=True)
class Liveness:
    """The liveness analysis of compact mode (module docstring).

    ``removed``: the non-input ops the output does not depend on, in program order;
    ``dropped[P]``: the predicates ``X_P`` whose last reader is the live op ``P``, in
    residual order (empty for an op that is the last reader of none).
    """

    removed: tuple[str, ...]
    dropped: dict[str, tuple[str, ...]]


def liveness(program: Program) -> Liveness:
    """Live ops (the output and, backwards, what live ops read) and last readers."""
    live = {program.output}
    for op in reversed(program.ops):
        if op.name in live:
            live |= reads(op)
    inputs = {op.name for op in program.ops if isinstance(op, Input)}
    last: dict[str, str] = {}
    for op in program.ops:
        if op.name in live:
            for x in reads(op):
                last[x] = op.name
    order = [op.name for op in program.ops]
    dropped: dict[str, tuple[str, ...]] = {}
    for op in program.ops:
        if op.name in live and op.name not in inputs:
            dropped[op.name] = tuple(x for x in order if last.get(x) == op.name
                                     and x not in inputs)
    removed = tuple(x for x in order if x not in live and x not in inputs)
    return Liveness(removed, dropped)


@dataclass
class CompiledProgram:
    """The compiled UHAT plus which layers implement which B-RASP op.

    ``op_layers[P] = (first, end)``: the layers of op ``P``; ``removed``: the ops compact
    mode skipped (the output does not depend on them); ``dropped[P]``: the predicates
    dropped in the last layer of ``P`` (compact mode; empty otherwise).
    """

    model: UHAT
    program: Program
    mode: Mode
    op_layers: dict[str, tuple[int, int]] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    dropped: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def schedule(self) -> list[tuple[str, int, int]]:
        """``(P, R_P, |X_P|)`` for every compiled op in order: its residual width before
        the op and the number of predicates its last layer drops."""
        layers = self.model.spec.layers  # every compiled op has at least one layer
        return [(name, len(layers[lo].source), len(self.dropped.get(name, ())))
                for name, (lo, _) in self.op_layers.items()]


@dataclass(frozen=True)
class AttendPlan:
    """What Lemma 9 makes of one attention op ``P`` (module docstring, steps 1–3), shared
    by the compiler and the per-op size formulas (:mod:`succinct.compiler.costs`).

    ``score`` is the formula ``S(i)`` to materialise as ``P~S`` (None when ``S`` is a
    literal or ``TRUE``); ``s_lit`` the score's literal ``(coordinate, positive)`` after
    that (None for ``TRUE``); ``vis`` whether ``P~vis`` is needed; ``copies`` the
    predicates copied to ``P~a.x``; ``result`` the formula ``(R ∧ V) ∨ (¬R ∧ D)`` over
    the copies, whose circuit ends the op (coordinates named by :meth:`label`).
    """

    name: str
    keys: tuple[str, ...]
    score: Expr | None
    s_lit: tuple[str, bool] | None
    vis: bool
    copies: tuple[str, ...]
    result: Expr

    def label(self, ref: Ref) -> str:
        """The coordinate of a reference in :attr:`result`: ``P~vis``, a predicate at
        ``i``, or the copy ``P~a.x`` of one at ``j``."""
        if ref.name == f"{self.name}~vis" or ref.at == "i":
            return ref.name
        return f"{self.name}~a.{ref.name}"


def plan_attend(op: Attend) -> AttendPlan | None:
    """The :class:`AttendPlan` of an attention op in special form, or None when its score
    is constantly false (the op is then its default everywhere)."""
    s, keys = special_form(op)
    name = op.name
    if isinstance(s, Const) and not s.value:
        return None
    s_i = shift(s, "i")
    score: Expr | None = None
    if isinstance(s_i, Ref):
        s_lit: tuple[str, bool] | None = (s_i.name, True)
    elif isinstance(s_i, Not) and isinstance(s_i.x, Ref):
        s_lit = (s_i.x.name, False)
    elif s == TRUE:
        s_lit = None
    else:
        score, s_lit = s_i, (f"{name}~S", True)
    vis = s_lit is None or not s_lit[1]
    copies = tuple(sorted({x for x, at in op.value.refs() if at == "j"} | set(keys)
                          | ({s_lit[0]} if s_lit else set())))
    s_copy = TRUE if s_lit is None else (
        Ref(s_lit[0], "j") if s_lit[1] else Not(Ref(s_lit[0], "j")))
    r = all_of(([Ref(f"{name}~vis")] if vis else []) + [s_copy]
               + [Ref(k, "i").iff(Ref(k, "j")) for k in keys])
    result = (r & op.value) | (~r & op.default)
    return AttendPlan(name, tuple(keys), score, s_lit, vis, copies, result)


class _Compiler:
    def __init__(self, program: Program, mode: Mode) -> None:
        if mode not in MODES:
            raise BRASPError(f"unknown compile mode {mode!r} (use 'compact', 'ffn' or "
                             "'lemma9')")
        self.program = program
        self.mode = mode
        self.live = liveness(program) if mode == "compact" else Liveness((), {})
        inputs = [op.name for op in program.ops if isinstance(op, Input)]
        self.b = UHATBuilder(program.alphabet, accept_at=program.accept_at)
        if inputs != list(self.b.space.labels):
            raise BRASPError("input predicates must come first, one per symbol, in order")
        self.op_layers: dict[str, tuple[int, int]] = {}

    @property
    def n_layers(self) -> int:
        return len(self.b._layers)

    def run(self) -> CompiledProgram:
        for op in self.program.ops:
            if op.name in self.live.removed:
                continue
            start = self.n_layers
            if isinstance(op, Local):
                self.formula(op.name, op.expr, lambda r: r.name)
            elif isinstance(op, Attend):
                self.attend(op)
            if not isinstance(op, Input):
                self.op_layers[op.name] = (start, self.n_layers)
        model = self.b.build(readout={self.program.output: 1})
        dropped = {name: self.live.dropped.get(name, ()) for name in self.op_layers}
        return CompiledProgram(model, self.program, self.mode, self.op_layers,
                               self.live.removed, dropped)

    # ------------------------------------------------------------ Boolean parts
    def formula(self, target: str, e: Expr, label, *, keep_scratch: bool = False) -> None:
        """Appends layers computing ``e`` into a new coordinate ``target``.

        Unless ``keep_scratch``, all coordinates of the op (``{op}~…``) are dropped at
        the end. ``target`` may itself be scratch (``P~S``).
        """
        op = target.split("~", 1)[0]
        circuit = build_circuit(e, label, prefix=f"{target}~")
        if self.mode in ("compact", "ffn"):
            self._ffn_circuit(op, target, circuit, keep_scratch)
        else:
            self._lemma9_circuit(op, target, circuit, keep_scratch)

    def _kept(self, op: str, keep_scratch: bool) -> list[str]:
        """The coordinates the op's current layer keeps: all (``keep_scratch``), else all
        but the op's scratch and, in its last layer, the predicates ``X_op`` it drops."""
        labels = list(self.b.space.labels)
        if keep_scratch:
            return labels
        drop = set(self.live.dropped.get(op, ()))
        return [x for x in labels if not x.startswith(f"{op}~") and x not in drop]

    def _ffn_circuit(self, op: str, target: str, c: Circuit, keep_scratch: bool) -> None:
        depth = c.depth
        for level in range(1, depth + 1):
            idx = c.level(level)
            last = level == depth
            new = [c.gates[i].label for i in idx if not (last and c.root.gate == i)]
            kept = self._kept(op, keep_scratch) if last else True
            hidden = [f"{c.gates[i].label}:h" for i in idx]
            rules = self.b.ffn(hidden=hidden, keep=kept, new=new + ([target] if last else []),
                               name=op, boolean=new + [target])
            for i in idx:
                g = c.gates[i]
                w, bias = g.affine()
                h = f"{g.label}:h"
                for src, coef in w.items():
                    if coef:
                        rules.W_1[(h, src)] = coef
                if bias:
                    rules.W_1.set_bias(h, bias)
                if last and c.root.gate == i:
                    # P = gate value: AND stores it (h), OR stores NOR (1 − h).
                    rules.W_2[(target, h)] = 1 if g.stores_positive else -1
                    if not g.stores_positive:
                        rules.W_r.set_bias(target, 1)
                else:
                    rules.W_2[(g.label, h)] = 1
        if depth == 0:  # a literal or a constant: one affine step
            rules = self.b.ffn(hidden=[], keep=self._kept(op, keep_scratch), new=[target],
                               name=op, boolean=[target])
            w, bias = c.root_affine()
            for src, coef in w.items():
                rules.W_r[(target, src)] = coef
            if bias:
                rules.W_r.set_bias(target, bias)

    def _lemma9_circuit(self, op: str, target: str, c: Circuit, keep_scratch: bool) -> None:
        for level in range(1, c.depth + 1):
            idx = c.level(level)
            labels = [c.gates[i].label for i in idx]
            rules = self.b.attention(mask="none", tie="left", query=[f"{op}~unused"],
                                     new=labels, name=op)
            for i in idx:
                g = c.gates[i]
                w, bias = g.affine()
                for src, coef in w.items():
                    if coef:
                        rules.C_v[(g.label, src)] = coef
                if bias:
                    rules.C_v.set_bias(g.label, bias)
            for lbl in labels:
                self.b.relu(lbl, name=op, boolean=True)
        # Final unused-head layer: write the formula's value, drop the scratch.
        rules = self.b.attention(mask="none", tie="left", query=[f"{op}~unused"],
                                 keep=self._kept(op, keep_scratch), new=[target], name=op,
                                 boolean=[target])
        w, bias = c.root_affine()
        for src, coef in w.items():
            rules.C_v[(target, src)] = coef
        if bias:
            rules.C_v.set_bias(target, bias)

    # ------------------------------------------------------------ attention ops
    def attend(self, op: Attend) -> None:
        plan = plan_attend(op)
        name = op.name
        if plan is None:
            # No position can ever be selected: the op is its default everywhere.
            self.formula(name, op.default, lambda r: r.name)
            return
        if plan.score is not None:
            self.formula(f"{name}~S", plan.score, lambda r: r.name, keep_scratch=True)
        keys, s_lit, need_vis, copies = plan.keys, plan.s_lit, plan.vis, plan.copies
        query = [f"{name}~q:{k}" for k in keys] + [f"{name}~q:¬{k}" for k in keys] \
            + [f"{name}~q:S"]
        new = [f"{name}~a.{x}" for x in copies] + ([f"{name}~vis"] if need_vis else [])
        rules = self.b.attention(mask=op.mask, tie=op.tie, query=query, new=new, name=name,
                                 boolean=new)
        for k in keys:
            q, nq = f"{name}~q:{k}", f"{name}~q:¬{k}"
            for m in (rules.A, rules.B):
                m[(q, k)] = 1
                m[(nq, k)] = -1
                m.set_bias(nq, 1)
        rules.A.set_bias(f"{name}~q:S", 1)
        if s_lit is not None:  # B's last coordinate is S(j) − 1
            lbl, pos = s_lit
            rules.B[(f"{name}~q:S", lbl)] = 1 if pos else -1
            if pos:
                rules.B.set_bias(f"{name}~q:S", -1)
        for x in copies:
            rules.C_a[(f"{name}~a.{x}", x)] = 1
        if need_vis:
            for a in self.program.alphabet:
                rules.C_a[(f"{name}~vis", f"Q_{a}")] = 1
        self.formula(name, plan.result, plan.label)


def compile_program(program: Program, mode: Mode = "compact") -> CompiledProgram:
    """Compiles a special-form B-RASP program to an equivalent UHAT (Lemma 9), in one of
    the :data:`MODES` (module docstring).

    Raises:
        BRASPError: an attention op whose score is not in Lemma 9's special form, or an
            unknown mode.
    """
    for op in program.attention_ops:
        special_form(op)  # fail early, naming the op
    return _Compiler(program, mode).run()
