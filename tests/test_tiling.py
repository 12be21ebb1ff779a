"""The tiling family (Lemma 8): solver vs hand-derived answers; reference ≡ B-RASP ≡
UHAT ≡ DFA on members, mutants and random well-shaped words; the program's automaton ≡
the hand-written DFA on all words."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from constructions import tiling as T
from succinct.exact.future import program_dfa
from succinct.programs.brasp import special_form
from succinct.recognizer import accepts
from succinct.registry import get_family
from succinct.sizes import N, count
from succinct.words import SuccinctError, bucket_length, encode

BUNDLED = ["solvable", "unsolvable", "large"]


def _cells(word: str) -> list[str]:
    return [c + "#" for c in word.split("#")[:-1]]


def mutants(instance: T.Instance, word: str, rng: random.Random, limit: int) -> list[str]:
    """Single edits of a tiling's word: tile substitutions, address bit flips, deleted and
    duplicated cells, truncations, repeated/appended rows and swapped rows."""
    cells = _cells(word)
    w = instance.columns
    names = [t.name for t in instance.tiles]
    out: set[str] = set()
    for c, cell in enumerate(cells):
        for u in names:
            if u != cell[-2]:
                out.add("".join(cells[:c] + [cell[:-2] + u + "#"] + cells[c + 1:]))
        for k in range(instance.N):
            flipped = cell[:k] + ("1" if cell[k] == "0" else "0") + cell[k + 1:]
            out.add("".join(cells[:c] + [flipped] + cells[c + 1:]))
        out.add("".join(cells[:c] + cells[c + 1:]))
        out.add("".join(cells[:c + 1] + cells[c:]))
    rows = [cells[r:r + w] for r in range(0, len(cells), w)]
    flat = ["".join(r) for r in rows]
    out.update({word[:-1], word[:-2] + "#", "".join(flat[:-1]), "".join(flat[1:]),
                word + flat[-1], flat[0] + word})
    for r in range(len(flat) - 1):
        out.add("".join(flat[:r] + [flat[r + 1], flat[r]] + flat[r + 2:]))
    out.discard(word)
    out.discard("")
    picked = sorted(out)
    rng.shuffle(picked)
    return picked[:limit]


def random_grid_words(instance: T.Instance, rng: random.Random, n_words: int,
                      max_rows: int = 3) -> list[str]:
    """Encodings of random grids (well-shaped, addresses right, rules 1–5 not enforced)."""
    names = [t.name for t in instance.tiles]
    out = []
    for _ in range(n_words):
        m = rng.randint(1, max_rows)
        rows = ["".join(rng.choice(names) for _ in range(instance.columns)) for _ in range(m)]
        out.append(T.encode_tiling(instance, rows))
    return out


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module", params=BUNDLED)
def bundle(request):
    """One bundled instance with its program and its UHAT (compiled once, through the
    registry's cache, which the other tests share)."""
    fam = get_family("tiling")
    p = {"instance": request.param}
    return T.load_instance(request.param), fam.build("brasp", p), fam.build("uhat", p)


# Words per UHAT call: every call has the same batch shape (one XLA compile). The UHAT
# runs on the dense attention path, which compiles about 3x faster than the fast path
# for these short words; fast ≡ dense is property-tested with the UHAT itself.
CHUNK = 32


def _four(inst, program, model, words):
    """Acceptance by the reference, the B-RASP program, the UHAT and the DFA."""
    tokens, lengths = encode(words, inst.alphabet, pad_to=max(32, bucket_length(
        max(len(w) for w in words))))
    ref = T.reference(inst).accepts_batch(tokens, lengths)
    bra = program.accepts_batch(tokens, lengths)
    dfa = T.tiling_dfa(inst).run(tokens, lengths)
    uhat = []
    for lo in range(0, len(words), CHUNK):
        chunk = words[lo:lo + CHUNK]
        padded = chunk + [chunk[-1]] * (CHUNK - len(chunk))
        t, n = encode(padded, inst.alphabet, pad_to=tokens.shape[1])
        uhat.append(model.accepts_batch(t, n, evaluator="dense")[: len(chunk)])
    return ref, bra, np.concatenate(uhat), dfa


def _disagree(words, ref, other):
    return [w for w, a, b in zip(words, ref, other, strict=True) if a != b]


# ---------------------------------------------------------------------- solver
@pytest.mark.parametrize("name", BUNDLED)
def test_solver_matches_hand_derived_answer(name):
    inst = T.load_instance(name)
    answer = inst.answer
    result = T.solve(inst)
    assert result.status == ("solvable" if answer["solvable"] else "unsolvable")
    if answer["solvable"]:
        assert result.height == answer["rows"]
        assert result.rows[0] == answer["first_row"]
        assert result.rows[-1] == answer["last_row"]
        assert T.violation(inst, result.rows) is None


def test_solver_large_counter_rows_count_up():
    """The 16 rows of the counter instance hold 0, 1, …, 15: the bit of a tile is
    ``p xor c`` from its name (columns: a-d, e-h, i-l, then m, n; see the JSON)."""
    inst = T.load_instance("large")
    rows = T.solve(inst).rows
    bit = {}
    for group in ("abcd", "efgh", "ijkl"):
        for (p, c), name in zip([(0, 0), (0, 1), (1, 0), (1, 1)], group, strict=True):
            bit[name] = p ^ c
    bit.update({"m": 1, "n": 0})
    values = [int("".join(str(bit[t]) for t in row), 2) for row in rows]
    assert values == list(range(16))


def test_solver_bound_gives_unknown():
    inst = T.load_instance("large")
    result = T.solve(inst, max_rows=15)
    assert result.status == "unknown" and result.rows is None
    assert T.solve(inst, max_rows=16).height == 16


def test_solver_refuses_too_many_rows():
    inst = T.parse_instance({"N": 3, "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0]})
    assert T.solve(inst).rows == ("a" * 8,)
    with pytest.raises(T.TilingError, match="horizontally valid rows"):
        T.solve(T.parse_instance({"N": 4, "tiles": [[0, 0, 0, 0], [0, 1, 0, 1]],
                                  "final": [0, 0, 0, 0]}), max_row_states=1000)


# ---------------------------------------------------------------------- parsing
@pytest.mark.parametrize("data, match", [
    ([1, 2], "JSON object"),
    ({"tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0]}, "missing field 'N'"),
    ({"N": 1, "final": [0, 0, 0, 0]}, "missing field 'tiles'"),
    ({"N": 1, "tiles": [[0, 0, 0, 0]]}, "missing field 'final'"),
    ({"N": 0, "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0]}, "out of range"),
    ({"N": 13, "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0]}, "out of range"),
    ({"N": "2", "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0]}, "N must be an integer"),
    ({"N": 1, "tiles": [[0, -1, 0, 0]], "final": [0, 0, 0, 0]}, "up is -1"),
    ({"N": 1, "tiles": [[0, 0, 0]], "final": [0, 0, 0, 0]}, "left, up, right, down"),
    ({"N": 1, "tiles": [[0, 0, True, 0]], "final": [0, 0, 0, 0]}, "right must be an integer"),
    ({"N": 1, "tiles": [], "final": [0, 0, 0, 0]}, "non-empty"),
    ({"N": 1, "tiles": [[0, 0, 0, 0]], "final": [0, 1, 0, 0]}, "not one of the tiles"),
    ({"N": 1, "tiles": [[0, 0, 0, 0], [0, 0, 0, 0]], "final": [0, 0, 0, 0]}, "repeats"),
    ({"N": 1, "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0], "names": "#"}, "ASCII letter"),
    ({"N": 1, "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0], "names": "ab"}, "2 letters"),
    ({"N": 1, "tiles": [[0, 0, 0, 0], [1, 0, 0, 0]], "final": [0, 0, 0, 0], "names": "aa"},
     "names repeat"),
    ({"N": 1, "tiles": [[0, 0, 0, 0]], "final": [0, 0, 0, 0], "extra": 1}, "unknown field"),
])
def test_bad_instances_are_refused(data, match):
    with pytest.raises(T.TilingError, match=match):
        T.parse_instance(data)


def test_instance_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"N": 1, "tiles": [[0,0,0,0]],', encoding="utf-8")
    with pytest.raises(T.TilingError, match="not valid JSON"):
        T.load_instance(str(bad))
    with pytest.raises(T.TilingError, match="bundled instances: large, solvable, unsolvable"):
        T.load_instance("no-such-instance")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"N": 1, "tiles": [[0, 0, 1, 0], [1, 0, 0, 0]],
                                "final": [1, 0, 0, 0], "names": "xY"}), encoding="utf-8")
    inst = T.load_instance(str(good))
    assert inst.alphabet.symbols == ("0", "1", "#", "x", "Y")
    assert inst.final.name == "Y" and inst.name == "good"
    fam = get_family("tiling")
    assert list(fam.members(fam.resolve({"instance": str(good)}))) == ["0x#1Y#"]
    with pytest.raises(SuccinctError, match="no instance file"):
        fam.build("reference", {"instance": str(tmp_path / "missing.json")})


# ---------------------------------------------------------------------- words
def test_encode_decode_round_trip():
    inst = T.load_instance("large")
    rows = T.solve(inst).rows
    word = T.encode_tiling(inst, rows)
    assert word.startswith("00d#01h#10l#11n#00a#")
    assert len(word) == (inst.N + 2) * inst.columns * 16
    assert T.decode(inst, word) == rows
    with pytest.raises(T.TilingError, match="expected 4"):
        T.encode_tiling(inst, ["abc"])
    with pytest.raises(T.TilingError, match="unknown tile"):
        T.encode_tiling(inst, ["abcz"])


@pytest.mark.parametrize("word, match", [
    ("0a#1b", "does not end with #"),
    ("0a#11b#", "not N=1 bits"),
    ("0a#0b#", "address 0, expected 1"),
    ("0a#1b#0c#", "1 of 2 cells"),
    ("0z#1b#", "not N=1 bits"),
])
def test_decode_explains(word, match):
    inst = T.load_instance("solvable")
    assert match in T.explain(inst, word)


# ---------------------------------------------------------------------- program
def test_program_shape_and_size_formulas(bundle):
    inst, program, model = bundle
    subs = {N: inst.N, T.K: len(inst.tiles)}
    f = {k: int(v.subs(subs)) for k, v in T.program_formulas().items()}
    assert f["predicates"] == len(program.ops)
    assert f["attention_ops"] == len(program.attention_ops)
    assert f["symbols"] == len(inst.alphabet)
    assert f["predicates"] - f["symbols"] - f["attention_ops"] == f["local_ops"]
    assert f["attention_depth"] == program.attention_depth()
    for op in program.attention_ops:
        assert (op.mask, op.tie) == ("future", "right")
        special_form(op)
    # Compact mode: after the last op the residual holds the inputs and the output only.
    assert len(model.spec.layers[-1].target) == f["symbols"] + 1


def test_uhat_size_formulas_equal_counted(bundle):
    inst, _, _ = bundle
    fam = get_family("tiling")
    report = fam.sizes(fam.resolve({"instance": inst.name}))
    counted = count(fam.build("uhat", {"instance": inst.name}))
    assert report["uhat"].formula_totals == {
        "layers": counted.layers, "params": counted.params, "nonzero": counted.nonzero,
        "bits": counted.bits}
    assert report["brasp"].formula_values["predicates"] == report["brasp"].params


# ---------------------------------------------------------------------- agreement
def test_members_and_mutants(bundle):
    """Members accepted, mutants rejected, and the four recognizers agree everywhere.

    For an unsolvable instance the words are grids of its horizontally valid rows (every
    one breaks a rule) and their mutants."""
    inst, program, model = bundle
    rng = random.Random(7)
    result = T.solve(inst)
    # Stacking two tilings gives a tiling (tops have up 0, bottoms down 0).
    members = [T.encode_tiling(inst, result.rows) * k for k in (1, 2)] if result.rows else []
    if members:
        # The counter's mutants of w·w would be > 512 symbols: a costlier UHAT batch.
        seeds = members if inst.N == 1 else members[:1]
    else:
        rows = ["".join(t.name for t in r) for r in T.valid_rows(inst)]
        seeds = [T.encode_tiling(inst, [a, b]) for a in rows for b in rows] + \
            [T.encode_tiling(inst, [a]) for a in rows]
    # Long words are costly for the UHAT: the counter instance gets fewer mutants.
    budget = 60 if inst.N > 1 else 320
    bad = sorted(({m for s in seeds for m in mutants(inst, s, rng, budget)} | set(seeds))
                 - set(members))
    bad = rng.sample(bad, min(len(bad), budget))
    noise = ["".join(rng.choice(inst.alphabet.symbols) for _ in range(rng.randint(1, 20)))
             for _ in range(20 if inst.N == 1 else 0)]
    words = members + bad + noise
    ref, bra, uhat, dfa = _four(inst, program, model, words)
    for other in (bra, uhat, dfa):
        assert (ref == other).all(), _disagree(words, ref, other)
    assert ref[: len(members)].all()
    assert not ref[len(members):].any()
    assert len(bad) >= (50 if inst.N > 1 else 60)


def test_top_row_rule_is_checked():
    """Rule 2 at the top (the reconstructed D_top): a one-row grid that breaks only it."""
    for up, want in [(1, False), (0, True)]:
        inst = T.parse_instance({"N": 1, "tiles": [[0, up, 1, 0], [1, 0, 0, 0]],
                                 "final": [1, 0, 0, 0]})
        word = T.encode_tiling(inst, ["ab"])
        assert (T.violation(inst, ["ab"]) is None) == want
        assert T.brasp_program(inst).accepts([word]).tolist() == [want]
        # The last cell itself: its up must be 0 too.
        inst2 = T.parse_instance({"N": 1, "tiles": [[0, 0, 1, 0], [1, up, 0, 0]],
                                  "final": [1, up, 0, 0]})
        assert T.brasp_program(inst2).accepts([word]).tolist() == [want]


@pytest.mark.parametrize("name", ["solvable", "unsolvable"])
def test_program_equals_dfa_on_all_words(name):
    """Unbounded check (both automata minimized and compared): the Lemma 8 program,
    with the ∨ in Gadget B and the reconstructed D_top, decides exactly the language
    of the hand-written DFA, which reads rules 1–5 directly.

    Expected sizes by hand: ``solvable`` has the language (0a#1b#0c#1d#)^+ (after cd only
    ab or eb fit, and eb leads nowhere), so 12 + 2 states (the cycle, its accepting
    boundary, the dead state); ``unsolvable`` has the empty language: 1 state."""
    inst = T.load_instance(name)
    got, _ = program_dfa(T.brasp_program(inst))
    want = T.tiling_dfa(inst)
    assert want.equivalent(got) == (True, None)
    assert got.minimize().n_states == want.n_states == {"solvable": 14, "unsolvable": 1}[name]


def test_dfa_of_counter_instance():
    """The counter instance's language is (w)^+ for its one 16-row tiling w, |w| = 256:
    the minimal complete DFA has |w| + 1 states on the cycle (the start state is
    not accepting, so the boundary after w is distinct) plus a dead state."""
    inst = T.load_instance("large")
    dfa = T.tiling_dfa(inst)
    word = T.encode_tiling(inst, T.solve(inst).rows)
    assert dfa.n_states == len(word) + 2
    assert dfa.run(*encode([word, word * 3, word[:-4]], inst.alphabet)).tolist() == [
        True, True, False]


def test_registry_models_and_members():
    fam = get_family("tiling")
    p = {"instance": "solvable"}
    assert list(fam.members(fam.resolve(p))) == ["0a#1b#0c#1d#"]
    assert list(fam.members(fam.resolve({"instance": "unsolvable"}))) == []
    with pytest.raises(SuccinctError, match="unknown"):
        list(fam.members(fam.resolve({"instance": "large", "max_rows": "4"})))
    words = ["0a#1b#0c#1d#", "0a#1b#", "0c#1d#"]
    inst = T.load_instance("solvable")
    got = _four(inst, fam.build("brasp", p), fam.build("uhat", p), words)
    for recognizer in got:
        assert recognizer.tolist() == [True, False, False]
    for model in ("reference", "dfa"):
        assert accepts(fam.build(model, p), words).tolist() == [True, False, False]


# ---------------------------------------------------------------------- hypothesis
@st.composite
def small_instances(draw):
    k = draw(st.integers(2, 4))
    colour = st.integers(0, 2)
    tiles = draw(st.lists(st.tuples(colour, colour, colour, colour), min_size=k, max_size=k,
                          unique=True))
    final = draw(st.sampled_from(tiles))
    return T.parse_instance({"N": 1, "tiles": [list(t) for t in tiles], "final": list(final)})


def _random_words(inst: T.Instance, seed: int) -> tuple[list[str], bool]:
    """20 random grids of 1-3 rows, plus the solver's smallest tiling (if it has at most
    4 rows) and 8 of its mutants: every word has ≤ 30 symbols (one batch shape)."""
    rng = random.Random(seed)
    words = random_grid_words(inst, rng, 20)
    result = T.solve(inst, max_rows=4)
    if result.rows is not None:
        member = T.encode_tiling(inst, result.rows)
        words += [member] + mutants(inst, member, rng, 8)
    return words, result.rows is not None


@given(inst=small_instances(), seed=st.integers(0, 2**16))
def test_random_instances_reference_equals_brasp(inst, seed):
    words, solved = _random_words(inst, seed)
    tokens, lengths = encode(words, inst.alphabet)
    ref = T.reference(inst).accepts_batch(tokens, lengths)
    bra = T.brasp_program(inst).accepts_batch(tokens, lengths)
    dfa = T.tiling_dfa(inst).run(tokens, lengths)
    assert (ref == bra).all(), _disagree(words, ref, bra)
    assert (ref == dfa).all(), _disagree(words, ref, dfa)
    assert not solved or ref[20]


# Each random instance is a new UHAT, and a new UHAT costs seconds of XLA compiles on
# first use; the compiler itself is property-tested on random programs in test_compile.
@settings(max_examples=4)
@given(inst=small_instances(), seed=st.integers(0, 2**16))
def test_random_instances_uhat(inst, seed):
    words, solved = _random_words(inst, seed)
    program = T.brasp_program(inst)
    ref, bra, uhat, dfa = _four(inst, program, T.compiled(inst).model, words)
    assert (ref == bra).all() and (ref == uhat).all() and (ref == dfa).all()
    assert not solved or uhat[20]
    # Beyond any length: the program's automaton equals the hand-written DFA.
    assert T.tiling_dfa(inst).equivalent(program_dfa(program)[0]) == (True, None)
