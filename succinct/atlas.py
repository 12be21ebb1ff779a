"""The atlas: how big each model of each family is as its size parameter grows, checked.

For every registered family (:func:`succinct.registry.families`) and every parameter set
of ``family.atlas(full)`` (the family's default parameters when it declares no range),
the atlas builds the family's models and records one :class:`Row`:

* **UHAT** — parameters, layers, width and bits counted on the built weights (the
  family's :class:`succinct.sizes.SizeReport` for the model, else the model's
  ``size_report()``);
* **RNN** — units ``D``, precision ``k`` (k-bit models only), ``k·D``, parameters, bits;
* **DFA** — states of the minimal complete DFA (and its transition table's entries and
  bits, :func:`succinct.sizes.dfa_report`): *computed* (the family's ``dfa`` model
  minimized, or else the exact automaton of another model — a k-bit RNN by Prop 1, a
  strict-future program or UHAT, a past-time formula — which describes the language's
  non-empty words) while the family's formula promises at most :data:`MAX_DFA_STATES`,
  the *formula* value beyond; ``dfa_source`` says which;
* **Prop 1 bound** — a k-bit RNN with D units is a DFA with at most ``2^{kD}`` states, so
  every k-bit RNN for a language whose minimal DFA has ``s`` states has
  ``k·D ≥ ⌈log₂ s⌉`` (computed with integers, :func:`succinct.sizes.state_bits_of`);
* **LTL** — ``|φ|`` when a model of the family is a formula (a size-report entry of kind
  ``ltl``), or a lower bound the report states as ``ltl_lower_bound``;
* **formulas = counted** — every closed form the family's report gives for a model
  (``formula_totals`` and ``formula_values``) compared with the count, and the computed
  DFA with the formula's: ``✓`` naming what was compared, ``✗`` naming what differs,
  ``—`` when the family states no formula;
* **agreement** — :func:`succinct.verify.verify` of all the row's models on a sample of
  words (uniform words and mutations of the family's members): ``K words checked, A
  accepted``, ``A`` counting the checked words that every model accepts
  (:attr:`succinct.verify.Report.accepted`), so a check that saw no member shows
  ``A = 0``. A row whose members are all longer than ``max_member_len`` symbols (``dc``
  beyond n = 2) is *not checked*: uniform words of that length would all be rejected,
  which tests nothing;
* **status** — ``✗`` when a formula differs from a count, the models disagree or the
  check fails; ``not checked`` when no check ran or it was vacuous (``A = 0`` or
  ``A = K``); ``✓`` otherwise. The ``atlas`` command exits non-zero on any ``✗``.

**Formula curves** (:func:`formula_panels`). A family's verdict
(:mod:`succinct.verdicts`) states comparisons: two sizes as sympy closed forms in one
parameter, under one measure, the right side either the ``built`` construction or a
lower bound for ``every`` model of its kind. Comparisons sharing (parameter, note,
measure) make one panel: every side evaluated exactly (integers, ``Comparison.values``)
at every parameter value from the comparisons' start to past their last crossover
(``Comparison.crossover``: from there on the asymptotically smaller side stays
smaller), on a log₂ axis of that one measure — log₂ log₂ when a size passes
2^:data:`LOGLOG_ABOVE` (doubly exponential sizes such as the DFA of ``dc``), with a
log₂ panel of the other curves beside it. Logarithms of the integers are taken exactly
from their binary length (:func:`log2`), never by converting 2^(2^n) to a float. The
counted sizes of the models built for the atlas's rows are drawn over the curves, and
every crossover is marked with its parameter value.

**The headline** (:func:`headline_panels`): ``dc``'s UHAT (built) against the bounds for
every RNN (Prop 1) and every DFA (the minimal DFA), all in bits.

:func:`write` stores the rows as Markdown, CSV and JSON, and the curves as PNGs: one per
family (``atlas_FAMILY.png``), and ``headline.png`` when ``dc`` is in the atlas.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import numbers
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy as sp

from succinct.automata.dfa import DFA
from succinct.exact.dispatch import exact_dfa, exact_support
from succinct.models.rnn import RNN
from succinct.registry import Family, RegistryError, families, get_family
from succinct.sizes import POSITIONAL_UHAT, UHAT, SizeReport, dfa_report, state_bits_of
from succinct.verdicts import EXACT_BITS, Comparison, TooLarge, Verdict
from succinct.verify import verify
from succinct.words import SuccinctError

if TYPE_CHECKING:  # the figures' types; succinct.viz loads matplotlib
    from succinct.viz import Panel

__all__ = ["Row", "Atlas", "plan", "compute_row", "build_atlas", "write", "COLUMNS",
           "MAX_DFA_STATES", "MAX_MEMBER_LEN", "SECONDS_PER_ROW", "predicted_seconds", "log2",
           "log2log2", "FormulaCurve",
           "Crossover", "FormulaPanel", "formula_panels", "headline_panels",
           "write_headline", "HEADLINE_FAMILY", "crossover_lines", "figure_panels",
           "markdown", "to_csv", "to_json", "rows_from_json"]

MAX_DFA_STATES = 200_000  # beyond this the DFA column is the family's formula
# A rough time per row, for the prediction `succinct atlas` prints up front: the default
# ranges (23 rows) take about two minutes on two idle cores. Rows differ a lot (a DC or
# counter row takes several times an LTL row), so this predicts the order of magnitude.
SECONDS_PER_ROW = 6.0


def predicted_seconds(n_rows: int) -> float:
    """``n_rows · SECONDS_PER_ROW``: the rough time of an atlas of ``n_rows`` rows."""
    return n_rows * SECONDS_PER_ROW
MEMBERS_CHECKED = 32  # members of the family mutated by the sampled check
DEFAULT_SAMPLES = 256
# Longest member mutated by the check: the verifier's dense attention fallback costs
# memory quadratic in the word length (about 4·N² bytes per word).
MAX_MEMBER_LEN = 1_024
# Formula curves: at least SPAN parameter values, and MARGIN values past the last
# crossover (within the comparisons' horizon); log₂ log₂ axes once a size passes
# 2^LOGLOG_ABOVE. A curve stops where Comparison.values refuses a size as too large.
SPAN = 12
MARGIN = 4
LOGLOG_ABOVE = 1_024
HEADLINE_FAMILY = "dc"

# Flat columns of the CSV (and of every row in the JSON), in order.
COLUMNS = (
    "family", "params", "x", "uhat_params", "uhat_layers", "uhat_width", "uhat_bits",
    "rnn_units", "rnn_k", "rnn_kD", "rnn_params", "rnn_bits", "kD_lower_bound",
    "dfa_states", "dfa_bits", "dfa_source", "ltl", "ltl_source", "formulas", "agreement",
    "checked_words", "accepted_words", "agree", "status", "seconds", "notes",
)

Step = Callable[[str], None]


# ====================================================================== exact logarithms
def log2(m: int) -> float:
    """``log₂ m`` of a positive integer, from its binary length: ``m = c·2^s`` with ``c``
    the top 53 bits of ``m`` (a float without rounding), so ``log₂ m = s + log₂ c``.

    ``m`` itself is never converted to a float (2^(2^20) would overflow): the result is
    exact for ``m = c·2^s`` with ``log₂ c`` exact (powers of two), and otherwise within
    double rounding of the true value.
    """
    if m < 1:
        raise SuccinctError(f"log₂ of {m}: sizes are positive integers")
    shift = max(0, int(m).bit_length() - 53)
    return shift + math.log2(int(m) >> shift)


def log2log2(m: int) -> float:
    """``log₂ log₂ m`` for ``m ≥ 2`` (:func:`log2` twice; ``log₂ m`` is a small float)."""
    if m < 2:
        raise SuccinctError(f"log₂ log₂ of {m}: needs a size of at least 2")
    return math.log2(log2(m))


# ====================================================================== rows
@dataclass
class Row:
    """One family at one parameter set."""

    family: str
    raw: dict[str, Any]  # the parameters as the atlas asked for them
    params: dict[str, Any]  # resolved (defaults filled in)
    uhat: dict[str, Any] | None = None
    rnn: dict[str, int | None] | None = None
    dfa: dict[str, int] | None = None  # states, params (transitions), bits (table bits)
    dfa_source: str = ""
    kd_lower_bound: int | None = None
    ltl: int | None = None
    ltl_source: str = ""
    formulas_checked: dict[str, list[str]] = field(default_factory=dict)  # model → sizes
    formula_errors: list[str] = field(default_factory=list)
    agreement: str = ""
    checked_words: int = 0
    accepted_words: int | None = None
    agree: bool | None = None
    check_error: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    x: Any = None  # the size parameter's value (set once the family's rows are known)

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.raw.items()) or "defaults"

    @property
    def dfa_states(self) -> int | None:
        return self.dfa["states"] if self.dfa else None

    @property
    def failed(self) -> bool:
        """A formula that differs from a count, a disagreement, or a failed check."""
        return bool(self.formula_errors) or self.agree is False or bool(self.check_error)

    @property
    def status(self) -> str:
        """``✗`` (failed), ``not checked`` (no check, or a vacuous one), or ``✓``."""
        if self.failed:
            return "✗"
        if self.agree is None or self.accepted_words in (None, 0, self.checked_words):
            return "not checked"
        return "✓"

    @property
    def formulas(self) -> str:
        """The "formulas = counted" cell."""
        if self.formula_errors:
            return "✗ " + "; ".join(self.formula_errors)
        if not self.formulas_checked:
            return "—"
        return "✓ " + "; ".join(f"{model}: {', '.join(sizes)}"
                                for model, sizes in self.formulas_checked.items())

    @property
    def failure(self) -> str:
        """Why the row failed, in one line ("" when it did not)."""
        return "; ".join(filter(None, [self.formulas if self.formula_errors else "",
                                       self.agreement if self.agree is False else "",
                                       self.check_error]))

    def flat(self) -> dict[str, Any]:
        """The row under :data:`COLUMNS`."""
        u, r, d = self.uhat or {}, self.rnn or {}, self.dfa or {}
        return {
            "family": self.family, "params": self.label, "x": self.x,
            "uhat_params": u.get("params"), "uhat_layers": u.get("layers"),
            "uhat_width": u.get("width"), "uhat_bits": u.get("bits"),
            "rnn_units": r.get("units"), "rnn_k": r.get("k"), "rnn_kD": r.get("kD"),
            "rnn_params": r.get("params"), "rnn_bits": r.get("bits"),
            "kD_lower_bound": self.kd_lower_bound, "dfa_states": d.get("states"),
            "dfa_bits": d.get("bits"), "dfa_source": self.dfa_source,
            "ltl": self.ltl, "ltl_source": self.ltl_source, "formulas": self.formulas,
            "agreement": self.agreement, "checked_words": self.checked_words,
            "accepted_words": self.accepted_words, "agree": self.agree,
            "status": self.status, "seconds": round(self.seconds, 2),
            "notes": "; ".join(self.notes),
        }


# ====================================================================== formula curves
@dataclass
class FormulaCurve:
    """One side of a family's comparisons: exact sizes ``values[i]`` at ``xs[i]``.

    ``opponent`` is ``"built"`` for a construction (the left side of every comparison)
    and ``"every"`` for a lower bound valid for every model of the kind; ``measured``
    holds ``(x, counted size)`` of the models of that kind built for the atlas's rows.
    """

    side: str
    opponent: str
    xs: list[int]
    values: list[int]
    measured: list[tuple[int, int]] = field(default_factory=list)
    detail: str = ""  # what the lower bound is (the comparison's note)

    @property
    def name(self) -> str:
        """``UHAT`` for a construction, ``every RNN`` for a lower bound."""
        return self.side if self.opponent == "built" else f"every {self.side}"

    @property
    def label(self) -> str:
        if self.opponent == "built":
            return f"{self.side} (built)"
        return f"every {self.side}: lower bound" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class Crossover:
    """From ``x`` on (up to the comparison's horizon) ``smaller`` stays below ``larger``."""

    x: int
    smaller: str  # curve labels
    larger: str


@dataclass
class FormulaPanel:
    """Curves of one family under one measure against one parameter."""

    family: str
    variable: str
    measure: str
    note: str
    curves: list[FormulaCurve]
    crossovers: list[Crossover]
    scale: str  # "log2" or "log2 log2"
    limits: list[str] = field(default_factory=list)  # where curves stop early, and why
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (left, right) compared

    @property
    def title(self) -> str:
        return f"{self.family}: {self.measure} against {self.variable}" + \
            (f" ({self.note})" if self.note else "")

    @property
    def ylabel(self) -> str:
        return f"{'log₂ log₂' if self.scale == 'log2 log2' else 'log₂'} {self.measure}"

    def name(self, label: str) -> str:
        """The short name of the curve labelled ``label``."""
        return next(c.name for c in self.curves if c.label == label)

    def y(self, value: int) -> float | None:
        """A size on this panel's axis (None where the axis has no point for it)."""
        if self.scale == "log2 log2":
            return log2log2(value) if value >= 2 else None
        return log2(value) if value >= 1 else None


def _finite(c: Comparison) -> bool:
    return sp.oo not in (sp.sympify(c.left_size), sp.sympify(c.right_size))


# Counted sizes of a row by side and measure: the side names of the comparisons.
_MEASURE_KEYS = {"transitions": "params", "table_bits": "bits", "dfa_states": "states",
                 "states": "states"}


def _counted(row: Row, side: str, measure: str) -> int | None:
    """The size of ``side`` under ``measure`` counted for ``row``, or None: a DFA size
    the row took from the family's formula (``dfa_source == "formula"``) is not a count."""
    if side == "DFA" and row.dfa_source != "computed":
        return None
    model = {"UHAT": row.uhat if row.uhat and row.uhat.get("kind") == UHAT else None,
             "UHAT+PE": row.uhat if row.uhat and row.uhat.get("kind") == POSITIONAL_UHAT
             else None, "RNN": row.rnn, "DFA": row.dfa}.get(side)
    if not model:
        return None
    value = model.get(_MEASURE_KEYS.get(measure, measure))
    return int(value) if isinstance(value, int) and value > 0 else None


def _known_values(fam: Family) -> dict[str, set[str]]:
    """Values of the family's string parameters: choices, default, and the atlas's."""
    out: dict[str, set[str]] = {}
    sets = fam.atlas(True) if fam.atlas is not None else []
    for p in fam.params:
        if p.kind is str:
            out[p.name] = {*(p.choices or ()), *([str(p.default)] if p.default else []),
                           *(str(raw[p.name]) for raw in sets if p.name in raw)}
    return out


def _split_note(note: str, fam: Family) -> tuple[dict[str, str], list[str]]:
    """A comparison's note as the parameters it fixes (``k = 2``, or a part equal to a
    known value of a string parameter, e.g. a monoid's name) and the other parts."""
    names = {p.name for p in fam.params}
    known = _known_values(fam)
    pinned: dict[str, str] = {}
    rest = []
    for part in filter(None, (p.strip() for p in note.split(";"))):
        pairs = re.fullmatch(r"(\w+)\s*=\s*([\w.+-]+)", part)
        if pairs and pairs[1] in names:
            pinned[pairs[1]] = pairs[2]
            continue
        owner = next((name for name, values in known.items() if part in values), None)
        if owner is not None:
            pinned[owner] = part
        else:
            rest.append(part)
    return pinned, rest


def _on_curve(row: Row, fam: Family, variable: str, pinned: Mapping[str, str]) -> bool:
    """Whether ``row`` is a point of comparisons in ``variable`` with ``pinned``
    parameters: its other parameters are the pinned ones, or else the family's
    defaults."""
    if not isinstance(row.params.get(variable), int):
        return False
    defaults = {p.name: p.default for p in fam.params}
    for name, value in row.params.items():
        if name == variable:
            continue
        want = pinned.get(name, defaults.get(name))
        if want is None or str(value) != str(want):
            return False
    return True


def formula_panels(fam: Family, verdict: Verdict, rows: Sequence[Row] = ()
                   ) -> list[FormulaPanel]:
    """The family's comparisons as panels (module docstring), with ``rows``' counted
    sizes overlaid where they lie on a curve. Comparisons share a panel when they have
    the same parameter, measure and fixed parameters (``k = 2`` in their notes)."""
    groups: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[Comparison]] = {}
    for c in verdict.comparisons:
        if _finite(c):
            pinned, _ = _split_note(c.note, fam)
            groups.setdefault((str(c.variable), c.measure, tuple(sorted(pinned.items()))),
                              []).append(c)
    out = []
    for (variable, measure, pinned), comps in groups.items():
        out += _panels(fam, variable, measure, dict(pinned), comps, rows)
    return out


