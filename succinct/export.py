"""Saving and loading models: safetensors weights and a JSON manifest, both checked on load.

``save(model, "out/dc2")`` writes

* ``out/dc2.safetensors`` — every weight array of a UHAT or an RNN under a flat name
  (:func:`flat_weights`: ``embed``, ``layers.3.A_w``, …, ``readout``; RNN: ``W``, ``U``,
  ``b``, ``h0``, ``readout``, ``readout_bias``), int64 for exact (integer) UHATs, float32
  otherwise. A UHAT with positional encodings stores its inner UHAT over ``Σ × {1..T}``
  as ``inner.…`` plus ``tok_embed`` and ``pos_embed``; a second-order RNN ``M``, ``h0``,
  ``readout``, ``readout_bias`` (int64);
* ``out/dc2.json`` — the manifest: everything that is not a weight. For a UHAT the
  alphabet, the acceptance position, the embedding labels and, per layer, its kind,
  output labels, score-space or hidden labels, mask, tie-break, Boolean coordinates
  (those the fast attention path may rely on) or ReLU coordinate; for an RNN the unit
  labels, activation, β, precision ``k`` and fractional bits. Both also carry the
  counted sizes and the size formulas, and whatever ``info`` the caller adds (the CLI
  adds the family, its parameters and the family's formulas for the model).

A relaxed model (:func:`succinct.compiler.relax.relax`, kind ``softmax``) stores float64
``embed``, ``layers.i.W_q`` … (:data:`SOFTMAX_KEYS`), ``readout``; its manifest names the
architecture (:data:`SOFTMAX_ARCHITECTURE`: BOS sink, linear position bias), β,
``max_len``, the residual ``width``, each layer (kind; mask, bias sign, slope, score and
output widths; hidden width; ReLU coordinate) and the certificate. On load the arrays'
shapes follow from those widths, and β, β(N), slope, margin and ε are re-derived from
the certificate's ``K`` and ``max_len`` and must equal the recorded ones.

B-RASP programs and DFAs have no weights: their manifest is the whole model (expressions
as nested lists ``["and", [x, y]]``, ``["ref", "Q_a", "j"]``; a DFA's transition table).

**Integrity.** The manifest of format :data:`VERSION` 2 holds two SHA-256 digests (hex):

* ``weights_sha256`` = SHA-256 of the bytes of the weights file;
* ``manifest_sha256`` = SHA-256 of the manifest itself, without this entry, written as
  canonical JSON (keys sorted, no spaces, ASCII escapes: :func:`manifest_digest`).

:func:`load` (given the manifest, the weights file or the common stem) finds the weights
NEXT TO the manifest, with the same stem, so a pair may be moved and renamed together. It
checks, in this order, and refuses with one :class:`succinct.words.SuccinctError` line that
names the file and the entry (``dyck.json: layers[3].mask must be one of "none", "future",
"past", got "sideways"``):

1. the format, the version (version 1, which had no digests, is refused with a request to
   re-export) and the kind;
2. every entry the model is rebuilt from: types, the alphabet (distinct non-empty symbols
   without spaces), label lists (distinct non-empty strings), masks, tie-breaks,
   activations and acceptance positions (the values the spec classes of
   :mod:`succinct.models.specs` and :mod:`succinct.programs.brasp` declare, read from
   their annotations: one definition), Boolean and ReLU coordinates (labels of the
   layer's input), B-RASP expressions (tags, arities, nesting at most
   :data:`MAX_EXPR_DEPTH`), DFA tables (``delta`` is ``states × |Σ|`` with entries, start
   and accepting states in ``0..states−1``);
3. ``manifest_sha256``, so an edit that still reads as a valid model (a mask turned from
   ``future`` to ``past``, a DFA's start state) is refused too;
4. ``weights_sha256`` against the weights file's bytes (a truncated or altered file is
   refused, naming both digests), then the file as safetensors, then every array: the
   names the manifest implies, its shape (from the label lists: ``A_w`` is query ×
   input labels, …), its dtype (int64 for exact UHATs, positional UHATs and second-order
   RNNs, float32 otherwise) and finite values;
5. the model's own validating constructor (shapes, exact range), the ``exact`` flag
   against the weights, and the recorded sizes, formulas (and a B-RASP program's text)
   against those of the rebuilt model.

So a loaded model is range-checked like a built one and accepts exactly the same words.
Entries the caller added through ``info`` are carried, covered by ``manifest_sha256``,
and not interpreted.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, get_args, get_type_hints

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from succinct.automata.dfa import DFA
from succinct.compiler.relax import Certificate, Labels, RelaxedModel, beta_formula
from succinct.compiler.relax import N as LENGTH
from succinct.coords import Space
from succinct.models.positional import PositionalUHAT, product_symbol
from succinct.models.rnn import RNN
from succinct.models.rnn2 import SecondOrderRNN
from succinct.models.softmax import (
    SoftmaxAttention,
    SoftmaxFFN,
    SoftmaxReLU,
    SoftmaxTransformer,
)
from succinct.models.specs import (
    FFN,
    Attention,
    PositionalSpec,
    ReLU,
    RNNSpec,
    SecondOrderSpec,
    UHATSpec,
)
from succinct.models.uhat import UHAT
from succinct.programs.brasp import (
    And,
    Attend,
    Const,
    Expr,
    Iff,
    Input,
    Local,
    Not,
    Or,
    Program,
    Ref,
)
from succinct.sizes import kind_words
from succinct.words import Alphabet, SuccinctError

__all__ = ["save", "load", "flat_weights", "params_from_flat", "paths", "manifest_digest",
           "FORMAT", "VERSION", "KINDS", "LAYER_KEYS", "RNN_KEYS", "MAX_EXPR_DEPTH"]

FORMAT = "succinct-model"
VERSION = 2
KINDS = ("uhat", "rnn", "uhat+pe", "rnn2", "brasp", "dfa", "softmax")
WEIGHTED = ("uhat", "rnn", "uhat+pe", "rnn2", "softmax")
# Deeper B-RASP expressions are refused on export and on load: the program's own methods
# (printing, reference sets) recurse over the expression tree.
MAX_EXPR_DEPTH = 200
# An expression level is two JSON levels (["and", [x, y]]), below ops[k].score.
MAX_JSON_DEPTH = 2 * MAX_EXPR_DEPTH + 8


def _choices(cls: type, name: str) -> tuple[str, ...]:
    """The values a spec field allows: the ``Literal`` of its annotation (one definition)."""
    return get_args(get_type_hints(cls)[name])


MASKS = _choices(Attention, "mask")
TIES = _choices(Attention, "tie")
ACCEPT_AT = _choices(UHATSpec, "accept_at")
ACTIVATIONS = _choices(RNNSpec, "activation")
SECOND_ORDER_ACTIVATIONS = _choices(SecondOrderSpec, "activation")
LONGER = _choices(PositionalSpec, "longer")
LAYER_KINDS = tuple(cls.kind for cls in (Attention, FFN, ReLU))
BRASP_MASKS = _choices(Attend, "mask")
BRASP_TIES = _choices(Attend, "tie")
BRASP_ACCEPT = _choices(Program, "accept")
REF_AT = _choices(Ref, "at")
# A B-RASP expression as JSON: [tag, argument, ...] with this many arguments.
EXPR_ARITY = {"const": 1, "ref": 2, "not": 1, "and": 1, "or": 1, "iff": 2}


# ====================================================================== weights
def flat_weights(model: UHAT | RNN) -> dict[str, np.ndarray]:
    """Every weight array of a UHAT or an RNN under a flat, stable name."""
    if isinstance(model, UHAT):
        out = {"embed": np.asarray(model.params["embed"])}
        for i, p in enumerate(model.params["layers"]):
            for key, value in p.items():
                out[f"layers.{i}.{key}"] = np.asarray(value)
        out["readout"] = np.asarray(model.params["readout"])
        return out
    if isinstance(model, RNN):
        return {key: np.asarray(value) for key, value in model.params.items()}
    raise SuccinctError(f"a {type(model).__name__} has no weight arrays (UHAT and RNN do)")


LAYER_KEYS = {"attention": ("A_w", "A_b", "B_w", "B_b", "C_v", "C_a", "C_b"),
              "ffn": ("W_1", "b_1", "W_2", "W_r", "b_2"), "relu": ()}
RNN_KEYS = ("W", "U", "b", "h0", "readout", "readout_bias")


def params_from_flat(spec: UHATSpec | RNNSpec, flat: Mapping[str, Any]) -> dict[str, Any]:
    """The params pytree of a UHAT or RNN with ``spec`` from flat weights (the inverse of
    :func:`flat_weights`)."""
    if isinstance(spec, RNNSpec):
        want = list(RNN_KEYS)
    else:
        want = ["embed", "readout"] + [f"layers.{i}.{key}" for i, layer in enumerate(spec.layers)
                                       for key in LAYER_KEYS[layer.kind]]
    if set(flat) != set(want):
        missing, extra = sorted(set(want) - set(flat)), sorted(set(flat) - set(want))
        raise SuccinctError(f"weights do not match the model: missing {missing or 'none'}, "
                            f"unexpected {extra or 'none'}")
    if isinstance(spec, RNNSpec):
        return {key: flat[key] for key in RNN_KEYS}
    layers = [{key: flat[f"layers.{i}.{key}"] for key in LAYER_KEYS[layer.kind]}
              for i, layer in enumerate(spec.layers)]
    return {"embed": flat["embed"], "layers": layers, "readout": flat["readout"]}


def _weights_for_file(model: UHAT | RNN) -> dict[str, np.ndarray]:
    exact = isinstance(model, UHAT) and model.exact
    dtype = np.int64 if exact else np.float32
    return {k: np.array(v, dtype=dtype, order="C")  # keeps 0-d arrays 0-d
            for k, v in flat_weights(model).items()}


# ====================================================================== manifests (save)
def _uhat_manifest(model: UHAT) -> dict[str, Any]:
    spec = model.spec
    layers = []
    for layer in spec.layers:
        entry: dict[str, Any] = {"kind": layer.kind, "name": layer.name}
        if isinstance(layer, Attention):
            entry.update(mask=layer.mask, tie=layer.tie, query=list(layer.query.labels),
                         target=list(layer.target.labels), boolean=sorted(layer.boolean))
        elif isinstance(layer, FFN):
            entry.update(hidden=list(layer.hidden.labels), target=list(layer.target.labels))
        else:
            entry.update(coord=layer.coord)
        layers.append(entry)
    return {"alphabet": list(spec.alphabet.symbols), "accept_at": spec.accept_at,
            "readout_name": spec.readout_name, "exact": bool(model.exact),
            "embed": list(spec.embed.labels), "layers": layers}


def _rnn_manifest(model: RNN) -> dict[str, Any]:
    spec = model.spec
    return {"alphabet": list(spec.alphabet.symbols), "units": list(spec.hidden.labels),
            "activation": spec.activation, "beta": spec.beta, "bits": spec.bits,
            "frac_bits": spec.frac_bits}


def _positional_weights(model: PositionalUHAT) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A UHAT with positional encodings: its inner UHAT over ``Σ × {1..T}`` and the two
    embedding factors."""
    weights = {f"inner.{k}": v for k, v in _weights_for_file(model.inner).items()}
    weights["tok_embed"] = np.array(model.tok_embed, np.int64, order="C")
    weights["pos_embed"] = np.array(model.pos_embed, np.int64, order="C")
    return weights, {"alphabet": list(model.alphabet.symbols), "max_len": model.max_len,
                     "features": dict(model.features), "longer": model.longer,
                     "inner": _uhat_manifest(model.inner)}


