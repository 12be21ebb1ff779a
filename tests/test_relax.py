"""Softmax relaxations of UHATs (:mod:`succinct.compiler.relax`, issue 13).

The oracle is always a second model: the UHAT itself (exact integer hard attention),
compared on every word up to N, and the independent loop-by-loop numpy reader
:func:`succinct.models.softmax.numpy_forward` of the same weights.
"""

from __future__ import annotations

import itertools
import math

import jax
import numpy as np
import pytest

from succinct.compiler import relax as relax_mod
from succinct.compiler.relax import N, relax
from succinct.models.softmax import numpy_forward
from succinct.recognizer import Recognizer
from succinct.registry import get_family
from succinct.verify import verify
from succinct.words import SuccinctError

EXAMPLE_1 = "b & H(b -> Y a) & H((a & Y true) -> Y b)"


@pytest.fixture(scope="module")
def dyck():
    return get_family("dyck").build("uhat", {"k": 2, "D": 3})


@pytest.fixture(scope="module")
def dyck8(dyck):
    return relax(dyck, max_len=8)


@pytest.fixture(scope="module")
def example1():
    return get_family("ltl").build("uhat", {"formula": EXAMPLE_1, "alphabet": "ab"})


def all_words(k: int, max_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Every word of length 1..max_len over k symbols, padded to max_len, shortest first."""
    rows, lengths = [], []
    for n in range(1, max_len + 1):
        for w in itertools.product(range(k), repeat=n):
            rows.append(list(w) + [0] * (max_len - n))
            lengths.append(n)
    return np.array(rows, np.int32), np.array(lengths, np.int32)


def scores(model, tokens, lengths, beta=None, chunk=1 << 15) -> np.ndarray:
    return np.concatenate([model.scores_batch(tokens[i:i + chunk], lengths[i:i + chunk],
                                              beta=beta)
                           for i in range(0, len(lengths), chunk)])


def test_dyck_equals_uhat_up_to_8(dyck, dyck8):
    """Dyck-(2,3) relaxed at N = 8 equals the UHAT on all 87,380 words (float32, jitted).

    Planted, each failed here (disagreements at N = 8): tie-bias slope 1 instead of 1/(2N),
    which overturns integer gaps (258); slope 1/N, where BOS (S_min − 1) ties with a real
    key of score S_min at the far end (80); BOS score S_min instead of S_min − 1 (296); no
    cleaning FFN after attention, so errors accumulate (3,646); no tie bias, so softmax
    averages ties (1,258)."""
    report = verify({"uhat": dyck, "softmax": dyck8}, max_len=8)
    assert report.checked == 87380
    assert report.disagreements == 0
    assert report.accepted_by["softmax"] == report.accepted_by["uhat"] > 0


def test_example1_equals_uhat_up_to_12(example1):
    """The paper's Example 1 ((ab)+ as an LTL formula, Lemma 9's UHAT) relaxed at N = 12
    agrees on all 8,190 words, and accepts exactly (ab)^k, k ≤ 6.

    Planted, each failed here: tie-bias slope 1 (1,018 disagreements); no cleaning FFN
    (113); no tie bias (3). Slope 1/N and BOS score S_min pass on this model (only the
    Dyck test catches them)."""
    model = relax(example1, max_len=12)
    report = verify({"uhat": example1, "softmax": model}, max_len=12)
    assert report.checked == 8190 and report.disagreements == 0
    assert report.accepted_by["softmax"] == 6


def test_beta_grows_with_n(dyck8):
    """β(64) > β(10) from the certificate's formula, and β(N) = 2N ln(16KN) exactly."""
    f = dyck8.certificate.beta_formula
    assert float(f.subs(N, 64)) > float(f.subs(N, 10))
    K = dyck8.certificate.K
    assert math.isclose(dyck8.certificate.beta, 16 * math.log(16 * K * 8))
    # the proof's ε: N·exp(−β/(2N)) = 1/(16K)
    assert math.isclose(dyck8.certificate.epsilon * K, 1 / 16)


