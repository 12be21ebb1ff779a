"""Verification engine: exhaustive coverage, counterexamples, sampling, devices, CLI.

Expected values come from outside the engine: words enumerated with itertools, shortest
counterexamples found by a plain loop over words in shortlex order calling each model on
one word at a time (the UHAT through its dense O(N²) path), and textbook automata.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest
from typer.testing import CliRunner

from succinct.automata.dfa import DFA
from succinct.compiler.brasp_to_uhat import compile_program
from succinct.programs.brasp import FALSE, TRUE, ProgramBuilder
from succinct.programs.ltl import Language, parse, to_brasp
from succinct.recognizer import Predicate, StepMachine
from succinct.verify import mutate, predicted_words, verify
from succinct.words import Alphabet, SuccinctError

AB = Alphabet.of("ab")
FORMULA = "a S b"  # some earlier b, and only a's since
# L(a S b) = words with a b before the last position. Its minimal DFA (by hand): "no b
# yet" (start), "the first b is the last symbol", "accept from now on".
A_S_B = DFA.from_dict({0: {"a": 0, "b": 1}, 1: {"a": 2, "b": 2}, 2: {"a": 2, "b": 2}}, 0, [2],
                      "ab")
# Every UHAT check below uses words up to 7 in batches of 64: one compile per model.
SHAPE = {"max_len": 7, "batch_size": 64}


def shortlex(symbols: str, max_len: int):
    for n in range(1, max_len + 1):
        for w in itertools.product(symbols, repeat=n):
            yield "".join(w)


def wrong_uhat():
    """The compiled UHAT of ``a S b`` with one weight changed (an FFN output -1 → 0)."""
    model = compile_program(to_brasp(parse(FORMULA, AB), AB)).model
    params = jax.tree_util.tree_map(np.array, model.params)
    assert params["layers"][0]["W_2"][2, 0] == -1
    params["layers"][0]["W_2"][2, 0] = 0
    return model, model.with_params(params)


def one_by_one(models: dict) -> dict:
    """Each model as a function of one word (UHATs through the dense O(N²) path)."""
    def call(name, m):
        kw = {"evaluator": "dense"} if name != "reference" else {}
        return lambda w: bool(m.accepts([w], **kw)[0])

    return {name: call(name, m) for name, m in models.items()}


def brute_force_shortest(deciders: dict, max_len: int) -> str | None:
    """The first word (shortlex) on which the models differ, one word per call."""
    for w in shortlex("ab", max_len):
        if len({decide(w) for decide in deciders.values()}) > 1:
            return w
    return None


class Recording:
    """A recognizer that remembers every word it is asked about (host path)."""

    def __init__(self, alphabet: Alphabet) -> None:
        self.alphabet = alphabet
        self.seen: list[tuple[int, ...]] = []

    def accepts_batch(self, tokens, lengths, **_):
        self.seen += [tuple(int(x) for x in tokens[b, :n]) for b, n in enumerate(lengths)]
        return np.ones(len(lengths), bool)


@pytest.mark.parametrize("symbols,max_len,batch", [("ab", 7, 16), ("abc", 5, 10),
                                                   ("abcd", 3, 1000), ("a", 6, 4)])
def test_exhaustive_covers_every_word_once(symbols, max_len, batch):
    alphabet = Alphabet.of(symbols)
    rec = Recording(alphabet)
    everything = Predicate(alphabet, lambda w: True)
    report = verify({"rec": rec, "all": everything}, max_len=max_len, batch_size=batch)
    want = [w for n in range(1, max_len + 1) for w in itertools.product(range(len(symbols)),
                                                                          repeat=n)]
    assert rec.seen == want  # each word exactly once, in shortlex order
    assert report.exhaustive == report.checked == len(want) \
        == sum(len(symbols) ** n for n in range(1, max_len + 1))
    assert predicted_words(len(symbols), max_len) == len(want)
    assert report.disagreements == 0 and report.counterexample is None


def test_wrong_model_caught_with_shortest_counterexample():
    good, bad = wrong_uhat()
    reference = Language(parse(FORMULA, AB), AB)
    models = {"reference": reference, "good": good, "bad": bad}
    deciders = one_by_one(models)
    want = brute_force_shortest(deciders, 7)
    assert want is not None
    report = verify(models, **SHAPE, unbounded=True)
    cex = report.counterexample
    assert cex is not None and cex.word == want and cex.found_by == "exhaustive"
    assert set(cex.accepted_by) == {n for n, decide in deciders.items() if decide(want)}
    assert set(cex.rejected_by) == set(models) - set(cex.accepted_by)
    # Every disagreement is counted: compare with a word-by-word count.
    words = list(shortlex("ab", 7))
    ref = reference.accepts(words)
    assert report.disagreements == int((bad.accepts(words, evaluator="dense") != ref).sum())
    # The unbounded check certifies that good ≡ reference and finds the same word.
    cert = report.certificate
    assert cert is not None and not cert.equal
    assert cert.digests["good"] == cert.digests["reference"] != cert.digests["bad"]
    assert not report.agree
    unbounded_only = verify({"reference": reference, "bad": bad}, unbounded=True)
    assert unbounded_only.checked == 0
    assert unbounded_only.counterexample.word == want
    assert unbounded_only.counterexample.found_by == "unbounded"
    assert unbounded_only.counterexample.rejected_by == tuple(
        n for n in ("reference", "bad") if not deciders[n](want))


def test_equal_models_agree_everywhere():
    phi = parse(FORMULA, AB)
    program = to_brasp(phi, AB)
    models = {"reference": Language(phi, AB), "brasp": program,
              "uhat": compile_program(program).model, "dfa": A_S_B,
              "python": Predicate(AB, lambda w: "b" in w[:-1])}
    # Mutants of members of length ≤ 4 fit the width of the words up to 7: one compile.
    report = verify(models, **SHAPE, samples=300, members=["ab", "bab", "aaba"])
    assert report.agree and report.disagreements == 0 and report.counterexample is None
    assert report.exhaustive == 2**8 - 2 and report.sampled == 303
    exact = {n: m for n, m in models.items() if n != "python"}
    cert = verify(exact, unbounded=True).certificate
    assert cert.equal and len(set(cert.digests.values())) == 1
    assert {a.minimal.n_states for a in cert.automata.values()} == {3}
    assert cert.automata["dfa"].minimal == A_S_B
    assert set(report.as_dict()) >= {"checked", "disagreements", "counterexample",
                                     "words_per_second"}


def test_sampled_mutants_find_a_sparse_disagreement():
    target = "abbab"
    reference = Predicate(AB, lambda w: "".join(w) == target)
    near = Predicate(AB, lambda w: "".join(w) in (target, "abbabb"))
    uniform_only = verify({"ref": reference, "near": near}, samples=64, sample_max_len=6)
    with_members = verify({"ref": reference, "near": near}, samples=400, members=[target])
    assert with_members.counterexample is not None
    assert with_members.counterexample.word == "abbabb"
    assert with_members.counterexample.accepted_by == ("near",)
    assert with_members.sampled == 401 and uniform_only.sampled == 64


def test_mutations_are_single_edits():
    rng = np.random.default_rng(1)
    base = ["abba", "a", "babab"]
    tok = np.zeros((300, 8), np.int32)
    lens = np.zeros(300, np.int32)
    pick = rng.integers(0, 3, 300)
    for r, i in enumerate(pick):
        tok[r, : len(base[i])] = AB.to_ids(base[i])
        lens[r] = len(base[i])
    out, out_len = mutate(tok, lens, 2, rng, 16)

    def edits(w: str) -> set[str]:
        n, res = len(w), set()
        for p in range(n):
            res |= {w[:p] + c + w[p + 1:] for c in "ab" if c != w[p]}
            if n > 1:
                res.add(w[:p] + w[p + 1:])
        res |= {w[:p] + c + w[p:] for p in range(n + 1) for c in "ab"}
        res |= {w[:q] for q in range(1, n)}
        res |= {w[:p + m] + w[p:p + m] + w[p + m:] for p in range(n) for m in range(1, n - p + 1)}
        return res

    for r in range(300):
        got = AB.to_word(out[r, : out_len[r]])
        assert got in edits(base[pick[r]]), (base[pick[r]], got)
        assert not out[r, out_len[r]:].any()


def test_bad_input():
    with pytest.raises(SuccinctError, match=r"a, b.*a, b, c|a, b, c.*a, b"):
        verify({"x": Predicate(AB, lambda w: True),
                "y": Predicate(Alphabet.of("abc"), lambda w: True)}, max_len=3)
    models = {"x": Predicate(AB, lambda w: True), "y": Predicate(AB, lambda w: True)}
    with pytest.raises(SuccinctError, match="2,097,150 words"):
        verify(models, max_len=20, max_words=10_000)
    with pytest.raises(SuccinctError, match="262,142 words.*time limit"):
        verify(models, max_len=17, time_limit=1e-6, batch_size=64)
    with pytest.raises(SuccinctError, match="nothing to check"):
        verify(models)
    p = ProgramBuilder(AB)
    anywhere = p.build(p.attend("some_a", mask="none", tie="left", score=p.Q("a").j,
                                value=TRUE, default=FALSE))
    with pytest.raises(SuccinctError, match="some_a is unmasked: not supported, use the bo"):
        verify({"x": anywhere, "y": Language(parse("F a | a", AB), AB)}, unbounded=True)


MULTI_DEVICE = textwrap.dedent("""
    import json, sys
    import jax, numpy as np
    sys.path.insert(0, {tests!r})
    from test_verify import AB, FORMULA, SHAPE, wrong_uhat
    from succinct.programs.ltl import Language, parse
    from succinct.verify import verify
    good, bad = wrong_uhat()
    r = verify({{"reference": Language(parse(FORMULA, AB), AB), "good": good, "bad": bad}},
               **SHAPE, samples=500, members=["ab", "bab"], seed=3)
    d = r.as_dict()
    print(json.dumps({{k: d[k] for k in ("checked", "exhaustive", "sampled",
                                        "disagreements", "counterexample", "devices")}}))