def _rnn2_weights(model: SecondOrderRNN) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    weights = {k: np.array(v, np.int64, order="C") for k, v in model.params.items()}
    spec = model.spec
    return weights, {"alphabet": list(spec.alphabet.symbols),
                     "units": list(spec.hidden.labels), "activation": spec.activation}


SOFTMAX_KEYS = {"attention": ("W_q", "b_q", "W_k", "b_k", "W_v", "W_a", "c"),
                "ffn": ("W_1", "b_1", "W_2", "W_r", "b_2"), "relu": ()}
SOFTMAX_ARCHITECTURE = (
    "softmax transformer (succinct.models.softmax): BOS sink at position 0 (its residual "
    "vector e_bos, is_bos the last coordinate), heads with logits beta*(<q_n,k_m> + "
    "sign*slope*m) (ALiBi-style linear position bias) over the mask's word positions and "
    "BOS, out = W_v x + W_a a + c; FFN out = W_r x + W_2 ReLU(W_1 x + b_1) + b_2; ReLU "
    "layers on one coordinate; accept iff <readout, x> > 0 at accept_at")


def _softmax_weights(model: RelaxedModel) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Float64 arrays ``embed``, ``layers.i.KEY``, ``readout`` and the manifest entries:
    the architecture, β, max_len, each layer (kind, mask, sign, slope, widths) and the
    certificate."""
    p = model.params
    # contiguous copies: safetensors writes an array's memory as it lies (a transposed
    # view would be read back transposed)
    weights = {"embed": np.ascontiguousarray(p["embed"], np.float64),
               "readout": np.ascontiguousarray(p["readout"], np.float64)}
    layers = []
    for i, (layer, lp, (inner, out)) in enumerate(zip(model.layers, p["layers"],
                                                      model.labels.layers, strict=True)):
        entry: dict[str, Any] = {"kind": layer.kind, "name": layer.name}
        if isinstance(layer, SoftmaxAttention):
            entry.update(mask=layer.mask, sign=layer.sign, slope=layer.slope,
                         score=list(inner), out=list(out))
        elif isinstance(layer, SoftmaxFFN):
            entry.update(hidden=list(inner), out=list(out))
        else:
            entry.update(index=layer.index, out=list(out))
        layers.append(entry)
        for key in SOFTMAX_KEYS[layer.kind]:
            weights[f"layers.{i}.{key}"] = np.ascontiguousarray(lp[key], np.float64)
    return weights, {"architecture": SOFTMAX_ARCHITECTURE,
                     "alphabet": list(model.alphabet), "accept_at": model.accept_at,
                     "embed": list(model.labels.embed), "beta": model.beta,
                     "max_len": model.max_len, "layers": layers,
                     "certificate": model.certificate.as_dict()}


def _softmax_spec(m: _Entry) -> tuple[Any, Labels, dict[str, tuple[tuple[int, ...], str]]]:
    """The layers, the coordinate labels and the shape of every array the manifest
    implies (widths are the lengths of the label lists)."""
    alphabet = _alphabet(m["alphabet"])
    embed = _width_labels(m["embed"])
    width = len(embed)
    want = {"embed": ((width, len(alphabet)), "embed labels × alphabet")}
    layers: list[Any] = []
    names: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for i, e in enumerate(m["layers"].items()):
        kind = e["kind"].choice(tuple(SOFTMAX_KEYS))
        name = e["name"].text()
        at = f"layers[{i}]"
        out = _width_labels(e["out"])
        if kind == "attention":
            sign = e["sign"].integer(-1, 1)
            if sign == 0:
                raise e["sign"].wrong("1 or -1")
            slope = e["slope"].number()
            if not slope > 0:
                raise e["slope"].wrong("a positive number")
            inner = e["score"].labels()
            if not inner:
                raise e["score"].wrong("a non-empty list of labels")
            q, s = len(inner), len(out)
            layers.append(SoftmaxAttention(e["mask"].choice(MASKS), sign, slope, name))
            shapes = {"W_q": (q, width), "b_q": (q,), "W_k": (q, width), "b_k": (q,),
                      "W_v": (s, width), "W_a": (s, width), "c": (s,)}
        elif kind == "ffn":
            inner = e["hidden"].labels()
            h, s = len(inner), len(out)
            layers.append(SoftmaxFFN(name))
            shapes = {"W_1": (h, width), "b_1": (h,), "W_2": (s, h), "W_r": (s, width),
                      "b_2": (s,)}
        else:
            inner = ()
            if len(out) != width:
                raise e["out"].error(f"has {len(out)} labels; a ReLU layer keeps the width "
                                     f"{width}")
            layers.append(SoftmaxReLU(e["index"].integer(0, width - 2), name))
            shapes = {}
        for key, shape in shapes.items():
            want[f"layers.{i}.{key}"] = (shape, f"{at}: its input width {width} and labels")
        names.append((inner, out))
        width = len(out)
    want["readout"] = ((width,), "the last layer's out labels")
    return tuple(layers), Labels(embed, tuple(names)), want


def _width_labels(entry: _Entry) -> tuple[str, ...]:
    """A residual space's labels: at least two (a coordinate and ``is_bos``)."""
    out = entry.labels()
    if len(out) < 2:
        raise entry.wrong("a list of at least 2 labels (the coordinates and is_bos)")
    return out


