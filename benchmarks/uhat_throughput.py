"""Benchmark: compiled UHAT vs the B-RASP interpreter; LTL compile time and size.

Run: ``.venv/bin/python benchmarks/uhat_throughput.py``

1. Words per second on one batch of 4096 words of length 64 (the paper's Example 1
   formula, compiled in ``ffn`` mode), for the UHAT's fast path through ``accepts_batch``
   (the column plan, one compiled step per layer), the same pass compiled whole
   (``kernels.forward_whole``) and ``jax.jit`` of ``UHAT.forward`` (the whole pass traced,
   weights restricted in the trace), the dense O(N²) path through ``accepts_batch``
   (2^18 tokens: a dense batch this large compiles the whole model,
   ``uhat.WHOLE_MODEL_TOKENS``), and the B-RASP interpreter (numpy, one word at a time).
   The first call (compile included) is reported separately. Ratios are from this one
   run.
2. Compile time (LTL → B-RASP → UHAT) and sizes for random LTL formulas of 10 to 200
   operators.
"""

from __future__ import annotations

import random
import time

import jax
import jax.numpy as jnp
import numpy as np

from succinct.compiler.brasp_to_uhat import compile_program
from succinct.models import kernels
from succinct.programs.ltl import Binary, Top, Unary, parse, to_brasp
from succinct.sizes import count
from succinct.words import Alphabet

AB = Alphabet.of("ab")
EXAMPLE_1 = "b & H(b -> Y a) & H((a & Y true) -> Y b)"


def throughput() -> None:
    program = to_brasp(parse(EXAMPLE_1, AB), AB)
    model = compile_program(program, "ffn").model
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 2, size=(4096, 64), dtype=np.int32)
    tokens[:2048] = np.tile([0, 1], 32)  # half of them members of (ab)+
    lengths = np.full(4096, 64, np.int32)
    rows = []
    whole = jax.jit(lambda m, t, n: m.forward(t, n)[0])
    runs = (("uhat fast path", lambda: model.accepts_batch(tokens, lengths, evaluator="fast")),
            ("uhat dense path", lambda: model.accepts_batch(tokens, lengths, evaluator="dense")),
            ("uhat fast, whole", lambda: np.asarray(kernels.forward_whole(
                model.plan, "fast", model.columns, jnp.asarray(tokens),
                jnp.asarray(lengths))[0])),
            ("uhat forward, one jit", lambda: np.asarray(whole(model, jnp.asarray(tokens),
                                                               jnp.asarray(lengths)))))
    for name, call in runs:
        t0 = time.perf_counter()
        call()  # compile + first run
        t1 = time.perf_counter()
        reps = 5
        for _ in range(reps):
            got = call()
        t2 = time.perf_counter()
        rows.append((name, 4096 * reps / (t2 - t1), t1 - t0))
    t0 = time.perf_counter()
    want = program.accepts_batch(tokens, lengths)
    t1 = time.perf_counter()
    rows.append(("B-RASP interpreter", 4096 / (t1 - t0), 0.0))
    assert (got == want).all() and want[:2048].all()
    base = rows[-1][1]
    print(f"Example 1 UHAT: {model.n_layers} layers, width {model.width}; batch 4096 x 64")
    print(f"{'evaluator':22} {'words/s':>12} {'vs interp':>10} {'first call s':>13}")
    for name, wps, first in rows:
        print(f"{name:22} {wps:12.0f} {wps / base:9.1f}x {first:13.2f}")


def random_formula(n_ops: int, rng: random.Random):
    """A random formula over {a, b} with exactly ``n_ops`` operators."""
    if n_ops == 0:
        return rng.choice([parse("a"), parse("b"), Top()])
    if rng.random() < 0.4:
        return Unary(rng.choice(["!", "Y", "P", "H", "X", "F", "G"]),
                     random_formula(n_ops - 1, rng))
    left = rng.randint(0, n_ops - 1)
    return Binary(rng.choice(["&", "|", "->", "S", "U"]), random_formula(left, rng),
                  random_formula(n_ops - 1 - left, rng))


def compile_sizes() -> None:
    rng = random.Random(0)
    print()
    print(f"{'ops':>5} {'|φ|':>5} {'preds':>6} {'layers':>7} {'width':>6} {'params':>10} "
          f"{'bits':>11} {'compile s':>10}")
    for n_ops in (10, 25, 50, 100, 200):
        phi = random_formula(n_ops, rng)
        t0 = time.perf_counter()
        compiled = compile_program(to_brasp(phi, AB), "ffn")
        dt = time.perf_counter() - t0
        rep = count(compiled.model)
        print(f"{n_ops:5d} {phi.size():5d} {len(compiled.program.ops):6d} {rep.layers:7d} "
              f"{rep.width:6d} {rep.params:10d} {rep.bits:11d} {dt:10.2f}")


if __name__ == "__main__":
    throughput()
    compile_sizes()
