"""Lemma 9 compiler: the compiled UHAT equals the B-RASP interpreter, in every mode; compact
mode holds exactly the live predicates and changes no language."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from succinct.compiler.brasp_to_uhat import MODES, compile_program
from succinct.compiler.costs import compiled_op_formulas, compiled_totals
from succinct.programs.brasp import Attend, BRASPError, Input, Local, ProgramBuilder
from succinct.sizes import count
from succinct.testing.strategies import programs, selective_programs, word_lists
from succinct.words import encode


# three modes, each example jit-compiled: 60 a mode (compact = ffn is also checked by
# test_compact_equals_ffn_and_interpreter at the profile's full count)
@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=min(60, settings().max_examples))
@given(program=st.one_of(programs("ab"), selective_programs("ab")),
       words=word_lists("ab", max_len=9, max_size=24))
def test_compiled_equals_interpreter(mode, program, words):
    """The definition (numpy) and the jitted fast path both equal the interpreter (also
    on programs whose answer depends on masks and tie-breaks: ``selective_programs``)."""
    model = compile_program(program, mode).model
    tokens, lengths = encode(words, program.alphabet)
    want = program.accepts_batch(tokens, lengths)
    assert (model.accepts_batch(tokens, lengths) == want).all()
    assert (model.accepts_batch(tokens, lengths, evaluator="fast") == want).all()


@given(program=st.one_of(programs("abc", max_ops=8, max_keys=3),
                         selective_programs("abc", max_ops=8)),
       words=word_lists("abc", max_len=9, max_size=8))
def test_compact_equals_ffn_and_interpreter(program, words):
    """Compaction changes no language: compact = ffn = interpreter on every word, and every
    compiled op's coordinate, right after its last layer, equals the interpreter's
    predicate. (Planted bug: each predicate dropped one op before its last reader; this
    test fails.)"""
    compact = compile_program(program, "compact")
    ffn = compile_program(program, "ffn").model
    tokens, lengths = encode(words, program.alphabet)
    want = program.accepts_batch(tokens, lengths)
    assert (ffn.accepts_batch(tokens, lengths) == want).all()
    assert (compact.model.accepts_batch(tokens, lengths) == want).all()
    layers = compact.model.spec.layers
    for w in words[:3]:
        res = compact.model.residuals(w, evaluator="reference")
        env = program.trace(w)
        for name, (_, hi) in compact.op_layers.items():
            got = res[hi][:, layers[hi - 1].target.index(name)]
            assert (got == env[name]).all(), name


def _reads(op) -> set[str]:
    exprs = [op.expr] if isinstance(op, Local) else \
        [op.score, op.value, op.default] if isinstance(op, Attend) else []
    return {x for e in exprs for x, _ in e.refs()}


@given(program=st.one_of(programs("ab", max_ops=8), selective_programs("ab", max_ops=8)))
def test_compact_residual_holds_exactly_the_live_predicates(program):
    """Brute force, forwards: the ops compiled are those the output reaches through reads
    (depth-first from the output), and before op t the residual holds the inputs and
    exactly the predicates computed before t that are the output or read by a compiled
    op at t or later — in program order. (Planted bugs: compiling dead ops; dropping a
    predicate one op too late, or never: each fails here.)"""
    compiled = compile_program(program, "compact")
    ops = {op.name: op for op in program.ops}
    reached: set[str] = set()
    stack = [program.output]
    while stack:
        x = stack.pop()
        if x not in reached:
            reached.add(x)
            stack.extend(_reads(ops[x]))
    order = [op.name for op in program.ops if not isinstance(op, Input) and op.name in reached]
    assert list(compiled.op_layers) == order
    assert set(compiled.removed) == {op.name for op in program.ops
                                     if not isinstance(op, Input)} - reached
    inputs = [op.name for op in program.ops if isinstance(op, Input)]
    layers = compiled.model.spec.layers
    for t, name in enumerate(order):
        later = set().union(*(_reads(ops[x]) for x in order[t:]))
        want = inputs + [x for x in order[:t] if x == program.output or x in later]
        assert list(layers[compiled.op_layers[name][0]].source.labels) == want, name
    assert list(layers[-1].target.labels) == inputs + [program.output]


def test_dead_ops_are_not_compiled():
    p = ProgramBuilder("ab")
    qa, qb = p.Q("a"), p.Q("b")
    p.attend("junk", mask="future", tie="left", score=qb.j, value=qa.j)
    prev_a = p.attend("prev_a", mask="future", tie="right", score=True, value=qa.j)
    out = p.local("out", prev_a & qb)
    program = p.build(out)
    compact, ffn = compile_program(program), compile_program(program, "ffn")
    assert compact.mode == "compact" and compact.removed == ("junk",)
    assert list(compact.op_layers) == ["prev_a", "out"] and ffn.removed == ()
    assert compact.dropped == {"prev_a": (), "out": ("prev_a",)}
    assert [(x, r) for x, r, _ in compact.schedule()] == [("prev_a", 2), ("out", 3)]
    assert compact.model.n_layers < ffn.model.n_layers
    assert compact.model.accepts(["ab", "ba", "bab"]).tolist() == [True, False, True]


def test_unknown_mode_is_refused():
    p = ProgramBuilder("ab")
    with pytest.raises(BRASPError, match="unknown compile mode 'dense'.*'compact'"):
        compile_program(p.build(p.local("x", p.Q("a"))), "dense")


@settings(max_examples=12)
@given(program=programs("ab"), words=word_lists("ab", max_len=12, max_size=16))
def test_jitted_dense_path_equals_definition(program, words):
    model = compile_program(program, "ffn").model
    tokens, lengths = encode(words, program.alphabet)
    want = model.accepts_batch(tokens, lengths)  # numpy definition
    assert (model.accepts_batch(tokens, lengths, evaluator="dense") == want).all()


@given(program=programs("abc", max_keys=3), words=word_lists("abc", max_len=8, max_size=16))
def test_every_predicate_matches(program, words):
    """Not only the output: every predicate coordinate equals the interpreter's values."""
    compiled = compile_program(program, "ffn")
    for w in words:
        res = compiled.model.residuals(w)[-1]
        env = program.trace(w)
        for name in env:
            got = res[:, compiled.model.spec.output.index(name)]
            assert (got == env[name]).all(), name