def _softmax_from(m: _Entry, layers: tuple[Any, ...], labels: Labels,
                  want: Mapping[str, tuple[tuple[int, ...], str]], file: str,
                  flat: Mapping[str, np.ndarray]) -> RelaxedModel:
    """The relaxed model; its certificate's β, formula, slope, margin and ε re-derived
    from ``K`` and ``max_len`` must equal the recorded ones (and the layers' slopes)."""
    _arrays(file, flat, want, np.float64)
    max_len = m["max_len"].integer(1)
    c = m["certificate"]
    k = c["K"].integer(0)
    formula = beta_formula(k)
    beta = float(formula.subs(LENGTH, max_len))
    slope = 1.0 / (2 * max_len)
    derived = {"beta_formula": str(formula), "max_len": max_len, "beta": beta,
               "slope": slope, "margin": slope,
               "epsilon": max_len * math.exp(-beta * slope), "dtype": "float32"}
    for key, value in derived.items():
        got = c[key].value
        if got != value and not (isinstance(value, float) and isinstance(got, float)
                                 and math.isclose(got, value, rel_tol=1e-12)):
            raise c[key].error(f"does not match the certificate re-derived from K = {k} "
                               f"and max_len = {max_len} (it gives {_show(value)})")
    if m["beta"].number() != c["beta"].value:
        raise m["beta"].error("differs from the certificate's beta")
    for i, layer in enumerate(layers):
        if isinstance(layer, SoftmaxAttention) and layer.slope != slope:
            raise m["layers"].items()[i]["slope"].error(
                f"differs from the certificate's slope 1/(2·max_len) = {slope!r}")
    cert = Certificate(beta=c["beta"].number(), beta_formula=formula,
                       epsilon=c["epsilon"].number(), K=k, margin=slope, slope=slope,
                       score_min=c["score_min"].integer(), score_max=c["score_max"].integer(),
                       logit_scale=c["logit_scale"].number(),
                       max_len_float32=c["max_len_float32"].integer(max_len), max_len=max_len)
    params = {"embed": flat["embed"], "readout": flat["readout"],
              "layers": [{key: flat[f"layers.{i}.{key}"] for key in SOFTMAX_KEYS[layer.kind]}
                         for i, layer in enumerate(layers)]}
    base = SoftmaxTransformer(_alphabet(m["alphabet"]), layers, params, cert.beta, max_len,
                              m["accept_at"].choice(ACCEPT_AT))
    return RelaxedModel(base, cert, labels)


