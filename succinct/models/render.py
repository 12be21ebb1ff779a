"""Layer-by-layer, labelled text rendering of models.

Every matrix is printed as rules over labels (``P_x ← 1·Q_a − 1``), never as bare
index tables: the same view a reader of the paper's constructions has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from succinct.coords import Space
from succinct.models.specs import (
    FFN,
    Attention,
    PositionalSpec,
    RNNSpec,
    SecondOrderSpec,
    UHATSpec,
)
from succinct.words import Alphabet

__all__ = ["describe_uhat", "describe_positional", "describe_rnn", "describe_rnn2", "rules"]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{float(x):g}"


def rules(w: np.ndarray, b: np.ndarray | None, target: Space, source: Space,
          indent: str = "    ") -> list[str]:
    """One line per non-trivial target coordinate: ``t ← Σ w·s + b``."""
    lines = []
    for r, t in enumerate(target.labels):
        terms = []
        for c in np.nonzero(w[r])[0]:
            coef = w[r, c]
            sign = "-" if coef < 0 else "+"
            mag = abs(coef)
            terms.append(f"{sign} {'' if mag == 1 else _num(mag) + '·'}{source.labels[c]}")
        if b is not None and b[r] != 0:
            terms.append(f"{'-' if b[r] < 0 else '+'} {_num(abs(b[r]))}")
        if terms:
            body = " ".join(terms)
            body = body[2:] if body.startswith("+ ") else "-" + body[2:]
            lines.append(f"{indent}{t} ← {body}")
    return lines


def describe_uhat(spec: UHATSpec, params: Mapping[str, Any]) -> str:
    """The whole model: embedding, each layer's rules, the readout."""
    head = [f"UHAT over {{{', '.join(spec.alphabet)}}}: {len(spec.layers)} layers, "
            f"width {spec.width}, accept at the {spec.accept_at} position", "embedding:"]
    return "\n".join(head + _symbols(spec.alphabet, spec.embed, params["embed"])
                     + _layers(spec, params))


def describe_positional(spec: PositionalSpec, inner: UHATSpec, inner_params: Mapping[str, Any],
                        tok_embed: np.ndarray, note: str) -> str:
    """A UHAT with positional encodings: the token part of the embedding and the
    positional features (not the product table of the inner UHAT), then the inner
    UHAT's layers and readout."""
    feats = ", ".join(f"{label} = {rule}" for label, rule in spec.features)
    head = [
        f"UHAT WITH POSITIONAL ENCODINGS over {{{', '.join(spec.alphabet)}}} for words "
        f"of length ≤ {spec.max_len}: {len(inner.layers)} layers, width {inner.width}",
        f"  NOTE: this model {note}.",
        f"embedding: token part below; position p ∈ 1..{spec.max_len} adds {feats}",
    ]
    return "\n".join(head + _symbols(spec.alphabet, inner.embed, tok_embed)
                     + _layers(inner, inner_params))


def _symbols(alphabet: Alphabet, embed: Space, emb: Any) -> list[str]:
    """One line per symbol: the coordinates its embedding sets (``=value`` unless 1)."""
    emb = np.asarray(emb)
    out = []
    for a_idx, a in enumerate(alphabet):
        on = [embed.labels[r] + ("" if emb[r, a_idx] == 1 else f"={_num(emb[r, a_idx])}")
              for r in np.nonzero(emb[:, a_idx])[0]]
        out.append(f"    {a} ↦ {', '.join(on) if on else '0'}")
    return out


