"""Every exact UHAT as a softmax transformer, exact on words of length ≤ N, with a certified
scale β(N) (issue 13).

The UHAT side is the paper's §2.3 (Bergsträßer, Cotterell, Lin 2026; the semantics in
:mod:`succinct.models.uhat`): hard attention selects ``τ(argmax_{m ∈ U_n} score(n, m))``
with integer scores, a leftmost/rightmost tie-break, strict masks and the zero vector
for an empty ``U_n``. The target is the standard architecture of
:mod:`succinct.models.softmax` (BOS at position 0, softmax heads with an ALiBi-style
linear position bias, ReLU FFN blocks, one extra residual coordinate ``is_bos``).

Construction (``v`` a UHAT residual vector, ``x = (v, is_bos)``; BOS is ``x = e_bos``):

* embedding ``E' = [E; 0]``; readout ``t' = (t, 0)``;
* attention layer ``(A, a, B, b, C_v, C_a, c)`` with mask and tie ↦ one head::

      q = (A v + a, 1),   k = (B v + b − b·is_bos, (S_min − 1)·is_bos)
      ℓ(n, m) = β·(⟨q_n, k_m⟩ + σ·s·m),   σ = +1 (tie right) / −1 (tie left),  s = 1/(2N)
      out = C_v v − c·is_bos + C_a a_n + c     (is_bos copied; C_a reads no is_bos)

  so a real key scores ``⟨A v_n + a, B v_m + b⟩`` (the UHAT's integer score) and BOS
  scores ``S_min − 1`` where ``S_min`` is an interval lower bound of every real score.
  BOS is visible to every query; the BOS query sees only BOS;
* after every attention layer, a **cleaning** FFN rounds each coordinate ``r`` the head
  writes (``C_a[r] ≠ 0``; exact range ``[lo_r, hi_r]`` from interval propagation) back
  to its integer::

      clean(x) = lo + Σ_{t=lo}^{hi−1} (ReLU(2(x − t) − 1/2) − ReLU(2(x − t) − 3/2))

  Each pair is 0 for ``x ≤ t + 1/4`` and 1 for ``x ≥ t + 3/4``, so ``clean(x) = k``
  whenever ``|x − k| < 1/4`` for an integer ``k ∈ [lo, hi]``;
* FFN blocks and ReLU layers are copied; every bias ``β_i`` of a hidden unit gets the
  ``is_bos`` weight ``−max(β_i, 0) − 1`` and every output bias ``c_r`` the weight
  ``−c_r``, so BOS's vector stays ``e_bos`` through every layer (its value is the zero
  vector on the UHAT's coordinates, as hard attention's empty ``U_n``).

Proof (exact arithmetic; three claims).

1. *Margin.* Fix a query ``n`` and let ``m*`` be hard attention's choice (integer score
   ``S*``). A tie ``m`` (same score, beaten by the tie-break) has ``σ·s·m ≤ σ·s·m* − s``;
   a lower score loses ``≥ 1 − s·(N − 1) > 1/2``; BOS scores ``S_min − 1 ≤ S* − 1`` while
   ``σ·s·m* ≥ −1/2``. So ``ℓ(n, m*) − ℓ(n, m) ≥ β·μ`` for every other visible ``m``, with
   ``μ = 1/(2N)``; at most ``N`` others (BOS included), so the weight off ``m*`` is
   ``≤ ε = N·exp(−β·μ)``. For an empty ``U_n`` only BOS is visible: weight 1, value 0.
   (Softmax averages ties: without the bias two tied positions would each get 1/2.)
2. *Cleaning.* ``a_n − v_{m*} = Σ_{m ≠ m*} w_m (x_m − x_{m*})``, so coordinate ``c`` is off
   by ``≤ ε·span_c``, ``span_c = max(hi_c, 0) − min(lo_c, 0)`` (0 for BOS). Output row
   ``r`` is off by ``≤ ε·K_r``, ``K_r = Σ_c |C_a[r, c]|·span_c``. With ``K = max K_r`` (over
   layers) and ``β ≥ β(N) = 2N·ln(16·K·N)``: ``ε·K ≤ 1/16 < 1/4``, so every cleaned
   coordinate is its exact integer again; by induction over layers every layer sees the
   UHAT's exact vectors.
3. *Readout.* The final vector is the UHAT's exactly, so ``⟨t', x⟩ = ⟨t, v⟩`` has its sign.

Why these constants. The slope must stay below ``1/N`` with room: at ``s = 1/N`` a real
key of score ``S_min`` at the far end of the word scores ``S_min − 1``, tying with BOS
(``tests/test_relax.py`` plants it). ``16`` in ``β(N)`` (not 4, which gives ``ε·K = 1/4``,
the cleaning's limit, with no slack) leaves half of the ``1/4`` for float32 rounding.

Float32. Softmax subtracts the row maximum, so ``exp`` never overflows. Logits are
``β·(score + σ s m)`` with ``|score + σ s m| ≤ L = max(|S_min − 1|, |S_max|) + 1/2``; their
float32 rounding moves a logit difference by at most ``6·2⁻²⁴·β·L``. While that is
``≤ ln 2`` (``FLOAT32_BUDGET``) the weights off ``m*`` at most double (``2ε·K ≤ 1/8``),
leaving ``1/8`` for the rounding of the attended sums and the cleaning, which is of
order ``2⁻²⁴·N·K`` and of ``2⁻²⁴·span²``. This is a first-order rounding budget, not a
formal float proof; ``tests/test_relax.py`` checks float32 on every word. Models whose N
leaves it are refused with the β they would need (``max_len_float32`` is the largest N in
range). Exact integer arithmetic needs every ``|q|, |k|, |score| < 2²⁴`` too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from succinct.models.softmax import (
    SoftmaxAttention,
    SoftmaxFFN,
    SoftmaxLayer,
    SoftmaxReLU,
    SoftmaxTransformer,
)
from succinct.models.specs import FFN, Attention
from succinct.models.uhat import UHAT
from succinct.words import SuccinctError

__all__ = ["Certificate", "Labels", "RelaxedModel", "relax", "beta_formula", "intervals",
           "MAX_STAIRCASE", "FLOAT32_BUDGET", "N"]

N = sp.Symbol("N", positive=True, integer=True)
# A cleaned coordinate may span at most this many integers (2 hidden units each).
MAX_STAIRCASE = 4096
# The largest float32 rounding of a logit difference the certificate allows (weights off
# the chosen position at most double).
FLOAT32_BUDGET = math.log(2)
_U = 2.0**-24


@dataclass(frozen=True)
class Certificate:
    """The certified scale of a relaxed model (module docstring, claims 1-3).

    ``beta = β(max_len)`` from ``beta_formula`` (sympy, in ``N``); ``epsilon`` the weight
    off the hard choice at that β; ``K`` the error gain; ``margin`` μ = 1/(2N);
    ``slope`` s; ``score_min``/``score_max`` the interval bounds of every real score;
    ``logit_scale`` L; ``max_len_float32`` the largest N inside the float32 budget."""

    beta: float
    beta_formula: sp.Expr
    epsilon: float
    K: int
    margin: float
    slope: float
    score_min: int
    score_max: int
    logit_scale: float
    max_len_float32: int
    max_len: int

    def as_dict(self) -> dict[str, Any]:
        return {"beta": self.beta, "beta_formula": str(self.beta_formula),
                "epsilon": self.epsilon, "K": self.K, "margin": self.margin,
                "slope": self.slope, "score_min": self.score_min,
                "score_max": self.score_max, "logit_scale": self.logit_scale,
                "max_len_float32": self.max_len_float32, "max_len": self.max_len,
                "dtype": "float32"}


@dataclass(frozen=True)
class Labels:
    """The names of a relaxed model's coordinates, carried over from the UHAT's named
    spaces. ``embed``: the residual coordinates after the embedding (the UHAT's, then
    ``is_bos``); per layer ``(inner, out)``: ``inner`` the score coordinates of a head (the
    UHAT's query space, then ``bos``, the coordinate that scores BOS), the hidden units of
    an FFN block (a cleaning block's units are ``c>t+1/4`` and ``c>t+3/4``, its
    staircase steps for coordinate ``c``), ``()`` for a ReLU layer; ``out`` the residual
    coordinates after the layer."""

    embed: tuple[str, ...]
    layers: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


class RelaxedModel(SoftmaxTransformer):
    """A :class:`SoftmaxTransformer` built by :func:`relax`, with its ``certificate`` and
    the ``labels`` of its coordinates."""

    certificate: Certificate
    labels: Labels

    def __init__(self, base: SoftmaxTransformer, certificate: Certificate,
                 labels: Labels) -> None:
        super().__init__(base.alphabet, base.layers, base.params, base.beta, base.max_len,
                         base.accept_at)
        object.__setattr__(self, "certificate", certificate)
        object.__setattr__(self, "labels", labels)

    def __str__(self) -> str:
        c = self.certificate
        return (super().__str__() + f"\ncertificate: β(N) = {c.beta_formula}, "
                f"ε = {c.epsilon:.3g}, K = {c.K}, margin = {c.margin:.3g}, float32 up to "
                f"N = {c.max_len_float32}")


def beta_formula(K: int) -> sp.Expr:
    """``β(N) = 2N·ln(16·K·N)``: then ``ε·K = N·exp(−β/(2N))·K = 1/16``."""
    return 2 * N * sp.log(16 * sp.Integer(max(K, 1)) * N)


# ====================================================================== intervals
Interval = tuple[np.ndarray, np.ndarray]


def _affine(w: np.ndarray, b: np.ndarray | None, lo: np.ndarray, hi: np.ndarray) -> Interval:
    wp, wn = np.maximum(w, 0), np.minimum(w, 0)
    out_lo, out_hi = wp @ lo + wn @ hi, wp @ hi + wn @ lo
    if b is not None:
        out_lo, out_hi = out_lo + b, out_hi + b
    return out_lo, out_hi


def _dot_range(qlo: np.ndarray, qhi: np.ndarray, klo: np.ndarray, khi: np.ndarray
               ) -> tuple[float, float]:
    prods = np.stack([qlo * klo, qlo * khi, qhi * klo, qhi * khi])
    return float(prods.min(axis=0).sum()), float(prods.max(axis=0).sum())


@dataclass(frozen=True)
class _AttnBounds:
    inputs: Interval  # of the layer's input coordinates
    outputs: Interval
    score: tuple[float, float]
    query: float  # largest |q|, |k|
    cleaned: tuple[int, ...]  # output rows the head writes (C_a[r] ≠ 0)
    gain: float  # max_r K_r


def intervals(uhat: UHAT) -> list[Any]:
    """Signed interval bounds, layer by layer: an :class:`_AttnBounds` per attention
    layer, ``None`` for the others (their bounds feed the next layer). Attended vectors
    lie in the hull of the input interval and 0 (the empty mask's zero vector)."""
    p = uhat.params
    emb = np.asarray(p["embed"], np.float64)
    lo, hi = emb.min(axis=1), emb.max(axis=1)
    out: list[Any] = []
    for layer, lp in zip(uhat.spec.layers, p["layers"], strict=True):
        lp = {k: np.asarray(v, np.float64) for k, v in lp.items()}
        if isinstance(layer, Attention):
            qlo, qhi = _affine(lp["A_w"], lp["A_b"], lo, hi)
            klo, khi = _affine(lp["B_w"], lp["B_b"], lo, hi)
            alo, ahi = np.minimum(lo, 0), np.maximum(hi, 0)
            vlo, vhi = _affine(lp["C_v"], lp["C_b"], lo, hi)
            xlo, xhi = _affine(lp["C_a"], None, alo, ahi)
            span = ahi - alo
            gains = np.abs(lp["C_a"]) @ span
            cleaned = tuple(int(r) for r in np.nonzero(np.any(lp["C_a"] != 0, axis=1))[0])
            mag = max([0.0, *np.abs(qlo), *np.abs(qhi), *np.abs(klo), *np.abs(khi)])
            out.append(_AttnBounds((lo, hi), (vlo + xlo, vhi + xhi),
                                   _dot_range(qlo, qhi, klo, khi), mag, cleaned,
                                   float(gains.max(initial=0.0))))
            lo, hi = vlo + xlo, vhi + xhi
        elif isinstance(layer, FFN):
            hlo, hhi = _affine(lp["W_1"], lp["b_1"], lo, hi)
            hlo, hhi = np.maximum(hlo, 0), np.maximum(hhi, 0)
            slo, shi = _affine(lp["W_r"], lp["b_2"], lo, hi)
            zlo, zhi = _affine(lp["W_2"], None, hlo, hhi)
            lo, hi = slo + zlo, shi + zhi
            out.append(None)
        else:
            r = layer.source.index(layer.coord)
            lo, hi = lo.copy(), hi.copy()
            lo[r], hi[r] = max(lo[r], 0.0), max(hi[r], 0.0)
            out.append(None)
    return out


# ====================================================================== construction
def _with_bos(w: np.ndarray) -> np.ndarray:
    """``[[w, 0], [0, 1]]``: the layer's map plus the copied ``is_bos`` coordinate."""
    s, r = w.shape
    out = np.zeros((s + 1, r + 1))
    out[:s, :r] = w
    out[s, r] = 1
    return out


def _attention(lp: dict[str, np.ndarray], bounds: _AttnBounds) -> dict[str, np.ndarray]:
    q, r = lp["A_w"].shape
    s = lp["C_v"].shape[0]
    w_q = np.zeros((q + 1, r + 1))
    w_q[:q, :r] = lp["A_w"]
    b_q = np.concatenate([lp["A_b"], [1.0]])
    w_k = np.zeros((q + 1, r + 1))
    w_k[:q, :r] = lp["B_w"]
    w_k[:q, r] = -lp["B_b"]
    w_k[q, r] = bounds.score[0] - 1  # BOS's score: S_min − 1
    b_k = np.concatenate([lp["B_b"], [0.0]])
    w_v = _with_bos(lp["C_v"])
    w_v[:s, r] = -lp["C_b"]
    w_a = np.zeros((s + 1, r + 1))
    w_a[:s, :r] = lp["C_a"]
    c = np.concatenate([lp["C_b"], [0.0]])
    return {"W_q": w_q, "b_q": b_q, "W_k": w_k, "b_k": b_k, "W_v": w_v, "W_a": w_a, "c": c}


def _steps(names: tuple[str, ...], rows: tuple[int, ...], lo: np.ndarray, hi: np.ndarray
           ) -> tuple[str, ...]:
    """The hidden units of :func:`_clean`, named in its order: ``c>t+1/4``, ``c>t+3/4``."""
    return tuple(f"{names[r]}>{t}{step}" for r in rows
                 for t in range(int(round(lo[r])), int(round(hi[r])))
                 for step in ("+1/4", "+3/4"))


def _clean(width: int, rows: tuple[int, ...], lo: np.ndarray, hi: np.ndarray
           ) -> dict[str, np.ndarray]:
    """The staircase FFN rounding ``rows`` of a ``width``-wide vector (plus ``is_bos``)."""
    w1, b1, w2_cols = [], [], []
    w_r = np.eye(width + 1)
    b_2 = np.zeros(width + 1)
    for r in rows:
        rlo, rhi = int(round(lo[r])), int(round(hi[r]))
        w_r[r, r] = 0
        w_r[r, width] = -rlo  # BOS: −lo + lo = 0
        b_2[r] = rlo
        for t in range(rlo, rhi):
            for offset, sign in ((0.5, 1.0), (1.5, -1.0)):
                row = np.zeros(width + 1)
                row[r] = 2
                bias = -(2 * t + offset)
                row[width] = -max(bias, 0.0) - 1  # BOS: pre-activation ≤ −1
                w1.append(row)
                b1.append(bias)
                col = np.zeros(width + 1)
                col[r] = sign
                w2_cols.append(col)
    h = len(w1)
    return {"W_1": np.array(w1).reshape(h, width + 1), "b_1": np.array(b1, np.float64),
            "W_2": np.array(w2_cols).reshape(h, width + 1).T, "W_r": w_r, "b_2": b_2}


def _ffn(lp: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    h, r = lp["W_1"].shape
    s = lp["W_r"].shape[0]
    w_1 = np.zeros((h, r + 1))
    w_1[:, :r] = lp["W_1"]
    w_1[:, r] = -np.maximum(lp["b_1"], 0) - 1
    w_2 = np.zeros((s + 1, h))
    w_2[:s] = lp["W_2"]
    w_r = _with_bos(lp["W_r"])
    w_r[:s, r] = -lp["b_2"]
    return {"W_1": w_1, "b_1": lp["b_1"].copy(), "W_2": w_2, "W_r": w_r,
            "b_2": np.concatenate([lp["b_2"], [0.0]])}


def _float32_range(formula: sp.Expr, scale: float) -> int:
    """The largest N with ``6·2⁻²⁴·β(N)·L ≤ ln 2`` (β(N) increases with N)."""
    f = sp.lambdify(N, formula, "math")

    def ok(n: int) -> bool:
        return 6 * _U * f(n) * scale <= FLOAT32_BUDGET

    if not ok(1):
        return 0
    lo, hi = 1, 2
    while ok(hi):
        lo, hi = hi, hi * 2
        if hi > 1 << 40:
            return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo


def relax(uhat: Any, max_len: int) -> RelaxedModel:
    """The softmax transformer of an exact UHAT, certified on words of length ≤
    ``max_len`` (module docstring: construction, proof, float32 range)."""
    if not isinstance(uhat, UHAT):
        kind = type(uhat).__name__
        why = (" (positional encodings: outside the paper's UHAT model, and their table "
               "has no softmax realisation here)" if "Positional" in kind else "")
        raise SuccinctError(f"relax takes a UHAT, not a {kind}{why}")
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise SuccinctError(f"max_len must be a positive integer, got {max_len!r}")
    if not uhat.exact:
        raise SuccinctError("relax needs an exact UHAT (integer weights): this model has "
                            "non-integer weights, so its score gaps are not known")
    bounds = intervals(uhat)
    attn = [b for b in bounds if b is not None]
    for b in attn:
        lo, hi = b.outputs
        for r in b.cleaned:
            if hi[r] - lo[r] > MAX_STAIRCASE:
                raise SuccinctError(
                    f"an attended coordinate ranges over [{lo[r]:.0f}, {hi[r]:.0f}]: its "
                    f"cleaning staircase would need more than {MAX_STAIRCASE} steps")
        values = max(np.abs(np.concatenate([*b.inputs, *b.outputs])).max(initial=0.0),
                     b.query, abs(b.score[0]) + 1, abs(b.score[1]))
        if values >= 2**24:
            raise SuccinctError(f"residual values, queries, keys or scores can reach "
                                f"{values:.0f} >= 2^24: float32 would round them")
    K = int(math.ceil(max((b.gain for b in attn), default=0.0)))
    formula = beta_formula(K)
    beta = float(formula.subs(N, max_len))
    slope = 1.0 / (2 * max_len)
    margin = slope
    score_min = int(min((b.score[0] for b in attn), default=0))
    score_max = int(max((b.score[1] for b in attn), default=0))
    scale = max(abs(score_min - 1), abs(score_max)) + 0.5
    n32 = _float32_range(formula, scale)
    if max_len > n32:
        raise SuccinctError(
            f"max_len={max_len} needs β = {beta:.6g} on logits up to {beta * scale:.6g}: "
            f"float32 rounding could overturn the margin (float32 is certified up to "
            f"N = {n32}); the model would need float64")
    layers: list[SoftmaxLayer] = []
    params: list[dict[str, np.ndarray]] = []
    names: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    bos = _bos_name(uhat)
    it = iter(bounds)
    for layer, lp in zip(uhat.spec.layers, uhat.params["layers"], strict=True):
        lp = {k: np.asarray(v, np.float64) for k, v in lp.items()}
        b = next(it)
        if isinstance(layer, Attention):
            sign = 1 if layer.tie == "right" else -1
            layers.append(SoftmaxAttention(layer.mask, sign, slope, name=layer.name))
            params.append(_attention(lp, b))
            out = (*layer.target.labels, bos)
            names.append(((*layer.query.labels, "bos"), out))
            if b.cleaned:
                layers.append(SoftmaxFFN(name=f"clean {layer.name}".strip()))
                params.append(_clean(len(layer.target), b.cleaned, *b.outputs))
                names.append((_steps(out, b.cleaned, *b.outputs), out))
        elif isinstance(layer, FFN):
            layers.append(SoftmaxFFN(name=layer.name))
            params.append(_ffn(lp))
            names.append((layer.hidden.labels, (*layer.target.labels, bos)))
        else:
            layers.append(SoftmaxReLU(layer.source.index(layer.coord), name=layer.name))
            params.append({})
            names.append(((), (*layer.source.labels, bos)))
    emb = np.asarray(uhat.params["embed"], np.float64)
    embed = np.vstack([emb, np.zeros((1, emb.shape[1]))])
    readout = np.concatenate([np.asarray(uhat.params["readout"], np.float64), [0.0]])
    base = SoftmaxTransformer(uhat.alphabet, tuple(layers),
                              {"embed": embed, "layers": params, "readout": readout},
                              beta, max_len, uhat.spec.accept_at)
    cert = Certificate(beta=beta, beta_formula=formula,
                       epsilon=max_len * math.exp(-beta * margin), K=K, margin=margin,
                       slope=slope, score_min=score_min, score_max=score_max,
                       logit_scale=scale, max_len_float32=n32, max_len=max_len)
    return RelaxedModel(base, cert, Labels((*uhat.spec.embed.labels, bos), tuple(names)))


def _bos_name(uhat: UHAT) -> str:
    """``is_bos``, primed until no coordinate of the UHAT has that name."""
    taken = {x for space in (uhat.spec.embed, *(layer.target for layer in uhat.spec.layers))
             for x in space.labels}
    name = "is_bos"
    while name in taken:
        name += "'"
    return name
