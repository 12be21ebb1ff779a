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
# # 03 — Measuring a model
#
# The paper's theorems are about **size**: for instance, some family $L_n$ has UHATs of
# size poly($n$) while every RNN for $L_n$ has size $2^{\Omega(n)}$. Before we can read
# such a claim, or check one, we must say *what is counted*. The paper counts $|R|$, the
# length of a minimal binary encoding of the model $R$, and for an RNN it also counts the
# precision $k$ in unary, so that precision is never free (Bergsträßer, Cotterell & Lin,
# arXiv 2510.19315, §2, and Def 2). `succinct` fixes one encoding
# and a few simpler counts next to it. This lesson teaches:
#
# 1. the **measures** — dense params, non-zeros, bits, $k\cdot D$, DFA states — on one
#    language built as a UHAT, two RNNs and a DFA;
# 2. **Prop 1** and which lower bound covers which measure;
# 3. why a **gap** needs a lower bound against *every* model (opponent `every`), and
#    why a comparison of two constructions (opponent `built`) is never one.
#
# Prerequisites: notebook 01 (what a UHAT is). About 40 minutes.
#
# **The language.** `window` with window length 3: the words over $\{a, b\}$ whose 3rd
# symbol from the end is $a$. (Careful: the family's parameter is called `k` too, the
# window length. It has nothing to do with the precision $k$ of a $k$-bit RNN. In this
# notebook "window $k$" always means the length; every RNN we build runs at 1 bit.)

# %%
import math
from fractions import Fraction

import proofs_check
from constructions.composition import window_formulas
from succinct import Alphabet, RNNBuilder, verify
from succinct.registry import get_family
from succinct.sizes import MEASURES, RNN_PARAMS, D, Sigma, entry_bits
from succinct.sizes import k as K
from succinct.teach import check_exercise
from succinct.verdicts import analyse, dfa_table_bits, every_rnn_params, rnn_bits_bound_value
from succinct.viz import Panel, Series, formula_figure, show

window = get_family("window")
p3 = {"k": 3}
models = {name: window.build(name, p3) for name in ("dfa", "uhat", "rnn", "shift")}
for name, help_text in window.model_help.items():
    if name in models:
        print(f"{name:6} {help_text}")

# %% [markdown]
# Four models of one language. `rnn` is the generic construction from the minimal DFA
# (one unit per (state, symbol) pair, plus one); `shift` is a 3-unit shift register that
# remembers the last three "is it $a$?" bits. Before we measure anything we make sure
# all four accept the same words — all of them, of every length: with `unbounded=True`,
# `succinct.verify` computes each model's exact automaton (for the RNNs by exploring their
# reachable 1-bit states, for the UHAT by its strict-future structure), minimizes it, and
# compares the canonical minimal DFAs (notebook 10 has more on `verify`).

# %%
cert = verify(models, unbounded=True).certificate
print("same language on all words:", cert.equal)

# %% [markdown]
# ## Every size names its measure
#
# `model.size_report()` counts on the built arrays. Each number it reports comes with
# the **name of its measure** (a key of `succinct.sizes.MEASURES`), because the same
# field means different things for different kinds of model: a UHAT's `params` are
# weight entries, a DFA's are transition-table entries.

# %%
for name, model in models.items():
    r = model.size_report()
    sizes = ", ".join(f"{field}={getattr(r, field)} ({measure})"
                      for field, measure in r.measures.items()
                      if field in ("params", "nonzero", "bits", "state_bits", "dfa_states"))
    print(f"{name:6} {r.kind:4}  {sizes}")