def test_small_beta_breaks_it(dyck, dyck8):
    """Below the certified β the relaxed model is wrong on some word ≤ N: halving β until
    a word disagrees finds a break (the certificate is not vacuous in the sense that the
    scale matters), and a shortest counterexample is reported.

    Planted: ``scores_batch`` ignoring its ``beta`` override (every β' then agrees): this
    test failed."""
    tokens, lengths = all_words(len(dyck.alphabet), 8)
    want = dyck.accepts_batch(tokens, lengths)
    assert np.array_equal(scores(dyck8, tokens, lengths) > 0, want)
    beta = dyck8.certificate.beta
    broken = None
    for k in range(1, 12):
        got = scores(dyck8, tokens, lengths, beta=beta / 2**k) > 0
        if not np.array_equal(got, want):
            broken = (k, np.nonzero(got != want)[0])
            break
    assert broken is not None
    k, bad = broken
    first = bad[np.argmin(lengths[bad])]
    word = "".join(dyck.alphabet.symbols[t] for t in tokens[first, :lengths[first]])
    assert 1 <= len(word) <= 8
    assert beta / 2**k < beta


def test_numpy_reader_equals_jitted(dyck8, example1):
    """The loop-by-loop numpy reader (float64) and the jitted float32 pass give the same
    readout scores (to float32 rounding) and the same decisions.

    Planted: the numpy reader with the tie-bias sign flipped disagreed on some words."""
    rng = np.random.default_rng(0)
    for model in (dyck8, relax(example1, max_len=12)):
        k = len(model.alphabet)
        lengths = rng.integers(1, model.max_len + 1, size=40).astype(np.int32)
        tokens = rng.integers(0, k, size=(40, model.max_len)).astype(np.int32)
        got = model.scores_batch(tokens, lengths)
        ref = np.array([numpy_forward(model, tokens[i, :lengths[i]])
                        for i in range(len(lengths))])
        np.testing.assert_allclose(got, ref, atol=1e-3)
        assert np.array_equal(got > 0, ref > 0)


def test_labels_name_the_uhats_coordinates(dyck, dyck8):
    """Every coordinate label of the relaxed model names the UHAT coordinate whose value it
    holds: after each cleaned attention layer, FFN and ReLU layer, the relaxed coordinate
    called ``c`` (read with the identity as readout on a truncated copy of the model) equals
    the UHAT's coordinate ``c`` (its own reference evaluator), at every position of a few
    words (the first and the last: the positions the readout can read); ``is_bos`` is 0
    on word positions. Widths equal the label counts.

    Planted: the labels of a cleaning block's out shifted by one (a wrong name held a
    different coordinate's value)."""
    from succinct.models.softmax import forward

    labels = dyck8.labels
    assert len(labels.embed) == dyck8.params["embed"].shape[0]
    u_layers = iter(range(1, len(dyck.spec.layers) + 1))  # UHAT residual after layer j
    checks = []  # (softmax layer index, UHAT residual index) where both are exact
    for i, (layer, (inner, out)) in enumerate(zip(dyck8.layers, labels.layers, strict=True)):
        p = dyck8.params["layers"][i]
        width = p.get("W_v", p.get("W_r")).shape[0] if p else len(out)
        assert len(out) == width
        if layer.kind == "attention":
            assert len(inner) == p["W_q"].shape[0]
            j = next(u_layers)
            cleaned_next = i + 1 < len(dyck8.layers) and dyck8.layers[i + 1].name.startswith(
                "clean")
            if not cleaned_next:
                checks.append((i, j))
        elif layer.name.startswith("clean"):
            assert len(inner) == p["W_1"].shape[0]
            checks.append((i, j))
        else:
            j = next(u_layers)
            checks.append((i, j))
    for word in ("([])", "(]", "([)]()", "(((", "[]]", "])", "(()[", "[()]]("):
        ids = np.array([dyck8.alphabet.to_ids(word)], np.int32)
        want = dyck.residuals(word, evaluator="reference")
        for i, j in checks:
            out = labels.layers[i][1]
            u_names = dyck.spec.layers[j - 1].target.labels
            # the identity as readout: the whole vector at the readout position
            params = {"embed": dyck8.params["embed"],
                      "layers": dyck8.params["layers"][:i + 1], "readout": np.eye(len(out))}
            for at, n in (("first", 1), ("last", len(word))):
                got = forward(dyck8.layers[:i + 1], params, dyck8.beta, ids,
                              np.array([len(word)]), at)[0]
                for name, value in zip(out, got, strict=True):
                    expect = 0 if name == "is_bos" else want[j][n - 1][u_names.index(name)]
                    assert abs(value - expect) < 1e-6, (word, i, name, n, value, expect)


