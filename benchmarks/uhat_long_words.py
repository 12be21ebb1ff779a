"""Long words through compiled UHATs (issue 11, item 7): the two long-input targets.

1. Two 100,000-symbol words through the Dyck-(2,32) UHAT: a member of depth up to 32 and
   the same word with one closer flipped (not a member), in one ``accepts`` call
   (target: ≤ 60 s).
2. ``w_4`` (6,291,456 symbols) through the DC_4 UHAT (target: ≤ 90 s).

For each: the time to build the model, to encode the words, and two ``accepts`` calls
(the first includes compiling the per-layer steps), as wall and process CPU seconds (the
CPU figure is steadier on a shared machine; XLA uses both cores, so it can exceed the
wall time), the answers checked against the reference, and the peak resident memory.

``--profile`` then prints where the fast evaluator spends its time on the same input:
one row per step kind and shape of the column plan (the embedding, FFN blocks by their
restricted widths, the selections of attention layers by route, their outputs, and the
declared-Boolean checks), first call (compile included) and second call, CPU seconds.

Usage::

    .venv/bin/python benchmarks/uhat_long_words.py                # both targets
    .venv/bin/python benchmarks/uhat_long_words.py --only dyck --profile
    .venv/bin/python benchmarks/uhat_long_words.py --dyck-len 1024  # the old figure's size
"""

from __future__ import annotations

import argparse
import collections
import resource
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from succinct.models import kernels
from succinct.models.uhat import UHAT
from succinct.registry import get_family
from succinct.words import encode


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(label: str, fn: Callable, *args, **kwargs):
    """Runs ``fn``, prints wall and CPU seconds, returns its value."""
    w0, c0 = time.perf_counter(), cpu_seconds()
    out = fn(*args, **kwargs)
    print(f"  {label:34s} wall {time.perf_counter() - w0:8.2f} s   cpu {cpu_seconds() - c0:8.2f} s",
          flush=True)
    return out