# %% [markdown]
# The measures used in comparisons ($\ell(m) = \max(1, \lfloor\log_2 m\rfloor + 1)$, the
# binary length of $m$):
#
# | measure | counts | for |
# |---|---|---|
# | `params` | weight entries, **dense**: a zero entry is paid for | UHAT, RNN |
# | `nonzero` | the non-zero weight entries only | UHAT, RNN |
# | `bits` | entry $p/q$: $1 + \ell(\lvert p\rvert) + \ell(q)$ bits; RNNs add $k$ | UHAT, RNN |
# | `kD` | state bits $k\cdot D$ of a $k$-bit RNN with $D$ units | RNN |
# | `dfa_states` | states $q$ of a complete DFA | DFA |
# | `table_bits` | the table: $q\,\lvert\Sigma\rvert$ entries of $\lceil\log_2 q\rceil$ bits | DFA |
#
# `bits` is our stand-in for the paper's $|R|$. Any encoding polynomially equivalent to
# it gives the same succinctness classes; what matters is that every weight is charged
# by its length, so a model cannot hide information in one huge number. Small integers
# are cheap:

# %%
for x in (0, 1, -1, 2, 3, 4, Fraction(1, 2), Fraction(3, 4), 1000):
    print(f"{str(x):>5} costs {entry_bits(x)} bits")
print()
for key in ("params", "nonzero", "bits", "kD", "dfa_states", "table_bits"):
    print(f"{key:11} {MEASURES[key]}")

# %% [markdown]
# **Which RNNs.** The paper's RNN (§2) has $D$ units of $k$ bits each and an
# **arbitrary** transition function $g$: any map from (state, symbol) to the next state,
# plus an acceptance test $f$ on the last state. Prop 1 below holds for every such $g$.
# The RNNs this library *builds* are Elman-style: $g$ is
# $h_t = \sigma(W h_{t-1} + U x_t + b)$, so it is described by the arrays $W, U, b$, and
# those are what `params` and `bits` count.
#
# **Dense params of an RNN.** An Elman RNN with $D$ units over $\Sigma$ has the arrays
# $W$ ($D\times D$), $U$ ($D\times|\Sigma|$), $b$,
# $h_0$, a readout vector (each $D$) and a readout bias, so
#
# $$\text{params} = D^2 + D\,|\Sigma| + 3D + 1 .$$
#
# For the shift register ($D = 3$, $|\Sigma| = 2$) that is $9 + 6 + 9 + 1 = 25$, of which
# only 4 are non-zero; every entry is 0 or 1 (3 bits each), plus $k = 1$ in unary:
# $3\cdot 25 + 1 = 76$ bits. The counts per array, and the library's formula:

# %%
shift = models["shift"]
r = shift.size_report()
for path, size in r.components.items():
    print(f"{path:12} {size.params:3} entries, {size.nonzero} non-zero, {size.bits} bits")
print("formula", RNN_PARAMS, "=", RNN_PARAMS.subs({D: 3, Sigma: 2}),
      "| counted", r.params, "| bits", r.bits)

# %% [markdown]
# Here is the shift register written out with `RNNBuilder` (1-bit step units,
# $h \mapsto [\,\cdot > 0\,]$): unit `h1` reads "the current symbol is $a$", each further
# unit copies its predecessor, and the word is accepted iff the last unit is on. You will
# need this pattern in an exercise below.

# %%
ab = Alphabet.of("ab")
units = ["h1", "h2", "h3"]
b = RNNBuilder(ab, units, activation="step", bits=1, readout={"h3": 1})
b.U["h1", "a"] = 1
b.W["h2", "h1"] = 1
b.W["h3", "h2"] = 1
by_hand = b.build()
print(verify({"window k=3": models["dfa"], "by hand": by_hand}, max_len=8).disagreements,
      "disagreements;", "kD =", by_hand.size_report().state_bits)