def _panels(fam: Family, variable: str, measure: str, pinned: Mapping[str, str],
            comps: Sequence[Comparison], rows: Sequence[Row]) -> list[FormulaPanel]:
    points = [r for r in rows if _on_curve(r, fam, variable, pinned)]
    start = min(c.start for c in comps)
    last = max([c.crossover for c in comps if c.crossover is not None] +
               [r.params[variable] for r in points], default=start)
    end = min(max(start + SPAN - 1, last + MARGIN), max(c.horizon for c in comps))
    curves: dict[tuple[str, str, str], FormulaCurve] = {}
    sides: list[tuple[Comparison, FormulaCurve, FormulaCurve]] = []
    titles = [f"{k} = {v}" for k, v in pinned.items()]
    for c in comps:
        rest = "; ".join(_split_note(c.note, fam)[1])
        if rest and c.opponent == "built" and rest not in titles:
            titles.append(rest)
        pair = []
        for side, opponent, expr in ((c.left, "built", c.left_size),
                                     (c.right, c.opponent, c.right_size)):
            key = (side, opponent, sp.srepr(sp.sympify(expr)))
            if key not in curves:
                curves[key] = FormulaCurve(side, opponent, [], [],
                                           detail=rest if opponent == "every" else "")
            pair.append(curves[key])
        sides.append((c, pair[0], pair[1]))
    note = "; ".join(titles)
    # (left, right, why the pair's curves stop); ("", "", why) for all curves
    stops: list[tuple[str, str, str]] = []
    for c, left, right in sides:
        for x in range(max(start, c.start), min(end, c.horizon) + 1):
            try:
                a, b = c.values(x)
            except TooLarge:
                stops.append((left.label, right.label, f"{left.name} vs {right.name}: "
                              f"not evaluated beyond {variable} = {x - 1} (a size of more "
                              f"than 2^{EXACT_BITS.bit_length() - 1} bits)"))
                break
            for curve, v in ((left, a), (right, b)):
                if x not in curve.xs:
                    curve.xs.append(x)
                    curve.values.append(v)
    for curve in curves.values():
        order = sorted(range(len(curve.xs)), key=curve.xs.__getitem__)
        curve.xs = [curve.xs[i] for i in order]
        curve.values = [curve.values[i] for i in order]
        curve.measured = [(r.params[variable], v) for r in points
                          if (v := _counted(r, curve.side, measure)) is not None]
    shown = [x for curve in curves.values() for x in curve.xs]
    beyond = sorted({r.params[variable] for r in points} - set(range(
        min(shown, default=0), max(shown, default=-1) + 1)))
    if beyond:
        stops.append(("", "", f"counted sizes at {variable} = "
                      f"{', '.join(map(str, beyond))} lie beyond the formulas' horizon and "
                      "are not drawn"))
        for curve in curves.values():
            curve.measured = [(x, v) for x, v in curve.measured if x not in beyond]
    marks = []
    for c, left, right in sides:
        x0 = c.crossover
        if x0 is None or x0 <= c.start:
            continue
        small, large = (left, right) if c.analysis.side == "left" else (right, left)
        marks.append(Crossover(x0, small.label, large.label))
    pairs = [(left.label, right.label) for _, left, right in sides]
    panel = FormulaPanel(fam.name, variable, measure, note, list(curves.values()),
                         marks, "log2", [why for _, _, why in stops], pairs)
    top = max((log2(v) for cv in panel.curves for v in cv.values if v >= 1), default=0.0)
    if top <= LOGLOG_ABOVE:
        return [panel]
    panel.scale = "log2 log2"
    modest = [cv for cv in panel.curves if all(log2(v) <= LOGLOG_ABOVE for v in cv.values
                                                  if v >= 1)]
    if len(modest) < 2:
        return [panel]
    labels = {cv.label for cv in modest}
    near = FormulaPanel(fam.name, variable, measure, note, modest,
                        [m for m in marks if {m.smaller, m.larger} <= labels], "log2",
                        [why for left, right, why in stops if {left, right} <= labels | {""}],
                        [pair for pair in pairs if set(pair) <= labels])
    return [panel, near]


