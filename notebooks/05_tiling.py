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
# # 05 — Tiling: the machine inside Lemma 8
#
# The paper's hardness results and its succinctness witnesses rest on one construction:
# a B-RASP program that checks whether a word encodes a correct **tiling** of a grid
# with $2^N$ columns. This lesson builds that program for a small instance and runs it
# gadget by gadget, so that you can see each predicate's value at each position of the
# word. You will also meet a misprint in the paper (Gadget B's default) and see the
# program fail when it is copied literally.
#
# *Prerequisites:* notebook 02 (B-RASP ops $\blacktriangleright_j[j<i, S]\,V : D$, and
# Lemma 9's compiler). *Time:* about an hour.

# %% [markdown]
# ## The $2^N$-tiling problem
#
# **Problem 6** (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, Problem 6). A *tile* is a
# quadruple $t = \langle \mathrm{left}, \mathrm{up}, \mathrm{right}, \mathrm{down}
# \rangle$ of colours in $\mathbb N_0$. An instance is $(N, T, t_{fin})$, with $N$
# written in unary. A tiling of height $M \ge 1$ is a map $\tau : [2^N] \times [M] \to T$
# (column $i$, row $j$, rows counted from the bottom) such that
#
# 1. $\tau(2^N, M) = t_{fin}$ (the top-right tile is the final tile);
# 2. $\mathrm{down}(\tau(i, 1)) = \mathrm{up}(\tau(i, M)) = 0$ for every column $i$;
# 3. $\mathrm{left}(\tau(1, j)) = \mathrm{right}(\tau(2^N, j)) = 0$ for every row $j$;
# 4. $\mathrm{right}(\tau(i, j)) = \mathrm{left}(\tau(i+1, j))$ (neighbours in a row match);
# 5. $\mathrm{up}(\tau(i, j)) = \mathrm{down}(\tau(i, j+1))$ (neighbours in a column match).
#
# The question is whether a tiling exists, for some height $M$. The width $2^N$ is
# exponential in the size of the instance; that is what makes the problem
# EXPSPACE-complete (the paper's Prop 7). Our instance has $N = 1$ (two columns) and
# five tiles.

# %%
import dataclasses
import random

import proofs_check
from constructions import tiling
from succinct import compile_program, count_sizes, verify
from succinct.teach import check_exercise
from succinct.viz import PngFigure, heatmap, show

inst = tiling.load_instance("solvable")
print(inst)
result = tiling.solve(inst)
print(f"{result.status}; smallest tiling, rows from the top down:")
for row in reversed(result.rows):
    print("   ", " ".join(str(inst.tile(t)) for t in row))

# %% [markdown]
# Read it from the bottom: the row $ab$ has downs $0, 0$ (rule 2) and its two tiles
# meet with colour 1 (rule 4); above it $cd$ has downs $1, 2$, equal to the ups of $ab$
# (rule 5), ups $0, 0$ (rule 2), and $d$ is the final tile (rule 1).
#
# ## The encoding
#
# A cell becomes $\mathrm{bin}_N(i-1)\,\tau(i,j)\,\#$: its column's address in $N$ bits
# (most significant first), its tile, and a separator. The word lists the cells row by
# row from the bottom, each row from left to right, so it has $(N+2)\cdot 2^N \cdot M$
# symbols over $\Sigma = \{0, 1, \#\} \cup T$.

# %%
word = tiling.encode_tiling(inst, result.rows)
print(word, f"({len(word)} symbols)")
print("cells:", [word[k:k + inst.N + 2] for k in range(0, len(word), inst.N + 2)])

