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
# # 08 — Iterated composition, Krohn–Rhodes, and word problems
#
# Read a word $\sigma_1 \cdots \sigma_N$ as a composition of maps on a finite set $Q$ and
# accept iff $\delta(q_0, \sigma_1\cdots\sigma_N) \in F$: the *word problem* of a
# transformation table. An RNN just carries the current state. A UHAT of the paper's kind
# (no positional encodings) recognizes exactly the star-free languages, i.e. those whose
# syntactic monoid is **aperiodic**: for every element $x$ there is a $k$ with
# $x^k = x^{k+1}$ (equivalently, no element's powers end in a cycle of period $p > 1$).
# Krohn–Rhodes makes this constructive: an aperiodic table is covered by a
# *cascade of reset semiautomata*, and each state of a reset component is one "last
# reset before $i$" attention.
#
# This notebook
#
# 1. decomposes a table step by step (holonomy method, `succinct.programs.holonomy`),
#    compiles the cascade to a UHAT and certifies it against the table on **all** words;
# 2. draws the cascade;
# 3. plots the sizes of three families that grow with a parameter — `window`,
#    `monotone`, `cyclic` — and reads their verdict rows, which say where (and where not)
#    the UHAT is smaller.
#
# The built-in tables first. For each: the minimal DFA, whether its transition monoid is
# aperiodic, and how the UHAT is obtained (a reset table needs one attention, `lasttwo`
# is given as a cascade, `endsab` is decomposed, the groups have none).

# %%
import json
import math
import tempfile
from pathlib import Path

import sympy as sp
from matplotlib.patches import FancyArrowPatch

import proofs_check
from constructions import composition
from constructions import wordproblem as tables
from succinct import SuccinctError
from succinct.programs.holonomy import aperiodicity_witness, decompose
from succinct.registry import get_family
from succinct.teach import check_exercise
from succinct.verdicts import log2_ceil, rnn_bits_bound
from succinct.verify import verify
from succinct.viz import Panel, PngFigure, Series, formula_figure, show

wp = get_family("wordproblem")
for monoid in ("flipflop", "lasttwo", "endsab", "parity", "s3", "s5"):
    table = tables.load_table(monoid)
    dfa = tables.minimal_dfa(table)
    try:
        dec = tables.decomposition(table)
        how = f"holonomy cascade, {dec.n_levels} levels, widths {list(dec.widths)}" \
            if dec is not None else "the given cascade" if table.cascade is not None \
            else "a reset table: one attention"
        uhat = f"{wp.build('uhat', {'monoid': monoid}).n_layers} layers ({how})"
    except tables.NoUHATError:
        uhat = "none (not aperiodic)"
    print(f"{monoid:>8}: DFA {dfa.n_states} states; UHAT: {uhat}")

# %% [markdown]
# ## 1. A table decomposed step by step
#
# Our table: "the word ends with `aab`", over $\{a, b\}$, written as the JSON a user
# passes with `-p monoid=FILE`. State $q$ counts how much of `aab` the word ends with.
# Neither letter is a reset (a constant map) or the identity, so no single attention
# finds the state: the table has to be decomposed.

# %%
ENDS_AAB = {
    "states": ["0", "1", "2", "3"],
    "generators": {"a": {"0": "1", "1": "2", "2": "2", "3": "1"},
                   "b": {"0": "0", "1": "0", "2": "3", "3": "0"}},
    "initial": "0",
    "accepting": ["3"],
}
path = Path(tempfile.mkdtemp()) / "endsaab.json"
path.write_text(json.dumps(ENDS_AAB))
params = {"monoid": str(path)}
table = tables.load_table(str(path))
dfa = wp.build("dfa", params)  # the minimal complete DFA
print(dfa)

# %% [markdown]
# **Aperiodicity.** The decision closes the transition monoid under composition (by
# breadth-first search over words) and looks for an element $x$ whose powers end in a
# cycle of length $p > 1$. For our table there is none. For `parity` ($\mathbb Z_2$) the
# letter `a` itself is such a witness, and both the decomposition and the family's UHAT
# refuse, naming it.

