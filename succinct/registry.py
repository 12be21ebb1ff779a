"""The family registry: language families indexed by size parameters.

Each module of the ``constructions`` package registers one :class:`Family` with
:func:`register`: its name, typed parameters (with ranges), alphabet, model builders
(``reference``, ``brasp``, ``uhat``, ``rnn``, ``dfa``, …), an optional member generator
and optional size reports (a :class:`succinct.sizes.SizeReport` per model). The CLI, the
atlas and the tests read the registry; adding a family touches one file.

**Where families come from.** ``succinct`` never imports ``constructions`` statically:
families are discovered through the ``succinct.families`` entry-point group
(:data:`ENTRY_POINT_GROUP`; the ``constructions`` package declares itself there in
``pyproject.toml``), so third-party packages add families the same way. A plugin that
fails to import is skipped with one ``warning:`` line on standard error
(:func:`plugin_errors` keeps the reasons); the other families still load. A module that
is not installed is loaded by :func:`load_family_module` (a file path or a dotted name;
the CLI's ``--family-module`` and :data:`ENV_VAR`). ``docs/families.md`` shows how to
write one.

**Rules.** :func:`register` checks the family (:func:`check_family`) and refuses a name
that another source (module or file) already registered, naming both; the same source
registering a name again replaces its family (a module imported twice). Every error is
a :class:`RegistryError`, one line naming the family and its source.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import itertools
import numbers
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from succinct.recognizer import Recognizer
from succinct.sizes import SizeReport
from succinct.words import Alphabet, SuccinctError

__all__ = ["Param", "Family", "register", "unregister", "check_family", "get_family",
           "families", "family_source", "parse_params", "load_family_module",
           "env_family_modules", "plugin_errors", "isolated", "RegistryError",
           "ENTRY_POINT_GROUP", "ENV_VAR", "MEMBERS_USED"]

# Members of a family an agreement check uses (checked, and mutated when sampling).
MEMBERS_USED = 256

ENTRY_POINT_GROUP = "succinct.families"
ENV_VAR = "SUCCINCT_FAMILY_MODULES"  # family modules for the CLI, os.pathsep-separated
BUILTIN_DISTRIBUTION = "succinct"  # its entry points load first: their names are taken
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")  # family and model names (CLI words)
INTEGER = re.compile(r"-?[0-9]+")  # an integer parameter's value, nothing around it


class RegistryError(SuccinctError):
    """A malformed family, or a family name two sources claim (one line, both named)."""


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

    @property
    def range(self) -> str:
        """The inclusive range as ``succinct list`` prints it and every command enforces
        it (``[2..64]``, ``[1..]``), or ``""`` for a parameter without bounds."""
        if self.low is None and self.high is None:
            return ""
        return f"[{'' if self.low is None else self.low}..{'' if self.high is None else self.high}]"

    def parse(self, raw: Any) -> Any:
        if self.kind is int:
            # decimal digits only, as written: int() would also read '1_0', ' 3 ', '+3',
            # '٣' and True
            if isinstance(raw, numbers.Integral) and not isinstance(raw, bool):
                value = int(raw)
            elif isinstance(raw, str) and INTEGER.fullmatch(raw):
                value = int(raw)
            else:
                raise SuccinctError(f"parameter {self.name} must be an integer written in "
                                    f"decimal digits, got {raw!r}")
            if (self.low is not None and value < self.low) or \
                    (self.high is not None and value > self.high):
                raise SuccinctError(
                    f"parameter {self.name}={value} is out of range {self.range}"
                    + (f": {self.help}" if self.help else ""))
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
    # Optional text ``succinct show`` prints above a model: ``describe(model, params)``
    # (resolved params) says how the model was constructed, or returns None.
    describe: Callable[[str, Mapping[str, Any]], str | None] | None = None

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

    def first_members(self, params: Mapping[str, Any]) -> list[str]:
        """The first :data:`MEMBERS_USED` members at resolved ``params`` (none without a
        member generator): the members every agreement check (``verify``, ``relax``,
        :func:`succinct.testing.assert_family_agrees`) checks and mutates."""
        if self.members is None:
            return []
        return list(itertools.islice(self.members(params), MEMBERS_USED))

    def build(self, model: str, raw: Mapping[str, Any]) -> Any:
        """Builds one model (cached per parameter set)."""
        if model not in self.models:
            raise SuccinctError(
                f"family {self.name} has no model {model!r} (models: {', '.join(self.models)})"
            )
        params = self.resolve(raw)
        return _build_cached(self.name, model, tuple(sorted(params.items())))


_REGISTRY: dict[str, Family] = {}
_SOURCES: dict[str, str] = {}  # family name → the module (or file) that registered it
_FILE_MODULES: dict[str, str] = {}  # module name given to a file → the file's path
_LOADED: dict[str, list[str]] = {}  # a loaded family module → the names it registered
_PLUGIN_ERRORS: dict[str, str] = {}  # entry point name → why it was skipped


def _source(module: str) -> str:
    """A module's name, or the path of a file loaded by :func:`load_family_module`."""
    return _FILE_MODULES.get(module, module)