def dyck_words(length: int, depth: int, seed: int = 0) -> tuple[str, str]:
    """A member of Dyck-(2, depth) of exactly ``length`` symbols (even) that reaches the
    depth bound, and the same word with its last closer's type flipped."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    stack: list[int] = []
    for i in range(length):
        left = length - i
        can_open = len(stack) < depth and len(stack) + 1 <= left - 1
        if stack and (not can_open or rng.random() < 0.5):
            out.append(")]"[stack.pop()])
        else:
            t = int(rng.integers(0, 2))
            stack.append(t)
            out.append("(["[t])
    word = "".join(out)
    last = word[-1]
    return word, word[:-1] + (")" if last == "]" else "]")


def profile(model: UHAT, tokens: np.ndarray, lengths: np.ndarray) -> None:
    """Per step kind of the column plan: CPU seconds of the first and second call."""
    plan, w = model.plan, model.columns
    tok, lens = jnp.asarray(tokens), jnp.asarray(lengths)

    def once() -> tuple[dict[str, float], collections.Counter]:
        spent: dict[str, float] = collections.defaultdict(float)
        count: collections.Counter = collections.Counter()

        def run(key: str, fn: Callable, *args):
            c0 = cpu_seconds()
            out = jax.block_until_ready(fn(*args))
            spent[key] += cpu_seconds() - c0
            count[key] += 1
            return out

        zero = jnp.zeros(tok.shape, w["embed"].dtype)
        cols: list = [None] * len(plan.spec.embed)
        for c, x in zip(plan.embed, run("embed", kernels._embed_columns, w["embed"], tok),
                        strict=False):
            cols[c] = x
        for step, lw in zip(plan.steps, w["layers"], strict=True):
            if step.guard:
                run("Boolean check", kernels._guard_columns,
                    kernels._take(cols, step.guard, zero), lens)
            new: tuple = ()
            if step.rows and step.kind == "ffn":
                key = (f"ffn  r{len(step.reads)} h{len(step.hidden)} s{len(step.rows)} "
                       f"(padded {kernels._bucket(len(step.reads))}/"
                       f"{kernels._bucket(len(step.hidden))}/{kernels._bucket(len(step.rows))})")
                new = run(key, kernels._ffn_columns, lw, kernels._take(cols, step.reads, zero))
            elif step.rows and step.kind == "relu":
                new = run("relu", kernels._relu_column, cols[step.reads[0]])
            elif step.rows:
                idx = vis = None
                if step.route.kind != "skip":
                    idx, vis, _ = run(
                        f"select {step.route.kind} {step.route.mask}/{step.route.tie}",
                        kernels._select_columns, step.route,
                        {k: lw[k] for k in kernels._SELECTION if k in lw},
                        kernels._take(cols, step.select, zero), lens,
                        np.asarray(step.keys, np.int32))
                new = run("attention output", kernels._output_columns,
                          {k: lw[k] for k in kernels._OUTPUT if k in lw},
                          kernels._take(cols, step.reads, zero),
                          kernels._take(cols, step.attended, None), idx, vis)
            computed = iter(new)
            cols = [cols[c] if c >= 0 else next(computed) if c == kernels.COMPUTED else None
                    for c in step.source]
        return spent, count

    first, count = once()
    second, _ = once()
    print(f"  profile (CPU s; {sum(first.values()):.2f} first call, "
          f"{sum(second.values()):.2f} second):")
    for key in sorted(second, key=lambda k: -second[k]):
        print(f"    {key:44s} x{count[key]:4d}  first {first[key]:7.2f}  second "
              f"{second[key]:7.3f}")


def dyck_target(length: int, show_profile: bool) -> None:
    dyck = get_family("dyck")
    params = {"k": 2, "D": 32}
    print(f"Dyck-(2,32) UHAT, two words of {length:,} symbols")
    model = timed("build", dyck.build, "uhat", params)
    print(f"  {model.n_layers} layers, residual width {model.width}, "
          f"{sum(len(s.rows) for s in model.plan.steps)} coordinates computed by the plan")
    words = dyck_words(length, 32)
    want = dyck.build("reference", params).accepts(list(words)).tolist()
    assert want == [True, False], want
    tokens, lengths = timed("encode", encode, list(words), model.alphabet)
    for call in ("first accepts (compile + run)", "second accepts"):
        got = timed(call, model.accepts_batch, tokens, lengths).tolist()
        assert got == want, (got, want)
    print("  answers: member accepted, flipped word rejected (as the reference)")
    if show_profile:
        profile(model, tokens, lengths)


def dc_target(n: int, show_profile: bool) -> None:
    dc = get_family("dc")
    model = timed("build", dc.build, "uhat", {"n": n})
    word = next(iter(dc.members({"n": n})))
    print(f"DC_{n} UHAT on w_{n} ({len(word):,} symbols); {model.n_layers} layers, residual "
          f"width {model.width}")
    tokens, lengths = timed("encode", encode, [word], model.alphabet)
    for call in ("first accepts (compile + run)", "second accepts"):
        got = timed(call, model.accepts_batch, tokens, lengths)
        assert bool(got[0]), f"w_{n} rejected"
    print(f"  answer: w_{n} accepted")
    if show_profile:
        profile(model, tokens, lengths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("dyck", "dc"), default=None)
    ap.add_argument("--dyck-len", type=int, default=100_000)
    ap.add_argument("--dc-n", type=int, default=4, choices=(1, 2, 3, 4))
    ap.add_argument("--profile", action="store_true", help="time every step kind")
    args = ap.parse_args()
    if args.only in (None, "dyck"):
        dyck_target(args.dyck_len, args.profile)
    if args.only in (None, "dc"):
        dc_target(args.dc_n, args.profile)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak resident memory: {rss:.2f} GiB")


if __name__ == "__main__":
    main()
