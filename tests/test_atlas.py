"""The atlas at tiny sizes: its numbers are the counted sizes and the paper's formulas."""

import csv
import json
import math

import pytest
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct import Alphabet, Predicate, compile_program, parse_ltl, registry, to_brasp
from succinct.atlas import COLUMNS, build_atlas, compute_row, rows_from_json
from succinct.cli.app import app
from succinct.models.rnn import RNN
from succinct.models.uhat import UHAT
from succinct.registry import Family, families
from succinct.sizes import count

RUN = CliRunner()
TINY = {"dyck": [{"k": 2, "D": 1}, {"k": 2, "D": 2}], "dc": [{"n": 1}, {"n": 2}]}


def _paper_dfa_states(family: str, p: dict) -> int:
    """Minimal complete DFA states from the research notes (§6.1, §8.1), not the code."""
    if family == "dc":
        n = p["n"]
        return (n + 2) * 2**n * 2 ** (2**n) + 2  # |w_n| + 2 (Myhill–Nerode)
    k, d = p["k"], p["D"]
    return d + 2 if k == 1 else (k ** (d + 1) - 1) // (k - 1) + 1


@pytest.fixture
def tiny(monkeypatch):
    fams = families()
    present = [name for name in TINY if name in fams]
    if not present:
        pytest.skip("neither dyck nor dc is registered")
    for name in present:
        monkeypatch.setattr(fams[name], "atlas", lambda full, name=name: TINY[name])
    return present


def _recount(row: dict) -> None:
    fam = families()[row["family"]]
    uhat = fam.build("uhat", row["raw"])
    assert isinstance(uhat, UHAT)
    rep = count(uhat)
    assert (row["uhat_params"], row["uhat_layers"], row["uhat_width"], row["uhat_bits"]) == \
        (rep.params, rep.layers, rep.width, rep.bits)
    rnn = fam.build("rnn", row["raw"])
    assert isinstance(rnn, RNN)
    rep = count(rnn)
    assert (row["rnn_units"], row["rnn_params"], row["rnn_bits"]) == (rnn.units, rep.params,
                                                                      rep.bits)
    assert row["rnn_kD"] == (None if rnn.spec.bits is None else rnn.spec.bits * rnn.units)


def test_atlas_cli_tables_are_counted_sizes_and_formulas(tiny, tmp_path):
    # dyck with the agreement checks; dc (the doubly exponential counter) without them.
    out = tmp_path / "atlas"
    res = RUN.invoke(app, ["atlas", "--family", "dyck", "--out", str(out), "--samples", "64"]) \
        if "dyck" in tiny else None
    if res is not None:
        assert res.exit_code == 0, res.output
    if "dc" in tiny:
        res = RUN.invoke(app, ["atlas", "--family", "dc", "--out", str(tmp_path / "dc"),
                               "--no-check", "--no-plots"])
        assert res.exit_code == 0, res.output
    rows = []
    for folder in (out, tmp_path / "dc"):
        if (folder / "atlas.json").exists():
            rows += rows_from_json(folder / "atlas.json")
    assert {r["family"] for r in rows} == set(tiny)
    for row in rows:
        _recount(row)
        want = _paper_dfa_states(row["family"], row["params"])
        assert row["dfa_states"] == want, row
        assert row["dfa_source"] in ("computed = formula", "formula")
        assert row["kD_lower_bound"] == math.ceil(math.log2(want))
        assert row["uhat_formula"].startswith("✓") or row["uhat_formula"] == ""
        if row["family"] == "dyck":
            assert row["agree"] is True and row["check"].startswith("agree")
            assert row["x"] == row["params"]["D"]
    if "dyck" in tiny:
        with open(out / "atlas.csv") as f:
            table = list(csv.DictReader(f))
        assert tuple(table[0]) == COLUMNS
        assert [int(r["uhat_params"]) for r in table] == \
            [r["uhat_params"] for r in rows if r["family"] == "dyck"]
        md = (out / "atlas.md").read_text()
        assert "## dyck" in md and "![dyck](atlas_dyck.png)" in md
        assert (out / "atlas.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (out / "atlas_dyck.png").stat().st_size > 1000
        data = json.loads((out / "atlas.json").read_text())
        assert data["families"]["dyck"]["size_parameter"] == "D"


def _example_family(monkeypatch, reference, report=None) -> Family:
    """A family around the paper's Example 1, (ab)+, registered for one test only."""
    ab = Alphabet.of("ab")
    model = compile_program(to_brasp(parse_ltl("b & H(b -> Y a) & H((a & Y true) -> Y b)",
                                               ab), ab), "ffn").model
    fam = Family("example", "(ab)+", (), lambda p: ab,
                 {"reference": lambda p: Predicate(ab, reference), "uhat": lambda p: model},
                 members=lambda p: iter(["ab", "abab", "ababab"]),
                 sizes=None if report is None else (lambda p: report(model)))
    monkeypatch.setitem(registry._REGISTRY, fam.name, fam)
    registry._build_cached.cache_clear()
    return fam


def test_a_wrong_model_fails_its_row(monkeypatch):
    wrong = _example_family(monkeypatch, lambda w: len(w) % 2 == 0)  # not (ab)+: "ba" differs
    row = compute_row(wrong, {}, samples=128)
    assert row.agree is False and row.failed
    assert row.check.startswith("DISAGREE")


def test_a_wrong_formula_fails_its_row(monkeypatch):
    def report(model):
        real = count(model)
        return {"uhat": real.with_(formula_totals={"params": real.params + 1,
                                                   "layers": real.layers})}

    fam = _example_family(monkeypatch, lambda w: w == "ab" * (len(w) // 2), report)
    row = compute_row(fam, {}, check=False)
    assert row.uhat_formula.startswith("✗") and "params" in row.uhat_formula
    assert "layers" not in row.uhat_formula  # the layers formula is right
    assert row.failed


def test_families_without_range_or_defaults(monkeypatch):
    fams = families()
    if "ltl" in fams:  # without a range it needs -p formula: skipped, with the reason
        monkeypatch.setattr(fams["ltl"], "atlas", None)
        atlas = build_atlas(["ltl"], check=False)
        assert atlas.rows == [] and "formula" in atlas.skipped["ltl"]
    res = RUN.invoke(app, ["atlas", "--family", "no-such-family"])
    assert res.exit_code == 2 and "unknown family" in res.output
