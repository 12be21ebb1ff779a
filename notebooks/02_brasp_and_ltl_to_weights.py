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
# default $D(i)$ when there is none. The paper's Lemma 9 compiles every op of this kind
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
from succinct import (
    FALSE,
    TRUE,
    Alphabet,
    ProgramBuilder,
    compile_program,
    count_sizes,
    parse_ltl,
    to_brasp,
)
from succinct.compiler.costs import compiled_totals
from succinct.viz import layer_heatmaps

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
layer_heatmaps(model, attention)

# %% [markdown]
# ## LTL → B-RASP → UHAT (Prop 16)
#
# The paper's Example 1, $(ab)^+$, as a formula with strict past operators ($Y$:
# yesterday, $H$: historically). Prop 16 turns each temporal operator into one attention
# op; Lemma 9 compiles them. The sizes counted on the weights equal the compiler's
# formulas (`compiled_totals`), in all three modes.

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
layer_heatmaps(ltl_model, first_attention)
