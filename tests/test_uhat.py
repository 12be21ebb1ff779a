"""The UHAT model itself: masks, tie-breaks, the zero vector, exact range, fast paths."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct.models.uhat import ExactRangeError, UHATBuilder
from succinct.words import Alphabet, SuccinctError, encode

AB = Alphabet.of("ab")


def _pointer(mask: str, tie: str, score_on_b: bool):
    """One attention layer copying Q_a from the attended position (position of a
    selected letter), with score Q_b(m) (or constant 0 when ``score_on_b`` is false)."""
    b = UHATBuilder(AB)
    r = b.attention(mask=mask, tie=tie, query=["s"], new=["att_a", "att_b"],
                    boolean=["att_a", "att_b"])
    r.A.set_bias("s", 1)
    if score_on_b:
        r.B[("s", "Q_b")] = 1
    r.C_a[("att_a", "Q_a")] = 1
    r.C_a[("att_b", "Q_b")] = 1
    return b.build(readout={"att_a": 1})


def _oracle(word: str, mask: str, tie: str, score_on_b: bool) -> list[tuple[int, int]]:
    """(att_a, att_b) per position, straight from the paper's definition."""
    out = []
    n = len(word)
    for i in range(n):
        visible = [m for m in range(n) if mask == "none" or (mask == "future" and m < i)
                   or (mask == "past" and m > i)]
        if not visible:
            out.append((0, 0))
            continue
        score = {m: (word[m] == "b") if score_on_b else 0 for m in visible}
        best = max(score.values())
        winners = [m for m in visible if score[m] == best]
        m = winners[0] if tie == "left" else winners[-1]
        out.append((int(word[m] == "a"), int(word[m] == "b")))
    return out


@pytest.mark.parametrize("mask", ["none", "future", "past"])
@pytest.mark.parametrize("tie", ["left", "right"])
@pytest.mark.parametrize("score_on_b", [False, True])
@pytest.mark.parametrize("evaluator", ["fast", "dense", "reference"])
def test_masks_ties_and_zero_vector(mask, tie, score_on_b, evaluator):
    model = _pointer(mask, tie, score_on_b)
    words = ["a", "b", "ab", "ba", "aab", "abba", "babab", "aaaab", "bbbba"]
    for w in words:
        res = model.residuals(w, evaluator=evaluator)[-1]
        got = [tuple(int(x) for x in row[2:4]) for row in res]
        assert got == _oracle(w, mask, tie, score_on_b), (w, got)


def test_strict_future_gives_zero_vector_at_first_position():
    model = _pointer("future", "right", False)
    for w in ["a", "b", "ab"]:
        assert model.residuals(w)[-1][0, 2:4].tolist() == [0, 0]


def test_strict_past_gives_zero_vector_at_last_position():
    model = _pointer("past", "left", False)
    for w in ["a", "ba", "bba"]:
        assert model.residuals(w)[-1][-1, 2:4].tolist() == [0, 0]


@given(st.lists(st.text("ab", min_size=1, max_size=12), min_size=1, max_size=20),
       st.sampled_from(["none", "future", "past"]), st.sampled_from(["left", "right"]))
def test_fast_path_equals_dense(words, mask, tie):
    """Both selection algorithms give bit-identical residuals (batched, padded)."""
    model = _pointer(mask, tie, True)
    tokens, lengths = encode(words, AB)
    assert (model.accepts_batch(tokens, lengths) ==
            model.accepts_batch(tokens, lengths, evaluator="dense")).all()
    want = [_oracle(w, mask, tie, True)[-1][0] == 1 for w in words]
    assert model.accepts(words).tolist() == want


def _opposite(mask: str, tie: str):
    """``score(n, m) = Q_a(n)·Q_b(m) + Q_b(n)·(Q_a(m) + Q_b(m))``: an ``a`` attends to the
    best ``b``, a ``b`` to the best position of either letter (a tie between two key
    patterns, decided by position). The query reads coordinates and the key only Boolean
    ones, so the fast evaluator takes the pattern path."""
    b = UHATBuilder(AB)
    r = b.attention(mask=mask, tie=tie, query=["s", "t"], new=["att_a", "att_b"],
                    boolean=["att_a", "att_b"])
    r.A[("s", "Q_a")] = 1
    r.B[("s", "Q_b")] = 1
    r.A[("t", "Q_b")] = 1
    r.B[("t", "Q_a")] = 1
    r.B[("t", "Q_b")] = 1
    r.C_a[("att_a", "Q_a")] = 1
    r.C_a[("att_b", "Q_b")] = 1
    return b.build(readout={"att_a": 1})