# %% [markdown]
# ## Lemma 8
#
# **Lemma 8** (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, Lemma 8). From an
# instance $(N, T, t_{fin})$ one can build, in time polynomial in $N + |T|$, a B-RASP
# program $P$ whose attention ops are all strict-future ($j < i$) with the rightmost
# tie-break, whose scores have Lemma 9's special form, and whose language is exactly the
# set of encodings of tilings. So $L(P) \ne \emptyset$ iff the instance is solvable.
#
# *Proof sketch.* The program checks the five rules with gadgets that each use $O(N)$
# ops of size polynomial in $N$ and $|T|$:
# **A** checks the shape $(\{0,1\}^N\,T\,\#)^*$ by looking back a fixed number of
# positions; **B** reads each cell's address from the last $N$ bits and checks that the
# addresses count $0, 1, \dots, 2^N - 1, 0, \dots$, so every row has exactly $2^N$ cells;
# **C** checks the final tile; **D** the borders (rules 2 and 3); **E** the matching
# edges (rules 4 and 5). Only rule 5 links far-apart cells: the cell below is $2^N$ cells back,
# too far to count. The trick is that it is the **latest earlier cell with the same
# address**, and "same address" is a conjunction $\bigwedge_k B_k(i) \leftrightarrow
# B_k(j)$ that a special-form score can test. Each op needs $O(N)$ symbols except the
# address increment $B_{inc}$, which has $O(N^2)$; so $|P| = \mathrm{poly}(N, |T|)$,
# whereas the grid it checks is $2^N$ wide. The word is accepted iff
# $Y = A \wedge B \wedge C \wedge D \wedge E$ holds at its last position.
#
# Combined with Prop 7 (the problem is EXPSPACE-complete) this gives Prop 5: deciding
# whether a B-RASP program accepts some word is EXPSPACE-hard, and with Lemma 9 (below)
# the same for UHATs (Prop 10).
#
# Here is the program for our instance. `program.trace(word)` returns every predicate's
# value at every position; `table` prints some of them (1 = true, · = false). Gadget A
# is read at every position and the address bits $B_k$ at the bits, but from $B_{inc}$
# on, the gadgets' predicates matter only at the $\#$ positions (the later scores
# contain $Q_\#(j)$), and $Y$ only at the last position: the values in between are
# computed but never read.

# %%
program = tiling.brasp_program(inst)
n_symbols = len(inst.alphabet)
print(f"{len(program.ops)} predicates: {n_symbols} inputs Q_a, "
      f"{len(program.attention_ops)} attention ops, "
      f"{len(program.ops) - n_symbols - len(program.attention_ops)} position-wise ops")
print("accepts the tiling's word:", bool(program.accepts([word])[0]))


def table(w: str, prefix: str | tuple[str, ...], prog=program) -> None:
    """The values along ``w`` of the predicates whose names start with ``prefix``."""
    values = prog.trace(w)
    names = [op.name for op in prog.ops if op.name.startswith(prefix)]
    pad = max(map(len, names)) + 1
    print(" " * pad + " ".join(w))
    for name in names:
        print(name.ljust(pad) + " ".join("1" if v else "·" for v in values[name]))


def ops(prefix: str | tuple[str, ...], prog=program) -> None:
    """The ops whose names start with ``prefix``, as the paper writes them."""
    for op in prog.ops:
        if op.name.startswith(prefix) and not op.name.startswith("Q_"):
            print(op if hasattr(op, "score") else f"{op.name}(i) := {op.expr}")


# %% [markdown]
# ## Gadget A: the shape
#
# With the score $1$ ("every $j$"), a strict-future, rightmost op reads the position
# $i - 1$. So $A_T$ says "the previous symbol is a tile", $A_{bit,1}$ "the previous
# symbol is a bit", and the chains $A_{bit,k}$, $A_{\#,k}$ look $k$ symbols back
# ($A_{\#,k}$ defaults to 1: before the word counts as a separator). $A_{enc}$ states
# the local shape at $i$: a $\#$ follows a tile, and a tile follows $N$ bits that follow
# a $\#$ (or the start). Finally
# $A(i) := \blacktriangleright_j[j<i, \neg A_{enc}(j)]\ 0 : A_{enc}(i)$ is the
# **"for all $j \le i$" aggregator**: it finds the latest earlier position where
# $A_{enc}$ failed (then the value is 0); if there is none, the default $A_{enc}(i)$
# decides. Gadgets D and E reuse this aggregator.

# %%
ops("A")
table(word, "A")
print()
table("0a#1bb#", "A")  # a cell with two tiles: A_enc fails at the second b, and A stays 0