# %% [markdown]
# ## Prop 1: an RNN is a DFA, so minimal DFAs bound $k\cdot D$
#
# **Proposition 1** (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, §2, Prop 1). A
# $k$-bit RNN with $D$ units is represented by a finite automaton with at most
# $2^{kD}$ states.
#
# *Proof sketch.* At $k$ bits of precision every coordinate of the hidden state takes one
# of at most $2^k$ values, so the whole state lies in a set of at most
# $(2^k)^D = 2^{kD}$ vectors. The update $g(h, a)$ maps this set to itself and the
# acceptance test $f(h)$ is a predicate on it; so (that set, $g$, $h_0$, $f$) is a DFA with
# at most $2^{kD}$ states. Nothing about the activation or the architecture is used. ∎
#
# **Consequence (the bound we use).** Let $q$ be the number of states of the language's
# minimal complete DFA. (The library's languages are sets of **non-empty** words, so the
# start state rejects. Where some other state looks like the start but accepts — for
# Dyck, the empty stack after a balanced word — the minimal DFA needs a separate,
# rejecting start state, and `verify` counts it.)
# Every DFA for the language has at least $q$ states
# (Myhill–Nerode: two prefixes with different futures must reach different states), so an
# RNN for it has $2^{kD} \ge q$, and since $kD$ is a whole number,
#
# $$k\cdot D \;\ge\; \lceil \log_2 q \rceil
#   \qquad\text{for every } k\text{-bit RNN of the language.}$$
#
# The claim module `prop1_rnn_automaton` checks Prop 1 on real RNNs (the delay-line RNN
# of $\mathrm{DC}_n$ and the DFA → RNN of $E_N$): the automaton extracted from the RNN by
# breadth-first search over its reachable quantized states, minimized, equals the minimal
# DFA built independently from the language's definition, has the number of states the
# paper's formula predicts, and $\lceil\log_2 q\rceil \le kD$. It raises
# `AssertionError` if any of that fails.

# %%
rows = proofs_check.load("prop1_rnn_automaton").check()
cols = list(rows[0])
print("  ".join(f"{c:>15}" for c in cols))
for row in rows:
    print("  ".join(f"{str(row[c]):>15}" for c in cols))

# %% [markdown]
# For window $k$ the minimal DFA must remember the last $k$ symbols: $q = 2^k$ states, so
# every RNN needs $kD \ge k$. The shift register meets the bound exactly. The certificate
# computed at the start holds each model's automaton: how many states the exploration
# reached, and how many remain after minimization.

# %%
for name, auto in cert.automata.items():
    kd = models[name].size_report().state_bits
    room = "" if kd is None else f"   (kD = {kd}: room for 2^{kd} = {2**kd})"
    print(f"{name:6} reachable states {auto.explored:3}, minimal {auto.minimal.n_states}{room}")

# %% [markdown]
# The shift register uses all $2^3 = 8$ of its states; the DFA → RNN construction has room
# for $2^{17}$ but reaches only 17, which minimize to the same 8.
#
# ## Which lower bound covers which measure
#
# A lower bound holds for every model of a kind **under one measure**. With $q$ the
# minimal DFA's states and $L = \lceil\log_2 q\rceil$ (see `docs/measures.md` for the
# derivations):
#
# | every … | measure | bound | from |
# |---|---|---|---|
# | DFA | `dfa_states` | $\ge q$ | Myhill–Nerode |
# | DFA | `table_bits` | $\ge q\,\lvert\Sigma\rvert\,\lceil\log_2 q\rceil$ | grows with $q$ |
# | $k$-bit RNN | `kD` | $\ge L$ | Prop 1 |
# | $k$-bit RNN | `bits` | $\ge B(L) = \min_{D\ge1}(3D^2 + \lceil L/D\rceil)$ | Prop 1 (\*) |
# | RNN | `params` | $\ge \lvert\Sigma\rvert + 5$ only | the params of one unit: **no growth** |
#
# (\*) For the Elman RNNs we build: a $D$-unit RNN has a $D\times D$ matrix of entries of
# $\ge 3$ bits each and pays $k$ in unary, and Prop 1 forces $k \ge \lceil L/D\rceil$.
#
# The last row is the trap. In the paper's model $g$ is arbitrary, so **one** unit of $k$
# bits whose $g$ is a lookup table runs any DFA with at most $2^k$ states: counting
# weight entries says nothing about such an RNN, and no params bound against every RNN
# can grow. A size that means something must charge $k$ and the description of $g$ in
# bits (for a table: $2^k\,\lvert\Sigma\rvert$ entries of $k$ bits). That is why the paper
# charges $k$ and counts bits. (A one-unit *Elman* RNN cannot run every DFA; we simply
# claim no params bound beyond $\lvert\Sigma\rvert + 5$, the params of one unit.)
# For window 3 ($q = 8$, $L = 3$):

