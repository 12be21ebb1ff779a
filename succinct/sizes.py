"""Sizes of recognizers: one typed report, counted on the built arrays, with sympy formulas.

**Encoding (the paper's |·| is "a minimal binary encoding"; we fix one).** A weight
``p/q`` in lowest terms costs ``1 + ℓ(|p|) + ℓ(q)`` bits (a sign bit, then numerator and
denominator in binary) with ``ℓ(m) = max(1, ⌊log₂ m⌋ + 1)``. So ``0`` and ``±1`` cost 3
bits, ``±2`` and ``±3`` cost 4. A model's ``bits`` is the sum over every entry of every
weight array (dense: zeros are paid for). For an RNN in k-bit mode the precision is
also charged in unary, as in the paper: ``k`` more bits.

**Reports.** Every recognizer's ``size_report()`` is a :class:`SizeReport`: a kind, the
sizes ``params``, ``nonzero``, ``bits``, ``layers``, ``width``, ``state_bits`` and
``dfa_states`` (those that apply), and for each reported size the name of its *measure*
(:data:`MEASURES`): a UHAT's ``params`` are weight entries, a B-RASP program's are
predicates, a formula's are ``|φ|``, a DFA's are transition-table entries; an RNN's
``state_bits`` are ``k·D``, a DFA's ``⌈log₂ states⌉``. Counted reports keep their
per-component counts (pytree paths such as ``layers/3/attn/C_v``). The definitions live
here once: :func:`uhat_report`, :func:`rnn_report`, :func:`dfa_report`; models,
programs and automata delegate to them.

**Formulas** are sympy objects. :func:`layer_formulas` gives, for every UHAT layer, its
parameter count in the layer's shape symbols (``R`` input width, ``S`` output width,
``Q`` score width, ``H`` hidden units); :mod:`succinct.compiler.costs` gives, for every
op of a compiled B-RASP program, layers/params/nonzero/bits in ``R`` (the residual width
before the op). Both are computed from the *program and the shapes*, not from the
arrays, and the tests check them equal to the counts. :meth:`SizeReport.as_dict`
turns them into strings, in one place, for ``succinct sizes --json``.

This module is a base module: it imports numpy and sympy only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from succinct.words import SuccinctError

__all__ = [
    "entry_bits", "binary_length", "Size", "SizeReport", "Formula", "MEASURES", "SIZE_FIELDS",
    "kind_words",
    "count", "count_array", "counted", "uhat_report", "rnn_report", "dfa_report", "state_bits_of",
    "layer_formulas", "ATTN_PARAMS", "FFN_PARAMS", "RNN_PARAMS", "UHAT", "POSITIONAL_UHAT",
    "R", "S", "Q", "H", "n", "N", "k", "D", "Sigma", "States",
]

# Shape symbols of one layer.
R, S, Q, H = sp.symbols("R S Q H", positive=True, integer=True)
# Family parameters used across the project (documented where used): n, N bits of a
# counter's addresses; k, D the kinds and depth of Dyck (and an RNN's precision k and
# units D, as in the paper's k·D); Sigma the alphabet size |Σ|.
n, N, k, D, Sigma = sp.symbols("n N k D Sigma", positive=True, integer=True)
States = sp.Symbol("dfa_states", positive=True, integer=True)  # states of a DFA

Formula = sp.Basic | Mapping[str, "Formula"]  # an expression, or named sub-formulas

# The measures a size can be under: ``SizeReport.measures`` maps each reported size
# (one of SIZE_FIELDS) to one of these names.
MEASURES: dict[str, str] = {
    "params": "weight entries (dense: zeros are paid for)",
    "nonzero": "non-zero weight entries",
    "bits": "description length in bits (the encoding of succinct.sizes)",
    "layers": "layers (UHAT: attention, FFN and ReLU layers; RNN: 1)",
    "width": "largest residual, score or hidden space",
    "units": "hidden units D",
    "kD": "state bits k·D of a k-bit RNN with D units (Prop 1: at most 2^(kD) states)",
    "predicates": "predicates of a B-RASP program, the inputs included",
    "attention_depth": "longest chain of attention ops of a B-RASP program",
    "program_bits": "(description size + predicates)·⌈log2(predicates + 8)⌉ "
                    "+ 3·(attention ops)",
    "formula_size": "|φ|, syntax-tree nodes of an LTL formula",
    "temporal_depth": "nesting depth of temporal operators",
    "subformulas": "distinct subformulas",
    "formula_bits": "|φ|·⌈log2(|Σ| + 13)⌉, one code per node",
    "dfa_states": "states of a complete DFA",
    "transitions": "transition-table entries dfa_states·|Σ|",
    "table_bits": "transitions·⌈log2 dfa_states⌉",
    "log2_states": "⌈log2 dfa_states⌉ (at least 1): the bits of one state",
}
SIZE_FIELDS = ("params", "nonzero", "bits", "layers", "width", "state_bits", "dfa_states")
_MAPPINGS = ("measures", "formulas", "notes", "formula_values", "formula_totals", "extra")

UHAT = "uhat"
POSITIONAL_UHAT = "uhat+pe"  # a UHAT with positional encodings: outside the paper's model
BITS_NOTE = "Σ_entries (1 + ℓ(|p|) + ℓ(q)),  ℓ(m) = max(1, ⌊log2 m⌋ + 1)"

# SizeReport.kind in a user's words (messages name what a model is, never its class)
KIND_WORDS = {"predicate": "a Python predicate", "state machine": "a Python state machine",
              "ltl": "an LTL formula", "uhat": "a UHAT", "uhat+pe": "a UHAT with positional "
              "encodings", "rnn": "an RNN", "rnn2": "a second-order RNN", "dfa": "a DFA",
              "brasp": "a B-RASP program", "softmax transformer": "a softmax transformer"}


def kind_words(recognizer: Any) -> str:
    """What ``recognizer`` is, in a user's words, from the kind its size report names:
    ``a Python predicate`` for a reference written as a function."""
    kind = recognizer.size_report().kind
    return KIND_WORDS.get(kind, f"a model of kind {kind!r}")


def binary_length(m: int) -> int:
    """``ℓ(m) = max(1, ⌊log₂ m⌋ + 1)``: the binary digits of a natural number ``m``."""
    return max(1, int(m).bit_length())


def entry_bits(x: float | int | Fraction) -> int:
    """Bits of one weight in the encoding above."""
    f = Fraction(x).limit_denominator(2**32) if not isinstance(x, int) else Fraction(x)
    return 1 + binary_length(abs(f.numerator)) + binary_length(f.denominator)


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


def _json_formula(f: Formula) -> Any:
    if isinstance(f, Mapping):
        return {key: _json_formula(value) for key, value in f.items()}
    return str(f)


@dataclass(frozen=True)
class SizeReport:
    """The sizes of one recognizer, each under a named measure (module docstring).

    ``measures`` maps every reported size (one of :data:`SIZE_FIELDS`) to its measure
    (a key of :data:`MEASURES`); a size that is not in ``measures`` is not reported, and a
    report with no measures (a plain Python predicate) says only its kind. ``formulas``
    are sympy expressions (or named groups of them); ``formula_values`` are closed forms
    evaluated at a family's parameters and ``formula_totals`` the totals recomputed from
    per-op formulas (the tests and the atlas compare both with the counts). ``notes``
    explain in words; ``extra`` holds a family's further numbers (word length, …).
    """

    kind: str
    measures: Mapping[str, str] = field(default_factory=dict)
    params: int | None = None
    nonzero: int | None = None
    bits: int | None = None
    layers: int | None = None
    width: int | None = None
    state_bits: int | None = None
    dfa_states: int | None = None
    components: Mapping[str, Size] = field(default_factory=dict)
    formulas: Mapping[str, Formula] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    formula_values: Mapping[str, int] = field(default_factory=dict)
    formula_totals: Mapping[str, int] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for size, measure in self.measures.items():
            if size not in SIZE_FIELDS or measure not in MEASURES:
                raise ValueError(f"{self.kind}: unknown size {size!r} or measure {measure!r}")
            if getattr(self, size) is None:
                raise ValueError(f"{self.kind}: size {size} ({measure}) has no value")
        for size in SIZE_FIELDS:
            if getattr(self, size) is not None and size not in self.measures:
                raise ValueError(f"{self.kind}: size {size} names no measure")

    def with_(self, **changes: Any) -> SizeReport:
        """A copy with some fields replaced; mappings (formulas, notes, …) are merged
        into the old ones."""
        merged = {key: {**getattr(self, key), **value} if key in _MAPPINGS else value
                  for key, value in changes.items()}
        return replace(self, **merged)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the sizes it reports, by name, the measures, and the formulas as
        strings with the notes merged in."""
        out: dict[str, Any] = {"kind": self.kind}
        for size in ("layers", "width", "params", "nonzero", "bits", "state_bits",
                     "dfa_states"):
            value = getattr(self, size)
            if value is not None:
                out[size] = value
        out["measures"] = dict(self.measures)
        out["formulas"] = {**_json_formula(dict(self.formulas)), **self.notes}
        if self.formula_values:
            out["formula_values"] = dict(self.formula_values)
        if self.formula_totals:
            out["formula_totals"] = dict(self.formula_totals)
        return {**out, **self.extra}