# %% [markdown]
# ## Gadget B: the addresses count
#
# $B_k(i) := \blacktriangleright_j[j<i, Q_0(j) \vee Q_1(j)]\ B_{k-1}(j) : 0$ (with
# $B_0 = Q_1$) is the $k$-th latest bit before $i$; at a $\#$, $B_1 \dots B_N$ is the
# cell's address, least significant bit first. Then, comparing with the previous
# $\#$ (score $Q_\#(j)$):
#
# * $B_{inc}(i)$: this address is the previous one plus 1 (the value is the usual
#   "carry" formula: bits below $k$ go from 1 to 0, bit $k$ from 0 to 1, bits above $k$
#   stay; a disjunction over $k$, so $O(N^2)$ symbols);
# * $B_{wrap}(i)$: the previous address is all ones and this one all zeros; its default
#   (no previous $\#$) says the first address is 0;
# * $B(i) := \blacktriangleright_j[j<i, Q_\#(j) \wedge \neg B_{wrap}(j) \wedge
#   \neg B_{inc}(j)]\ 0 : B_{wrap}(i) \circ B_{inc}(i)$ — the aggregator again, over
#   the $\#$ positions: it looks back for an earlier $\#$ where neither $B_{wrap}$ nor
#   $B_{inc}$ held (then $B$ is 0); if there is none, the default judges the current
#   $\#$, with a connective $\circ$ that we leave open for a moment.
#
# **Exercise 05.gadget-b-default.** The paper prints $\circ = \wedge$. Which connective
# makes the program accept the encodings of correct tilings: `"and"` or `"or"`? (Think
# about one $\#$: can its address be the previous one plus 1 *and* the wrap from all
# ones to all zeros?) The next cells print the program's ops, so answer first.
# Solutions: `notebooks/solutions/nb05.py`.

# %%
answer = None  # "and" or "or"
print(check_exercise("05.gadget-b-default", answer))

# %% [markdown]
# With $N = 1$ the address is one bit, so here is also an instance with $N = 2$, `ladder`
# (four columns, addresses $00, 01, 10, 11$; the Lemma 8 check below uses it too), on
# its smallest tiling and on the same word with the second address changed.

# %%
ops("B")
table(word, "B")
# rows abec or dbec; a has up 1 and d down 1, so the smallest tiling is abec/dbec
ladder = tiling.parse_instance(
    {"N": 2, "names": "abecd", "final": [3, 0, 0, 0],
     "tiles": [[0, 1, 1, 0], [1, 0, 2, 0], [2, 0, 3, 0], [3, 0, 0, 0], [0, 0, 1, 1]]},
    "ladder")
ladder_word = tiling.encode_tiling(ladder, tiling.solve(ladder).rows)
ladder_program = tiling.brasp_program(ladder)
print()
table(ladder_word, ("Q_#", "B"), ladder_program)
print()
# the second cell now claims address 10: B_inc fails at its #, and from there on B is 0
table(ladder_word.replace("01b", "10b", 1), ("Q_#", "B"), ladder_program)

# %% [markdown]
# ### The paper's misprint: ∧ in Gadget B's default
#
# The paper prints the default of $B$ as $B_{wrap}(i) \wedge B_{inc}(i)$. But an
# address cannot be both "the previous plus one" and "the wrap from all ones to all
# zeros": $B_{inc}$ needs a bit that turns from 0 to 1, so the new address is not all
# zeros, which $B_{wrap}$ requires. With ∧ the default is always 0, $B$ is 0 at every
# $\#$ and the program rejects **every** word. The default must be ∨: the score looks
# back for an earlier $\#$ where neither holds, and the default judges the current one,
# where one of the two is enough.
#
# We rebuild the program with the one op changed (a `Program` and its ops are frozen
# dataclasses; `dataclasses.replace` validates the result) and compare the two on all
# words with `verify(..., unbounded=True)`: it builds the exact automaton of each
# program and gives the shortest word on which they differ.

