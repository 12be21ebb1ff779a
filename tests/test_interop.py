"""flax nnx / optax interop: a construction as nnx.Params, broken, caught, and trained."""

import itertools
import re

import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from succinct import Alphabet, Language, compile_program, count_sizes, parse_ltl, to_brasp
from succinct.interop import from_nnx, to_nnx
from succinct.uhat import ExactRangeError
from succinct.verify import verify
from succinct.words import encode

AB = Alphabet.of("ab")
PHI = parse_ltl("b & H(b -> Y a) & H((a & Y true) -> Y b)", AB)  # (ab)+, Example 1
WORDS = ["".join(w) for n in range(1, 9) for w in itertools.product("ab", repeat=n)]
TRUTH = np.array([re.fullmatch("(ab)+", w) is not None for w in WORDS])  # the oracle


@pytest.fixture(scope="module")
def model():
    return compile_program(to_brasp(PHI, AB), "ffn").model


def test_module_scores_are_the_model(model):
    module = to_nnx(model)
    assert sum(v[...].size for v in module.weights.values()) == count_sizes(model).params
    state = nnx.state(module, nnx.Param)  # ordinary nnx.Params, as optax sees them
    assert set(state["weights"]) == set(module.weights)
    score = np.asarray(module.score_words(WORDS))
    assert ((score > 0) == TRUTH).all()
    back = from_nnx(module, like=model)
    assert back.exact and back.spec == model.spec
    assert (back.accepts(WORDS) == TRUTH).all()


def test_one_broken_weight_is_caught_by_verify(model):
    module = to_nnx(model)
    name = next(k for k in module.weights if k.endswith("C_a"))
    w = np.asarray(module.weights[name][...]).copy()
    w[tuple(np.argwhere(w != 0)[0])] = 0  # forget one attended coordinate
    module.weights[name][...] = jnp.asarray(w)
    broken = from_nnx(module, like=model)
    assert broken.exact  # still integer: exact evaluation and the verifier apply
    assert (broken.accepts(WORDS) != TRUTH).any()
    report = verify({"reference": Language(PHI, AB), "broken": broken}, max_len=8)
    assert not report.agree
    cex = report.counterexample.word
    truth = re.fullmatch("(ab)+", cex) is not None
    assert bool(model.accepts([cex])[0]) == truth
    assert bool(broken.accepts([cex])[0]) != truth
    # The shortlex-least disagreement: no shorter word is misclassified.
    wrong = [w for w, got, want in zip(WORDS, broken.accepts(WORDS), TRUTH, strict=True)
             if got != want]
    assert min(wrong, key=lambda w: (len(w), w)) == cex


def test_an_optax_step_on_a_surrogate_loss(model):
    module = to_nnx(model)
    name = next(k for k in module.weights if k.endswith("C_a"))
    w = np.asarray(module.weights[name][...]).copy()
    w[tuple(np.argwhere(w != 0)[0])] = 0
    module.weights[name][...] = jnp.asarray(w)
    tokens, lengths = encode(WORDS, AB)
    labels = jnp.where(jnp.asarray(TRUTH), 1.0, -1.0)

    def loss_fn(m):
        return jnp.mean(optax.hinge_loss(m(tokens, lengths), labels))

    before = float(loss_fn(module))
    assert before > 0
    optimizer = nnx.Optimizer(module, optax.sgd(0.05), wrt=nnx.Param)
    loss, grads = nnx.value_and_grad(loss_fn)(module)
    optimizer.update(module, grads)
    after = float(loss_fn(module))
    assert float(loss) == pytest.approx(before)
    assert after < before
    tuned = from_nnx(module, like=model)
    assert not tuned.exact  # fractional weights: float evaluation only, on request
    with pytest.raises(ExactRangeError, match="exact=False"):
        tuned.accepts(WORDS[:4])
    got = tuned.accepts(WORDS, exact=False)
    assert got.dtype == bool and got.shape == (len(WORDS),)