def _opposite_oracle(word: str, mask: str, tie: str) -> list[tuple[int, int]]:
    """(att_a, att_b) per position of :func:`_opposite`, from the definition."""
    out = []
    n = len(word)
    for i in range(n):
        visible = [m for m in range(n) if mask == "none" or (mask == "future" and m < i)
                   or (mask == "past" and m > i)]
        if not visible:
            out.append((0, 0))
            continue
        score = {m: int(word[i] == "b" or word[m] == "b") for m in visible}
        winners = [m for m in visible if score[m] == max(score.values())]
        m = winners[0] if tie == "left" else winners[-1]
        out.append((int(word[m] == "a"), int(word[m] == "b")))
    return out


EVALUATORS = ("reference", "dense", "fast")


# 12 mask × tie × path cases, each compiled per word shape: 60 examples keep CI time down
@settings(max_examples=min(60, settings().max_examples))
@given(st.lists(st.text("ab", min_size=1, max_size=12), min_size=1, max_size=12),
       st.sampled_from(["none", "future", "past"]), st.sampled_from(["left", "right"]),
       st.sampled_from(["scan", "pattern"]))
def test_the_three_evaluators_agree(words, mask, tie, path):
    """The numpy reference, the jitted dense path and the fast selections (scan and
    pattern) give identical residual streams and the definition's attended vectors."""
    if path == "scan":
        model = _pointer(mask, tie, True)
        want = [_oracle(w, mask, tie, True) for w in words]
    else:
        model = _opposite(mask, tie)
        want = [_opposite_oracle(w, mask, tie) for w in words]
    assert model.spec.layers[0].fast_path() == path
    for w, expected in list(zip(words, want, strict=True))[:3]:
        streams = {ev: model.residuals(w, evaluator=ev) for ev in EVALUATORS}
        for ev in EVALUATORS:
            assert all((x == y).all() for x, y in zip(streams["reference"], streams[ev],
                                                      strict=True)), (ev, w)
        got = [tuple(int(x) for x in row[2:4]) for row in streams["fast"][-1]]
        assert got == expected, w
    tokens, lengths = encode(words, AB)
    outs = {ev: model.accepts_batch(tokens, lengths, evaluator=ev).tolist()
            for ev in EVALUATORS}
    assert outs["reference"] == outs["dense"] == outs["fast"] == \
        [row[-1][0] == 1 for row in want]


@pytest.mark.parametrize("path", ["scan", "pattern"])
@pytest.mark.parametrize("evaluator", ["fast", "dense"])
def test_large_batches_compile_the_whole_model_with_the_same_answers(evaluator, path,
                                                                      monkeypatch):
    """From ``WHOLE_MODEL_TOKENS`` tokens on, a dense batch runs ``forward_whole`` (a fast
    one keeps its per-layer steps); both answer as the definition does (the threshold is
    lowered so the batch stays small)."""
    from succinct.models import kernels, uhat

    calls = []
    whole = kernels.forward_whole
    monkeypatch.setattr(kernels, "forward_whole", lambda *a: calls.append(1) or whole(*a))
    monkeypatch.setattr(uhat, "WHOLE_MODEL_TOKENS", 64)
    words = ["".join(w) for w in itertools.product("ab", repeat=5)]  # 32 x 8 tokens
    for mask, tie in itertools.product(("none", "future", "past"), ("left", "right")):
        model = _pointer(mask, tie, True) if path == "scan" else _opposite(mask, tie)
        want = ([_oracle(w, mask, tie, True)[-1][0] == 1 for w in words] if path == "scan"
                else [_opposite_oracle(w, mask, tie)[-1][0] == 1 for w in words])
        tokens, lengths = encode(words, AB)
        assert model.accepts_batch(tokens, lengths, evaluator=evaluator).tolist() == want
    assert len(calls) == (6 if evaluator == "dense" else 0)


