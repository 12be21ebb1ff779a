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
# # 04 — The counter $E_N$ (Example 2): an exponential DFA, and no gap against RNNs
#
# Example 2 of the paper (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, Example 2) is a
# 4-bit binary counter written out as a word, with a tile after each number:
#
# $$0000\,x_1\#\;0001\,x_2\#\;0010\,x_3\#\;\cdots\;1111\,x_{16}\#,
#   \qquad (x_k, x_{k+1}) \in H .$$
#
# It shows the two tricks that the paper's hardness proofs and its separations are made
# of: a B-RASP attention that checks **"this number is the previous one plus 1"**, and
# one that checks **neighbouring tiles**. The family `counter` generalises it to $N$
# bits, $E_N$. This lesson:
#
# 1. the word format, and the B-RASP program, line by line, traced on a word;
# 2. the UHAT it compiles to (Lemma 9, notebook 02), verified against the definition;
# 3. the sizes: the minimal DFA is exponential in $N$, the UHAT polynomial — a real gap
#    against every DFA;
# 4. and, honestly, **no gap against RNNs**: Prop 1 asks every RNN for only about
#    $N + \log_2 N$ state bits. That is why the paper's RNN and LTL separations need a
#    *doubly* exponential counter ($\mathrm{DC}_n$, notebook 06).
#
# Prerequisites: notebooks 01–03 (UHATs, B-RASP, the measures and Prop 1). About 40
# minutes.

# %%
import math

import proofs_check
from constructions.counter import COUNTER_ALPHABET, H
from succinct import verify
from succinct.registry import get_family
from succinct.teach import check_exercise
from succinct.verdicts import analyse, rnn_bits_bound_value
from succinct.viz import Panel, Series, formula_figure, show

counter = get_family("counter")
print(counter.description)
print("alphabet:", COUNTER_ALPHABET.symbols, "  H =", H)

# %% [markdown]
# ## The words
#
# Over $\Sigma = \{0, 1, \#, a, b, c\}$, with the horizontal constraint
# $H = \{(a,b), (b,a), (b,c), (c,b)\}$:
#
# $$E_N = \{\, \mathrm{bin}_N(0)\,x_1\#\ \mathrm{bin}_N(1)\,x_2\#\ \cdots\
#   \mathrm{bin}_N(2^N - 1)\,x_{2^N}\# \;:\; x_k \in \{a, b, c\},\
#   (x_k, x_{k+1}) \in H \,\}$$
#
# with $\mathrm{bin}_N$ written most significant bit first. Every word has $2^N$ cells of
# $N + 2$ symbols: length $(N + 2)\cdot 2^N$. In $H$ every pair has one $b$, so the tiles
# alternate between $b$ and $\{a, c\}$. Here are the members for $N = 2$:

# %%
N = 2
p = {"N": N}
members = list(counter.members(p))
for w in members:
    print(w)
print(f"{len(members)} words of length {len(members[0])} = (N + 2)·2^N")

# %% [markdown]
# **Exercise 04.members.** How many words does $E_N$ have? Give a formula in `N`. It is
# checked against a brute-force count: every tile sequence in $\{a, b, c\}^{2^N}$ is put
# into the word and judged by the definition (`counter.build("reference", …)`), for
# $N = 1, 2, 3$, and at $N = 4$ ($3^{16}$ sequences, too many to try) by counting the
# words of length $6\cdot 2^4$ that $E_4$'s DFA accepts, state by state. Solutions:
# `notebooks/solutions/nb04.py`.

# %%
answer = None  # e.g. "2**N"
print(check_exercise("04.members", answer))

# %% [markdown]
# ## The program
#
# The B-RASP program of `constructions/counter.py` (for $N = 2$; every attention op is
# $\blacktriangleright_j[j < i, \dots]$: the rightmost earlier position $j$ satisfying the
# score, with the value after the bracket, or the default after the colon if there is
# none):

# %%
program = counter.build("brasp", p)
print(program)