# %%
symbols = dfa.alphabet.symbols
maps = {s: tuple(int(q) for q in dfa.delta[:, i]) for i, s in enumerate(symbols)}
print("ends with aab — witness:", aperiodicity_witness(list(maps.values()), symbols))
parity = tables.minimal_dfa(tables.load_table("parity"))
for attempt in (lambda: decompose(parity), lambda: wp.build("uhat", {"monoid": "parity"})):
    try:
        attempt()
    except SuccinctError as e:
        print("refused:", e)

# %% [markdown]
# **The theorem behind the refusal.** Write $M(L)$ for the syntactic monoid of a
# regular language $L$ (the transition monoid of its minimal DFA); $M$ is *aperiodic*
# when $x^{n} = x^{n+1}$ for every $x \in M$, $n = |M|$.
#
# *Theorem.* A language $L \subseteq \Sigma^+$ is recognized by a UHAT of the paper's
# kind (no positional encodings, strict or no masks; Bergsträßer, Cotterell & Lin, arXiv
# 2510.19315, §2) if and only if $M(L)$ is aperiodic. This is Yang, Chiang & Angluin
# (NeurIPS 2024, arXiv 2310.13897) combined with Schützenberger (1965) and
# McNaughton–Papert (1971): star-free = first-order = LTL = aperiodic.
#
# *Sketch.* (⇒) A UHAT translates into an LTL formula (the paper's Prop 13 does it in
# exponential time). A fixed formula cannot tell $u x^{e} w$ from $u x^{e+1} w$ once
# $e$ is large compared with its nesting depth (an Ehrenfeucht–Fraïssé game: too many
# identical blocks to count), so every $x \in M(L)$ satisfies $x^{e} = x^{e+1}$ for
# large $e$: no element has a period $p > 1$.
# (⇐) Aperiodic monoids divide cascades of reset automata (Krohn–Rhodes, as computed
# below); each reset level is one "last reset before $i$" attention, or go through LTL
# and the paper's Prop 16 (LTL → UHAT in polynomial time; proof in App. A.6).
#
# `proofs_check` checks it on the built-in tables: the monoid's order and group-ness,
# $x^n = x^{n+1}$ exactly for the flip-flop, membership of $v^e$ alternating for the
# groups (independently of the monoid code), and the family's `uhat` built exactly
# when the monoid is aperiodic.

# %%
for row in proofs_check.load("aperiodicity").check():
    print(row)

# %% [markdown]
# **Image sets.** Words act on sets of states on the right, $P\cdot w = \{\delta(p, w)
# : p \in P\}$. The image sets are $I = \{Q\} \cup \{Q\cdot w\} \cup \{\{q\}\}$. $P$ is
# *subducted* by $R$ ($P \le R$) if $P \subseteq R\cdot w$ for some word $w$; $P \equiv
# R$ if both ways. The **height** of a singleton is 0, of a larger $P$ one more than the
# highest $R < P$; the height of $Q$ is the number of levels. The **tiles** of $P$ are
# the maximal image sets properly inside it. Each $\equiv$-class has one
# **representative**; the levels work in its coordinates. We compute all of this here
# from the definitions, independently of the library, and compare below.

# %%
Q = frozenset(range(dfa.n_states))


def act(P: frozenset, s: str) -> frozenset:
    return frozenset(maps[s][q] for q in P)


def orbit(P: frozenset) -> set:
    """{P·w : w ∈ Σ*}, by breadth-first search."""
    seen, todo = {P}, [P]
    while todo:
        X = todo.pop()
        for s in symbols:
            if act(X, s) not in seen:
                seen.add(act(X, s))
                todo.append(act(X, s))
    return seen


I = sorted(orbit(Q) | {frozenset({q}) for q in Q}, key=lambda s: (-len(s), sorted(s)))


def subducted(P: frozenset, R: frozenset) -> bool:  # P ≤ R
    return any(P <= X for X in orbit(R))


def height(P: frozenset) -> int:
    below = [R for R in I if subducted(R, P) and not subducted(P, R)]
    return 0 if len(P) == 1 else 1 + max(height(R) for R in below)


def tiles(P: frozenset) -> list:
    inside = [T for T in I if T < P]
    return [T for T in inside if not any(T < U for U in inside)]


