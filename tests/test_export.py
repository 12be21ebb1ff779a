"""Export/load round trips for every model kind: same answers, same sizes, same structure."""

import json

import numpy as np
import pytest
from hypothesis import given
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct import RNNBuilder, UHATBuilder, compile_program, parse_ltl, to_brasp
from succinct.automata.dfa import DFA
from succinct.cli.app import app
from succinct.export import load, paths, save
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
