"""``succinct.learn`` and ``succinct learn`` (issue 15): training, scoring, extraction,
starting from the construction, bad input.

Expected values come from outside the code under test: word counts from ``Σ_n |Σ|^n``,
labels from the family's reference run over every word (itertools), a model that errs on
one chosen word, the family's minimal DFA for the extracted automaton, the relaxation's
certificate (a construction that starts exact must score 1 on every word), and a second
evaluator (the library's RNN) for the exported tanh network. Step counts are small: no
timed assertions.
"""

from __future__ import annotations

import itertools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct.cli.app import app
from succinct.learn import Budget, TrainConfig, TrainingDiverged, learn
from succinct.learn.data import language, training_pool, up_to
from succinct.learn.nets import rnn_net
from succinct.learn.train import extract, score, train
from succinct.recognizer import Predicate
from succinct.registry import get_family
from succinct.words import SuccinctError

runner = CliRunner()
YA = {"formula": "Y a", "alphabet": "ab"}
KEYS = ("params", "train_max_len", "steps", "seconds", "train_accuracy",
        "exhaustive_accuracy", "length_generalization", "shortest_error")


def test_cli_rnn_learns_y_a_exhaustively():
    """The issue's criterion: ``succinct learn ltl -p "formula=Y a" -p alphabet=ab --arch
    rnn --steps 400 --seed 0 --json`` reaches exhaustive accuracy ≥ 0.99, on all
    2 + 4 + … + 2^8 = 510 words up to L = 8, and the JSON has the issue's keys.

    Planted: the labels of the loss flipped (``labels = [0…, 1…]``): accuracy 0; the
    evaluation on the training pool only: ``words_up_to_L`` ≠ 510."""
    res = runner.invoke(app, ["learn", "ltl", "-p", "formula=Y a", "-p", "alphabet=ab",
                              "--arch", "rnn", "--steps", "400", "--seed", "0", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(KEYS) <= set(out)
    assert out["evaluation"] == "exhaustive"
    assert out["words_up_to_L"] == sum(2**n for n in range(1, 9))
    assert out["members_up_to_L"] == sum(2 ** (n - 1) for n in range(2, 9))  # …a then any
    assert out["exhaustive_accuracy"] >= 0.99
    assert out["params"] == 8 * 8 + 8 * 2 + 8 + 8 + 8 + 1
    assert len(out["length_generalization"]["per_length"]) == 3 * 8


def test_training_is_reproducible_under_a_seed():
    """Same seed: the same losses and weights bit for bit; another seed: other ones.

    Planted: the batch key drawn from ``time.time_ns()``: two runs differ."""
    lang = language(get_family("ltl"), YA)

    net = rnn_net(lang.alphabet, jax.random.PRNGKey(0), units=4)

    def run(seed: int):
        return train(net, lang, TrainConfig(steps=50, train_max_len=4, seed=seed))

    a, b, c = run(0), run(0), run(1)
    assert np.array_equal(a.losses, b.losses) and len(a.losses) == 50
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.losses, c.losses)
    assert a.losses[-10:].mean() < a.losses[:10].mean()  # training moves the loss down


def _assert_exact_start(rep: dict) -> None:
    assert rep["start"]["exhaustive_accuracy"] == 1.0
    assert rep["exhaustive_accuracy"] == 1.0 and rep["shortest_error"] is None
    assert rep["length_generalization"]["members"] == 1.0
    assert rep["length_generalization"]["non_members"] == 1.0
    assert rep["exactness"] == "kept"


def test_construction_start_is_exact_on_every_word():
    """``--init construction`` with noise 0 and 0 steps is the relaxed UHAT, certified:
    accuracy 1 on every word up to L and on every scored longer word, exactness "kept".

    Planted: the trainable embedding drops the first row instead of the is_bos row
    (``embed[1:]``): the start scores below 1."""
    r = learn("ltl", YA, arch="transformer", budget=Budget(like="uhat"),
              cfg=TrainConfig(steps=0, train_max_len=5), init="construction")
    _assert_exact_start(r.report)
    # matched budget: the trained parameters are the construction's dense arrays less
    # the fixed is_bos row of the embedding (|Σ| entries), plus one slope per head
    heads = sum(layer.kind == "attention" for layer in r.construction.layers)
    assert r.report["params"] == r.report["construction_params"] - 2 + heads


def test_rnn_construction_start_is_exact_on_every_word():
    """The flip-flop's 1-bit step RNN started as sigmoid units (β = 10, biases − 1/2)
    decides every word up to L and every scored longer word as the reference; its
    states quantize to the 2-state minimal automaton.

    Planted: the readout bias left unshifted (sigmoid states are never 0, so the
    integer readout ``> 0`` accepts everything): accuracy 1/2."""
    r = learn("wordproblem", {"monoid": "flipflop"}, arch="rnn", budget=Budget(like="rnn"),
              cfg=TrainConfig(steps=0, train_max_len=5), init="construction")
    _assert_exact_start(r.report)
    assert r.report["params"] == r.report["construction_params"]
    assert r.report["extraction"]["states"] == 2


def test_exported_tanh_rnn_is_the_trained_network():
    """The exported library RNN (sigmoid, β = 2, rewritten from tanh) decides as the
    training forward on random weights and words.

    Planted: ``b' = b + W·1`` in the rewrite: decisions differ."""
    lang = language(get_family("ltl"), YA)
    net = rnn_net(lang.alphabet, jax.random.PRNGKey(3), units=5)
    rng = np.random.default_rng(0)
    params = {k: v + rng.normal(0, 0.5, np.shape(v)).astype(np.float32)
              for k, v in net.init.items()}
    tok = rng.integers(0, 2, (300, 12)).astype(np.int32)
    lens = rng.integers(1, 13, 300).astype(np.int32)
    z = np.asarray(net.scores(jax.tree_util.tree_map(jnp.asarray, params),
                              jnp.asarray(tok), jnp.asarray(lens)))
    keep = np.abs(z) > 1e-3  # away from float ties
    got = net.export(params, 12).accepts_batch(tok, lens)
    assert keep.sum() > 250
    assert np.array_equal(got[keep], (z > 0)[keep])


def _all_words(alphabet: str, max_len: int) -> list[str]:
    return ["".join(w) for n in range(1, max_len + 1)
            for w in itertools.product(alphabet, repeat=n)]


def test_scores_of_a_model_that_errs_on_one_word():
    """A model equal to the reference except on ``abb`` (and on every word of length
    ≥ 7): accuracy up to L = 5 is 1 − 1/62, the shortest error is ``abb``; beyond L the
    members and non-members of length ≥ 7 are all wrong, of length 6 all right.

    Planted: ``_shortest_error`` keeping the last error found: it reports a longer word."""
    fam = get_family("ltl")
    ref = fam.build("reference", YA)
    lang = language(fam, YA)

    def fn(w: tuple[str, ...]) -> bool:
        truth = bool(ref.accepts(["".join(w)])[0])
        return (not truth) if "".join(w) == "abb" or len(w) >= 7 else truth

    model = Predicate(lang.alphabet, fn)
    pool = training_pool(lang, 5, np.random.default_rng(0))
    rep, words = score(model, lang, pool, 5, seed=0)
    assert rep["words_up_to_L"] == len(_all_words("ab", 5)) == 62
    assert rep["exhaustive_accuracy"] == pytest.approx(1 - 1 / 62)
    assert rep["shortest_error"]["word"] == "abb"
    assert rep["shortest_error"]["member"] is False
    rows = {r["length"]: r for r in rep["length_generalization"]["per_length"]}
    assert rows[6]["members"] == 1.0 and rows[6]["non_members"] == 1.0
    assert all(rows[n]["members"] == 0.0 and rows[n]["non_members"] == 0.0
               for n in range(7, 21))
    # the labels are the reference's, on every word up to L in shortlex order
    assert words.labels.tolist() == ref.accepts(_all_words("ab", 5)).tolist()


def test_sampler_draws_members_and_non_members_as_asked():
    """Path counting draws members (non-members) of one length only: the reference agrees
    on all of them (Dyck-(2,2), where uniform words are almost never members).

    Planted: counts from the complemented accepting set for members: all rejected."""
    lang = language(get_family("dyck"), {"k": 2, "D": 2})
    rng = np.random.default_rng(0)
    for member in (True, False):
        tok = lang.sample(8, 50, member, rng)
        assert len(tok) == 50
        words = lang.label(tok, np.full(50, 8))
        assert words.labels.tolist() == [member] * 50
    assert len(lang.sample(7, 5, True, rng)) == 0  # odd lengths hold no member


def test_extraction_of_the_flip_flop_rnn():
    """The construction's 1-bit RNN of the flip-flop is quantizable; its extracted
    automaton has as many states as the family's minimal DFA and is equivalent to it.

    Planted: codes accepting iff the readout is < 0: not equivalent."""
    fam = get_family("wordproblem")
    raw = {"monoid": "flipflop"}
    lang = language(fam, raw)
    words, exhaustive = up_to(lang, 5, np.random.default_rng(0))
    assert exhaustive and len(words) == sum(3**n for n in range(1, 6))
    ext = extract(fam.build("rnn", raw), words)
    dfa = fam.build("dfa", raw).minimize()
    assert ext["quantizable"] and ext["agrees_with_network"] == 1.0
    assert ext["states"] == dfa.n_states
    assert ext["dfa"].equivalent(dfa)[0]


def test_bad_input_is_one_clear_error():
    """No members up to L, no non-members, a budget without a layer, a construction the
    family lacks, a diverging loss (step and last finite loss named)."""
    with pytest.raises(SuccinctError, match="no members of length ≤ 1"):
        learn("dyck", {}, arch="rnn", cfg=TrainConfig(steps=1, train_max_len=1))
    with pytest.raises(SuccinctError, match="no non-members"):
        learn("ltl", {"formula": "true"}, arch="rnn", cfg=TrainConfig(steps=1,
                                                                       train_max_len=3))
    with pytest.raises(SuccinctError, match="cannot hold one transformer block"):
        learn("ltl", YA, arch="transformer", budget=Budget(layers=0))
    with pytest.raises(SuccinctError, match="cannot hold an RNN layer"):
        learn("ltl", YA, arch="rnn", budget=Budget(units=0))
    with pytest.raises(SuccinctError, match="no rnn construction"):
        learn("ltl", YA, arch="rnn", budget=Budget(like="rnn"))
    with pytest.raises(TrainingDiverged, match=r"at step \d+ \(last finite loss"):
        learn("ltl", YA, arch="rnn", cfg=TrainConfig(steps=50, train_max_len=3, lr=1e38))
    res = runner.invoke(app, ["learn", "dyck", "--arch", "rnn", "-L", "1", "--steps", "1"])
    assert res.exit_code == 2 and res.output.startswith("error: ") \
        and res.output.count("\n") == 1


def test_like_refuses_an_explicit_budget():
    """``--like`` with ``--units`` (or ``--layers``/``--width``) is refused, naming the
    flags: before, the explicit budget was silently ignored. Planted: the check removed
    (the command trained with the construction's budget and exit 0)."""
    res = runner.invoke(app, ["learn", "dyck", "-p", "k=1", "-p", "D=2", "--arch", "rnn",
                              "--like", "rnn", "--units", "4", "--steps", "1", "-L", "4"])
    assert res.exit_code == 2 and "drop --units" in res.output

