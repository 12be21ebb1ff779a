"""The counter families E_N and DC_n: every model against the definition, sizes against
closed forms, and the CLI.

Expected answers come from the language definitions (the paper's literal w_1, the length
formula, the numpy reference recognizer written from the definition, membership in the
generated member set), never from the model under test. Model coverage per input set:

* w_1, w_2, w_3: reference, brasp, uhat (fast path), rnn, dfa — all accept;
* ≥ 1000 distinct mutants of w_1 and of w_2: all five models reject (uhat fast path and,
  for w_1 and 16 mutants of w_2, also the dense path);
* ≥ 1000 distinct mutants of w_3: reference, rnn and dfa reject all of them; brasp the
  first 150; the uhat fast path one batch of 9, one mutant of each kind (UHAT time is
  ~0.27 µs per position and layer on this machine: 1000 mutants of w_3 would take
  ~4 min);
* n = 1: every well-shaped word with 1–6 rows and correct addresses (any counter bits,
  5460 words) and every word of 1–3 rows of any cells ``{0,1}{a,b}#`` (4368 words):
  exactly w_1 is accepted, by reference, rnn and dfa; brasp and uhat on the first set's
  words of ≤ 4 rows and the second's of ≤ 2 rows (their exhaustive check is the exact
  one below);
* exact, on all words: the automata of the B-RASP programs of DC_1, DC_2, E_1, E_2 and
  of the compiled UHAT of DC_1 (:mod:`succinct.exact.future`) minimize to the minimal DFA
  built from the definition;
* E_N, N = 1..4: every member accepted by all models; 200 mutants agree with the
  reference (and are mostly rejected).
"""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from constructions.counter import (
    COUNTER_ALPHABET,
    DC_ALPHABET,
    counter_formulas,
    counter_plans,
    counter_program,
    dc_formulas,
    dc_length,
    dc_plans,
    dc_program,
    dc_word,
    evaluate,
)
from constructions.gadgets import residual_schedule
from succinct.cli.app import app
from succinct.compiler.brasp_to_uhat import compile_program, plan_attend
from succinct.compiler.circuits import build_circuit
from succinct.exact.dispatch import reject_empty
from succinct.exact.future import program_dfa, uhat_dfa
from succinct.programs.brasp import Input, Local
from succinct.registry import get_family
from succinct.sizes import N as N_SYM
from succinct.sizes import n as n_sym
from succinct.words import SuccinctError, bucket_length, encode

DC = get_family("dc")
COUNTER = get_family("counter")
MODELS = ("reference", "brasp", "uhat", "rnn", "dfa")
W1 = "0a#1a#0b#1a#0a#1b#0b#1b#"  # w_1 of the DC family, written out by hand


def run(family, model: str, params: dict, words: list[str], *, chunk: int = 1024,
        **kw) -> np.ndarray:
    """Acceptance of ``words`` by one model: words grouped by padded length (so each
    batch is padded as little as possible), at most ``chunk`` words per call."""
    rec = family.build(model, params)
    alphabet = family.alphabet(family.resolve(params))
    out = np.zeros(len(words), bool)
    groups: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        groups.setdefault(bucket_length(len(w)), []).append(i)
    for width, idx in groups.items():
        for lo in range(0, len(idx), chunk):
            part = idx[lo:lo + chunk]
            tokens, lengths = encode([words[i] for i in part], alphabet, pad_to=width)
            out[part] = np.asarray(rec.accepts_batch(tokens, lengths, **kw), bool)
    return out


