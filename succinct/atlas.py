"""The atlas: how big each model of each family is as its size parameter grows, checked.

For every registered family (:func:`succinct.registry.families`) and every parameter set
of ``family.atlas(full)`` (the family's default parameters when it declares no range),
the atlas builds the family's models and records one :class:`Row`:

* **UHAT** — parameters, layers, width and bits counted on the built weights (the
  family's :class:`succinct.sizes.SizeReport` for the model, else the model's
  ``size_report()``); ``formula`` compares them with the closed forms of the family's
  report (its ``formula_totals`` and ``formula_values``): ``✓`` when every formula the
  report gives equals the count;
* **RNN** — units ``D``, precision ``k`` (k-bit models only), ``k·D``, parameters, bits,
  and the same formula comparison;
* **DFA** — states of the minimal complete DFA: *computed* (the family's ``dfa`` model
  minimized, or else the exact automaton of another model — a k-bit RNN by Prop 1, a
  strict-future program or UHAT, a past-time formula — which describes the language's
  non-empty words) while the family's formula
  promises at most :data:`MAX_DFA_STATES`, the *formula* value beyond; ``dfa_source``
  says which (``computed = formula`` when both exist; a mismatch fails the row);
* **Prop 1 bound** — a k-bit RNN with D units is a DFA with at most ``2^{kD}`` states, so
  every k-bit RNN for a language whose minimal DFA has ``s`` states has
  ``k·D ≥ ⌈log₂ s⌉``;
* **LTL** — ``|φ|`` when a model of the family is a formula (a size-report entry of kind
  ``ltl``), or a lower bound the report states as ``ltl_lower_bound``;
* **verdict** — the family's size comparison (:mod:`succinct.verdicts`), once per family;
* **check** — :func:`succinct.verify.verify` of all the row's models on a sample of
  words: uniform words and mutations of the family's members (members longer than
  ``max_member_len`` symbols are left out, so for singleton families such as ``dc`` at
  large ``n`` the sample is uniform words only, and the row says so).

:func:`write` stores the rows as Markdown, CSV and JSON, and the size curves as PNGs
(log scale; hollow markers are formula values): one per family and ``atlas.png`` with
all of them.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from succinct.automata.dfa import DFA
from succinct.exact.dispatch import exact_dfa, exact_support
from succinct.models.rnn import RNN
from succinct.registry import Family, families
from succinct.sizes import POSITIONAL_UHAT, UHAT, SizeReport
from succinct.verify import verify
from succinct.words import SuccinctError

__all__ = ["Row", "Atlas", "plan", "compute_row", "build_atlas", "write", "COLUMNS",
           "MAX_DFA_STATES", "MAX_MEMBER_LEN"]

MAX_DFA_STATES = 200_000  # beyond this the DFA column is the family's formula
MEMBERS_CHECKED = 32  # members of the family mutated by the sampled check
DEFAULT_SAMPLES = 256
# Longest member mutated by the check: the verifier's dense attention fallback costs
# memory quadratic in the word length (about 4·N² bytes per word).
MAX_MEMBER_LEN = 1_024

# Flat columns of the CSV (and of every row in the JSON), in order.
COLUMNS = (
    "family", "params", "x", "uhat_params", "uhat_layers", "uhat_width", "uhat_bits",
    "uhat_formula", "rnn_units", "rnn_k", "rnn_kD", "rnn_params", "rnn_bits", "rnn_formula",
    "kD_lower_bound", "dfa_states", "dfa_source", "ltl", "ltl_source", "check",
    "checked_words", "agree", "seconds", "notes",
)

Step = Callable[[str], None]


@dataclass
class Row:
    """One family at one parameter set."""

    family: str
    raw: dict[str, Any]  # the parameters as the atlas asked for them
    params: dict[str, Any]  # resolved (defaults filled in)
    uhat: dict[str, int] | None = None
    uhat_formula: str = ""
    rnn: dict[str, int | None] | None = None
    rnn_formula: str = ""
    dfa_states: int | None = None
    dfa_source: str = ""
    kd_lower_bound: int | None = None
    ltl: int | None = None
    ltl_source: str = ""
    check: str = ""
    checked_words: int = 0
    agree: bool | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    x: Any = None  # the size parameter's value (set once the family's rows are known)

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.raw.items()) or "defaults"

    @property
    def failed(self) -> bool:
        """A disagreement, a failed check, or a formula that does not match a count."""
        return self.agree is False or self.check.startswith("error") or \
            self.uhat_formula.startswith("✗") or self.rnn_formula.startswith("✗") or \
            "≠" in self.dfa_source

    def flat(self) -> dict[str, Any]:
        """The row under :data:`COLUMNS`."""
        u, r = self.uhat or {}, self.rnn or {}
        return {
            "family": self.family, "params": self.label, "x": self.x,
            "uhat_params": u.get("params"), "uhat_layers": u.get("layers"),
            "uhat_width": u.get("width"), "uhat_bits": u.get("bits"),
            "uhat_formula": self.uhat_formula,
            "rnn_units": r.get("units"), "rnn_k": r.get("k"), "rnn_kD": r.get("kD"),
            "rnn_params": r.get("params"), "rnn_bits": r.get("bits"),
            "rnn_formula": self.rnn_formula, "kD_lower_bound": self.kd_lower_bound,
            "dfa_states": self.dfa_states, "dfa_source": self.dfa_source,
            "ltl": self.ltl, "ltl_source": self.ltl_source, "check": self.check,
            "checked_words": self.checked_words, "agree": self.agree,
            "seconds": round(self.seconds, 2), "notes": "; ".join(self.notes),
        }


@dataclass
class Atlas:
    """All rows, the families' verdicts, and the families left out (with the reason)."""

    rows: list[Row]
    descriptions: dict[str, str]
    verdicts: dict[str, dict[str, Any]]
    skipped: dict[str, str]
    full: bool
    seconds: float = 0.0

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
        except SuccinctError as e:
            row.notes.append(f"{name} not built: {e}")
    _uhat_columns(row, built, report)
    _rnn_columns(row, built, report)
    step("minimal DFA")
    _dfa_columns(row, built, report)
    _ltl_columns(row, report)
    if check:
        step("checking the models agree")
        _check(row, fam, built, samples=samples, seed=seed, max_member_len=max_member_len)
    row.seconds = time.perf_counter() - t0
    return row