def family_source(name: str) -> str | None:
    """The module (dotted name) or file (path) that registered the family ``name``."""
    return _SOURCES.get(name)


def check_family(family: Any, source: str = "") -> None:
    """Raises :class:`RegistryError` naming the first malformed field of ``family``.

    A family needs a name that is a CLI word (a letter, then letters, digits, ``_`` or
    ``-``), a string description, a tuple of :class:`Param` with distinct names, kinds
    ``int`` or ``str`` and defaults that parse, a callable ``alphabet``, a non-empty
    mapping of model names (CLI words) to callables that contains ``reference``, and
    ``members``, ``sizes``, ``verdict``, ``atlas`` and ``describe`` that are callables or
    None.
    """
    where = f" from {source}" if source else ""
    if not isinstance(family, Family):
        raise RegistryError(f"register() takes a Family{where}, got a {type(family).__name__}")
    name = family.name
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise RegistryError(f"malformed family{where}: its name {name!r} is not a letter "
                            "followed by letters, digits, '_' or '-'")

    def bad(why: str) -> RegistryError:
        return RegistryError(f"malformed family {name!r}{where}: {why}")

    if not isinstance(family.description, str):
        raise bad("description must be a string")
    if not isinstance(family.params, tuple) or \
            not all(isinstance(p, Param) for p in family.params):
        raise bad("params must be a tuple of Param")
    seen: set[str] = set()
    for p in family.params:
        if not isinstance(p.name, str) or not p.name.isidentifier() or p.name in seen:
            raise bad(f"parameter name {p.name!r} is not an identifier, or repeats")
        seen.add(p.name)
        if p.kind not in (int, str):
            raise bad(f"parameter {p.name}: kind must be int or str, got {p.kind!r}")
        if p.default is not None:
            try:
                p.parse(p.default)
            except SuccinctError as e:
                raise bad(f"the default of parameter {p.name} does not parse: {e}") from None
    if not callable(family.alphabet):
        raise bad("alphabet must be a callable: params → Alphabet")
    if not isinstance(family.models, Mapping) or not family.models:
        raise bad("models must be a non-empty dict of model name → builder")
    for model, builder in family.models.items():
        if not isinstance(model, str) or not NAME.fullmatch(model) or not callable(builder):
            raise bad(f"model {model!r}: needs a name that is a CLI word and a callable "
                      "builder (params → recognizer)")
    if family.reference not in family.models:
        raise bad(f"its reference model {family.reference!r} is not among its models "
                  f"({', '.join(family.models)})")
    for hook in ("members", "sizes", "verdict", "atlas", "describe"):
        if getattr(family, hook) is not None and not callable(getattr(family, hook)):
            raise bad(f"{hook} must be a callable or None")
    if not isinstance(family.model_help, Mapping):
        raise bad("model_help must be a dict of model name → help text")