# %%
q = models["dfa"].n_states
ell = (q - 1).bit_length()
bounds = {"every DFA, dfa_states": q, "every DFA, table_bits": dfa_table_bits(q, 2),
          "every RNN, kD": ell, "every RNN, bits": rnn_bits_bound_value(ell),
          "every RNN, params": every_rnn_params(2)}
for what, value in bounds.items():
    print(f"{what:24} ≥ {value}")
print(f"\nbuilt shift register: kD = {r.state_bits}, bits = {r.bits}, params = {r.params}")

# %% [markdown]
# ## A gap needs a lower bound against *every* model
#
# The paper's Def 2: a class $\mathcal C_1$ is $f$-more succinct than $\mathcal C_2$
# if some family $L_n$ has models $R_n \in \mathcal C_1$ such that **every** model of
# $L_n$ in $\mathcal C_2$ has size $\ge f(|R_n|)$. So a gap compares one built model with a
# bound that holds for every competitor. Beating *one* competitor we happened to build
# proves nothing: a better competitor may exist.
#
# `succinct.verdicts` encodes exactly this. A `Verdict` is a list of `Comparison` rows;
# each names its measure and its **opponent**: `built` (another construction of ours) or
# `every` (a lower bound valid for every model of that kind). `analyse(row)` decides which
# side is asymptotically smaller and how fast the ratio grows; `crossover` is the exact
# least value from which the smaller side stays smaller (up to the horizon). The command
# line gives the same table: `succinct verdict window`.

# %%
verdict = window.verdict()
for c in verdict.comparisons:
    a = analyse(c)
    print(f"{c.left:5} vs {c.right:10} opponent={c.opponent:5} measure={c.measure:6} "
          f"smaller={a.smaller:10} {a.growth:12} {a.detail:14} crossover={c.crossover}")
print()
for sentence in verdict.conclusions():
    print("•", sentence)

# %% [markdown]
# Read the rows:
#
# * **UHAT vs built RNN** (`built`, params): the UHAT is smaller by a factor growing like
#   $4^k$. It *looks* like an exponential gap — but the RNN is the generic DFA → RNN
#   construction, a bad RNN for this language.
# * **UHAT vs shift RNN** (`built`): the shift register has $k^2 + 5k + 1$ params, the
#   UHAT $70k - 84$ for $k \ge 2$ (6 at $k = 1$, where the UHAT has no layers); the UHAT
#   is smaller only from $k = 64$, by a linear factor.
# * **UHAT vs every RNN** (`every`, bits): the bound $B(k) \approx 2.7\,k^{2/3}$ is far
#   *below* the UHAT. No gap against every RNN can be claimed for `window`. And the
#   shift register, with $O(k^2)$ params, shows that no exponential gap exists at all: the
#   UHAT overtakes it only from $k = 64$, and by a linear factor.
# * **UHAT vs every DFA** (`every`, bits): every DFA needs $2^k$ states, i.e.
#   $2^k\cdot 2\cdot k$ table bits; the UHAT's $210k - 252$ bits ($k \ge 2$) are below that from
#   $k = 7$ on. This row is a real (exponential) gap.
#
# The paper's RNN separation (Cor 18) needs a language whose minimal DFA is *doubly*
# exponential, so that Prop 1 forces $kD \ge 2^n$; this project's explicit instance is
# $\mathrm{DC}_n$ (notebook 06).
# Notebook 04 shows a language, $E_N$, whose DFA is exponential but whose RNN bound is
# again too small.
#
# The plot puts the sizes on $\log_2$ scales: solid lines are built models (formulas
# the tests check against the counts), dashed lines lower bounds for every model, circles
# sizes counted on the models built here.

# %%
ks = range(1, 17)
rows_by = {(c.right, c.opponent, c.measure): c for c in verdict.comparisons}
uhat_dfa = rows_by["DFA", "every", "bits"]
uhat_rnn = rows_by["RNN", "every", "bits"]
kd_row = rows_by["RNN", "every", "kD"]
log2 = math.log2

