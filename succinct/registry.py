"""The family registry: language families indexed by size parameters.

Each module of the ``constructions`` package registers one :class:`Family` with
:func:`register`: its name, typed parameters (with ranges), alphabet, model builders
(``reference``, ``brasp``, ``uhat``, ``rnn``, ``dfa``, …), an optional member generator
and optional size reports (a :class:`succinct.sizes.SizeReport` per model). The CLI, the
atlas and the tests read the registry; adding a family touches one file.

``succinct`` never imports ``constructions`` statically: families are discovered
through the ``succinct.families`` entry-point group (the ``constructions`` package
declares itself there in ``pyproject.toml``), so third-party packages can add families
the same way.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError

__all__ = ["Param", "Family", "register", "get_family", "families", "parse_params"]


@dataclass(frozen=True)
class Param:
    """A typed family parameter with an inclusive range for integers."""

    name: str
    kind: type = int
    default: Any = None
    help: str = ""
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] | None = None

    def parse(self, raw: Any) -> Any:
        if self.kind is int:
            try:
                value = int(raw)
            except (TypeError, ValueError):
                raise SuccinctError(f"parameter {self.name} must be an integer, got {raw!r}") \
                    from None
            if (self.low is not None and value < self.low) or \
                    (self.high is not None and value > self.high):
                raise SuccinctError(
                    f"parameter {self.name}={value} is out of range "
                    f"[{self.low if self.low is not None else '-∞'}, "
                    f"{self.high if self.high is not None else '∞'}]"
                    + (f": {self.help}" if self.help else "")
                )
            return value
        value = str(raw)
        if self.choices is not None and value not in self.choices:
            raise SuccinctError(
                f"parameter {self.name}={value!r} is not one of {', '.join(self.choices)}"
            )
        return value


@dataclass
class Family:
    """A language family and everything the toolkit can build for it."""

    name: str
    description: str
    params: tuple[Param, ...]
    alphabet: Callable[[Mapping[str, Any]], Alphabet]
    models: dict[str, Callable[[Mapping[str, Any]], Any]]
    members: Callable[[Mapping[str, Any]], Iterable[str]] | None = None
    # Typed size reports, one per model name (``succinct sizes``, the atlas).
    sizes: Callable[[Mapping[str, Any]], Mapping[str, SizeReport]] | None = None
    model_help: dict[str, str] = field(default_factory=dict)
    reference: str = "reference"
    # Optional size comparison (``succinct verdict``): returns a
    # :class:`succinct.verdicts.Verdict` built from the family's size formulas.
    verdict: Callable[[], Any] | None = None
    # Optional parameter sets for ``succinct atlas``: ``atlas(full)`` returns raw
    # parameter dicts, a short range of the size parameter by default and a longer one
    # for ``--full``. Without it the atlas shows the family at its default parameters.
    atlas: Callable[[bool], list[dict[str, Any]]] | None = None

    def resolve(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Typed parameters with defaults; unknown or missing ones are errors."""
        known = {p.name: p for p in self.params}
        for key in raw:
            if key not in known:
                raise SuccinctError(
                    f"family {self.name} has no parameter {key!r} (parameters: "
                    f"{', '.join(known) or 'none'})"
                )
        out = {}
        for p in self.params:
            if p.name in raw:
                out[p.name] = p.parse(raw[p.name])
            elif p.default is not None:
                out[p.name] = p.parse(p.default)
            else:
                raise SuccinctError(f"family {self.name} needs -p {p.name}=... ({p.help})")
        return out

    def build(self, model: str, raw: Mapping[str, Any]) -> Any:
        """Builds one model (cached per parameter set)."""
        if model not in self.models:
            raise SuccinctError(
                f"family {self.name} has no model {model!r} (models: {', '.join(self.models)})"
            )
        params = self.resolve(raw)
        return _build_cached(self.name, model, tuple(sorted(params.items())))


_REGISTRY: dict[str, Family] = {}


def register(family: Family) -> Family:
    """Adds a family (called by each module of ``constructions`` at import)."""
    _REGISTRY[family.name] = family
    return family


@functools.cache
def _load_plugins() -> None:
    for ep in entry_points(group="succinct.families"):
        importlib.import_module(ep.value)


def families() -> dict[str, Family]:
    """All registered families, loading the entry-point plugins first."""
    _load_plugins()
    return dict(_REGISTRY)


def get_family(name: str) -> Family:
    """The registered family called ``name`` (a SuccinctError lists the names)."""
    if not isinstance(name, str):
        raise TypeError(f"get_family: name must be a str (a family name), got "
                        f"{type(name).__name__}")
    fams = families()
    if name not in fams:
        raise SuccinctError(f"unknown family {name!r} (families: {', '.join(sorted(fams))})")
    return fams[name]


@functools.lru_cache(maxsize=64)
def _build_cached(family: str, model: str, params: tuple[tuple[str, Any], ...]) -> Any:
    return _REGISTRY[family].models[model](dict(params))


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["n=3", "alphabet=ab"]`` → ``{"n": "3", "alphabet": "ab"}``."""
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise SuccinctError(f"parameters are given as KEY=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out