def _compare(counted: Mapping[str, Any], entry: SizeReport | None, model: str) -> str:
    """``✓ (params, bits)`` when the report's formula values equal the counted ones."""
    if entry is None:
        return ""
    claims: dict[str, Any] = dict(entry.formula_totals)
    for key, value in entry.formula_values.items():
        metric = key[len(model) + 1:] if key.startswith(model + "_") else key
        if metric in counted:
            claims[metric] = value
    claims = {k: v for k, v in claims.items() if k in counted and counted[k] is not None
              and isinstance(v, numbers.Real) and float(v).is_integer()}
    if not claims:
        return ""
    wrong = [f"{k}: formula {v} ≠ counted {counted[k]}" for k, v in claims.items()
             if int(v) != int(counted[k])]
    if wrong:
        return "✗ " + "; ".join(wrong)
    return f"✓ ({', '.join(sorted(claims))})"


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
                "bits": rep.bits, "nonzero": rep.nonzero}
    if rep.kind != UHAT:  # positional encodings, outside the paper
        row.notes.append(f"the UHAT is of kind {rep.kind}: {rep.extra.get('note', '')}"
                         .rstrip(": "))
    row.uhat_formula = _compare(row.uhat, report.get("uhat"), "uhat")


def _rnn_columns(row: Row, built: Mapping[str, Any], report: Mapping[str, SizeReport]
                 ) -> None:
    model = built.get("rnn")
    if not isinstance(model, RNN):
        return
    rep = _sizes("rnn", built, report)
    assert rep is not None
    row.rnn = {"units": rep.width, "k": model.spec.bits, "kD": rep.state_bits,
               "params": rep.params, "bits": rep.bits, "nonzero": rep.nonzero}
    row.rnn_formula = _compare(row.rnn, report.get("rnn"), "rnn")


def _dfa_formula(report: Mapping[str, SizeReport]) -> int | None:
    for entry in report.values():
        if entry.kind == "dfa":
            value = entry.formula_values.get("dfa_states", entry.dfa_states)
            if value is not None:
                return int(value)
    return None