# ---------------------------------------------------------------------- mutants
def mutants(word: str, row_len: int, symbols: str, count: int, seed: int) -> list[str]:
    """``count`` distinct words ≠ ``word``: substitutions, deletions, insertions,
    truncations, appended/repeated/swapped rows and cells, random suffixes."""
    rng = random.Random(seed)
    rows = [word[i:i + row_len] for i in range(0, len(word), row_len)]

    def one(kind: str) -> str:
        i = rng.randrange(len(word))
        if kind == "substitute":
            return word[:i] + rng.choice([s for s in symbols if s != word[i]]) + word[i + 1:]
        if kind == "delete":
            return word[:i] + word[i + rng.randint(1, 3):]
        if kind == "insert":
            return word[:i] + rng.choice(symbols) + word[i:]
        if kind == "truncate":
            return word[:rng.randrange(1, len(word))]
        if kind == "append_row":
            return word + rng.choice(rows)
        if kind == "repeat_row":
            r = rng.randrange(len(rows))
            return "".join(rows[:r + 1] + rows[r:])
        if kind == "drop_row":
            r = rng.randrange(len(rows))
            return "".join(rows[:r] + rows[r + 1:])
        if kind == "swap_rows":
            r = rng.randrange(len(rows) - 1)
            return "".join(rows[:r] + [rows[r + 1], rows[r]] + rows[r + 2:])
        if kind == "suffix":
            return word + "".join(rng.choice(symbols) for _ in range(rng.randint(1, 8)))
        raise AssertionError(kind)

    kinds = ["substitute", "delete", "insert", "truncate", "append_row", "repeat_row",
             "drop_row", "swap_rows", "suffix"]
    out: dict[str, str] = {}
    while len(out) < count:
        kind = kinds[len(out) % len(kinds)] if len(out) < len(kinds) else rng.choice(kinds)
        m = one(kind)
        if m and m != word and m not in out:
            out[m] = kind
    return list(out)


# ---------------------------------------------------------------------- DC_n
def test_w_n_is_the_paper_word_and_lengths_follow_the_formula():
    assert dc_word(1) == W1
    assert [dc_length(n) for n in (1, 2, 3, 4, 5)] == [24, 256, 10240, 6291456, 962072674304]
    for n in (1, 2, 3):
        assert len(dc_word(n)) == (n + 2) * 2**n * 2 ** (2**n)
    assert dc_word(2).startswith("00a#01a#10a#11a#00b#01a#10a#11a#00a#01b#10a#11a#")
    assert dc_word(2).endswith("00b#01b#10b#11b#")


def test_w_5_is_refused_with_its_length():
    with pytest.raises(SuccinctError, match="962,072,674,304"):
        dc_word(5)
    with pytest.raises(SuccinctError, match="962,072,674,304"):
        next(iter(DC.members({"n": 5})))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_every_model_accepts_w_n(n):
    for model in MODELS:
        assert run(DC, model, {"n": n}, [dc_word(n)]).tolist() == [True], model


@pytest.mark.parametrize("n", [1, 2])
def test_mutants_of_w_n_are_rejected_by_every_model(n):
    w = dc_word(n)
    ms = mutants(w, (n + 2) * 2**n, DC_ALPHABET.symbols, 1000, seed=n)
    assert len(set(ms)) == 1000
    assert not run(DC, "reference", {"n": n}, ms).any()
    for model in MODELS[1:]:
        got = run(DC, model, {"n": n}, ms)
        assert not got.any(), (model, [m for m, g in zip(ms, got, strict=True) if g][:3])
    dense = ms if n == 1 else ms[:16]
    assert not run(DC, "uhat", {"n": n}, dense, evaluator="dense").any()


def test_mutants_of_w_3_are_rejected():
    w = dc_word(3)
    ms = mutants(w, 5 * 8, DC_ALPHABET.symbols, 1000, seed=3)
    assert not run(DC, "reference", {"n": 3}, ms).any()
    for model in ("rnn", "dfa"):
        assert not run(DC, model, {"n": 3}, ms).any(), model
    assert not run(DC, "brasp", {"n": 3}, ms[:150]).any()
    # The first 9 mutants are one of each kind: one fast-path batch.
    assert not run(DC, "uhat", {"n": 3}, ms[:9]).any()


def well_shaped_n1() -> tuple[list[str], list[str]]:
    """n = 1: rows ``0x#1y#`` (correct addresses, any bits) with 1–6 rows; and any cells
    ``{0,1}{a,b}#`` with 1–3 rows (2 cells per row) that are not in the first set."""
    rows = [f"0{x}#1{y}#" for x in "ab" for y in "ab"]
    shaped = ["".join(rs) for r in range(1, 7) for rs in itertools.product(rows, repeat=r)]
    cells = [f"{b}{x}#" for b in "01" for x in "ab"]
    anything = {"".join(cs) for r in range(1, 4)
                for cs in itertools.product(cells, repeat=2 * r)}
    return shaped, sorted(anything - set(shaped))