def name(P: frozenset) -> str:
    return "{" + ",".join(map(str, sorted(P))) + "}"


for P in I:
    cls = [R for R in I if subducted(P, R) and subducted(R, P)] if len(P) > 1 else []
    print(f"{name(P):>10}  height {height(P)}  tiles {' '.join(map(name, tiles(P))) or '—':<14}"
          f"  ≡-class {' '.join(map(name, cls)) or '— (singleton)'}")

# %% [markdown]
# Heights 3, 2, 1: three levels. Every class here has one member, so each non-singleton
# is its own representative (the exercise at the end has a class of two). Now the
# library's decomposition, checked against the table above: the same number of image
# sets, and per level the representatives of that height with the same tiles.

# %%
dec = decompose(dfa)
assert dec.image_sets == len(I)
for level in dec.levels:
    reps = [P for P in I if len(P) > 1 and height(P) == level.height]
    assert list(level.representatives) == reps
    assert [list(t) for t in level.tiles] == [tiles(P) for P in reps]
    print(f"level height {level.height}: representatives {[name(P) for P in reps]}, "
          f"component states {list(level.states)}")

# %% [markdown]
# **The components.** A cascade state picks a chain $Q = C_0 \supsetneq C_1 \supsetneq
# \dots \supsetneq \{q\}$ of tiles, one level per height: the state `T<P` of a level says
# "tile $T$ of the representative $P$", and `*` ("don't care") marks a level the chain
# skips. Reading a letter, each level either keeps its state or is **reset** to a
# constant, and which of the two depends only on the letter and the levels *above*
# (before the letter) — the rules below. Aperiodicity is what rules out a third kind of
# action, a permutation of the tiles.

# %%
for comp in dec.cascade.components:
    print(f"{comp.name}: states {', '.join(comp.states)}; initial {comp.initial}")
    for rule in comp.rules:
        when = " ∧ ".join(f"{c}={v}" for c, v in rule.when)
        print(f"    on {rule.symbol}{' if ' + when if when else ''}: reset to {rule.to}")
    print("    any other input: keep")
print("accepting:", [" ∧ ".join(f"{c}={v}" for c, v in a) for a in dec.cascade.accepting])

# %% [markdown]
# **The covering map** $\varphi$ sends each reachable cascade state (one state per
# level) to the table's state it stands for. It is a covering: $\varphi$ of the
# initial tuple is $q_0$, and $\varphi(c\cdot\sigma) = \delta(\varphi(c), \sigma)$ for
# every reachable $c$ and letter $\sigma$ — we re-check this with the cascade's own step.

# %%
cascade = dec.cascade
for c, q in sorted(dec.covering.items(), key=lambda kv: kv[1]):
    print(f"  ({', '.join(c)}) ↦ {q}")
assert dec.covering[cascade.initial] == dfa.start
for c, q in dec.covering.items():
    assert cascade.accepts_state(c) == bool(dfa.accepting[q])
    for s in symbols:
        assert dec.covering[cascade.step(c, s)] == maps[s][q]
print(f"covering checked on {len(dec.covering)} tuples × {len(symbols)} letters")

# %% [markdown]
# **The UHAT.** The cascade's B-RASP program has, per level and state, one strict-future
# attention to the last reset before $i$ (`last[·]`) and, for the levels a rule reads,
# one to the previous position (`prev[·]`); Lemma 9 compiles it. `succinct show
# wordproblem -p monoid=FILE --model uhat` prints the same decomposition.

# %%
report = wp.sizes(wp.resolve(params))["uhat"]
print(f"UHAT: {report.layers} layers, width {report.width}, {report.params} params, "
      f"{report.nonzero} non-zero, {report.bits} bits")
print({key: report.extra[key] for key in ("cascade_levels", "cascade_widths",
                                          "program_attention_ops")})

# %% [markdown]
# **Certified equal.** `verify` compares the compiled UHAT with the table (its maps
# composed in Python) on every word of length 1 to 10, and then (`unbounded=True`)
# builds the exact automaton of each and compares the canonical minimal DFAs: equal
# languages on all words, not just the short ones.

