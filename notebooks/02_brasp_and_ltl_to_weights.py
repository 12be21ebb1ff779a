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
# # 02 — B-RASP and LTL, compiled to weights
#
# B-RASP programs compute Boolean predicates over positions. An attention op
#
# $$P(i) := \blacktriangleright_j\,[\,j < i,\ S(i, j)\,]\ V(i, j) : D(i)$$
#
# looks at the rightmost $j < i$ with $S(i, j)$ true and returns $V(i, j)$ there, or the
# default $D(i)$ when there is none (Bergsträßer, Cotterell & Lin, arXiv 2510.19315).
# The paper's Lemma 9 compiles every op of this kind
# (in its *special form*) to a few UHAT layers: one hard-attention layer and small
# Boolean circuits as FFN blocks (`mode="ffn"`) or as the paper's single-coordinate ReLU
# layers (`mode="lemma9"`). Both keep every predicate in the residual stream to the end.
# The default, `mode="compact"`, lowers each op as `ffn` does but drops a predicate's
# coordinate after the last op that reads it (and skips ops the output never reads), so
# the residual is only as wide as the alphabet plus the predicates still live. Every
# residual coordinate is labelled with the predicate it holds.
#
# The program below accepts the words in which every $b$ comes right after an $a$.

# %%
import proofs_check
from succinct import (
    FALSE,
    TRUE,
    Alphabet,
    Language,
    ProgramBuilder,
    compile_program,
    count_sizes,
    parse_ltl,
    to_brasp,
)
from succinct.compiler.costs import compiled_totals
from succinct.teach import check_exercise
from succinct.viz import layer_heatmaps, show

p = ProgramBuilder("ab")
a, b = p.Q("a"), p.Q("b")
prev_a = p.attend("prev_a", mask="future", tie="right", value=a.j, default=FALSE)
bad = p.local("bad", b & ~prev_a)  # a b that does not follow an a
bad_before = p.attend("bad_before", mask="future", tie="right", score=bad.j, value=TRUE,
                      default=FALSE)
ok = p.local("ok", ~bad & ~bad_before)
program = p.build(ok)
print(program)

# %% [markdown]
# The interpreter gives every predicate at every position:

# %%
word = "abbab"
values = program.trace(word)
print("     " + "  ".join(word))
for name in ("prev_a", "bad", "bad_before", "ok"):
    print(f"{name:>10} " + "  ".join("1" if v else "0" for v in values[name]))

# %% [markdown]
# Compiled (compact mode, the default). `op_layers` says which layers implement which op,
# and `schedule()` gives each op's residual width before it and how many dead predicates
# its last layer drops.

# %%
compiled = compile_program(program)
model = compiled.model
print(compiled.op_layers)
print(compiled.schedule())
words = ["ab", "abab", "abb", "b", "aab", "abbab", "aaaab"]
print(dict(zip(words, model.accepts(words).tolist(), strict=True)))
print(dict(zip(words, program.accepts(words).tolist(), strict=True)))

# %% [markdown]
# The attention layer of `prev_a`, as labelled heat-maps. `A` and `B` map the residual
# coordinates to the score space; `C_a` copies the attended position's coordinates into
# new ones (named `prev_a~a.…`); `C_v` keeps the residual stream.

# %%
first, end = compiled.op_layers["prev_a"]
attention = next(i for i in range(first, end) if model.spec.layers[i].kind == "attention")
show(layer_heatmaps(model, attention))