def counted(kind: str, layers: int, width: int, arrays: Mapping[str, Any], *,
            extra_bits: int = 0, **fields: Any) -> SizeReport:
    """A model's report counted on its weight arrays; ``extra_bits`` are added to the
    bits (the RNN precision ``k``, charged in unary)."""
    comps = {path: count_array(arr) for path, arr in arrays.items()}
    total = Size(0, 0, 0)
    for s in comps.values():
        total = total + s
    measures = {"params": "params", "nonzero": "nonzero", "bits": "bits", "layers": "layers",
                "width": "width", **fields.pop("measures", {})}
    return SizeReport(kind, measures, params=total.params, nonzero=total.nonzero,
                      bits=total.bits + extra_bits, layers=layers, width=width,
                      components=comps, **fields)


def count(model: Any) -> SizeReport:
    """The sizes of any recognizer: its ``size_report()``."""
    if not callable(getattr(model, "size_report", None)):
        raise SuccinctError(
            f"a {type(model).__name__} is not a recognizer, so it has no size report"
            + (" (an LTL formula is one as Language(formula, alphabet))"
               if type(model).__module__.endswith(".ltl") else ""))
    return model.size_report()


# ====================================================================== definitions
ATTN_PARAMS = 2 * Q * R + 2 * Q + 2 * S * R + S  # A_w, A_b, B_w, B_b, C_v, C_a, C_b
FFN_PARAMS = H * R + H + S * H + S * R + S  # W_1, b_1, W_2, W_r, b_2
RNN_PARAMS = D**2 + D * Sigma + 3 * D + 1  # W, U, b, h0, readout, readout bias