# %%
models = {"table": wp.build("reference", params), "UHAT": wp.build("uhat", params)}
check = verify(models, max_len=10, unbounded=True)
print(f"{check.checked} words of length ≤ 10, {check.disagreements} disagreements; "
      f"unbounded certificate: equal = {check.certificate.equal}")
for model, automaton in check.certificate.automata.items():
    print(f"  {model}: minimal DFA with {automaton.minimal.n_states} states, "
          f"digest {check.certificate.digests[model]}")
assert check.agree

# %% [markdown]
# ## 2. The cascade, drawn
#
# One row per level (top first). Boxes are a level's states (bold edge: initial; green:
# used by an accepting assignment); under each box, the inputs that reset the level to
# that state (every other input keeps it). An arrow from one row to another: the lower
# level's rules read the upper level's state before the letter. No arrow ever points up —
# that is what makes it a cascade.

# %%
def draw_cascade(cascade, title: str) -> PngFigure:
    comps = cascade.components
    accepting = {pair for a in cascade.accepting for pair in a}
    dx, dy = 2.6, 1.5
    fig = PngFigure(figsize=(1.9 + 2.0 * max(len(c.states) for c in comps),
                             0.5 + 1.15 * len(comps)), dpi=80, layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    row = {c.name: -i * dy for i, c in enumerate(comps)}
    for comp in comps:
        y = row[comp.name]
        ax.text(0, y, comp.name, ha="center", va="center", fontsize=10, weight="bold")
        for j, s in enumerate(comp.states):
            x = 1.6 + j * dx
            ax.text(x, y, s, ha="center", va="center", fontsize=8, bbox={
                "boxstyle": "round", "fc": "#c7e9c0" if (comp.name, s) in accepting
                else "white", "lw": 2.5 if s == comp.initial else 1})
            resets = [r.symbol + (" if " + " ∧ ".join(f"{c}={v}" for c, v in r.when)
                                  if r.when else "") for r in comp.rules if r.to == s]
            ax.text(x, y - 0.35, "\n".join(resets), ha="center", va="top", fontsize=7,
                    color="tab:blue")
    for k, comp in enumerate(comps):  # dependencies: the rules of comp read `upper`
        for upper in sorted({c for r in comp.rules for c, _ in r.when}):
            j = [c.name for c in comps].index(upper)
            ax.add_patch(FancyArrowPatch((-0.35, row[upper]), (-0.35, row[comp.name]),
                                         connectionstyle=f"arc3,rad={0.25 * (k - j)}",
                                         arrowstyle="-|>", mutation_scale=12, color="0.3"))
    ax.set_xlim(-1.2, 0.8 + dx * max(len(c.states) for c in comps))
    ax.set_ylim(-dy * (len(comps) - 1) - 1.0, 0.5)
    return fig


show(draw_cascade(cascade, "holonomy cascade of 'ends with aab' (states T<P: tile T of P)"))

# %% [markdown]
# For comparison, the cascade `lasttwo` is *given* as (the last letter, then "equal to
# the last letter?"): two levels, the lower one reading the upper one.

# %%
show(draw_cascade(tables.LASTTWO, "lasttwo, given as a cascade"))

# %% [markdown]
# ## 3. Families that grow
#
# A fixed table is one language: its UHAT and its RNN have constant sizes, so it can
# say nothing about growth. Three families have a size parameter, closed-form sizes and
# verdict rows (`succinct sizes` / `succinct verdict` print the same):
#
# * `window` ($k$): the state is the last $k$ letters; accept iff the $k$-th letter from
#   the end is `a`. Minimal DFA $2^k$ states; the UHAT is a chain of $k-1$ "previous
#   position" attentions.
# * `monotone` ($m$): composition of the order-preserving, extensive maps
#   $e_i : i \mapsto i+1$ on $\{0, \dots, m-1\}$; accept iff $e_0 e_1 \cdots e_{m-2}$
#   occurs as a subsequence. Minimal DFA $m$ states.
# * `cyclic` ($m$): $\mathbb Z_m$ — count the `a`s mod $m$. Minimal DFA $m$ states; a
#   group, so **no** UHAT of the paper's kind exists.
#
# The UHATs' closed forms (dense parameters):

# %%
forms = {"window": composition.window_formulas(), "monotone": composition.monotone_formulas(),
         "cyclic": composition.cyclic_formulas()}
for fam, f in forms.items():
    print(f"{fam:>8}: UHAT params = {f['uhat']['params'] if 'uhat' in f else 'no UHAT exists'};"
          f"  minimal DFA states = {f['dfa']['dfa_states']}")

# %% [markdown]
# The plot is in **bits** (the measure of the verdict rows against *every* model), on a
# $\log_2$ scale: the built UHAT, the built DFA → RNN, the lower bound for every $k$-bit
# RNN from the minimal DFA's states (Prop 1; dashed), and for `window` and `monotone` the
# table bits of the minimal DFA, which every DFA needs (dashed). Markers are sizes
# counted on built models at small parameters; the dotted line is a crossover of a
# verdict row. The last panel is the minimal DFAs' states.

# %%
def log2(v: int) -> float:
    return math.log2(v) if v > 0 else float("nan")


def curve(expr, var, xs):
    return [(x, log2(int(sp.sympify(expr).subs(var, x)))) for x in xs]


panels, states = [], []
for fam, var, xs, key in (("window", composition.k, range(1, 17), "k"),
                          ("monotone", composition.m, range(2, 17), "m"),
                          ("cyclic", composition.m, range(2, 17), "m")):
    family, f = get_family(fam), forms[fam]
    verdict = family.verdict()
    dfa_states = f["dfa"]["dfa_states"]
    # Prop 1's bound as the bits row states it; cyclic has no bits row: the same bound
    prop1 = next((row.right_size for row in verdict.comparisons
                  if row.measure == "bits" and row.right == "RNN"),
                 rnn_bits_bound(log2_ceil(dfa_states)))
    series = [Series("DFA → RNN (built)", "RNN", curve(f["rnn"]["bits"], var, xs)),
              Series("every RNN, Prop 1", "RNN", curve(prop1, var, xs), dashed=True)]
    markers = []
    for row in verdict.comparisons:
        if row.measure != "bits":
            continue
        if row.left == "UHAT" and row.right == "DFA":
            series.append(Series("every DFA (table bits)", "DFA",
                                 [(x, log2(row.values(x)[1])) for x in xs], dashed=True))
            if row in verdict.gaps():  # a gap against every DFA, from its crossover
                markers.append((row.crossover, f"UHAT < every DFA from {key} = "
                                               f"{row.crossover}"))
        if row.left == "UHAT" and row.right == "RNN":
            series.insert(0, Series("UHAT (built)", "UHAT",
                                    [(x, log2(row.values(x)[0])) for x in xs]))
    counted = [(x, family.sizes(family.resolve({key: x}))) for x in list(xs)[1:5]]
    series += [Series(f"{label} counted", side,
                      [(x, log2(s[model].bits)) for x, s in counted], line=False)
               for model, label, side in (("uhat", "UHAT", "UHAT"), ("rnn", "DFA → RNN", "RNN"))
               if counted[0][1][model].bits]
    panels.append(Panel(f"{fam}: bits", key, "log₂ bits", series, markers,
                        footnote="no UHAT exists at any m (ℤ_m is a group)"
                        if fam == "cyclic" else ""))
    states.append(Series(f"{fam}: minimal DFA states", fam,
                         curve(dfa_states, var, xs)))
panels.append(Panel("minimal DFA states", "k or m", "log₂ states", states,
                    footnote="monotone and cyclic: m states each (the lines coincide)"))
show(formula_figure(panels, columns=2, panel_size=(5.0, 3.6)))

# %% [markdown]
# What the verdict rows say (computed from the formulas; only rows against **every**
# model can show a gap):

# %%
for fam in forms:
    print(f"— {fam}")
    for line in get_family(fam).verdict().conclusions():
        print("   ", line)

# %% [markdown]
# Read honestly:
#
# * **window** — the UHAT's $O(k)$ bits are below what *every* DFA needs from $k = 7$
#   on (an exponential gap: the minimal DFA has $2^k$ states). There is **no** gap
#   against RNNs: Prop 1 asks every RNN only for $kD \ge k$ state bits, and a $k$-unit
#   shift register meets that bound. The UHAT beats the DFA → RNN construction, which is
#   a statement about two constructions, not a lower bound.
# * **monotone** — **no** gap: the minimal DFA has only $m$ states, and the UHAT has
#   $\Theta(m^3)$ parameters (each of its $2m - 2$ ops is a dense layer over about $m$
#   coordinates), so it stays above the bound for every RNN and above the minimal DFA's
#   table. (It is smaller than the DFA → RNN construction from $m = 6$ on — again two
#   constructions, no lower bound.)
# * **cyclic** — **no UHAT exists** at any $m$: $\mathbb Z_m$ is a group (the letter `a`
#   has period $m$), the language is not star-free. RNNs of $2m + 1$ units do it; the
#   positional-encoding scan does too, but it is outside the paper's model.
#
# So iterated composition is not a place where UHATs win by default: they cannot do
# groups at all, and on these aperiodic families the bound for every RNN stays far
# below the UHAT, so no separation from RNNs is shown. The gap appears against every
# DFA, where the minimal DFA is exponentially larger than the UHAT (`window`).
#
# The groups again, with positional encodings: the log-depth scan composes $S_5$'s
# maps by hard attention, and it agrees with the table on every word up to $T = 6$.

# %%
s5 = {"monoid": "s5", "T": 6}
scan_check = verify({"table": wp.build("reference", s5), "scan": wp.build("scan", s5)},
                    max_len=6)
print(f"S5 scan vs table: {scan_check.checked} words, agree = {scan_check.agree}; "
      f"{wp.build('scan', s5).n_layers} layers for T = 6")

# %% [markdown]
# ## Exercises
#
# **Explore (not checked).** The table below keeps two bits, state $2h + \ell$: `x` sets
# $h$, `y` clears it, `z` sets $\ell$; accept iff both are set. (The minimal DFA renames
# the states by the shortest words reaching them.) Before running: which image sets are
# $\equiv$ to each other? Why may the covering map send two cascade states to the same
# table state? Then turn a generator into a swap, e.g.
# `"x": {"0": "1", "1": "0", "2": "2", "3": "3"}`, and predict what the decomposition says.

# %%
TWO_BITS = {
    "states": ["0", "1", "2", "3"],
    "generators": {"x": {"0": "2", "1": "3", "2": "2", "3": "3"},
                   "y": {"0": "0", "1": "1", "2": "0", "3": "1"},
                   "z": {"0": "1", "1": "1", "2": "3", "3": "3"}},
    "initial": "0",
    "accepting": ["3"],
}
mine = Path(tempfile.mkdtemp()) / "twobits.json"
mine.write_text(json.dumps(TWO_BITS))
try:
    print(tables.describe(tables.load_table(str(mine))))
except SuccinctError as e:
    print("refused:", e)

# %% [markdown]
# The next two are checked by `check_exercise` against answers computed by brute force
# (closing the monoid under the generators; iterating powers). Solutions:
# `notebooks/solutions/nb08.py`. Both are about this table: neither letter has a period
# ($a^2 = a$, and $b^3 = b^4$), so a letter-by-letter look says "aperiodic".

# %%
TWISTED = {
    "states": ["0", "1", "2", "3"],
    "generators": {"a": {"0": "3", "1": "3", "2": "2", "3": "3"},
                   "b": {"0": "0", "1": "2", "2": "0", "3": "1"}},
    "initial": "0",
    "accepting": ["2"],
}

# %% [markdown]
# **08.aperiodic.** Is the transition monoid of `TWISTED` aperiodic? Answer `True` or
# `False` — by hand, composing maps of short words, before asking the library.

# %%
answer = None  # True or False
print(check_exercise("08.aperiodic", answer))

# %% [markdown]
# **08.witness.** Give the shortest word (the first in shortlex order, $a$ before $b$)
# whose map has a period $p > 1$, i.e. $w^k \ne w^{k+1}$ for every $k$. Then compare
# with `aperiodicity_witness` and with what `wp.build("uhat", ...)` says for this table.

# %%
answer = None  # a word such as "ab"
print(check_exercise("08.witness", answer))