def test_refusals(dyck, dyck8):
    """Non-exact UHATs, positional UHATs, N past the float32 range and words longer than
    N are refused with one clear line each."""
    noisy = dyck.with_params(jax.tree_util.tree_map(lambda a: np.asarray(a) + 0.01,
                                                    dyck.params))
    with pytest.raises(SuccinctError, match="exact UHAT"):
        relax(noisy, max_len=8)
    khop = get_family("khop").build("uhat", {"m": 4, "k": 2})
    with pytest.raises(SuccinctError, match="positional"):
        relax(khop, max_len=8)
    with pytest.raises(SuccinctError, match="float32 is certified up to"):
        relax(dyck, max_len=dyck8.certificate.max_len_float32 + 1)
    with pytest.raises(SuccinctError, match="longer than"):
        dyck8.accepts(["(" * 9])
    with pytest.raises(SuccinctError, match="max_len"):
        relax(dyck, max_len=0)


def test_staircase_rounds_within_a_quarter():
    """``clean`` returns the nearest integer for every x within 1/4 of an integer of
    [lo, hi] (the formula of the module docstring, through the built FFN)."""
    lo, hi = np.array([-3.0]), np.array([4.0])
    p = relax_mod._clean(1, (0,), lo, hi)
    for k in range(-3, 5):
        for d in (-0.249, -0.1, 0.0, 0.1, 0.249):
            x = np.array([k + d, 0.0])
            out = p["W_r"] @ x + p["W_2"] @ np.maximum(p["W_1"] @ x + p["b_1"], 0) + p["b_2"]
            assert out[0] == pytest.approx(k)
    bos = np.array([0.0, 1.0])
    out = p["W_r"] @ bos + p["W_2"] @ np.maximum(p["W_1"] @ bos + p["b_1"], 0) + p["b_2"]
    assert out.tolist() == [0.0, 1.0]


def test_dyck_sampled_members_and_near_misses_at_32(dyck):
    """Beyond enumeration: relaxed at N = 32, Dyck-(2,3) agrees with the UHAT on its
    members up to length 32, their mutations (near-misses) and random words.

    Planted: no tie bias (slope 0) disagreed here too."""
    family = get_family("dyck")
    members = [w for w in itertools.islice(family.members(family.resolve({"k": 2, "D": 3})),
                                           400) if len(w) <= 32]
    model = relax(dyck, max_len=32)
    report = verify({"uhat": dyck, "softmax": model}, samples=4000, members=members,
                    sample_max_len=32, seed=1)
    assert report.disagreements == 0
    assert report.accepted_by["softmax"] >= len(set(members)) > 0


def test_is_a_recognizer(dyck8):
    """The relaxed model is a recognizer: sizes, a printout naming β, accepts == batch."""
    assert isinstance(dyck8, Recognizer)
    report = dyck8.size_report()
    assert report.params == dyck8.n_params > 0 and report.layers == len(dyck8.layers)
    assert "β(N) = 2*N*log(64*N)" in str(dyck8)
    assert dyck8.accepts(["()[]", "(]", "(([]))"]).tolist() == [True, False, True]
    assert dyck8.certificate.as_dict()["dtype"] == "float32"