""")


def test_multi_device_equals_single_device():
    script = MULTI_DEVICE.format(tests=os.path.dirname(__file__))
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4",
               JAX_PLATFORMS="cpu")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True, timeout=300)
    multi = json.loads(out.stdout.strip().splitlines()[-1])
    good, bad = wrong_uhat()
    single = verify({"reference": Language(parse(FORMULA, AB), AB), "good": good, "bad": bad},
                    **SHAPE, samples=500, members=["ab", "bab"], seed=3).as_dict()
    assert multi["devices"] == 4 and single["devices"] == 1
    for key in ("checked", "exhaustive", "sampled", "disagreements", "counterexample"):
        assert multi[key] == single[key], key
    assert single["disagreements"] > 0


def test_cli_verify_and_dfa(tmp_path):
    import succinct.cli.commands  # noqa: F401  (registers the commands)
    from succinct.cli.app import app

    runner = CliRunner()
    res = runner.invoke(app, ["verify", "ltl", "-p", f"formula={FORMULA}", "--models",
                              "reference,uhat,brasp", "--max-len", "7", "--batch-size", "64",
                              "--samples", "50", "--unbounded", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["checked"] == 254 + 50 and data["disagreements"] == 0
    assert data["counterexample"] is None and data["words_per_second"] > 0
    assert data["unbounded"]["equal"]
    dot = tmp_path / "a.dot"
    res = runner.invoke(app, ["dfa", "ltl", "-p", f"formula={FORMULA}", "--model", "uhat",
                              "--dot", str(dot)])
    assert res.exit_code == 0, res.output
    assert "minimal DFA: 3 states (exact, uhat-exact" in res.output  # A_S_B
    assert dot.read_text().count("doublecircle") == 1
    res = runner.invoke(app, ["dfa", "ltl", "-p", "formula=F a", "--model", "reference"])
    assert res.exit_code == 0 and "(exact, ltl-exact" in res.output  # future time: layered
    res = runner.invoke(app, ["dfa", "khop", "--model", "reference"])
    assert res.exit_code == 2 and "--max-len" in res.output
    res = runner.invoke(app, ["dfa", "khop", "--model", "reference", "--max-len", "2"])
    assert res.exit_code == 0 and "words up to length 2" in res.output


def test_state_machine_reference_runs_as_its_table():
    """A reference written as a state machine runs in the verifier as its table, on the
    device next to the UHATs (a machine without a table stays on the host), and the
    verifier finds the counterexample a word-by-word loop finds (the machine's start is
    its state 2; the table numbers it 0). Planted bugs caught: the verifier ignoring the
    table (the machine on the host); the table's accepting states complemented."""
    from succinct.recognizer import StepMachine
    from succinct.verify import _Model

    # L(a S b) as a step function over the states of A_S_B, renamed so the start is 2.
    rename = {0: 2, 1: 0, 2: 1}
    back = {v: k for k, v in rename.items()}
    machine = StepMachine(AB, 2, lambda q, s: rename[int(A_S_B.delta[back[q],
                                                                      AB.symbols.index(s)])],
                          lambda q: bool(A_S_B.accepting[back[q]]), "a S b")
    unbounded = StepMachine(AB, 0, lambda q, s: q + (s == "b"), lambda q: 0 < q, "some b")
    assert _Model("m", machine).on_device and not _Model("u", unbounded).on_device
    good, bad = wrong_uhat()
    models = {"reference": machine, "good": good, "bad": bad}
    want = brute_force_shortest(one_by_one(models), 7)
    report = verify(models, **SHAPE)
    assert want is not None and report.counterexample.word == want
    assert verify({"reference": machine, "good": good}, **SHAPE).agree