# %% [markdown]
# ### Lemma 9: why the compiled model is equivalent, and small
#
# **Lemma 9** (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, Lemma 9; proof in App. A.3). Every
# B-RASP program whose attention scores have the *special form*
# $S(j) \wedge \bigwedge_{k \in K} \big(P_k(i) \leftrightarrow P_k(j)\big)$ — a condition on
# $j$ alone, and equalities between a few predicates at $i$ and at $j$ — can be turned,
# in polynomial time, into a UHAT that accepts exactly the same words.
#
# *Proof sketch.* Give every predicate one residual coordinate, holding 0 or 1; the
# one-hot embedding supplies the $Q_a$. A position-wise op is a Boolean circuit, and
# on 0/1 inputs $x \wedge y = \mathrm{ReLU}(x + y - 1)$ and $\neg x = 1 - x$, so each gate is
# one affine map and one ReLU. For an attention op, choose the query $A v_i$ and key
# $B v_j$ so that
#
# $$\langle A v_i, B v_j\rangle = \sum_{k \in K}\big(P_k(i)P_k(j) + (1-P_k(i))(1-P_k(j))\big)
#   + S(j) - 1 .$$
#
# Each summand is 1 when $P_k(i) = P_k(j)$ and 0 otherwise, so the score is at most
# $|K|$, and equals $|K|$ **exactly** at the positions the B-RASP op may select; every
# other position scores $\le |K| - 1$. The hard-attention layer, with the same mask and
# tie-break, therefore picks the same $o(i)$ as the program (when no position qualifies
# the best score is below $|K|$, which the next circuit detects by re-checking
# $S \wedge \bigwedge_k (P_k \leftrightarrow P_k(o(i)))$ on the copied coordinates and
# then takes the default). The layers and the width grow linearly with the program's
# size $|P|$ (predicates plus expression nodes), so the dense parameters grow at most
# like $|P|^3$. The special form is exactly what one bilinear score can maximise
# directly; `compile_program` refuses any other score (a general score would first have
# to be rewritten into a disjunction of such forms, which can be exponentially longer).
#
# The cell below runs the check in `proofs_check`: on the programs of five families and
# on random special-form programs, the UHAT built by the literal Lemma 9 recipe
# (`mode="lemma9"`) agrees with the B-RASP interpreter on every word up to a length
# (`succinct.verify`), and its counted layers, width and parameters stay under
# $2|P|$, $|\Sigma| + |P|$ and $2|P|^3$ (our constants; the paper says only
# "polynomial").

# %%
rows = proofs_check.load("lemma9_brasp_to_uhat").check()
columns = ["program", "words checked", "|P|", "layers", "≤ 2|P|", "width", "≤ |Σ|+|P|",
           "params", "≤ 2|P|^3"]
print("  ".join(f"{c:>11}" for c in columns))
for r in rows:
    print("  ".join(f"{str(r[c]):>11}" for c in columns))

# %% [markdown]
# **Exercise 02.prev-a.** Write a B-RASP program over $\{a, b\}$ that accepts the words
# whose second-to-last symbol is $a$ (at the last position: "the previous symbol is
# $a$"). One attention op is enough — but which tie-break? The skeleton below uses the
# wrong one; the feedback names the shortest word it gets wrong. (Solution:
# `notebooks/solutions/nb02.py`.)

# %%
q = ProgramBuilder("ab")
prev = q.attend("prev", mask="future", tie="left", value=q.Q("a").j, default=FALSE)
answer = q.build(prev)
print(check_exercise("02.prev-a", answer))

# %% [markdown]
# ## LTL → B-RASP → UHAT (Prop 16)
#
# **Prop 16** (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, Prop 16; proof in App. A.6). Every
# LTL formula $\varphi$ (with past and future operators) can be turned, in polynomial
# time, into a UHAT recognizing $L(\varphi)$.
#
# **The past operators** (at a position $i$ of a word $a_1 \dots a_N$; the future ones
# $U, X, F, G$ are their mirror images; `docs/ltl.md` has the full table):
#
# | operator | holds at $i$ when | strict |
# |---|---|---|
# | since $\varphi \mathbin{S} \psi$ | $\psi$ at a $j < i$, $\varphi$ at all $k \in (j, i)$ | yes |
# | yesterday $Y\varphi = \bot \mathbin{S} \varphi$ | $i > 1$ and $\varphi$ at $i - 1$ | yes |
# | past $P\varphi = \top \mathbin{S} \varphi$ | $\varphi$ at some $j < i$ | yes |
# | historically $H\varphi = \varphi \wedge \neg P\neg\varphi$ | $\varphi$ at all $j \le i$ | no |
#
# So $Y\varphi$ and $P\varphi$ are false at the first position, while $H\varphi$ there
# just says $\varphi$. A formula with a past operator is read at the last position.
#
# *Proof sketch.* Go through B-RASP, one predicate per subformula, children first.
# Atoms are the input predicates, connectives are position-wise ops. For *since*,
# $(\varphi_1 \mathbin{S} \varphi_2)(i)$ holds iff, looking back from $i$, $\varphi_2$
# held at some $j < i$ and $\varphi_1$ held at every position strictly between. So look
# at the **nearest** earlier $j$ where the run of $\varphi_1$ breaks *or* $\varphi_2$ holds:
#
# $$(\varphi_1 \mathbin{S} \varphi_2)(i) := \blacktriangleright_j\,[\,j < i,\ \neg\varphi_1(j) \vee
#   \varphi_2(j)\,]\ \varphi_2(j) : 0 ,$$
#
# and the formula holds iff $\varphi_2$ is true there. *Until* is the mirror image
# (strict-past mask $j > i$, leftmost). The scores read $j$ only — the special form with
# $K = \emptyset$ — so Lemma 9 applies. The UHAT has one attention layer per distinct
# temporal subformula, a constant number of further layers per subformula, and one
# residual coordinate per subformula: depth and width are linear in $|\varphi|$ (the
# dense parameter count is cubic, because every layer is a full width × width matrix).
#
# Below, the paper's Example 1, $(ab)^+$, as a formula with past operators: the strict
# $Y$ and the non-strict $H$ ("so far, including here"). The sizes counted on the weights
# equal the compiler's formulas (`compiled_totals`), in all three modes.