@pytest.mark.parametrize("evaluator", ["fast", "dense"])
@pytest.mark.parametrize("padded", [False, True])
def test_traceable_forward_jitted_whole(evaluator, padded):
    """``UHAT.forward`` on the model as a pytree argument of one ``jax.jit``, on its own
    weights or the zero-padded ones (how the verifier runs it), equals the numpy
    reference."""
    import jax
    import jax.numpy as jnp

    words = ["a", "ab", "ba", "abba", "babab", "bbbba", "aab"]
    tokens, lengths = encode(words, AB)
    run = jax.jit(lambda m, p, t, n: m.forward(t, n, evaluator=evaluator, params=p))
    for model in (_pointer("past", "left", True), _opposite("future", "right")):
        weights = model.padded if padded else None
        acc, ok = run(model, weights, jnp.asarray(tokens), jnp.asarray(lengths))
        assert bool(ok)
        assert np.asarray(acc).tolist() == \
            model.accepts_batch(tokens, lengths, evaluator="reference").tolist()


def test_builder_docstring_example_runs():
    import doctest

    from succinct.models import uhat

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for test in finder.find(uhat.UHATBuilder, "UHATBuilder", globs=vars(uhat).copy()):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 6 and result.failed == 0


def test_unknown_evaluator_is_refused():
    with pytest.raises(SuccinctError, match="unknown evaluator 'quick'"):
        _pointer("future", "right", True).accepts(["ab"], evaluator="quick")


@pytest.mark.parametrize("evaluator", ["bogus", "auto"])
def test_residuals_refuse_what_they_cannot_run(evaluator):
    """No silent fallback to the dense path: residuals take reference, dense or fast."""
    with pytest.raises(SuccinctError, match=f"unknown evaluator '{evaluator}' for "
                       "UHAT.residuals \\(one of reference, dense, fast\\)"):
        _pointer("future", "right", True).residuals("ab", evaluator=evaluator)


@pytest.mark.parametrize("evaluator", ["reference", "auto", "bogus"])
def test_forward_refuses_what_it_cannot_trace(evaluator):
    """The traceable pass is dense or fast; anything else is refused (also when traced)."""
    import jax
    import jax.numpy as jnp

    model = _pointer("future", "right", True)
    tokens, lengths = (jnp.asarray(x) for x in encode(["ab", "ba"], AB))
    match = f"unknown evaluator '{evaluator}' for UHAT.forward \\(one of dense, fast\\)"
    with pytest.raises(SuccinctError, match=match):
        model.forward(tokens, lengths, evaluator=evaluator)
    with pytest.raises(SuccinctError, match=match):
        jax.jit(lambda m, t, n: m.forward(t, n, evaluator=evaluator))(model, tokens, lengths)


def test_accept_at_first_position():
    b = UHATBuilder(AB, accept_at="first")
    b.attention(mask="past", tie="left", query=["s"])
    model = b.build(readout={"Q_a": 1})
    assert model.accepts(["ab", "ba", "a", "bbba"]).tolist() == [True, False, True, False]


def test_exact_range_is_enforced():
    b = UHATBuilder(AB)
    r = b.attention(mask="none", tie="left", query=["s"], new=["big"])
    r.A[("s", "Q_a")] = 2**16
    r.B[("s", "Q_a")] = 2**16
    r.C_v[("big", "Q_a")] = 1
    with pytest.raises(ExactRangeError, match="2\\^31"):
        b.build(readout={"big": 1})


def test_non_integer_weights_need_explicit_inexact_mode():
    model = _pointer("future", "right", True)
    params = dict(model.params)
    params["readout"] = np.asarray(params["readout"]) * 0.5
    soft = model.with_params(params)
    assert not soft.exact
    with pytest.raises(ExactRangeError, match="non-integer"):
        soft.accepts(["ab"])
    assert soft.accepts(["ab", "ba"], exact=False).tolist() == [True, False]


def test_bad_batches_are_refused():
    model = _pointer("future", "right", True)
    with pytest.raises(SuccinctError, match="empty word"):
        model.accepts_batch(np.zeros((1, 8), np.int32), np.zeros(1, np.int32))
    with pytest.raises(SuccinctError, match="unknown symbol 'c'"):
        model.accepts(["abc"])


