"""Do several recognizers accept the same words? Bounded, sampled and unbounded checks.

:func:`verify` takes two or more recognizers over one alphabet (UHATs, RNNs, DFAs, B-RASP
programs, LTL languages, Python predicates) and reports on how many words they were
compared, how many they disagree on, and the shortest counterexample with the models
that accept and reject it.

**Exhaustive** (``max_len=L``): every word of length ``1..L``, each exactly once, in
shortlex order, so the first disagreement found is the shortlex-least counterexample up
to ``L``. Words are generated on the device from their index: with ``B = |Σ|^m`` words per
batch, word number ``c·B + r`` of length ``ℓ > m`` is the base-``|Σ|`` expansion of the
block number ``c`` (``ℓ − m`` digits, computed on the host) followed by the ``m`` digits
of the row ``r``, which the device computes as ``⌊r / |Σ|^p⌋ mod |Σ|`` for all rows at
once; shorter lengths take one batch of ``|Σ|^ℓ`` rows. Σ_{ℓ=1..L} |Σ|^ℓ words in all.

**Sampled** (``samples=N``): uniform words (length uniform in ``1..sample_max_len``,
symbols uniform; generated on the device with ``jax.random``) and, when ``members`` are
given, mutations of members: substitution, deletion, insertion, truncation and
duplication of a block (one or two per word, vectorized with numpy gathers). The members
themselves are checked too. Sparse languages (Dyck, singletons) need the mutations:
uniform words are almost never members, so a check of uniform words alone mostly
compares rejections.

**Unbounded** (``unbounded=True``): the exact automaton of every model
(:func:`succinct.exact.dispatch.exact_dfa`: DFAs, k-bit RNNs by extraction, strict-future
programs and UHATs, past-time LTL), minimized; equal languages have identical canonical
minimal DFAs (the certificate), and otherwise :meth:`succinct.automata.dfa.DFA.equivalent`
yields the shortest word on which two models differ.

Evaluation. UHATs (:meth:`~succinct.models.uhat.UHAT.forward` with its column plan and
fast hard-attention paths, one compiled step per layer; a model whose declared Boolean
coordinates leave {0, 1} falls back to the dense path, compiled whole), RNNs
(:meth:`~succinct.models.rnn.RNN.forward`) and DFAs (:func:`succinct.models.dfa_run.dfa_run`;
also state machines with a table, :attr:`succinct.recognizer.StepMachine.tabulated`) run
as jitted JAX functions on the device batches, with no Python loop over words; only
counts and the counterexample's row come back to the host. Other recognizers (reference
predicates, the B-RASP interpreter, LTL evaluators) get the batch on the host and run
their own ``accepts_batch`` (per-word loops for predicates and the interpreter: their time
is reported per model).

Counts. Besides disagreements, every batch reports, per model, how many valid words it
accepts, and how many every model accepts (:attr:`Report.accepted`, the agreed count: 0
means the check never saw a member, so it only compared rejections). On the device these
are one sum per model column of the ``[M, rows]`` acceptance matrix; only the ``M + 2``
counts come back to the host.

Prediction. :func:`estimate` predicts a run before it starts: the words it checks
(exact) and its time, from one probe batch of each batch shape (compiled first, then
timed; host models timed on a slice and scaled). With ``time_limit`` :func:`verify`
refuses a run predicted longer (:class:`BudgetExceeded`) and stops one that still passes
it (:class:`VerificationTimeout`); without it nothing is predicted. The CLI sets a default
budget. :func:`evaluation_bytes` predicts the memory of evaluating one batch (the
``accepts`` command's guard).

Scale-out. Batches are sharded along the word axis over a 1-D mesh of all
``jax.devices()`` (``jax.sharding.NamedSharding``, axis ``"words"``), so every device
evaluates every device model on its slice; the counts and the first disagreeing index are
reductions that XLA computes across devices. The same code runs on several hosts: call
``jax.distributed.initialize()`` in every process and then run the same ``verify`` call
in each (SPMD); ``jax.devices()`` then lists the global devices, host-made batches are
assembled with ``jax.make_array_from_callback`` (every process builds the same batch from
the same seed), and results are read from replicated arrays. Host recognizers need the
whole batch on every host (``multihost_utils.process_allgather``), so they do not scale
out; compare device models against each other there, and against the reference on a
smaller ``L``. On one machine, ``XLA_FLAGS=--xla_force_host_platform_device_count=4``
gives four CPU devices (the tests compare that against one device).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from succinct.automata.dfa import DFA, StateLimitExceeded
from succinct.exact.dispatch import Automaton, exact_dfa, exact_support
from succinct.exact.future import DEFAULT_MAX_STATES
from succinct.models.dfa_run import dfa_run
from succinct.models.rnn import RNN
from succinct.models.softmax import SCORE_ELEMENTS, SoftmaxTransformer
from succinct.models.specs import Attention, guard_message
from succinct.models.uhat import UHAT
from succinct.recognizer import Recognizer, StepMachine, check_alphabets
from succinct.sizes import kind_words
from succinct.words import Alphabet, SuccinctError, bucket_length, encode

__all__ = ["verify", "estimate", "Estimate", "Report", "Counterexample", "Certificate",
           "VerificationTimeout", "BudgetExceeded", "predicted_words", "mutate", "duration",
           "evaluation_bytes", "check_memory", "MEMORY_LIMIT"]

Progress = Callable[[int, int], None]


# ====================================================================== results
@dataclass(frozen=True)
class Counterexample:
    """A word the models disagree on."""

    word: str
    accepted_by: tuple[str, ...]
    rejected_by: tuple[str, ...]
    found_by: str  # "exhaustive", "sampled" or "unbounded"

    @property
    def length(self) -> int:
        return len(self.word) if " " not in self.word else len(self.word.split())

    def as_dict(self) -> dict[str, Any]:
        return {"word": self.word, "length": self.length, "accepted_by": list(self.accepted_by),
                "rejected_by": list(self.rejected_by), "found_by": self.found_by}


@dataclass(frozen=True)
class Certificate:
    """The unbounded check: every model's minimal DFA, and whether they all coincide.

    Equal languages have identical canonical minimal DFAs, so ``digest`` (a hash of the
    common canonical form) together with the state counts certifies equality on all
    words.
    """

    equal: bool
    automata: Mapping[str, Automaton]
    digests: Mapping[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {"equal": self.equal,
                "models": {name: {**a.as_dict(), "digest": self.digests[name]}
                           for name, a in self.automata.items()}}


@dataclass(frozen=True)
class Report:
    """What :func:`verify` found.

    Attributes:
        models: The names compared (the first is the one others are compared with).
        checked: Words evaluated by every model (``exhaustive + sampled``).
        accepted: Checked words that every model accepts (agreed members; 0: the check
            saw no word all models accept, so it never compared acceptances).
        exhaustive: Words of length ``1..max_len`` (all of them).
        sampled: Sampled words (uniform, mutated members, and the members).
        disagreements: Checked words on which not all models agree.
        counterexample: The shortest (then lexicographically least) disagreement found by
            any check, or None.
        seconds: Wall time of the bounded and sampled checks (compilation included).
        words_per_second: ``checked / seconds``.
        model_seconds: Time spent in each model (device models: until their result is
            ready).
        devices: Number of JAX devices the batches were sharded over.
        certificate: The unbounded check, if asked for.
        accepted_by: Checked words each model accepts, by name (equal to ``accepted``
            for every model when they agree).
    """

    models: tuple[str, ...]
    alphabet: tuple[str, ...]
    max_len: int | None
    checked: int
    exhaustive: int
    sampled: int
    disagreements: int
    counterexample: Counterexample | None
    seconds: float
    words_per_second: float
    model_seconds: Mapping[str, float] = field(default_factory=dict)
    devices: int = 1
    certificate: Certificate | None = None
    accepted: int = 0
    accepted_by: Mapping[str, int] = field(default_factory=dict)

    @property
    def agree(self) -> bool:
        """No disagreement found, and (if checked) equal on all words."""
        return self.disagreements == 0 and (self.certificate is None or self.certificate.equal)

    def as_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models), "alphabet": list(self.alphabet),
            "max_len": self.max_len, "checked": self.checked, "accepted": self.accepted,
            "accepted_by": dict(self.accepted_by),
            "exhaustive": self.exhaustive,
            "sampled": self.sampled, "disagreements": self.disagreements,
            "counterexample": None if self.counterexample is None
            else self.counterexample.as_dict(),
            "agree": self.agree, "seconds": self.seconds,
            "words_per_second": self.words_per_second,
            "model_seconds": dict(self.model_seconds),
            "model_words_per_second": {
                name: (self.checked / s if s > 0 else None)
                for name, s in self.model_seconds.items()},
            "devices": self.devices,
            "unbounded": None if self.certificate is None else self.certificate.as_dict(),
        }


class VerificationTimeout(SuccinctError):
    """The run passed its time limit; ``report`` holds what was checked until then."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


