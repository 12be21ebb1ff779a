"""Saving and loading models: safetensors weights and a JSON manifest.

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

B-RASP programs and DFAs have no weights: their manifest is the whole model (expressions
as nested lists ``["and", [x, y]]``, ``["ref", "Q_a", "j"]``; a DFA's transition table).

:func:`load` reads any of them back (given the manifest, the weights file or the common
stem) and rebuilds the model through its validating constructor, so a loaded UHAT is
range-checked like a built one and accepts exactly the same words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from succinct.automata.dfa import DFA
from succinct.coords import Space
from succinct.models.positional import PositionalUHAT
from succinct.models.rnn import RNN
from succinct.models.rnn2 import SecondOrderRNN
from succinct.models.specs import FFN, Attention, ReLU, RNNSpec, SecondOrderSpec, UHATSpec
from succinct.models.uhat import UHAT
from succinct.programs.brasp import And, Attend, Const, Iff, Input, Local, Not, Or, Program, Ref
from succinct.words import Alphabet, SuccinctError

__all__ = ["save", "load", "flat_weights", "params_from_flat", "paths", "FORMAT", "VERSION",
           "LAYER_KEYS", "RNN_KEYS"]

FORMAT = "succinct-model"
VERSION = 1


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


# ====================================================================== manifests
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


def _uhat_from(manifest: Mapping[str, Any], flat: Mapping[str, np.ndarray]) -> UHAT:
    space = Space.of(manifest["embed"])
    layers = []
    for i, entry in enumerate(manifest["layers"]):
        kind = entry["kind"]
        if kind == "attention":
            target = Space.of(entry["target"])
            layers.append(Attention(space, target, Space.of(entry["query"]), entry["mask"],
                                    entry["tie"], name=entry["name"],
                                    boolean=frozenset(entry["boolean"])))
        elif kind == "ffn":
            target = Space.of(entry["target"])
            layers.append(FFN(space, Space.of(entry["hidden"]), target, name=entry["name"]))
        elif kind == "relu":
            target = space
            layers.append(ReLU(space, entry["coord"], name=entry["name"]))
        else:
            raise SuccinctError(f"manifest layer {i} has unknown kind {kind!r}")
        space = target
    spec = UHATSpec(Alphabet.of(manifest["alphabet"]), Space.of(manifest["embed"]),
                    tuple(layers), manifest["accept_at"], manifest.get("readout_name", "accept"))
    return UHAT.create(spec, params_from_flat(spec, flat))


def _rnn_manifest(model: RNN) -> dict[str, Any]:
    spec = model.spec
    return {"alphabet": list(spec.alphabet.symbols), "units": list(spec.hidden.labels),
            "activation": spec.activation, "beta": spec.beta, "bits": spec.bits,
            "frac_bits": spec.frac_bits}


def _rnn_from(manifest: Mapping[str, Any], flat: Mapping[str, np.ndarray]) -> RNN:
    spec = RNNSpec(Alphabet.of(manifest["alphabet"]), Space.of(manifest["units"]),
                   manifest["activation"], manifest["beta"], manifest["bits"],
                   manifest["frac_bits"])
    params = params_from_flat(spec, flat)
    return RNN.create(spec, {k: np.asarray(v, np.float64) for k, v in params.items()})


def _positional_weights(model: PositionalUHAT) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A UHAT with positional encodings: its inner UHAT over ``Σ × {1..T}`` and the two
    embedding factors."""
    weights = {f"inner.{k}": v for k, v in _weights_for_file(model.inner).items()}
    weights["tok_embed"] = np.array(model.tok_embed, np.int64, order="C")
    weights["pos_embed"] = np.array(model.pos_embed, np.int64, order="C")
    return weights, {"alphabet": list(model.alphabet.symbols), "max_len": model.max_len,
                     "features": dict(model.features), "longer": model.longer,
                     "inner": _uhat_manifest(model.inner)}


