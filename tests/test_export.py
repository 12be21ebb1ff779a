"""Export/load round trips for every model kind: same answers, same sizes, same structure."""

import hashlib
import itertools
import json
import re

import numpy as np
import pytest
from hypothesis import given
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct import RNNBuilder, UHATBuilder, compile_program, parse_ltl, to_brasp
from succinct.automata.dfa import DFA
from succinct.cli.app import app
from succinct.export import MAX_EXPR_DEPTH, load, manifest_digest, paths, save
from succinct.programs.brasp import And, Input, Local, Program, Ref
from succinct.recognizer import accepts
from succinct.sizes import count
from succinct.testing.strategies import programs, word_lists
from succinct.words import Alphabet, SuccinctError

AB = Alphabet.of("ab")
RUN = CliRunner()


def _words(alphabet: Alphabet, n: int = 300, max_len: int = 10, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    return [alphabet.to_word(rng.integers(0, len(alphabet), rng.integers(1, max_len + 1)))
            for _ in range(n)]


def _round_trip(model, tmp_path, name="m"):
    files = save(model, tmp_path / name)
    assert all(f.exists() for f in files)
    return load(files[0])


def _hand_uhat():
    """Past-masked, leftmost attention and a ReLU layer: accept iff some later position
    holds `b` and this word starts with `a` (read at the first position)."""
    b = UHATBuilder(AB, accept_at="first")
    attn = b.attention(mask="past", tie="left", query=["s"], new=["later_b"])
    attn.B["s", "Q_b"] = 1
    attn.A.set_bias("s", 1)
    attn.C_a["later_b", "Q_b"] = 1
    b.relu("later_b")
    ffn = b.ffn(hidden=["both"], new=["accept"])
    ffn.W_1["both", "later_b"] = 1
    ffn.W_1["both", "Q_a"] = 1
    ffn.W_1.set_bias("both", -1)
    ffn.W_2["accept", "both"] = 1
    return b.build(readout={"accept": 1})


def test_saving_the_same_model_writes_the_same_bytes(tmp_path):
    """Eight saves of one model give byte-identical weights files and one digest, so an
    export is reproducible. Planted: the safetensors metadata as two entries (a hash map
    whose order varies between calls): the files differed, and the test that one default
    ``--model`` exports the same weights failed about every other run."""
    model = _hand_uhat()
    blobs = set()
    for i in range(8):
        save(model, tmp_path / f"m{i}")
        blobs.add((tmp_path / f"m{i}.safetensors").read_bytes())
    assert len(blobs) == 1


def test_uhat_round_trip_keeps_answers_sizes_and_structure(tmp_path):
    phi = parse_ltl("b & H(b -> Y a) & H((a & Y true) -> Y b)", AB)
    for i, model in enumerate([compile_program(to_brasp(phi, AB), "ffn").model, _hand_uhat()]):
        back = _round_trip(model, tmp_path, f"u{i}")
        assert back.spec == model.spec  # labels, masks, ties, Boolean coordinates, reads
        assert count(back).as_dict() == count(model).as_dict()
        words = _words(AB)
        assert (back.accepts(words) == model.accepts(words)).all()
    want = [w[0] == "a" and "b" in w[1:] for w in words]
    assert (back.accepts(words) == np.array(want)).all()


def test_rnn_round_trip_in_k_bit_mode(tmp_path):
    # 2-bit units with one fractional bit (values 0, 1/2, 1, 3/2; satlin keeps ≤ 1):
    # `last_b` is 1 after a b, `seen` adds 1/2 per a. Accept iff the word ends in b and
    # has an a: last_b + seen − 5/4 > 0.
    rb = RNNBuilder(AB, ["last_b", "seen"], activation="satlin", bits=2, frac_bits=1,
                    readout={"last_b": 1, "seen": 1}, readout_bias=-1.25)
    rb.U["last_b", "b"] = 1
    rb.W["seen", "seen"] = 1
    rb.U["seen", "a"] = 0.5
    model = rb.build()
    back = _round_trip(model, tmp_path)
    assert back.spec == model.spec
    assert count(back).as_dict() == count(model).as_dict()
    words = _words(AB)
    assert (back.accepts(words) == model.accepts(words)).all()
    want = [w.endswith("b") and "a" in w for w in words]
    assert (back.accepts(words) == np.array(want)).all()
    assert (back.initial_code() == model.initial_code()).all()


@given(programs(alphabet="ab"), word_lists("ab", max_len=12))
def test_brasp_round_trip(tmp_path_factory, program, words):
    back = _round_trip(program, tmp_path_factory.mktemp("p"))
    assert str(back) == str(program)
    assert back.bits() == program.bits()
    assert (back.accepts(words) == program.accepts(words)).all()


def test_dfa_round_trip(tmp_path):
    # (ab)+ as a DFA: 0 -a-> 1 -b-> 2 -a-> 1, everything else to the sink 3.
    delta = np.array([[1, 3], [3, 2], [1, 3], [3, 3]])
    dfa = DFA(("a", "b"), delta, 0, np.array([False, False, True, False]))
    back = _round_trip(dfa, tmp_path)
    assert back == dfa
    words = _words(AB)
    want = [len(w) % 2 == 0 and w == "ab" * (len(w) // 2) for w in words]
    assert (accepts(back, words) == np.array(want)).all()


def test_family_models_round_trip(tmp_path):
    """Every model of a registered family (Dyck-(2,2): UHAT, RNN, B-RASP, DFA, and a
    reference predicate that cannot be exported)."""
    from succinct.registry import families

    fam = families().get("dyck")
    if fam is None:
        pytest.skip("the dyck family is not registered")
    raw = {"k": 2, "D": 2}
    resolved = fam.resolve(raw)
    words = _words(fam.alphabet(resolved), 128, 12) + list(fam.members(resolved))
    exported = set()
    for name in fam.models:
        model = fam.build(name, raw)
        try:
            back = _round_trip(model, tmp_path, name)
        except SuccinctError as e:
            assert "cannot export" in str(e)
            continue
        exported.add(name)
        assert (accepts(back, words) == accepts(model, words)).all(), name
    assert {"uhat", "rnn", "brasp", "dfa"} <= exported


def test_positional_uhat_and_second_order_rnn_round_trip(tmp_path):
    """The word-problem family's scan (a UHAT with positional encodings) and its
    second-order RNN."""
    from succinct.registry import families

    fam = families().get("wordproblem")
    if fam is None:
        pytest.skip("the wordproblem family is not registered")
    raw = {"monoid": "s3", "T": 8}
    words = _words(fam.alphabet(fam.resolve(raw)), 200, 8)
    for name in ("scan", "rnn2"):
        model = fam.build(name, raw)
        back = _round_trip(model, tmp_path, name)
        assert type(back) is type(model)
        assert back.size_report().as_dict() == model.size_report().as_dict()
        assert (accepts(back, words) == accepts(model, words)).all(), name
        assert (accepts(back, words) == accepts(fam.build("reference", raw), words)).all()


def test_cli_export_then_load(tmp_path):
    out = tmp_path / "ex1"
    f = "formula=b & H(b -> Y a) & H((a & Y true) -> Y b)"
    res = RUN.invoke(app, ["export", "ltl", "-p", f, "--model", "uhat", "--out", str(out)])
    assert res.exit_code == 0, res.output
    manifest_path, weights_path = paths(out)
    assert weights_path.exists()
    manifest = json.loads(manifest_path.read_text())
    assert manifest["family"] == "ltl" and manifest["kind"] == "uhat"
    assert {layer["kind"] for layer in manifest["layers"]} <= {"attention", "ffn", "relu"}
    assert all(layer["mask"] in ("future", "past", "none")
               for layer in manifest["layers"] if layer["kind"] == "attention")
    res = RUN.invoke(app, ["load", str(weights_path), "ab", "aba", "abab", "--json"])
    assert res.exit_code == 0, res.output
    assert [r["accepted"] for r in json.loads(res.output)] == [True, False, True]


def test_bad_files_are_clear_errors(tmp_path):
    with pytest.raises(SuccinctError, match="no model manifest"):
        load(tmp_path / "missing")
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(SuccinctError, match="not JSON"):
        load(tmp_path / "junk.json")
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    with pytest.raises(SuccinctError, match="not a succinct model manifest"):
        load(tmp_path / "other")
    files = save(_hand_uhat(), tmp_path / "u")
    files[1].write_bytes(b"garbage")
    with pytest.raises(SuccinctError, match="u.safetensors has SHA-256"):
        load(files[0])
    res = RUN.invoke(app, ["load", str(tmp_path / "missing.json"), "ab"])
    assert res.exit_code == 2 and "error: no model manifest" in res.output


# ====================================================================== validated loading
DYCK = {"k": 1, "D": 2}


def _all_words(alphabet: Alphabet, max_len: int) -> list[str]:
    return [alphabet.to_word(w) for n in range(1, max_len + 1)
            for w in itertools.product(range(len(alphabet)), repeat=n)]


@pytest.fixture(scope="module")
def dyck_uhat():
    from succinct.registry import get_family

    return get_family("dyck").build("uhat", DYCK)


@pytest.fixture(scope="module")
def dyck_words(dyck_uhat):
    return _all_words(dyck_uhat.alphabet, 8)


def _edit(manifest_path, change, *, rehash: bool = False) -> None:
    """Applies ``change`` to the manifest's JSON (recomputing ``manifest_sha256`` when
    ``rehash``: an edit made on purpose, which then meets the entry checks alone)."""
    manifest = json.loads(manifest_path.read_text())
    change(manifest)
    if rehash:
        manifest["manifest_sha256"] = manifest_digest(manifest)
    manifest_path.write_text(json.dumps(manifest))


def test_moved_and_renamed_pair_loads_and_decides_like_the_original(tmp_path, dyck_uhat,
                                                                      dyck_words):
    """The weights are found next to the manifest: ``a.json`` + ``a.safetensors`` moved to
    ``other/b.*`` load. Planted bug: resolving the weights from a name stored in the
    manifest (the old ``manifest["weights"]``) fails here with a missing file."""
    manifest, weights = save(dyck_uhat, tmp_path / "a")
    (tmp_path / "other").mkdir()
    manifest.rename(tmp_path / "other" / "b.json")
    weights.rename(tmp_path / "other" / "b.safetensors")
    for name in ("other/b.json", "other/b.safetensors", "other/b"):
        back = load(tmp_path / name)
        assert back.spec == dyck_uhat.spec
        assert (accepts(back, dyck_words) == accepts(dyck_uhat, dyck_words)).all()
    assert accepts(back, ["(())", "()()", "(()"]).tolist() == [True, True, False]


def test_truncated_or_altered_weights_are_refused_naming_both_digests(tmp_path, dyck_uhat):
    """Planted bug: skipping the weights digest loads the altered file (the flipped byte
    lies in an array's data, so the file still parses)."""
    manifest, weights = save(dyck_uhat, tmp_path / "d")
    data = weights.read_bytes()
    want = json.loads(manifest.read_text())["weights_sha256"]
    flipped = bytearray(data)
    flipped[-3] ^= 1
    for bad in (data[:-8], bytes(flipped), b""):
        weights.write_bytes(bad)
        got = hashlib.sha256(bad).hexdigest()
        with pytest.raises(SuccinctError) as e:
            load(manifest)
        assert got[:12] in str(e.value) and want[:12] in str(e.value), str(e.value)
        assert "d.safetensors" in str(e.value)


def test_weights_that_are_no_file_or_no_safetensors_are_clear_errors(tmp_path, dyck_uhat,
                                                                     monkeypatch):
    manifest, weights = save(dyck_uhat, tmp_path / "d")
    # Bytes that hash as the manifest says but are no safetensors file (digest recomputed).
    weights.write_bytes(b"not safetensors at all")
    _edit(manifest, lambda m: m.update(weights_sha256=hashlib.sha256(
        b"not safetensors at all").hexdigest()), rehash=True)
    with pytest.raises(SuccinctError, match="d.safetensors is not a safetensors file"):
        load(manifest)
    weights.unlink()
    with pytest.raises(SuccinctError, match="weights file .*d.safetensors is missing"):
        load(manifest)
    weights.mkdir()
    with pytest.raises(SuccinctError, match="is a directory"):
        load(manifest)
    weights.rmdir()
    weights.write_bytes(b"")

    def unreadable(path):  # what chmod 000 gives a user who is not root
        raise PermissionError(13, "Permission denied", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(type(weights), "read_bytes", unreadable)
        with pytest.raises(SuccinctError, match="cannot read the weights file .*: Permission "
                                                "denied"):
            load(manifest)


@pytest.mark.parametrize("field, value, message", [
    ("mask", "sideways", 'layers[2].mask must be one of "none", "future", "past", got '
                         '"sideways"'),
    ("tie", "middle", 'layers[2].tie must be one of "left", "right", got "middle"'),
])
def test_cli_refuses_an_unknown_mask_or_tie(tmp_path, dyck_uhat, field, value, message):
    """Issue 12: a manifest edited to ``mask: "sideways"`` loaded, and its fast and dense
    paths then disagreed on 64 of 5,460 words. Planted bug: dropping the check against
    ``Attention``'s ``Literal`` (``entry["mask"].text()``) lets it load again (exit 0) when
    the digest is recomputed."""
    manifest, _ = save(dyck_uhat, tmp_path / "d")
    layer = json.loads(manifest.read_text())["layers"][2]
    assert layer["kind"] == "attention"
    for rehash in (False, True):
        _edit(manifest, lambda m: m["layers"][2].update({field: value}), rehash=rehash)
        res = RUN.invoke(app, ["load", str(manifest), "(())"])
        assert res.exit_code == 2, res.output
        lines = res.output.strip().splitlines()
        assert lines == [f"error: d.json: {message}"], res.output
        assert "Traceback" not in res.output


def test_a_valid_looking_edit_is_refused_by_the_manifest_digest(tmp_path, dyck_uhat):
    """A mask turned from ``future`` into ``past`` is a valid model, but not the exported
    one. Planted bug: skipping ``_check_digest`` loads a model that rejects ``(())``."""
    manifest, _ = save(dyck_uhat, tmp_path / "d")
    _edit(manifest, lambda m: m["layers"][2].update(mask="past"))
    with pytest.raises(SuccinctError, match="manifest_sha256 is .* edited after export"):
        load(manifest)


def test_version_1_manifests_ask_for_a_re_export(tmp_path, dyck_uhat):
    manifest, _ = save(dyck_uhat, tmp_path / "d")
    _edit(manifest, lambda m: m.update(version=1))
    with pytest.raises(SuccinctError, match="version is 1: .* re-export the model"):
        load(manifest)
    _edit(manifest, lambda m: m.update(version="2"))
    with pytest.raises(SuccinctError, match='version must be an integer, got "2"'):
        load(manifest)


def _dfa():
    return DFA(("a", "b"), np.array([[1, 3], [3, 2], [1, 3], [3, 3]]), 0,
               np.array([False, False, True, False]))


@pytest.mark.parametrize("model_name, change, message", [
    ("uhat", lambda m: m["layers"][0].update(kind="conv"),
     'layers[0].kind must be one of "attention", "ffn", "relu", got "conv"'),
    ("uhat", lambda m: m["layers"][2].update(boolean="Q_("),
     'layers[2].boolean must be a list, got "Q_("'),
    ("uhat", lambda m: m["layers"][2].update(boolean=["Q_(", "nope"]),
     'layers[2].boolean[1] names "nope", which is not a label of the layer\'s input'),
    ("uhat", lambda m: m["layers"][2].update(query=["q", "q"]), 'layers[2].query repeats "q"'),
    ("uhat", lambda m: m["layers"][1].pop("target"), 'layers[1] lacks the entry "target"'),
    ("uhat", lambda m: m.update(layers={"0": 1}), 'layers must be a list, got {"0": 1}'),
    ("uhat", lambda m: m.update(exact="yes"), 'exact must be true or false, got "yes"'),
    ("uhat", lambda m: m.update(accept_at="middle"),
     'accept_at must be one of "last", "first", got "middle"'),
    ("uhat", lambda m: m.update(alphabet=["(", "("]), 'alphabet repeats "("'),
    ("uhat", lambda m: m.update(alphabet=[]), "alphabet must be a non-empty list of symbols"),
    ("uhat", lambda m: m.update(alphabet=["(", ") ("]),
     'alphabet[1] must be a symbol without spaces, got ") ("'),
    ("uhat", lambda m: m.update(alphabet=["(", 3]),
     "alphabet[1] must be a non-empty string, got 3"),
    ("uhat", lambda m: m.update(kind="cnn"), 'kind must be one of "uhat", "rnn"'),
    ("uhat", lambda m: m.update(weights_sha256=12),
     "weights_sha256 must be a SHA-256 digest (64 lowercase hex digits), got 12"),
    ("rnn", lambda m: m.update(activation="tanh"),
     'activation must be one of "relu", "step", "satlin", "sigmoid", got "tanh"'),
    ("rnn", lambda m: m.update(beta=float("nan")), "beta must be a finite number, got NaN"),
    ("rnn", lambda m: m.update(bits="1"), 'bits must be an integer, got "1"'),
    ("rnn", lambda m: m.update(bits=99), "bits must be in 1..24, got 99"),
    ("brasp", lambda m: m["ops"][-1].update(mask="sideways"),
     'ops[10].mask must be one of "none", "future", "past", got "sideways"'),
    ("brasp", lambda m: m["ops"][-1].update(score=["xor", 1, 2]),
     'ops[10].score[0] must be one of "const", "ref", "not", "and", "or", "iff", got "xor"'),
    ("brasp", lambda m: m["ops"][-1].update(score=["not"]),
     'ops[10].score must hold 1 argument(s) after "not", got 0'),
    ("brasp", lambda m: m["ops"][-1].update(score=["ref", "nope", "j"]),
     "refers to undefined predicate 'nope'"),
    ("dfa", lambda m: m.update(start=4), "start must be an integer in 0..3, got 4"),
    ("dfa", lambda m: m.update(start=True), "start must be an integer in 0..3, got true"),
    ("dfa", lambda m: m["delta"][1].__setitem__(0, 9),
     "delta[1][0] must be an integer in 0..3, got 9"),
    ("dfa", lambda m: m["delta"][1].pop(), "delta[1] has 1 entries"),
    ("dfa", lambda m: m["delta"].pop(), "delta has 3 rows, but states is 4"),
    ("dfa", lambda m: m.update(accepting=[2, 2]), "accepting repeats a state"),
])
def test_wrong_entries_are_one_line_errors_naming_the_entry(tmp_path, dyck_uhat, model_name,
                                                             change, message):
    """Each edit (digest recomputed, so only the entry checks stand in the way) gives one
    line naming the file and the entry. Planted bug: reading ``m.value["exact"]`` without
    ``flag()`` loads ``"yes"`` as exact; without ``integer()`` for ``bits`` the RNN spec's
    ``1 <= "1"`` raises a ``TypeError``."""
    from succinct.registry import get_family

    model = {"uhat": dyck_uhat, "dfa": _dfa()}.get(model_name) \
        or get_family("dyck").build(model_name, DYCK)
    manifest = save(model, tmp_path / "d")[0]
    _edit(manifest, change, rehash=True)
    with pytest.raises(SuccinctError) as e:
        load(manifest)
    text = str(e.value)
    assert text.startswith("d.json: ") and "\n" not in text
    assert message in text, text


def test_arrays_must_have_the_shape_dtype_and_values_the_manifest_implies(tmp_path, dyck_uhat):
    """Weights rewritten (both digests recomputed): a wrong shape, dtype or a NaN is
    refused naming the array. Planted bug: without the dtype check a float32 array in an
    exact model (integer values) loads without complaint."""
    from safetensors.numpy import load_file, save_file

    manifest, weights = save(dyck_uhat, tmp_path / "d")
    cases = [("layers.2.A_w", lambda x: x[:, :-1], "layers.2.A_w has shape (1, 3), but the "
              "manifest implies (1, 4) (layers[2]: query × input labels)"),
             ("embed", lambda x: x.astype(np.float32), "embed has dtype float32, expected int64"),
             ("readout", lambda x: x[:0], "readout has shape (0,)")]
    original = load_file(str(weights))
    for name, change, message in cases:
        arrays = dict(original)
        arrays[name] = np.ascontiguousarray(change(arrays[name]))
        save_file(arrays, str(weights))
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        _edit(manifest, lambda m, d=digest: m.update(weights_sha256=d), rehash=True)
        with pytest.raises(SuccinctError, match=re.escape(message)):
            load(manifest)
    rnn = RNNBuilder(AB, ["s"], activation="relu", readout={"s": 1}).build()
    manifest, weights = save(rnn, tmp_path / "r")
    arrays = load_file(str(weights))
    arrays["W"] = np.full((1, 1), np.nan, np.float32)
    save_file(arrays, str(weights))
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    _edit(manifest, lambda m: m.update(weights_sha256=digest), rehash=True)
    with pytest.raises(SuccinctError, match="r.safetensors: W holds values that are not finite"):
        load(manifest)


def _deep_program(depth: int) -> Program:
    """``x(i) := ¬¬…¬Q_a(i)`` with ``depth`` negations, written as nested ``and``s of one
    conjunct (two JSON levels each: ``["and", [...]]``)."""
    expr = Ref("Q_a")
    for _ in range(depth):
        expr = And((expr,))
    return Program(AB, (Input("Q_a", "a"), Input("Q_b", "b"), Local("x", expr)), "x")


def test_deep_files_are_refused_without_a_recursion_error(tmp_path):
    """B-RASP expressions nest at most MAX_EXPR_DEPTH levels, on export and on load, and
    no JSON deeper than any manifest is walked. Planted bug: without the depth check of
    ``_read_manifest`` an alphabet nested 980 deep parses and is refused for its first
    symbol instead (and in a plain interpreter, at 990 levels, rendering it for that
    message raised ``RecursionError``)."""
    back = _round_trip(_deep_program(MAX_EXPR_DEPTH), tmp_path)
    assert back.accepts(["ab", "ba"]).tolist() == [False, True]
    with pytest.raises(SuccinctError, match="nested deeper than 200 levels"):
        save(_deep_program(MAX_EXPR_DEPTH + 1), tmp_path / "deep")
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "succinct-model", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SuccinctError, match="nests JSON more than 408 levels deep"):
        load(deep)
    for n in range(1000, 500, -20):  # around the interpreter's recursion limit
        deep.write_text('{"format": "succinct-model", "version": 2, "kind": "dfa", '
                        '"alphabet": ' + "[" * n + "]" * n + "}")
        with pytest.raises(SuccinctError) as e:
            load(deep)
        assert "nests JSON more than 408 levels deep" in str(e.value)
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(SuccinctError, match="not UTF-8 text"):
        load(tmp_path / "bin.json")
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(SuccinctError, match="is a directory"):
        load(tmp_path / "dir.json")