def headline_panels(rows: Sequence[Row] = ()) -> list[FormulaPanel]:
    """DC_n's UHAT (built) against the bounds for every RNN and every DFA, in bits: the
    ``bits`` comparisons of the family's verdict whose opponent is ``every``."""
    fam = get_family(HEADLINE_FAMILY)
    if fam.verdict is None:
        raise SuccinctError(f"family {HEADLINE_FAMILY} states no verdict")
    verdict = fam.verdict()
    chosen = [c for c in verdict.comparisons if c.measure == "bits" and
              c.opponent == "every" and _finite(c)]
    if not chosen:
        raise SuccinctError(f"the verdict of {HEADLINE_FAMILY} has no comparison in bits "
                            "against every model of a kind")
    headline = Verdict(verdict.family, verdict.subject, tuple(chosen))
    return formula_panels(fam, headline, [r for r in rows if r.family == fam.name])


@dataclass
class Atlas:
    """All rows, the families' verdicts and formula panels, and the families left out."""

    rows: list[Row]
    descriptions: dict[str, str]
    verdicts: dict[str, dict[str, Any]]
    skipped: dict[str, str]
    full: bool
    seconds: float = 0.0
    panels: dict[str, list[FormulaPanel]] = field(default_factory=dict)

    def by_family(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for row in self.rows:
            out.setdefault(row.family, []).append(row)
        return out

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.failed]