# %% [markdown]
# Line by line:
#
# * **Gadget A** (`A_T`, `A_bit_k`, `A_hash_k`, `A_enc`, `A`) checks the *shape*
#   $(\{0,1\}^N\,T\,\#)^+$: every tile is preceded by $N$ bits and a `#` (or the start),
#   every `#` by a tile.
# * **`B_k`** $:= \blacktriangleright_j[j<i,\ Q_0(j) \vee Q_1(j)]\ B_{k-1}(j) : 0$ (with
#   $B_1$ reading $Q_1(j)$): the $k$-th most recent bit before $i$. At a `#` of the
#   address $\mathrm{bin}_N(c)$, $B_1 \dots B_N$ are its bits, least significant first.
# * **`B_inc`**, the paper's increment check $C_{+1}$, generalised to $N$ bits. At a `#`
#   position $i$ it attends to the previous `#`, $j$, and asks "is the address at $i$ the
#   address at $j$ plus 1?":
#
#   $$C_{+1}(i) := \blacktriangleright_j[j<i,\ Q_\#(j)]\ \bigvee_{k=1}^{N}\Big(
#     \bigwedge_{r<k} \big(\neg B_r(i) \wedge B_r(j)\big) \wedge B_k(i) \wedge \neg B_k(j)
#     \wedge \bigwedge_{r>k} \big(B_r(i) \leftrightarrow B_r(j)\big)\Big) : \mathrm{First}(i)$$
#
#   Adding 1 in binary turns the trailing ones $1\dots1$ (bits $r < k$) into zeros, the
#   lowest 0 (bit $k$) into a 1, and leaves the higher bits alone: the disjunct for $k$ is
#   exactly that. With no earlier `#` (the first cell) the default demands address
#   $0\dots0$ (`First`). The paper leaves the boundary checks (start at $0\dots0$, end at
#   $1\dots1$) out of Example 2; here the first is this default and the second is `Last`
#   in `Y`.
# * **`B`** $:= \blacktriangleright_j[j<i,\ Q_\#(j) \wedge \neg C_{+1}(j)]\ 0 : C_{+1}(i)$:
#   "no earlier `#` failed, and this one passes" — a *for all* over positions, made from
#   one attention that looks for a counterexample.
# * **`M_left`**, the paper's adjacency check $M_\leftarrow$: at a tile $i$, attend to
#   the previous tile $j$ and check the pair:
#
#   $$M_\leftarrow(i) := \blacktriangleright_j[j<i,\ Q_a(j) \vee Q_b(j) \vee Q_c(j)]\
#     \bigvee_{(h, h') \in H} Q_h(j) \wedge Q_{h'}(i) : 1$$
#
#   (default 1: the first tile has no left neighbour); **`M`** aggregates it like `B`.
# * **`Y`** $= A \wedge B \wedge M \wedge Q_\# \wedge \mathrm{Last}$, read at the last
#   position.
#
# `program.trace(word)` gives every predicate at every position. On a member, and on two
# broken words — one with the address 10 replaced by 11 (the counter jumps), one with
# the tiles $a\,a$ side by side:

# %%
good = members[0]
jump = good[:8] + "11" + good[10:]
tiles = good[:2] + "a" + good[3:6] + "a" + good[7:]
shown = ("B_1", "B_2", "First", "B_inc", "B", "M_left", "M", "Y")
for name, word in (("member", good), ("jump", jump), ("adjacent a a", tiles)):
    trace = program.trace(word)
    print(f"{name}: accepted = {bool(program.accepts([word])[0])}")
    print(f"  {'position':8} " + " ".join(word))
    for pred in shown:
        print(f"  {pred:8} " + " ".join("1" if v else "·" for v in trace[pred]))
    print()

