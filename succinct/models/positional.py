"""UHATs **with positional encodings**: outside the paper's UHAT model, and labelled so.

The paper's UHATs (§2.3) see only the symbols: no positional encoding. Some classic
constructions (log-depth scans over a word, pointer chasing) need positions. This module
adds them without a second forward pass: a :class:`PositionalUHAT` over ``Σ`` for words of
length ≤ ``T`` is an ordinary exact :class:`succinct.models.uhat.UHAT` over the product alphabet
``Σ × {1, …, T}`` (symbol ``a@p``) whose embedding is *factorised*::

    emb(a, p) = E_tok[:, a] + E_pos[:, p],    E_pos[f, p] = f(p) for each feature f

(features are integer functions of the 1-based position, e.g. ``p`` and ``p²``, so scores
stay exact integers: ``⟨(2(p_i − c), −1), (p_j, p_j²)⟩ = 2p_j(p_i − c) − p_j²`` peaks
exactly at ``p_j = p_i − c``). :meth:`PositionalUHAT.accepts_batch` (and the traceable
:meth:`PositionalUHAT.forward`) map each token to its ``(symbol, position)`` id and run
the inner model, so evaluation, exactness checks and fast paths are the foundation's.

Sizes (:meth:`PositionalUHAT.size_report`) count the two factors, not the product table:
``embed`` (``E_tok``, ``R₀ × |Σ|``) and ``pos_embed`` (the feature rows of ``E_pos``,
``|features| × T``, so the positional table grows with T), then the layers and readout.
Words longer than ``T`` have no positional encoding: they are refused with an error, or,
for languages without members longer than T (``longer="reject"``), rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import jax
import numpy as np
from flax import struct

from succinct.coords import Space
from succinct.models import layers
from succinct.models.kernels import Compiled
from succinct.models.render import describe_positional
from succinct.models.specs import PositionalSpec
from succinct.models.uhat import UHAT, Evaluator, UHATBuilder
from succinct.sizes import POSITIONAL_UHAT, SizeReport, counted
from succinct.words import Alphabet, SuccinctError, encode

__all__ = ["PositionalUHAT", "PositionalBuilder", "OUTSIDE_PAPER", "product_symbol"]

OUTSIDE_PAPER = ("uses positional encodings, so it is OUTSIDE the paper's UHAT model "
                 "(which has none)")


def product_symbol(symbol: str, position: int) -> str:
    """Name of the product-alphabet symbol ``a@p`` (``p`` 1-based)."""
    return f"{symbol}@{position}"


class PositionalUHAT(struct.PyTreeNode):
    """A UHAT with positional encodings for words of length ≤ ``max_len`` (a recognizer).

    A pytree: the static :class:`succinct.models.specs.PositionalSpec`, the inner UHAT
    and the two embedding factors.

    Attributes:
        spec: alphabet Σ, T (``max_len``), the features ``(label, rule)`` (for display)
            and what longer words get (``longer``).
        inner: the exact UHAT over ``Σ × {1..T}`` (symbol ``a@p`` has id ``(p−1)|Σ| + a``).
        tok_embed: ``E_tok[R₀, |Σ|]``; pos_embed: ``E_pos[R₀, T]`` (zero outside features).
    """

    spec: PositionalSpec = struct.field(pytree_node=False)
    inner: UHAT
    tok_embed: np.ndarray
    pos_embed: np.ndarray

    @classmethod
    def create(cls, alphabet: Alphabet, inner: UHAT, max_len: int,
               features: Mapping[str, str], tok_embed: np.ndarray, pos_embed: np.ndarray,
               longer: Literal["error", "reject"] = "error") -> PositionalUHAT:
        """The model from its parts (``features``: ``{label: rule}``, for display)."""
        spec = PositionalSpec(alphabet, max_len, tuple(features.items()), longer)
        return cls(spec=spec, inner=inner, tok_embed=np.asarray(tok_embed),
                   pos_embed=np.asarray(pos_embed))

    @property
    def alphabet(self) -> Alphabet:
        return self.spec.alphabet

    @property
    def max_len(self) -> int:
        return self.spec.max_len

    @property
    def features(self) -> dict[str, str]:
        """``{label: rule}`` of the positional coordinates."""
        return dict(self.spec.features)

    @property
    def longer(self) -> Literal["error", "reject"]:
        return self.spec.longer

    def _inner_batch(self, tokens: Any, lengths: Any) -> tuple[Any, Any, Any]:
        """The inner UHAT's batch (numpy or JAX, :func:`succinct.models.layers.namespace`):
        ``(ids[B, N], lengths[B], long[B])`` with ``ids`` the product symbols ``a@p`` (id
        ``(p−1)|Σ| + a``) and ``long`` the words longer than T; with ``longer="reject"``
        those become a one-symbol dummy word (their answer is then set to False)."""
        xp = layers.namespace(tokens, lengths)
        long = lengths > self.max_len
        if self.longer == "reject":
            tokens = xp.where(long[:, None], 0, tokens)
            lengths = xp.where(long, 1, lengths)
        pos = xp.arange(tokens.shape[1], dtype=xp.int32)[None, :]
        inside = pos < lengths[:, None]
        # Padding positions (≥ length, possibly > T) carry a valid dummy id; they are
        # never attended to and never read.
        ids = xp.where(inside, pos * len(self.alphabet) + tokens, 0).astype(xp.int32)
        return ids, lengths, long

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray, *,
                      evaluator: Evaluator = "auto", exact: bool = True) -> np.ndarray:
        """Acceptance of a padded batch of words of length ≤ T (longer ones: see
        ``longer``), evaluated by the inner UHAT (:meth:`UHAT.accepts_batch`)."""
        tokens = np.asarray(tokens, np.int32)
        lengths = np.asarray(lengths, np.int32)
        ids, inner_lengths, long = self._inner_batch(tokens, lengths)
        if self.longer == "error" and long.any():
            raise SuccinctError(
                f"a word of length {int(lengths.max())} is longer than T={self.max_len}: this "
                f"model's positional encodings cover positions 1..{self.max_len} only"
            )
        n_sym = len(self.alphabet)
        checked = tokens[~long] if self.longer == "reject" else tokens
        if checked.size and (checked.min() < 0 or checked.max() >= n_sym):
            raise SuccinctError(f"token ids must lie in [0, {n_sym})")
        out = self.inner.accepts_batch(ids, inner_lengths, evaluator=evaluator, exact=exact)
        return np.where(long, False, out) if self.longer == "reject" else out

    def forward(self, tokens: jax.Array, lengths: jax.Array, *,
                evaluator: Compiled = "fast") -> tuple[jax.Array, jax.Array]:
        """Traceable forward pass ``(accepted[B], ok)`` of a padded batch of *word* tokens
        ``tokens[B, N]`` (ids in Σ), ``lengths[B]``: the product symbols ``a@p`` are formed
        in the trace, then the inner UHAT's :meth:`UHAT.forward` runs (``evaluator``
        ``"fast"`` or ``"dense"``, ``ok`` as there). With ``longer="reject"`` words longer
        than T are rejected; with ``longer="error"`` every length must be at most T
        (inputs are not validated here; :meth:`accepts_batch` validates)."""
        ids, inner_lengths, long = self._inner_batch(tokens, lengths)
        accepted, ok = self.inner.forward(ids, inner_lengths, evaluator=evaluator)
        return (accepted & ~long if self.longer == "reject" else accepted), ok

    def accepts(self, words: Iterable[str | Sequence[str]], *, evaluator: Evaluator = "auto",
                exact: bool = True) -> np.ndarray:
        tokens, lengths = encode(words, self.alphabet)
        return self.accepts_batch(tokens, lengths, evaluator=evaluator, exact=exact)

    def residuals(self, word: str | Sequence[str]) -> list[np.ndarray]:
        """The residual stream after the embedding and each layer, for one word."""
        ids = self.alphabet.to_ids(word)
        if len(ids) > self.max_len:
            raise SuccinctError(f"word longer than T={self.max_len}")
        inner_word = [product_symbol(self.alphabet.symbols[a], p + 1)
                      for p, a in enumerate(ids)]
        return self.inner.residuals(inner_word)

    @property
    def n_layers(self) -> int:
        return self.inner.n_layers

    @property
    def width(self) -> int:
        return self.inner.width

    def components(self) -> dict[str, np.ndarray]:
        """Weight arrays: the two embedding factors, then the inner layers and readout."""
        rows = [self.inner.spec.embed.index(f) for f in self.features]
        out = {"embed": self.tok_embed, "pos_embed": self.pos_embed[rows]}
        out |= {k: v for k, v in self.inner.components().items() if k != "embed"}
        return out

    def size_report(self) -> SizeReport:
        """Counted sizes (kind :data:`succinct.sizes.POSITIONAL_UHAT`), the positional
        table included."""
        return counted(POSITIONAL_UHAT, self.n_layers, self.width, self.components(),
                       extra={"note": OUTSIDE_PAPER})

    def __str__(self) -> str:
        return describe_positional(self.spec, self.inner.spec, self.inner.params,
                                   self.tok_embed, OUTSIDE_PAPER)


class PositionalBuilder:
    """Builds a :class:`PositionalUHAT` layer by layer (the :class:`UHATBuilder` API).

    Args:
        alphabet: the word alphabet.
        max_len: T, the longest word the positional encodings cover.
        features: ``{label: (description, p ↦ integer)}`` positional coordinates.
        token_embed: ``{label: {symbol: value}}`` token coordinates (default: one-hot
            ``Q_a``, declared Boolean).
        boolean: token coordinates known to be 0/1 (for the fast attention paths).
    """

    def __init__(self, alphabet: Alphabet, max_len: int,
                 features: Mapping[str, tuple[str, Callable[[int], int]]],
                 token_embed: Mapping[str, Mapping[str, int]] | None = None,
                 boolean: Iterable[str] = ()) -> None:
        if max_len < 1:
            raise SuccinctError(f"T must be at least 1, got {max_len}")
        self.alphabet = alphabet
        self.max_len = max_len
        self.features = dict(features)
        if token_embed is None:
            token_embed = {f"Q_{a}": {a: 1} for a in alphabet}
            boolean = set(boolean) | set(token_embed)
        self.token_embed = {label: dict(col) for label, col in token_embed.items()}
        product = Alphabet.of(product_symbol(a, p) for p in range(1, max_len + 1)
                              for a in alphabet)
        labels = list(self.token_embed) + list(self.features)
        self._b = UHATBuilder(product, embed_labels=labels)
        self._b.boolean |= set(boolean)
        n_sym = len(alphabet)
        self.tok = np.zeros((len(labels), n_sym), np.int64)
        self.pos = np.zeros((len(labels), max_len), np.int64)
        for r, label in enumerate(self.token_embed):
            for a, value in self.token_embed[label].items():
                self.tok[r, alphabet.index(a)] = value
        for r, (_, fn) in enumerate(self.features.values(), start=len(self.token_embed)):
            self.pos[r] = [fn(p) for p in range(1, max_len + 1)]
        for p in range(max_len):
            for a_idx, a in enumerate(alphabet):
                for r, label in enumerate(labels):
                    value = int(self.tok[r, a_idx] + self.pos[r, p])
                    if value:
                        self._b.embed[(label, product_symbol(a, p + 1))] = value

    @property
    def space(self) -> Space:
        """The current residual space (labels)."""
        return self._b.space

    def attention(self, **kw: Any):
        """Appends an attention layer (see :meth:`UHATBuilder.attention`)."""
        return self._b.attention(**kw)

    def ffn(self, **kw: Any):
        """Appends an FFN block (see :meth:`UHATBuilder.ffn`)."""
        return self._b.ffn(**kw)

    def relu(self, coord: str, **kw: Any) -> None:
        """Appends the paper's single-coordinate ReLU layer."""
        self._b.relu(coord, **kw)

    def build(self, readout: dict[str, int],
              longer: Literal["error", "reject"] = "error") -> PositionalUHAT:
        """Lowers the rules and returns the validated model; ``longer`` says what words
        longer than T get: an error, or rejection (for languages with no such member)."""
        if longer not in ("error", "reject"):
            raise SuccinctError(f"longer must be 'error' or 'reject', got {longer!r}")
        inner = self._b.build(readout)
        rules = {label: rule for label, (rule, _) in self.features.items()}
        return PositionalUHAT.create(self.alphabet, inner, self.max_len, rules, self.tok,
                                     self.pos, longer)
