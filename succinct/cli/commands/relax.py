"""``succinct relax``: a family's UHAT as a softmax transformer with a certified scale,
checked against the UHAT.

::

    succinct relax FAMILY -p KEY=VALUE ... --max-len N [--samples S] [--json]
        [--export OUT] [--model uhat] [--time-limit S] [--beta B]

It builds the family's UHAT, relaxes it at ``N`` (:func:`succinct.compiler.relax.relax`:
β(N), ε, float32 range) and checks the relaxed model (float32, jitted) against the UHAT
with :func:`succinct.verify.verify`: every word of length ``1..N`` (refused, naming
``--time-limit``, when predicted to take longer), ``--samples`` uniform words of length
≤ ``N`` and the family's members of length ≤ ``N``. Exit status 1 on a disagreement, 2 on
bad input (``N`` outside ``1..`` the float32-certified range, a model that is not an exact
UHAT), 0 otherwise.

``--beta B`` evaluates the relaxed weights at the scale ``B`` instead of the certified
β(N) (the certificate printed is still β(N)'s): a β below the certificate can break the
model, and this shows it (used by the tests to plant a wrong β).
"""

from __future__ import annotations

import json
from typing import Any

import typer

from succinct.cli.app import PARAM, _friendly, app
from succinct.cli.commands.verify import VERIFY_TIME_LIMIT, _ProgressBar
from succinct.compiler.relax import relax
from succinct.export import save
from succinct.models.softmax import SoftmaxTransformer
from succinct.registry import get_family, parse_params
from succinct.verify import (
    BudgetExceeded,
    Estimate,
    Report,
    VerificationTimeout,
    verify,
)
from succinct.words import SuccinctError, encode


def _combine(a: Report, b: Report | None) -> dict[str, Any]:
    """Counts of two reports (the exhaustive+uniform check, the members' check)."""
    reports = [r for r in (a, b) if r is not None]
    cexs = [r.counterexample for r in reports if r.counterexample is not None]
    cex = min(cexs, key=lambda c: (c.length, c.word)) if cexs else None
    names = a.models
    return {
        "checked": sum(r.checked for r in reports),
        "exhaustive": a.exhaustive,
        "sampled": sum(r.sampled for r in reports),
        "accepted": sum(r.accepted for r in reports),
        "accepted_by": {n: sum(r.accepted_by.get(n, 0) for r in reports) for n in names},
        "disagreements": sum(r.disagreements for r in reports),
        "counterexample": None if cex is None else cex.as_dict(),
        "seconds": sum(r.seconds for r in reports),
    }


@app.command("relax")
@_friendly
def relax_command(
    family: str,
    params: list[str] = PARAM,
    max_len: int = typer.Option(..., "--max-len", "-L",
                                help="certify and check every word up to this length"),
    samples: int = typer.Option(0, "--samples", "-n",
                                help="uniform words of length <= N, besides the members"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    export: str = typer.Option(None, "--export",
                               help="write the relaxed model (safetensors + manifest)"),
    model: str = typer.Option("uhat", "--model", "-m", help="the UHAT model to relax"),
    time_limit: float = typer.Option(
        VERIFY_TIME_LIMIT, "--time-limit",
        help="time budget (seconds; 0: none): checks predicted longer are refused"),
    beta: float = typer.Option(
        None, "--beta",
        help="evaluate at this scale instead of the certified beta(N) (to see a smaller "
             "one break)"),
    seed: int = typer.Option(0, "--seed", help="seed of the sampled words"),
) -> None:
    """Relax a family's UHAT into a softmax transformer with a certified scale beta(N),
    and check it against the UHAT on every word up to N (plus samples and members).

    Exits 1 when the two disagree. Example: succinct relax dyck -p k=2 -p D=3 --max-len 10
    """
    if beta is not None and not beta > 0:
        raise SuccinctError(f"--beta must be positive, got {beta}")
    fam = get_family(family)
    if model not in fam.models:
        raise SuccinctError(f"family {family} has no model {model!r} (it has "
                            f"{', '.join(fam.models)}); relax needs its UHAT")
    raw = parse_params(params)
    resolved = fam.resolve(raw)
    uhat = fam.build(model, raw)
    relaxed = relax(uhat, max_len)
    cert = relaxed.certificate
    run: SoftmaxTransformer = relaxed if beta is None else SoftmaxTransformer(
        relaxed.alphabet, relaxed.layers, relaxed.params, beta, relaxed.max_len,
        relaxed.accept_at)
    members: list[Any] = []
    first = fam.first_members(resolved)
    if first:
        _, lens = encode(first, uhat.alphabet)
        members = [w for w, n in zip(first, lens, strict=True) if n <= max_len]
    recognizers = {"uhat": uhat, "softmax": run}

    def announce(predicted: Estimate) -> None:
        typer.echo(f"relax: {predicted.describe()}", err=True)

    with _ProgressBar() as bar:
        try:
            main = verify(recognizers, max_len=max_len, samples=samples, seed=seed,
                          sample_max_len=max_len, time_limit=time_limit or None,
                          progress=bar, announce=announce)
            extra = verify(recognizers, members=members) if members else None
        except BudgetExceeded as e:
            raise SuccinctError(f"{e}; pass --time-limit S (seconds) to allow it, or a "
                                "smaller --max-len") from None
        except VerificationTimeout as e:
            raise SuccinctError(f"{e}; pass a larger --time-limit to allow it") from None
    counts = _combine(main, extra)
    counts["members"] = len(members)
    path = None
    if export is not None:
        path = str(save(relaxed, export)[0])
    out = {"family": family, "family_params": resolved, "max_len": max_len,
           "beta": cert.beta, "beta_formula": str(cert.beta_formula),
           "beta_used": run.beta, "epsilon": cert.epsilon, "dtype": "float32",
           "certificate": cert.as_dict(), "params": relaxed.n_params,
           "layers": len(relaxed.layers), **counts, "agree": counts["disagreements"] == 0,
           "export": path}
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=str, ensure_ascii=False))
    else:
        typer.echo(f"{family} {resolved}: {relaxed}")
        used = "" if beta is None else f" (evaluated at --beta {beta:g}, NOT certified)"
        typer.echo(f"β({max_len}) = {cert.beta:.6g}{used}; β(N) = {cert.beta_formula}; "
                   f"ε = {cert.epsilon:.3g}; dtype float32 (certified up to "
                   f"N = {cert.max_len_float32})")
        typer.echo(f"checked {counts['checked']:,} words (all {counts['exhaustive']:,} of "
                   f"length 1..{max_len}, {counts['sampled']:,} sampled and members) in "
                   f"{counts['seconds']:.2f} s")
        typer.echo(f"accepted: {counts['accepted']:,} by both; disagreements: "
                   f"{counts['disagreements']:,}")
        cex = counts["counterexample"]
        typer.echo("counterexample: none" if cex is None else
                   f"shortest counterexample: {cex['word']!r} accepted by "
                   f"{', '.join(cex['accepted_by']) or 'none'}")
        if path is not None:
            typer.echo(f"exported to {path}")
    if counts["disagreements"]:
        raise typer.Exit(1)