def test_dense_path_refuses_huge_inputs_with_predicted_memory():
    model = _pointer("future", "right", True)
    tokens = np.zeros((1, 1 << 16), np.int32)
    with pytest.raises(SuccinctError, match="GiB"):
        model.accepts_batch(tokens, np.array([1 << 16], np.int32), evaluator="dense")


def test_labelled_printout():
    text = str(_pointer("future", "right", True))
    assert "mask=future, tie=rightmost" in text
    assert "att_a ← a.Q_a" in text
    assert "s ← Q_b" in text


def test_boolean_guard_certifies_deep_compiled_programs():
    """Dyck-(2,16): interval bounds pass 2^31 although every value is 0/1. The model is
    certified with declared-Boolean coordinates bounded by 1 and checks them at every
    attention layer; a weight change that breaks a declaration is refused, not answered."""
    import jax

    from constructions import dyck
    from succinct.models.uhat import value_bounds

    model = dyck.compiled(2, 16).model
    assert model.spec.boolean_guard
    assert max(b for _, b in value_bounds(model.spec, model.params)) > 2**31 - 1
    assert max(b for _, b in value_bounds(model.spec, model.params, boolean_one=True)) \
        <= 2**24  # so it even runs in float32
    words = ["(" * 16 + ")" * 16, "([" * 8 + "])" * 8, "(" * 17 + ")" * 17, "([)]"]
    want = [dyck.is_member(tuple(w), 2, 16) for w in words]
    assert want == [True, True, False, False]
    tokens, lengths = encode(words, dyck.alphabet(2))
    # The numpy definition here; the jitted paths' checks: test_boolean_guard_in_the_verifier.
    assert model.accepts_batch(tokens, lengths).tolist() == want
    params = jax.tree_util.tree_map(np.array, model.params)
    params["embed"][0, 0] = 2  # the input coordinate Q_( is declared Boolean
    broken = model.with_params(params)
    assert broken.spec.boolean_guard
    with pytest.raises(SuccinctError, match="declared Boolean.*refused"):
        broken.accepts_batch(tokens, lengths)
    # Shallow programs keep the plain certificate and no checks.
    assert not dyck.compiled(2, 3).model.spec.boolean_guard


def _chained_gates(gain: int, broken: bool = False):
    """Three FFN gates ``z_t = ReLU(M z_{t−1}) − ReLU(M z_{t−1} − 1)`` (0/1 on 0/1
    inputs, M = 2^11), each followed by an attention layer: intervals give ~2M per gate,
    (2M)^3 > 2^31 in all; bounded by 1 at each attention layer it is ~2M."""
    b = UHATBuilder(AB)
    prev = "Q_a"
    for t in range(3):
        z = f"z{t}"
        r = b.ffn(hidden=[f"h{t}", f"g{t}"], new=[z], boolean=[z])
        r.W_1[(f"h{t}", prev)] = gain
        r.W_1[(f"g{t}", prev)] = gain
        r.W_1.set_bias(f"g{t}", -1)
        r.W_2[(z, f"h{t}")] = 2 if broken and t == 0 else 1
        r.W_2[(z, f"g{t}")] = -1
        b.attention(mask="future", tie="left", query=["s"])
        prev = z
    return b.build(readout={prev: 1})


def test_boolean_guard_in_the_verifier():
    from succinct.recognizer import Predicate
    from succinct.verify import verify

    last_a = Predicate(AB, lambda w: w[-1] == "a")
    good = _chained_gates(2**11)
    assert good.spec.boolean_guard
    assert verify({"uhat": good, "ref": last_a}, max_len=6).agree
    bad = _chained_gates(2**11, broken=True)  # z0 = M + 1 on an a
    assert bad.spec.boolean_guard
    with pytest.raises(SuccinctError, match="bad: a coordinate declared Boolean.*refused"):
        verify({"bad": bad, "ref": last_a}, max_len=3)
    assert not _chained_gates(4).spec.boolean_guard  # small gains: plain certificate