# ====================================================================== word generation
# Most words any check is asked to count: 2^1000 (a float holds the count, and no run
# comes near it); longer exhaustive checks are refused before counting.
MAX_WORDS_LOG2 = 1000


def predicted_words(n_symbols: int, max_len: int) -> int:
    """Σ_{ℓ=1..max_len} |Σ|^ℓ = (|Σ|^(L+1) − |Σ|)/(|Σ| − 1) (``L`` for one symbol): the
    number of words the exhaustive check evaluates.

    Raises:
        SuccinctError: the count passes 2^:data:`MAX_WORDS_LOG2` (refused at once, so that
            ``--max-len 10**20`` neither hangs nor overflows).
    """
    if n_symbols >= 2 and max_len * math.log2(n_symbols) > MAX_WORDS_LOG2:
        raise SuccinctError(
            f"the words of length 1..{max_len:,} over {n_symbols} symbols number about "
            f"2^{max_len * math.log2(n_symbols):,.0f}, more than any check can evaluate")
    if n_symbols == 1:
        return max_len
    return (n_symbols ** (max_len + 1) - n_symbols) // (n_symbols - 1)


def _enumerate(high: jax.Array, seg_len: jax.Array, seg_end: jax.Array, *, k: int,
               rows: int, width: int, low_max: int):
    """One batch of enumerated words (module docstring), as ``(tokens, lengths, valid)``.

    The batch is a sequence of segments: segment ``s`` holds the words of length
    ``seg_len[s]`` numbered ``0 .. seg_end[s] − seg_end[s−1] − 1`` (all of them for short
    lengths, which share one batch), or one block of ``|Σ|^low_max`` words whose leading
    digits are ``high``. The last ``min(ℓ, low_max)`` digits of row ``r``'s word are the
    base-``k`` digits of its number in the segment. Rows past the last segment repeat its
    last word and are marked invalid.
    """
    n_valid = seg_end[-1]
    r = jnp.minimum(jnp.arange(rows, dtype=jnp.int32), n_valid - 1)
    seg = jnp.minimum(jnp.sum(r[:, None] >= seg_end[None, :], axis=1), seg_len.shape[0] - 1)
    start = jnp.where(seg > 0, seg_end[jnp.maximum(seg - 1, 0)], 0)
    number = r - start  # [rows]
    length = seg_len[seg]  # [rows]
    n_low = jnp.minimum(length, low_max)
    place = length[:, None] - 1 - jnp.arange(width, dtype=jnp.int32)[None, :]  # 0: last
    powers = jnp.asarray([k**p for p in range(low_max + 1)], jnp.int32)
    digit = (number[:, None] // powers[jnp.clip(place, 0, low_max)]) % k  # [rows, width]
    is_low = (place >= 0) & (place < n_low[:, None])
    tokens = jnp.where(is_low, digit, jnp.where(place >= n_low[:, None], high[None, :], 0))
    return tokens.astype(jnp.int32), length, jnp.arange(rows) < n_valid


def _uniform(key: jax.Array, count: jax.Array, *, k: int, rows: int, width: int,
             max_len: int):
    """``rows`` uniform words: length uniform in ``1..max_len``, symbols uniform."""
    k_len, k_sym = jax.random.split(key)
    lengths = jax.random.randint(k_len, (rows,), 1, max_len + 1, dtype=jnp.int32)
    tokens = jax.random.randint(k_sym, (rows, width), 0, k, dtype=jnp.int32)
    tokens = jnp.where(jnp.arange(width)[None, :] < lengths[:, None], tokens, 0)
    return tokens, lengths, jnp.arange(rows) < count


def mutate(tokens: np.ndarray, lengths: np.ndarray, n_symbols: int, rng: np.random.Generator,
           width: int) -> tuple[np.ndarray, np.ndarray]:
    """One random edit of every word (vectorized): substitution, deletion, insertion,
    truncation, or duplication of a block.

    Args:
        tokens: ``[n, T]`` words, right-padded.
        lengths: ``[n]`` lengths (≥ 1).
        n_symbols: Alphabet size.
        rng: numpy generator.
        width: Output width; edits that would grow a word beyond it substitute instead.

    Returns:
        ``(tokens[n, width], lengths[n])``, every length ≥ 1.
    """
    n = len(lengths)
    tok = np.zeros((n, width + 1), np.int32)
    tok[:, : min(tokens.shape[1], width)] = tokens[:, :width]
    length = np.minimum(lengths.astype(np.int64), width)
    kind = rng.integers(0, 5, n)  # 0 sub, 1 del, 2 ins, 3 trunc, 4 dup
    pos = (rng.random(n) * length).astype(np.int64)  # uniform in [0, length)
    block = 1 + (rng.random(n) * (length - pos)).astype(np.int64)  # 1..length-pos
    short = length < 2
    kind = np.where(short & ((kind == 1) | (kind == 3)), 0, kind)
    kind = np.where((kind == 2) & (length + 1 > width), 0, kind)
    kind = np.where((kind == 4) & (length + block > width), 0, kind)
    t = np.arange(width + 1)[None, :]
    src = np.broadcast_to(t, (n, width + 1)).copy()
    rows = np.arange(n)
    src = np.where((kind == 1)[:, None] & (t >= pos[:, None]), t + 1, src)
    src = np.where((kind == 2)[:, None] & (t > pos[:, None]), t - 1, src)
    src = np.where((kind == 4)[:, None] & (t >= (pos + block)[:, None]), t - block[:, None], src)
    out = np.take_along_axis(tok, np.clip(src, 0, width), axis=1)
    # A substitution changes the symbol (when there is another one); an insertion is new.
    shift = rng.integers(1, max(n_symbols, 2), n)
    new_sym = np.where(kind == 0, (tok[rows, pos] + shift) % n_symbols,
                       rng.integers(0, n_symbols, n))
    put = (kind == 0) | (kind == 2)
    out[rows[put], pos[put]] = new_sym[put]
    cut = 1 + (rng.random(n) * np.maximum(length - 1, 1)).astype(np.int64)  # 1..length-1
    new_len = np.select([kind == 1, kind == 2, kind == 3, kind == 4],
                        [length - 1, length + 1, cut, length + block], length)
    out = out[:, :width]
    out[np.arange(width)[None, :] >= new_len[:, None]] = 0
    return out.astype(np.int32), new_len.astype(np.int32)


# ====================================================================== the engine
# Every device model runs its public traceable forward. RNNs, DFAs and the dense UHAT
# fallback are compiled whole (one XLA computation per model and batch shape:
# verification runs many large batches of one shape, so compiling once pays for itself);
# the fast UHAT path is called eagerly, one compiled step per layer (UHAT.forward), which
# runs about twice as fast as its whole pass compiled at once.
@jax.jit
def _uhat_dense(model: UHAT, padded: dict, tokens: jax.Array, lengths: jax.Array
                ) -> tuple[jax.Array, jax.Array]:
    # The zero-padded weights (UHAT.padded) compile about twice as fast as the model's own.
    return model.forward(tokens, lengths, evaluator="dense", params=padded)


@jax.jit
def _rnn_forward(model: RNN, tokens: jax.Array, lengths: jax.Array) -> jax.Array:
    return model.forward(tokens, lengths)


_dfa_forward = jax.jit(dfa_run)


@jax.jit
def _compare(accs: jax.Array, valid: jax.Array):
    """Disagreements of ``accs[M, rows]`` on valid rows: ``(count, [count, agreed,
    accepted by model 1..M], mask)``; ``agreed`` counts the valid rows every model accepts."""
    dis = jnp.any(accs != accs[:1], axis=0) & valid
    counts = jnp.concatenate([jnp.sum(dis)[None], jnp.sum(jnp.all(accs, axis=0) & valid)[None],
                              jnp.sum(accs & valid[None, :], axis=1)])
    return counts, dis


@functools.cache
def _sharded_jit(fn: Callable[..., Any], devices: tuple[Any, ...],
                 static: tuple[tuple[str, Any], ...]) -> Callable[..., Any]:
    """One jitted generator per (function, devices, static arguments) in a process."""
    mesh = Mesh(np.array(devices), ("words",))
    rows = NamedSharding(mesh, PartitionSpec("words"))
    matrix = NamedSharding(mesh, PartitionSpec("words", None))
    return jax.jit(functools.partial(fn, **dict(static)), out_shardings=(matrix, rows, rows))


def _to_host(x: jax.Array) -> np.ndarray:
    if x.is_fully_addressable:
        return np.asarray(x)
    if x.is_fully_replicated:
        return np.asarray(x.addressable_data(0))
    return np.asarray(multihost_utils.process_allgather(x, tiled=True))


class _Model:
    """One recognizer and how to run it on a device batch (or on the host)."""

    def __init__(self, name: str, recognizer: Recognizer) -> None:
        self.name = name
        self.recognizer = recognizer
        self.seconds = 0.0
        self.dense = False  # UHAT: Boolean coordinates left {0, 1}; use the dense path
        # A state machine with a table runs it as a DFA: the same decisions (StepMachine).
        dfa = recognizer.tabulated if isinstance(recognizer, StepMachine) else recognizer
        self.on_device = (isinstance(recognizer, UHAT) and recognizer.exact) or \
            isinstance(recognizer, RNN) or isinstance(dfa, DFA)
        if isinstance(dfa, DFA):
            self.tables = (jnp.asarray(dfa.delta), jnp.asarray(dfa.accepting),
                           jnp.int32(dfa.start))

    def device(self, tokens: jax.Array, lengths: jax.Array) -> jax.Array:
        r = self.recognizer
        if isinstance(r, UHAT):
            if self.dense:
                acc, ok = _uhat_dense(r, r.padded, tokens, lengths)
            else:
                acc, ok = r.forward(tokens, lengths)
            if not self.dense and not bool(_to_host(ok)):
                self.dense = True
                acc, ok = _uhat_dense(r, r.padded, tokens, lengths)
            if self.dense and r.spec.boolean_guard and not bool(_to_host(ok)):
                raise SuccinctError(f"{self.name}: {guard_message(r.spec)}")
            return acc
        if isinstance(r, RNN):
            return _rnn_forward(r, tokens, lengths)
        return _dfa_forward(*self.tables, tokens, lengths)

    def run(self, tokens: jax.Array, lengths: jax.Array, host: tuple[np.ndarray, np.ndarray]
            | None) -> jax.Array | np.ndarray:
        t0 = time.perf_counter()
        if self.on_device:
            out: jax.Array | np.ndarray = self.device(tokens, lengths)
            out.block_until_ready()
        else:
            assert host is not None
            out = np.asarray(self.recognizer.accepts_batch(*host), bool)
        self.seconds += time.perf_counter() - t0
        return out


@dataclass
class _Found:
    """Disagreements of one batch: how many, and the candidate counterexample."""

    count: int
    word: np.ndarray | None = None
    accepted: np.ndarray | None = None  # per model
    n_agreed: int = 0  # valid words of the batch every model accepts
    n_accepted: tuple[int, ...] = ()  # valid words of the batch each model accepts


class _Engine:
    def __init__(self, recognizers: Mapping[str, Recognizer], alphabet: Alphabet) -> None:
        self.models = [_Model(name, r) for name, r in recognizers.items()]
        self.alphabet = alphabet
        self.devices = jax.devices()
        self.mesh = Mesh(np.array(self.devices), ("words",))
        self.rows_sharding = NamedSharding(self.mesh, PartitionSpec("words"))
        self.matrix_sharding = NamedSharding(self.mesh, PartitionSpec("words", None))

    @property
    def n_devices(self) -> int:
        return len(self.devices)

    def round_rows(self, n: int) -> int:
        return -(-n // self.n_devices) * self.n_devices

    def jit(self, fn: Callable[..., Any], **static: Any) -> Callable[..., Any]:
        """``fn`` jitted with its outputs (tokens, lengths, valid) sharded by rows."""
        return _sharded_jit(fn, tuple(self.devices), tuple(sorted(static.items())))

    def put(self, x: np.ndarray) -> jax.Array:
        sharding = self.matrix_sharding if x.ndim == 2 else self.rows_sharding
        return jax.make_array_from_callback(x.shape, sharding, lambda idx: x[idx])

    def check(self, tokens: jax.Array, lengths: jax.Array, valid: jax.Array, n_valid: int,
              *, shortest_of_all: bool) -> _Found:
        """Runs every model on a batch whose valid rows are a prefix of ``n_valid`` rows.

        ``shortest_of_all``: pick the shortlex-least disagreement (sampled batches);
        otherwise the first row (exhaustive batches are in shortlex order).
        """
        host = None
        if any(not m.on_device for m in self.models):
            host = (_to_host(tokens)[:n_valid], _to_host(lengths)[:n_valid])
        accs = [m.run(tokens, lengths, host) for m in self.models]
        if host is None:  # one small vector of counts comes back, not the batch
            counts, dis = _compare(jnp.stack(accs), valid)
            count, n_agreed, *n_acc = (int(c) for c in _to_host(counts))
            if not count:
                return _Found(0, n_agreed=n_agreed, n_accepted=tuple(n_acc))
            dis_h = _to_host(dis)
            acc_h = np.stack([_to_host(a) for a in accs])
        else:
            acc_h = np.stack([a[:n_valid] if isinstance(a, np.ndarray) else _to_host(a)[:n_valid]
                              for a in accs])
            dis_h = np.any(acc_h != acc_h[:1], axis=0)
            count, n_agreed = int(dis_h.sum()), int(np.all(acc_h, axis=0).sum())
            n_acc = [int(c) for c in acc_h.sum(axis=1)]
            if not count:
                return _Found(0, n_agreed=n_agreed, n_accepted=tuple(n_acc))
        idx = np.flatnonzero(dis_h[:n_valid])
        tok_h = host[0] if host is not None else _to_host(tokens)
        len_h = host[1] if host is not None else _to_host(lengths)
        if shortest_of_all:
            idx = [min(idx, key=lambda i: (len_h[i], tuple(tok_h[i, : len_h[i]])))]
        row = int(idx[0])
        return _Found(count, tok_h[row, : len_h[row]].copy(), acc_h[:, row].copy(), n_agreed,
                      tuple(n_acc))


def _shortlex(ids: np.ndarray) -> tuple[int, tuple[int, ...]]:
    return len(ids), tuple(int(x) for x in ids)


# ====================================================================== predictions
MAX_RATE = 1e9  # words/s: faster than any device checks words here (a lower bound on time)
NO_PROBE = 1000  # no probe for runs that take this many time limits even at MAX_RATE
HOST_PROBE_ROWS = 512  # words of a probe batch that host models are timed on


@dataclass(frozen=True)
class Estimate:
    """The predicted cost of a :func:`verify` run (:func:`estimate`).

    The word counts are exact. The time is measured: every batch of a run has one of at
    most two shapes (exhaustive batches: ``rows × max_len``, the probe being the batch of
    the longest words; sampled ones: ``rows × width``), so one probe batch of each shape is
    compiled, then timed (host models on its first :data:`HOST_PROBE_ROWS` words, scaled),
    and the prediction is ``Σ (batches of that shape) × (seconds per probe batch)``.

    Attributes:
        n_symbols: Alphabet size.
        max_len: Longest exhaustive word (None: no exhaustive check).
        exhaustive: Words of the exhaustive check, Σ_{ℓ=1..max_len} |Σ|^ℓ.
        sampled: Sampled words plus members.
        batches: Device batches of the run.
        seconds: Predicted time of the bounded and sampled checks (compilation excluded).
        probed: Whether ``seconds`` was measured; False: the word count alone refuses the
            run even at :data:`MAX_RATE` words/s (by far), and ``seconds`` is that lower
            bound.
    """

    n_symbols: int
    max_len: int | None
    exhaustive: int
    sampled: int
    batches: int
    seconds: float
    probed: bool = True

    @property
    def words(self) -> int:
        return self.exhaustive + self.sampled

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")

    def describe(self) -> str:
        """E.g. ``1,099,511,627,774 words of length 1..40 over 2 symbols; predicted 3.2 h
        at ~95,000 words/s (measured on a probe batch)``."""
        parts = []
        if self.exhaustive:
            parts.append(f"{self.exhaustive:,} words of length 1..{self.max_len} over "
                         f"{self.n_symbols} symbols")
        if self.sampled:
            parts.append(f"{self.sampled:,} sampled words")
        how = (f"at ~{self.words_per_second:,.0f} words/s (measured on a probe batch)"
               if self.probed else f"even at {MAX_RATE:,.0f} words/s (not probed)")
        return f"{' and '.join(parts)}; predicted {duration(self.seconds)} {how}"


def duration(seconds: float) -> str:
    """``12.3 s``, ``14 min``, ``3.2 h``, ``41 days``, ``3.5e+04 years``."""
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    if seconds < 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):.2g} years"


