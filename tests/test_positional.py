"""Positional UHATs: the traceable forward equals the batch evaluation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from constructions import khop
from constructions import wordproblem as wp
from succinct.models.positional import PositionalBuilder
from succinct.words import Alphabet, encode


def _jitted(model, words, evaluator):
    tokens, lengths = encode(words, model.alphabet)
    run = jax.jit(lambda m, t, n: m.forward(t, n, evaluator=evaluator))
    acc, ok = run(model, jnp.asarray(tokens), jnp.asarray(lengths))
    assert bool(ok)
    return np.asarray(acc).tolist()


@pytest.mark.parametrize("evaluator", ["fast", "dense"])
def test_forward_rejects_longer_words_like_accepts(evaluator):
    """pointer chasing (``longer="reject"``): a padded batch mixing members, non-members
    and words longer than T gives the same answers traced and on the host."""
    m, k = 4, 2
    model = khop.transformer(m, k)
    words = khop.sample_words(m, k, 40, np.random.default_rng(1))
    words += [w + ["#"] for w in words[:6]] + [list("0123") * 3]  # longer than T
    assert any(len(w) > model.max_len for w in words)
    want = model.accepts(words).tolist()
    assert any(want) and not all(want)
    assert _jitted(model, words, evaluator) == want


@pytest.mark.parametrize("evaluator", ["fast", "dense"])
def test_forward_rejects_longer_words_even_when_the_dummy_is_accepted(evaluator):
    """``longer="reject"`` stands in a one-symbol word (symbol 0, here ``a``, accepted)
    for a longer word: the forward must still reject it. Accepts iff some ``a`` occurs
    (strictly before the last position, by attention, or at it) and ``|w| ≤ 3``."""
    pb = PositionalBuilder(Alphabet.of("ab"), 3, {"p": ("p", lambda p: p)})
    attn = pb.attention(mask="future", tie="left", query=["s"], new=["seen_a"])
    attn.B["s", "Q_a"] = 1
    attn.A.set_bias("s", 1)
    attn.C_a["seen_a", "Q_a"] = 1
    model = pb.build({"seen_a": 1, "Q_a": 1}, longer="reject")
    words = ["a", "b", "ab", "bb", "bab", "bbb", "aaaa", "bbbba", "abbbb"]
    want = [True, False, True, False, True, False, False, False, False]
    assert model.accepts(words).tolist() == want
    assert _jitted(model, words, evaluator) == want


@pytest.mark.parametrize("evaluator", ["fast", "dense"])
def test_forward_of_a_scan_equals_accepts(evaluator):
    """the wordproblem scan (``longer="error"``) on words of mixed lengths ≤ T."""
    table = wp.BUILTIN["s3"]
    model = wp.scan(table, 12)
    rng = np.random.default_rng(0)
    syms = list(model.alphabet)
    words = [[syms[i] for i in rng.integers(len(syms), size=n)] for n in rng.integers(1, 13, 48)]
    want = model.accepts(words).tolist()
    assert want == table.reference().accepts(words).tolist()
    assert any(want) and not all(want)
    assert _jitted(model, words, evaluator) == want