# %% [markdown]
# Read `B_inc` and `B` in the `#` columns (elsewhere they are computed but never used)
# and `M_left` in the tile columns. In "jump" the third `#` fails ($11 \ne 01 + 1$) and
# so does the fourth ($11 \ne 11 + 1$); `B` drops to 0 at the first failure and stays
# there. In "adjacent a a" `M_left` fails at the second tile, and `M` with it.
#
# **Exercise 04.adjacent.** Write, with `ProgramBuilder`, a B-RASP program over
# $\{a, b, c\}$ that accepts exactly the words whose neighbouring letters are all pairs in
# $H$ — `M_left` and its aggregate `M`, nothing else. (`p = ProgramBuilder(alphabet)`;
# `p.Q("a")` is $Q_a$; `p.attend(name, mask="future", tie="right", score=…, value=…,
# default=…)`; `x.j` reads a predicate at $j$; `&`, `|`, `~` combine; `p.build(out)`.
# See how `constructions/counter.py` builds `M_left` and `M`.) It is checked on every
# word up to length 7.

# %%
answer = None  # a B-RASP Program (or a UHAT)
print(check_exercise("04.adjacent", answer))

# %% [markdown]
# ## The UHAT, verified
#
# Lemma 9 compiles the program into a UHAT (notebook 02 does this by hand). Every size
# below names its measure:

# %%
uhat = counter.build("uhat", p)
reference = counter.build("reference", p)
dfa = counter.build("dfa", p)
r = uhat.size_report()
print(f"UHAT for E_{N}: {r.layers} layers, width {r.width}, {r.params:,} params (dense), "
      f"{r.nonzero:,} non-zero, {r.bits:,} bits")
print(f"minimal DFA: {dfa.n_states} states, {dfa.size_report().bits:,} table bits")
print("UHAT on the three words:", uhat.accepts([good, jump, tiles]),
      " reference:", reference.accepts([good, jump, tiles]))

# %% [markdown]
# At $N = 2$ the UHAT is far *bigger* than the DFA (compare the bits above): the UHAT
# grows polynomially, the DFA exponentially, and the DFA only falls behind from $N = 7$
# (the verdict below). Before comparing sizes we check the UHAT, in two steps
# with `succinct.verify`:
#
# * the definition against the minimal DFA, on all 8 members and on 1 000 words that are
#   mutations of members (substitutions, deletions, insertions, …; uniform random words
#   would almost never be members);
# * the UHAT against the minimal DFA **on all words**: `unbounded=True` extracts the
#   UHAT's exact automaton (it uses strict-future attention only), minimizes it and
#   compares the canonical DFAs. Equal minimal DFAs are a certificate.
#
# (The UHAT can also be compared with the definition directly on sampled words,
# `verify({"definition": reference, "uhat": uhat}, members=members, samples=…)`, but
# compiling the deep UHAT for batched evaluation takes longer than this lesson's time
# budget; and the certificate covers all words, not a sample.)

# %%
sampled = verify({"definition": reference, "dfa": dfa}, members=members, samples=1000,
                 seed=0)
print(f"definition vs DFA: {sampled.checked} words, {sampled.disagreements} disagreements, "
      f"{sampled.accepted} accepted by both")
cert = verify({"dfa": dfa, "uhat": uhat}, unbounded=True).certificate
print(f"UHAT vs DFA on all words: equal = {cert.equal}, minimal DFA of the UHAT: "
      f"{cert.automata['uhat'].minimal.n_states} states")

# %% [markdown]
# ## How big is the minimal DFA?
#
# **Exercise 04.dfa-states.** Predict the number of states of the minimal complete DFA of
# $E_N$ as a formula in `N`. It is checked against the DFA built from the definition and
# minimized, for $N = 1 \dots 5$. (Hint — Myhill–Nerode: after a prefix, what must the
# automaton remember? How many symbols were read, and does it matter whether the last
# tile was $b$ or one of $a, c$? When does it stop mattering? Don't forget the dead
# state.) Try it before reading on.

# %%
answer = None  # e.g. "2**N + 1"
print(check_exercise("04.dfa-states", answer))

