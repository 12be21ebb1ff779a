"""``succinct relax`` and ``succinct accepts --relax`` (issue 13, items 1 and 4), in process.

Expected values come from outside the command: acceptance counts from the family's
reference model run over every word (itertools), β(N) from the sympy formula the JSON
names, the parameter count from the weights themselves.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct.cli.app import app
from succinct.compiler.relax import relax
from succinct.registry import get_family, isolated, register
from succinct.words import SuccinctError

runner = CliRunner()
FORMULA = "b & H(b -> Y a)"  # the paper's Example 1
N_SMALL = 8


def _reference_counts(max_len: int) -> tuple[int, int]:
    """(words of length 1..max_len, accepted ones), by the reference on every word."""
    fam = get_family("ltl")
    ref = fam.build("reference", {"formula": FORMULA})
    words = ["".join(w) for n in range(1, max_len + 1)
             for w in itertools.product("ab", repeat=n)]
    return len(words), int(np.sum(ref.accepts(words)))


def _run(*args: str):
    return runner.invoke(app, ["relax", *args])


def test_relax_json_fields_match_independent_counts():
    """Planted (each failed here, then reverted): `_combine` summing `checked` into
    `accepted`; `beta` reported as β(N−1). Caught by the independent count / formula."""
    result = _run("ltl", "-p", f"formula={FORMULA}", "--max-len", str(N_SMALL),
                  "--samples", "64", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    words, accepted = _reference_counts(N_SMALL)
    assert out["exhaustive"] == words == 2 ** (N_SMALL + 1) - 2
    assert out["checked"] == words + 64 + out["members"]
    assert out["disagreements"] == 0 and out["counterexample"] is None
    # every exhaustive word both accept, plus the accepted among samples and members
    assert out["accepted"] >= accepted
    assert out["accepted_by"]["uhat"] == out["accepted_by"]["softmax"] == out["accepted"]
    n = sp.Symbol("N")
    formula = sp.sympify(out["beta_formula"], locals={"N": n})
    assert out["beta"] == pytest.approx(float(formula.subs(n, N_SMALL)))
    assert out["dtype"] == "float32" and 0 < out["epsilon"] < 1
    model = relax(get_family("ltl").build("uhat", {"formula": FORMULA}), N_SMALL)
    leaves = [model.params["embed"], model.params["readout"],
              *(a for lp in model.params["layers"] for a in lp.values())]
    assert out["params"] == sum(np.asarray(a).size for a in leaves)
    assert out["layers"] == len(model.layers)


def test_relax_exhaustive_accepted_equals_reference_count():
    """Without samples, `accepted` is exactly the reference's count on all words.
    Planted: `_combine` summing `checked` into `accepted` (failed here, reverted)."""
    result = _run("ltl", "-p", f"formula={FORMULA}", "--max-len", "6", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    words, accepted = _reference_counts(6)
    assert (out["exhaustive"], out["accepted"]) == (words, accepted)


def test_relax_text_output_names_beta_and_counts():
    result = _run("ltl", "-p", f"formula={FORMULA}", "--max-len", "6")
    assert result.exit_code == 0, result.output
    for part in ("β(6) =", "β(N) = 2*N*log(", "ε =", "float32", "disagreements: 0",
                 "counterexample: none"):
        assert part in result.stdout


def test_relax_exits_1_below_the_certified_beta():
    """--beta forces a scale below β(N): the check must catch it (exit 1, a shortest
    counterexample). Planted: `raise typer.Exit(1)` removed (exit 0; failed here)."""
    result = _run("ltl", "-p", f"formula={FORMULA}", "--max-len", str(N_SMALL),
                  "--beta", "0.5", "--json")
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert out["disagreements"] > 0 and out["beta_used"] == 0.5
    cex = out["counterexample"]
    uhat = get_family("ltl").build("uhat", {"formula": FORMULA})
    assert bool(uhat.accepts([cex["word"]])[0]) == ("uhat" in cex["accepted_by"])


def test_accepts_relax_runs_the_softmax_model():
    """`accepts --relax N` decides as the reference, and refuses words longer than N (only
    the softmax model has that bound). Planted: --relax ignored (the UHAT decides the
    long word; failed here, reverted)."""
    words = ["ab", "abab", "b", "aab"]
    ref = get_family("ltl").build("reference", {"formula": FORMULA}).accepts(words)
    result = runner.invoke(app, ["accepts", "ltl", "-p", f"formula={FORMULA}", "--model",
                                 "uhat", "--relax", "4", "--json", *words])
    assert result.exit_code == 0, result.output
    decided = json.loads(result.stdout)
    assert [d["word"] for d in decided] == words
    assert [d["accepted"] for d in decided] == [bool(x) for x in ref]
    long = runner.invoke(app, ["accepts", "ltl", "-p", f"formula={FORMULA}", "--model",
                               "uhat", "--relax", "4", "ababa"])
    assert long.exit_code == 2 and "max_len=4" in long.output


def _one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


@pytest.mark.parametrize("n", ["0", "-3", "10000000"])
def test_relax_refuses_max_len_out_of_range(n):
    """0 and negatives: not a length; 10^7: past the float32-certified range (names the
    β needed)."""
    line = _one_error_line(_run("ltl", "-p", f"formula={FORMULA}", "--max-len", n))
    assert ("max_len" in line) and (n != "10000000" or "float32" in line)


def test_relax_refuses_a_non_uhat_model():
    line = _one_error_line(_run("dyck", "-p", "k=2", "-p", "D=2", "--max-len", "4",
                                "--model", "rnn"))
    assert "UHAT" in line


def test_relax_refuses_a_family_without_uhat():
    dyck = get_family("dyck")
    with isolated():
        register(replace(dyck, name="nouhat",
                         models={k: v for k, v in dyck.models.items() if k != "uhat"}))
        line = _one_error_line(_run("nouhat", "-p", "k=2", "-p", "D=2", "--max-len", "4"))
    assert "no model 'uhat'" in line


def test_relax_refuses_past_the_time_limit():
    line = _one_error_line(_run("ltl", "-p", f"formula={FORMULA}", "--max-len", "8",
                                "--time-limit", "0.000001"))
    assert "--time-limit" in line


def test_export_softmax_roundtrip_numpy_and_jitted(tmp_path):
    """A relaxed Dyck-(2,2) at N = 5 saved and loaded: the jitted path on the loaded
    weights equals the original on all words up to 5, the independent numpy reader on
    every 17th of them.
    Planted: `_softmax_weights` writing `W_k` under the name `W_q` too (shape-checked,
    same shape, different values: the loaded model disagrees; failed here, reverted).
    Also caught for real: arrays saved as transposed views (`W_2`) read back transposed
    (at N = 6: 5,418 words accepted instead of 42), fixed by writing contiguous copies."""
    from succinct.export import load, save
    from succinct.models.softmax import numpy_forward

    uhat = get_family("dyck").build("uhat", {"k": "2", "D": "2"})
    model = relax(uhat, 5)
    save(model, tmp_path / "dyck_soft")
    back = load(tmp_path / "dyck_soft.json")
    assert back.certificate == model.certificate and back.beta == model.beta
    assert back.labels == model.labels
    manifest = json.loads((tmp_path / "dyck_soft.json").read_text())
    assert manifest["embed"] == [*uhat.spec.embed.labels, "is_bos"]
    words = [w for n in range(1, 6) for w in itertools.product(model.alphabet, repeat=n)]
    want = model.accepts(words)
    assert np.array_equal(back.accepts(words), want)
    ids = {s: i for i, s in enumerate(model.alphabet)}
    sample = words[::17]
    got = [numpy_forward(back, [ids[s] for s in w]) > 0 for w in sample]
    assert got == [bool(x) for x in model.accepts(sample)]
    assert want.sum() == uhat.accepts(words).sum()


def test_export_softmax_refuses_labels_that_do_not_fit(tmp_path):
    """An out-label list one short of the weights' width (digest recomputed): refused,
    naming the array whose shape the labels imply. Planted: ``W_v`` left out of the shapes
    the labels imply (the short list loaded, or failed on another array)."""
    from succinct.export import load, manifest_digest, save

    model = relax(get_family("ltl").build("uhat", {"formula": FORMULA}), 4)
    save(model, tmp_path / "m")
    path = tmp_path / "m.json"
    m = json.loads(path.read_text())
    m["layers"][0]["out"].pop(0)
    m["manifest_sha256"] = manifest_digest(m)
    path.write_text(json.dumps(m))
    with pytest.raises(SuccinctError, match=r"layers\.0\.W_v"):
        load(path)


def test_export_softmax_refuses_an_edited_certificate(tmp_path):
    """β in the manifest raised (digest recomputed): refused as not re-derivable."""
    from succinct.export import load, manifest_digest, save

    model = relax(get_family("ltl").build("uhat", {"formula": FORMULA}), 4)
    save(model, tmp_path / "m")
    path = tmp_path / "m.json"
    m = json.loads(path.read_text())
    m["certificate"]["beta"] *= 2
    m["manifest_sha256"] = manifest_digest(m)
    path.write_text(json.dumps(m))
    with pytest.raises(Exception, match="certificate.beta does not match"):
        load(path)
