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
# # 10 — Verifying a construction, then breaking it
#
# A hand-built transformer is only as good as its check. `succinct.verify` compares
# models of one language on every word up to a length (in shortlex order, so the first
# disagreement is the shortest), on sampled words and mutations of members, and — for
# models with an exact automaton (DFAs, k-bit RNNs, strict-future programs) — on **all**
# words, by comparing canonical minimal DFAs.
#
# Our subject: Dyck-$(1, 2)$, balanced parentheses of depth at most 2.

# %%
from succinct.interop import from_nnx, to_nnx
from succinct.registry import get_family
from succinct.teach import check_exercise
from succinct.verify import verify
from succinct.viz import score_bars, show

dyck = get_family("dyck")
params = {"k": 1, "D": 2}
models = {name: dyck.build(name, params) for name in ("reference", "uhat", "rnn", "dfa")}
report = verify(models, max_len=10, samples=500,
                members=list(dyck.members(dyck.resolve(params))))
print(f"{report.checked:,} words, disagreements: {report.disagreements}, agree: {report.agree}")

exact = verify({"dfa": models["dfa"], "rnn": models["rnn"]}, unbounded=True)
cert = exact.certificate
print("all words:", cert.equal, {name: a.minimal.n_states for name, a in cert.automata.items()})

# %% [markdown]
# ## Breaking one weight
#
# `succinct.interop.to_nnx` turns the UHAT into a flax `nnx` module with one ordinary
# `nnx.Param` per weight matrix — the form in which one would perturb or fine-tune it
# with optax. The UHAT cancels matching brackets in rounds: round $\ell$ (ops `L{ℓ}`,
# `R{ℓ}`) lets each bracket attend to the nearest unmatched bracket and copy whether it
# is an opener. We zero the single entry of `C_a` through which round 2 copies `open`
# (coordinate `L2~a.open`), rebuild the model with `from_nnx`, and ask the verifier.

# %%
spec = models["uhat"].spec
round2 = next(i for i, layer in enumerate(spec.layers) if "L2~a.open" in layer.target.labels)
module = to_nnx(models["uhat"])
module.set_entry(f"layers.{round2}.C_a", ("L2~a.open", "open"), 0)
broken = from_nnx(module, like=models["uhat"])
report = verify({"reference": models["reference"], "broken": broken}, max_len=10)
cex = report.counterexample
print(f"disagreements: {report.disagreements:,}; shortest counterexample {cex.word!r}: "
      f"accepted by {cex.accepted_by}, rejected by {cex.rejected_by}")

# %% [markdown]
# The shortest failure is the shortest word of depth 2: round 1 is intact, so depth-1
# words still pass. Not every weight matters, though: `L1~vis` ("round 1 attended to
# some position") adds up the attended symbol's coordinates `Q_(` and `Q_)`. Zeroing its
# `Q_)` entry changes nothing, because the op's value asks for an opener at the attended
# position anyway: whether a `)` there counts as "seen" makes no difference. The
# verifier agrees, on every word up to length 10:

# %%
round1 = next(i for i, layer in enumerate(spec.layers) if "L1~vis" in layer.target.labels)
other = to_nnx(models["uhat"])
other.set_entry(f"layers.{round1}.C_a", ("L1~vis", "Q_)"), 0)
harmless = from_nnx(other, like=models["uhat"])
print(verify({"reference": models["reference"], "harmless": harmless}, max_len=10).agree)

# %% [markdown]
# The acceptance scores ($\langle t, v\rangle$ at the last position; positive = accept)
# of the original and the broken model on short words:

# %%
words = ["()", "(", ")(", "()()", "(())", "(()", "())", "(()())", "()(())", "((()))"]
show(score_bars(words, {"original": to_nnx(models["uhat"]).score_words(words),
                            "broken": module.score_words(words)},
                    title="Dyck-(1, 2): acceptance scores, round 2 broken"))

# %% [markdown]
# ## Exercises
#
# Each answer is the Dyck-$(1, 2)$ UHAT with **one** weight entry changed, made as
# above (`to_nnx`, `set_entry`, `from_nnx`). `check_exercise` counts the changed entries
# against the original and runs your model on the target word against the stack
# reference. `print(models["uhat"])` shows every layer with its coordinates; the entry
# names are those labels, e.g. `("L2~a.open", "open")` in `C_a` of the layer writing
# `L2~a.open`. Solutions: `notebooks/solutions/nb10.py`.
#
# **10.break-round-1.** The edit above breaks round 2 and leaves every depth-1 word
# right. Change one entry so that the model *rejects* the member `()`. Which entry
# carries round 1's evidence that the attended bracket is an opener?

# %%
answer = None  # e.g. m = to_nnx(models["uhat"]); m.set_entry(...); from_nnx(m, like=...)
print(check_exercise("10.break-round-1", answer))

# %% [markdown]
# **10.accept-depth-3.** `((()))` has depth 3, so Dyck-$(1, 2)$ rejects it. Change one
# entry so that the model *accepts* it. After two rounds its outer pair is still
# unmatched, and the last op `Z` decides "nothing unmatched is left" through a hidden
# unit with a bias. When it works, ask `verify` against `models["reference"]` which
# other words your edit lets in, and find the shortest.

# %%
answer = None
print(check_exercise("10.accept-depth-3", answer))