def _positional_from(manifest: Mapping[str, Any],
                     flat: Mapping[str, np.ndarray]) -> PositionalUHAT:
    inner = _uhat_from(manifest["inner"], {k[len("inner."):]: v for k, v in flat.items()
                                           if k.startswith("inner.")})
    return PositionalUHAT.create(Alphabet.of(manifest["alphabet"]), inner, manifest["max_len"],
                                 manifest["features"], flat["tok_embed"], flat["pos_embed"],
                                 manifest["longer"])


def _rnn2_weights(model: SecondOrderRNN) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    weights = {k: np.array(v, np.int64, order="C") for k, v in model.params.items()}
    spec = model.spec
    return weights, {"alphabet": list(spec.alphabet.symbols),
                     "units": list(spec.hidden.labels), "activation": spec.activation}


def _rnn2_from(manifest: Mapping[str, Any], flat: Mapping[str, np.ndarray]) -> SecondOrderRNN:
    spec = SecondOrderSpec(Alphabet.of(manifest["alphabet"]), Space.of(manifest["units"]),
                           manifest["activation"])
    return SecondOrderRNN.create(spec, dict(flat))


def _expr_to_json(e: Any) -> Any:
    if isinstance(e, Const):
        return ["const", e.value]
    if isinstance(e, Ref):
        return ["ref", e.name, e.at]
    if isinstance(e, Not):
        return ["not", _expr_to_json(e.x)]
    if isinstance(e, And | Or):
        return ["and" if isinstance(e, And) else "or", [_expr_to_json(x) for x in e.xs]]
    if isinstance(e, Iff):
        return ["iff", _expr_to_json(e.a), _expr_to_json(e.b)]
    raise SuccinctError(f"cannot export the B-RASP expression {e!r}")


def _expr_from_json(x: Any) -> Any:
    try:
        tag = x[0]
        if tag == "const":
            return Const(bool(x[1]))
        if tag == "ref":
            return Ref(x[1], x[2])
        if tag == "not":
            return Not(_expr_from_json(x[1]))
        if tag in ("and", "or"):
            kids = tuple(_expr_from_json(k) for k in x[1])
            return And(kids) if tag == "and" else Or(kids)
        if tag == "iff":
            return Iff(_expr_from_json(x[1]), _expr_from_json(x[2]))
    except (TypeError, IndexError, KeyError):
        pass
    raise SuccinctError(f"malformed B-RASP expression in the manifest: {x!r}")


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
            "accept": program.accept, "ops": ops, "text": str(program)}


def _brasp_from(manifest: Mapping[str, Any]) -> Program:
    ops = []
    for entry in manifest["ops"]:
        kind = entry.get("op")
        if kind == "input":
            ops.append(Input(entry["name"], entry["symbol"]))
        elif kind == "local":
            ops.append(Local(entry["name"], _expr_from_json(entry["expr"])))
        elif kind == "attend":
            ops.append(Attend(entry["name"], entry["mask"], entry["tie"],
                              _expr_from_json(entry["score"]), _expr_from_json(entry["value"]),
                              _expr_from_json(entry["default"])))
        else:
            raise SuccinctError(f"unknown B-RASP op kind {kind!r} in the manifest")
    return Program(Alphabet.of(manifest["alphabet"]), tuple(ops), manifest["output"],
                   manifest.get("accept", "auto"))


def _dfa_manifest(dfa: DFA) -> dict[str, Any]:
    return {"alphabet": list(dfa.alphabet), "start": int(dfa.start),
            "delta": np.asarray(dfa.delta).tolist(),
            "accepting": [int(q) for q in np.flatnonzero(dfa.accepting)],
            "states": int(dfa.n_states)}


def _dfa_from(manifest: Mapping[str, Any]) -> DFA:
    accepting = np.zeros(int(manifest["states"]), bool)
    accepting[list(manifest["accepting"])] = True
    return DFA(tuple(manifest["alphabet"]), np.asarray(manifest["delta"], np.int64),
               int(manifest["start"]), accepting)


# ====================================================================== files
def paths(path: str | Path) -> tuple[Path, Path]:
    """``(manifest, weights)`` for a stem, a ``.json`` or a ``.safetensors`` path."""
    p = Path(path)
    stem = p.with_suffix("") if p.suffix in (".json", ".safetensors") else p
    return stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".safetensors")