# %%
def with_and(op):
    """B's default B_wrap ∨ B_inc replaced by B_wrap ∧ B_inc, as printed in the paper."""
    if op.name != "B":
        return op
    wrap, inc = op.default.xs
    return dataclasses.replace(op, default=wrap & inc)


as_printed = dataclasses.replace(program, ops=tuple(with_and(op) for op in program.ops))
print([str(op) for op in as_printed.ops if op.name == "B"][0])
print("∧ accepts the tiling's word:", bool(as_printed.accepts([word])[0]))
table(word, ("B_inc", "B_wrap", "B"), as_printed)

report = verify({"∨ (Lemma 8, fixed)": program, "∧ (as printed)": as_printed}, max_len=1,
                unbounded=True)
cex = report.counterexample
print(f"shortest word on which they differ: {cex.word!r}, accepted by {cex.accepted_by}, "
      f"rejected by {cex.rejected_by}")
for name, automaton in report.certificate.automata.items():
    dfa = automaton.minimal
    print(f"{name}: minimal DFA with {dfa.n_states} states, language "
          f"{'empty' if dfa.is_empty() else 'non-empty'}")

# %% [markdown]
# The shortest word the ∧-variant gets wrong is the tiling's own word, and its minimal
# DFA has one rejecting state: its language is empty, so the instance would look
# unsolvable — exactly the wrong answer to the question the reduction is for.
#
# ## Gadget C: the final tile
#
# $T_t(i) := \blacktriangleright_j[j<i, \bigvee_{t'} Q_{t'}(j)]\ Q_t(j) : 0$ reads the
# latest tile before $i$: at a $\#$, the tile of the cell just closed. Then
# $C := Q_\# \wedge T_{t_{fin}} \wedge \bigwedge_k B_k$ holds at a $\#$ closing a cell of
# the last column whose tile is $t_{fin}$; it is read at the last position only (rule 1).

# %%
ops(("T_", "C"))
table(word, ("T_", "C"))

# %% [markdown]
# ## Gadget D: the borders
#
# * $D_{bot}(i) := \blacktriangleright_j[j<i, Q_\#(j) \wedge \bigwedge_k B_k(i)
#   \leftrightarrow B_k(j)]\ 1 : \bigvee_{\mathrm{down}(t)=0} T_t(i)$: a cell with no
#   earlier cell at its address is in the bottom row, and must have down 0;
# * $D_{left}$, $D_{right}$ (position-wise): address $0\dots0$ → left 0, address
#   $1\dots1$ → right 0;
# * $D_{top}$, read at the last position: the latest earlier cell that is a row start or
#   has up $\ne 0$ must be the start of the current row, with up 0, and the current tile
#   has up 0 — so the whole top row has up 0. (The paper's formula for $D_{top}$ is
#   garbled in the available text; this is the reconstruction the family uses, see
#   `constructions/tiling.py`.)
# * $D$ aggregates $D_{bot} \wedge D_{left} \wedge D_{right}$ over the $\#$ positions and
#   adds $D_{top}$ in its default.
#
# Since $D_{top}$ is only meant for the last position, $D$ is 0 at the earlier $\#$ of
# the tiling's word (its default includes $D_{top}$ there); that is harmless, because
# $D$ is read only at the last position, and its score looks only for earlier failures
# of $D_{bot} \wedge D_{left} \wedge D_{right}$.
#
# Below: the tiling's word, then the one-row word `0c#1d#` whose row $cd$ is a
# correct top row but not a correct bottom row ($c$ has down 1).

# %%
ops("D")
table(word, "D")
print()
table("0c#1d#", "D")

# %% [markdown]
# ## Gadget E: matching edges, and the key trick
#
# * $E_{left}(i) := \blacktriangleright_j[j<i, Q_\#(j)]\ (\bigvee_k B_k(i)) \to
#   \bigvee_{\mathrm{left}(t) = \mathrm{right}(t')} T_t(i) \wedge T_{t'}(j) : 1$: unless
#   this cell starts a row, its left colour is the previous cell's right colour (rule 4);
# * $E_{down}(i) := \blacktriangleright_j[j<i, Q_\#(j) \wedge \bigwedge_k B_k(i)
#   \leftrightarrow B_k(j)]\ \bigvee_{\mathrm{down}(t) = \mathrm{up}(t')} T_t(i) \wedge
#   T_{t'}(j) : 1$: the latest earlier cell **with the same address** is the cell below
#   (rule 5) — the score is Lemma 9's special form, $S(j)$ and equalities of predicates;
# * $E$ aggregates $E_{down} \wedge E_{left}$.
#
# Below: the word of the grid $eb$ / $cd$, which breaks only rule 5 in the first column
# ($e$ has up 0, $c$ down 1). $E_{down}$ fails at the third $\#$, and $E$ and $Y$ stay 0.

