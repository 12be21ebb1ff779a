"""The family ``khop``: pointer chasing ``f^k(x)`` with ``f`` given in the input.

**Input format.** Parameters ``2 ≤ m ≤ 64`` (table size; :data:`M_MAX`, one range for
every model and command) and ``k ≥ 1`` (hops; ``k = 1`` is *index lookup*). The
alphabet is the values ``0 … m−1`` and the pad ``#``; symbols are single characters for
``m ≤ 10`` (``3102#2##``) and space-separated otherwise. A word is

    f(0) f(1) … f(m−1) x #^{2k}          (length T = m + 1 + 2k)

and it is accepted iff it has exactly this shape (digits at positions 1..m+1, pads after)
and ``f^k(x) < h`` with ``h = ⌈m/2⌉`` (the lower half of the values: about half of the
random tables are accepted). The ``2k`` pads are the RNN's time to follow the pointers
(two steps per hop, below); the transformer ignores them.

Models:

* ``reference`` — parses the word and iterates ``f`` in Python.
* ``uhat`` — hard attention **with positional encodings** (``pos = p``, ``pos2 = p²``;
  :mod:`succinct.models.positional`), so **outside the paper's UHAT model**. Pointer doubling
  (Sanford, Hsu, Telgarsky 2024): every position holds a pointer ``ptr`` (``f(v)`` at
  table position ``v + 1``, ``x`` at the query). Level ``ℓ = 0 … L−1``, ``L`` = bit length
  of k: every position attends (no mask) with score ``2p_j(ptr_i + 1) − p_j²``, maximal
  exactly at ``p_j = ptr_i + 1``, i.e. at the table entry of its pointer, and reads that
  entry's pointer. Table positions always replace theirs (``g_{ℓ+1} = g_ℓ ∘ g_ℓ`` with
  ``g_ℓ = f^{2^ℓ}``); the query replaces its own iff bit ℓ of k is set (an exact gated
  update ``ReLU(read − m(1 − table)) + ReLU(ptr − m·table)`` for pointers in [0, m)).
  Then the last position reads the query's pointer (score ``2p_j(m + 1) − p_j²``).
  Shape checks: FFNs compute ``table = [p ≤ m]``, ``pad = [p ≥ m + 2]`` and ``oklen =
  [p ≥ T]`` from ``p`` with ReLU differences, ``bad = |Q_# − pad|``, and one attention
  finds any bad position. Accept iff ``[ans < h] + oklen −
  2·anybad − 1 > 0``. ``5 + L + (zero bits of k)`` layers of constant width: the size
  grows with ``log k`` and, through the integer positions, ``log m`` bits per weight;
  only the two lookup tables (token embedding, ``|Σ| = m + 1`` columns; positional
  table, ``2T`` entries) are linear in the input size.
* ``rnn`` — a 1-bit step Elman RNN that stores the whole table: units ``pos_s`` (one-hot
  position, s = 0..T), ``tab_{v,r}`` (bit r of f(v), ``b = ⌈log₂ m⌉`` bits, written when
  ``pos_v`` meets a digit), ``u_{v,r} = cur_v ∧ tab_{v,r}``, and two one-hot pointers:
  ``curQ_w`` (set by the query symbol) and ``curD_w`` (a hop: with ``S_r = Σ_v u_{v,r}``,
  the bits of ``f(cur)``, ``curD_w = [Σ_r (2·bit_r(w) − 1) S_r = ones(w)]`` on every second
  pad step); ``errD``/``errP`` latch a pad among the digits / a digit among the pads.
  Accept iff ``2·Σ_{w<h} curD_w + 2·pos_T − 4(errD + errP) − 3 > 0``. Units
  ``T + 1 + 2m⌈log₂ m⌉ + 2m + 2``: Θ(m log m). A one-pass model has to keep, after the
  table, whatever every query may need: for k = 1 the m bits ``[f(v) < h]`` would do (so
  for index lookup this RNN is not the smallest), for k ≥ 2 the answers depend on the
  values themselves, and storing the table is the natural construction.
* ``dfa`` — not provided (the minimal DFA has more than ``m^m`` states).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import sympy as sp

from succinct.models.positional import PositionalBuilder, PositionalUHAT
from succinct.models.rnn import RNN, RNNBuilder
from succinct.recognizer import Predicate
from succinct.registry import Family, Param, register
from succinct.sizes import ATTN_PARAMS, FFN_PARAMS, H, Q, R, S, SizeReport
from succinct.verdicts import Comparison, Verdict
from succinct.words import Alphabet

__all__ = ["alphabet", "word_length", "threshold", "parse", "is_member", "transformer",
           "rnn", "transformer_formulas", "rnn_units_formula", "rnn_params_formula",
           "sample_words", "verdict", "m_sym"]

m_sym = sp.Symbol("m", positive=True, integer=True)  # the table size
PAD = "#"


def alphabet(m: int) -> Alphabet:
    """Values ``0 … m−1`` then the pad ``#``."""
    return Alphabet.of([str(v) for v in range(m)] + [PAD])