# %% [markdown]
# **Facts about $E_N$** (for $N \ge 1$; Example 2 is $N = 4$. These counts are ours, not
# stated in the paper.)
#
# 1. Every word has length $(N + 2)\cdot 2^N$, and $|E_N| = 2^{2^{N-1} + 1}$.
# 2. The minimal complete DFA of $E_N$ has $2^{N+1}(N + 2) - N$ states.
#
# *Proof sketch.* (1) The addresses are fixed; only the tiles vary. Every pair in $H$
# contains exactly one $b$, so $b$ sits either at all odd or at all even cells, and each
# of the other $2^{N-1}$ cells holds $a$ or $c$ freely: $2 \cdot 2^{2^{N-1}}$ words.
# (2) Two prefixes are equivalent iff they have the same futures. A live prefix of a
# member is determined by its length $t$ ($0 \le t \le (N+2)2^N$) and, once a tile has
# been read, by whether the last tile was $b$ or in $\{a, c\}$ ($a$ and $c$ have the same
# futures). That gives $N + 1$ classes before the first tile, $2$ classes for each
# $t \ge N + 1$, and one dead class: $(N+1) + 2\big((N+2)2^N - N\big) + 1$. Two merges
# remain: after the last tile the future is just `#` (or nothing), whatever the tile was,
# so $t = (N+2)2^N - 1$ and $t = (N+2)2^N$ have one class each. Total
# $2^{N+1}(N + 2) - N$. ∎
#
# The claim module `en_dfa_formula` checks both facts for $N = 1 \dots 5$: the minimized
# DFA's states against the formula, and $|E_N|$ by counting the DFA's accepted words by
# dynamic programming (and, for $N \le 4$, by listing the members). It raises
# `AssertionError` if anything differs.

# %%
rows = proofs_check.load("en_dfa_formula").check()
cols = list(rows[0])
print("  ".join(f"{c:>15}" for c in cols))
for row in rows:
    print("  ".join(f"{str(row[c]):>15}" for c in cols))

# %% [markdown]
# ## No gap against RNNs
#
# So every DFA for $E_N$ has $q = 2^{N+1}(N+2) - N$ states — exponential in $N$ — while
# the UHAT is polynomial. Against **every DFA** that is a gap, measured in bits (the
# minimal DFA's transition table against the UHAT's encoding; the verdict below gives
# the crossover). Against RNNs it is not:
# Prop 1 (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, §2, Prop 1; notebook 03)
# turns $q$ states into only
#
# $$k\cdot D \;\ge\; \lceil\log_2 q\rceil \;=\; N + 1 + \lceil\log_2(N+2)\rceil
#   \quad\text{state bits,}$$
#
# because $\log_2 q$ of an exponential $q$ is linear. An RNN needs to remember little:
# the position within the cell, the previous address and the last tile. In bits
# (`docs/measures.md`) the bound for every $k$-bit RNN is $B(L) \approx 2.7\,L^{2/3}$,
# which grows like $N^{2/3}$, while our UHAT has $\Theta(N^3)$ bits. A poly($N$) UHAT can
# never be *below* a bound that small by a growing factor, so no separation can be shown
# with this family. (Do small RNNs for $E_N$ exist? We do not build one here; the
# increment checker inside $\mathrm{DC}_n$'s delay-line RNN, notebook 06, does this job
# with $O(n)$ 1-bit units. The family's `rnn` model is the generic DFA → RNN
# construction, with $6q + 1$ units: a *built* model, not a bound.)

# %%
f_rows = []
for n in range(1, 7):
    q = 2 ** (n + 1) * (n + 2) - n
    ell = (q - 1).bit_length()
    f_rows.append((n, q, ell, n + 1 + math.ceil(math.log2(n + 2)), rnn_bits_bound_value(ell)))
print(f"{'N':>2} {'minimal DFA q':>14} {'⌈log2 q⌉':>9} {'N+1+⌈log2(N+2)⌉':>16} "
      f"{'every RNN: bits ≥':>18}")
for row in f_rows:
    print(f"{row[0]:>2} {row[1]:>14} {row[2]:>9} {row[3]:>16} {row[4]:>18}")

# %% [markdown]
# The verdict of the family (`succinct verdict counter` on the command line) makes the
# same comparisons from the size formulas, each with its measure and opponent:

# %%
verdict = counter.verdict()
for c in verdict.comparisons:
    a = analyse(c)
    print(f"{c.left:4} vs {c.right:4} opponent={c.opponent:5} measure={c.measure:4} "
          f"smaller={a.smaller:4} {a.growth:11} {a.detail:13} crossover={c.crossover}")