def _expr_to_json(e: Expr, depth: int = 0) -> Any:
    if depth > MAX_EXPR_DEPTH:
        raise SuccinctError(f"cannot export a B-RASP expression nested deeper than "
                            f"{MAX_EXPR_DEPTH} levels")
    if isinstance(e, Const):
        return ["const", e.value]
    if isinstance(e, Ref):
        return ["ref", e.name, e.at]
    if isinstance(e, Not):
        return ["not", _expr_to_json(e.x, depth + 1)]
    if isinstance(e, And | Or):
        return ["and" if isinstance(e, And) else "or",
                [_expr_to_json(x, depth + 1) for x in e.xs]]
    if isinstance(e, Iff):
        return ["iff", _expr_to_json(e.a, depth + 1), _expr_to_json(e.b, depth + 1)]
    raise SuccinctError(f"cannot export the B-RASP expression {e!r}")


def _brasp_manifest(program: Program) -> dict[str, Any]:
    ops = []
    for op in program.ops:
        if isinstance(op, Input):
            ops.append({"op": "input", "name": op.name, "symbol": op.symbol})
        elif isinstance(op, Local):
            ops.append({"op": "local", "name": op.name, "expr": _expr_to_json(op.expr)})
        else:
            assert isinstance(op, Attend)
            ops.append({"op": "attend", "name": op.name, "mask": op.mask, "tie": op.tie,
                        "score": _expr_to_json(op.score), "value": _expr_to_json(op.value),
                        "default": _expr_to_json(op.default)})
    return {"alphabet": list(program.alphabet.symbols), "output": program.output,
            "accept": program.accept, "ops": ops, "text": str(program),
            "sizes": _brasp_sizes(program)}


def _brasp_sizes(program: Program) -> dict[str, int]:
    return {"predicates": len(program.ops), "bits": program.bits(),
            "attention_ops": len(program.attention_ops)}


def _dfa_manifest(dfa: DFA) -> dict[str, Any]:
    return {"alphabet": list(dfa.alphabet), "start": int(dfa.start),
            "delta": np.asarray(dfa.delta).tolist(),
            "accepting": [int(q) for q in np.flatnonzero(dfa.accepting)],
            "states": int(dfa.n_states)}


def _report_entries(model: Any) -> dict[str, Any]:
    """``sizes`` and ``formulas`` of a model with weights, as they read back from JSON."""
    report = _json_normal(model.size_report().as_dict())
    return {"sizes": {k: v for k, v in report.items() if k != "formulas"},
            "formulas": report["formulas"]}


def _json_normal(value: Any) -> Any:
    """``value`` as it reads back from the manifest (tuples become lists, others text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``manifest`` without its ``manifest_sha256`` entry, as canonical
    JSON: keys sorted, separators ``,`` and ``:``, non-ASCII characters escaped."""
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# ====================================================================== files
def paths(path: str | Path) -> tuple[Path, Path]:
    """``(manifest, weights)`` for a stem, a ``.json`` or a ``.safetensors`` path: the two
    files of one export lie side by side with the same stem.

    Raises:
        TypeError: ``path`` is not a string or a path.
        SuccinctError: ``path`` is empty, names no file (``.``, ``/``) or holds a line
            break.
    """
    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a str or a pathlib.Path (a file stem), got "
                        f"{type(path).__name__}")
    if any(c in str(path) for c in "\n\r\0"):
        raise SuccinctError(f"the path {str(path)!r} holds a line break or a NUL character; "
                            "give a plain file stem")
    p = Path(path)
    if not p.name:
        raise SuccinctError(f"the path {str(path)!r} names no file: give a file stem, e.g. "
                            "out/model")
    stem = p.with_suffix("") if p.suffix in (".json", ".safetensors") else p
    return stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".safetensors")


def _kind(model: Any) -> str:
    for cls, name in ((RelaxedModel, "softmax"), (UHAT, "uhat"), (RNN, "rnn"),
                      (PositionalUHAT, "uhat+pe"),
                      (SecondOrderRNN, "rnn2"), (Program, "brasp"),
                      (DFA, "dfa")):
        if isinstance(model, cls):
            return name
    raise SuccinctError(f"cannot export {kind_words(model)}: export supports UHATs "
                        "(also with positional encodings), RNNs, second-order RNNs, B-RASP "
                        "programs, DFAs and relaxed (softmax) models")