def test_boolean_guard_in_the_exact_automata():
    """The automaton constructions see every residual vector that occurs, so they prove
    the declarations (Dyck-(1,18)) or refuse (a broken gate)."""
    from constructions import dyck
    from succinct.exact.dispatch import reject_empty
    from succinct.exact.future import uhat_dfa
    from succinct.exact.two_sided import two_sided_dfa

    deep = dyck.compiled(1, 18).model
    assert deep.spec.boolean_guard
    assert two_sided_dfa(deep)[0] == reject_empty(dyck.minimal_dfa(1, 18)).minimize()
    bad = _chained_gates(2**11, broken=True)
    for construction in (two_sided_dfa, uhat_dfa):
        with pytest.raises(SuccinctError, match="declared Boolean.*refused"):
            construction(bad)
    # "the last letter is a": the start behaves as "last letter b", so two states.
    assert two_sided_dfa(_chained_gates(2**11))[0].n_states == 2


def _unused_declaration(mask: str):
    """A guarded model (the gain 2^20 passes the plain int32 bound) whose declared-Boolean
    coordinate ``d = 2·Q_a`` is wrong but read by nothing."""
    gain = 1 << 20
    b = UHATBuilder(AB)
    f = b.ffn(hidden=["h"], new=["x", "d"], boolean=["x", "d"])
    f.W_r[("x", "Q_a")] = gain + 1
    f.W_r[("x", "Q_b")] = gain
    f.W_r.set_bias("x", -gain)  # x = Q_a
    f.W_r[("d", "Q_a")] = 2
    at = b.attention(mask=mask, tie="right", query=["s"], new=["px"])
    at.A[("s", "x")] = 1
    at.B[("s", "x")] = 1
    at.C_a[("px", "x")] = 1
    return b.build(readout={"px": 1})


@pytest.mark.parametrize("mask", ["future", "past"])
def test_guard_and_declarations_nothing_reads(mask):
    """The evaluators check every declaration and refuse; the exact automata, which
    compute in int64 and check the declarations the output depends on, give the
    language of the weights (by hand: x = Q_a; at the last position the future layer
    attends to the rightmost earlier a if the last symbol is an a, else to the previous
    position; the past layer sees nothing there)."""
    import itertools

    from succinct.exact.dispatch import exact_dfa

    model = _unused_declaration(mask)
    assert model.spec.boolean_guard
    for call in (lambda: model.accepts(["ba", "ab"]), lambda: model.residuals("ab")):
        with pytest.raises(SuccinctError, match="declared Boolean.*refused"):
            call()
    words = ["".join(w) for n in range(1, 7) for w in itertools.product("ab", repeat=n)]
    want = [mask == "future" and (("a" in w[:-1]) if w[-1] == "a" else w[-2:] == "ab")
            for w in words]
    automaton = exact_dfa(model).minimal
    assert [automaton.accepts_word(w) for w in words] == want


def test_pattern_path_ignores_padding():
    """``w`` is 0/1 inside every word but 2 on padding; the Boolean-key path must not
    refuse the batch for it."""
    b = UHATBuilder(AB)
    f = b.ffn(hidden=["h"], new=["one"], boolean=["one"])
    f.W_r.set_bias("one", 1)
    at = b.attention(mask="past", tie="left", query=["s"], new=["z"])  # 1 iff last position
    at.C_a[("z", "one")] = -1
    at.C_v[("z", "one")] = 1
    at2 = b.attention(mask="future", tie="right", query=["s"], new=["u"])  # 0 in words
    at2.C_a[("u", "z")] = 1
    f2 = b.ffn(hidden=["h"], new=["w"], boolean=["w"])
    f2.W_r[("w", "z")] = 1
    f2.W_r[("w", "u")] = 1
    at3 = b.attention(mask="future", tie="right", query=["s"], new=["r"])
    at3.A.set_bias("s", 1)
    at3.A[("s", "Q_a")] = 1
    at3.B[("s", "w")] = 1
    at3.C_a[("r", "Q_a")] = 1
    model = b.build(readout={"r": 1})
    assert model.spec.layers[-1].fast_path() == "pattern"
    words = ["ab", "a", "bab"]
    want = model.accepts(words).tolist()  # the numpy definition
    assert model.accepts(words, evaluator="fast").tolist() == want == \
        model.accepts(words, evaluator="dense").tolist()