def _layers(spec: UHATSpec, params: Mapping[str, Any]) -> list[str]:
    """Every layer's rules, then the acceptance condition."""
    out: list[str] = []
    for i, (layer, p) in enumerate(zip(spec.layers, params["layers"], strict=True)):
        p = {k: np.asarray(v) for k, v in p.items()}
        title = f"layer {i}" + (f" [{layer.name}]" if layer.name else "")
        if isinstance(layer, Attention):
            out.append(f"{title}: attention, mask={layer.mask}, tie={layer.tie}most, "
                       f"path={layer.fast_path()}")
            out.append("  query A:")
            out += rules(p["A_w"], p["A_b"], layer.query, layer.source)
            out.append("  key B:")
            out += rules(p["B_w"], p["B_b"], layer.query, layer.source)
            new = [t for t in layer.target.labels if t not in layer.source
                   or p["C_v"][layer.target.index(t)].sum() != 1]
            dropped = [s for s in layer.source.labels if s not in layer.target]
            out.append("  output C (v = this position, a = attended; unchanged copies omitted):")
            for r, t in enumerate(layer.target.labels):
                if t not in new:
                    continue
                lv = rules(p["C_v"][r:r + 1], p["C_b"][r:r + 1], _one(t), layer.source, "")
                la = rules(p["C_a"][r:r + 1], None, _one(t), _prefixed(layer.source, "a."), "")
                body = " + ".join(x.split(" ← ", 1)[1] for x in lv + la) or "0"
                out.append(f"    {t} ← {body}")
            if dropped:
                out.append(f"    dropped: {', '.join(dropped)}")
        elif isinstance(layer, FFN):
            out.append(f"{title}: FFN block, {len(layer.hidden)} hidden units")
            out.append("  hidden = ReLU(W_1 v + b_1):")
            out += rules(p["W_1"], p["b_1"], layer.hidden, layer.source)
            out.append("  out = W_r v + W_2 hidden + b_2 (unchanged copies omitted):")
            for r, t in enumerate(layer.target.labels):
                if t in layer.source and p["W_r"][r].sum() == 1 and \
                        p["W_r"][r, layer.source.index(t)] == 1 and not p["W_2"][r].any() \
                        and p["b_2"][r] == 0:
                    continue
                lv = rules(p["W_r"][r:r + 1], p["b_2"][r:r + 1], _one(t), layer.source, "")
                lh = rules(p["W_2"][r:r + 1], None, _one(t), layer.hidden, "")
                body = " + ".join(x.split(" ← ", 1)[1] for x in lv + lh) or "0"
                out.append(f"    {t} ← {body}")
            dropped = [s for s in layer.source.labels if s not in layer.target]
            if dropped:
                out.append(f"    dropped: {', '.join(dropped)}")
        else:
            out.append(f"{title}: ReLU on {layer.coord}")
    t = np.asarray(params["readout"])
    acc = rules(t[None, :], None, _one("accept"), spec.output, "")
    out.append(f"accept iff {acc[0].split(' ← ', 1)[1] if acc else '0'} > 0")
    return out


def describe_rnn(spec: RNNSpec, params: Mapping[str, Any]) -> str:
    """An RNN's update and readout as rules over labels."""
    p = {k: np.asarray(v) for k, v in params.items()}
    inputs = Space.of(f"x_{a}" for a in spec.alphabet)
    out = [f"RNN over {{{', '.join(spec.alphabet)}}}: {len(spec.hidden)} units, "
           f"σ = {spec.activation}" + (f", {spec.bits}-bit state" if spec.bits else "")]
    out.append("h_0:")
    out += rules(np.zeros((len(spec.hidden), 0)), p["h0"], spec.hidden, Space(()))
    out.append("h_t = σ(W h_{t-1} + U x_t + b):")
    both = Space.of([f"{s}'" for s in spec.hidden.labels] + list(inputs.labels))
    out += rules(np.concatenate([p["W"], p["U"]], axis=1), p["b"], spec.hidden, both)
    acc = rules(p["readout"][None, :], p["readout_bias"][None], _one("accept"), spec.hidden, "")
    out.append(f"accept iff {acc[0].split(' ← ', 1)[1] if acc else '0'} > 0")
    return "\n".join(out)


def describe_rnn2(spec: SecondOrderSpec, params: Mapping[str, Any]) -> str:
    """A second-order RNN: ``h_0``, each symbol's matrix ``M[a]`` as one ``r ← q`` rule per
    nonzero entry (``r ← 2q`` for weight 2), and the readout."""
    labels = spec.hidden.labels
    m = np.asarray(params["M"])
    out = [f"second-order RNN over {{{', '.join(spec.alphabet)}}}: {len(spec.hidden)} units, "
           f"h_t = {'step' if spec.activation == 'step' else 'id'}(M[x_t] h_(t-1))"]
    h0 = np.asarray(params["h0"])
    out.append("h_0: " + ", ".join(f"{labels[i]}={int(h0[i])}" for i in np.nonzero(h0)[0]))
    for a_idx, a in enumerate(spec.alphabet):
        terms = [f"{labels[r]} ← {'' if m[a_idx, r, q] == 1 else str(int(m[a_idx, r, q]))}"
                 f"{labels[q]}" for r, q in zip(*np.nonzero(m[a_idx]), strict=True)]
        out.append(f"  M[{a}]: " + "; ".join(terms))
    r = np.asarray(params["readout"])
    acc = " + ".join(f"{'' if r[i] == 1 else str(int(r[i])) + '·'}{labels[i]}"
                     for i in np.nonzero(r)[0]) or "0"
    out.append(f"accept iff {acc} + {int(params['readout_bias'])} > 0")
    return "\n".join(out)


def _one(label: str) -> Space:
    return Space((label,))


def _prefixed(space: Space, prefix: str) -> Space:
    return Space(tuple(prefix + s for s in space.labels))