# ====================================================================== planning
def plan(names: Sequence[str] | None = None, *, full: bool = False
         ) -> tuple[list[tuple[Family, dict[str, Any]]], dict[str, str]]:
    """The ``(family, raw parameters)`` of every row, and the families skipped (why)."""
    fams = families()
    if names:
        unknown = [n for n in names if n not in fams]
        if unknown:
            raise SuccinctError(f"unknown family {', '.join(unknown)} (families: "
                                f"{', '.join(sorted(fams))})")
        fams = {n: fams[n] for n in names}
    work: list[tuple[Family, dict[str, Any]]] = []
    skipped: dict[str, str] = {}
    for name, fam in sorted(fams.items()):
        sets = fam.atlas(full) if fam.atlas is not None else [{}]
        try:
            for raw in sets:
                fam.resolve(raw)  # validates before any work starts
        except SuccinctError as e:
            skipped[name] = str(e)
            continue
        work.extend((fam, dict(raw)) for raw in sets)
    return work, skipped


# ====================================================================== one row
def compute_row(fam: Family, raw: Mapping[str, Any], *, check: bool = True,
                samples: int = DEFAULT_SAMPLES, seed: int = 0,
                max_member_len: int = MAX_MEMBER_LEN,
                step: Step | None = None) -> Row:
    """Builds the models of ``fam`` at ``raw`` and fills one :class:`Row` (module doc).

    Each model is built once (:meth:`Family.build` caches); its sizes are the family's
    report for it when the family has one, else the model's own ``size_report()``.
    """
    step = step or (lambda _: None)
    t0 = time.perf_counter()
    row = Row(fam.name, dict(raw), fam.resolve(raw))
    report: dict[str, SizeReport] = {}
    if fam.sizes is not None:
        step("size report")
        try:
            report = dict(fam.sizes(row.params))
        except SuccinctError as e:
            row.notes.append(f"size report: {e}")
    built: dict[str, Any] = {}
    for name in fam.models:
        step(f"building {name}")
        try:
            built[name] = fam.build(name, raw)
        except RegistryError as e:  # a broken family (a builder that returns no model)
            row.check_error = f"{name} not built: {e}"
        except SuccinctError as e:  # a model refused at this size (its size guard)
            row.notes.append(f"{name} not built: {e}")
    _uhat_columns(row, built, report)
    _rnn_columns(row, built, report)
    step("minimal DFA")
    _dfa_columns(row, fam, built, report)
    _ltl_columns(row, report)
    if check:
        step("checking the models agree")
        _check(row, fam, built, samples=samples, seed=seed, max_member_len=max_member_len)
    else:
        row.agreement = "not checked (--no-check or --samples 0)"
    row.seconds = time.perf_counter() - t0
    return row