class BudgetExceeded(SuccinctError):
    """The run was refused before it started: ``estimate`` predicts more time than the
    limit."""

    def __init__(self, estimate: Estimate, time_limit: float) -> None:
        super().__init__(f"verify: {estimate.describe()}, more than the time limit of "
                         f"{time_limit:g} s")
        self.estimate = estimate
        self.time_limit = time_limit


def estimate(
    recognizers: Mapping[str, Any],
    *,
    max_len: int | None = None,
    samples: int = 0,
    members: Iterable[str | Sequence[str]] | None = None,
    batch_size: int = 1 << 15,
    sample_max_len: int | None = None,
) -> Estimate:
    """Predicts a :func:`verify` run with these arguments (:class:`Estimate`): the exact
    word count, and the time from one timed probe batch of each shape. The probe runs
    every model on a batch of the run, so it takes about as long as one or two batches
    (plus compilation)."""
    _check_types(recognizers, max_len=max_len, samples=samples, batch_size=batch_size,
                 sample_max_len=sample_max_len)
    recs, alphabet, member_list = _prepare(recognizers, max_len, samples, members,
                                           batch_size, unbounded=False)
    engine = _Engine(recs, alphabet)
    exh, smp = _plans(engine, alphabet, max_len, samples, member_list, 0, batch_size,
                      sample_max_len)
    return _estimate(engine, exh, smp, None)


