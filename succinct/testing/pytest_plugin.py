"""pytest plugin: check that a registered family's models agree, from a user's own suite.

Installing succinct registers this module under the ``pytest11`` entry point as
``succinct``, so every pytest run in that environment has it (``-p no:succinct`` turns it
off; do not also name it in ``-p`` or ``pytest_plugins`` then: pytest refuses a module
registered twice). Without installing, ``-p succinct.testing.pytest_plugin`` loads it.
It adds two things, both built on :func:`succinct.testing.assertions.assert_family_agrees`
(one check, one message):

**The marker** ``succinct_family`` checks a family's models before a test's body::

    import pytest

    @pytest.mark.succinct_family("dyck", k=2, D=3, max_len=8,
                                 models=("reference", "uhat", "rnn"))
    def test_dyck_models_agree():
        ...  # runs only after the models agreed on every word up to length 8

The marker takes the arguments of ``assert_family_agrees``: the family's name, then
``models``, ``max_len``, ``samples``, ``unbounded``, ``seed``, ``allow_vacuous``, and the
family's parameters as the other keywords (or ``params={...}``). A disagreement, or a
vacuous check, fails the test (in its call phase) with the assertion's message: the
shortest counterexample, every model's answer on it, the words checked and accepted.
On a class or a module (``pytestmark``) it checks before every test there.

**The option** ``--succinct-verify SPEC`` (repeatable; or the ini option
``succinct_verify``, one SPEC a line) adds generated test items, one per model of the
family compared with the family's reference model, so a failure names the model::

    pytest --succinct-verify "dyck:k=2,D=3,max_len=8"
    pytest --succinct-verify "dyck:k=2,D=3,models=reference+uhat+rnn,unbounded=yes"

``SPEC`` is ``FAMILY[:KEY=VALUE,...]``; the keys are the family's parameters and the check
options ``models`` (``+``-separated; the first is compared with each other one; default:
the reference and every other model), ``max_len``, ``samples``, ``seed`` (integers),
``unbounded``, ``allow_vacuous`` (yes/no). The items are named
``succinct_verify[SPEC-MODEL]`` and select with ``-k`` as usual; they run under
pytest-xdist like any test. They count in pytest's "collected N items", and a line per
SPEC below it says what is checked::

    collected 4 items
    succinct verify dyck:k=2,D=3: 4 checks (brasp, uhat, rnn, dfa vs reference)
 A malformed SPEC stops the run with a usage error.

Loading the plugin imports no model code of its own (only :mod:`succinct.words`; the
package :mod:`succinct.testing` loads its assertions on first use): the registry, the
families and :mod:`succinct.verify` are imported when a check runs. The facade
``succinct/__init__.py`` loads its names on first use, so loading the plugin imports no
JAX (``tests/test_layering.py`` checks that).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from succinct.words import SuccinctError

MARKER = "succinct_family"
OPTION = "--succinct-verify"
INI = "succinct_verify"
# The keys of a SPEC that are options of the check, not family parameters.
_INT_KEYS = ("max_len", "samples", "seed")
_BOOL_KEYS = ("unbounded", "allow_vacuous")
_YES, _NO = ("1", "yes", "true", "on"), ("0", "no", "false", "off")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("succinct", "succinct: check a family's models agree")
    group.addoption(OPTION, action="append", default=[], metavar="FAMILY[:KEY=VALUE,...]",
                    help="add one test per model of FAMILY, checking it against the "
                         "family's reference (keys: family parameters, models=a+b, "
                         "max_len, samples, seed, unbounded, allow_vacuous)")
    parser.addini(INI, type="linelist", default=[],
                  help="FAMILY[:KEY=VALUE,...] specs checked as by --succinct-verify")


_SPECS = pytest.StashKey[list["Spec"]]()


def pytest_configure(config: pytest.Config) -> None:
    """Declares the marker and parses the specs (a malformed one is a usage error)."""
    texts = list(config.getini(INI)) + list(config.getoption(OPTION) or [])
    specs = {spec.text: spec for spec in map(Spec.parse, texts)}  # a repeated one runs once
    config.stash[_SPECS] = list(specs.values())
    config.addinivalue_line(
        "markers",
        f"{MARKER}(family, *, models=None, max_len=None, samples=0, unbounded=False, "
        "seed=0, allow_vacuous=False, params=None, **family_params): check before the "
        "test that the family's models accept the same words "
        "(succinct.testing.assert_family_agrees)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Runs the check of the closest ``succinct_family`` marker before the test's body."""
    __tracebackhide__ = True
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return
    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        raise TypeError(f"@pytest.mark.{MARKER} takes the family's name as its one "
                        f"positional argument, got {marker.args!r}")
    _check(marker.args[0], dict(marker.kwargs))