def register(family: Family) -> Family:
    """Adds a family; call it when your module is imported (``docs/families.md``).

    The family is checked (:func:`check_family`) and its source is the module whose
    code calls ``register`` (the file's path for a module loaded from a file). A name
    registered by another source is refused (:class:`RegistryError` naming both); the
    same source registering it again replaces the family. Cached builds are forgotten.
    """
    # the caller's module: the source a clash names (one frame up, always register's caller)
    source = _source(sys._getframe(1).f_globals.get("__name__", "?"))
    check_family(family, source)
    if family.name in _REGISTRY and _SOURCES.get(family.name) != source:
        raise RegistryError(
            f"family {family.name!r} from {source} clashes with the family "
            f"{family.name!r} registered by {_SOURCES.get(family.name, 'another module')}; "
            "choose another name")
    _REGISTRY[family.name] = family
    _SOURCES[family.name] = source
    _build_cached.cache_clear()
    return family


def unregister(name: str) -> Family:
    """Removes the family ``name`` (and forgets cached builds); returns it."""
    if name not in _REGISTRY:
        raise SuccinctError(f"unknown family {name!r}: nothing to unregister")
    _SOURCES.pop(name, None)
    _build_cached.cache_clear()
    return _REGISTRY.pop(name)


def _restore(registry: Mapping[str, Family], sources: Mapping[str, str]) -> None:
    _REGISTRY.clear()
    _REGISTRY.update(registry)
    _SOURCES.clear()
    _SOURCES.update(sources)
    _build_cached.cache_clear()


@contextlib.contextmanager
def isolated() -> Iterator[None]:
    """Within the block, families may be registered, replaced and removed, and the
    entry-point plugins reloaded (after ``_load_plugins.cache_clear()``: plugins already
    imported register nothing again); when it ends, the registry, the loaded modules
    and the plugin errors are as before, and cached builds are forgotten. For tests::

        with isolated():
            load_family_module(tmp_path / "myfam.py")
            ...
    """
    _load_plugins()
    saved, sources = dict(_REGISTRY), dict(_SOURCES)
    loaded, errors = dict(_LOADED), dict(_PLUGIN_ERRORS)
    try:
        yield
    finally:
        _restore(saved, sources)
        for memo, before in ((_LOADED, loaded), (_PLUGIN_ERRORS, errors)):
            memo.clear()
            memo.update(before)


def _describe(e: BaseException) -> str:
    """``Type: message (at file:line)`` on one line; the place is the last frame outside
    the import machinery (a SyntaxError's message names its own)."""
    text = " ".join(str(e).split())
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if not f.filename.startswith("<frozen")]
    where = "" if isinstance(e, SyntaxError) or not frames else \
        f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})"
    return f"{type(e).__name__}{': ' + text if text else ''}{where}"


def _is_builtin(ep: EntryPoint) -> bool:
    return getattr(getattr(ep, "dist", None), "name", None) == BUILTIN_DISTRIBUTION


@functools.cache
def _load_plugins() -> None:
    """Imports every module of the :data:`ENTRY_POINT_GROUP` entry points, the package's
    own (``constructions``) first. A plugin that fails is skipped: its registrations
    are undone, one ``warning:`` line goes to standard error, and the rest load."""
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP),
                     key=lambda ep: (not _is_builtin(ep), ep.name)):
        saved, sources = dict(_REGISTRY), dict(_SOURCES)
        try:
            ep.load()
        except Exception as e:  # a broken plugin must not take the others down
            _restore(saved, sources)
            why = str(e) if isinstance(e, RegistryError) else _describe(e)
            _PLUGIN_ERRORS[ep.name] = why
            print(f"warning: family plugin {ep.name!r} (entry point {ep.value}) failed to "
                  f"load and is skipped: {why}", file=sys.stderr)


def plugin_errors() -> dict[str, str]:
    """Entry-point plugins that failed to load, by entry-point name, with the reason."""
    _load_plugins()
    return dict(_PLUGIN_ERRORS)


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


def env_family_modules() -> list[str]:
    """The family modules named in :data:`ENV_VAR` (``os.pathsep``-separated)."""
    return [s.strip() for s in os.environ.get(ENV_VAR, "").split(os.pathsep) if s.strip()]


def _is_path(spec: str) -> bool:
    return spec.endswith(".py") or any(sep and sep in spec for sep in (os.sep, os.altsep))