def test_n1_exhaustive_well_shaped_words():
    shaped, other = well_shaped_n1()
    assert (len(shaped), len(other)) == (5460, 4368 - 84)
    short = [w for w in shaped if len(w) <= 4 * 6] + [w for w in other if len(w) <= 2 * 6]
    for words, models in ((shaped + other, ("reference", "rnn", "dfa")),
                          (short, ("brasp", "uhat"))):
        want = np.array([w == W1 for w in words])
        assert want.sum() == 1
        for model in models:
            got = run(DC, model, {"n": 1}, words, chunk=8192)
            assert (got == want).all(), (model, [w for w, g in zip(words, got, strict=True)
                                                 if g != (w == W1)][:3])


@pytest.mark.parametrize("family,param,size", [("dc", "n", 1), ("dc", "n", 2),
                                               ("counter", "N", 1), ("counter", "N", 2)])
def test_program_is_exactly_the_language(family, param, size):
    """Unbounded: the B-RASP program's automaton equals the definition's minimal DFA."""
    fam = get_family(family)
    auto, _ = program_dfa(fam.build("brasp", {param: size}), max_states=400_000)
    target = fam.build("dfa", {param: size})
    same, witness = reject_empty(auto).minimize().equivalent(target)
    assert same, witness


def test_compiled_uhat_of_dc1_is_exactly_dc1():
    auto, _ = uhat_dfa(DC.build("uhat", {"n": 1}), max_states=100_000)
    same, witness = reject_empty(auto).minimize().equivalent(DC.build("dfa", {"n": 1}))
    assert same, witness


def test_fast_and_dense_uhat_agree_on_w2_and_its_neighbours():
    w = dc_word(2)
    words = [w, w[:-1], w + w[-16:], w[:100] + "1" + w[101:]]
    fast = run(DC, "uhat", {"n": 2}, words)
    dense = run(DC, "uhat", {"n": 2}, words, evaluator="dense")
    assert fast.tolist() == dense.tolist() == [True, False, False, False]


