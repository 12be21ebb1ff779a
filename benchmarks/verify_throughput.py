"""Throughput of the verification engine, and of RNN-to-automaton extraction.

1. Exhaustive agreement of the UHAT, the RNN and the reference recognizer of Dyck-(2,3) on
   every word up to length L (default 12: Σ_{ℓ≤12} 4^ℓ ≈ 22.4 M words), with
   :func:`succinct.verify.verify`, against two plain Python loops over words:
   * the naive check: every model called on one word at a time (what one writes without
     the engine), timed on the first words of length L and extrapolated;
   * the reference recognizer alone, one word per call (a floor for any check that
     includes it: the reference is a per-word Python predicate).
2. RNN extraction (Prop 1): quantized states explored per second for the k-bit RNNs of
   DC_1 and DC_2 (compile time excluded: the second of two runs).

Run: ``.venv/bin/python benchmarks/verify_throughput.py [--max-len 12] [--naive 300]``.
"""

from __future__ import annotations

import argparse
import itertools
import time

from succinct.exact.dispatch import extract_rnn
from succinct.registry import get_family
from succinct.verify import predicted_words, verify


def per_word_loop(models: dict, words: list[str]) -> float:
    """Words per second of a loop that calls every model on one word at a time."""
    t0 = time.perf_counter()
    for w in words:
        verdicts = {bool(m.accepts([w])[0]) for m in models.values()}
        assert len(verdicts) == 1, w
    return len(words) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-len", type=int, default=12)
    ap.add_argument("--naive", type=int, default=300, help="words timed in the naive loop")
    ap.add_argument("--reference-words", type=int, default=200_000)
    args = ap.parse_args()

    dyck = get_family("dyck")
    params = {"k": 2, "D": 3}
    models = {name: dyck.build(name, params) for name in ("reference", "uhat", "rnn")}
    symbols = dyck.alphabet(dyck.resolve(params)).symbols
    sep = "" if all(len(s) == 1 for s in symbols) else " "
    longest = [sep.join(w) for w in itertools.islice(
        itertools.product(symbols, repeat=args.max_len), args.naive)]
    for m in models.values():  # compile the one-word shapes before timing the loop
        m.accepts(longest[:1])

    n_words = predicted_words(len(symbols), args.max_len)
    print(f"Dyck-(2,3), all {n_words:,} words of length 1..{args.max_len}, models "
          f"{', '.join(models)}")
    report = verify(models, max_len=args.max_len)
    assert report.agree, report.counterexample
    print(f"  verify:           {report.words_per_second:12,.0f} words/s "
          f"({report.seconds:.1f} s on {report.devices} device(s), compilation included)")
    for name, s in report.model_seconds.items():
        print(f"    {name:10s} {s:8.1f} s  ({report.checked / s:12,.0f} words/s alone)")
    naive = per_word_loop(models, longest)
    print(f"  naive loop:       {naive:12,.0f} words/s (every model, one word per call; "
          f"{len(longest)} words of length {args.max_len})")
    ref_words = [sep.join(w) for w in itertools.islice(
        itertools.product(symbols, repeat=args.max_len), args.reference_words)]
    reference = per_word_loop({"reference": models["reference"]}, ref_words)
    print(f"  reference loop:   {reference:12,.0f} words/s (reference alone, one word per "
          "call)")
    print(f"  verify / naive loop     = {report.words_per_second / naive:10,.0f}x")
    print(f"  verify / reference loop = {report.words_per_second / reference:10,.2f}x")

    print("RNN extraction (k-bit RNNs of DC_n; second run, compiled)")
    dc = get_family("dc")
    for n in (1, 2):
        rnn = dc.build("rnn", {"n": n})
        extract_rnn(rnn)
        auto = extract_rnn(rnn)
        print(f"  DC_{n}: {auto.explored:,} quantized states in {auto.seconds:.2f} s = "
              f"{auto.states_per_second:,.0f} states/s; minimal DFA "
              f"{auto.minimal.n_states} states; D = {rnn.units} units, "
              f"k = {rnn.spec.bits} bit")


if __name__ == "__main__":
    main()
