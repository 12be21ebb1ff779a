"""flax nnx / optax interop: a construction as nnx.Params, broken, caught, and trained."""

import itertools
import re

import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from succinct import (
    Alphabet,
    Language,
    RNNBuilder,
    compile_program,
    count_sizes,
    parse_ltl,
    to_brasp,
)
from succinct.interop import from_nnx, to_nnx
from succinct.models.uhat import ExactRangeError
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


def test_an_optax_step_on_a_surrogate_loss():
    # A small construction (ends in ab: b ∧ Y a) keeps the gradient's compile short.
    model = compile_program(to_brasp(parse_ltl("b & Y a", AB), AB), "ffn").model
    truth = np.array([w.endswith("ab") for w in WORDS])
    module = to_nnx(model)
    name = next(k for k in module.weights if k.endswith("C_a"))
    w = np.asarray(module.weights[name][...]).copy()
    w[tuple(np.argwhere(w != 0)[0])] = 0
    module.weights[name][...] = jnp.asarray(w)
    tokens, lengths = encode(WORDS, AB)
    labels = jnp.where(jnp.asarray(truth), 1.0, -1.0)

    def loss_fn(m):
        return jnp.mean(optax.hinge_loss(m(tokens, lengths), labels))

    @nnx.jit
    def train_step(m, opt):
        loss, grads = nnx.value_and_grad(loss_fn)(m)
        opt.update(m, grads)
        return loss

    before = float(nnx.jit(loss_fn)(module))
    optimizer = nnx.Optimizer(module, optax.sgd(0.01), wrt=nnx.Param)
    loss = train_step(module, optimizer)
    after = float(nnx.jit(loss_fn)(module))
    assert float(loss) == pytest.approx(before)
    assert after < before
    tuned = from_nnx(module, like=model)
    assert not tuned.exact  # fractional weights: float evaluation only, on request
    with pytest.raises(ExactRangeError, match="exact=False"):
        tuned.accepts(WORDS[:4])
    got = tuned.accepts(WORDS, exact=False)
    assert got.dtype == bool and got.shape == (len(WORDS),)


def test_rnn_module_scores_are_the_model():
    # 2-bit units with one fractional bit: last_b is 1 after a b, seen adds 1/2 per a
    # (satlin caps it at 1); accept iff the word ends in b and has an a.
    rb = RNNBuilder(AB, ["last_b", "seen"], activation="satlin", bits=2, frac_bits=1,
                    readout={"last_b": 1, "seen": 1}, readout_bias=-1.25)
    rb.U["last_b", "b"] = 1
    rb.W["seen", "seen"] = 1
    rb.U["seen", "a"] = 0.5
    rnn = rb.build()
    module = to_nnx(rnn)
    want = np.array([w.endswith("b") and "a" in w for w in WORDS])
    assert ((np.asarray(module.score_words(WORDS)) > 0) == want).all()
    module.set_entry("U", ("seen", "a"), 0.0)  # never counts an a: accepts nothing
    broken = from_nnx(module, like=rnn)
    assert not broken.accepts(WORDS).any()
    assert module.axes("W") == (("last_b", "seen"), ("last_b", "seen"))


def test_like_compares_structure_not_weight_derived_fields():
    """Dyck-(2,16) needs the Boolean guard; the same structure with all weights zero does
    not (and reads nothing), yet the layers, spaces and masks are the same."""
    import jax

    from constructions import dyck

    deep = dyck.compiled(2, 16).model
    zeroed = deep.with_params(jax.tree_util.tree_map(lambda x: np.asarray(x) * 0,
                                                     deep.params))
    assert deep.spec.boolean_guard and not zeroed.spec.boolean_guard
    assert deep.spec != zeroed.spec
    assert from_nnx(to_nnx(zeroed), like=deep).spec == zeroed.spec
    other = compile_program(to_brasp(PHI, AB), "ffn").model
    with pytest.raises(Exception, match="structure differs"):
        from_nnx(to_nnx(other), like=deep)
