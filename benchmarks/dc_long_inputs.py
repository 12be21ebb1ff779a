"""Long inputs: the compiled DC_n UHAT on w_3 (10 240 symbols) and w_4 (6 291 456 symbols).

For each word: the time to encode it, then to accept it with the fast hard-attention
path (first call: per-layer compilation plus the run; second call: the run), and with
the dense O(N²) path where it fits in memory — the largest padded length the dense path
holds is the one whose score tensors (≈ 12·B·N² bytes) stay under
``succinct.models.uhat.DENSE_MEMORY_LIMIT``; beyond it the dense path refuses with the predicted
memory, which is printed. The ratio dense / fast is printed for the words both paths
run. Peak resident memory of the process is printed at the end.

Usage::

    .venv/bin/python benchmarks/dc_long_inputs.py            # w_3 and w_4
    .venv/bin/python benchmarks/dc_long_inputs.py --max-n 3  # w_3 only (about a minute)
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from succinct.models.uhat import DENSE_MEMORY_LIMIT
from succinct.registry import get_family
from succinct.words import SuccinctError, bucket_length, encode


def timed(fn, *args, **kwargs):
    """``(fn(*args, **kwargs), seconds)``."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-n", type=int, default=4, choices=(3, 4))
    args = ap.parse_args()
    dc = get_family("dc")
    largest = 1 << int(np.log2(np.sqrt(DENSE_MEMORY_LIMIT / 12)))
    print(f"dense path holds padded lengths up to {largest} (one word; limit "
          f"{DENSE_MEMORY_LIMIT / 2**30:.0f} GiB)")
    print(f"{'word':5} {'|w|':>9} {'padded':>9} {'encode s':>9} {'path':6} "
          f"{'1st call s':>11} {'2nd call s':>11} {'accepted':>9}")
    steady: dict[tuple[int, str], float] = {}
    for n in range(3, args.max_n + 1):
        model = dc.build("uhat", {"n": n})
        word = next(iter(dc.members({"n": n})))
        (tokens, lengths), t_enc = timed(encode, [word], model.alphabet)
        for path, evaluator in (("fast", "auto"), ("dense", "dense")):
            try:
                first, t1 = timed(model.accepts_batch, tokens, lengths, evaluator=evaluator)
            except SuccinctError as e:
                print(f"w_{n:<3} {len(word):9d} {bucket_length(len(word)):9d} {t_enc:9.2f} "
                      f"{path:6} refused: {e}")
                continue
            second, t2 = timed(model.accepts_batch, tokens, lengths, evaluator=evaluator)
            assert bool(first[0]) and bool(second[0]), f"w_{n} rejected on the {path} path"
            steady[(n, path)] = t2
            print(f"w_{n:<3} {len(word):9d} {bucket_length(len(word)):9d} {t_enc:9.2f} "
                  f"{path:6} {t1:11.2f} {t2:11.2f} {'yes':>9}", flush=True)
    for n in range(3, args.max_n + 1):
        if (n, "dense") in steady:
            ratio = steady[(n, "dense")] / steady[(n, "fast")]
            print(f"w_{n}: dense / fast (2nd calls) = {ratio:.1f}x")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak resident memory: {rss:.1f} GiB")


if __name__ == "__main__":
    main()