@pytest.mark.parametrize("mode", MODES)
@given(program=st.one_of(programs("ab", max_ops=8), selective_programs("ab", max_ops=8)))
def test_size_formulas_equal_counted(mode, program):
    """Per-op formulas (in R and X) = the counts of the op's layers, and the totals
    following R_{t+1} = R_t + 1 − X_t = the model's counts. (Planted bug: compact-mode
    last layers keeping R instead of R − X coordinates; this test fails.)"""
    compiled = compile_program(program, mode)
    counted = count(compiled.model)
    comps = counted.components
    width = len(program.alphabet)
    for name, cost in compiled_op_formulas(compiled).items():
        lo, hi = compiled.op_layers[name]
        got = {"layers": hi - lo, "params": 0, "nonzero": 0, "bits": 0}
        for path, s in comps.items():
            if path.startswith("layers/") and lo <= int(path.split("/")[1]) < hi:
                got["params"] += s.params
                got["nonzero"] += s.nonzero
                got["bits"] += s.bits
        assert cost.at(width) == got, name
        width = cost.width_at(width)
    totals = compiled_totals(compiled)
    assert totals == {"layers": counted.layers, "params": counted.params,
                      "nonzero": counted.nonzero, "bits": counted.bits}


def test_score_outside_special_form_is_refused():
    p = ProgramBuilder("ab")
    qa = p.Q("a")
    p.attend("x", mask="future", tie="right", score=qa.i | qa.j)
    with pytest.raises(BRASPError, match="special form"):
        compile_program(p.build("x"))


def test_special_form_keys_compile_to_equality_score():
    p = ProgramBuilder("ab")
    qa = p.Q("a")
    # Most recent earlier position carrying the same symbol as this one.
    same = p.attend("same", mask="future", tie="right", score=True, value=True, keys=[qa])
    model = compile_program(p.build(same)).model
    words = ["a", "b", "ab", "aa", "ba", "bab", "abb"]
    assert model.accepts(words).tolist() == [False, False, False, True, False, True, True]
    layer = model.spec.layers[0]
    assert layer.fast_path() == "pattern"
    assert np.asarray(model.params["layers"][0]["A_w"]).any()


def test_compiled_scores_stay_within_the_proven_bound():
    """Lemma 9 scores are at most |K| and at least -1; the interval bound covers them."""
    from succinct.models.uhat import value_bounds

    p = ProgramBuilder("ab")
    qa, qb = p.Q("a"), p.Q("b")
    x = p.attend("x", mask="future", tie="left", score=qb.j, value=qa.i, keys=[qa, qb])
    model = compile_program(p.build(x)).model
    bound = dict(value_bounds(model.spec, model.params))["layers/0/attn/score"]
    res = model.residuals("abbab")[0]  # the embedding
    lw = {k: np.asarray(v) for k, v in model.params["layers"][0].items()}
    q = res @ lw["A_w"].T + lw["A_b"]
    k = res @ lw["B_w"].T + lw["B_b"]
    scores = q @ k.T
    assert scores.max() == 2 and scores.min() >= -1
    assert bound >= np.abs(scores).max()