def uhat_report(model: Any, kind: str = UHAT, **fields: Any) -> SizeReport:
    """Counted sizes of a UHAT (its ``components()``, ``n_layers`` and ``width``), with
    the parameter counts of its layer kinds as formulas."""
    formulas = {"attention layer params": ATTN_PARAMS, "ffn block params": FFN_PARAMS,
                "relu layer params": sp.Integer(0), **fields.pop("formulas", {})}
    notes = {"bits": BITS_NOTE, **fields.pop("notes", {})}
    return counted(kind, model.n_layers, model.width, model.components(), formulas=formulas,
                   notes=notes, **fields)


def rnn_report(model: Any) -> SizeReport:
    """Counted sizes of an Elman RNN (``components()``, ``units``, ``spec.bits``): width
    = units D; a k-bit RNN also has state bits k·D and pays k more bits (unary)."""
    k_bits = model.spec.bits
    kd = None if k_bits is None else k_bits * model.units
    measures = {"width": "units"} | ({} if kd is None else {"state_bits": "kD"})
    return counted("rnn", 1, model.units, model.components(), extra_bits=k_bits or 0,
                   state_bits=kd, measures=measures, formulas={"params": RNN_PARAMS},
                   notes={"bits": BITS_NOTE + " + k  (precision charged in unary)"})


def state_bits_of(n_states: int) -> int:
    """``⌈log₂ n_states⌉``, at least 1: the bits of one state id."""
    return max(1, (n_states - 1).bit_length())


def dfa_report(n_states: int, n_symbols: int) -> SizeReport:
    """A complete DFA's sizes: ``dfa_states``, its transition table (``params`` =
    states·|Σ| entries of ``state_bits`` = ⌈log₂ states⌉ bits each, so ``bits`` =
    params·state_bits), one layer and width = states."""
    sb = state_bits_of(n_states)
    params = n_states * n_symbols
    return SizeReport(
        "dfa", {"dfa_states": "dfa_states", "params": "transitions", "bits": "table_bits",
                "state_bits": "log2_states", "layers": "layers", "width": "dfa_states"},
        params=params, bits=params * sb, layers=1, width=n_states, state_bits=sb,
        dfa_states=n_states,
        formulas={"params": States * Sigma,
                  "bits": States * Sigma * sp.ceiling(sp.log(States, 2))})


def layer_formulas(model: Any) -> list[tuple[str, sp.Expr, dict]]:
    """``(path, params formula, shape substitution)`` for every UHAT layer."""
    out = []
    for i, layer in enumerate(model.spec.layers):
        r, s = len(layer.source), len(layer.target)
        if layer.kind == "attention":
            out.append((f"layers/{i}/attn", ATTN_PARAMS, {R: r, S: s, Q: len(layer.query)}))
        elif layer.kind == "ffn":
            out.append((f"layers/{i}/ffn", FFN_PARAMS, {R: r, S: s, H: len(layer.hidden)}))
        else:
            out.append((f"layers/{i}/relu", sp.Integer(0), {}))
    return out