def save(model: Any, path: str | Path, *, info: Mapping[str, Any] | None = None) -> list[Path]:
    """Writes ``model`` (module docstring) and returns the files written, the manifest
    first.

    Args:
        model: A UHAT (also with positional encodings), an RNN, a second-order RNN, a
            B-RASP program or a DFA.
        path: Stem of the files (a ``.json`` or ``.safetensors`` suffix is dropped).
        info: Extra manifest entries (e.g. ``{"family": "dc", "params": {...}}``); they
            never replace an entry of the model.
    """
    kind = _kind(model)
    manifest_path, weights_path = paths(path)
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "kind": kind}
    weights: dict[str, np.ndarray] | None = None
    if kind in ("uhat", "rnn"):
        weights = _weights_for_file(model)
        manifest.update(_uhat_manifest(model) if kind == "uhat" else _rnn_manifest(model))
    elif kind in ("uhat+pe", "rnn2", "softmax"):
        weights, entries = (_positional_weights(model) if kind == "uhat+pe"
                            else _rnn2_weights(model) if kind == "rnn2"
                            else _softmax_weights(model))
        manifest.update(entries)
    elif kind == "brasp":
        manifest.update(_brasp_manifest(model))
    else:
        manifest.update(_dfa_manifest(model))
    data = b""
    if weights is not None:
        # one metadata entry: safetensors keeps metadata in a hash map whose order varies
        # from call to call, so two entries made the bytes (and weights_sha256) of the
        # same model differ between saves
        data = save_safetensors(weights, metadata={"succinct": json.dumps(
            {"format": FORMAT, "kind": kind}, sort_keys=True)})
        manifest["weights_sha256"] = hashlib.sha256(data).hexdigest()
        manifest.update(_report_entries(model))
    for key, value in (info or {}).items():
        manifest.setdefault(key, value)
    manifest = _json_normal(manifest)
    manifest["manifest_sha256"] = manifest_digest(manifest)
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    written = [manifest_path]
    if weights is not None:
        weights_path.write_bytes(data)
        written.append(weights_path)
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return written