def _estimate(engine: _Engine, exh: _Exhaustive | None, smp: _Sampled | None,
              time_limit: float | None) -> Estimate:
    """The prediction; when the word count alone would take :data:`NO_PROBE` times the
    ``time_limit`` even at :data:`MAX_RATE`, no probe runs (the answer is clear, and a
    probe batch of very long words may not fit in memory)."""
    k = len(engine.alphabet)
    n_exh = exh.words if exh else 0
    n_smp = smp.words if smp else 0
    n_batches = (exh.n_batches if exh else 0) + (smp.n_batches if smp else 0)
    args = (k, exh.max_len if exh else None, n_exh, n_smp, n_batches)
    if n_smp.bit_length() > MAX_WORDS_LOG2:
        raise SuccinctError(f"more than 2^{MAX_WORDS_LOG2} sampled words: more than any check "
                            "can evaluate")
    if time_limit is not None and (n_exh + n_smp) / MAX_RATE > NO_PROBE * time_limit:
        return Estimate(*args, (n_exh + n_smp) / MAX_RATE, probed=False)
    seconds = 0.0
    if exh:
        seconds += exh.n_batches * _probe(engine, lambda: exh.batch(*exh.last))
    if smp:
        seconds += smp.n_batches * _probe(engine, lambda: smp.uniform_batch(0, smp.rows))
    for m in engine.models:
        m.seconds = 0.0
    return Estimate(*args, seconds)