# %%
ops("E")
bad_column = tiling.encode_tiling(inst, ["eb", "cd"])
print(tiling.explain(inst, bad_column))
table(bad_column, ("E", "Y"))

# %% [markdown]
# All gadgets at once, on the tiling's word (left) and on the $eb$/$cd$ word (right): red
# is true. Each gadget's own predicate ($A$, $B$, $C$, $D$, $E$) is what $Y$ reads at the
# last position.

# %%
rows = [op.name for op in program.ops if not op.name.startswith("Q_")]
fig = PngFigure(figsize=(9.5, 8.0), dpi=80, layout="constrained")
for ax, (title, w) in zip(fig.subplots(1, 2),
                          [("tiling ab/cd: accepted", word),
                           ("grid eb/cd (rule 5 broken): rejected", bad_column)], strict=True):
    trace = program.trace(w)
    heatmap([[float(trace[r][k]) for k in range(len(w))] for r in rows], rows,
            [f"{k + 1}:{s}" for k, s in enumerate(w)], title=title, ax=ax, annotate=False)
show(fig)
print("red: true, white: false; columns: position:symbol")

# %% [markdown]
# **Exercise 05.attention-ops.** For the instance with two tiles $a = \langle 0,0,0,0
# \rangle$, $b = \langle 0,1,0,1 \rangle$ and $2^N$ columns, how many attention ops does
# the Lemma 8 program have? Give a formula in `N`; the check counts the ops of the
# programs built for $N = 1 \dots 5$. Go through the gadgets above (A has $2N + 3$);
# the next section gives the answer, so try first.

# %%
answer = None  # a string such as "5*N + 1"
print(check_exercise("05.attention-ops", answer))

# %% [markdown]
# ## Checking Lemma 8
#
# **Lemma 8** (restated): the program built from an instance has size polynomial in $N$
# and $|T|$, and accepts exactly the encodings of the instance's tilings; so its
# language is empty iff the instance is unsolvable.
#
# The claim module `lemma8_tiling` checks the lemma on built programs, against an oracle
# written from the definition (it enumerates the maps $\tau$ that satisfy rules 1–5 and
# compares words, without parsing them):
#
# * **size**: for $N = 1 \dots 6$ (two tiles) the program has $3N + K + 12$ attention ops
#   (A: $2N+3$, B: $N+3$, C: $K$, D: 3, E: 3) and 5 position-wise ones, and its
#   description size (expression nodes) is a quadratic in $N$ (second difference 7, from
#   $B_{inc}$);
# * **language**: on three instances (`solvable`, `unsolvable`, and `ladder` with $N =
#   2$) the program and its compiled UHAT accept exactly the oracle's members among the
#   tilings, the grids of valid rows, single-symbol edits and random words;
# * **emptiness**: the exact automaton of the program (all words) is empty iff the
#   oracle finds no tiling, and otherwise its shortest word is a tiling of least height.
#
# Its tests plant bugs the check must catch: the ∧ above, $E_{down}$ without its address
# key, $D_{top}$ dropped, an extra op, a doubled $B_{inc}$.

# %%
lemma8 = proofs_check.load("lemma8_tiling")
rows_checked = lemma8.check()
for r in rows_checked:
    print(" | ".join(f"{k}: {v}" for k, v in r.items()))

