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
``Q`` score width, ``H`` hidden units); :mod:`succinct.compiler.costs` gives, for every
op of a compiled B-RASP program, layers/params/nonzero/bits in ``R`` (the residual width
before the op). Both are computed from the *program and the shapes*, not from the
arrays, and the tests check them equal to :func:`count`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

__all__ = [
    "entry_bits", "Size", "SizeReport", "count", "layer_formulas",
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
    from succinct.models.uhat import FFN, Attention

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