@pytest.mark.parametrize("host", [False, True])
def test_accepted_counts_equal_brute_force_counts(host):
    """``accepted`` counts the checked words EVERY model accepts and ``accepted_by`` the
    words each model accepts, both equal to counts over all words up to 7 made by asking
    each model about one word at a time (the UHATs through their dense path). The wrong
    UHAT accepts a different number of words, so its count differs from the others'.
    ``host``: a predicate joins the device models, so the counts are made on the host
    instead of the device. Planted bugs caught: ``accepted`` counting the first model's
    acceptances (the old meaning: 'good' accepts words 'bad' rejects); per-model counts
    all taken from one model's column; invalid padding rows counted."""
    from succinct.verify import _Model

    good, bad = wrong_uhat()
    models = {"good": good, "bad": bad, "dfa": A_S_B}
    deciders = one_by_one({"good": good, "bad": bad})
    deciders["dfa"] = lambda w: bool(A_S_B.accepts([w])[0])
    if host:
        models["python"] = Predicate(AB, lambda w: "b" in w[:-1])
        deciders["python"] = lambda w: "b" in w[:-1]
    assert all(_Model(n, m).on_device for n, m in models.items()) != host
    words = list(shortlex("ab", 7))
    answers = {n: [decide(w) for w in words] for n, decide in deciders.items()}
    want_by = {n: sum(a) for n, a in answers.items()}
    want_all = sum(all(a[i] for a in answers.values()) for i in range(len(words)))
    # 100 rows per batch: the last batch has padding rows, which must not count
    report = verify(models, max_len=7, batch_size=100)
    assert dict(report.accepted_by) == want_by
    assert report.accepted == want_all
    assert want_by["bad"] != want_by["good"] == want_by["dfa"]
    assert want_all < want_by["good"]  # the agreed count is not the first model's
    data = report.as_dict()
    assert data["accepted"] == want_all and data["accepted_by"] == want_by