def _compare(row: Row, model: str, counted: Mapping[str, Any], entry: SizeReport | None
             ) -> None:
    """Records which of the report's formula values equal the counted sizes of ``model``
    (and which do not) in ``row``."""
    if entry is None:
        return
    claims: dict[str, Any] = dict(entry.formula_totals)
    for key, value in entry.formula_values.items():
        metric = key[len(model) + 1:] if key.startswith(model + "_") else key
        if metric in counted:
            claims[metric] = value
    claims = {k: v for k, v in claims.items() if k in counted and counted[k] is not None
              and isinstance(v, numbers.Real) and float(v).is_integer()}
    if not claims:
        return
    row.formula_errors += [f"{model} {k}: formula {int(v):,} ≠ counted {counted[k]:,}"
                           for k, v in sorted(claims.items()) if int(v) != int(counted[k])]
    row.formulas_checked[model] = sorted(claims)


def _sizes(name: str, built: Mapping[str, Any], report: Mapping[str, SizeReport]
           ) -> SizeReport | None:
    """The sizes of model ``name``: the family's report for it, else the model's own."""
    if name in report and report[name].params is not None:
        return report[name]
    return built[name].size_report() if name in built else None


def _uhat_columns(row: Row, built: Mapping[str, Any], report: Mapping[str, SizeReport]
                  ) -> None:
    rep = _sizes("uhat", built, report)
    if rep is None or rep.kind not in (UHAT, POSITIONAL_UHAT):
        return
    row.uhat = {"params": rep.params, "layers": rep.layers, "width": rep.width,
                "bits": rep.bits, "nonzero": rep.nonzero, "kind": rep.kind}
    if rep.kind != UHAT:  # positional encodings, outside the paper
        row.notes.append(f"the UHAT is of kind {rep.kind}: {rep.extra.get('note', '')}"
                         .rstrip(": "))
    _compare(row, "uhat", row.uhat, report.get("uhat"))


def _rnn_columns(row: Row, built: Mapping[str, Any], report: Mapping[str, SizeReport]
                 ) -> None:
    model = built.get("rnn")
    if not isinstance(model, RNN):
        return
    rep = _sizes("rnn", built, report)
    assert rep is not None
    row.rnn = {"units": rep.width, "k": model.spec.bits, "kD": rep.state_bits,
               "params": rep.params, "bits": rep.bits, "nonzero": rep.nonzero}
    _compare(row, "rnn", row.rnn, report.get("rnn"))


def _dfa_formula(report: Mapping[str, SizeReport]) -> int | None:
    for entry in report.values():
        if entry.kind == "dfa":
            value = entry.formula_values.get("dfa_states", entry.dfa_states)
            if value is not None:
                return int(value)
    return None


