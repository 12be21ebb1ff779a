"""The static description of every model kind: layer structure, labels, masks, precision.

Specs are frozen (hashable) dataclasses: they are the static half of a model (the other
half is a pytree of weight arrays), the jit cache key of every evaluator, and what the
text rendering dispatches on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from succinct.coords import Space
from succinct.words import Alphabet, SuccinctError

__all__ = ["Attention", "ReLU", "FFN", "Layer", "UHATSpec", "RNNSpec", "Activation",
           "PositionalSpec", "SecondOrderSpec", "MAX_PATTERN_BITS", "guard_columns",
           "guard_message"]

Mask = Literal["none", "future", "past"]
Tie = Literal["left", "right"]
MAX_PATTERN_BITS = 8


@dataclass(frozen=True)
class Attention:
    """Static description of a unique-hard-attention layer.

    ``query`` labels the coordinates of the score space; ``query_reads`` and
    ``key_reads`` are the source coordinates that ``A`` and ``B`` read (inferred from
    the weights); ``boolean`` are source coordinates known to hold 0/1.
    """

    source: Space
    target: Space
    query: Space
    mask: Mask
    tie: Tie
    name: str = ""
    query_reads: tuple[str, ...] = ()
    key_reads: tuple[str, ...] = ()
    uses_attended: bool = True
    boolean: frozenset[str] = frozenset()

    kind = "attention"

    @property
    def path(self) -> str:
        return "attn"

    def fast_path(self) -> str:
        """Which evaluation the layer gets: ``skip``, ``scan``, ``pattern`` or ``dense``."""
        if not self.uses_attended:
            return "skip"
        if not self.query_reads:
            return "scan"
        if set(self.key_reads) <= self.boolean and len(self.key_reads) <= MAX_PATTERN_BITS:
            return "pattern"
        return "dense"


@dataclass(frozen=True)
class ReLU:
    """The paper's ReLU layer: ``max(0, v_r)`` on the one coordinate ``coord``."""

    source: Space
    coord: str
    name: str = ""

    kind = "relu"

    @property
    def target(self) -> Space:
        return self.source

    @property
    def path(self) -> str:
        return "relu"


@dataclass(frozen=True)
class FFN:
    """A feed-forward block ``out = W_r v + W_2 ReLU(W_1 v + b_1) + b_2``."""

    source: Space
    hidden: Space
    target: Space
    name: str = ""

    kind = "ffn"

    @property
    def path(self) -> str:
        return "ffn"


Layer = Attention | ReLU | FFN


@dataclass(frozen=True)
class UHATSpec:
    """Everything static about a UHAT: alphabet, layer structure, labels, acceptance."""

    alphabet: Alphabet
    embed: Space
    layers: tuple[Layer, ...]
    accept_at: Literal["last", "first"]
    readout_name: str = "accept"
    # Exactness was certified with every declared-Boolean coordinate bounded by 1
    # (value_bounds(boolean_one=True)); every evaluation then checks those coordinates.
    boolean_guard: bool = False

    @property
    def output(self) -> Space:
        return self.layers[-1].target if self.layers else self.embed

    @property
    def width(self) -> int:
        """The widest vector of the model: residual, score space or FFN hidden layer."""
        widths = [len(self.embed)] + [len(layer.target) for layer in self.layers]
        widths += [len(layer.query) for layer in self.layers if isinstance(layer, Attention)]
        widths += [len(layer.hidden) for layer in self.layers if isinstance(layer, FFN)]
        return max(widths)


def guard_message(spec: UHATSpec) -> str:
    """Why an evaluation whose declared-Boolean check failed is refused."""
    if spec.boolean_guard:
        return ("a coordinate declared Boolean took a value other than 0/1; this model's "
                "exactness certificate bounds those coordinates by 1 (value_bounds with "
                "boolean_one), so the answer is refused")
    return ("a coordinate declared Boolean took a value other than 0/1, so the fast "
            "attention path does not apply to this model; evaluate with evaluator='dense'")


def guard_columns(spec: UHATSpec, layer: Attention) -> list[int]:
    """Source columns an evaluation must check (declared Boolean, guarded models only)."""
    if not spec.boolean_guard:
        return []
    return sorted(layer.source.index(c) for c in layer.boolean)


Activation = Literal["relu", "step", "satlin", "sigmoid"]


@dataclass(frozen=True)
class RNNSpec:
    """Static part of an RNN: alphabet, labelled units, activation, precision."""

    alphabet: Alphabet
    hidden: Space
    activation: Activation
    beta: float = 1.0
    bits: int | None = None
    frac_bits: int = 0

    def __post_init__(self) -> None:
        if self.activation not in ("relu", "step", "satlin", "sigmoid"):
            raise SuccinctError(f"unknown activation {self.activation!r}")
        if self.bits is not None and not 1 <= self.bits <= 24:
            raise SuccinctError(f"bits must be in 1..24, got {self.bits}")
        if self.bits is not None and not 0 <= self.frac_bits <= self.bits:
            raise SuccinctError(f"frac_bits must be in 0..bits, got {self.frac_bits}")


@dataclass(frozen=True)
class PositionalSpec:
    """Static part of a UHAT with positional encodings (:mod:`succinct.models.positional`):
    the word alphabet Σ, the longest word length T it covers, its positional features
    ``(label, rule)`` (the rule as text, for display), and what words longer than T get."""

    alphabet: Alphabet
    max_len: int
    features: tuple[tuple[str, str], ...]
    longer: Literal["error", "reject"] = "error"


@dataclass(frozen=True)
class SecondOrderSpec:
    """Static part of a second-order RNN (:mod:`succinct.models.rnn2`): alphabet,
    labelled units, activation."""

    alphabet: Alphabet
    hidden: Space
    activation: Literal["linear", "step"] = "linear"