def word_length(m: int, k: int) -> int:
    """``T = m + 1 + 2k``."""
    return m + 1 + 2 * k


def threshold(m: int) -> int:
    """``h = ⌈m/2⌉``: accept iff ``f^k(x) < h``."""
    return (m + 1) // 2


def parse(word: tuple[str, ...] | list[str], m: int, k: int) -> tuple[list[int], int] | None:
    """``(f, x)`` of a well-shaped word, else None."""
    if len(word) != word_length(m, k):
        return None
    head, pads = word[: m + 1], word[m + 1:]
    if any(s == PAD for s in head) or any(s != PAD for s in pads):
        return None
    values = [int(s) for s in head]
    return values[:m], values[m]


def is_member(word: tuple[str, ...] | list[str], m: int, k: int) -> bool:
    """The reference: shape check, then ``f^k(x) < ⌈m/2⌉``."""
    parsed = parse(word, m, k)
    if parsed is None:
        return False
    f, x = parsed
    for _ in range(k):
        x = f[x]
    return x < threshold(m)


# ====================================================================== transformer
@functools.cache  # built once for the sizes and the models
def transformer(m: int, k: int) -> PositionalUHAT:
    """Pointer doubling with positional encodings (see the module docstring)."""
    a = alphabet(m)
    t_len = word_length(m, k)
    h = threshold(m)
    pb = PositionalBuilder(
        a, t_len, {"pos": ("p", lambda p: p), "pos2": ("p²", lambda p: p * p)},
        token_embed={"val": {str(v): v for v in range(m)}, "Q_#": {PAD: 1}},
        boolean=["Q_#"])
    prep = pb.ffn(hidden=["t1", "t2", "u2", "u3", "l1"],
                  new=["table", "pad", "oklen", "ptr"], name="shape",
                  boolean=["table", "pad", "oklen"])
    for unit, sign, off in (("t1", -1, m + 1), ("t2", -1, m), ("u2", 1, -(m + 1)),
                            ("u3", 1, -(m + 2)), ("l1", 1, -(t_len - 1))):
        prep.W_1[(unit, "pos")] = sign
        prep.W_1.set_bias(unit, off)
    prep.W_2[("table", "t1")], prep.W_2[("table", "t2")] = 1, -1
    prep.W_2[("pad", "u2")], prep.W_2[("pad", "u3")] = 1, -1
    prep.W_2[("oklen", "l1")] = 1
    prep.W_r[("ptr", "val")] = 1
    bad = pb.ffn(hidden=["d1", "d2"], new=["bad"], name="bad", boolean=["bad"])
    bad.W_1[("d1", "Q_#")], bad.W_1[("d1", "pad")] = 1, -1
    bad.W_1[("d2", "Q_#")], bad.W_1[("d2", "pad")] = -1, 1
    bad.W_2[("bad", "d1")] = bad.W_2[("bad", "d2")] = 1
    anybad = pb.attention(mask="none", tie="left", query=["s"], new=["anybad"],
                          name="anybad", boolean=["anybad"])
    anybad.A.set_bias("s", 1)
    anybad.B[("s", "bad")] = 1
    anybad.C_a[("anybad", "bad")] = 1

    def pointer_read(name: str, out: str, from_ptr: bool) -> None:
        """``out`` ← the pointer stored at position ``ptr + 1`` (or ``m + 1``)."""
        keep = [x for x in pb.space.labels if x != out]
        att = pb.attention(mask="none", tie="left", query=["s:p", "s:1"], keep=keep,
                           new=[out], name=name)
        if from_ptr:  # score 2 p_j (ptr + 1) − p_j²
            att.A[("s:p", "ptr")] = 2
            att.A.set_bias("s:p", 2)
        else:  # score 2 p_j (m + 1) − p_j²: the query position
            att.A.set_bias("s:p", 2 * (m + 1))
        att.A.set_bias("s:1", -1)
        att.B[("s:p", "pos")] = 1
        att.B[("s:1", "pos2")] = 1
        att.C_a[(out, "ptr")] = 1

    for ell in range(k.bit_length()):
        if k >> ell & 1:  # everyone takes the pointer it reads
            pointer_read(f"hop{ell}", "ptr", from_ptr=True)
            continue
        pointer_read(f"hop{ell}", "a.ptr", from_ptr=True)  # only table positions take it
        keep = [x for x in pb.space.labels if x not in ("ptr", "a.ptr")]
        gate = pb.ffn(hidden=["e1", "e2"], keep=keep, new=["ptr"], name=f"gate{ell}")
        gate.W_1[("e1", "a.ptr")] = 1  # a.ptr where table = 1, else 0
        gate.W_1[("e1", "table")] = m
        gate.W_1.set_bias("e1", -m)
        gate.W_1[("e2", "ptr")] = 1  # ptr where table = 0, else 0
        gate.W_1[("e2", "table")] = -m
        gate.W_2[("ptr", "e1")] = gate.W_2[("ptr", "e2")] = 1
    pointer_read("answer", "ans", from_ptr=False)
    final = pb.ffn(hidden=["c1", "c2"], new=["acc"], name="accept")
    final.W_1[("c1", "ans")] = final.W_1[("c2", "ans")] = -1
    final.W_1.set_bias("c1", h)
    final.W_1.set_bias("c2", h - 1)
    final.W_2[("acc", "c1")], final.W_2[("acc", "c2")] = 1, -1
    final.W_r[("acc", "oklen")] = 1
    final.W_r[("acc", "anybad")] = -2
    final.W_r.set_bias("acc", -1)
    return pb.build({"acc": 1}, longer="reject")