def _dfa_columns(row: Row, built: Mapping[str, Any], report: Mapping[str, SizeReport]
                 ) -> None:
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
    if computed is not None and formula is not None:
        row.dfa_states = computed
        row.dfa_source = "computed = formula" if computed == formula else \
            f"computed {computed} ≠ formula {formula}"
    elif computed is not None:
        row.dfa_states, row.dfa_source = computed, "computed"
    elif formula is not None:
        row.dfa_states, row.dfa_source = formula, "formula"
    if row.dfa_states:
        row.kd_lower_bound = max(1, math.ceil(math.log2(row.dfa_states)))


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
        row.check = "— (one model)"
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
        row.notes.append(f"members longer than {max_member_len:,} symbols: sampled "
                         "uniform words only")
    try:
        rep = verify({n: built[n] for n in names}, samples=samples, members=members or None,
                     seed=seed)
    except Exception as e:  # one failing model must not stop the atlas: the row says why
        row.agree, row.check = None, f"error: {type(e).__name__}: {str(e)[:200]}"
        return
    row.checked_words = rep.checked
    row.agree = rep.agree
    if rep.agree:
        row.check = f"agree ({rep.checked:,} words, {len(names)} models)"
    else:
        cex = rep.counterexample
        word = cex.word if len(cex.word) <= 40 else cex.word[:37] + "…"
        row.check = (f"DISAGREE on {word!r}: accepted by {', '.join(cex.accepted_by) or '—'},"
                     f" rejected by {', '.join(cex.rejected_by) or '—'}")


# ====================================================================== all rows
def _size_parameter(rows: Sequence[Row]) -> str | None:
    """The integer parameter taking the most distinct values over ``rows`` (if any)."""
    best, most = None, 1
    for key in rows[0].params if rows else ():
        values = {r.params[key] for r in rows}
        if all(isinstance(v, int) for v in values) and len(values) > most:
            best, most = key, len(values)
    return best


def _verdict(fam: Family) -> dict[str, Any] | None:
    if fam.verdict is None:
        return None
    try:
        v = fam.verdict()
        return {"conclusions": v.conclusions(), "comparisons": v.rows()}
    except SuccinctError as e:
        return {"conclusions": [f"verdict failed: {e}"], "comparisons": []}