def _probe(engine: _Engine, make: Callable[[], Batch]) -> float:
    """Predicted seconds of one batch: making it and running the device models on it
    (timed on a second run, after the first compiled them), plus the host models timed on
    its first :data:`HOST_PROBE_ROWS` words and scaled to the whole batch (their time is
    linear in the words: per-word loops). Host models also run twice and are timed on the
    second run: a host model may compile on its first call (a softmax transformer jits its
    forward pass), and that one-off cost is not per batch."""
    make()  # compiles the generator
    t0 = time.perf_counter()
    tokens, lengths, valid, count = make()
    jax.block_until_ready(tokens)
    seconds = time.perf_counter() - t0
    for m in engine.models:
        if m.on_device:
            m.run(tokens, lengths, None)
            t0 = time.perf_counter()
            m.run(tokens, lengths, None)
            seconds += time.perf_counter() - t0
    host = [m for m in engine.models if not m.on_device]
    if host:
        n = min(count, HOST_PROBE_ROWS)
        t0 = time.perf_counter()
        words = (_to_host(tokens)[:count], _to_host(lengths)[:count])
        seconds += time.perf_counter() - t0
        for m in host:
            m.run(tokens, lengths, (words[0][:n], words[1][:n]))
            t0 = time.perf_counter()
            m.run(tokens, lengths, (words[0][:n], words[1][:n]))
            seconds += (time.perf_counter() - t0) * count / n
    return seconds


MEMORY_LIMIT = 4 << 30  # bytes: default budget of `succinct accepts`


def evaluation_bytes(recognizer: Any, rows: int, length: int) -> int:
    """Predicted memory (bytes, an upper bound) of evaluating ``rows`` words of at most
    ``length`` symbols in one batch, padded to ``N = bucket_length(length)``.

    * UHAT: ``4·B·N·W·L`` for the residual streams of all ``L`` layers at width ``W``
      (:attr:`succinct.models.specs.UHATSpec.width`, the widest vector), 4-byte values,
      as if every layer's output were held at once, plus ``12·B·N²`` when an attention
      layer has no fast path (its scores, mask and selection are ``[B, N, N]``);
    * RNN: ``4·B·N·(D + 1)`` (the hidden states of every step and the tokens);
    * softmax transformer (:mod:`succinct.models.softmax`, words padded to its
      ``max_len`` T plus the BOS position, and ``B`` to a power of two): ``4·B·(T+1)·W·L``
      for the residual streams as for a UHAT (``W`` also counts FFN hidden units), plus
      ``12·min(S, B·(T+1)²)`` for one chunk's attention logits, weights and mask, where
      ``S`` = :data:`succinct.models.softmax.SCORE_ELEMENTS` bounds each score tensor
      (the model evaluates in chunks of words that fit);
    * anything else: ``32·B·N`` (the encoded batch and a few arrays of its shape).
    """
    n = bucket_length(length)
    tokens = rows * n
    if isinstance(recognizer, UHAT):
        spec = recognizer.spec
        dense = any(isinstance(layer, Attention) and layer.fast_path() == "dense"
                    for layer in spec.layers)
        return 4 * tokens * spec.width * max(len(spec.layers), 1) + dense * 12 * tokens * n
    if isinstance(recognizer, RNN):
        return 4 * tokens * (recognizer.units + 1)
    if isinstance(recognizer, SoftmaxTransformer):
        width = max(np.shape(a)[0] for a in _softmax_widths(recognizer))
        padded = 1 << max(0, (rows - 1).bit_length())  # batches pad to a power of two
        positions = padded * (recognizer.max_len + 1)
        return (4 * positions * width * max(len(recognizer.layers), 1)
                + 12 * min(SCORE_ELEMENTS, positions * (recognizer.max_len + 1)))
    return 32 * tokens