# ====================================================================== RNN
@functools.cache  # built once for the sizes and the models
def rnn(m: int, k: int) -> RNN:
    """The table-holding 1-bit step RNN (see the module docstring)."""
    a = alphabet(m)
    t_len = word_length(m, k)
    h = threshold(m)
    b = max(1, (m - 1).bit_length())
    digits = [str(v) for v in range(m)]
    pos = [f"pos{s}" for s in range(t_len + 1)]
    tab = {(v, r): f"tab{v}.{r}" for v in range(m) for r in range(b)}
    use = {(v, r): f"u{v}.{r}" for v in range(m) for r in range(b)}
    cur_q = [f"curQ{w}" for w in range(m)]
    cur_d = [f"curD{w}" for w in range(m)]
    units = pos + list(tab.values()) + list(use.values()) + cur_q + cur_d + ["errD", "errP"]
    readout = {f"curD{w}": 2 for w in range(h)} | {pos[t_len]: 2, "errD": -4, "errP": -4}
    rb = RNNBuilder(a, units, activation="step", bits=1, h0={pos[0]: 1}, readout=readout,
                    readout_bias=-3)
    for s in range(1, t_len + 1):  # the position counter shifts by one per symbol
        rb.W[(pos[s], pos[s - 1])] = 2
        rb.W.set_bias(pos[s], -1)
    for (v, r), u in tab.items():  # write bit r of f(v) when reading position v + 1
        rb.W[(u, u)] = 4
        rb.W[(u, pos[v])] = 2
        rb.W.set_bias(u, -3)
        for d in digits:
            if int(d) >> r & 1:
                rb.U[(u, d)] = 2
    for (v, r), u in use.items():  # u = cur ∧ tab
        rb.W[(u, cur_q[v])] = rb.W[(u, cur_d[v])] = 2
        rb.W[(u, tab[(v, r)])] = 2
        rb.W.set_bias(u, -3)
    for w in range(m):
        rb.W[(cur_q[w], pos[m])] = 2  # the query symbol, read at position m + 1
        rb.U[(cur_q[w], digits[w])] = 2
        rb.W.set_bias(cur_q[w], -3)
        ones = bin(w).count("1")
        for v in range(m):
            for r in range(b):
                rb.W[(cur_d[w], use[(v, r)])] = 2 * (2 * (w >> r & 1) - 1)
        for j in range(1, k + 1):  # decode after every second pad
            rb.W[(cur_d[w], pos[m + 2 * j])] = 2
        rb.W.set_bias(cur_d[w], -2 * ones - 1)
    rb.W[("errD", "errD")] = rb.W[("errP", "errP")] = 4
    rb.W.set_bias("errD", -3)
    rb.W.set_bias("errP", -3)
    for s in range(m + 1):
        rb.W[("errD", pos[s])] = 2
    rb.U[("errD", PAD)] = 2
    for s in range(m + 1, t_len):
        rb.W[("errP", pos[s])] = 2
    for d in digits:
        rb.U[("errP", d)] = 2
    return rb.build()