def _kind(model: Any) -> str:
    for cls, name in ((UHAT, "uhat"), (RNN, "rnn"), (PositionalUHAT, "uhat+pe"),
                      (SecondOrderRNN, "rnn2"), (Program, "brasp"),
                      (DFA, "dfa")):
        if isinstance(model, cls):
            return name
    raise SuccinctError(f"cannot export a {type(model).__name__}: export supports UHATs "
                        "(also with positional encodings), RNNs, second-order RNNs, B-RASP "
                        "programs and DFAs")


def save(model: Any, path: str | Path, *, info: Mapping[str, Any] | None = None) -> list[Path]:
    """Writes ``model`` (module docstring) and returns the files written.

    Args:
        model: A UHAT, an RNN, a B-RASP program or a DFA.
        path: Stem of the files (a ``.json`` or ``.safetensors`` suffix is dropped).
        info: Extra manifest entries (e.g. ``{"family": "dc", "params": {...}}``).
    """
    kind = _kind(model)
    manifest_path, weights_path = paths(path)
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "kind": kind}
    written = []
    if kind in ("uhat", "rnn", "uhat+pe", "rnn2"):
        report = model.size_report().as_dict()
        if kind in ("uhat", "rnn"):
            weights = _weights_for_file(model)
            manifest.update(_uhat_manifest(model) if kind == "uhat" else _rnn_manifest(model))
        else:
            weights, extra = (_positional_weights(model) if kind == "uhat+pe"
                              else _rnn2_weights(model))
            manifest.update(extra)
        save_file(weights, str(weights_path),
                  metadata={"format": FORMAT, "kind": kind, "manifest": manifest_path.name})
        written.append(weights_path)
        manifest["weights"] = weights_path.name
        manifest["sizes"] = {k: v for k, v in report.items() if k != "formulas"}
        manifest["formulas"] = report["formulas"]
    elif kind == "brasp":
        manifest.update(_brasp_manifest(model))
        manifest["sizes"] = {"predicates": len(model.ops), "bits": model.bits(),
                             "attention_ops": len(model.attention_ops)}
    else:
        manifest.update(_dfa_manifest(model))
    for key, value in (info or {}).items():
        manifest.setdefault(key, value)
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str))
    written.insert(0, manifest_path)
    return written


def load(path: str | Path) -> Any:
    """Reads a model written by :func:`save` (given its manifest, weights or stem)."""
    manifest_path, _ = paths(path)
    if not manifest_path.exists():
        raise SuccinctError(f"no model manifest {manifest_path} (written by succinct export)")
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as e:
        raise SuccinctError(f"{manifest_path} is not JSON: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SuccinctError(f"{manifest_path} is not a succinct model manifest")
    if manifest.get("version") != VERSION:
        raise SuccinctError(f"{manifest_path} has format version {manifest.get('version')}; "
                            f"this succinct reads version {VERSION}")
    kind = manifest.get("kind")
    try:
        if kind == "brasp":
            return _brasp_from(manifest)
        if kind == "dfa":
            return _dfa_from(manifest)
        if kind not in ("uhat", "rnn", "uhat+pe", "rnn2"):
            raise SuccinctError(f"{manifest_path}: unknown model kind {kind!r}")
        weights_path = manifest_path.parent / manifest["weights"]
        if not weights_path.exists():
            raise SuccinctError(f"the weights file {weights_path} named by {manifest_path} "
                                "is missing")
        try:
            flat = load_file(str(weights_path))
        except SafetensorError as e:
            raise SuccinctError(f"{weights_path} is not a safetensors file: {e}") from None
        build = {"uhat": _uhat_from, "rnn": _rnn_from, "uhat+pe": _positional_from,
                 "rnn2": _rnn2_from}[kind]
        return build(manifest, flat)
    except KeyError as e:
        raise SuccinctError(f"{manifest_path}: the manifest lacks the entry {e}") from None
