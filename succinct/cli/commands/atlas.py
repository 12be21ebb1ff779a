"""``succinct atlas``: every family's model sizes as the size parameter grows, checked.

::

    succinct atlas [--full] [--out atlas_out] [--family NAME ...] [--samples N (0: no check)]
        [--no-check] [--no-plots] [--seed S] [--time-limit S]
    succinct atlas --headline docs/headline.png

Writes ``atlas.md``, ``atlas.csv``, ``atlas.json`` and PNG plots into the output folder
(:mod:`succinct.atlas`), prints its row count and a rough predicted time on standard
error first (refusing atlases predicted past ``--time-limit``, default an hour), shows
progress on standard error, prints a summary table, and
exits with status 1 when a row fails (a formula differs from a count, the models
disagree, or a check errs), naming the failing rows on one line. ``--headline PATH``
writes only the headline figure (DC_n's UHAT against every RNN and every DFA, in bits).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from succinct.atlas import (
    SECONDS_PER_ROW,
    build_atlas,
    crossover_lines,
    predicted_seconds,
    write,
    write_headline,
)
from succinct.cli.app import _friendly, app
from succinct.registry import get_family
from succinct.verify import duration
from succinct.words import SuccinctError

ATLAS_TIME_LIMIT = 3600.0  # default budget of `succinct atlas` (seconds, predicted)


@app.command("atlas")
@_friendly
def atlas_command(
    full: bool = typer.Option(False, "--full", help="longer ranges of every size parameter"),
    out: str = typer.Option("atlas_out", "--out", "-o", help="output folder"),
    family: list[str] = typer.Option([], "--family", "-f", help="only this family (repeatable)"),
    samples: int = typer.Option(256, "--samples", "-n",
                                help="sampled words per check (0: no check, as --no-check)"),
    no_check: bool = typer.Option(False, "--no-check", help="skip the agreement checks"),
    no_plots: bool = typer.Option(False, "--no-plots", help="skip the PNG plots"),
    seed: int = typer.Option(0, "--seed", help="seed of the sampled words"),
    time_limit: float = typer.Option(
        ATLAS_TIME_LIMIT, "--time-limit",
        help="refuse atlases predicted longer (seconds, rough per-row figure; 0: none)"),
    headline: str = typer.Option(None, "--headline", metavar="PATH",
                                 help="write only the headline figure (DC_n's UHAT against "
                                      "every RNN and every DFA, bits) to PATH"),
) -> None:
    """Sizes of every family's UHAT, RNN and DFA over a range of its size parameter.

    Writes a table (Markdown, CSV, JSON) and plots into --out: the families' size
    formulas, exact, on log2 axes of one measure each, counted sizes of the built models
    on them, crossovers marked. Exits with status 1 when a row fails. The default ranges
    finish in about two minutes on two cores; --full goes further.

    Example: succinct atlas --family dc --family dyck --out atlas_out
    """
    if samples < 0:
        raise SuccinctError(f"--samples must be at least 0 (0: no check), got {samples}")
    if not time_limit >= 0:  # also NaN
        raise SuccinctError(f"--time-limit must be at least 0 seconds (0: none), got "
                            f"{time_limit:g}")
    if headline:
        if Path(headline).is_dir():
            raise SuccinctError(f"--headline {headline} is a folder; give the PNG file to write")
        typer.echo(f"wrote {write_headline(headline)}")
        return
    if Path(out).exists() and not Path(out).is_dir():
        raise SuccinctError(f"--out {out} is an existing file; give a folder to write into")
    for name in family:  # unknown names fail here, before the progress display starts
        get_family(name)
    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err,
                  transient=True) as progress:
        task = progress.add_task("atlas", total=None)

        def on_start(n: int) -> None:
            predicted = predicted_seconds(n)
            what = (f"atlas: {n} rows; predicted ~{duration(predicted)} at a rough "
                    f"{SECONDS_PER_ROW:g} s per row")
            if time_limit and predicted > time_limit:
                raise SuccinctError(f"{what}, more than the time limit of {time_limit:g} s; "
                                    "pass --time-limit S to allow it, or fewer --family")
            progress.console.print(what)
            progress.update(task, total=n)

        def on_row(row) -> None:
            progress.console.print(f"{row.status} {row.family} {row.label}: "
                                   f"{row.failure or row.agreement} ({row.seconds:.1f} s)")
            progress.advance(task)

        atlas = build_atlas(
            family or None, full=full, check=not no_check and samples > 0, samples=samples,
            seed=seed,
            on_start=on_start,
            on_step=lambda _, what: progress.update(task, description=what),
            on_row=on_row)
    paths = write(atlas, out, plots=not no_plots)
    _summary(atlas)
    typer.echo(f"wrote {', '.join(str(p) for p in paths)}")
    for name, why in sorted(atlas.skipped.items()):
        typer.echo(f"skipped {name}: {why}", err=True)
    for name, panels in atlas.panels.items():
        for line in crossover_lines(panels):
            typer.echo(f"crossover {name}: {line}")
    if atlas.failed:
        typer.echo(f"error: {len(atlas.failed)} atlas row(s) failed: " + "; ".join(
            f"{r.family} {r.label} ({r.failure})" for r in atlas.failed), err=True)
        raise typer.Exit(1)


def _summary(atlas) -> None:
    table = Table(title=f"succinct atlas ({atlas.seconds:.0f} s); full table in atlas.md",
                  caption="k·D: the RNN's (≥ the Prop 1 lower bound); DFA states: f = from "
                          "the formula; formulas: closed forms = counted sizes; agreement: "
                          "K words checked, A accepted")
    for col in ("family", "params", "UHAT bits", "RNN bits", "k·D", "DFA states",
                "formulas", "agreement", "status"):
        table.add_column(col, overflow="fold", justify="left" if col in (
            "family", "params", "formulas", "agreement", "status") else "right")

    def fmt(v) -> str:
        return "—" if v is None else f"{v:,}" if isinstance(v, int) else str(v)

    for row in atlas.rows:
        f = row.flat()
        kd = fmt(f["rnn_kD"]) + (f" (≥ {f['kD_lower_bound']:,})" if f["kD_lower_bound"] else "")
        dfa = fmt(f["dfa_states"]) + (" f" if row.dfa_source == "formula" else "")
        formulas = "✗" if row.formula_errors else "✓" if row.formulas_checked else "—"
        agreement = row.agreement if row.agree is not False else "✗ disagree"
        table.add_row(row.family, row.label, fmt(f["uhat_bits"]), fmt(f["rnn_bits"]), kd, dfa,
                      formulas, agreement, row.status)
    Console(width=None if sys.stdout.isatty() else 140).print(table)