# ---------------------------------------------------------------------- E_N
@pytest.mark.parametrize("big_n", [1, 2, 3, 4])
def test_counter_members_accepted_and_mutants_agree(big_n):
    members = list(COUNTER.members({"N": big_n}))
    assert len(members) == len(set(members)) == 2 ** (2 ** (big_n - 1) + 1)
    row_len = (big_n + 2) * 2**big_n
    ms = mutants(members[0], row_len // 2, COUNTER_ALPHABET.symbols, 100, seed=big_n)
    ms += mutants(members[-1], row_len // 2, COUNTER_ALPHABET.symbols, 100, seed=10 + big_n)
    member_set = set(members)
    want = np.array([m in member_set for m in ms])
    assert want.sum() < len(ms) // 10  # mutants are mostly outside E_N
    for model in MODELS:
        assert run(COUNTER, model, {"N": big_n}, members).all(), model
        got = run(COUNTER, model, {"N": big_n}, ms)
        assert (got == want).all(), model


def test_counter_reference_spot_checks():
    # E_1 = {0x#1y#: (x, y) ∈ H}
    ref = COUNTER.build("reference", {"N": 1})
    words = ["0a#1b#", "0b#1c#", "0b#1a#", "0c#1b#", "0a#1c#", "0b#1b#", "1a#0b#", "0a#1b"]
    tokens, lengths = encode(words, COUNTER_ALPHABET)
    assert ref.accepts_batch(tokens, lengths).tolist() == [True] * 4 + [False] * 4


# ---------------------------------------------------------------------- sizes
UHAT_SIZES = ("layers", "width", "params", "nonzero", "bits")


def _uhat_sizes_match(report, formulas, var, value) -> None:
    """Counted UHAT sizes (on the arrays) = the closed forms at ``value``, also as the
    report's ``formula_values``."""
    uhat = report["uhat"]
    want = evaluate({k: formulas[f"uhat_{k}"] for k in UHAT_SIZES}, var, value)
    assert {k: getattr(uhat, k) for k in UHAT_SIZES} == want
    assert {k: uhat.formula_values[f"uhat_{k}"] for k in UHAT_SIZES} == want


@pytest.mark.parametrize("mode", ["compact", "ffn", "lemma9"])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_dc_formulas_equal_counted_sizes(n, mode):
    """Closed forms of every mode = counts. Planted: HasAbove drops n − 1 predicates
    instead of n (compact params, nonzero and bits off), W's score one level (every
    mode off), Last's extra bias bits missing (bits off for n ≥ 3)."""
    report = DC.sizes(DC.resolve({"n": n, "mode": mode}))
    f = evaluate(dc_formulas(mode), n_sym, n)
    _uhat_sizes_match(report, dc_formulas(mode), n_sym, n)
    rnn, brasp, dfa = (report[k] for k in ("rnn", "brasp", "dfa"))
    assert (brasp.params, brasp.extra["attention_ops"], brasp.layers) == \
        (3 * n + 25, 3 * n + 13, n + 4)
    assert (rnn.width, rnn.params, rnn.bits, rnn.state_bits) == \
        (f["rnn_units"], f["rnn_params"], f["rnn_bits"], f["rnn_kD"])
    if n <= 3:
        assert dfa.extra["minimized_states"] == dfa.dfa_states == dc_length(n) + 2
    assert rnn.extra["kD_lower_bound"] == int(np.ceil(np.log2(dc_length(n) + 2)))
    assert rnn.extra["kD_minus_lower_bound"] == f["rnn_kD_minus_lower_bound"]


@pytest.mark.parametrize("mode", ["compact", "ffn", "lemma9"])
@pytest.mark.parametrize("big_n", [1, 2, 3, 4, 5, 6])
def test_counter_formulas_equal_counted_sizes(big_n, mode):
    """Closed forms of every mode = counts. Planted: B_inc drops N predicates instead of
    N + 1 (compact off), the First AND missing from B_inc's level 1 (every mode off)."""
    report = COUNTER.sizes(COUNTER.resolve({"N": big_n, "mode": mode}))
    f = evaluate(counter_formulas(mode), N_SYM, big_n)
    _uhat_sizes_match(report, counter_formulas(mode), N_SYM, big_n)
    brasp = report["brasp"]
    assert (brasp.params, brasp.extra["attention_ops"], brasp.layers) == \
        (3 * big_n + 17, 3 * big_n + 7, big_n + 2)
    if big_n <= 5:
        rnn = report["rnn"]
        assert (rnn.width, rnn.params, rnn.bits) == \
            (f["rnn_units"], f["rnn_params"], f["rnn_bits"])
    assert report["dfa"].dfa_states == 2 ** (big_n + 1) * (big_n + 2) - big_n


@pytest.mark.parametrize("family,var,sizes", [("dc", n_sym, range(1, 5)),
                                              ("counter", N_SYM, range(1, 7))])
def test_hand_derived_live_sets_are_the_compilers(family, var, sizes):
    """The residual width before every op and the count it drops, from the hand-written
    plans (:func:`dc_plans`, :func:`counter_plans`), = the compact compiler's schedule
    (its own liveness analysis). Planted: Pref drops nothing (W stays live: every later
    R off by one)."""
    plans, program, n_symbols = (dc_plans, dc_program, 5) if family == "dc" else \
        (counter_plans, counter_program, 6)
    for value in sizes:
        compiled = compile_program(program(value), "compact")
        assert not compiled.removed
        want = [(r, d) for _, r, d in compiled.schedule()]
        assert residual_schedule(plans(value == 1), n_symbols, "compact", var, value) == want


def _bias_bits(program) -> int:
    """``Σ (ℓ(|b|) − 1)`` over the non-zero biases of every circuit the compiler builds
    for ``program`` (scores, values, roots): the bits beyond 3 per entry."""
    total = 0
    for op in program.ops:
        if isinstance(op, Input):
            continue
        circuits = []
        if isinstance(op, Local):
            circuits.append(build_circuit(op.expr, lambda r: r.name, prefix="x"))
        elif (plan := plan_attend(op)) is None:
            circuits.append(build_circuit(op.default, lambda r: r.name, prefix="x"))
        else:
            if plan.score is not None:
                circuits.append(build_circuit(plan.score, lambda r: r.name, prefix="s"))
            circuits.append(build_circuit(plan.result, plan.label, prefix="x"))
        for c in circuits:
            biases = [g.affine()[1] for g in c.gates] + [c.root_affine()[1]]
            total += sum(abs(b).bit_length() - 1 for b in biases if b)
    return total


@pytest.mark.parametrize("family", ["dc", "counter"])
def test_compact_formulas_are_polynomials_and_exact_up_to_64(family):
    """Compact closed forms, n = 1..64: layers, params and nonzero are polynomials in n
    (n ≥ 2) and every size evaluates to an exact integer; bits − 3·params equals the bias
    bits of the compiler's own circuits of the program at n (:func:`_bias_bits`, Python
    ints). Planted: ``floor_log2_sum`` as ``(m + 1)·L − 2^L + 2`` (fails from n = 3);
    the T_k bias bits of B_inc omitted (fails from n = 4)."""
    formulas, var, program = (dc_formulas(), n_sym, dc_program) if family == "dc" else \
        (counter_formulas(), N_SYM, counter_program)
    for key in ("uhat_layers", "uhat_params", "uhat_nonzero"):
        general = formulas[key].args[-1][0] if isinstance(formulas[key], sp.Piecewise) \
            else formulas[key]
        assert general.is_polynomial(var), key
    for value in range(1, 65):
        got = {k: formulas[f"uhat_{k}"].subs(var, value) for k in UHAT_SIZES}
        assert all(isinstance(v, sp.Integer) for v in got.values()), (value, got)
        assert got["bits"] - 3 * got["params"] == _bias_bits(program(value)), value
        assert got["params"] > 0 and got["width"] > 0


def test_rnn_kd_lower_bound_is_exact_for_n_up_to_20():
    """``rnn_kD_lower_bound = 2^n + n + ⌊log₂(n + 2)⌋ + 1`` is ``⌈log₂(|w_n| + 2)⌉``
    (Prop 1 with the |w_n| + 2 states of the minimal DFA), checked on Python ints: ``k``
    with ``2^(k−1) < |w_n| + 2 ≤ 2^k``. Planted: ``⌊log₂(n + 1)⌋`` (fails at n = 2)."""
    bound = dc_formulas()["rnn_kD_lower_bound"]
    for n in range(1, 21):
        states = (n + 2) * 2**n * 2 ** (2**n) + 2
        k = int(bound.subs(n_sym, n))
        assert 2 ** (k - 1) < states <= 2**k, n


def test_symbolic_sizes_print_beyond_materializable_words():
    report = DC.sizes(DC.resolve({"n": 6}))
    length = 8 * 2**6 * 2**64
    assert report["reference"].extra["word_length"] == length
    assert report["dfa"].dfa_states == length + 2
    assert report["rnn"].extra["kD_lower_bound"] == (length + 1).bit_length()
    assert report["uhat"].params == report["uhat"].formula_values["uhat_params"]


# ---------------------------------------------------------------------- CLI
RUN = CliRunner()


def test_cli_word_accepts_and_sizes():
    out = RUN.invoke(app, ["word", "dc", "-p", "n=1"])
    assert out.exit_code == 0 and out.output.strip() == W1
    w2 = dc_word(2)
    out = RUN.invoke(app, ["accepts", "dc", "-p", "n=2", "--model", "uhat", w2, w2[:-4]])
    assert out.exit_code == 0 and out.output.splitlines() == [f"{w2}\taccept",
                                                              f"{w2[:-4]}\treject"]
    out = RUN.invoke(app, ["sizes", "dc", "-p", "n=3", "--json"])
    assert out.exit_code == 0, out.output
    models = json.loads(out.output)["models"]
    assert models["dfa"]["dfa_states"] == 10242
    assert models["rnn"]["kD_lower_bound"] == 14
    out = RUN.invoke(app, ["word", "dc", "-p", "n=5"])
    assert out.exit_code == 2 and "962,072,674,304" in out.output