# ====================================================================== sizes
def transformer_formulas(k: int) -> dict[str, sp.Expr]:
    """Layers, width and params of :func:`transformer` in ``m`` for a given ``k``.

    ``L`` = bit length of k, ``z`` = its zero bits; ``T = m + 1 + 2k``. Residual: val,
    Q_#, pos, pos2, then table, pad, oklen, ptr, bad, anybad (10), plus one scratch
    coordinate inside a gated hop, then ans, acc.
    """
    levels = k.bit_length()
    zeros = levels - bin(k).count("1")
    m, t_len = m_sym, m_sym + 1 + 2 * k

    def ffn(h: int, r: int, s: int) -> int:
        return int(FFN_PARAMS.subs({H: h, R: r, S: s}))

    def attn(q: int, r: int, s: int) -> int:
        return int(ATTN_PARAMS.subs({Q: q, R: r, S: s}))

    body = ffn(5, 4, 8) + ffn(2, 8, 9) + attn(1, 9, 10) \
        + (levels - zeros) * attn(2, 10, 10) + zeros * (attn(2, 10, 11) + ffn(2, 11, 10)) \
        + attn(2, 10, 11) + ffn(2, 11, 12) + 12
    params = 4 * (m + 1) + 2 * t_len + body  # token table [4, m + 1], positional [2, T]
    return {"layers": sp.Integer(5 + levels + zeros), "width": sp.Integer(12),
            "params": sp.expand(params), "body_params": sp.Integer(body)}


def rnn_units_formula(k: int) -> sp.Expr:
    """``T + 1 + 2m⌈log₂ m⌉ + 2m + 2`` units."""
    m = m_sym
    return (m + 1 + 2 * k) + 1 + 2 * m * sp.ceiling(sp.log(m, 2)) + 2 * m + 2


def rnn_params_formula(k: int) -> sp.Expr:
    """``u² + u(m + 1) + 3u + 1`` (W, U, b, h0, readout, readout bias)."""
    u = rnn_units_formula(k)
    return sp.expand(u**2 + u * (m_sym + 1) + 3 * u + 1)


