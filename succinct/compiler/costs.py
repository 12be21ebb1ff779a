"""Per-op size formulas of compiled B-RASP programs (Lemma 9), and the size report of a
compiled model.

:func:`compiled_op_formulas` gives, for every compiled op of a B-RASP program,
layers/params/nonzero/bits as expressions in ``R`` (the residual width before the op),
``X`` (in compact mode: the number of predicates the op's last layer drops) and the op's
circuit statistics. They are computed from the *program* through the compiler's own
per-op plan (:func:`succinct.compiler.brasp_to_uhat.plan_attend`) and liveness analysis,
not from the arrays; the tests check them equal to the counts in every mode.

An op's layers are those of ``"ffn"`` mode (or ``"lemma9"``); compact mode changes only
its last layer, whose output ``R' + 1`` (``R'`` the coordinates it keeps, ``P`` appended)
becomes ``R' − X + 1``: its kept identity entries shrink by ``X`` too. So, with ``R_t``
and the dropped sets ``X_t`` of :mod:`succinct.compiler.brasp_to_uhat`, the totals are::

    size = |Σ|² (embedding) + Σ_t cost_t(R = R_t, X = |X_t|) + R_end (readout),
    R_{t+1} = R_t + 1 − |X_t|     (|X_t| = 0 in "ffn" and "lemma9" mode)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from succinct.compiler.brasp_to_uhat import CompiledProgram, plan_attend
from succinct.compiler.circuits import Circuit, build_circuit
from succinct.programs.brasp import Input, Local
from succinct.sizes import R, SizeReport, binary_length

__all__ = ["OpCost", "X", "compiled_op_formulas", "compiled_totals", "compiled_report"]

X = sp.Symbol("X", nonnegative=True, integer=True)  # predicates an op's last layer drops


@dataclass
class OpCost:
    """Symbolic cost of one compiled op, in ``R`` (residual width before the op) and ``X``
    (predicates its last layer drops; ``drops`` is its value for this op)."""

    layers: sp.Expr
    params: sp.Expr
    nonzero: sp.Expr
    bits: sp.Expr
    width_after: sp.Expr  # residual width after the op: R + 1 − X
    drops: int = 0

    def _subs(self, e: sp.Expr, r: int) -> int:
        return int(e.subs({R: r, X: self.drops}))

    def at(self, r: int) -> dict[str, int]:
        """Layers, params, nonzero and bits of the op from residual width ``r``."""
        return {k: self._subs(getattr(self, k), r) for k in
                ("layers", "params", "nonzero", "bits")}

    def width_at(self, r: int) -> int:
        """The residual width after the op, from width ``r`` before it."""
        return self._subs(self.width_after, r)


def _circuit_cost(circuit: Circuit, mode: str, r_in: sp.Expr, r_pred: sp.Expr, keep: bool):
    """Layers, params, nonzero, extra bits and output width of one Boolean circuit
    (``mode`` ``"ffn"``, the lowering compact mode uses too, or ``"lemma9"``).

    ``r_in`` is the width when the circuit starts; ``r_pred`` the width the op's last
    layer keeps (without scratch, and without the ``X`` dropped predicates in compact
    mode) when ``keep`` is false.
    """
    layers = sp.Integer(0)
    params = sp.Integer(0)
    nonzero = sp.Integer(0)
    extra = sp.Integer(0)  # Σ over non-zero entries of (ℓ(|x|) − 1)
    done = sp.Integer(0)  # gate coordinates added so far
    depth = circuit.depth
    for level in range(1, depth + 1):
        gates = [circuit.gates[i] for i in circuit.level(level)]
        g = len(gates)
        width = r_in + done
        supports = sum(sum(1 for c in gt.affine()[0].values() if c) for gt in gates)
        biases = [gt.affine()[1] for gt in gates]
        n_bias = sum(1 for b in biases if b)
        extra += sum(binary_length(abs(b)) - 1 for b in biases if b)
        last = level == depth
        if mode == "ffn":
            # One FFN block, one hidden unit per gate.
            if last:
                out_w = (width + 1) if keep else (r_pred + 1)
                kept = width if keep else r_pred
                or_root = 0 if gates[0].stores_positive else 1
            else:
                out_w, kept, or_root = width + g, width, 0
            layers += 1
            params += g * width + g + out_w * g + out_w * width + out_w
            nonzero += supports + n_bias + g + kept + or_root
        else:
            # One unused-head layer appending the pre-activations, one ReLU per gate.
            out_w = width + g
            layers += 1 + g
            params += 2 * width + 2 + 2 * out_w * width + out_w
            nonzero += width + supports + n_bias
        done += g if (mode == "lemma9" or not last) else 0
    root_w, root_b = circuit.root_affine()
    width = r_in + done
    if mode == "lemma9" or depth == 0:
        # Final affine layer writing the value (lemma9: unused head; ffn: 0-unit block).
        out_w = (width + 1) if keep else (r_pred + 1)
        kept = width if keep else r_pred
        support = sum(1 for c in root_w.values() if c)
        layers += 1
        if mode == "lemma9":
            params += 2 * width + 2 + 2 * out_w * width + out_w
        else:
            params += out_w * width + out_w
        nonzero += kept + support + (1 if root_b else 0)
        extra += binary_length(abs(root_b)) - 1 if root_b else 0
        final_w = out_w
    else:
        final_w = (width + 1) if keep else (r_pred + 1)
    return layers, params, nonzero, extra, final_w


def compiled_op_formulas(compiled: CompiledProgram) -> dict[str, OpCost]:
    """Symbolic cost (in ``R``, and ``X`` in compact mode) of every compiled op of a
    B-RASP program, in the order compiled.

    A position-wise op is its circuit. An attention op follows the compiler's
    :func:`plan_attend`: the score's circuit (if materialised), one attention layer with
    query width ``q = 2|K| + 1`` appending the copies (and ``vis``), then the circuit of
    ``(R ∧ V) ∨ (¬R ∧ D)`` (only the default's circuit when the score is constantly
    false). Every weight of the attention layer is 0 or ±1 (3 bits); a circuit's biases
    may be larger. The last layer keeps ``R − X`` coordinates (``X = 0`` outside compact).
    """
    mode = "ffn" if compiled.mode == "compact" else compiled.mode
    kept = R - X if compiled.mode == "compact" else R
    program = compiled.program
    n_sym = len(program.alphabet)
    out: dict[str, OpCost] = {}
    for op in program.ops:
        if isinstance(op, Input) or op.name in compiled.removed:
            continue
        drops = len(compiled.dropped.get(op.name, ()))
        plan = None if isinstance(op, Local) else plan_attend(op)
        if plan is None:
            e = op.expr if isinstance(op, Local) else op.default
            lay, par, nz, ex, wout = _circuit_cost(
                build_circuit(e, lambda r: r.name, prefix=f"{op.name}~"), mode, R, kept,
                keep=False)
            out[op.name] = OpCost(lay, par, nz, 3 * par + ex, wout, drops)
            continue
        layers = params = nonzero = extra = sp.Integer(0)
        width = R
        if plan.score is not None:
            c = build_circuit(plan.score, lambda r: r.name, prefix=f"{op.name}~S~")
            layers, params, nonzero, extra, width = _circuit_cost(c, mode, R, R, keep=True)
        s_lit, vis, kk = plan.s_lit, int(plan.vis), len(plan.keys)
        copies = len(plan.copies)
        q = 2 * kk + 1
        out_w = width + copies + vis
        layers += 1
        params += 2 * q * width + 2 * q + 2 * out_w * width + out_w
        nonzero += (2 * kk) + (kk + 1) + (2 * kk + (1 if s_lit else 0)) \
            + (kk + (1 if s_lit and s_lit[1] else 0)) + width + copies + n_sym * vis
        c = build_circuit(plan.result, plan.label, prefix=f"{op.name}~")
        lay, par, nz, ex, wout = _circuit_cost(c, mode, out_w, kept, keep=False)
        layers += lay
        params += par
        nonzero += nz
        extra += ex
        out[op.name] = OpCost(layers, params, nonzero, 3 * params + extra, wout, drops)
    return out


def compiled_totals(compiled: CompiledProgram,
                    costs: Mapping[str, OpCost] | None = None) -> dict[str, int]:
    """Model totals from :func:`compiled_op_formulas` (``costs``, computed when not
    given) plus the embedding (``|Σ|²`` entries, ``|Σ|`` non-zero) and the readout,
    following the residual widths ``R_{t+1} = R_t + 1 − X_t`` (module docstring)."""
    n_sym = len(compiled.program.alphabet)
    costs = compiled_op_formulas(compiled) if costs is None else costs
    width = n_sym
    total = {"layers": 0, "params": n_sym * n_sym, "nonzero": n_sym, "bits": 3 * n_sym * n_sym}
    for cost in costs.values():
        got = cost.at(width)
        for key in total:
            total[key] += got[key]
        width = cost.width_at(width)
    total["params"] += width
    total["nonzero"] += 1
    total["bits"] += 3 * width
    return total


def compiled_report(compiled: CompiledProgram) -> SizeReport:
    """The compiled UHAT's counted sizes, with every op's cost formulas (in ``R``, the
    residual width before the op, and ``X``, the predicates it drops) and the totals they
    give (``formula_totals``, equal to the counts: the tests check it); ``extra`` carries
    the compile mode, the removed ops and the width schedule ``{op: [R, X]}``. The per-op
    formulas are computed once."""
    costs = compiled_op_formulas(compiled)
    per_op = {name: {"layers": c.layers, "params": sp.expand(c.params),
                     "nonzero": sp.expand(c.nonzero), "bits": sp.expand(c.bits)}
              for name, c in costs.items()}
    return compiled.model.size_report().with_(
        formulas={"per op (R = residual width before the op, X = predicates it drops)":
                  per_op},
        formula_totals=compiled_totals(compiled, costs),
        extra={"compile_mode": compiled.mode, "removed_ops": list(compiled.removed),
               "width_schedule": {op: [r, x] for op, r, x in compiled.schedule()}})