shift_bits = window_formulas()["shift"]["bits"]  # 3k² + 15k + 4, checked by the tests
counted = {k: {name: window.build(name, {"k": k}).size_report() for name in ("uhat", "shift")}
           for k in (2, 3, 4)}
bits_panel = Panel(
    "window k: bits", "window length k", "log2 bits", [
        Series("UHAT (built)", "UHAT", [(k, log2(uhat_dfa.values(k)[0])) for k in ks]),
        Series("every DFA: table bits", "DFA", [(k, log2(uhat_dfa.values(k)[1])) for k in ks],
               dashed=True),
        Series("every k-bit RNN: B(L)", "RNN", [(k, log2(uhat_rnn.values(k)[1])) for k in ks],
               dashed=True),
        Series("UHAT counted", "UHAT", [(k, log2(c["uhat"].bits)) for k, c in counted.items()],
               line=False),
        Series("shift RNN (built)", "RNN",
               [(k, log2(int(shift_bits.subs(K, k)))) for k in ks]),
        Series("shift RNN counted", "RNN",
               [(k, log2(c["shift"].bits)) for k, c in counted.items()], line=False),
    ], markers=[(uhat_dfa.crossover, f"UHAT < every DFA from k = {uhat_dfa.crossover}")])
kd_panel = Panel(
    "window k: state bits kD", "window length k", "log2 kD", [
        Series("DFA → RNN (built)", "RNN", [(k, log2(kd_row.values(k)[0])) for k in ks]),
        Series("every k-bit RNN: kD ≥ ⌈log2 q⌉ (Prop 1)", "RNN",
               [(k, log2(kd_row.values(k)[1])) for k in ks], dashed=True),
        Series("shift RNN counted (kD = k)", "RNN",
               [(k, log2(c["shift"].state_bits)) for k, c in counted.items()], line=False),
    ])
show(formula_figure([bits_panel, kd_panel], columns=2))

# %% [markdown]
# ## Exercises
#
# Each exercise is checked by `check_exercise(name, answer)`; an answer of `None` prints
# "no answer yet". Solutions: `notebooks/solutions/nb03.py`.
#
# **03.prop1-bound.** Dyck-(2, 3) is the language of non-empty balanced words over two
# kinds of brackets, `(` `)` and `[` `]`, nested at most 3 deep. What is the least
# $k\cdot D$ that Prop 1 allows for a $k$-bit RNN recognizing it? Count the states of its
# minimal complete DFA by reasoning — what must be remembered after a prefix? Do not
# forget the dead state, and that the start must reject (the empty word is no member)
# while the empty stack after a balanced word accepts. Or let
# `verify` count them: build the family's `"reference"` and `"dfa"` models with
# `{"k": 2, "D": 3}`, pass both with `unbounded=True` and read
# `certificate.automata[name].minimal.n_states` (the `dfa` model on its own accepts the
# empty word and lacks that start state). Then apply the bound. (Notebook 07 counts the same
# DFA.)

# %%
answer = None  # a whole number
print(check_exercise("03.prop1-bound", answer))

# %% [markdown]
# **03.shift-params.** Predict the dense params of the window-$k$ shift register as a
# formula in `k` (a string such as `"2*k + 1"`). It is checked against the params counted
# on `get_family("window").build("shift", {"k": k})` for several $k$.

# %%
answer = None  # e.g. "2*k + 1"
print(check_exercise("03.shift-params", answer))

# %% [markdown]
# **03.ends-aa.** Build, with `RNNBuilder`, a 1-bit step RNN with **2 units** for the words
# over $\{a, b\}$ that end in $aa$. Prop 1 says 2 units at 1 bit are enough only if the
# minimal DFA has at most 4 states — check that it does. (Hint: one unit for "the last
# symbol is $a$", one for "the last two are $aa$"; a unit's bias is set with
# `b.W.set_bias(unit, value)`.) It is checked on every word up to length 8.

# %%
answer = None  # an RNN
print(check_exercise("03.ends-aa", answer))