def _check(family: str, kwargs: dict[str, Any]) -> None:
    # lazy: the registry, the models and verify (JAX) load only when a check runs
    from succinct.testing.assertions import assert_family_agrees
    __tracebackhide__ = True
    assert_family_agrees(family, **kwargs)


# ====================================================================== --succinct-verify
@dataclass(frozen=True)
class Spec:
    """One parsed ``FAMILY[:KEY=VALUE,...]``: the family's raw parameters and the check."""

    text: str  # the spec without blanks around its parts: names the items
    family: str
    params: Mapping[str, str]
    models: tuple[str, ...] | None
    options: Mapping[str, Any]

    @classmethod
    def parse(cls, text: str) -> Spec:
        family, _, rest = text.strip().partition(":")
        if not family.strip():
            raise pytest.UsageError(f"{OPTION} {text!r}: give FAMILY[:KEY=VALUE,...]")
        params: dict[str, str] = {}
        options: dict[str, Any] = {}
        models = None
        pairs = [p.strip() for p in rest.split(",") if p.strip()]
        for pair in pairs:
            key, eq, value = (s.strip() for s in pair.partition("="))
            if not eq or not key:
                raise pytest.UsageError(f"{OPTION} {text!r}: {pair!r} is not KEY=VALUE")
            if key == "models":
                models = tuple(m.strip() for m in value.split("+") if m.strip())
                if len(models) < 2:
                    raise pytest.UsageError(f"{OPTION} {text!r}: models needs two or more "
                                            f"names joined by '+', got {value!r}")
            elif key in _INT_KEYS:
                try:
                    options[key] = int(value)
                except ValueError:
                    raise pytest.UsageError(f"{OPTION} {text!r}: {key} must be an integer, "
                                            f"got {value!r}") from None
            elif key in _BOOL_KEYS:
                if value.lower() not in _YES + _NO:
                    raise pytest.UsageError(f"{OPTION} {text!r}: {key} must be yes or no, "
                                            f"got {value!r}")
                options[key] = value.lower() in _YES
            else:
                params[key] = value
        normal = ":".join([family.strip(), ",".join(pairs)]) if pairs else family.strip()
        return cls(normal, family.strip(), params, models, options)


class FamilyCheck(pytest.Item):
    """A generated test: one model of a family against its reference (module docstring)."""

    def __init__(self, *, spec: Spec, models: tuple[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.models = models

    def runtest(self) -> None:
        _check(self.spec.family, {"models": self.models, "params": dict(self.spec.params),
                                  **self.spec.options})

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        """The assertion's (or the refusal's) message, without the plugin's traceback."""
        if isinstance(excinfo.value, AssertionError | SuccinctError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"succinct verify {self.spec.text}: {' vs '.join(self.models)}"


def _pairs(spec: Spec) -> Iterator[tuple[str, str]]:
    if spec.models is not None:
        first, *others = spec.models
    else:
        # lazy: reading the registry loads the families (and their model code)
        from succinct.registry import get_family
        try:
            fam = get_family(spec.family)
        except SuccinctError as e:  # an unknown family
            raise pytest.UsageError(f"{OPTION} {spec.text!r}: {e}") from None
        first = fam.reference
        others = [m for m in fam.models if m != first]
    for other in others:
        yield first, other


_ADDED = pytest.StashKey[list[FamilyCheck]]()


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so those select these items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Appends the items of every spec, and reports them as collected (one collect report
    per spec, through ``pytest_collectreport``), so pytest's "collected N items" counts
    them: items only appended here are run but not counted."""
    added: list[FamilyCheck] = []
    for spec in config.stash[_SPECS]:
        checks = []
        for pair in _pairs(spec):
            name = f"succinct_verify[{spec.text}-{pair[1]}]"
            checks.append(FamilyCheck.from_parent(session, name=name, nodeid=name, spec=spec,
                                                  models=pair))
        report = pytest.CollectReport(f"succinct_verify[{spec.text}]", "passed", None, checks)
        config.hook.pytest_collectreport(report=report)
        added += checks
    items += added
    config.stash[_ADDED] = added


def pytest_report_collectionfinish(config: pytest.Config, start_path: Any,
                                   items: Sequence[pytest.Item]) -> list[str]:
    """One line per spec under "collected N items": what ``--succinct-verify`` checks
    (the family, its parameters, and which models against which), and how many of its
    checks were selected."""
    added = config.stash.get(_ADDED, [])
    selected = {id(item) for item in items}
    lines = []
    for spec in config.stash[_SPECS]:
        checks = [c for c in added if c.spec is spec]
        if not checks:
            continue
        chosen = sum(id(c) in selected for c in checks)
        reference = checks[0].models[0]
        others = ", ".join(c.models[1] for c in checks)
        lines.append(f"succinct verify {spec.text}: {len(checks)} "
                     f"{'check' if len(checks) == 1 else 'checks'} ({others} vs {reference})"
                     + ("" if chosen == len(checks) else f", {chosen} selected"))
    return lines