def load_family_module(spec: str | os.PathLike[str]) -> list[str]:
    """Imports a module that registers families and returns their names.

    ``spec`` is a file (``path/to/myfam.py``: anything ending in ``.py`` or holding a
    path separator) or a dotted module name on ``sys.path`` (``mypkg.families``). The
    entry-point plugins load first, so a name they registered is refused. Loading the
    same module again while its families are registered does nothing. Errors are one
    SuccinctError line: no such file, the module failed to import (exception type,
    message and place), it registered no family, or :func:`register` refused one (a
    clash, a malformed family); the families of a failed module are removed again.
    """
    spec = os.fspath(spec) if isinstance(spec, os.PathLike) else spec
    if not isinstance(spec, str) or not spec.strip():
        raise SuccinctError(f"load_family_module(spec): spec is a file path or a dotted "
                            f"module name, got {spec!r}")
    _load_plugins()
    path = None
    if _is_path(spec):
        try:
            path = Path(spec).expanduser()
            found, folder = path.exists(), path.is_dir()
            path = path.resolve()
        except (OSError, ValueError, RuntimeError) as e:  # NUL bytes, too long, a loop
            raise SuccinctError(f"family module {spec!r}: not a usable path ({e})") from None
        if not found:
            raise SuccinctError(f"family module {spec}: no such file")
        if folder:
            raise SuccinctError(f"family module {spec}: is a directory (give its .py file, "
                                "or a package's dotted name)")
        source = str(path)
    elif all(part.isidentifier() for part in spec.split(".")):
        source = spec
    else:
        raise SuccinctError(f"family module {spec!r}: neither a .py file nor a dotted "
                            "module name")
    names = _LOADED.get(source)
    if names and all(_SOURCES.get(n) == source for n in names):
        return list(names)
    if path is None and spec in sys.modules:  # imported already (a plugin, a package)
        owned = [n for n, s in _SOURCES.items() if s == spec or s.startswith(spec + ".")]
        if owned:
            return owned
    saved, sources = dict(_REGISTRY), dict(_SOURCES)
    try:
        if path is not None:
            _exec_file(path)
        elif spec in sys.modules:  # imported before, its families removed since
            importlib.reload(sys.modules[spec])
        else:
            importlib.import_module(spec)
    except RegistryError:
        _restore(saved, sources)
        raise
    except SuccinctError as e:
        _restore(saved, sources)
        raise SuccinctError(f"family module {spec}: {e}") from None
    except Exception as e:  # the user's code: any exception, reported on one line
        _restore(saved, sources)
        raise SuccinctError(f"family module {spec} failed to import: {_describe(e)}") \
            from None
    added = [n for n, fam in _REGISTRY.items() if saved.get(n) is not fam]
    if not added:
        raise SuccinctError(f"family module {spec} registers no family (call "
                            "succinct.registry.register(Family(...)) in it)")
    _LOADED[source] = added
    return added


def _exec_file(path: Path) -> None:
    """Runs the file as a fresh module, under a name of its own in ``sys.modules``."""
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_succinct_family_{stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SuccinctError("not a Python source file")
    module = importlib.util.module_from_spec(spec)
    _FILE_MODULES[name] = str(path)
    sys.modules[name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


@functools.lru_cache(maxsize=64)
def _build_cached(family: str, model: str, params: tuple[tuple[str, Any], ...]) -> Any:
    built = _REGISTRY[family].models[model](dict(params))
    if not isinstance(built, Recognizer):
        raise RegistryError(
            f"family {family}: model {model!r} built an object of type "
            f"{type(built).__name__}, not a recognizer (alphabet, accepts, accepts_batch, "
            "size_report; succinct.recognizer.Recognizer)")
    return built


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["n=3", "alphabet=ab"]`` → ``{"n": "3", "alphabet": "ab"}``.

    Keys and values are taken as written (a key with spaces around it names no
    parameter; an integer's value is checked by :meth:`Param.parse`); a parameter given
    twice is an error naming it, not "the last one wins"."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise SuccinctError(f"parameters are given as KEY=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        if key in out:
            raise SuccinctError(f"parameter {key} is given twice (-p {key}={out[key]}, "
                                f"-p {key}={value}); give it once")
        out[key] = value
    return out