def _dfa_columns(row: Row, fam: Family, built: Mapping[str, Any],
                 report: Mapping[str, SizeReport]) -> None:
    formula = _dfa_formula(report)
    computed = None
    # The family's own automaton first, then any model with an exact construction
    # (k-bit RNN extraction, strict-future programs and UHATs, past-time LTL).
    sources = [built["dfa"]] if "dfa" in built else []
    sources += [m for name, m in built.items() if name != "dfa" and exact_support(m) is None]
    if sources and (formula is None or formula <= MAX_DFA_STATES):
        source = sources[0]
        try:
            if isinstance(source, DFA):  # the family's own automaton, as given
                computed = source.minimize().n_states
            else:  # of the language restricted to non-empty words
                computed = exact_dfa(source, max_states=MAX_DFA_STATES).minimal.n_states
        except SuccinctError as e:
            row.notes.append(f"DFA not computed: {e}")
    states = computed if computed is not None else formula
    if computed is not None and formula is not None:
        row.dfa_source = "computed"
        if computed == formula:
            row.formulas_checked["dfa"] = ["states"]
        else:
            row.formula_errors.append(f"dfa states: formula {formula:,} ≠ computed "
                                      f"{computed:,}")
    elif computed is not None:
        row.dfa_source = "computed"
    elif formula is not None:
        row.dfa_source = "formula"
    if states:
        table = dfa_report(states, len(fam.alphabet(row.params)))
        row.dfa = {"states": states, "params": table.params, "bits": table.bits}
        row.kd_lower_bound = state_bits_of(states)


def _ltl_columns(row: Row, report: Mapping[str, SizeReport]) -> None:
    for entry in report.values():
        if entry.kind == "ltl" and entry.params is not None:
            row.ltl, row.ltl_source = int(entry.params), "|φ|"
            return
        bound = entry.extra.get("ltl_lower_bound",
                                entry.formula_values.get("ltl_lower_bound"))
        if bound is not None:
            row.ltl, row.ltl_source = int(bound), "lower bound"
            return


def _check(row: Row, fam: Family, built: Mapping[str, Any], *, samples: int, seed: int,
           max_member_len: int) -> None:
    names = [fam.reference] if fam.reference in built else []
    names += [n for n in built if n != fam.reference]
    if len(names) < 2:
        row.agreement = "not checked (one model)"
        return
    members: list[str] = []
    longer = 0
    if fam.members is not None:
        try:
            for w in itertools.islice(fam.members(row.params), MEMBERS_CHECKED):
                if len(fam.alphabet(row.params).split(w)) <= max_member_len:
                    members.append(w)
                else:
                    longer += 1
        except SuccinctError as e:
            row.notes.append(f"members: {e}")
    if longer and not members:
        row.agreement = f"not checked (members longer than {max_member_len:,} symbols)"
        return
    try:
        rep = verify({n: built[n] for n in names}, samples=samples, members=members or None,
                     seed=seed)
    except Exception as e:  # one failing model must not stop the atlas: the row says why
        row.check_error = f"check failed: {type(e).__name__}: {str(e)[:200]}"
        row.agreement = "✗ " + row.check_error
        return
    row.checked_words, row.accepted_words, row.agree = rep.checked, rep.accepted, rep.agree
    counts = f"{rep.checked:,} words checked, {rep.accepted:,} accepted"
    if rep.agree:
        vacuous = rep.accepted in (0, rep.checked)  # nothing told members apart
        row.agreement = counts + (f" (vacuous: every checked word "
                                  f"{'rejected' if rep.accepted == 0 else 'accepted'})"
                                  if vacuous else "")
    else:
        cex = rep.counterexample
        word = cex.word if len(cex.word) <= 40 else cex.word[:37] + "…"
        row.agreement = (f"✗ {counts}; DISAGREE on {word!r}: accepted by "
                         f"{', '.join(cex.accepted_by) or '—'}, rejected by "
                         f"{', '.join(cex.rejected_by) or '—'}")


# ====================================================================== all rows
def _size_parameter(rows: Sequence[Row]) -> str | None:
    """The integer parameter taking the most distinct values over ``rows`` (if any)."""
    best, most = None, 1
    for key in rows[0].params if rows else ():
        values = {r.params[key] for r in rows}
        if all(isinstance(v, int) for v in values) and len(values) > most:
            best, most = key, len(values)
    return best


def _verdict(fam: Family, rows: Sequence[Row]
             ) -> tuple[dict[str, Any] | None, list[FormulaPanel]]:
    """The family's verdict (conclusions and comparison rows) and its formula panels."""
    if fam.verdict is None:
        return None, []
    try:
        v = fam.verdict()
        return {"conclusions": v.conclusions(), "comparisons": v.rows()}, \
            formula_panels(fam, v, rows)
    except SuccinctError as e:
        return {"conclusions": [f"verdict failed: {e}"], "comparisons": []}, []


def build_atlas(names: Sequence[str] | None = None, *, full: bool = False, check: bool = True,
                samples: int = DEFAULT_SAMPLES, seed: int = 0,
                max_member_len: int | None = None,
                on_start: Callable[[int], None] | None = None,
                on_step: Callable[[Row | None, str], None] | None = None,
                on_row: Callable[[Row], None] | None = None) -> Atlas:
    """Every row of the atlas, and the families' formula panels (module docstring).

    Args:
        names: Families to include (default: all registered).
        full: Use the families' longer ranges (``family.atlas(True)``).
        check: Run the sampled agreement check on every row.
        samples: Sampled words per check.
        seed: Seed of the sampled words.
        max_member_len: Longest member used by the check (default
            :data:`MAX_MEMBER_LEN` symbols).
        on_start: Called once with the number of rows.
        on_step: Called with ``(None, "family params: step")`` as a row progresses.
        on_row: Called with every finished row.
    """
    t0 = time.perf_counter()
    work, skipped = plan(names, full=full)
    if on_start is not None:
        on_start(len(work))
    limit = max_member_len or MAX_MEMBER_LEN
    rows = []
    for fam, raw in work:
        label = f"{fam.name} {', '.join(f'{k}={v}' for k, v in raw.items()) or 'defaults'}"

        def step(what: str, label: str = label) -> None:
            if on_step is not None:
                on_step(None, f"{label}: {what}")

        row = compute_row(fam, raw, check=check, samples=samples, seed=seed,
                          max_member_len=limit, step=step)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    fams = families()
    by_family: dict[str, list[Row]] = {}
    for row in rows:
        by_family.setdefault(row.family, []).append(row)
    for group in by_family.values():
        key = _size_parameter(group)
        for row in group:
            row.x = row.params[key] if key else None
    verdicts, panels = {}, {}
    for name, group in by_family.items():
        if on_step is not None:
            on_step(None, f"{name}: formula curves")
        verdict, panels[name] = _verdict(fams[name], group)
        if verdict is not None:
            verdicts[name] = verdict
    return Atlas(rows, {name: fams[name].description for name in by_family}, verdicts,
                 skipped, full, time.perf_counter() - t0, panels)