# %%
ab = Alphabet.of("ab")
phi = parse_ltl("b & H(b -> Y a) & H((a & Y true) -> Y b)", ab)
ltl_program = to_brasp(phi, ab)
print(ltl_program)
for mode in ("compact", "ffn", "lemma9"):
    c = compile_program(ltl_program, mode=mode)
    counted = count_sizes(c.model)
    formula = compiled_totals(c)
    print(f"{mode:>7}: layers {counted.layers} (formula {formula['layers']}), params "
          f"{counted.params} (formula {formula['params']}), bits {counted.bits} "
          f"(formula {formula['bits']})")

# %% [markdown]
# The first attention layer of the Example 1 UHAT:

# %%
ltl_model = compile_program(ltl_program).model
first_attention = next(i for i, layer in enumerate(ltl_model.spec.layers)
                       if layer.kind == "attention")
show(layer_heatmaps(ltl_model, first_attention))

# %% [markdown]
# The check of Prop 16 in `proofs_check`: for Example 1, formulas with each operator and
# random formulas, the compiled UHAT agrees with the LTL evaluator (a second
# implementation that unfolds $S$ and $U$ step by step and uses no attention) on every
# word of length $\le 7$; in `ffn` mode, which keeps every predicate, the last residual
# stream holds exactly one coordinate per non-atomic subformula, equal at every
# position to that subformula's truth value; the number of attention layers equals the
# number of distinct temporal subformulas; and layers, width and parameters stay under
# linear, linear and cubic bounds in $|\varphi|$.

# %%
rows = proofs_check.load("prop16_ltl_to_uhat").check()
columns = ["formula", "|φ|", "temporal", "attention layers", "layers (lemma9)", "width",
           "params"]
for r in rows:
    print(f"{r['formula'][:44]:<44} " + "  ".join(f"{c} {r[c]}" for c in columns[1:]))

# %% [markdown]
# **Exercise 02.ltl-every-b.** Write an LTL formula for the language of the first
# program of this notebook: every $b$ comes right after an $a$. The answer is a
# `Language(parse_ltl(text, ab), ab)`; it is read at the last position, so use past
# operators. The skeleton is close but wrong.

# %%
answer = Language(parse_ltl("H(b -> P a)", ab), ab)
print(check_exercise("02.ltl-every-b", answer))

# %% [markdown]
# **Exercise 02.attention-layers.** Prop 16 makes one attention op per *distinct*
# temporal subformula (a shared subformula gets one predicate). For
# $\varphi_n = H(a \to Y^n b) \wedge P(Y^n b)$, how many attention layers has the
# compiled UHAT? Answer with a formula in `n` (a string such as `"3*n"`); it is checked
# against the layers counted on the compiled models for n = 1, 2, 3, 5.

# %%
answer = None  # e.g. "3*n + 1"
print(check_exercise("02.attention-layers", answer))