def build_atlas(names: Sequence[str] | None = None, *, full: bool = False, check: bool = True,
                samples: int = DEFAULT_SAMPLES, seed: int = 0,
                max_member_len: int | None = None,
                on_start: Callable[[int], None] | None = None,
                on_step: Callable[[Row | None, str], None] | None = None,
                on_row: Callable[[Row], None] | None = None) -> Atlas:
    """Every row of the atlas (module docstring).

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
    verdicts = {name: v for name in by_family if (v := _verdict(fams[name])) is not None}
    return Atlas(rows, {name: fams[name].description for name in by_family}, verdicts,
                 skipped, full, time.perf_counter() - t0)


# ====================================================================== output
def _fmt(v: Any) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def markdown(atlas: Atlas, images: Mapping[str, str] | None = None) -> str:
    """The atlas as Markdown: one section per family, with its verdict and table."""
    images = images or {}
    mode = "--full" if atlas.full else "default ranges"
    out = ["# succinct atlas", "",
           f"Written by `succinct atlas` ({mode}) in {atlas.seconds:.0f} s. Sizes are counted "
           "on the built weights (`formula ✓`: the family's closed forms give the same "
           "numbers). DFA: minimal complete DFA states, computed or from the family's "
           "formula (marked). k·D ≥: the Prop 1 lower bound ⌈log₂ states⌉ for any k-bit RNN. "
           "Check: all models of the row accept the same words on a sample.", ""]
    if "atlas" in images:
        out += [f"![all families]({images['atlas']})", ""]
    header = ["params", "UHAT params", "layers", "width", "bits", "formula", "RNN D", "k",
              "k·D", "RNN params", "formula", "k·D ≥", "DFA states", "DFA from", "LTL",
              "check"]
    for name, group in atlas.by_family().items():
        out += [f"## {name}", "", atlas.descriptions.get(name, ""), ""]
        verdict = atlas.verdicts.get(name)
        if verdict:
            out += ["**Verdict:** " + "; ".join(verdict["conclusions"]), ""]
            for c in verdict["comparisons"]:
                out.append(f"- {c['left']} vs {c['right']} as {c['grows']} grows"
                           f"{' (' + c['where'] + ')' if c['where'] else ''}: "
                           f"{c['smaller']} smaller, {c['growth']} ({c['detail']})")
            out.append("")
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in group:
            f = row.flat()
            ltl = "—" if row.ltl is None else \
                (f"{row.ltl:,}" if row.ltl_source == "|φ|" else f"≥ {row.ltl:,}")
            cells = [f["params"], f["uhat_params"], f["uhat_layers"], f["uhat_width"],
                     f["uhat_bits"], f["uhat_formula"].split(" (")[0], f["rnn_units"],
                     f["rnn_k"], f["rnn_kD"], f["rnn_params"], f["rnn_formula"].split(" (")[0],
                     f["kD_lower_bound"], f["dfa_states"], f["dfa_source"], ltl, f["check"]]
            out.append("| " + " | ".join(_fmt(c).replace("|", "\\|") for c in cells) + " |")
        notes = [f"- {row.label}: {n}" for row in group for n in row.notes]
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


def to_json(atlas: Atlas) -> dict[str, Any]:
    fams: dict[str, Any] = {}
    for name, group in atlas.by_family().items():
        fams[name] = {
            "description": atlas.descriptions.get(name, ""),
            "size_parameter": _size_parameter(group),
            "verdict": atlas.verdicts.get(name),
            "rows": [{**row.flat(), "params": row.params, "raw": row.raw, "uhat": row.uhat,
                      "rnn": row.rnn, "notes": row.notes} for row in group],
        }
    return {"full": atlas.full, "seconds": round(atlas.seconds, 2), "columns": list(COLUMNS),
            "families": fams, "skipped": atlas.skipped}


def panels(atlas: Atlas) -> list[tuple[Any, ...]]:
    """One ``(title, xlabel, curves[, xticklabels])`` per family, for
    :func:`succinct.viz.sizes_figure` (rows without an integer size parameter are placed
    at 0, 1, … and named by their parameters)."""
    from succinct.viz import Curve  # lazy: viz loads matplotlib, which the CLI needs only here

    out = []
    for name, group in atlas.by_family().items():
        key = _size_parameter(group)
        xs = [row.x if key else i for i, row in enumerate(group)]
        others = [k for k in group[0].params if key and k != key and
                  len({str(r.params[k]) for r in group}) > 1]
        series: dict[str, list[int]] = {}
        for i, row in enumerate(group):
            tag = ", ".join(f"{k}={row.params[k]}" for k in others)
            series.setdefault(tag, []).append(i)
        curves = []
        for styles, (tag, idx) in zip(itertools.cycle(["-", "--", ":", "-."]), series.items(),
                                      strict=False):
            suffix = f" [{tag}]" if tag else ""
            rows = [group[i] for i in idx]
            x = [xs[i] for i in idx]
            columns = {
                "UHAT params": [r.uhat["params"] if r.uhat else None for r in rows],
                "RNN params": [r.rnn["params"] if r.rnn else None for r in rows],
                "RNN k·D": [r.rnn["kD"] if r.rnn else None for r in rows],
                "k·D lower bound (Prop 1)": [r.kd_lower_bound for r in rows],
                "DFA states": [r.dfa_states for r in rows],
                "LTL |φ|": [r.ltl if r.ltl_source == "|φ|" else None for r in rows],
            }
            hollow = {"DFA states": [r.dfa_source == "formula" for r in rows]}
            curves += [Curve(label + suffix, x, ys, hollow.get(label, []), styles)
                       for label, ys in columns.items() if any(y for y in ys)]
        title = _short(f"{name}: {atlas.descriptions.get(name, '')}", 44)
        if key:
            out.append((title, key, curves))
        else:
            out.append((title, "", curves, [_short(row.label) for row in group]))
    return out


def _short(label: str, width: int = 18) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


def write(atlas: Atlas, out_dir: str | Path, *, plots: bool = True) -> list[Path]:
    """Writes ``atlas.md``, ``atlas.csv``, ``atlas.json`` and the PNGs; returns the paths."""
    from succinct.viz import sizes_figure  # lazy: matplotlib, as in panels()

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    images: dict[str, str] = {}
    if plots and atlas.rows:
        figs = panels(atlas)
        whole = sizes_figure(figs)
        whole.savefig(out / "atlas.png")
        images["atlas"] = "atlas.png"
        written.append(out / "atlas.png")
        for name, fig_panel in zip(atlas.by_family(), figs, strict=True):
            path = out / f"atlas_{name}.png"
            sizes_figure([fig_panel], columns=1, panel_size=(5.5, 4.0)).savefig(path)
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