# ====================================================================== checked reading
def _show(value: Any) -> str:
    """A short one-line rendering of a manifest value for an error message."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _depth(value: Any) -> int:
    """How deeply JSON containers nest in ``value`` (iteratively: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((x, level + 1) for x in (item.values() if isinstance(item, dict)
                                                  else item))
    return deepest


def _names(names: list[str]) -> str:
    """At most four names, quoted (a name read from a file may hold any character)."""
    more = f" and {len(names) - 4} more" if len(names) > 4 else ""
    return ", ".join(json.dumps(n, ensure_ascii=False) for n in names[:4]) + more or "none"


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


class _Entry:
    """One manifest entry and where it is (``layers[3].mask``): reading it checks it."""

    __slots__ = ("file", "path", "value")

    def __init__(self, file: str, path: str, value: Any) -> None:
        self.file, self.path, self.value = file, path, value

    def error(self, what: str) -> SuccinctError:
        return SuccinctError(f"{self.file}: {self.path or 'the manifest'} {what}")

    def wrong(self, want: str) -> SuccinctError:
        return self.error(f"must be {want}, got {_show(self.value)}")

    def __getitem__(self, key: str) -> _Entry:
        obj = self.mapping()
        if key not in obj:
            raise self.error(f"lacks the entry {json.dumps(key)}")
        name = key if key.isidentifier() else json.dumps(key)  # one line, unambiguous
        return _Entry(self.file, f"{self.path}.{name}" if self.path else name, obj[key])

    def mapping(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.wrong("a JSON object")
        return self.value

    def items(self) -> list[_Entry]:
        if not isinstance(self.value, list):
            raise self.wrong("a list")
        return [_Entry(self.file, f"{self.path}[{i}]", v) for i, v in enumerate(self.value)]

    def text(self, *, nonempty: bool = False) -> str:
        if not isinstance(self.value, str) or (nonempty and not self.value):
            raise self.wrong("a non-empty string" if nonempty else "a string")
        return self.value

    def integer(self, lo: int | None = None, hi: int | None = None) -> int:
        v = self.value
        if type(v) is not int or (lo is not None and v < lo) or (hi is not None and v > hi):
            span = (f" in {lo}..{hi}" if hi is not None else f" ≥ {lo}") if lo is not None else ""
            raise self.wrong(f"an integer{span}")
        return v

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.wrong("true or false")
        return self.value

    def number(self) -> float:
        v = self.value
        try:
            x = float(v) if type(v) in (int, float) else math.nan
        except OverflowError:  # an integer beyond the float range
            x = math.nan
        if not math.isfinite(x):
            raise self.wrong("a finite number")
        return x

    def choice(self, allowed: tuple[str, ...]) -> str:
        if not isinstance(self.value, str) or self.value not in allowed:
            raise self.wrong("one of " + ", ".join(json.dumps(a) for a in allowed))
        return self.value

    def labels(self) -> tuple[str, ...]:
        """A list of distinct non-empty strings (coordinate labels, symbols)."""
        out = tuple(e.text(nonempty=True) for e in self.items())
        if len(set(out)) != len(out):
            twice = next(x for x in out if out.count(x) > 1)
            raise self.error(f"repeats {json.dumps(twice, ensure_ascii=False)}")
        return out

    def sha256(self) -> str:
        v = self.value
        if not (isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)):
            raise self.wrong("a SHA-256 digest (64 lowercase hex digits)")
        return v


@contextmanager
def _refused(file: str) -> Iterator[None]:
    """A model constructor's refusal, as one line naming the file."""
    try:
        yield
    except SuccinctError as e:
        raise SuccinctError(f"{file}: {_one_line(e)}") from None


def _alphabet(entry: _Entry) -> Alphabet:
    symbols = entry.labels()
    if not symbols:
        raise entry.wrong("a non-empty list of symbols")
    for i, s in enumerate(symbols):
        if any(c.isspace() for c in s):
            raise entry.items()[i].wrong("a symbol without spaces")
    return Alphabet(symbols)


def _inside(entry: _Entry, space: Space, what: str) -> str:
    label = entry.text(nonempty=True)
    if label not in space:
        raise entry.error(f"names {json.dumps(label, ensure_ascii=False)}, which is not a "
                          f"label of {what}")
    return label


# ---------------------------------------------------------------------- UHAT
def _uhat_spec(m: _Entry) -> tuple[UHATSpec, bool]:
    """The spec a UHAT manifest describes, and its ``exact`` flag."""
    alphabet = _alphabet(m["alphabet"])
    embed = Space(m["embed"].labels())
    space, layers = embed, []
    for entry in m["layers"].items():
        kind = entry["kind"].choice(LAYER_KINDS)
        name = entry["name"].text()
        layer: Attention | FFN | ReLU
        if kind == "attention":
            boolean = frozenset(_inside(e, space, "the layer's input")
                                for e in entry["boolean"].items())
            layer = Attention(space, Space(entry["target"].labels()),
                              Space(entry["query"].labels()), entry["mask"].choice(MASKS),
                              entry["tie"].choice(TIES), name=name, boolean=boolean)
        elif kind == "ffn":
            layer = FFN(space, Space(entry["hidden"].labels()),
                        Space(entry["target"].labels()), name=name)
        else:
            layer = ReLU(space, _inside(entry["coord"], space, "the layer's input"), name=name)
        layers.append(layer)
        space = layer.target
    spec = UHATSpec(alphabet, embed, tuple(layers), m["accept_at"].choice(ACCEPT_AT),
                    m["readout_name"].text(nonempty=True))
    return spec, m["exact"].flag()


def _uhat_arrays(spec: UHATSpec, where: str) -> dict[str, tuple[tuple[int, ...], str]]:
    """Each weight array of a UHAT with ``spec``: its shape and what implies it."""
    out = {"embed": ((len(spec.embed), len(spec.alphabet)), f"{where}embed × {where}alphabet")}
    for i, layer in enumerate(spec.layers):
        at, r, t = f"{where}layers[{i}]", len(layer.source), len(layer.target)
        if isinstance(layer, Attention):
            q = len(layer.query)
            shapes = {"A_w": ((q, r), "query × input"), "A_b": ((q,), "query"),
                      "B_w": ((q, r), "query × input"), "B_b": ((q,), "query"),
                      "C_v": ((t, r), "target × input"), "C_a": ((t, r), "target × input"),
                      "C_b": ((t,), "target")}
        elif isinstance(layer, FFN):
            h = len(layer.hidden)
            shapes = {"W_1": ((h, r), "hidden × input"), "b_1": ((h,), "hidden"),
                      "W_2": ((t, h), "target × hidden"), "W_r": ((t, r), "target × input"),
                      "b_2": ((t,), "target")}
        else:
            shapes = {}
        for key, (shape, why) in shapes.items():
            out[f"layers.{i}.{key}"] = (shape, f"{at}: {why} labels")
    out["readout"] = ((len(spec.output),), f"the output labels: {where}layers[-1].target, "
                                           f"or {where}embed without layers")
    return out


def _arrays(file: str, flat: Mapping[str, np.ndarray],
            want: Mapping[str, tuple[tuple[int, ...], str]], dtype: type,
            prefix: str = "") -> None:
    """The weight arrays are exactly those ``want`` names, with its shapes, ``dtype`` and
    finite values (``prefix``: what the file calls them before the names, ``inner.``)."""
    if set(flat) != set(want):
        missing = [prefix + n for n in sorted(set(want) - set(flat))]
        extra = [prefix + n for n in sorted(set(flat) - set(want))]
        raise SuccinctError(f"{file}: the arrays do not match the manifest: missing "
                            f"{_names(missing)}, unexpected {_names(extra)}")
    for key, (shape, why) in want.items():
        x, name = flat[key], prefix + key
        if x.dtype != dtype:
            raise SuccinctError(f"{file}: {name} has dtype {x.dtype}, expected "
                                f"{np.dtype(dtype).name}")
        if x.shape != shape:
            raise SuccinctError(f"{file}: {name} has shape {x.shape}, but the manifest "
                                f"implies {shape} ({why})")
        if not np.isfinite(x).all():
            raise SuccinctError(f"{file}: {name} holds values that are not finite")


def _uhat_from(m: _Entry, spec: UHATSpec, exact: bool, file: str,
               flat: Mapping[str, np.ndarray]) -> UHAT:
    where = m.path + "." if m.path else ""
    _arrays(file, flat, _uhat_arrays(spec, where), np.int64 if exact else np.float32, where)
    with _refused(file):
        model = UHAT.create(spec, params_from_flat(spec, flat))
    if model.exact != exact:
        raise m["exact"].error(f"is {json.dumps(exact)}, but the weights are all integers")
    return model


# ---------------------------------------------------------------------- RNNs
def _rnn_spec(m: _Entry) -> RNNSpec:
    bits = None if m["bits"].value is None else m["bits"].integer()
    beta = m["beta"].number()
    if beta <= 0:
        raise m["beta"].wrong("a positive number")
    with _refused(m.file):
        return RNNSpec(_alphabet(m["alphabet"]), Space(m["units"].labels()),
                       m["activation"].choice(ACTIVATIONS), beta, bits,
                       m["frac_bits"].integer())


def _rnn_from(spec: RNNSpec, file: str, flat: Mapping[str, np.ndarray]) -> RNN:
    d, s = len(spec.hidden), len(spec.alphabet)
    _arrays(file, flat, {"W": ((d, d), "units × units"), "U": ((d, s), "units × alphabet"),
                         "b": ((d,), "units"), "h0": ((d,), "units"),
                         "readout": ((d,), "units"), "readout_bias": ((), "a scalar")},
            np.float32)
    with _refused(file):
        return RNN.create(spec, {k: np.asarray(flat[k], np.float64) for k in RNN_KEYS})


def _rnn2_spec(m: _Entry) -> SecondOrderSpec:
    return SecondOrderSpec(_alphabet(m["alphabet"]), Space(m["units"].labels()),
                           m["activation"].choice(SECOND_ORDER_ACTIVATIONS))


def _rnn2_from(spec: SecondOrderSpec, file: str,
               flat: Mapping[str, np.ndarray]) -> SecondOrderRNN:
    d, s = len(spec.hidden), len(spec.alphabet)
    _arrays(file, flat, {"M": ((s, d, d), "alphabet × units × units"), "h0": ((d,), "units"),
                         "readout": ((d,), "units"), "readout_bias": ((), "a scalar")},
            np.int64)
    with _refused(file):
        return SecondOrderRNN.create(spec, dict(flat))


# ---------------------------------------------------------------------- positional UHAT
def _positional_spec(m: _Entry) -> tuple[PositionalSpec, UHATSpec, bool]:
    alphabet = _alphabet(m["alphabet"])
    max_len = m["max_len"].integer(1)
    inner, exact = _uhat_spec(m["inner"])
    n = len(alphabet) * max_len
    if len(inner.alphabet) != n or inner.alphabet.symbols != tuple(
            product_symbol(a, p) for p in range(1, max_len + 1) for a in alphabet):
        raise m["inner"]["alphabet"].error(
            f"must list the {n} symbols a@p of alphabet × 1..max_len, position by position")
    features = m["features"].mapping()
    for label in features:
        _inside(_Entry(m.file, f"{m.path}.features" if m.path else "features", label),
                inner.embed, "inner.embed")
        m["features"][label].text()
    spec = PositionalSpec(alphabet, max_len, tuple(features.items()),
                          m["longer"].choice(LONGER))
    return spec, inner, exact


def _positional_from(m: _Entry, spec: PositionalSpec, inner_spec: UHATSpec, exact: bool,
                     file: str, flat: Mapping[str, np.ndarray]) -> PositionalUHAT:
    rows, t, s = len(inner_spec.embed), spec.max_len, len(spec.alphabet)
    own = {"tok_embed": ((rows, s), "inner.embed × alphabet"),
           "pos_embed": ((rows, t), "inner.embed × 1..max_len")}
    _arrays(file, {k: v for k, v in flat.items() if k in own}, own, np.int64)
    inner_flat = {k[len("inner."):]: v for k, v in flat.items() if k.startswith("inner.")}
    stray = sorted(set(flat) - set(own) - {f"inner.{k}" for k in inner_flat})
    if stray:
        raise SuccinctError(f"{file}: unexpected arrays {_names(stray)}")
    inner = _uhat_from(m["inner"], inner_spec, exact, file, inner_flat)
    tok, pos = flat["tok_embed"], flat["pos_embed"]
    # emb(a, p) = E_tok[:, a] + E_pos[:, p] at product symbol id (p − 1)|Σ| + a.
    if not np.array_equal((pos[:, :, None] + tok[:, None, :]).reshape(rows, t * s),
                          np.asarray(inner.params["embed"], np.int64)):
        raise SuccinctError(f"{file}: inner.embed is not tok_embed + pos_embed at every "
                            "symbol a@p")
    with _refused(file):
        return PositionalUHAT.create(spec.alphabet, inner, spec.max_len, dict(spec.features),
                                     tok, pos, spec.longer)


# ---------------------------------------------------------------------- B-RASP, DFA
def _expr_from(entry: _Entry, depth: int = 0) -> Expr:
    if depth > MAX_EXPR_DEPTH:
        raise entry.error(f"nests deeper than {MAX_EXPR_DEPTH} levels")
    parts = entry.items()
    if not parts:
        raise entry.wrong('a B-RASP expression ["tag", ...]')
    tag = parts[0].choice(tuple(EXPR_ARITY))
    if len(parts) != 1 + EXPR_ARITY[tag]:
        raise entry.error(f"must hold {EXPR_ARITY[tag]} argument(s) after "
                          f"{json.dumps(tag)}, got {len(parts) - 1}")
    if tag == "const":
        return Const(parts[1].flag())
    if tag == "ref":
        return Ref(parts[1].text(nonempty=True), parts[2].choice(REF_AT))
    if tag == "not":
        return Not(_expr_from(parts[1], depth + 1))
    if tag == "iff":
        return Iff(_expr_from(parts[1], depth + 1), _expr_from(parts[2], depth + 1))
    kids = tuple(_expr_from(k, depth + 1) for k in parts[1].items())
    return And(kids) if tag == "and" else Or(kids)


def _brasp_from(m: _Entry) -> Program:
    alphabet = _alphabet(m["alphabet"])
    ops: list[Input | Local | Attend] = []
    for entry in m["ops"].items():
        kind = entry["op"].choice(("input", "local", "attend"))
        name = entry["name"].text(nonempty=True)
        if kind == "input":
            ops.append(Input(name, entry["symbol"].choice(alphabet.symbols)))
        elif kind == "local":
            ops.append(Local(name, _expr_from(entry["expr"])))
        else:
            ops.append(Attend(name, entry["mask"].choice(BRASP_MASKS),
                              entry["tie"].choice(BRASP_TIES), _expr_from(entry["score"]),
                              _expr_from(entry["value"]), _expr_from(entry["default"])))
    output, accept = m["output"].text(nonempty=True), m["accept"].choice(BRASP_ACCEPT)
    with _refused(m.file):
        return Program(alphabet, tuple(ops), output, accept)


def _dfa_from(m: _Entry) -> DFA:
    alphabet = _alphabet(m["alphabet"])
    n = m["states"].integer(1)
    rows = m["delta"].items()
    if len(rows) != n:
        raise m["delta"].error(f"has {len(rows)} rows, but states is {n}")
    for row in rows:
        cells = row.value
        if isinstance(cells, list) and len(cells) == len(alphabet) and all(
                type(c) is int and 0 <= c < n for c in cells):
            continue  # the common case, checked without an _Entry per cell
        if len(row.items()) != len(alphabet):
            raise row.error(f"has {len(cells)} entries, but the alphabet has "
                            f"{len(alphabet)} symbols")
        for cell in row.items():
            cell.integer(0, n - 1)
    accepting = m["accepting"].items()
    states = [e.integer(0, n - 1) for e in accepting]
    if len(set(states)) != len(states):
        raise m["accepting"].error("repeats a state")
    start = m["start"].integer(0, n - 1)
    table = np.zeros(n, bool)
    table[states] = True
    with _refused(m.file):
        return DFA(alphabet, np.asarray(m["delta"].value, np.int64).reshape(n, len(alphabet)),
                   start, table)


# ---------------------------------------------------------------------- files
def _read_manifest(path: Path) -> Any:
    if not path.exists():
        raise SuccinctError(f"no model manifest {path} (written by succinct export)")
    too_deep = SuccinctError(f"{path} nests JSON more than {MAX_JSON_DEPTH} levels deep, "
                             "deeper than any model manifest")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except IsADirectoryError:
        raise SuccinctError(f"{path} is a directory, not a model manifest") from None
    except OSError as e:
        raise SuccinctError(f"cannot read {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise SuccinctError(f"{path} is not UTF-8 text, so not a model manifest") from None
    except json.JSONDecodeError as e:
        raise SuccinctError(f"{path} is not JSON: {e}") from None
    except RecursionError:
        raise too_deep from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise too_deep
    return data


def _read_weights(path: Path, want: str) -> dict[str, np.ndarray]:
    """The arrays of the weights file at ``path``, whose bytes must hash to ``want``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SuccinctError(f"the weights file {path} is missing (it lies next to the "
                            "manifest, with the same stem)") from None
    except IsADirectoryError:
        raise SuccinctError(f"{path} is a directory, not a weights file") from None
    except OSError as e:
        raise SuccinctError(f"cannot read the weights file {path}: {e.strerror or e}") \
            from None
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        raise SuccinctError(f"{path.name} has SHA-256 {got[:12]}…, but the manifest's "
                            f"weights_sha256 is {want[:12]}…: the weights file is truncated, "
                            "altered or from another export")
    try:
        return load_safetensors(data)
    except SafetensorError as e:
        raise SuccinctError(f"{path.name} is not a safetensors file: {_one_line(e)}") \
            from None
    except KeyError as e:  # safetensors.numpy has no numpy dtype for it (BF16, F8_*)
        raise SuccinctError(f"{path.name} holds an array of dtype {e} that numpy cannot "
                            "represent") from None


def _check_recorded(m: _Entry, recorded: Mapping[str, Any]) -> None:
    """The manifest's sizes (formulas, text) are those of the rebuilt model."""
    for key, value in recorded.items():
        if m[key].value != value:
            raise m[key].error(f"does not match the model rebuilt from the manifest and "
                               f"weights (it gives {_show(value)})")


def load(path: str | Path) -> Any:
    """Reads a model written by :func:`save` (given its manifest, weights or stem),
    checking every entry, the digests and the arrays (module docstring)."""
    manifest_path, weights_path = paths(path)
    m = _Entry(manifest_path.name, "", _read_manifest(manifest_path))
    if not isinstance(m.value, dict) or m.value.get("format") != FORMAT:
        raise SuccinctError(f"{manifest_path} is not a succinct model manifest (it has no "
                            f'"format": "{FORMAT}")')
    version = m["version"].integer()
    if version == 1:
        raise m["version"].error("is 1: this manifest was written before manifests held "
                                 "SHA-256 digests; re-export the model (succinct export)")
    if version != VERSION:
        raise m["version"].error(f"is {version}; this succinct reads version {VERSION}")
    kind = m["kind"].choice(KINDS)
    if kind == "brasp":
        model: Any = _brasp_from(m)
        _check_digest(m)
        recorded = {"text": str(model), "sizes": _brasp_sizes(model)}
    elif kind == "dfa":
        model = _dfa_from(m)
        _check_digest(m)
        recorded = {}
    else:
        model = _load_weighted(m, kind, weights_path)
        recorded = _report_entries(model)
    _check_recorded(m, recorded)
    return model


def _load_weighted(m: _Entry, kind: str, weights_path: Path) -> Any:
    """A model with a weights file: every entry, the manifest digest, then the weights."""
    if kind == "uhat":
        spec, exact = _uhat_spec(m)
    elif kind == "rnn":
        rnn_spec = _rnn_spec(m)
    elif kind == "uhat+pe":
        pe_spec, spec, exact = _positional_spec(m)
    elif kind == "softmax":
        sm_layers, sm_labels, sm_want = _softmax_spec(m)
    else:
        rnn2_spec = _rnn2_spec(m)
    want = m["weights_sha256"].sha256()
    _check_digest(m)
    flat = _read_weights(weights_path, want)
    file = weights_path.name
    if kind == "uhat":
        return _uhat_from(m, spec, exact, file, flat)
    if kind == "rnn":
        return _rnn_from(rnn_spec, file, flat)
    if kind == "uhat+pe":
        return _positional_from(m, pe_spec, spec, exact, file, flat)
    if kind == "softmax":
        return _softmax_from(m, sm_layers, sm_labels, sm_want, file, flat)
    return _rnn2_from(rnn2_spec, file, flat)


def _check_digest(m: _Entry) -> None:
    want, got = m["manifest_sha256"].sha256(), manifest_digest(m.mapping())
    if got != want:
        raise m["manifest_sha256"].error(
            f"is {want[:12]}…, but the manifest hashes to {got[:12]}…: it was edited after "
            "export (re-export the model, or recompute the digest with "
            "succinct.export.manifest_digest)")
