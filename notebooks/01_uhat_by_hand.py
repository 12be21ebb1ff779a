# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 — A unique-hard-attention transformer by hand
#
# A UHAT (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, §2) has no positional
# encoding: position $n$ sees the symbols only, through attention. One attention layer
# computes, at every position $n$,
#
# $$\mathrm{score}(n, m) = \langle A v_n, B v_m\rangle,\qquad
#   a_n = v_{\tau(\arg\max_{m \in U_n} \mathrm{score}(n, m))},\qquad
#   \mathrm{out}_n = C_v v_n + C_a a_n + c,$$
#
# where the **mask** $U_n$ is one of three, each with its string value in the library
# (`UHATBuilder.attention(mask=..., tie=...)`):
#
# * `mask="future"`: $U_n = \{m < n\}$, the strictly earlier positions (the future is
#   masked out);
# * `mask="past"`: $U_n = \{m > n\}$, the strictly later positions;
# * `mask="none"`: $U_n$ = all positions, $n$ itself included;
#
# the **tie-break** $\tau$ picks, among the best positions, the leftmost (`tie="left"`)
# or the rightmost (`tie="right"`); and $a_n = \mathbf 0$ when $U_n$ is empty (the
# **zero default**; with `mask="none"` it never is).
#
# We build a four-layer UHAT over $\{a, b\}$ (three attention layers and an FFN block)
# whose coordinates all have names:
#
# * `prev_a` — future mask, rightmost, score $Q_a(m)$: an $a$ occurs strictly before $n$;
# * `seen` — the same head copies $Q_a + Q_b$ (always 1), so it is 0 exactly where the
#   mask is empty: at the first position;
# * `next_a`, `last_a` — past mask with a constant score: every later position ties,
#   so the tie-break decides — leftmost gives the *next* position, rightmost the *last*;
# * `acc` — an FFN: $\mathrm{ReLU}(\mathtt{prev\_a} + Q_b - 1)$, read at the last position.
#
# The word is accepted iff it ends in $b$ and has an $a$ before that.

# %%
import itertools

import numpy as np

from succinct import Alphabet, UHATBuilder
from succinct.teach import check_exercise
from succinct.viz import layer_heatmaps, show

ab = Alphabet.of("ab")
b = UHATBuilder(ab)  # embedding: one-hot coordinates Q_a, Q_b

before = b.attention(mask="future", tie="right", query=["s"], new=["prev_a", "seen"])
before.A.set_bias("s", 1)  # the query is the constant 1 ...
before.B["s", "Q_a"] = 1  # ... so score(n, m) = Q_a(m)
before.C_a["prev_a", "Q_a"] = 1  # copy Q_a of the attended position
before.C_a["seen", "Q_a"] = 1
before.C_a["seen", "Q_b"] = 1  # Q_a + Q_b = 1 anywhere, 0 for the zero vector

nxt = b.attention(mask="past", tie="left", query=["s"], new=["next_a"])
nxt.C_a["next_a", "Q_a"] = 1  # score 0 everywhere: the leftmost later position wins

last = b.attention(mask="past", tie="right", query=["s"], new=["last_a"])
last.C_a["last_a", "Q_a"] = 1  # the same score, rightmost: the last position

ffn = b.ffn(hidden=["h"], new=["acc"])
ffn.W_1["h", "prev_a"] = 1
ffn.W_1["h", "Q_b"] = 1
ffn.W_1.set_bias("h", -1)
ffn.W_2["acc", "h"] = 1
model = b.build(readout={"acc": 1})
print(model)

# %% [markdown]
# The model prints as rules over labels, layer by layer. Now the residual stream of one
# word: one row per position, one column per named coordinate (the last layer's space).

# %%
word = "abba"
final = model.residuals(word)[-1]
labels = model.spec.output.labels
print("pos sym " + " ".join(f"{lab:>7}" for lab in labels))
for pos, (sym, values) in enumerate(zip(word, final, strict=True), start=1):
    print(f"{pos:>3}  {sym}  " + " ".join(f"{int(v):>7}" for v in values))

# %% [markdown]
# Reading the table: at position 1 `seen` is 0 (empty future mask, zero vector); at the
# last position `next_a` and `last_a` are 0 (empty past mask). Position 2 (`b`) has
# `next_a = 0` (position 3 is `b`) but `last_a = 1` (position 4 is `a`): the same
# scores, two tie-breaks.
#
# The model against the language's definition on every word up to length 8:

# %%
words = ["".join(w) for n in range(1, 9) for w in itertools.product("ab", repeat=n)]
want = np.array([w.endswith("b") and "a" in w[:-1] for w in words])
got = model.accepts(words)
print(f"{len(words)} words, {int(got.sum())} accepted, all correct: {bool((got == want).all())}")

# %% [markdown]
# The weights of the first layer as labelled heat-maps: `A` and `B` map coordinates to
# the one-dimensional score space `s`; `C_v` copies every coordinate (the residual
# connection) and `C_a` writes the attended values into the new coordinates.

# %%
show(layer_heatmaps(model, 0))

# %% [markdown]
# ## Exercises
#
# Each answer is checked by `check_exercise` against the language's definition on every
# word up to length 8; a wrong model gets the shortest word it decides wrongly. The
# answer must be a UHAT (a DFA or a B-RASP program for the same language is refused).
# Solutions: `notebooks/solutions/nb01.py` — try first.
#
# **01.contains-a.** Build, with `UHATBuilder`, a UHAT over $\{a, b\}$ accepting exactly
# the words that contain an $a$. One attention layer is enough: which mask lets the last
# position see *every* position, itself included, and which score makes an $a$ win over
# a $b$?

# %%
answer = None  # your UHAT: b = UHATBuilder(ab); ...; answer = b.build(readout={...})
print(check_exercise("01.contains-a", answer))

# %% [markdown]
# **01.factor-ab.** Build a UHAT over $\{a, b\}$ accepting exactly the words that contain
# the factor $ab$ (an $a$ immediately followed by a $b$): `aab` and `bab` are in, `ba`
# and `bba` are not. The model above almost does it; note where it differs (try `aba`).
# Hint: a constant score with mask future and tie right attends to the previous
# position; an FFN can mark the positions where an $ab$ ends; one more attention can ask
# whether *some* position is marked.

# %%
answer = None  # your UHAT
print(check_exercise("01.factor-ab", answer))
