"""Per-op size formulas of compiled B-RASP programs (Lemma 9), and the sizes report of
compiled models.

:func:`compiled_op_formulas` gives, for every op of a compiled B-RASP program,
layers/params/nonzero/bits as expressions in ``R`` (the residual width before the op)
and the op's circuit statistics, computed from the *program*, not from the arrays; the
tests check them equal to :func:`succinct.sizes.count`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from succinct.compiler.brasp_to_uhat import CompiledProgram
from succinct.sizes import ATTN_PARAMS, FFN_PARAMS, R, _ell, count

__all__ = ["OpCost", "compiled_op_formulas", "compiled_totals", "model_report"]


@dataclass
class OpCost:
    """Symbolic cost of one compiled op, in ``R`` (residual width before the op)."""

    layers: sp.Expr
    params: sp.Expr
    nonzero: sp.Expr
    bits: sp.Expr
    width_after: sp.Expr  # residual width after the op (R + 1)

    def at(self, r: int) -> dict[str, int]:
        return {k: int(getattr(self, k).subs(R, r)) for k in
                ("layers", "params", "nonzero", "bits")}


def _circuit_cost(circuit, mode: str, r_in: sp.Expr, r_pred: sp.Expr, keep: bool):
    """Layers, params, nonzero, extra bits and output width of one Boolean circuit.

    ``r_in`` is the width when the circuit starts; ``r_pred`` the width the op's last
    layer keeps (without scratch) when ``keep`` is false.
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
        extra += sum(_ell(abs(b)) - 1 for b in biases if b)
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
        extra += _ell(abs(root_b)) - 1 if root_b else 0
        final_w = out_w
    else:
        final_w = (width + 1) if keep else (r_pred + 1)
    return layers, params, nonzero, extra, final_w


def compiled_op_formulas(compiled: CompiledProgram) -> dict[str, OpCost]:
    """Symbolic cost (in ``R``) of every op of a compiled B-RASP program."""
    from succinct.compiler.circuits import build_circuit
    from succinct.programs.brasp import (
        TRUE,
        Attend,
        Const,
        Input,
        Local,
        Not,
        Ref,
        shift,
        special_form,
    )

    mode = compiled.mode
    program = compiled.program
    n_sym = len(program.alphabet)
    out: dict[str, OpCost] = {}
    for op in program.ops:
        if isinstance(op, Input):
            continue
        if isinstance(op, Local):
            c = build_circuit(op.expr, lambda r: r.name, prefix=f"{op.name}~")
            lay, par, nz, ex, wout = _circuit_cost(c, mode, R, R, keep=False)
            out[op.name] = OpCost(lay, par, nz, 3 * par + ex, wout)
            continue
        assert isinstance(op, Attend)
        s, keys = special_form(op)
        if isinstance(s, Const) and not s.value:
            c = build_circuit(op.default, lambda r: r.name, prefix=f"{op.name}~")
            lay, par, nz, ex, wout = _circuit_cost(c, mode, R, R, keep=False)
            out[op.name] = OpCost(lay, par, nz, 3 * par + ex, wout)
            continue
        layers = params = nonzero = extra = sp.Integer(0)
        s_i = shift(s, "i")
        width = R
        if isinstance(s_i, Ref):
            s_lit = (s_i.name, True)
        elif isinstance(s_i, Not) and isinstance(s_i.x, Ref):
            s_lit = (s_i.x.name, False)
        elif s == TRUE:
            s_lit = None
        else:
            c = build_circuit(s_i, lambda r: r.name, prefix=f"{op.name}~S~")
            lay, par, nz, ex, width = _circuit_cost(c, mode, R, R, keep=True)
            layers, params, nonzero, extra = lay, par, nz, ex
            s_lit = (f"{op.name}~S", True)
        vis = 1 if (s_lit is None or not s_lit[1]) else 0
        copies = len({x for x, at in op.value.refs() if at == "j"} | set(keys)
                     | ({s_lit[0]} if s_lit else set()))
        kk = len(keys)
        q = 2 * kk + 1
        out_w = width + copies + vis
        layers += 1
        params += 2 * q * width + 2 * q + 2 * out_w * width + out_w
        nonzero += (2 * kk) + (kk + 1) + (2 * kk + (1 if s_lit else 0)) \
            + (kk + (1 if s_lit and s_lit[1] else 0)) + width + copies + n_sym * vis
        name = op.name

        def copied(r, name=name):
            return r.name if r.at == "i" else f"{name}~a.{r.name}"

        s_copy = TRUE if s_lit is None else (
            Ref(s_lit[0], "j") if s_lit[1] else Not(Ref(s_lit[0], "j")))
        from succinct.programs.brasp import all_of

        rr = all_of(([Ref(f"{name}~vis")] if vis else []) + [s_copy]
                    + [Ref(k_, "i").iff(Ref(k_, "j")) for k_ in keys])
        result = (rr & op.value) | (~rr & op.default)
        vis_label = f"{name}~vis"
        c = build_circuit(result, lambda r, v=vis_label: r.name if r.name == v else copied(r),
                          prefix=f"{name}~")
        lay, par, nz, ex, wout = _circuit_cost(c, mode, out_w, R, keep=False)
        layers += lay
        params += par
        nonzero += nz
        extra += ex
        out[op.name] = OpCost(layers, params, nonzero, 3 * params + extra, wout)
    return out


def compiled_totals(compiled: CompiledProgram) -> dict[str, int]:
    """Model totals from :func:`compiled_op_formulas` (plus embedding and readout)."""
    program = compiled.program
    n_sym = len(program.alphabet)
    costs = compiled_op_formulas(compiled)
    width = n_sym
    total = {"layers": 0, "params": n_sym * n_sym, "nonzero": n_sym, "bits": 3 * n_sym * n_sym}
    for cost in costs.values():
        got = cost.at(width)
        for key in total:
            total[key] += got[key]
        width = int(cost.width_after.subs(R, width))
    total["params"] += width
    total["nonzero"] += 1
    total["bits"] += 3 * width
    return total


def model_report(model: Any, compiled: CompiledProgram | None = None) -> dict[str, Any]:
    """Counted sizes of a model plus its formulas as strings, for ``sizes --json``.

    For a compiled program the totals are recomputed from :func:`compiled_op_formulas`
    and reported next to the counted ones (``formula_totals``); they are equal.
    """
    rep = count(model)
    out = rep.as_dict()
    from succinct.models.uhat import UHAT

    if isinstance(model, UHAT):
        out["formulas"] = {
            "attention layer params": str(ATTN_PARAMS),
            "ffn block params": str(FFN_PARAMS),
            "relu layer params": "0",
            "bits": "Σ_entries (1 + ℓ(|p|) + ℓ(q)),  ℓ(m) = max(1, ⌊log2 m⌋ + 1)",
        }
        if compiled is not None:
            costs = compiled_op_formulas(compiled)
            out["formulas"]["per op (R = residual width before the op)"] = {
                name: {"layers": str(c.layers), "params": str(sp.expand(c.params)),
                       "nonzero": str(sp.expand(c.nonzero)), "bits": str(sp.expand(c.bits))}
                for name, c in costs.items()
            }
            out["formula_totals"] = compiled_totals(compiled)
    else:
        out["formulas"] = {
            "params": "D^2 + D|Σ| + 3D + 1  (W, U, b, h0, readout, readout bias)",
            "bits": "Σ_entries (1 + ℓ(|p|) + ℓ(q)) + k  (precision charged in unary)",
        }
    return out
