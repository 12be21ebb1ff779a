"""Sizes of models: counted on the built arrays, and as sympy formulas.

**Encoding (the paper's |·| is "a minimal binary encoding"; we fix one).** A weight
``p/q`` in lowest terms costs ``1 + ℓ(|p|) + ℓ(q)`` bits (a sign bit, then numerator and
denominator in binary) with ``ℓ(m) = max(1, ⌊log₂ m⌋ + 1)``. So ``0`` and ``±1`` cost 3
bits, ``±2`` and ``±3`` cost 4. A model's ``bits`` is the sum over every entry of every
weight array (dense: zeros are paid for). For an RNN in k-bit mode the precision is
also charged in unary, as in the paper: ``k`` more bits.

Reported quantities, per component (pytree path such as ``layers/3/attn/C_v``) and in
total: ``params`` (entries), ``nonzero`` (non-zero entries), ``bits``; per model also
``layers`` (UHAT layers; RNN: 1) and ``width`` (largest residual, score or hidden
space; RNN: units D).

Formulas. :func:`layer_formulas` gives, for every UHAT layer, its parameter count as a
sympy expression in the layer's shape symbols (``R`` input width, ``S`` output width,
``Q`` score width, ``H`` hidden units); :func:`compiled_op_formulas` gives, for every op
of a compiled B-RASP program, layers/params/nonzero/bits as expressions in ``R`` (the
residual width before the op) and the op's circuit statistics. Both are computed from
the *program and the shapes*, not from the arrays, and the tests check them equal to
:func:`count`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

if TYPE_CHECKING:
    from succinct.compiler.brasp_to_uhat import CompiledProgram

__all__ = [
    "entry_bits", "Size", "SizeReport", "count", "layer_formulas", "compiled_op_formulas",
    "R", "S", "Q", "H", "n", "N", "k", "D", "Sigma",
]

# Shape symbols of one layer.
R, S, Q, H = sp.symbols("R S Q H", positive=True, integer=True)
# Family parameters used across the project (documented where used).
n, N, k, D, Sigma = sp.symbols("n N k D Sigma", positive=True, integer=True)


def _ell(m: int) -> int:
    return max(1, int(m).bit_length())


def entry_bits(x: float | int | Fraction) -> int:
    """Bits of one weight in the encoding above."""
    f = Fraction(x).limit_denominator(2**32) if not isinstance(x, int) else Fraction(x)
    return 1 + _ell(abs(f.numerator)) + _ell(f.denominator)


@dataclass(frozen=True)
class Size:
    """Entries, non-zero entries and bits of one component (or a sum of them)."""

    params: int
    nonzero: int
    bits: int

    def __add__(self, other: Size) -> Size:
        return Size(self.params + other.params, self.nonzero + other.nonzero,
                    self.bits + other.bits)


def count_array(x: np.ndarray) -> Size:
    """Counts one weight array."""
    a = np.asarray(x).reshape(-1)
    if a.size == 0:
        return Size(0, 0, 0)
    vals, counts = np.unique(a, return_counts=True)
    bits = sum(entry_bits(float(v) if not float(v).is_integer() else int(v)) * int(c)
               for v, c in zip(vals, counts, strict=True))
    return Size(int(a.size), int(np.count_nonzero(a)), int(bits))


@dataclass
class SizeReport:
    """Counted sizes of one model, per component and in total."""

    kind: str
    layers: int
    width: int
    components: dict[str, Size]
    extra_bits: int = 0  # e.g. the RNN precision k, charged in unary
    formulas: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Size:
        out = Size(0, 0, 0)
        for s in self.components.values():
            out = out + s
        return out

    @property
    def params(self) -> int:
        return self.total.params

    @property
    def nonzero(self) -> int:
        return self.total.nonzero

    @property
    def bits(self) -> int:
        return self.total.bits + self.extra_bits

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "layers": self.layers, "width": self.width,
                "params": self.params, "nonzero": self.nonzero, "bits": self.bits,
                "formulas": dict(self.formulas)}


def count(model: Any) -> SizeReport:
    """Counts the sizes of a UHAT or an RNN from its arrays."""
    from succinct.models.rnn import RNN
    from succinct.models.uhat import UHAT

    comps = {path: count_array(arr) for path, arr in model.components().items()}
    if isinstance(model, UHAT):
        return SizeReport("uhat", model.n_layers, model.width, comps)
    if isinstance(model, RNN):
        extra = model.spec.bits or 0
        return SizeReport("rnn", 1, model.units, comps, extra_bits=extra)
    raise TypeError(f"cannot count the size of {type(model).__name__}")


# ====================================================================== formulas
ATTN_PARAMS = 2 * Q * R + 2 * Q + 2 * S * R + S  # A_w, A_b, B_w, B_b, C_v, C_a, C_b
FFN_PARAMS = H * R + H + S * H + S * R + S  # W_1, b_1, W_2, W_r, b_2


def layer_formulas(model: Any) -> list[tuple[str, sp.Expr, dict]]:
    """``(path, params formula, shape substitution)`` for every UHAT layer."""
    from succinct.models.specs import FFN, Attention

    out = []
    for i, layer in enumerate(model.spec.layers):
        r, s = len(layer.source), len(layer.target)
        if isinstance(layer, Attention):
            out.append((f"layers/{i}/attn", ATTN_PARAMS, {R: r, S: s, Q: len(layer.query)}))
        elif isinstance(layer, FFN):
            out.append((f"layers/{i}/ffn", FFN_PARAMS, {R: r, S: s, H: len(layer.hidden)}))
        else:
            out.append((f"layers/{i}/relu", sp.Integer(0), {}))
    return out


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
