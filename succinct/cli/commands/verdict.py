"""``succinct verdict FAMILY`` and ``succinct verdicts``: size verdicts from formulas.

Each family that provides a ``verdict`` (:class:`succinct.registry.Family`) states which
models to compare as which parameter grows; :mod:`succinct.verdicts` computes the smaller
side and the growth of the ratio with sympy limits, and the sentences printed at the end
are decided from those results.
"""

from __future__ import annotations

import json

import typer

from succinct.cli.app import _friendly, app
from succinct.registry import families, get_family
from succinct.verdicts import Verdict
from succinct.words import SuccinctError

COLUMNS = ("family", "left", "right", "where", "measure", "grows", "smaller", "growth",
           "detail")


def _table(rows: list[dict[str, str]]) -> list[str]:
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in COLUMNS}
    line = "  ".join(c.ljust(widths[c]) for c in COLUMNS)
    out = [line, "  ".join("-" * widths[c] for c in COLUMNS)]
    out += ["  ".join(r[c].ljust(widths[c]) for c in COLUMNS) for r in rows]
    return out


def _verdicts(names: list[str]) -> list[Verdict]:
    out = []
    for name in names:
        fam = get_family(name)
        if fam.verdict is None:
            raise SuccinctError(f"family {name} provides no verdict")
        out.append(fam.verdict())
    return out


def _emit(verdicts: list[Verdict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([{"family": v.family, "rows": v.rows(),
                                "conclusions": v.conclusions()} for v in verdicts],
                              indent=2, ensure_ascii=False))
        return
    rows = [r for v in verdicts for r in v.rows()]
    typer.echo("sizes compared: parameter counts (the paper's bit measure is Θ(params) here: "
               "every weight is a bounded integer)")
    for line in _table(rows):
        typer.echo(line.rstrip())
    typer.echo("")
    for v in verdicts:
        for c in v.conclusions():
            typer.echo(f"{v.family}: {c}")


@app.command()
@_friendly
def verdict(
    family: str,
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Which model of a family is smaller, and how the ratio grows (from the formulas).

    Example: succinct verdict dyck
    """
    _emit(_verdicts([family]), as_json)


@app.command()
@_friendly
def verdicts(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """The verdict table of every family that provides one.

    Example: succinct verdicts
    """
    names = sorted(name for name, fam in families().items() if fam.verdict is not None)
    if not names:
        raise SuccinctError("no family provides a verdict")
    _emit(_verdicts(names), as_json)
