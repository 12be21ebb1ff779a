"""Predicted cost and default budgets of long work: verify, dfa, accepts, atlas.

Every refusal must come before the work (seconds, not the run), as one ``error:`` line
with the prediction and the flag that lifts it. Expected values come from outside the
code under test: word counts from closed forms (Σ_{ℓ≤L} 2^ℓ = 2^{L+1} − 2), the words a
run really checked, and the time it really took.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the commands)
from succinct.automata.dfa import explore
from succinct.cli.app import app
from succinct.compiler.brasp_to_uhat import compile_program
from succinct.exact import budget
from succinct.exact.budget import ExplorationBudgetExceeded
from succinct.programs.ltl import Language, parse, to_brasp
from succinct.recognizer import Predicate
from succinct.verify import BudgetExceeded, estimate, evaluation_bytes, verify
from succinct.words import Alphabet, SuccinctError

AB = Alphabet.of("ab")
FORMULA = "a S b"
RUN = CliRunner()


def refusal(res) -> str:
    """The one ``error:`` line of a refused command (exit 2, nothing on stdout)."""
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert res.stdout == ""
    return lines[0]


def models() -> dict:
    phi = parse(FORMULA, AB)
    program = to_brasp(phi, AB)
    return {"reference": Language(phi, AB), "brasp": program,
            "uhat": compile_program(program).model,
            "python": Predicate(AB, lambda w: "b" in w[:-1])}


# ====================================================================== verify
def test_verify_max_len_40_is_refused_before_it_starts():
    """2^41 − 2 words: refused at once with the count, the predicted time and the flag.
    Planted bug caught: the CLI not setting a default budget (the run starts)."""
    t0 = time.perf_counter()
    res = RUN.invoke(app, ["verify", "ltl", "-p", f"formula={FORMULA}", "--max-len", "40"])
    seconds = time.perf_counter() - t0
    line = refusal(res)
    assert f"{2**41 - 2:,} words of length 1..40 over 2 symbols" in line
    assert "predicted" in line and "--time-limit" in line
    assert seconds < 60  # model builds and one probe batch (~10 s alone on two cores)


def test_verify_samples_10_to_the_10_is_refused():
    """Planted bug caught: sampled words left out of the prediction (predicted 0 s)."""
    res = RUN.invoke(app, ["verify", "ltl", "-p", f"formula={FORMULA}", "--models",
                           "reference,uhat", "--samples", "10000000000"])
    line = refusal(res)
    assert "10,000,000,000 sampled words" in line and "--time-limit" in line


def test_small_verify_prints_its_prediction_and_runs():
    res = RUN.invoke(app, ["verify", "ltl", "-p", f"formula={FORMULA}", "--max-len", "8",
                           "--batch-size", "64"])
    assert res.exit_code == 0, res.output
    assert re.search(rf"^verify: {2**9 - 2:,} words of length 1..8 over 2 symbols; "
                     r"predicted [\d.]+ s at ~[\d,]+ words/s \(measured on a probe batch\)$",
                     res.stderr, re.M), res.stderr
    assert "agree" in res.stdout


@pytest.mark.parametrize("device_only", [True, False])
def test_prediction_matches_the_run(device_only):
    """The predicted word count is the number of words the run checks, and the predicted
    time is within 20× of the time the run takes (both sides measured in this process,
    after the probe compiled the batch shapes). The run has 100+ batches, so a prediction
    that forgot to multiply by the number of batches is off by far more than 20×. Planted
    bugs caught: one batch predicted for all (time), the members left out of the count,
    ``range(1, max_len)`` in the exhaustive count, the longest words' batches left out of
    the batch count."""
    ms = models()
    if device_only:  # two UHATs: the batches never leave the device
        ms = {"uhat": ms["uhat"], "again": compile_program(to_brasp(parse(FORMULA, AB),
                                                                    AB)).model}
        kw = {"max_len": 14, "batch_size": 512, "samples": 20_000,
              "members": ["ab", "bab", "aabab"]}
    else:  # host models: the B-RASP interpreter and a Python predicate
        ms = {"brasp": ms["brasp"], "python": ms["python"]}
        kw = {"max_len": 10, "batch_size": 16, "samples": 500, "members": ["ab", "bab"]}
    predicted = estimate(ms, **kw)
    done: list[int] = []  # the progress callback runs once per batch
    report = verify(ms, **kw, progress=lambda n, total: done.append(n))
    assert predicted.words == report.checked == report.exhaustive + report.sampled
    assert predicted.exhaustive == 2 ** (kw["max_len"] + 1) - 2 == report.exhaustive
    assert predicted.sampled == kw["samples"] + len(kw["members"]) == report.sampled
    assert predicted.batches == len(done) >= 100
    ratio = predicted.seconds / report.seconds
    assert 1 / 20 < ratio < 20, (predicted, report.seconds)


def test_api_time_limit_refuses_with_the_prediction():
    """``time_limit`` in the API refuses before the run with :class:`BudgetExceeded`
    holding the prediction; without it nothing is predicted (library users opt in).
    Planted bug caught: the check done after the run."""
    ms = {"brasp": models()["brasp"], "python": models()["python"]}
    announced = []
    with pytest.raises(BudgetExceeded) as e:
        verify(ms, max_len=16, batch_size=256, time_limit=0.5, announce=announced.append)
    assert e.value.estimate.words == 2**17 - 2 and e.value.estimate.seconds > 0.5
    assert announced == []  # refused before announcing
    report = verify(ms, max_len=4, announce=announced.append)
    assert [a.words for a in announced] == [report.checked] == [30]


# ====================================================================== dfa
def test_dfa_dc_2_uhat_is_refused_within_seconds():
    """The issue's case: this exploration ran for 119 s before failing at the state
    bound. It stops at the default time budget's probe (60 s / 12 = 5 s of exploring),
    naming both flags. Planted bug caught: the prediction disabled (it stops only at the
    60 s time limit)."""
    t0 = time.perf_counter()
    res = RUN.invoke(app, ["dfa", "dc", "-p", "n=2", "--model", "uhat"])
    seconds = time.perf_counter() - t0
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 2 and res.stdout == ""
    assert lines[0] == ("dfa: exploring at most 1,000,000 states (--max-states) within 60 s "
                        "(--time-limit)")
    assert len(lines) == 2 and lines[1].startswith("error: state exploration expanded")
    line = lines[1]
    assert "--time-limit" in line and "--max-states" in line
    explored = float(re.search(r"states in ([\d.]+) s", line).group(1))
    assert explored < 10  # the exploration itself; building 81 layers takes a few more
    assert seconds < 40


def test_exploration_budget_predicts_and_stops():
    """A BFS along a chain (one new state per step call, 10 ms each: ~100 states/s).
    Reaching 10^6 states would take ~10^4 s, so with a 0.6 s budget it stops at the
    probe (0.05 s) with that prediction; a 5-state cycle finishes inside the same budget;
    outside :func:`budget.watching` nothing is checked. The stop reports the states
    really expanded (one per step call). Planted bugs caught: the
    prediction scaled by the states explored instead of the bound; the check skipped
    (the chain runs to its 2,000 states)."""
    def chain(n: int, delay: float):
        def step(states: np.ndarray, symbols: np.ndarray) -> np.ndarray:
            time.sleep(delay)
            return (states + 1) % n
        return step

    t0 = time.perf_counter()
    with budget.watching(10**6, time_limit=0.6), pytest.raises(ExplorationBudgetExceeded) as e:
        explore(np.zeros(1, np.int64), budget.watch_step(chain(2000, 0.01), 1),
                lambda s: s[:, 0] == 0, 1, 10**6, bucket=False)
    assert time.perf_counter() - t0 < 0.6
    err = e.value
    assert err.predicted is not None and err.predicted > 1000
    assert 0.05 <= err.seconds < 0.6 and 1 <= err.explored <= 60  # ≥ 10 ms per step
    assert err.predicted == pytest.approx(10**6 * err.seconds / err.explored)
    with budget.watching(10**6, time_limit=0.6):
        dfa, n = explore(np.zeros(1, np.int64), budget.watch_step(chain(5, 0.0), 1),
                         lambda s: s[:, 0] == 0, 1, 10**6, bucket=False)
    assert n == 5
    step = chain(5, 0.0)
    assert budget.watch_step(step, 1) is step  # no budget: unwrapped


# ====================================================================== accepts
def test_accepts_huge_word_is_refused_with_its_memory():
    """A word of 2^20 symbols through DC_2's UHAT (81 layers, width 27): predicted
    4·2^20·27·81 bytes ≈ 8.5 GiB > 4 GiB. Planted bug caught: the guard skipped (the
    evaluation starts and takes minutes)."""
    res = RUN.invoke(app, ["accepts", "dc", "-p", "n=2", "--model", "uhat", "-"],
                     input="0" * 2**20 + "\n")
    line = refusal(res)
    assert f"{4 * 2**20 * 27 * 81 / 2**30:.1f} GiB" in line
    assert "1,048,576 symbols" in line and "--max-memory" in line


def test_accepts_budget_is_the_flag():
    """The same word is refused or evaluated depending on --max-memory alone: the
    prediction of 'ab' and 'bab' is 4·2·8·W·L bytes (two words padded to 8)."""
    uhat = models()["uhat"]
    need = evaluation_bytes(uhat, 2, 3)
    assert need == 4 * 2 * 8 * uhat.spec.width * len(uhat.spec.layers)
    args = ["accepts", "ltl", "-p", f"formula={FORMULA}", "--model", "uhat", "ab", "bab"]
    res = RUN.invoke(app, args + ["--max-memory", str(need * 0.99 / 2**30)])
    assert "--max-memory" in refusal(res)
    res = RUN.invoke(app, args + ["--max-memory", str(need * 1.01 / 2**30)])
    assert res.exit_code == 0 and res.stdout.splitlines() == ["ab\treject", "bab\taccept"]


def test_probe_does_not_count_a_host_models_first_call():
    """A host model whose first call is slow (a compile, as a softmax transformer's jit)
    and whose later calls are instant: the prediction is per batch, so the one-off second
    must not be multiplied by the batch count. Planted bug caught: the host model timed on
    its first call (predicted ≈ 1 s × batches)."""
    calls = []

    def slow_first(word: str) -> bool:
        if not calls:
            time.sleep(1.0)
        calls.append(word)
        return "b" in word[:-1]

    ms = {"python": Predicate(AB, slow_first), "again": models()["python"]}
    predicted = estimate(ms, max_len=10, batch_size=64)
    assert predicted.batches > 10 and predicted.seconds < 1.0, predicted


def test_softmax_memory_counts_scores_and_streams():
    """A relaxed (softmax) model holds ``[B, T+1, T+1]`` attention scores and a stream of
    widths read off its weights, for words padded to its ``max_len`` T. The bounds here
    come from the arrays themselves (one float32 score tensor, one layer's stream).
    Planted bug caught: the softmax model predicted with the generic ``32·B·N`` bytes (far
    below a single score tensor at T = 64)."""
    from succinct.compiler.relax import relax

    soft = relax(models()["uhat"], max_len=64)
    need = evaluation_bytes(soft, 3, 5)
    rows, positions = 4, 65  # 3 words pad to a batch of 4, and every word to T + 1
    assert need >= 4 * rows * positions * positions  # one float32 score tensor
    width = max(np.shape(p["W_v" if "W_v" in p else "W_r"])[0] for p in soft.params["layers"])
    assert need >= 4 * rows * positions * width * len(soft.layers)


def test_bad_budget_values():
    with pytest.raises(SuccinctError, match="max_len"):
        estimate(models(), max_len=0)


# ====================================================================== atlas
def test_atlas_prints_its_rows_and_refuses_past_its_budget(tmp_path):
    """The row count is the family's own list of parameter sets; the rough time is that
    count times the per-row figure; a budget below it refuses before any row is built.
    Planted bug caught: the refusal raised after the rows (the command takes minutes)."""
    from succinct.atlas import SECONDS_PER_ROW
    from succinct.registry import get_family

    n = len(get_family("khop").atlas(False))
    t0 = time.perf_counter()
    res = RUN.invoke(app, ["atlas", "--family", "khop", "--time-limit",
                           str(n * SECONDS_PER_ROW / 2), "--out", str(tmp_path / "a")])
    line = refusal(res)
    assert time.perf_counter() - t0 < 5
    assert line.startswith(f"error: atlas: {n} rows; predicted ~") and "--time-limit" in line
    assert not (tmp_path / "a").exists()
    res = RUN.invoke(app, ["atlas", "--family", "khop", "--no-check", "--no-plots", "--out",
                           str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    assert f"atlas: {n} rows; predicted ~{n * SECONDS_PER_ROW:.1f} s" in res.stderr


@pytest.mark.parametrize("max_len", ["2000", "100000", "99999999999999999999999"])
def test_astronomical_max_len_is_refused_at_once(max_len):
    """Found by a review: ``--max-len 100000`` summed |Σ|^ℓ term by term (it hung), and
    ``--max-len 2000`` overflowed a float (internal error). The count has a closed form and
    anything past 2^1000 words is refused before counting. Planted: the term-by-term sum
    (the 10^23 case never returns)."""
    t0 = time.perf_counter()
    result = RUN.invoke(app, ["verify", "dyck", "--max-len", max_len])
    assert result.exit_code == 2, result.output
    assert "more than any check can evaluate" in result.stderr
    assert time.perf_counter() - t0 < 30


def test_predicted_words_closed_form_matches_the_sum():
    """(|Σ|^(L+1) − |Σ|)/(|Σ| − 1) against the plain sum, one symbol included."""
    from succinct.verify import predicted_words

    for k in range(1, 6):
        for L in range(1, 30):
            assert predicted_words(k, L) == sum(k**ell for ell in range(1, L + 1))