# ====================================================================== output
def _fmt(v: Any) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def crossover_lines(panels: Sequence[FormulaPanel]) -> list[str]:
    """One sentence per marked crossover of ``panels`` (each once)."""
    seen, out = set(), []
    for p in panels:
        for m in p.crossovers:
            line = (f"{p.name(m.smaller)} < {p.name(m.larger)} in {p.measure} from "
                    f"{p.variable} = {m.x}" + (f" ({p.note})" if p.note else ""))
            if line not in seen:
                seen.add(line)
                out.append(line)
    return out


def markdown(atlas: Atlas, images: Mapping[str, str] | None = None) -> str:
    """The atlas as Markdown: one section per family, with its verdict, crossovers and
    table."""
    images = images or {}
    mode = "--full" if atlas.full else "default ranges"
    out = ["# succinct atlas", "",
           f"Written by `succinct atlas` ({mode}) in {atlas.seconds:.0f} s. Sizes are counted "
           "on the built weights. *formulas = counted*: the family's closed forms give the "
           "counted numbers (✓, naming them) or not (✗). *agreement*: all models of the row "
           "accept the same words on a sample, K words checked of which A accepted by all. "
           "*status*: ✗ on any failure, *not checked* when no check ran or every checked "
           "word got the same answer. DFA: minimal complete DFA states, computed or from "
           "the family's formula. k·D ≥: the Prop 1 lower bound ⌈log₂ states⌉ for any "
           "k-bit RNN. Plots: the family's size formulas, exact, on log₂ axes of one "
           "measure each; filled markers are counted sizes of built models; dotted lines "
           "mark crossovers.", ""]
    if "headline" in images:
        out += [f"![DC_n: the UHAT against every RNN and every DFA]({images['headline']})", ""]
    header = ["params", "UHAT params", "layers", "width", "UHAT bits", "RNN D", "k", "k·D",
              "RNN params", "RNN bits", "k·D ≥", "DFA states", "DFA from", "LTL",
              "formulas = counted", "agreement", "status"]
    for name, group in atlas.by_family().items():
        out += [f"## {name}", "", atlas.descriptions.get(name, ""), ""]
        verdict = atlas.verdicts.get(name)
        if verdict:
            out += ["**Verdict:** " + "; ".join(verdict["conclusions"]), ""]
            for c in verdict["comparisons"]:
                right = c["right"] if c["opponent"] == "built" else f"every {c['right']}"
                cross = f"from {c['grows']} = {c['crossover']}" if c["crossover"] is not None \
                    else f"no crossover up to {c['grows']} = {c['horizon']}"
                out.append(f"- {c['left']} (built) vs {right} in {c['measure']} as "
                           f"{c['grows']} grows{' (' + c['where'] + ')' if c['where'] else ''}"
                           f": {c['smaller']} smaller, {c['growth']} ({c['detail']}); {cross}")
            out.append("")
        lines = crossover_lines(atlas.panels.get(name, []))
        if lines:
            out += ["**Crossovers** (exact, from the formulas):", ""]
            out += [f"- {line}" for line in lines]
            out.append("")
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in group:
            f = row.flat()
            ltl = "—" if row.ltl is None else \
                (f"{row.ltl:,}" if row.ltl_source == "|φ|" else f"≥ {row.ltl:,}")
            cells = [f["params"], f["uhat_params"], f["uhat_layers"], f["uhat_width"],
                     f["uhat_bits"], f["rnn_units"], f["rnn_k"], f["rnn_kD"], f["rnn_params"],
                     f["rnn_bits"], f["kD_lower_bound"], f["dfa_states"], f["dfa_source"], ltl,
                     f["formulas"], f["agreement"], f["status"]]
            out.append("| " + " | ".join(_fmt(c).replace("|", "\\|") for c in cells) + " |")
        notes = [f"- {row.label}: {n}" for row in group for n in row.notes]
        notes += [f"- {p.title}: {limit}" for p in atlas.panels.get(name, [])
                  for limit in p.limits]
        if notes:
            out += ["", "Notes:", *notes]
        if name in images:
            out += ["", f"![{name}]({images[name]})"]
        out.append("")
    if atlas.skipped:
        out += ["## Skipped", ""]
        out += [f"- {name}: {why}" for name, why in sorted(atlas.skipped.items())]
        out.append("")
    return "\n".join(out)


def to_csv(atlas: Atlas) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in atlas.rows:
        writer.writerow({k: "" if v is None else v for k, v in row.flat().items()})
    return buf.getvalue()


def _panel_json(p: FormulaPanel) -> dict[str, Any]:
    return {"variable": p.variable, "measure": p.measure, "note": p.note, "scale": p.scale,
            "curves": [{"label": c.label, "side": c.side, "opponent": c.opponent, "x": c.xs,
                        "log2": [round(log2(v), 6) for v in c.values],
                        "measured": c.measured} for c in p.curves],
            "crossovers": [{"x": m.x, "smaller": m.smaller, "larger": m.larger}
                           for m in p.crossovers],
            "limits": p.limits}