def _softmax_widths(model: SoftmaxTransformer) -> list[Any]:
    """The arrays whose first axis is the width of a vector held per position: the
    embedding, every layer's output map (``W_v`` of an attention layer, ``W_r`` of an FFN
    block) and every FFN's hidden layer (``W_1``)."""
    return [model.params["embed"], *(p[k] for p in model.params["layers"]
                                     for k in ("W_v", "W_r", "W_1") if k in p)]


def check_memory(recognizer: Any, words: Sequence[str | Sequence[str]],
                 max_bytes: float, *, lift: str = "") -> int:
    """:func:`evaluation_bytes` of ``words`` in one batch; refuses past ``max_bytes``
    with the prediction (a :class:`succinct.words.SuccinctError`), followed by ``lift``
    (how to allow it, e.g. the CLI flag). Words that do not encode (an unknown symbol)
    raise the alphabet's own error, without ``lift``."""
    tokens, lengths = encode(words, recognizer.alphabet)
    need = evaluation_bytes(recognizer, len(lengths), int(lengths.max()))
    if need > max_bytes:
        raise SuccinctError(
            f"evaluating {len(lengths):,} word(s) of up to {int(lengths.max()):,} symbols "
            f"would need about {need / 2**30:,.1f} GiB ({kind_words(recognizer)}, "
            f"padded to {bucket_length(int(lengths.max())):,}), more than the budget of "
            f"{max_bytes / 2**30:g} GiB" + (f"; {lift}" if lift else ""))
    return need


# ====================================================================== verify
def verify(
    recognizers: Mapping[str, Any],
    *,
    max_len: int | None = None,
    samples: int = 0,
    members: Iterable[str | Sequence[str]] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    max_words: int | None = None,
    batch_size: int = 1 << 15,
    sample_max_len: int | None = None,
    unbounded: bool = False,
    max_states: int = DEFAULT_MAX_STATES,
    stop_at_first: bool = False,
    progress: Progress | None = None,
    announce: Callable[[Estimate], None] | None = None,
) -> Report:
    """Checks that ``recognizers`` accept the same words (module docstring).

    Args:
        recognizers: ``{name: recognizer}``, two or more over the same alphabet (DFAs
            are accepted as they are). Under ``unbounded`` the others' automata are
            compared with the first one's.
        max_len: Check every word of length ``1..max_len``.
        samples: Number of sampled words (half mutations of ``members`` if given).
        members: Words of the language, mutated for sampling and checked themselves.
        seed: Seed of the sampled words.
        time_limit: Seconds (None: no limit). The run is predicted first
            (:func:`estimate`: one probe batch of each shape) and refused with
            :class:`BudgetExceeded`, naming the predicted word count and time, if it would
            take longer; a run that still passes the limit stops with
            :class:`VerificationTimeout`; each exact automaton under ``unbounded`` gets
            the limit as its exploration budget (:mod:`succinct.exact.budget`).
        max_words: Refuse (with the predicted count) to check more words than this.
        batch_size: Most words per device batch.
        sample_max_len: Longest uniform sample (default ``max_len``, or 16).
        unbounded: Also compare the exact automata of all models (all words).
        max_states: State bound of the exact automata.
        stop_at_first: Stop the exhaustive check at the first batch with a disagreement.
        progress: ``progress(done, total)`` called after every batch.
        announce: Called with the prediction (:class:`Estimate`) before the run starts;
            the probe runs when this or ``time_limit`` is given.

    Returns:
        A :class:`Report`.

    Raises:
        SuccinctError: different alphabets (naming both), nothing to check, a limit
            exceeded (with the predicted count), or a model with no exact automaton
            under ``unbounded``.
    """
    _check_types(recognizers, max_len=max_len, samples=samples, seed=seed,
                 max_words=max_words, batch_size=batch_size, sample_max_len=sample_max_len,
                 max_states=max_states, time_limit=time_limit)
    recs, alphabet, member_list = _prepare(recognizers, max_len, samples, members,
                                           batch_size, unbounded)
    k = len(alphabet)
    n_exh = predicted_words(k, max_len) if max_len else 0
    n_members = len(member_list)
    total = n_exh + samples + n_members
    if max_words is not None and total > max_words:
        raise SuccinctError(_too_many(total, n_exh, k, max_len, samples + n_members,
                                      f"more than the limit of {max_words:,} words"))
    engine = _Engine(recs, alphabet)
    exh, smp = _plans(engine, alphabet, max_len, samples, member_list, seed, batch_size,
                      sample_max_len)
    if (time_limit is not None or announce is not None) and (exh or smp):
        predicted = _estimate(engine, exh, smp, time_limit)
        if time_limit is not None and predicted.seconds > time_limit:
            raise BudgetExceeded(predicted, time_limit)
        if announce is not None:
            announce(predicted)
    t_start = time.perf_counter()
    state = _RunState(total=total, progress=progress, accepted_by=[0] * len(recs))

    def report() -> Report:
        seconds = time.perf_counter() - t_start
        checked = state.exhaustive + state.sampled
        return Report(
            models=tuple(recs), alphabet=alphabet.symbols, max_len=max_len, checked=checked,
            exhaustive=state.exhaustive, sampled=state.sampled,
            disagreements=state.disagreements,
            counterexample=state.counterexample(engine, alphabet),
            seconds=seconds, words_per_second=checked / seconds if seconds > 0 else 0.0,
            model_seconds={m.name: m.seconds for m in engine.models},
            devices=engine.n_devices, accepted=state.accepted,
            accepted_by=dict(zip(recs, state.accepted_by, strict=True)),
        )

    def tick(n: int) -> None:
        state.advance(n)
        if time_limit is not None and time.perf_counter() - t_start > time_limit:
            raise VerificationTimeout(
                f"stopped at the time limit of {time_limit:g} s after {state.done:,} of "
                f"{total:,} words", report())

    if exh:
        for segments, c in exh.order():
            tokens, lengths, valid, count = exh.batch(segments, c)
            state.exhaustive += count
            state.record(engine.check(tokens, lengths, valid, count, shortest_of_all=False),
                         "exhaustive")
            tick(count)
            if stop_at_first and state.disagreements:
                break
    if smp:
        for tokens, lengths, valid, count in smp.batches():
            state.sampled += count
            state.record(engine.check(tokens, lengths, valid, count, shortest_of_all=True),
                         "sampled")
            tick(count)
    result = report()
    if unbounded:
        certificate, cex = _unbounded(recs, alphabet, max_states, time_limit)
        best = result.counterexample
        if cex is not None and (best is None or _shortlex(alphabet.to_ids(cex.word))
                                < _shortlex(alphabet.to_ids(best.word))):
            best = cex
        result = dataclasses.replace(result, certificate=certificate, counterexample=best)
    return result