def test_cli_prints_accepted_counts():
    """The text report names the agreed count and each model's count; --json has both.
    Expected: the members of L(a S b) up to length 5, counted by a plain loop over the
    words. Planted bug caught: the agreed count taken from a per-model count (equal
    here, so caught by the first test) or left out of the line."""
    import succinct.cli.commands  # noqa: F401  (registers the commands)
    from succinct.cli.app import app

    want = sum("b" in w[:-1] for w in shortlex("ab", 5))
    res = CliRunner().invoke(app, ["verify", "ltl", "-p", f"formula={FORMULA}", "--models",
                                   "reference,brasp", "--max-len", "5"])
    assert res.exit_code == 0, res.output
    assert f"accepted: {want} by all; reference {want}, brasp {want}" in res.output
    res = CliRunner().invoke(app, ["verify", "ltl", "-p", f"formula={FORMULA}", "--models",
                                   "reference,brasp", "--max-len", "5", "--json"])
    data = json.loads(res.stdout)
    assert data["accepted"] == want and data["accepted_by"] == {"reference": want,
                                                                 "brasp": want}


def test_a_certificates_automaton_has_states():
    """``verify(..., unbounded=True).certificate.automata[name].states`` is the state count
    of that model's minimal DFA. Expected value by hand: the non-empty words with an even
    number of a's need 3 states (ε, even, odd: ε is rejected, so the start state is not
    the even one); "a" alone needs 3 (start, seen "a", dead). Planted: no ``states``
    property on ``succinct.exact.dispatch.Automaton`` (as before issue 17) →
    AttributeError."""
    ab = Alphabet.of("ab")
    even = DFA(ab, np.array([[1, 0], [0, 1]]), 0, np.array([True, False]))
    only_a_ltl = Language(parse("a & !Y true & !F true", ab), ab)  # the word "a"
    only_a = DFA(ab, np.array([[1, 2], [2, 2], [2, 2]]), 0, np.array([False, True, False]))
    fold = StepMachine(ab, 0, lambda q, s: q ^ (s == "a"), lambda q: q == 0)
    report = verify({"even": even, "even2": fold}, unbounded=True)
    assert report.certificate.equal
    assert {n: a.states for n, a in report.certificate.automata.items()} == {"even": 3,
                                                                              "even2": 3}
    report = verify({"ltl": only_a_ltl, "dfa": only_a}, unbounded=True)
    assert report.certificate.equal
    assert {n: a.states for n, a in report.certificate.automata.items()} == {"ltl": 3, "dfa": 3}
    assert report.certificate.as_dict()["models"]["ltl"]["states"] == 3
