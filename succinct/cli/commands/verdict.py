"""``succinct verdict FAMILY`` and ``succinct verdicts``: size verdicts from formulas.

Each family that provides a ``verdict`` (:class:`succinct.registry.Family`) compares its
built models with each other (opponent ``built``) and with lower bounds for every model of
a kind (opponent ``every``), each row under one named measure; :mod:`succinct.verdicts`
computes the smaller side, the growth of the ratio and the exact crossover, and the
sentences printed at the end are decided from those results (a gap only from ``every``
rows).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import typer

from succinct.cli.app import _friendly, app
from succinct.registry import families, get_family
from succinct.verdicts import Verdict
from succinct.words import SuccinctError

COLUMNS = ("family", "left", "right", "opponent", "measure", "where", "grows", "smaller",
           "growth", "crossover", "horizon", "detail")
MAX_HORIZON = 4096
LEGEND = ("left: a built model; right: another built model (opponent built) or a lower "
          "bound for every model of that kind (opponent every); crossover: the least value "
          "from which the smaller side stays strictly smaller up to the horizon (exact)")


def _cell(row: dict[str, Any], col: str) -> str:
    value = row[col]
    if col == "right" and row["opponent"] == "every":
        return f"every {value}"
    if col == "smaller":
        return {"left": row["left"], "right": ("every " if row["opponent"] == "every"
                                               else "") + row["right"]}.get(row["side"], "tie")
    if col == "horizon" and row["horizon_note"]:
        return f"{value} (capped)"
    return "—" if value is None else str(value)


def _table(rows: list[dict[str, Any]]) -> list[str]:
    cells = [{c: _cell(r, c) for c in COLUMNS} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in cells)) for c in COLUMNS}
    out = ["  ".join(c.ljust(widths[c]) for c in COLUMNS),
           "  ".join("-" * widths[c] for c in COLUMNS)]
    return out + ["  ".join(r[c].ljust(widths[c]) for c in COLUMNS) for r in cells]


def _verdicts(names: list[str], horizon: int | None) -> list[Verdict]:
    if horizon is not None and not 1 <= horizon <= MAX_HORIZON:
        raise SuccinctError(f"--horizon {horizon}: must be between 1 and {MAX_HORIZON}")
    out = []
    for name in names:
        fam = get_family(name)
        if fam.verdict is None:
            raise SuccinctError(f"family {name} provides no verdict")
        v = fam.verdict()
        if horizon is not None:
            for c in v.comparisons:
                if horizon < c.start:
                    raise SuccinctError(f"--horizon {horizon}: {name}'s row {c.left} vs "
                                        f"{c.right} starts at {c.variable} = {c.start}")
            v = dataclasses.replace(v, comparisons=tuple(
                dataclasses.replace(c, horizon=horizon) for c in v.comparisons))
        out.append(v)
    return out


def _emit(verdicts: list[Verdict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([{"family": v.family, "rows": v.rows(),
                                "conclusions": v.conclusions()} for v in verdicts],
                              indent=2, ensure_ascii=False))
        return
    rows = [r for v in verdicts for r in v.rows()]
    typer.echo(LEGEND)
    for line in _table(rows):
        typer.echo(line.rstrip())
    notes = [f"{r['family']} {r['left']} vs {r['right']}: horizon {r['horizon_note']}"
             for r in rows if r["horizon_note"]]
    for note in notes:
        typer.echo(note)
    typer.echo("")
    for v in verdicts:
        for c in v.conclusions():
            typer.echo(f"{v.family}: {c}")


HORIZON = typer.Option(None, "--horizon", help="largest parameter value scanned for "
                                              "crossovers (default: each row's, 64)")


@app.command()
@_friendly
def verdict(
    family: str,
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    horizon: int | None = HORIZON,
) -> None:
    """Built models against each other and against lower bounds for every model (formulas).

    Example: succinct verdict dc
    """
    _emit(_verdicts([family], horizon), as_json)


@app.command()
@_friendly
def verdicts(as_json: bool = typer.Option(False, "--json", help="print JSON"),
             horizon: int | None = HORIZON) -> None:
    """The verdict table of every family that provides one.

    Example: succinct verdicts
    """
    names = sorted(name for name, fam in families().items() if fam.verdict is not None)
    if not names:
        raise SuccinctError("no family provides a verdict")
    _emit(_verdicts(names, horizon), as_json)