def test_the_declared_boolean_check_in_numpy_and_jax():
    """``layers.booleans_hold``, the one check every evaluator and automaton construction
    calls: only the given columns, only inside the words (padding may hold anything)."""
    import jax
    import jax.numpy as jnp

    from succinct.models import layers

    v = np.zeros((2, 3, 4), np.int64)  # [B, N, R]
    v[:, :, 1] = 1
    v[0, 2, 1] = 5  # word 0 has length 2: padding
    v[:, :, 3] = 7  # a coordinate nobody declared
    in_word = np.arange(3)[None, :] < np.array([2, 3])[:, None]
    for xp, f in ((np, lambda *a: layers.booleans_hold(*a)),
                  (jnp, jax.jit(lambda *a: layers.booleans_hold(*a)))):
        cols = xp.asarray([0, 1])
        assert bool(f(xp.asarray(v), cols, xp.asarray(in_word)))
        assert not bool(f(xp.asarray(v), cols, xp.asarray(np.ones((2, 3), bool))))
        assert not bool(f(xp.asarray(v), xp.asarray([1, 3]), xp.asarray(in_word)))
    assert layers.booleans_hold(v[1], [0, 1]) and not layers.booleans_hold(v[0], [0, 1])


# ---------------------------------------------------------------- the column plan
def _random_words(count: int, lo: int, hi: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(["a", "b"], size=int(n))) for n in rng.integers(lo, hi, count)]


def _tie_probe(mask: str, tie: str, path: str):
    """The attention of :func:`_pointer` (``scan``: score ``Q_b(m)``) or of
    :func:`_opposite` (``pattern``) after a layer that writes at every position whether
    the previous symbol is an a (a constant key: the positional selection). The attended
    vector carries that bit, so the residual stream shows *which* of several equally
    scored positions was selected, not only its symbol."""
    b = UHATBuilder(AB)
    pre = b.attention(mask="future", tie="right", query=["c"], new=["prev_a"],
                      boolean=["prev_a"])
    pre.C_a[("prev_a", "Q_a")] = 1
    r = b.attention(mask=mask, tie=tie, query=["s", "t"], new=["att_a", "att_b", "att_prev"],
                    boolean=["att_a", "att_b", "att_prev"])
    if path == "scan":
        r.A.set_bias("s", 1)
        r.B[("s", "Q_b")] = 1
    else:
        r.A[("s", "Q_a")] = 1
        r.B[("s", "Q_b")] = 1
        r.A[("t", "Q_b")] = 1
        r.B[("t", "Q_a")] = 1
        r.B[("t", "Q_b")] = 1
    r.C_a[("att_a", "Q_a")] = 1
    r.C_a[("att_b", "Q_b")] = 1
    r.C_a[("att_prev", "prev_a")] = 1
    model = b.build(readout={"att_prev": 1})
    assert model.spec.layers[1].fast_path() == path
    return model


def _fast_equals_reference(model, words: list[str]) -> None:
    """Every residual stream and every decision of the fast evaluator equals the numpy
    definition's."""
    for w in words:
        fast, ref = model.residuals(w, evaluator="fast"), model.residuals(w, evaluator="reference")
        assert all((x == y).all() for x, y in zip(fast, ref, strict=True)), w
    assert model.accepts(words, evaluator="fast").tolist() == \
        model.accepts(words, evaluator="reference").tolist()


@pytest.mark.parametrize("path", ["scan", "pattern"])
def test_long_words_take_the_scanned_selections(path):
    """Words longer than ``SCAN_UNROLL`` positions run the cumulative-maximum branches of
    both fast selections (shorter ones the unrolled pass); for every mask and tie-break
    the selected positions equal the definition's. Planted bug caught: the cummax branch
    of ``_scan_select`` keeping the earlier maximizer where the tie-break wants the later
    one (``hit = valid & (s > shifted run)`` in both cases)."""
    from succinct.models import kernels

    words = _random_words(6, kernels.SCAN_UNROLL + 1, 3 * kernels.SCAN_UNROLL, seed=1)
    words += ["b" * 40, "a" * 40, "ab" * 20, "aab" * 13]  # all ties, and alternating
    for mask, tie in itertools.product(("none", "future", "past"), ("left", "right")):
        _fast_equals_reference(_tie_probe(mask, tie, path), words)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("op", ["max", "min"])