# argument -> (may be None, may be a float)
_NUMBERS = {"max_len": (True, False), "samples": (False, False), "seed": (False, False),
            "max_words": (True, False), "batch_size": (False, False),
            "sample_max_len": (True, False), "max_states": (False, False),
            "time_limit": (True, True)}


def _check_types(recognizers: Any, **numbers: Any) -> None:
    """API misuse names the argument: ``recognizers`` must be a mapping of recognizers,
    the counts ints (a ``time_limit`` also a float; some may be None)."""
    if not isinstance(recognizers, Mapping):
        raise TypeError(f"verify: recognizers must be a mapping {{name: recognizer}}, got a "
                        f"{type(recognizers).__name__}")
    for name, r in recognizers.items():
        if not (isinstance(getattr(r, "alphabet", None), Alphabet)
                and callable(getattr(r, "accepts_batch", None))):
            raise TypeError(f"verify: recognizers[{name!r}] is of type {type(r).__name__}, "
                            "not a recognizer (verify needs its alphabet and accepts_batch)")
    for arg, value in numbers.items():
        optional, number = _NUMBERS[arg]
        if isinstance(value, bool) or not (isinstance(value, int | np.integer)
                                           or (number and isinstance(value, float))
                                           or (optional and value is None)):
            raise TypeError(f"verify: {arg} must be {'a number' if number else 'an int'}"
                            f"{' or None' if optional else ''}, got {type(value).__name__} "
                            f"{value!r}")


def _prepare(recognizers: Mapping[str, Any], max_len: int | None, samples: int,
             members: Iterable[str | Sequence[str]] | None, batch_size: int,
             unbounded: bool) -> tuple[dict[str, Any], Alphabet, list[str | Sequence[str]]]:
    """The checks of :func:`verify`'s and :func:`estimate`'s arguments."""
    recs = dict(recognizers)
    if len(recs) < 2:
        raise SuccinctError(f"verify compares two or more recognizers, got {len(recs)}")
    alphabet = check_alphabets(recs)
    if max_len is not None and max_len < 1:
        raise SuccinctError(f"max_len must be at least 1, got {max_len}")
    if samples < 0 or batch_size < 1:
        raise SuccinctError("samples must be ≥ 0 and batch_size ≥ 1")
    member_list = list(members or [])
    if max_len is None and samples == 0 and not member_list and not unbounded:
        raise SuccinctError("nothing to check: give max_len, samples, members or unbounded")
    if unbounded:  # fail before the bounded checks, not after them
        for name, r in recs.items():
            reason = exact_support(r)
            if reason is not None:
                raise SuccinctError(f"{name}: {reason}")
    return recs, alphabet, member_list


def _too_many(total: int, n_exh: int, k: int, max_len: int | None, n_sampled: int,
              why: str) -> str:
    parts = []
    if n_exh:
        parts.append(f"all {n_exh:,} words of length 1..{max_len} over {k} symbols")
    if n_sampled:
        parts.append(f"{n_sampled:,} sampled words")
    return f"verification would check {total:,} words ({' and '.join(parts)}), {why}"


@dataclass
class _RunState:
    total: int
    progress: Progress | None
    done: int = 0
    exhaustive: int = 0
    sampled: int = 0
    disagreements: int = 0
    accepted: int = 0  # words every model accepts
    accepted_by: list[int] = field(default_factory=list)  # words each model accepts
    best: tuple[tuple[int, tuple[int, ...]], np.ndarray, np.ndarray, str] | None = None

    def advance(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)

    def record(self, found: _Found, how: str) -> None:
        self.disagreements += found.count
        self.accepted += found.n_agreed
        self.accepted_by = [a + b for a, b in zip(self.accepted_by, found.n_accepted,
                                                  strict=True)]
        if found.word is None:
            return
        key = _shortlex(found.word)
        if self.best is None or key < self.best[0]:
            self.best = (key, found.word, found.accepted, how)

    def counterexample(self, engine: _Engine, alphabet: Alphabet) -> Counterexample | None:
        if self.best is None:
            return None
        _, word, accepted, how = self.best
        names = [m.name for m in engine.models]
        return Counterexample(alphabet.to_word(word),
                              tuple(n for n, a in zip(names, accepted, strict=True) if a),
                              tuple(n for n, a in zip(names, accepted, strict=True) if not a),
                              how)


Batch = tuple[jax.Array, jax.Array, jax.Array, int]  # tokens, lengths, valid, valid rows


def _plans(engine: _Engine, alphabet: Alphabet, max_len: int | None, samples: int,
           members: list[str | Sequence[str]], seed: int, batch_size: int,
           sample_max_len: int | None) -> tuple[_Exhaustive | None, _Sampled | None]:
    exh = _Exhaustive(engine, len(alphabet), max_len, batch_size) if max_len else None
    smp = None
    if samples or members:
        rows = exh.rows if exh else \
            engine.round_rows(bucket_length(min(batch_size, samples + len(members))))
        smp = _Sampled(engine, alphabet, members, samples, seed, rows,
                       sample_max_len or max_len or 16)
    return exh, smp