def to_json(atlas: Atlas) -> dict[str, Any]:
    fams: dict[str, Any] = {}
    for name, group in atlas.by_family().items():
        fams[name] = {
            "description": atlas.descriptions.get(name, ""),
            "size_parameter": _size_parameter(group),
            "verdict": atlas.verdicts.get(name),
            "curves": [_panel_json(p) for p in atlas.panels.get(name, [])],
            "rows": [{**row.flat(), "params": row.params, "raw": row.raw, "uhat": row.uhat,
                      "rnn": row.rnn, "dfa": row.dfa, "formulas_checked": row.formulas_checked,
                      "formula_errors": row.formula_errors, "notes": row.notes}
                     for row in group],
        }
    return {"full": atlas.full, "seconds": round(atlas.seconds, 2), "columns": list(COLUMNS),
            "families": fams, "skipped": atlas.skipped}


# ====================================================================== figures
def _measured_panel(name: str, description: str, group: Sequence[Row]) -> Panel:
    """Counted bits of a family's rows (for families without formula curves): UHAT,
    RNN and DFA table, one measure."""
    from succinct.viz import Panel, Series  # lazy: matplotlib, only for the figures

    key = _size_parameter(group)
    xs = [row.x if key else i for i, row in enumerate(group)]
    sizes = {"UHAT": [r.uhat["bits"] if r.uhat else None for r in group],
             "RNN": [r.rnn["bits"] if r.rnn else None for r in group],
             "DFA": [r.dfa["bits"] if r.dfa else None for r in group]}
    series = [Series(f"{side} (built, counted)", side,
                     [(x, log2(y)) for x, y in zip(xs, ys, strict=True) if y], line=False)
              for side, ys in sizes.items() if any(ys)]
    return Panel(f"{name}: counted bits ({description})", key or "", "log₂ bits",
                 series, xticklabels=None if key else [_short(r.label) for r in group])


def _panel(p: FormulaPanel) -> Panel:
    """A :class:`FormulaPanel` as a :class:`succinct.viz.Panel`."""
    from succinct.viz import Panel, Series  # lazy: matplotlib, only for the figures

    series = []
    for c in p.curves:
        ys = [p.y(v) for v in c.values]
        series.append(Series(c.label, c.side, [(x, y) for x, y in zip(c.xs, ys, strict=True)
                                               if y is not None], dashed=c.opponent == "every"))
        if c.measured:
            series.append(Series(f"{c.side} (built, counted)", c.side,
                                 [(x, y) for x, v in c.measured if (y := p.y(v)) is not None],
                                 line=False))
    markers = [(m.x, f"{p.variable} = {m.x}: {p.name(m.smaller)} < {p.name(m.larger)}")
               for m in p.crossovers]
    return Panel(p.title, p.variable, p.ylabel, series, markers, footnote="\n".join(p.limits))


def figure_panels(atlas: Atlas) -> dict[str, list[Panel]]:
    """Every family's plot panels: its formula panels, else its counted bits."""
    out = {}
    for name, group in atlas.by_family().items():
        formula = atlas.panels.get(name, [])
        out[name] = [_panel(p) for p in formula] if formula else \
            [_measured_panel(name, atlas.descriptions.get(name, ""), group)]
    return out


def _short(label: str, width: int = 18) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


def write_headline(path: str | Path, rows: Sequence[Row] | None = None) -> Path:
    """Draws :func:`headline_panels` into ``path`` (a PNG), with the counted sizes of
    ``rows`` (default: the headline family's atlas rows, built here without checks)."""
    from succinct.viz import formula_figure  # lazy: matplotlib, only for the figures

    if rows is None:
        fam = get_family(HEADLINE_FAMILY)
        rows = [compute_row(fam, raw, check=False)
                for raw in (fam.atlas(False) if fam.atlas is not None else [{}])]
    panels = headline_panels(rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    formula_figure([_panel(p) for p in panels], columns=2, panel_size=(6.0, 4.4),
                   title="DC_n: the built UHAT against lower bounds for every RNN and "
                         "every DFA (bits)").savefig(path)
    return path


def write(atlas: Atlas, out_dir: str | Path, *, plots: bool = True) -> list[Path]:
    """Writes ``atlas.md``, ``atlas.csv``, ``atlas.json``, ``headline.png`` (when the
    atlas has the headline family) and one ``atlas_FAMILY.png`` per family; returns the
    paths."""
    from succinct.viz import formula_figure  # lazy: matplotlib, only for the figures

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    images: dict[str, str] = {}
    if plots and atlas.rows:
        if HEADLINE_FAMILY in atlas.panels:
            try:
                written.append(write_headline(out / "headline.png", atlas.rows))
                images["headline"] = "headline.png"
            except SuccinctError as e:
                atlas.skipped.setdefault("headline", str(e))
        for name, group in figure_panels(atlas).items():
            path = out / f"atlas_{name}.png"
            formula_figure(group, columns=min(2, len(group)),
                           panel_size=(5.5, 4.0)).savefig(path)
            images[name] = path.name
            written.append(path)
    (out / "atlas.md").write_text(markdown(atlas, images))
    (out / "atlas.csv").write_text(to_csv(atlas))
    (out / "atlas.json").write_text(json.dumps(to_json(atlas), indent=2, ensure_ascii=False,
                                               default=str))
    written[:0] = [out / "atlas.md", out / "atlas.csv", out / "atlas.json"]
    return written


def rows_from_json(path: str | Path) -> list[dict[str, Any]]:
    """The flat rows of a written ``atlas.json`` (for scripts and tests)."""
    data = json.loads(Path(path).read_text())
    return [row for fam in data["families"].values() for row in fam["rows"]]