def sample_words(m: int, k: int, count: int, rng: np.random.Generator) -> list[list[str]]:
    """Random well-shaped words (half of them) and one-edit corruptions (the rest)."""
    a = alphabet(m).symbols
    out = []
    for i in range(count):
        f = rng.integers(0, m, size=m)
        if i % 4 == 3:  # a table with a short cycle through x: long chains of hops
            f = np.roll(np.arange(m), int(rng.integers(1, m)))
        x = int(rng.integers(0, m))
        w = [str(v) for v in f] + [str(x)] + [PAD] * (2 * k)
        if i % 2:
            kind = rng.integers(0, 4)
            j = int(rng.integers(0, len(w)))
            if kind == 0:  # a pad among the digits or a digit among the pads
                w[j] = PAD if j <= m else str(int(rng.integers(0, m)))
            elif kind == 1:
                w = w[:-1] if rng.integers(0, 2) else w + [a[int(rng.integers(0, len(a)))]]
            elif kind == 2:
                w = w[:j] + w[j + 1:] if len(w) > 1 else w
            else:
                w[j] = a[int(rng.integers(0, len(a)))]
        out.append(w)
    return out


def sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Counted sizes of both models next to their formulas. The transformer (model
    ``uhat``) is a positional UHAT: its report's kind says it is outside the paper's
    model."""
    m, k = p["m"], p["k"]
    f = transformer_formulas(k)
    uhat = transformer(m, k).size_report().with_(
        formulas=f, extra={"body_params": int(f["body_params"]),
                           "word_length": word_length(m, k)})
    rn = rnn(m, k).size_report().with_(formulas={"units": rnn_units_formula(k),
                                                 "params": rnn_params_formula(k)})
    return {"uhat": uhat, "rnn": rn}


OUTSIDE = "outside the paper's model (positional encodings)"


@functools.cache
def verdict() -> Verdict:
    """The positional transformer against the built RNN as m grows, for k = 1 and k = 8:
    a comparison of constructions, outside the paper's model (positional encodings)."""
    rows = tuple(
        Comparison("UHAT+PE", "RNN", transformer_formulas(hops)["params"],
                   rnn_params_formula(hops), m_sym, measure="params", opponent="built",
                   note=f"k = {hops}; {OUTSIDE}", start=2)
        for hops in (1, 8))
    return Verdict(family="khop", subject="pointer chasing", comparisons=rows,
                   notes=(f"pointer chasing is {OUTSIDE}: the UHAT here reads positions, "
                          "so no statement of the paper applies to it",))


def _members(p: Mapping[str, Any]) -> Iterator[str]:
    m, k = p["m"], p["k"]
    a = alphabet(m)
    for x in range(m):
        for shift in range(m):
            w = [str((v + shift) % m) for v in range(m)] + [str(x)] + [PAD] * (2 * k)
            if is_member(w, m, k):
                yield a.to_word([a.index(s) for s in w])


M_MAX = 64  # largest table size: the RNN grows as m log m, the atlas stops at 32


register(Family(
    name="khop",
    description="pointer chasing: f(0)…f(m−1) x #^(2k), accept iff f^k(x) < ⌈m/2⌉",
    params=(
        Param("m", int, default=4, low=2, high=M_MAX, help="table size (values 0..m−1)"),
        Param("k", int, default=2, low=1, high=64, help="hops (k = 1: index lookup)"),
    ),
    alphabet=lambda p: alphabet(p["m"]),
    models={
        "reference": lambda p: Predicate(alphabet(p["m"]),
                                         lambda w: is_member(w, p["m"], p["k"]),
                                         name="pointer chasing"),
        "uhat": lambda p: transformer(p["m"], p["k"]),
        "rnn": lambda p: rnn(p["m"], p["k"]),
    },
    members=_members,
    sizes=sizes,
    atlas=lambda full: [{"m": m, "k": 2} for m in ((4, 8, 16, 32) if full else (4, 8))],
    verdict=verdict,
    model_help={
        "reference": "parse and iterate f (plain Python)",
        "uhat": "pointer doubling WITH positional encodings (outside the paper's UHAT): "
                "O(log k) layers, constant width",
        "rnn": "1-bit step RNN holding the table: Θ(m log m) units",
    },
))
