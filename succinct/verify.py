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
from succinct.models.specs import guard_message
from succinct.models.uhat import UHAT
from succinct.recognizer import Recognizer, StepMachine, check_alphabets
from succinct.words import Alphabet, SuccinctError, bucket_length, encode

__all__ = ["verify", "Report", "Counterexample", "Certificate", "VerificationTimeout",
           "predicted_words", "mutate"]

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
        accepted: Checked words the first model accepts (0: the check saw no member).
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

    @property
    def agree(self) -> bool:
        """No disagreement found, and (if checked) equal on all words."""
        return self.disagreements == 0 and (self.certificate is None or self.certificate.equal)

    def as_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models), "alphabet": list(self.alphabet),
            "max_len": self.max_len, "checked": self.checked, "accepted": self.accepted,
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
def predicted_words(n_symbols: int, max_len: int) -> int:
    """Σ_{ℓ=1..max_len} |Σ|^ℓ: the number of words the exhaustive check evaluates."""
    return sum(n_symbols**ell for ell in range(1, max_len + 1))


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
    """Disagreements of ``accs[M, rows]`` on valid rows: (count, words the first model
    accepts, mask)."""
    dis = jnp.any(accs != accs[:1], axis=0) & valid
    return jnp.sum(dis), jnp.sum(accs[0] & valid), dis


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
    n_accepted: int = 0  # words of the batch the first model accepts


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
        if host is None:
            count, n_acc, dis = _compare(jnp.stack(accs), valid)
            count, n_acc = int(_to_host(count)), int(_to_host(n_acc))
            if not count:
                return _Found(0, n_accepted=n_acc)
            dis_h = _to_host(dis)
            acc_h = np.stack([_to_host(a) for a in accs])
        else:
            acc_h = np.stack([a[:n_valid] if isinstance(a, np.ndarray) else _to_host(a)[:n_valid]
                              for a in accs])
            dis_h = np.any(acc_h != acc_h[:1], axis=0)
            count, n_acc = int(dis_h.sum()), int(acc_h[0].sum())
            if not count:
                return _Found(0, n_accepted=n_acc)
        idx = np.flatnonzero(dis_h[:n_valid])
        tok_h = host[0] if host is not None else _to_host(tokens)
        len_h = host[1] if host is not None else _to_host(lengths)
        if shortest_of_all:
            idx = [min(idx, key=lambda i: (len_h[i], tuple(tok_h[i, : len_h[i]])))]
        row = int(idx[0])
        return _Found(count, tok_h[row, : len_h[row]].copy(), acc_h[:, row].copy(), n_acc)