print()
for sentence in verdict.conclusions():
    print("•", sentence)

# %% [markdown]
# * **UHAT vs every DFA** (bits): a gap — the UHAT is below every DFA from $N = 7$ on,
#   by a factor growing like $2^N$.
# * **UHAT vs every RNN** (bits): the bound stays below the UHAT: **no gap**.
# * **UHAT vs built RNN** (bits): the UHAT is smaller than the DFA → RNN construction by
#   a factor $\sim 4^N$ — a comparison of two constructions, which proves nothing about
#   RNNs in general.
#
# The plot ($\log_2$ of bits against $N$; dashed: bounds for every model, solid: built
# models, circles: counted on the UHATs built for $N = 1, 2, 3$):

# %%
ns = range(1, 17)
by = {(c.right, c.opponent, c.measure): c for c in verdict.comparisons}
every_dfa, every_rnn, built_rnn = (by["DFA", "every", "bits"], by["RNN", "every", "bits"],
                                   by["RNN", "built", "bits"])
counted = [(n, counter.build("uhat", {"N": n}).size_report().bits) for n in (1, 2, 3)]
panel = Panel(
    "E_N: bits against N", "N", "log2 bits", [
        Series("UHAT (built)", "UHAT", [(n, math.log2(every_dfa.values(n)[0])) for n in ns]),
        Series("UHAT counted", "UHAT", [(n, math.log2(b)) for n, b in counted], line=False),
        Series("DFA → RNN (built)", "RNN", [(n, math.log2(built_rnn.values(n)[1])) for n in ns]),
        Series("every DFA: table bits", "DFA",
               [(n, math.log2(every_dfa.values(n)[1])) for n in ns], dashed=True),
        Series("every k-bit RNN: B(L)", "RNN",
               [(n, math.log2(every_rnn.values(n)[1])) for n in ns], dashed=True),
    ], markers=[(every_dfa.crossover, f"UHAT < every DFA from N = {every_dfa.crossover}")])
show(formula_figure([panel], columns=1, panel_size=(7.0, 4.6)))

# %% [markdown]
# **Exercise 04.prop1-bound.** What is the least $k\cdot D$ that Prop 1 allows for a
# $k$-bit RNN recognizing $E_6$? (It is checked against $\lceil\log_2 q\rceil$ for the
# states $q$ of the minimized DFA of $E_6$.)

# %%
answer = None  # a whole number
print(check_exercise("04.prop1-bound", answer))

# %% [markdown]
# ## Why the paper needs a doubly exponential counter
#
# Both lower-bound tools of the paper go through automata and lose one exponential:
#
# * **RNNs** (Prop 1, used for Cor 18): $q$ states force only $kD \ge \log_2 q$. To
#   force $kD \ge 2^n$, the minimal DFA must have $2^{2^n}$ states — *doubly*
#   exponential.
# * **LTL** (Thm 15): a formula of size $s$ becomes an automaton with $2^{O(s)}$ states,
#   and a non-empty language of such an automaton has a word of length below that; so a
#   language whose shortest word has length $\ell$ needs $s = \Omega(\log \ell)$. $E_N$'s
#   words have length $(N+2)2^N$, so $\log \ell \approx N$: again only linear.
#
# So the paper's witnesses (Thm 15, reused for Thm 17 and Cor 18) are languages whose
# shortest word has length at least $2^{2^n}$: tilings that encode a counter with $2^n$
# bits, recognized by a poly($n$) UHAT through Lemmas 8 and 9. The paper does not spell
# that tiling out; this project's explicit instance of the same mechanism is
# $\mathrm{DC}_n$: $2^{2^n}$ rows of Example 2's counter, each row checked against the
# row above by attention (the rows count $0, 1, \dots, 2^{2^n} - 1$ in binary, with $2^n$
# bits each). Its single word has length $(n + 2)\,2^n\,2^{2^n}$, so every RNN needs
# $kD \ge 2^n$ and every LTL formula size $2^{\Omega(n)}$, while the UHAT stays
# poly($n$). Notebook 06 shows its program line by line, with the honest crossover.
