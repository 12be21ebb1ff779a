"""The atlas at tiny sizes: its numbers are the counted sizes and the paper's formulas, its
✓ is earned, its curves are exact and its crossovers are where the formulas cross."""

import csv
import json
import math

import pytest
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct import Alphabet, Predicate, compile_program, parse_ltl, registry, to_brasp
from succinct.atlas import (
    COLUMNS,
    build_atlas,
    compute_row,
    formula_panels,
    headline_panels,
    log2,
    log2log2,
    rows_from_json,
)
from succinct.cli.app import app
from succinct.exact.dispatch import exact_dfa
from succinct.models.rnn import RNN
from succinct.models.uhat import UHAT
from succinct.registry import Family, families
from succinct.sizes import count
from succinct.verify import verify

RUN = CliRunner()
TINY = {"dyck": [{"k": 2, "D": 1}, {"k": 2, "D": 2}], "dc": [{"n": 1}, {"n": 2}]}
EXAMPLE = "b & H(b -> Y a) & H((a & Y true) -> Y b)"  # the paper's Example 1: (ab)+


def _paper_dfa_states(family: str, p: dict) -> int:
    """Minimal complete DFA states from Myhill–Nerode counts written out here, not the code."""
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
        assert row["dfa_source"] in ("computed", "formula")
        assert row["kD_lower_bound"] == math.ceil(math.log2(want))
        assert row["formulas"].startswith("✓") and "uhat" in row["formulas"], row
        if row["family"] == "dyck":
            assert row["agree"] is True and row["status"] == "✓"
            assert 0 < row["accepted_words"] < row["checked_words"]
            assert row["agreement"] == (f"{row['checked_words']:,} words checked, "
                                        f"{row['accepted_words']:,} accepted")
            assert row["x"] == row["params"]["D"]
        else:  # --no-check: neither ✓ nor ✗
            assert row["status"] == "not checked" and row["agree"] is None
    if "dyck" in tiny:
        with open(out / "atlas.csv") as f:
            table = list(csv.DictReader(f))
        assert tuple(table[0]) == COLUMNS
        assert [int(r["uhat_params"]) for r in table] == \
            [r["uhat_params"] for r in rows if r["family"] == "dyck"]
        md = (out / "atlas.md").read_text()
        assert "## dyck" in md and "![dyck](atlas_dyck.png)" in md
        assert "| formulas = counted | agreement | status |" in md
        assert (out / "atlas_dyck.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        data = json.loads((out / "atlas.json").read_text())
        assert data["families"]["dyck"]["size_parameter"] == "D"


def _example_family(monkeypatch, reference, report=None, members=("ab", "abab", "ababab"),
                    second=None) -> Family:
    """A family around the paper's Example 1, (ab)+, registered for one test only."""
    ab = Alphabet.of("ab")
    model = second if second is not None else \
        compile_program(to_brasp(parse_ltl(EXAMPLE, ab), ab), "ffn").model
    fam = Family("example", "(ab)+", (), lambda p: ab,
                 {"reference": lambda p: Predicate(ab, reference), "uhat": lambda p: model},
                 members=None if members is None else (lambda p: iter(members)),
                 sizes=None if report is None else (lambda p: report(model)))
    monkeypatch.setitem(registry._REGISTRY, fam.name, fam)
    registry._build_cached.cache_clear()
    return fam


def _ab_plus(w) -> bool:
    return len(w) > 0 and "".join(w) == "ab" * (len(w) // 2)


def test_a_wrong_model_fails_its_row(monkeypatch):
    wrong = _example_family(monkeypatch, lambda w: len(w) % 2 == 0)  # not (ab)+: "ba" differs
    row = compute_row(wrong, {}, samples=128)
    assert row.agree is False and row.failed and row.status == "✗"
    assert row.agreement.startswith("✗") and "DISAGREE" in row.agreement


def _wrong_params(model):
    real = count(model)
    return {"uhat": real.with_(formula_totals={"params": real.params + 1,
                                               "layers": real.layers})}


def test_a_wrong_formula_fails_its_row(monkeypatch):
    fam = _example_family(monkeypatch, _ab_plus, _wrong_params)
    row = compute_row(fam, {}, check=False)
    assert row.formulas.startswith("✗") and "uhat params" in row.formulas
    assert "layers" not in row.formulas  # the layers formula is right
    assert row.failed and row.status == "✗"


def test_a_planted_failing_row_makes_atlas_exit_nonzero(monkeypatch, tmp_path):
    """Planted: a reference that is not (ab)+, then a params formula off by one; each
    alone must make ``atlas`` exit 1 with one line naming the row."""
    _example_family(monkeypatch, lambda w: len(w) % 2 == 0)
    res = RUN.invoke(app, ["atlas", "--family", "example", "--out", str(tmp_path / "a"),
                           "--no-plots", "--samples", "64"])
    assert res.exit_code == 1, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "example defaults" in errors[0] and "DISAGREE" in errors[0]
    assert rows_from_json(tmp_path / "a" / "atlas.json")[0]["status"] == "✗"

    _example_family(monkeypatch, _ab_plus, _wrong_params)
    res = RUN.invoke(app, ["atlas", "--family", "example", "--out", str(tmp_path / "b"),
                           "--no-plots", "--no-check"])
    assert res.exit_code == 1, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "example defaults" in errors[0] and "uhat params" in errors[0]

    _example_family(monkeypatch, _ab_plus)  # the right language: exit 0
    res = RUN.invoke(app, ["atlas", "--family", "example", "--out", str(tmp_path / "c"),
                           "--no-plots", "--samples", "64"])
    assert res.exit_code == 0, res.output


def test_accepted_count_is_the_number_of_members_checked():
    """A of "K words checked, A accepted" counts accepted words: all words of length ≤ 7
    hold 3 members of (ab)+ (ab, abab, ababab), counted here by hand; so do five given
    words of which three are members (a batch of 8 rows, 3 of them padding). Host path
    (a Python predicate) and device path (UHAT and its DFA). Planted: counting the
    padding rows of a batch gives 6 on the device path."""
    ab = Alphabet.of("ab")
    uhat = compile_program(to_brasp(parse_ltl(EXAMPLE, ab), ab), "ffn").model
    dfa = exact_dfa(uhat).minimal
    for pair in ({"reference": Predicate(ab, _ab_plus), "uhat": uhat}, {"uhat": uhat,
                                                                       "dfa": dfa}):
        rep = verify(pair, max_len=7)
        assert (rep.checked, rep.accepted, rep.agree) == (2**8 - 2, 3, True)
        rep = verify(pair, members=["ab", "ba", "abab", "aab", "ababab"])
        assert (rep.checked, rep.accepted, rep.agree) == (5, 3, True)


def test_vacuous_and_unchecked_rows_are_neither_pass_nor_fail(monkeypatch):
    """Members too long to check: "not checked", no ✓ and no ✗. A check in which no word
    is accepted (A = 0) is vacuous: "not checked". Planted: a status of ✓ whenever the
    models agree would pass both rows."""
    fam = _example_family(monkeypatch, _ab_plus)
    row = compute_row(fam, {}, max_member_len=1, samples=32)
    assert row.agreement == "not checked (members longer than 1 symbols)"
    assert row.status == "not checked" and not row.failed and row.checked_words == 0

    ab = Alphabet.of("ab")
    fam = _example_family(monkeypatch, lambda w: False, members=None,
                          second=Predicate(ab, lambda w: False, "nothing"))
    row = compute_row(fam, {}, samples=32)
    assert row.agree is True and row.accepted_words == 0 and row.checked_words == 32
    assert "32 words checked, 0 accepted" in row.agreement
    assert row.status == "not checked" and not row.failed


def test_log2_of_huge_integers_is_exact():
    """log₂ from the binary length: 2^(2^n) for n ≤ 24 (no float can hold it), and
    c·2^e with the value e + log₂ c computed by hand. Planted: ``math.log2(float(m))``
    overflows; a mantissa of 64 bits rounds 2^60 + 1 · 2^e."""
    for n in range(25):
        m = 2 ** (2**n)
        assert log2(m) == 2**n
        assert log2log2(m) == n
    for c, e in ((3, 1 << 20), (5, 10**6), (2**52 + 1, 1 << 22), ((1 << 53) - 1, 7)):
        assert log2(c << e) == e + math.log2(c)
    # the DFA of DC_n: (n+2)·2^n·2^(2^n) + 2 states
    for n in (10, 16, 20):
        m = (n + 2) * 2**n * 2 ** (2**n) + 2
        assert log2(m) == pytest.approx(2**n + n + math.log2(n + 2), rel=1e-15)
        assert math.floor(log2(m)) == m.bit_length() - 1
    assert log2(1) == 0.0
    with pytest.raises(Exception, match="positive"):
        log2(0)


def _brute_crossover(xs, left, right, smaller_is_left):
    """The smallest x0 of the plotted range from which the side smaller at the range's end
    stays strictly smaller (a scan of the plotted integers, independent of verdicts)."""
    x0 = None
    for x, a, b in reversed(list(zip(xs, left, right, strict=True))):
        if (a < b) if smaller_is_left else (b < a):
            x0 = x
        else:
            break
    return x0


def _markers_match_scan(panel) -> int:
    """Checks every compared pair of ``panel``; returns the number of markers."""
    curves = {c.label: c for c in panel.curves}
    for left_label, right_label in panel.pairs:
        left, right = curves[left_label], curves[right_label]
        n = min(len(left.xs), len(right.xs))
        xs = left.xs[:n]
        assert xs == right.xs[:n] and xs == list(range(xs[0], xs[0] + n))
        smaller_is_left = left.values[n - 1] < right.values[n - 1]
        want = _brute_crossover(xs, left.values[:n], right.values[:n], smaller_is_left)
        small, large = (left, right) if smaller_is_left else (right, left)
        got = [m.x for m in panel.crossovers if (m.smaller, m.larger) == (small.label,
                                                                          large.label)]
        if want is not None and want > xs[0]:
            assert got == [want], (panel.title, left_label, right_label, got, want)
            assert xs[-1] > want  # the curves run past the crossover
        else:
            assert got == [], (panel.title, left_label, right_label, got, want)
    return len(panel.crossovers)


@pytest.mark.parametrize("name", ["dc", "counter"])
def test_crossover_markers_are_where_the_formulas_cross(name):
    """Each marker's x equals a brute-force scan of the plotted exact values, and every
    crossing of the plotted values has its marker. Planted: a crossover one too late
    (``Comparison.crossover + 1``) fails here."""
    fams = families()
    if name not in fams or fams[name].verdict is None:
        pytest.skip(f"{name} is not registered with a verdict")
    panels = formula_panels(fams[name], fams[name].verdict())
    assert panels and all(p.pairs for p in panels)
    assert sum(_markers_match_scan(p) for p in panels) > 0


def test_headline_is_dc_in_bits_against_every_rnn_and_every_dfa(monkeypatch, tmp_path):
    """The headline: DC_n's built UHAT against the bounds for every RNN and every DFA,
    all in bits, crossovers where a scan of the plotted values puts them (the UHAT is
    larger than the RNN bound at n = 1 and smaller from a crossover on), counted bits of
    the built UHAT on its curve; ``atlas --headline PATH`` writes it. Planted: a
    headline under params, or a UHAT curve off by one from the count, fails here."""
    fams = families()
    if "dc" not in fams or fams["dc"].verdict is None:
        pytest.skip("dc is not registered with a verdict")
    if not any(c.measure == "bits" for c in fams["dc"].verdict().comparisons):
        pytest.skip("the dc formulas state no UHAT bits yet")
    monkeypatch.setattr(fams["dc"], "atlas", lambda full: [{"n": 1}])
    rows = [compute_row(fams["dc"], {"n": 1}, check=False)]
    panels = headline_panels(rows)
    assert {p.measure for p in panels} == {"bits"} and panels[0].scale == "log2 log2"
    labels = {c.label.split(":")[0] for c in panels[0].curves}
    assert labels == {"UHAT (built)", "every RNN", "every DFA"}
    assert sum(_markers_match_scan(p) for p in panels) >= 2
    uhat = next(c for c in panels[0].curves if c.opponent == "built")
    rnn = next(c for c in panels[0].curves if c.side == "RNN")
    assert uhat.values[0] > rnn.values[0]  # the gap goes the other way at n = 1
    assert uhat.measured == [(1, rows[0].uhat["bits"])] and uhat.xs[0] == 1
    assert uhat.values[0] == rows[0].uhat["bits"]
    res = RUN.invoke(app, ["atlas", "--headline", str(tmp_path / "h.png")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "h.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_families_without_range_or_defaults(monkeypatch):
    fams = families()
    if "ltl" in fams:  # without a range it needs -p formula: skipped, with the reason
        monkeypatch.setattr(fams["ltl"], "atlas", None)
        atlas = build_atlas(["ltl"], check=False)
        assert atlas.rows == [] and "formula" in atlas.skipped["ltl"]
    res = RUN.invoke(app, ["atlas", "--family", "no-such-family"])
    assert res.exit_code == 2 and "unknown family" in res.output


def test_a_dfa_size_taken_from_the_formula_is_not_drawn_as_counted():
    """DC_4's minimal DFA (6,291,458 states) is beyond MAX_DFA_STATES: its row takes the
    size from the formula, so no panel draws it as a counted point, while DC_2's minimised
    DFA is drawn. Planted: ``_counted`` without the ``dfa_source`` test draws n = 4."""
    fams = families()
    if "dc" not in fams or fams["dc"].verdict is None:
        pytest.skip("dc is not registered with a verdict")
    rows = [compute_row(fams["dc"], {"n": n}, check=False) for n in (2, 4)]
    assert [r.dfa_source for r in rows] == ["computed", "formula"]
    dfa = [c for p in formula_panels(fams["dc"], fams["dc"].verdict(), rows)
           for c in p.curves if c.side == "DFA"]
    assert dfa and all(x != 4 for c in dfa for x, _ in c.measured)
    assert any(x == 2 for c in dfa for x, _ in c.measured)