# %% [markdown]
# The sizes are those of the program (B-RASP measures: attention ops, predicates,
# expression nodes), compared with nothing else: Lemma 8 is a *reduction*, and what
# matters is that the program is polynomial in $N$ while the grid it checks is $2^N$
# wide. No lower bound is claimed here.
#
# ## Lemma 9: from the program to a UHAT
#
# **Lemma 9** (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, Lemma 9; proof in
# App. A.3).
# A B-RASP program whose attention ops have the special form
# $\blacktriangleright_j[j<i, S(j) \wedge \bigwedge_{k \in K} P_k(i) \leftrightarrow
# P_k(j)]\ V(i,j) : D(i)$ (and likewise for the other masks and tie-breaks) can be
# turned, in polynomial time, into a UHAT that accepts the same words, with
# fixed-precision integer weights.
#
# *Proof sketch.* Keep one residual coordinate per predicate (the embedding is one-hot,
# so the inputs $Q_a$ come for free). A position-wise op is a Boolean circuit, and each
# gate is an affine map and a ReLU on Boolean inputs ($x \wedge y = \mathrm{ReLU}(x + y -
# 1)$, $\neg x = 1 - x$). An attention op is one hard-attention layer with the score
# $\langle A v_i, B v_j \rangle = \#\{k \in K : P_k(i) = P_k(j)\} + S(j) - 1$; it equals
# $|K|$ exactly at the positions $j$ that satisfy the B-RASP score, and is smaller
# elsewhere, so the tie-break picks the same $j$ as the program. A small circuit then
# computes $(R \wedge V) \vee (\neg R \wedge D)$, where $R$ says the picked $j$ really
# satisfies the score (false when no position is visible). Every op costs layers
# linear in its size, so the UHAT is polynomial in the program.
#
# The claim module `lemma9_brasp_to_uhat` checks Lemma 9 on the programs of five families
# and on random special-form programs, compiled by the paper's literal recipe
# (`mode="lemma9"`): the UHAT accepts the same words as the B-RASP interpreter, and with
# $|P|$ = predicates + expression nodes it has at most $2|P|$ layers, width at most
# $|\Sigma| + |P|$ and at most $2|P|^3$ parameters (the module's constants, measured
# with room to spare; the paper says only "polynomial").

# %%
rows9 = proofs_check.load("lemma9_brasp_to_uhat").check()
for r in rows9:
    print(" | ".join(f"{k}: {r[k]}" for k in ("program", "|P|", "layers", "width", "params")))

# %% [markdown]
# Our tiling program is not among those; here we compile it (`compile_program`, compact
# mode) and run the UHAT on the Lemma 8 check's candidate words for this instance
# (tilings, grids of valid rows, single-symbol edits, random words), with the numpy
# reference evaluator (no compilation), next to the program.

# %%
uhat = compile_program(program).model
sizes = count_sizes(uhat)
print(f"UHAT: {sizes.layers} layers, {sizes.params} dense parameters, "
      f"{sizes.nonzero} non-zeros, {sizes.bits} bits")
words = lemma8.candidates(inst, 3, random.Random(0))
by_program = program.accepts(words)
by_uhat = uhat.accepts(words, evaluator="reference")
print(f"{len(words)} words, {int(by_program.sum())} accepted by the program; "
      f"the UHAT disagrees on {int((by_program != by_uhat).sum())}")
assert (by_program == by_uhat).all()

# %% [markdown]
# ## Exercise
#
# Two exercises came earlier (05.gadget-b-default in Gadget B, 05.attention-ops before
# the Lemma 8 check). Solutions: `notebooks/solutions/nb05.py` (try first!).
#
# **Exercise 05.prev-tile.** Over the alphabet $\{0, 1, \#, a, b\}$ ($a$, $b$ are
# tiles), write a B-RASP program that accepts exactly the words in which every $\#$ comes
# right after a tile:
# Gadget A's $A_T$, a position-wise op, then the "for all $j \le i$" aggregator. The
# check compares it with a DFA on all words of length ≤ 3 and on all words (exact
# automata). Use `ProgramBuilder("01#ab")` and ops with `mask="future", tie="right"`.

# %%
answer = None  # p = ProgramBuilder("01#ab"); ...; answer = p.build(...)
print(check_exercise("05.prev-tile", answer))
