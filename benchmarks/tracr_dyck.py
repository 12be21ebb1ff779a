"""Dyck recognizers side by side: tracr's compiled ``make_shuffle_dyck(["()"])`` vs ours.

Run: ``.venv/bin/python benchmarks/tracr_dyck.py`` (tracr needs the optional extra
``pip install 'succinct[tracr]'``, i.e. the ``tracr-pypi`` package; without it the script
says so and prints our side only). Options: ``--ns 4,8,16,32`` (both sides),
``--ours 64,128`` (our side only), ``--relaxed 8,16,32,64`` (our softmax models). The
issue-13 table: ``--ns 8,16,32,64 --ours "" --relaxed 8,16,32,64``.

For every maximum length N, one row per model:

* **tracr Dyck-1** — ``compile_rasp_to_model(make_shuffle_dyck(["()"]), {"(", ")"},
  max_seq_len=N, compiler_bos="BOS", compiler_pad="PAD")`` with the default
  ``mlp_exactness=100``. Blocks = 2 × ``num_layers`` (attention + MLP per layer); residual
  width = ``len(residual_labels)``; dense params = every entry of the assembled Haiku
  parameters; margin = the smallest gap, over the words tested, between the two output
  logits at the last position (the decision is their arg-max).
* **ours Dyck-1 / Dyck-2** — the ``dyck`` family's UHAT with ``D = N/2`` (every word of
  length ≤ N has depth ≤ N/2, so on lengths ≤ N it is exactly Dyck-k), up to the family's
  largest depth 32; beyond (the ``--ours`` rows, N = 64, 128) ``D = min(N/2, --depth)``
  (default 32) and the rows test Dyck-(k, D) on words up to length N. Its size depends
  on D only, not on N. From D = 16 (k = 2) interval bounds alone cannot certify int32
  exactness; those models are certified with their declared-Boolean coordinates bounded
  by 1 and check them on every evaluation (``spec.boolean_guard``, column "guard").
  Blocks = layers
  (each an attention layer or an FFN block); residual width = the widest residual stream
  (FFN hidden units not counted, as for tracr); dense params = every entry of every
  array; margin = (smallest readout value over accepted words) − (largest over rejected
  words): the readout is an integer, so the classes are separated by at least 1.

* **relaxed Dyck-1 / Dyck-2** — the same UHAT turned into a standard softmax transformer
  by :func:`succinct.compiler.relax.relax` with ``max_len=N`` (BOS sink, ALiBi-style tie
  bias, cleaning FFNs). Column "β" is its certified scale β(N) (the certificate's sympy
  formula at N); blocks = attention layers + FFN blocks (cleaning included); dense params
  = every entry of every array; "wrong f32" is the package's jitted float32 pass
  (``scores_batch``), "wrong f64" the batched numpy forward of the same architecture
  (:func:`succinct.models.softmax.forward`) in float64; margin as for the UHAT rows
  (readout values are within 1/4 of the UHAT's integers, so the classes stay apart).

Exactness: every word up to a stated length plus random words of length N (half of them
balanced), evaluated in float32 and in float64 (tracr: its Haiku forward with the
parameters cast; ours: the dense definition of every layer, :mod:`succinct.models.layers`,
run in numpy on the same arrays cast likewise; and, column "wrong exact", the package's
own certified-exact forward). "wrong" counts disagreements with a stack-based
reference.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time

import jax
import numpy as np

from constructions import dyck
from succinct.compiler.relax import relax
from succinct.models import layers, softmax
from succinct.sizes import count


def balanced(word: str, pairs: dict[str, str], depth: int | None = None) -> bool:
    """Stack reference: balanced, and (if ``depth``) never more than ``depth`` open."""
    stack: list[str] = []
    for s in word:
        if s in pairs:
            stack.append(pairs[s])
            if depth is not None and len(stack) > depth:
                return False
        elif not stack or stack.pop() != s:
            return False
    return not stack


def test_words(alphabet: str, pairs: dict[str, str], n: int, exhaustive: int,
               rng: np.random.Generator, samples: int = 64,
               depth: int | None = None) -> list[str]:
    """All words up to ``exhaustive`` and ``samples`` random words of length N, half of
    them balanced (of depth ≤ ``depth`` if given)."""
    words = ["".join(w) for ell in range(1, exhaustive + 1)
             for w in itertools.product(alphabet, repeat=ell)]
    opens = list(pairs)
    for i in range(samples):
        if i % 2:
            words.append("".join(rng.choice(list(alphabet), n)))
            continue
        stack: list[str] = []
        w = []
        while len(w) + len(stack) < n:
            full = depth is not None and len(stack) >= depth
            if stack and (full or len(w) + len(stack) + 2 > n or rng.random() < 0.5):
                w.append(stack.pop())
            else:
                t = opens[rng.integers(len(opens))]
                w.append(t)
                stack.append(pairs[t])
        words.append("".join(w + stack[::-1]))
    return words


# ---------------------------------------------------------------------------- ours
def numpy_readout(model, words: list[str], dtype) -> np.ndarray:
    """⟨t, v_N⟩ of a UHAT by its dense definition (:mod:`succinct.models.layers`) in numpy,
    every weight cast to ``dtype`` (so every product and sum is rounded in ``dtype``),
    batched over words of equal length."""
    spec, params = model.spec, model.params
    embed = np.asarray(params["embed"], dtype)
    weights = [{k: np.asarray(x, dtype) for k, x in p.items()} for p in params["layers"]]
    readout = np.asarray(params["readout"], dtype)
    out = np.zeros(len(words), dtype)
    by_length: dict[int, list[int]] = {}
    for b, w in enumerate(words):
        by_length.setdefault(len(w), []).append(b)
    for n, rows in by_length.items():
        ids = np.array([spec.alphabet.to_ids(words[b]) for b in rows])  # [B, N]
        lengths = np.full(len(rows), n)
        v = layers.embed(embed, ids)  # [B, N, R0]
        for layer, p in zip(spec.layers, weights, strict=True):
            v = layers.apply(layer, p, v, lengths)
        out[rows] = layers.readout_score(readout, layers.final_vector(v, lengths,
                                                                      spec.accept_at))
    return out


def ours_row(n_types: int, n: int, depth: int, rng: np.random.Generator) -> dict:
    name = f"ours Dyck-{n_types} (D={depth})"
    model = dyck.compiled(n_types, depth).model
    rep = count(model)
    op, cl = "([{<"[:n_types], ")]}>"[:n_types]
    pairs = dict(zip(op, cl, strict=True))
    exhaustive = min(n, 12 if n_types == 1 else 6)
    words = test_words(op + cl, pairs, n, exhaustive, rng, samples=32, depth=depth)
    limit = None if 2 * depth >= n else depth  # D = N/2 is all of Dyck-k up to length N
    want = np.array([balanced(w, pairs, limit) for w in words])
    row = {"model": name, "N": n, "blocks": rep.layers,
           "residual width": max(len(model.spec.embed),
                                 *(len(x.target) for x in model.spec.layers)),
           "dense params": rep.params,
           "max |w|": int(max(np.abs(np.asarray(x)).max(initial=0) for x in
                              model.components().values())),
           "tested": f"all ≤ {exhaustive} + 32 of length {n}",
           "guard": "yes" if model.spec.boolean_guard else "no"}
    row["wrong exact"] = int((model.accepts(words) != want).sum())
    for dtype, tag in ((np.float32, "f32"), (np.float64, "f64")):
        s = numpy_readout(model, words, dtype)
        row[f"wrong {tag}"] = int(((s > 0) != want).sum())
        if tag == "f64":
            row["min margin"] = float(s[want].min() - s[~want].max())
    return row


def relaxed_row(n_types: int, n: int, depth: int, rng: np.random.Generator) -> dict:
    model = relax(dyck.compiled(n_types, depth).model, max_len=n)
    op, cl = "([{<"[:n_types], ")]}>"[:n_types]
    pairs = dict(zip(op, cl, strict=True))
    exhaustive = min(n, 12 if n_types == 1 else 6)
    words = test_words(op + cl, pairs, n, exhaustive, rng, samples=32, depth=depth)
    limit = None if 2 * depth >= n else depth
    want = np.array([balanced(w, pairs, limit) for w in words])
    leaves = [np.asarray(x) for x in jax.tree_util.tree_leaves(model.params)]
    row = {"model": f"relaxed Dyck-{n_types} (D={depth})", "N": n,
           "blocks": len(model.layers),
           "residual width": max(p.get("W_v", p.get("W_r", model.params["embed"])).shape[0]
                                 for p in model.params["layers"]),
           "dense params": model.n_params,
           "max |w|": float(max(np.abs(x).max(initial=0) for x in leaves)),
           "β": model.beta, "tested": f"all ≤ {exhaustive} + 32 of length {n}"}
    tokens = np.zeros((len(words), n), np.int32)
    for b, w in enumerate(words):
        tokens[b, :len(w)] = model.alphabet.to_ids(w)
    lengths = np.array([len(w) for w in words], np.int32)
    s32 = model.scores_batch(tokens, lengths)
    row["wrong f32"] = int(((s32 > 0) != want).sum())
    p64 = jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), model.params)
    s64 = np.concatenate([
        softmax.forward(model.layers, p64, np.float64(model.beta), tokens[i:i + 512],
                        lengths[i:i + 512], model.accept_at)
        for i in range(0, len(words), 512)])
    row["wrong f64"] = int(((s64 > 0) != want).sum())
    row["min margin"] = float(s64[want].min() - s64[~want].max())
    return row


# ---------------------------------------------------------------------------- tracr
def tracr_row(n: int, rng: np.random.Generator) -> dict:
    import jax.numpy as jnp
    from tracr.compiler import compiling, lib

    t0 = time.perf_counter()
    program = lib.make_shuffle_dyck(pairs=["()"])
    model = compiling.compile_rasp_to_model(program, vocab={"(", ")"}, max_seq_len=n,
                                            compiler_bos="BOS", compiler_pad="PAD")
    compile_s = time.perf_counter() - t0
    leaves = jax.tree_util.tree_leaves(model.params)
    out_dirs = [i for i, lbl in enumerate(model.residual_labels)
                if lbl.startswith(f"{program.label}:")]
    out_values = [model.residual_labels[i].split(":", 1)[1] for i in out_dirs]
    accept_dir = out_values.index("True")  # the output SOp is Boolean: "balanced"
    pairs = {"(": ")"}
    exhaustive = min(n, 10 if n <= 8 else 8)
    words = test_words("()", pairs, n, exhaustive, rng, samples=64)
    want = np.array([balanced(w, pairs) for w in words])
    enc = model.input_encoder
    tokens = np.array([enc.encode(["BOS", *w] + ["PAD"] * (n - len(w))) for w in words])
    lengths = np.array([len(w) for w in words])
    row = {"model": "tracr Dyck-1", "N": n, "blocks": 2 * model.model_config.num_layers,
           "residual width": len(model.residual_labels),
           "dense params": int(sum(x.size for x in leaves)),
           "max |w|": float(max(np.abs(np.asarray(x)).max() for x in leaves)),
           "tested": f"all ≤ {exhaustive} + 64 of length {n}",
           "compile s": round(compile_s, 1)}
    for dtype, tag in ((jnp.float32, "f32"), (jnp.float64, "f64")):
        params = jax.tree_util.tree_map(lambda x, d=dtype: jnp.asarray(x, d), model.params)
        logits = []
        for i in range(0, len(words), 128):
            res = model.forward(params, jnp.asarray(tokens[i:i + 128]))
            final = np.asarray(res.transformer_output.output)
            rows = np.arange(final.shape[0])
            logits.append(final[rows, lengths[i:i + 128]][:, out_dirs])
        logits = np.concatenate(logits)
        accept = logits.argmax(axis=1) == accept_dir
        row[f"wrong {tag}"] = int((accept != want).sum())
        if tag == "f64":
            top = np.sort(logits, axis=1)
            row["min margin"] = float((top[:, -1] - top[:, -2]).min())
    return row


COLUMNS = ("model", "N", "blocks", "residual width", "dense params", "max |w|", "β",
           "min margin", "tested", "wrong f32", "wrong f64", "wrong exact", "guard")


def print_table(rows: list[dict]) -> None:
    cells = [[f"{r[c]:.4g}" if isinstance(r.get(c), float) else str(r.get(c, ""))
              for c in COLUMNS] for r in rows]
    widths = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for x in cells:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ns", default="4,8,16,32", help="N for both sides")
    ap.add_argument("--ours", default="64,128", help="further N for our side only")
    ap.add_argument("--relaxed", default="8,16,32,64",
                    help="N for our relaxed (softmax) models")
    ap.add_argument("--depth", type=int, default=32, help="largest D of our models")
    args = ap.parse_args()
    both = [int(x) for x in args.ns.split(",") if x]
    extra = [int(x) for x in args.ours.split(",") if x]
    soft = [int(x) for x in args.relaxed.split(",") if x]
    rng = np.random.default_rng(0)
    tracr_ok = True
    try:
        jax.config.update("jax_enable_x64", True)  # for the float64 columns
        import tracr  # noqa: F401
    except ImportError as e:
        tracr_ok = False
        print(f"tracr is not available ({e}); install the optional extra "
              "`pip install 'succinct[tracr]'` (package tracr-pypi). Printing our side only.\n")
    rows = []
    for n in sorted(set(both + extra + soft)):
        before = len(rows)
        if tracr_ok and n in both:
            try:
                rows.append(tracr_row(n, rng))
            except Exception as e:  # report, keep going with our side
                print(f"tracr failed at N={n}: {type(e).__name__}: {e}")
        depth = min(n // 2, args.depth)
        if n in both or n in extra:
            rows.append(ours_row(1, n, depth, rng))
            rows.append(ours_row(2, n, depth, rng))
        if n in soft:
            rows.append(relaxed_row(1, n, depth, rng))
            rows.append(relaxed_row(2, n, depth, rng))
        for r in rows[before:]:  # each row as soon as it is measured (long runs)
            print(f"done N={n}: " + ", ".join(f"{c}={r[c]}" for c in COLUMNS if c in r),
                  file=sys.stderr, flush=True)
    print_table(rows)
    if tracr_ok:
        for r in rows:
            if "compile s" in r:
                print(f"tracr compile time at N={r['N']}: {r['compile s']} s")


if __name__ == "__main__":
    main()
