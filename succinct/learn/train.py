"""Training with optax, and scores against the reference.

**Loss and optimiser.** Binary cross-entropy of the readout score ``z`` (accepted iff
``z > 0``) against the reference label ``y``: ``ℓ = log(1 + e^{−z})`` for members and
``log(1 + e^{z})`` for non-members, averaged over a balanced batch (half members, half
non-members, drawn with replacement from the pool). AdamW with a warm-up and cosine
schedule (peak ``lr``, floor ``lr/10``) after clipping the global gradient norm at 1.

**Loop.** The optax step is jitted and run :data:`CHUNK` steps at a time by
``jax.lax.scan``; between chunks the host reports progress and checks the losses: a
non-finite loss stops training with :class:`TrainingDiverged` (the step and the last
finite loss), never a silent accuracy. One seed fixes the initial weights, the pool and
every batch.

**Scores** (:func:`score`), always of the *exported* library model (the trained weights
read by :meth:`succinct.models.softmax.SoftmaxTransformer.scores_batch` or
:meth:`succinct.models.rnn.RNN.accepts_batch`, not the training code): accuracy on the
training pool; on every word up to ``L`` (or a stated sample); per length
``L+1 … 4L``, members and non-members apart; the shortlex-least misclassified word of
all scored words. For RNNs, :func:`extract` quantizes the hidden states and reports the
automaton found, or that there is none.

**Extraction** (RNNs). Each unit is thresholded at the midpoint θ_i of the range its
states take on the scored words, ``code(h) = ([h_i > θ_i])_i``. Breadth-first from
``code(h_0)``, every new code keeps the first real state ``h`` that reached it, and its
successor on ``a`` is ``code(cell(h, a))``; a code accepts iff its kept state does. At
most :data:`MAX_CODES` codes; the DFA is minimized (:meth:`succinct.automata.dfa.DFA.
minimize`) and compared with the network on the words up to ``L``: the network is
*quantizable* when the two agree on every one of them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from succinct.automata.dfa import DFA
from succinct.learn.data import Language, Words, longer, training_pool, up_to
from succinct.learn.nets import Net
from succinct.models.layers import rnn_cell, rnn_states
from succinct.models.rnn import RNN
from succinct.words import SuccinctError

__all__ = ["TrainConfig", "Trained", "TrainingDiverged", "train", "score", "extract",
           "CHUNK", "MAX_CODES"]

CHUNK = 50  # optax steps per scan between progress reports and loss checks
MAX_CODES = 4096  # extraction gives up beyond this many quantized states


class TrainingDiverged(SuccinctError):
    """A non-finite loss: training stopped."""


@dataclass(frozen=True)
class TrainConfig:
    """Training settings: optax ``steps``, longest training word ``train_max_len`` (L),
    ``seed`` (weights, pool, batches), peak learning rate ``lr``, ``batch`` words per
    step (half members), AdamW ``weight_decay``, gradient-norm ``clip``."""

    steps: int = 400
    train_max_len: int = 8
    seed: int = 0
    lr: float = 1e-2
    batch: int = 128
    weight_decay: float = 1e-4
    clip: float = 1.0

    def __post_init__(self) -> None:
        if self.steps < 0:
            raise SuccinctError(f"--steps must be ≥ 0, got {self.steps}")
        if self.train_max_len < 1:
            raise SuccinctError(f"--train-max-len must be ≥ 1, got {self.train_max_len}")
        if self.batch < 2:
            raise SuccinctError(f"--batch must be ≥ 2, got {self.batch}")
        if not self.lr > 0 or not math.isfinite(self.lr):
            raise SuccinctError(f"--lr must be a positive number, got {self.lr}")


@dataclass
class Trained:
    """Trained parameters with their loss curve (one entry per step) and the seconds of
    the training loop (compilation included)."""

    net: Net
    params: dict[str, Any]
    losses: np.ndarray
    seconds: float
    pool: Words = field(repr=False)


def _optimizer(cfg: TrainConfig) -> optax.GradientTransformation:
    warmup = min(50, cfg.steps // 10)
    schedule = optax.warmup_cosine_decay_schedule(
        0.0, cfg.lr, warmup_steps=warmup, decay_steps=max(cfg.steps, warmup + 1),
        end_value=cfg.lr / 10)
    return optax.chain(optax.clip_by_global_norm(cfg.clip),
                       optax.adamw(schedule, weight_decay=cfg.weight_decay))


@functools.partial(jax.jit, static_argnames=("net", "cfg", "length"))
def _chunk(carry: tuple, data: tuple, *, net: Net, cfg: TrainConfig, length: int
           ) -> tuple[tuple, jax.Array]:
    """``length`` optax steps (``lax.scan``) from ``carry = (params, opt state, key)`` on
    the pool ``data = (tokens, lengths, member rows, non-member rows, their counts)``;
    compiled once per architecture,
    hyper-parameters, pool shape and length (the weights and the key are arguments)."""
    tokens, lengths, members, others, counts = data
    opt = _optimizer(cfg)
    half = cfg.batch // 2
    labels = jnp.concatenate([jnp.ones(half), jnp.zeros(half)])

    def draw(key: jax.Array, rows: jax.Array, count: jax.Array) -> jax.Array:
        """``half`` uniform picks among the first ``count`` entries of ``rows``."""
        pick = jnp.floor(jax.random.uniform(key, (half,)) * count).astype(jnp.int32)
        return rows[jnp.minimum(pick, count - 1)]

    def loss_fn(params: Any, idx: jax.Array) -> jax.Array:
        z = net.scores(params, tokens[idx], lengths[idx])
        return optax.sigmoid_binary_cross_entropy(z, labels).mean()

    def step(carry: tuple, _: Any) -> tuple[tuple, jax.Array]:
        params, state, key = carry
        key, kp, kn = jax.random.split(key, 3)
        idx = jnp.concatenate([draw(kp, members, counts[0]), draw(kn, others, counts[1])])
        loss, grads = jax.value_and_grad(loss_fn)(params, idx)
        updates, state = opt.update(grads, state, params)
        return (optax.apply_updates(params, updates), state, key), loss

    return jax.lax.scan(step, carry, None, length=length)


def train(net: Net, lang: Language, cfg: TrainConfig,
          progress: Callable[[int, int, float], None] | None = None) -> Trained:
    """Trains ``net`` on ``lang``'s words up to ``cfg.train_max_len`` (module docstring);
    ``progress(step, steps, loss)`` after every chunk."""
    rng = np.random.default_rng(cfg.seed)
    pool = training_pool(lang, cfg.train_max_len, rng)
    # member rows and non-member rows, each padded to the pool's size (one compile for
    # every pool of that size), and how many of each
    size = len(pool)
    rows = [np.resize(np.flatnonzero(pool.labels == m), size) for m in (True, False)]
    counts = np.array([pool.labels.sum(), (~pool.labels).sum()], np.int32)
    data = (jnp.asarray(pool.tokens), jnp.asarray(pool.lengths), jnp.asarray(rows[0]),
            jnp.asarray(rows[1]), jnp.asarray(counts))
    hyper = dataclasses.replace(cfg, seed=0, train_max_len=1)  # what the compile depends on
    opt = _optimizer(cfg)

    params = jax.tree_util.tree_map(jnp.asarray, net.init)
    carry = (params, opt.init(params), jax.random.PRNGKey(cfg.seed))
    losses: list[np.ndarray] = []
    start = time.perf_counter()
    done = 0
    while done < cfg.steps:
        carry, chunk = _chunk(carry, data, net=net, cfg=hyper,
                              length=min(CHUNK, cfg.steps - done))
        chunk = np.asarray(chunk)
        bad = np.flatnonzero(~np.isfinite(chunk))
        if bad.size:
            seen = np.concatenate(losses + [chunk[: bad[0]]])
            last = f"{seen[-1]:.6g}" if seen.size else "none"
            raise TrainingDiverged(
                f"training stopped: the loss is {chunk[bad[0]]} at step {done + bad[0] + 1} "
                f"(last finite loss {last}); lower --lr")
        losses.append(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, cfg.steps, float(chunk[-1]))
    params = jax.block_until_ready(carry[0])
    seconds = time.perf_counter() - start
    return Trained(net, jax.tree_util.tree_map(np.asarray, params),
                   np.concatenate(losses) if losses else np.zeros(0), seconds, pool)


def _decide(model: Any, sets: list[Words]) -> list[np.ndarray]:
    """The model's decisions on several sets of words, in one padded batch (one compile
    of its evaluator)."""
    width = max(max((w.tokens.shape[1] for w in sets), default=1), 1)
    joined = Words.join(sets, width)
    if not len(joined):
        return [np.zeros(0, bool) for _ in sets]
    pred = np.asarray(model.accepts_batch(joined.tokens, joined.lengths), bool)
    return np.split(pred, np.cumsum([len(w) for w in sets])[:-1])


def _accuracy(pred: np.ndarray, labels: np.ndarray) -> float | None:
    return float((pred == labels).mean()) if len(labels) else None


def _shortest_error(model: Any, sets: list[tuple[str, Words, np.ndarray]]) -> dict | None:
    best = None
    for where, words, pred in sets:
        wrong = np.flatnonzero(pred != words.labels)
        for i in wrong:
            n = int(words.lengths[i])
            key = (n, tuple(int(t) for t in words.tokens[i, :n]))
            if best is None or key < best[0]:
                best = (key, where, bool(words.labels[i]))
    if best is None:
        return None
    (n, ids), where, member = best
    return {"word": model.alphabet.to_word(list(ids)), "length": n, "member": member,
            "accepted": not member, "found_in": where}


def score(model: Any, lang: Language, pool: Words, max_len: int, seed: int
          ) -> tuple[dict[str, Any], Words]:
    """Accuracies of the library ``model`` against the reference (module docstring), and
    the words scored up to ``max_len``."""
    rng = np.random.default_rng(seed + 1)
    upto, exhaustive = up_to(lang, max_len, rng)
    beyond = longer(lang, max_len, rng)
    train_pred, upto_pred, *beyond_pred = _decide(model, [pool, upto, *beyond.values()])
    per_length = []
    sets = [("up to L", upto, upto_pred)]
    tot = {True: [0, 0], False: [0, 0]}
    for (n, words), pred in zip(beyond.items(), beyond_pred, strict=True):
        sets.append((f"length {n}", words, pred))
        row: dict[str, Any] = {"length": n}
        for member, name in ((True, "members"), (False, "non_members")):
            sel = words.labels == member
            row[name] = _accuracy(pred[sel], words.labels[sel])
            row[f"n_{name}"] = int(sel.sum())
            tot[member][0] += int((pred[sel] == member).sum())
            tot[member][1] += int(sel.sum())
        per_length.append(row)
    acc = _accuracy(upto_pred, upto.labels)
    members = upto.labels
    return {
        "train_accuracy": _accuracy(train_pred, pool.labels),
        "train_words": len(pool),
        "train_members": int(pool.labels.sum()),
        "evaluation": "exhaustive" if exhaustive else "sampled",
        "exhaustive_accuracy": acc if exhaustive else None,
        "accuracy_up_to_L": acc,
        "words_up_to_L": len(upto),
        "members_up_to_L": int(members.sum()),
        "member_accuracy_up_to_L": _accuracy(upto_pred[members], members[members]),
        "non_member_accuracy_up_to_L": _accuracy(upto_pred[~members], members[~members]),
        "length_generalization": {
            "lengths": [max_len + 1, 4 * max_len],
            "members": tot[True][0] / tot[True][1] if tot[True][1] else None,
            "n_members": tot[True][1],
            "non_members": tot[False][0] / tot[False][1] if tot[False][1] else None,
            "n_non_members": tot[False][1],
            "per_length": per_length,
        },
        "shortest_error": _shortest_error(model, sets),
        "sampler": lang.sampler,
    }, upto


def extract(rnn: RNN, words: Words) -> dict[str, Any]:
    """The automaton of a trained RNN's quantized states (module docstring), compared
    with the network on ``words``."""
    spec, p = rnn.spec, rnn.params
    k = len(rnn.alphabet)
    hs = np.asarray(rnn_states(spec, p, jnp.asarray(words.tokens),
                               jnp.asarray(words.lengths)))  # [B, N + 1, D]
    valid = np.arange(hs.shape[1])[None, :] <= words.lengths[:, None]
    seen = hs[valid]
    theta = (seen.min(axis=0) + seen.max(axis=0)) / 2

    def code(h: np.ndarray) -> tuple[int, ...]:
        return tuple(int(v) for v in (h > theta))

    cell = jax.jit(lambda h, x: rnn_cell(spec, p, h, x))
    h0 = np.asarray(p["h0"], np.float32)
    reps = {code(h0): h0}
    order = [code(h0)]
    index = {order[0]: 0}
    delta: list[list[int]] = []
    i = 0
    while i < len(order):
        h = reps[order[i]]
        nxt = np.asarray(cell(jnp.broadcast_to(h, (k, len(h))), jnp.arange(k)))
        row = []
        for a in range(k):
            c = code(nxt[a])
            if c not in reps:
                if len(order) >= MAX_CODES:
                    return {"quantizable": False, "states": None,
                            "note": f"more than {MAX_CODES} quantized states: no automaton "
                                    "extracted"}
                reps[c] = nxt[a]
                index[c] = len(order)
                order.append(c)
            row.append(index[c])
        delta.append(row)
        i += 1
    accepting = np.array([float(np.asarray(reps[c]) @ np.asarray(p["readout"])
                                + float(p["readout_bias"])) > 0 for c in order])
    dfa = DFA(rnn.alphabet, np.array(delta, np.int32), 0, accepting)
    minimal = dfa.minimize()
    agree = float((minimal.accepts_batch(words.tokens, words.lengths)
                   == rnn.accepts_batch(words.tokens, words.lengths)).mean())
    exact = float((minimal.accepts_batch(words.tokens, words.lengths) == words.labels).mean())
    out: dict[str, Any] = {"quantizable": agree == 1.0, "codes": len(order),
                           "states": minimal.n_states, "agrees_with_network": agree,
                           "accuracy_up_to_L": exact}
    if agree < 1.0:
        out["note"] = ("the thresholded states do not follow the network on every word up "
                       "to L: the network is not quantizable this way")
    out["dfa"] = minimal
    return out