def test_blocked_running_extrema(monkeypatch, op, reverse):
    """``kernels._cumulative`` beyond ``SCAN_DIRECT`` (lowered here) folds blocks of
    ``SCAN_BLOCK`` positions recursively; it equals numpy's accumulate for every length,
    including lengths that are not multiples of the block. Planted bug caught: a reverse
    scan taking the first block, not the last, as the one with no blocks before it."""
    import jax.numpy as jnp

    from succinct.models import kernels

    monkeypatch.setattr(kernels, "SCAN_UNROLL", 2)
    monkeypatch.setattr(kernels, "SCAN_DIRECT", 3)
    rng = np.random.default_rng(0)
    f = jnp.maximum if op == "max" else jnp.minimum
    acc = np.maximum.accumulate if op == "max" else np.minimum.accumulate
    for n in (1, 2, 3, 4, 5, 7, 8, 13, 16, 33, 64, 100):
        x = rng.integers(-5, 5, (3, n)).astype(np.int32)
        want = acc(x[:, ::-1], axis=1)[:, ::-1] if reverse else acc(x, axis=1)
        got = np.asarray(kernels._cumulative(f, jnp.asarray(x), reverse))
        assert (got == want).all(), n


@pytest.mark.parametrize("path", ["scan", "pattern"])
def test_blocked_scans_inside_the_selections(monkeypatch, path):
    """The selections with the blocked scans (thresholds lowered, run eagerly so the
    lowered thresholds are traced) equal the oracle. Planted bug caught: combining each
    block with the blocks up to and including it (``whole`` for ``before``)."""
    import jax

    from succinct.models import kernels

    monkeypatch.setattr(kernels, "SCAN_UNROLL", 2)
    monkeypatch.setattr(kernels, "SCAN_DIRECT", 3)
    words = _random_words(4, 1, 23, seed=2) + ["b" * 9, "ab" * 5 + "a", "aab" * 6]
    with jax.disable_jit():
        for mask, tie in itertools.product(("none", "future", "past"), ("left", "right")):
            _fast_equals_reference(_tie_probe(mask, tie, path), words)


@pytest.mark.parametrize("family, params", [("dyck", {"k": 2, "D": 3}), ("dc", {"n": 1})])
def test_column_plan_equals_the_definition_on_compiled_models(family, params):
    """The plan passes most coordinates on as copies, computes the rest from the columns
    they read, and skips what the decision does not depend on: every residual stream of
    the fast evaluator (a plan of every coordinate) equals the numpy definition, and the
    acceptance (the plan of the readout) the reference recognizer. Planted bugs caught:
    a row read as a copy although its FFN hidden part writes it too (``_copies`` without
    the ``others`` check); a computed row restricted to the columns of ``W_r`` only."""
    import jax

    from succinct.models import kernels
    from succinct.registry import get_family

    fam = get_family(family)
    model = fam.build("uhat", params)
    reference = fam.build("reference", params)
    steps = model.plan.steps
    assert sum(len(s.rows) for s in steps) < sum(len(layer.target) for layer in
                                                 model.spec.layers) // 4
    assert any(kernels.ABSENT in s.source for s in steps) or family == "dc"
    rng = np.random.default_rng(3)
    symbols = model.alphabet.symbols
    words = [[symbols[int(i)] for i in rng.integers(0, len(symbols), int(n))]
             for n in rng.integers(1, 12, 40)]
    words += list(itertools.islice(fam.members(params), 10))
    for w in words[:6] + words[-3:]:
        fast, ref = model.residuals(w, evaluator="fast"), model.residuals(w, evaluator="reference")
        assert all((x == y).all() for x, y in zip(fast, ref, strict=True)), w
    assert model.accepts(words, evaluator="fast").tolist() == reference.accepts(words).tolist()
    # the traced pass (weights sliced in-trace), on the words of the shortest bucket: its
    # compile time grows with the padded length (8: 8 s for dc, 32: 29 s); Dyck's short
    # words hold members, DC_1's only member (length 24) is decided by the fast path above
    short = [w for w in words if len(w) <= 8]
    assert family == "dc" or reference.accepts(short).any()
    run = jax.jit(lambda m, t, n: m.forward(t, n))
    tokens, lengths = encode(short, model.alphabet)
    assert np.asarray(run(model, tokens, lengths)[0]).tolist() == \
        reference.accepts(short).tolist()


