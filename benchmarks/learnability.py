"""Benchmark: can gradient descent find the constructions? (issue 15, item 5)

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/learnability.py [--steps S] [--seeds K]
[--only NAME ...] [--out out/learnability.json]``; ``--table out/learnability.json``
prints the table of a saved run again.

For each language (the flip-flop and parity word problems, DC_1, E_1, E_2, Dyck-(1,3),
Dyck-(2,2)) and each architecture it trains, from a random start, a network with the
budget of the family's construction (:func:`succinct.learn.learn`):

* transformer ``--like uhat``: the layers, masks and shapes of the relaxed UHAT
  (:func:`succinct.compiler.relax.relax`); parity has no UHAT (its syntactic monoid is a
  group, not aperiodic), so it gets the explicit budget of 2 blocks of width 8;
* RNN ``--like rnn``: the unit count of the family's RNN, tanh units.

Every run uses the same optimiser settings (:class:`succinct.learn.TrainConfig`
defaults: AdamW, peak lr 1e-2, batch 128) and the same number of steps; nothing is tuned
per language or per side. ``L`` is the training length: 8 by default, the length of the
members for the singleton-like languages (DC_1: 24, E_1: 6, E_2: 16). The table reports
the trained parameter count beside the construction's, the accuracy on every word up to
``L`` (``exh``; ``smp`` marks a sample where there are more than 2^17 words), the
accuracy on members and on non-members of lengths ``L+1 … 4L`` (``-``: no members of
those lengths exist), the shortest misclassified word, and for RNNs the size of the
automaton extracted from the quantized states (``-``: not quantizable).
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import time

from succinct.learn import Budget, TrainConfig, learn
from succinct.words import SuccinctError

LANGUAGES: tuple[tuple[str, str, dict, int], ...] = (
    ("flip-flop", "wordproblem", {"monoid": "flipflop"}, 8),
    ("parity", "wordproblem", {"monoid": "parity"}, 8),
    ("DC_1", "dc", {"n": 1}, 24),
    ("E_1", "counter", {"N": 1}, 6),
    ("E_2", "counter", {"N": 2}, 16),
    ("Dyck-(1,3)", "dyck", {"k": 1, "D": 3}, 8),
    ("Dyck-(2,2)", "dyck", {"k": 2, "D": 2}, 8),
)


def _pct(x: float | None) -> str:
    """A percentage truncated to one decimal, so that 100.0 means no error at all (a
    rounded 99.98 would read as exact)."""
    return "-" if x is None else f"{math.floor(1000 * x) / 10:.1f}"


def run(name: str, family: str, raw: dict, L: int, arch: str, seed: int, steps: int
        ) -> dict:
    like = "uhat" if arch == "transformer" else "rnn"
    budget = Budget() if (family, raw.get("monoid"), arch) == (
        "wordproblem", "parity", "transformer") else Budget(like=like)
    t = time.perf_counter()
    try:
        rep = learn(family, raw, arch=arch, budget=budget,
                    cfg=TrainConfig(steps=steps, train_max_len=L, seed=seed)).report
    except SuccinctError as e:
        return {"language": name, "arch": arch, "seed": seed, "error": str(e)}
    rep["language"] = name
    rep["wall_seconds"] = time.perf_counter() - t
    return rep


def row(r: dict) -> str:
    if "error" in r:
        return f"| {r['language']} | {r['arch']} | {r['seed']} | error: {r['error']} |"
    g = r["length_generalization"]
    err = r["shortest_error"]
    ext = r.get("extraction")
    states = "" if ext is None else (str(ext["states"]) if ext["quantizable"] else "-")
    budget = r["budget"].get("like") or "2x8"
    return (f"| {r['language']} | {r['arch']} | {r['seed']} | {budget} | {r['params']} | "
            f"{r['construction_params'] or '-'} | {r['train_max_len']} | "
            f"{_pct(r['train_accuracy'])} | {_pct(r['accuracy_up_to_L'])} "
            f"{'exh' if r['evaluation'] == 'exhaustive' else 'smp'} | "
            f"{_pct(g['members'])} | {_pct(g['non_members'])} | "
            f"{'-' if err is None else repr(err['word'])} | {states} | "
            f"{r['seconds']:.0f} |")


HEADER = ("| language | arch | seed | budget | params | constr. params | L | train % | "
          "≤ L % | members L+1..4L % | non-members L+1..4L % | shortest error | "
          "DFA states | train s |\n|" + "---|" * 14)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--only", nargs="*", help="language names (default: all)")
    ap.add_argument("--arch", nargs="*", default=["rnn", "transformer"])
    ap.add_argument("--out", default="out/learnability.json")
    ap.add_argument("--table", metavar="JSON",
                    help="print the table of a saved run (its --out file) and exit")
    args = ap.parse_args()
    if args.table:
        print(HEADER)
        for r in json.loads(pathlib.Path(args.table).read_text()):
            print(row(r))
        return
    rows = []
    print(HEADER, flush=True)
    for name, family, raw, L in LANGUAGES:
        if args.only and name not in args.only:
            continue
        for arch in args.arch:
            for seed in range(args.seeds):
                r = run(name, family, raw, L, arch, seed, args.steps)
                rows.append(r)
                print(row(r), flush=True)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for r in rows:
        r.get("length_generalization", {}).pop("per_length", None)
    out.write_text(json.dumps(rows, indent=1, default=str, ensure_ascii=False))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