def _shortlex(ids: np.ndarray) -> tuple[int, tuple[int, ...]]:
    return len(ids), tuple(int(x) for x in ids)


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
        time_limit: Seconds. The exhaustive check is timed on one probe batch of the
            longest words first and refused, with the predicted word count and time, if
            the whole run would take longer; a run that still passes the limit stops
            with :class:`VerificationTimeout`.
        max_words: Refuse (with the predicted count) to check more words than this.
        batch_size: Most words per device batch.
        sample_max_len: Longest uniform sample (default ``max_len``, or 16).
        unbounded: Also compare the exact automata of all models (all words).
        max_states: State bound of the exact automata.
        stop_at_first: Stop the exhaustive check at the first batch with a disagreement.
        progress: ``progress(done, total)`` called after every batch.

    Returns:
        A :class:`Report`.

    Raises:
        SuccinctError: different alphabets (naming both), nothing to check, a limit
            exceeded (with the predicted count), or a model with no exact automaton
            under ``unbounded``.
    """
    # argument types first: API misuse names the argument
    if not isinstance(recognizers, Mapping):
        raise TypeError(f"verify: recognizers must be a mapping {{name: recognizer}}, got a "
                        f"{type(recognizers).__name__}")
    for name, r in recognizers.items():
        if not (isinstance(getattr(r, "alphabet", None), Alphabet)
                and callable(getattr(r, "accepts_batch", None))):
            raise TypeError(f"verify: recognizers[{name!r}] is a {type(r).__name__}, not a "
                            "recognizer (verify needs its alphabet and accepts_batch)")
    for arg, value, optional in (
            ("max_len", max_len, True), ("samples", samples, False), ("seed", seed, False),
            ("max_words", max_words, True), ("batch_size", batch_size, False),
            ("sample_max_len", sample_max_len, True), ("max_states", max_states, False),
            ("time_limit", time_limit, True)):
        number = arg == "time_limit"
        if isinstance(value, bool) or not (isinstance(value, int | np.integer)
                                           or (number and isinstance(value, float))
                                           or (optional and value is None)):
            raise TypeError(f"verify: {arg} must be {'a number' if number else 'an int'}"
                            f"{' or None' if optional else ''}, got {type(value).__name__} "
                            f"{value!r}")
    recs = dict(recognizers)
    if len(recs) < 2:
        raise SuccinctError(f"verify compares two or more recognizers, got {len(recs)}")
    alphabet = check_alphabets(recs)
    k = len(alphabet)
    if max_len is not None and max_len < 1:
        raise SuccinctError(f"max_len must be at least 1, got {max_len}")
    if samples < 0 or batch_size < 1:
        raise SuccinctError("samples must be ≥ 0 and batch_size ≥ 1")
    member_list = list(members or [])
    if max_len is None and samples == 0 and not member_list and not unbounded:
        raise SuccinctError("nothing to check: give max_len, samples, members or unbounded")
    n_exh = predicted_words(k, max_len) if max_len else 0
    n_members = len(member_list)
    total = n_exh + samples + n_members
    if max_words is not None and total > max_words:
        raise SuccinctError(_too_many(total, n_exh, k, max_len, samples + n_members,
                                      f"more than the limit of {max_words:,} words"))
    if unbounded:  # fail before the bounded checks, not after them
        for name, r in recs.items():
            reason = exact_support(r)
            if reason is not None:
                raise SuccinctError(f"{name}: {reason}")

    engine = _Engine(recs, alphabet)
    t_start = time.perf_counter()
    state = _RunState(total=total, progress=progress)

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
        )

    def tick(n: int) -> None:
        state.advance(n)
        if time_limit is not None and time.perf_counter() - t_start > time_limit:
            raise VerificationTimeout(
                f"stopped at the time limit of {time_limit:g} s after {state.done:,} of "
                f"{total:,} words", report())

    rows = None
    if max_len:
        rows = _exhaustive(engine, k, max_len, batch_size, state, tick, time_limit,
                           stop_at_first, n_exh, samples + n_members)
    if samples or member_list:
        rows = rows or engine.round_rows(bucket_length(min(batch_size, samples + n_members)))
        _sampled(engine, alphabet, member_list, samples, seed, rows,
                 sample_max_len or max_len or 16, state, tick)
    result = report()
    if unbounded:
        certificate, cex = _unbounded(recs, alphabet, max_states)
        best = result.counterexample
        if cex is not None and (best is None or _shortlex(alphabet.to_ids(cex.word))
                                < _shortlex(alphabet.to_ids(best.word))):
            best = cex
        result = dataclasses.replace(result, certificate=certificate, counterexample=best)
    return result


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
    accepted: int = 0
    best: tuple[tuple[int, tuple[int, ...]], np.ndarray, np.ndarray, str] | None = None

    def advance(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)

    def record(self, found: _Found, how: str) -> None:
        self.disagreements += found.count
        self.accepted += found.n_accepted
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


def _batches(k: int, max_len: int, batch_size: int) -> tuple[int, int, list[tuple[
        list[tuple[int, int]], int]]]:
    """The exhaustive batches in shortlex order: ``(rows, low_max, batches)``.

    A batch is ``(segments, block)``: ``segments`` lists ``(length, count)`` and ``block``
    numbers the batch among those of its length (for the leading digits). All words up to
    ``m − 1`` share the first batch (``Σ_{ℓ<m} |Σ|^ℓ < |Σ|^m``), then every length ``ℓ ≥ m``
    takes ``|Σ|^{ℓ−m}`` batches of ``|Σ|^m`` words, ``m = ⌊log_|Σ| batch_size⌋``.
    """
    total = predicted_words(k, max_len)
    if total <= batch_size or k == 1:
        return total, max_len, [([(ell, k**ell) for ell in range(1, max_len + 1)], 0)]
    m = min(max_len, max(1, int(math.floor(math.log(batch_size, k) + 1e-9))))
    out = [([(ell, k**ell) for ell in range(1, m)], 0)] if m > 1 else []
    for ell in range(m, max_len + 1):
        out += [([(ell, k**m)], c) for c in range(k ** (ell - m))]
    return k**m, m, out


def _exhaustive(engine: _Engine, k: int, max_len: int, batch_size: int, state: _RunState,
                tick: Callable[[int], None], time_limit: float | None, stop_at_first: bool,
                n_exh: int, n_sampled: int) -> int:
    """Checks every word up to ``max_len``; returns the batch rows used."""
    block, low_max, batches = _batches(k, max_len, batch_size)
    rows = engine.round_rows(block)
    width = max_len  # every batch has this one shape: no need to round it up
    n_seg = max(len(segments) for segments, _ in batches)
    gen = engine.jit(_enumerate, k=k, rows=rows, width=width, low_max=low_max)

    def batch(segments: list[tuple[int, int]], c: int):
        high = np.zeros(width, np.int32)
        length = segments[0][0]
        n_high = length - min(length, low_max)
        for p in range(n_high):  # the block number's digits, most significant first
            high[n_high - 1 - p] = (c // k**p) % k
        seg_len = np.zeros(n_seg, np.int32)
        seg_len[: len(segments)] = [ell for ell, _ in segments]
        ends = np.cumsum([n for _, n in segments])
        seg_end = np.full(n_seg, ends[-1], np.int32)  # unused segments end with the last
        seg_end[: len(ends)] = ends
        tokens, lengths, valid = gen(jnp.asarray(high), jnp.asarray(seg_len),
                                     jnp.asarray(seg_end))
        return tokens, lengths, valid, int(seg_end[-1])

    if time_limit is not None:
        # Probe: one batch of the longest words (compiled once, then timed).
        for _ in range(2):
            t0 = time.perf_counter()
            probe = batch(*batches[-1])
            engine.check(*probe, shortest_of_all=False)
        per_word = (time.perf_counter() - t0) / probe[3]
        for m in engine.models:
            m.seconds = 0.0
        predicted = per_word * (n_exh + n_sampled)
        if predicted > time_limit:
            raise SuccinctError(_too_many(
                n_exh + n_sampled, n_exh, k, max_len, n_sampled,
                f"about {predicted:,.0f} s at the measured {1 / per_word:,.0f} words/s, more "
                f"than the time limit of {time_limit:g} s; lower max_len or raise the limit"))
    for segments, c in batches:
        tokens, lengths, valid, count = batch(segments, c)
        state.exhaustive += count
        state.record(engine.check(tokens, lengths, valid, count, shortest_of_all=False),
                     "exhaustive")
        tick(count)
        if stop_at_first and state.disagreements:
            break
    return rows


def _sampled(engine: _Engine, alphabet: Alphabet, members: list[str | Sequence[str]],
             samples: int, seed: int, rows: int, max_len: int, state: _RunState,
             tick: Callable[[int], None]) -> None:
    k = len(alphabet)
    m_tok, m_len = encode(members, alphabet) if members else (None, None)
    longest = int(m_len.max()) if members else 0
    width = bucket_length(max(max_len, 2 * longest))
    n_mut = samples // 2 if members else 0
    n_uni = samples - n_mut
    uniform = engine.jit(_uniform, k=k, rows=rows, width=width, max_len=max_len)
    key = jax.random.key(seed)
    for b, lo in enumerate(range(0, n_uni, rows)):
        count = min(rows, n_uni - lo)
        tokens, lengths, valid = uniform(jax.random.fold_in(key, b), jnp.int32(count))
        state.sampled += count
        state.record(engine.check(tokens, lengths, valid, count, shortest_of_all=True),
                     "sampled")
        tick(count)
    if not members:
        return
    rng = np.random.default_rng(seed)
    words = np.zeros((len(members), width), np.int32)
    words[:, : m_tok.shape[1]] = m_tok
    pools = [(words, m_len.astype(np.int32))]
    if n_mut:
        base = rng.integers(0, len(members), n_mut)
        tok, lens = mutate(words[base], m_len[base], k, rng, width)
        again = rng.random(n_mut) < 0.5  # half the mutants get a second edit
        tok2, lens2 = mutate(tok[again], lens[again], k, rng, width)
        tok[again], lens[again] = tok2, lens2
        pools.append((tok, lens))
    for tok, lens in pools:
        for lo in range(0, len(lens), rows):
            count = min(rows, len(lens) - lo)
            t = np.zeros((rows, width), np.int32)
            n = np.ones(rows, np.int32)
            t[:count], n[:count] = tok[lo:lo + count], lens[lo:lo + count]
            t[count:], n[count:] = t[0], n[0]
            valid = np.arange(rows) < count
            state.sampled += count
            state.record(engine.check(engine.put(t), engine.put(n), engine.put(valid), count,
                                      shortest_of_all=True), "sampled")
            tick(count)


def _unbounded(recs: Mapping[str, Recognizer], alphabet: Alphabet,
               max_states: int) -> tuple[Certificate, Counterexample | None]:
    autos: dict[str, Automaton] = {}
    for name, r in recs.items():
        try:
            autos[name] = exact_dfa(r, max_states=max_states)
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