class _Exhaustive:
    """The exhaustive check's batches in shortlex order, all of one shape ``rows ×
    max_len``.

    A batch is ``(segments, block)``: ``segments`` lists ``(length, count)`` and ``block``
    numbers the batch among those of its length (for the leading digits). All words up to
    ``m − 1`` share the first batch (``Σ_{ℓ<m} |Σ|^ℓ < |Σ|^m``), then every length ``ℓ ≥ m``
    takes ``|Σ|^{ℓ−m}`` batches of ``|Σ|^m`` words, ``m = ⌊log_|Σ| batch_size⌋``. They are
    generated one at a time (``|Σ|^{max_len−m}`` of them can be too many to list).
    """

    def __init__(self, engine: _Engine, k: int, max_len: int, batch_size: int) -> None:
        self.k, self.max_len = k, max_len
        self.words = predicted_words(k, max_len)
        if self.words <= batch_size or k == 1:
            self.m, block = max_len, self.words
            self.first = [(ell, k**ell) for ell in range(1, max_len + 1)]
            self.n_batches = 1
        else:
            self.m = min(max_len, max(1, int(math.floor(math.log(batch_size, k) + 1e-9))))
            block = k**self.m
            self.first = [(ell, k**ell) for ell in range(1, self.m)]
            self.n_batches = bool(self.first) + sum(k ** (ell - self.m)
                                                    for ell in range(self.m, max_len + 1))
        self.rows = engine.round_rows(block)
        self.n_seg = max(len(self.first), 1)
        self.gen = engine.jit(_enumerate, k=k, rows=self.rows, width=max_len, low_max=self.m)

    def order(self) -> Iterable[tuple[list[tuple[int, int]], int]]:
        if self.n_batches == 1:
            yield self.first, 0
            return
        if self.first:
            yield self.first, 0
        for ell in range(self.m, self.max_len + 1):
            for c in range(self.k ** (ell - self.m)):
                yield [(ell, self.k**self.m)], c

    @property
    def last(self) -> tuple[list[tuple[int, int]], int]:
        """The batch of the longest words (the probe)."""
        if self.n_batches == 1:
            return self.first, 0
        return [(self.max_len, self.k**self.m)], self.k ** (self.max_len - self.m) - 1

    def batch(self, segments: list[tuple[int, int]], c: int) -> Batch:
        k, width = self.k, self.max_len
        high = np.zeros(width, np.int32)
        length = segments[0][0]
        n_high = length - min(length, self.m)
        for p in range(n_high):  # the block number's digits, most significant first
            high[n_high - 1 - p] = (c // k**p) % k
        seg_len = np.zeros(self.n_seg, np.int32)
        seg_len[: len(segments)] = [ell for ell, _ in segments]
        ends = np.cumsum([n for _, n in segments])
        seg_end = np.full(self.n_seg, ends[-1], np.int32)  # unused segments end with the last
        seg_end[: len(ends)] = ends
        tokens, lengths, valid = self.gen(jnp.asarray(high), jnp.asarray(seg_len),
                                          jnp.asarray(seg_end))
        return tokens, lengths, valid, int(seg_end[-1])


class _Sampled:
    """The sampled check's batches, all of one shape ``rows × width``: uniform words
    (generated on the device), the members, then mutants of members (made on the host one
    batch at a time)."""

    def __init__(self, engine: _Engine, alphabet: Alphabet,
                 members: list[str | Sequence[str]], samples: int, seed: int, rows: int,
                 max_len: int) -> None:
        self.engine, self.k, self.rows, self.seed = engine, len(alphabet), rows, seed
        self.m_tok, self.m_len = encode(members, alphabet) if members else (None, None)
        longest = int(self.m_len.max()) if members else 0
        self.width = bucket_length(max(max_len, 2 * longest))
        self.n_members = len(members)
        self.n_mut = samples // 2 if members else 0
        self.n_uni = samples - self.n_mut
        self.words = samples + self.n_members
        self.n_batches = sum(-(-n // rows) for n in (self.n_uni, self.n_members, self.n_mut))
        self.uniform = engine.jit(_uniform, k=self.k, rows=rows, width=self.width,
                                  max_len=max_len)

    def uniform_batch(self, b: int, count: int) -> Batch:
        key = jax.random.fold_in(jax.random.key(self.seed), b)
        return (*self.uniform(key, jnp.int32(count)), count)

    def host_batch(self, tok: np.ndarray, lens: np.ndarray) -> Batch:
        count, rows, engine = len(lens), self.rows, self.engine
        t = np.zeros((rows, self.width), np.int32)
        n = np.ones(rows, np.int32)
        t[:count], n[:count] = tok, lens
        t[count:], n[count:] = t[0], n[0]
        valid = np.arange(rows) < count
        return engine.put(t), engine.put(n), engine.put(valid), count

    def batches(self) -> Iterable[Batch]:
        rows = self.rows
        for b, lo in enumerate(range(0, self.n_uni, rows)):
            yield self.uniform_batch(b, min(rows, self.n_uni - lo))
        if not self.n_members:
            return
        words = np.zeros((self.n_members, self.width), np.int32)
        words[:, : self.m_tok.shape[1]] = self.m_tok
        lens = self.m_len.astype(np.int32)
        for lo in range(0, self.n_members, rows):
            yield self.host_batch(words[lo:lo + rows], lens[lo:lo + rows])
        rng = np.random.default_rng(self.seed)
        for lo in range(0, self.n_mut, rows):
            count = min(rows, self.n_mut - lo)
            base = rng.integers(0, self.n_members, count)
            tok, lens_m = mutate(words[base], lens[base], self.k, rng, self.width)
            again = rng.random(count) < 0.5  # half the mutants get a second edit
            tok2, lens2 = mutate(tok[again], lens_m[again], self.k, rng, self.width)
            tok[again], lens_m[again] = tok2, lens2
            yield self.host_batch(tok, lens_m)


def _unbounded(recs: Mapping[str, Recognizer], alphabet: Alphabet, max_states: int,
               time_limit: float | None) -> tuple[Certificate, Counterexample | None]:
    autos: dict[str, Automaton] = {}
    for name, r in recs.items():
        try:
            autos[name] = exact_dfa(r, max_states=max_states, time_limit=time_limit)
        except (SuccinctError, StateLimitExceeded) as e:
            e.args = (f"{name}: {e.args[0] if e.args else e}",)
            raise
    names = list(recs)
    first = autos[names[0]].minimal
    best: tuple[int, tuple[int, ...]] | None = None
    for name in names[1:]:
        same, word = first.equivalent(autos[name].minimal)
        if not same:
            key = _shortlex(alphabet.to_ids(word))
            best = key if best is None or key < best else best
    digests = {name: _digest(a.minimal) for name, a in autos.items()}
    certificate = Certificate(best is None, autos, digests)
    if best is None:
        return certificate, None
    word = alphabet.to_word(best[1])
    tokens, lengths = encode([word], alphabet)
    accepted = {name: bool(np.asarray(r.accepts_batch(tokens, lengths))[0])
                for name, r in recs.items()}
    return certificate, Counterexample(word, tuple(n for n in names if accepted[n]),
                                       tuple(n for n in names if not accepted[n]), "unbounded")


def _digest(dfa: DFA) -> str:
    """A short hash of a canonical minimal DFA (equal languages, equal digests)."""
    h = hashlib.sha256()
    h.update("\x00".join(dfa.alphabet).encode())
    h.update(np.asarray(dfa.delta, np.int64).tobytes())
    h.update(np.asarray(dfa.accepting, np.uint8).tobytes())
    return h.hexdigest()[:16]