def test_column_plan_of_rows_that_look_like_copies():
    """Rows whose skip part is a unit vector but that something else writes too: an FFN
    adding its hidden unit to a kept coordinate (``x ← x + ReLU(Q_b − Q_a)``), an FFN
    adding a bias (``y ← y + 1``) and an attention layer adding the attended vector
    (``z ← z + a``). None is a copy; the fast evaluator's streams equal the definition's.
    Planted bug caught: ``_copies`` ignoring the other matrices and the bias."""
    b = UHATBuilder(AB)
    f = b.ffn(hidden=["h"], new=["x", "y", "z"])
    f.W_r[("x", "Q_a")] = 1
    f.W_r[("y", "Q_b")] = 1
    f.W_r[("z", "Q_a")] = 1
    g = b.ffn(hidden=["h"])
    g.W_1[("h", "Q_b")] = 1
    g.W_1[("h", "Q_a")] = -1
    g.W_2[("x", "h")] = 1
    g.W_r.set_bias("y", 1)
    at = b.attention(mask="future", tie="right", query=["s"])
    at.C_a[("z", "x")] = 1
    model = b.build(readout={"x": 1, "y": 1, "z": 1})
    kinds = [s.source for s in model.plan.steps]
    assert kinds[1][2] == kinds[1][3] == kinds[2][4] == -1  # x, y (layer 2), z computed
    _fast_equals_reference(model, ["a", "b", "ab", "ba", "bba", "abab"])


def _overwritten_declaration():
    """A guarded model (gain 2^20) whose declared-Boolean ``x = Q_a`` is checked at the
    first attention layer, then changed in place to ``x + Q_a`` (2 on an a) by an FFN
    that still declares it Boolean, and checked again at the second attention layer,
    which reads it only through ``C_a``."""
    gain = 1 << 20
    b = UHATBuilder(AB)
    f = b.ffn(hidden=["h"], new=["x"], boolean=["x"])
    f.W_r[("x", "Q_a")] = gain + 1
    f.W_r[("x", "Q_b")] = gain
    f.W_r.set_bias("x", -gain)  # x = Q_a
    at = b.attention(mask="future", tie="right", query=["s"], new=["p0"])
    at.A[("s", "x")] = 1
    at.B[("s", "x")] = 1  # the product of the gains passes 2^31: a guarded model
    at.C_a[("p0", "x")] = 1
    g = b.ffn(hidden=["h"], boolean=["x"])
    g.W_r[("x", "Q_a")] = 1  # x ← x + Q_a, in place
    at = b.attention(mask="future", tie="right", query=["s"], new=["p1"])
    at.A.set_bias("s", 1)
    at.B[("s", "Q_b")] = 1  # reads no x: only the declared-Boolean check sees it
    at.C_a[("p1", "x")] = 1
    return b.build(readout={"p1": 1})


def test_boolean_checks_of_copies_are_dropped_not_of_changed_columns():
    """The plan checks a declared column once per value: a column that only copies a
    checked one is not checked again (Dyck-(2,16) keeps far fewer checks than
    declarations), but a column changed in place at the same index is. Planted bug
    caught: tracking checked columns by index instead of by the layer that computed
    them (the changed ``x`` is then never checked and the fast path answers)."""
    from constructions import dyck
    from succinct.models.specs import Attention, guard_columns

    deep = dyck.compiled(2, 16).model
    declared = sum(len(guard_columns(deep.spec, layer)) for layer in deep.spec.layers
                   if isinstance(layer, Attention))
    assert sum(len(s.guard) for s in deep.plan.steps) < declared // 4
    model = _overwritten_declaration()
    assert model.spec.boolean_guard
    for evaluator in ("fast", "dense", "reference"):
        assert model.accepts(["b", "bb"], evaluator=evaluator).tolist() == [False, False]
        with pytest.raises(SuccinctError, match="declared Boolean.*refused"):
            model.accepts(["ab", "bb"], evaluator=evaluator)
