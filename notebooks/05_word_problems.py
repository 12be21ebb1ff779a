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
# # 05 — Iterated composition and word problems
#
# Read a word $\sigma_1 \cdots \sigma_N$ as a composition of maps on a finite set $Q$ and
# accept iff $\delta(q_0, \sigma_1\cdots\sigma_N) \in F$: the *word problem* of the
# transformation monoid. Here the RNN is the natural model — it simply carries the
# current state — while a UHAT of the paper's kind (no positional encodings) recognizes
# exactly the star-free languages, i.e. those with an **aperiodic** syntactic monoid.
#
# * `flipflop` (set / reset / keep) is aperiodic: one strict-future attention to the last
#   set-or-reset finds the state;
# * `lasttwo` ("the last two letters are equal") is aperiodic too, but its letters are
#   neither resets nor the identity on its states. Krohn–Rhodes: it is run by a
#   *cascade* of reset semiautomata, here `last` (the last letter) feeding `eq`; each
#   component is one last-reset attention per state, reading the earlier components at
#   the previous position (`succinct.programs.cascade`);
# * `parity` ($\mathbb Z_2$), `s3`, `s5` are groups: **no** UHAT of the paper's kind
#   exists, at any size. A log-depth *scan* (Liu et al. 2023) composes the maps by hard
#   attention, but it needs positional encodings — outside the paper's model, and its
#   positional table grows with the longest word $T$.

# %%
import numpy as np

from constructions.wordproblem import LASTTWO
from succinct import SuccinctError, accepts
from succinct.registry import get_family
from succinct.viz import Curve, sizes_figure

wp = get_family("wordproblem")
for monoid in ("flipflop", "lasttwo", "parity", "s3", "s5"):
    p = {"monoid": monoid, "T": 16}
    dfa = wp.build("dfa", p)
    rnn, rnn2 = wp.build("rnn", p), wp.build("rnn2", p)
    try:
        uhat = f"{wp.build('uhat', p).n_layers} layers"
    except SuccinctError as e:
        uhat = f"none — {str(e)[:70]}…"
    print(f"{monoid:>8}: DFA {dfa.n_states:>3} states, RNN {rnn.units:>4} units, "
          f"second-order RNN {rnn2.units:>3} units, UHAT: {uhat}")

# %% [markdown]
# The `lasttwo` cascade's program: per component and state, the last reset before $i$
# (`last[·]`), and the state at the previous position (`prev[·]`) for the components
# that later ones read.

# %%
print(LASTTWO.program())

# %% [markdown]
# The scan for $S_5$ against the reference, on random words up to length $T = 16$:

# %%
p = {"monoid": "s5", "T": 16}
alphabet = wp.alphabet(wp.resolve(p))
rng = np.random.default_rng(1)
words = [alphabet.to_word(rng.integers(0, len(alphabet), rng.integers(1, 17)))
         for _ in range(300)]
scan, reference = wp.build("scan", p), wp.build("reference", p)
got, want = accepts(scan, words), accepts(reference, words)
print(f"{int(want.sum())} of {len(words)} words accepted; scan agrees: "
      f"{bool((got == want).all())}")
print(str(scan).splitlines()[0])
print(str(scan).splitlines()[1])

# %% [markdown]
# Sizes as the longest word $T$ grows: the scan's depth grows like $\log T$ and its
# positional table like $T$, while the RNNs do not depend on $T$ at all.

# %%
ts = [4, 16, 64, 256]
scan_params = [wp.build("scan", {"monoid": "s5", "T": t}).size_report().params for t in ts]
rnn_params = [wp.build("rnn", {"monoid": "s5", "T": t}).components()["W"].size for t in ts]
layers = [wp.build("scan", {"monoid": "s5", "T": t}).n_layers for t in ts]
print(dict(zip(ts, layers, strict=True)), "scan layers per T")
sizes_figure([("S5 word problem: sizes against T (log scale)", "T", [
    Curve("UHAT params [scan, with positional encodings]", ts, scan_params),
    Curve("RNN params [W only]", ts, rnn_params),
])], columns=1, panel_size=(6.5, 4.5))

# %% [markdown]
# The family's verdict, computed from its size formulas:

# %%
for line in wp.verdict().conclusions():
    print(line)
