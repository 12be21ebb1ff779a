"""Named coordinates: every residual or hidden coordinate carries a label.

A :class:`Space` is an ordered tuple of unique string labels. Weight matrices are
never written as index arithmetic; they are built from *rules over labels*::

    m = Matrix(target=out_space, source=in_space)
    m[("P_x", "Q_a")] = 1          # output coordinate P_x reads input coordinate Q_a
    m.bias["P_x"] = -1

and lowered to dense integer arrays in exactly one place (:meth:`Matrix.lower`).
This follows tracr's named directions: a printed matrix, a failing test and a
notebook heat-map all show labels, not indices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Space", "Matrix"]


@dataclass(frozen=True)
class Space:
    """An ordered set of coordinate labels (hashable, so usable in jit-static specs)."""

    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for label in self.labels:
            if not isinstance(label, str) or not label:
                raise ValueError(f"coordinate labels must be non-empty strings, got {label!r}")
            if label in seen:
                raise ValueError(f"duplicate coordinate label {label!r}")
            seen.add(label)

    @classmethod
    def of(cls, labels: Iterable[str]) -> Space:
        """Builds a space from any iterable of labels."""
        return cls(tuple(labels))

    def __len__(self) -> int:
        return len(self.labels)

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __contains__(self, label: object) -> bool:
        return label in self._index

    @property
    def _index(self) -> Mapping[str, int]:
        # Cached lazily; frozen dataclasses cannot assign normally.
        cache = self.__dict__.get("_index_cache")
        if cache is None:
            cache = {label: i for i, label in enumerate(self.labels)}
            object.__setattr__(self, "_index_cache", cache)
        return cache

    def index(self, label: str) -> int:
        """Position of ``label``; raises ``KeyError`` naming the label and the space."""
        try:
            return self._index[label]
        except KeyError:
            raise KeyError(
                f"no coordinate {label!r} in space of {len(self)} labels "
                f"({', '.join(self.labels[:8])}{', ...' if len(self) > 8 else ''})"
            ) from None

    def extend(self, labels: Iterable[str]) -> Space:
        """This space followed by new ``labels`` (which must not already occur)."""
        return Space(self.labels + tuple(labels))

    def __hash__(self) -> int:
        return hash(self.labels)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Space) and other.labels == self.labels


@dataclass
class Matrix:
    """A sparse affine map ``source -> target`` given by entries over labels.

    ``entries[(t, s)]`` is the coefficient with which target coordinate ``t`` reads
    source coordinate ``s``; ``bias[t]`` is the constant term of ``t``. Entries are
    integers (the compiled constructions only need small integers), or Fractions /
    floats for hand-built models; :meth:`lower` produces dense arrays.
    """

    target: Space
    source: Space
    entries: dict[tuple[str, str], int] = field(default_factory=dict)
    bias: dict[str, int] = field(default_factory=dict)

    def __setitem__(self, key: tuple[str, str], value: int) -> None:
        t, s = key
        self.target.index(t)
        self.source.index(s)
        self.entries[(t, s)] = value

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self.entries.get(key, 0)

    def add(self, t: str, s: str, value: int) -> None:
        """Adds ``value`` to entry ``(t, s)``."""
        self[(t, s)] = self.entries.get((t, s), 0) + value

    def set_bias(self, t: str, value: int) -> None:
        """Sets the constant term of target coordinate ``t``."""
        self.target.index(t)
        self.bias[t] = value

    def copy_identity(self, labels: Iterable[str] | None = None) -> None:
        """Target coordinate ``x`` reads source coordinate ``x`` with weight 1."""
        for label in self.target.labels if labels is None else labels:
            self[(label, label)] = 1

    def lower(self, dtype: np.dtype | type = np.int64) -> tuple[np.ndarray, np.ndarray]:
        """Dense ``(weight[target, source], bias[target])`` arrays."""
        w = np.zeros((len(self.target), len(self.source)), dtype=dtype)
        b = np.zeros((len(self.target),), dtype=dtype)
        for (t, s), value in self.entries.items():
            w[self.target.index(t), self.source.index(s)] = value
        for t, value in self.bias.items():
            b[self.target.index(t)] = value
        return w, b
