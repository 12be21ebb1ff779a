"""``succinct verify`` and ``succinct dfa``: agreement of a family's models, and automata.

::

    succinct verify FAMILY -p KEY=VALUE ... [--models uhat,rnn,reference] [--max-len L]
        [--samples N] [--unbounded] [--json] [--time-limit S] [--max-states M]
    succinct dfa FAMILY -p KEY=VALUE ... [--model rnn] [--max-len L] [--dot FILE] [--json]
        [--max-states M] [--time-limit S]

``verify`` exits with status 1 when the models disagree (so scripts and CI can rely on
it), 2 on bad input, 0 otherwise. A progress bar is drawn on standard error when it is a
terminal.

Both commands print their predicted cost on standard error before they start and refuse
work past a default budget, naming the flag that lifts it: ``verify`` predicts its words
and time from a probe batch (:func:`succinct.verify.estimate`) and refuses runs predicted
longer than ``--time-limit`` (default 600 s); ``dfa`` explores at most ``--max-states``
states and stops early when, at its measured rate, reaching that bound would pass
``--time-limit`` (default 60 s; :mod:`succinct.exact.budget`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from tqdm import tqdm

from succinct.automata.dfa import StateLimitExceeded
from succinct.cli.app import PARAM, _friendly, app, chosen_model, model_option
from succinct.exact.budget import ExplorationBudgetExceeded
from succinct.exact.dispatch import bounded_dfa, exact_dfa, exact_support
from succinct.registry import Family, get_family, parse_params
from succinct.verify import (
    BudgetExceeded,
    Estimate,
    Report,
    VerificationTimeout,
    predicted_words,
    verify,
)
from succinct.words import SuccinctError

VERIFY_TIME_LIMIT = 600.0  # default time budget of `verify` (seconds)
DFA_TIME_LIMIT = 60.0  # default time budget of `dfa`'s exact exploration (seconds)


def _models(fam: Family, raw: dict[str, str], names: str | None) -> dict[str, Any]:
    chosen = [n.strip() for n in names.split(",") if n.strip()] if names else \
        [fam.reference] + [m for m in fam.models if m != fam.reference]
    if len(chosen) < 2:
        raise SuccinctError("verify needs two or more models (--models a,b)")
    return {name: fam.build(name, raw) for name in chosen}


@app.command("verify")
@_friendly
def verify_command(
    family: str,
    params: list[str] = PARAM,
    models: str = typer.Option(None, "--models", help="comma-separated models (default: all)"),
    max_len: int = typer.Option(None, "--max-len", "-L", help="check every word up to this"),
    samples: int = typer.Option(0, "--samples", "-n", help="sampled words (uniform, mutants)"),
    unbounded: bool = typer.Option(False, "--unbounded", help="compare exact automata too"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    time_limit: float = typer.Option(
        VERIFY_TIME_LIMIT, "--time-limit",
        help="time budget (seconds; 0: none): runs predicted longer are refused"),
    max_states: int = typer.Option(1_000_000, "--max-states", help="bound for exact automata"),
    seed: int = typer.Option(0, "--seed", help="seed of the sampled words"),
    batch_size: int = typer.Option(1 << 15, "--batch-size", help="words per device batch"),
) -> None:
    """Check that a family's models accept the same words.

    Example: succinct verify ltl -p "formula=a S b" --models reference,uhat,brasp
    --max-len 10 --samples 1000 --unbounded
    """
    fam = get_family(family)
    raw = parse_params(params)
    recognizers = _models(fam, raw, models)
    members = fam.first_members(fam.resolve(raw)) if samples or max_len is None else []
    if max_len is None and not samples and not unbounded:
        raise SuccinctError("give --max-len, --samples or --unbounded")

    def announce(predicted: Estimate) -> None:
        typer.echo(f"verify: {predicted.describe()}", err=True)

    with _ProgressBar() as bar:
        try:
            report = verify(recognizers, max_len=max_len, samples=samples,
                            members=members or None, seed=seed,
                            time_limit=time_limit or None, unbounded=unbounded,
                            max_states=max_states, batch_size=batch_size, progress=bar,
                            announce=announce)
        except BudgetExceeded as e:
            raise SuccinctError(f"{e}; pass --time-limit S (seconds) to allow it, or check "
                                "fewer words") from None
        except VerificationTimeout as e:
            raise SuccinctError(f"{e}; pass a larger --time-limit to allow it") from None
        except ExplorationBudgetExceeded as e:
            raise SuccinctError(f"{e}; pass a larger --time-limit to allow it, or a "
                                "smaller --max-states to stop sooner") from None
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_report(family, fam.resolve(raw), report, len(members))
    if not report.agree:
        raise typer.Exit(1)


def _print_report(family: str, resolved: dict[str, Any], report: Report,
                  n_members: int) -> None:
    """The report in words: what ``--unbounded`` certified (equality on all words, from
    the exact minimal DFAs) apart from what was evaluated word by word (all words up to
    ``--max-len``, ``--samples`` sampled words, and the family's first ``n_members``
    members, which ``report.sampled`` counts with the samples)."""
    typer.echo(f"{family} {resolved}: {', '.join(report.models)} over "
               f"{{{', '.join(report.alphabet)}}}")
    if report.certificate is not None:
        cert = report.certificate
        sizes = ", ".join(f"{name} {a.minimal.n_states} ({a.method}, {a.explored:,} explored)"
                          for name, a in cert.automata.items())
        if cert.equal:
            typer.echo(f"certified (--unbounded): equal on ALL words, every length: identical "
                       f"canonical minimal DFAs, digest {next(iter(cert.digests.values()))}")
        else:
            typer.echo("certified (--unbounded): NOT equal: the exact minimal DFAs differ")
        typer.echo(f"minimal DFA states: {sizes}")
    parts = []
    if report.exhaustive:
        parts.append(f"all {report.exhaustive:,} words of length 1..{report.max_len}")
    if report.sampled - n_members:
        parts.append(f"{report.sampled - n_members:,} sampled (--samples)")
    if n_members:
        parts.append(f"the family's first {n_members:,} members")
    if parts:
        typer.echo(f"evaluated word by word: {report.checked:,} words ({', '.join(parts)}) "
                   f"in {report.seconds:.2f} s: {report.words_per_second:,.0f} words/s on "
                   f"{report.devices} device(s)")
        typer.echo("time per model: " + ", ".join(
            f"{name} {s:.2f} s" for name, s in report.model_seconds.items()))
        typer.echo(f"disagreements: {report.disagreements:,}")
        typer.echo(f"accepted: {report.accepted:,} by all; " + ", ".join(
            f"{name} {n:,}" for name, n in report.accepted_by.items()))
    cex = report.counterexample
    if cex is None:
        typer.echo("agree" if report.agree else "disagree")
    else:
        typer.echo(f"shortest counterexample ({cex.found_by}): {cex.word!r} (length "
                   f"{cex.length}) accepted by {', '.join(cex.accepted_by) or 'none'}; "
                   f"rejected by {', '.join(cex.rejected_by) or 'none'}")


class _StateBar:
    """A tqdm counter of expanded states on standard error when it is a terminal."""

    def __enter__(self):
        self.bar = None
        if not sys.stderr.isatty():
            return None

        def update(done: int) -> None:
            if self.bar is None:
                self.bar = tqdm(unit="state", unit_scale=True, file=sys.stderr, leave=False)
            self.bar.update(done - self.bar.n)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


class _ProgressBar:
    """A tqdm bar on standard error when it is a terminal; otherwise nothing."""

    def __enter__(self):
        self.bar = None
        if not sys.stderr.isatty():
            return None

        def update(done: int, total: int) -> None:
            if self.bar is None:
                self.bar = tqdm(total=total, unit="word", unit_scale=True, file=sys.stderr,
                                leave=False)
            self.bar.update(done - self.bar.n)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


@app.command("dfa")
@_friendly
def dfa_command(
    family: str,
    params: list[str] = PARAM,
    model: str | None = model_option("which model"),
    max_len: int = typer.Option(None, "--max-len", "-L",
                                help="bound the words when no exact automaton exists"),
    dot: str = typer.Option(None, "--dot", help="write the minimal DFA as Graphviz DOT"),
    max_states: int = typer.Option(1_000_000, "--max-states", help="state bound"),
    time_limit: float = typer.Option(DFA_TIME_LIMIT, "--time-limit",
                                     help="time budget of the exploration (seconds; 0: none)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Minimal DFA of one model: exact (k-bit RNN extraction, B-RASP programs and
    UHATs with strict masks, LTL with past and future operators) or, with --max-len, of
    the words up to that length.

    The exact exploration stops at --max-states states, and early when, at the rate
    measured so far, reaching that bound would take longer than --time-limit
    (succinct.exact.budget).

    Example: succinct dfa ltl -p "formula=b & H(b -> Y a)" --model uhat --dot out.dot
    """
    fam = get_family(family)
    model = chosen_model(fam, model)
    recognizer = fam.build(model, parse_params(params))
    reason = exact_support(recognizer)
    if reason is None:
        within = f" within {time_limit:g} s (--time-limit)" if time_limit else ""
        typer.echo(f"dfa: exploring at most {max_states:,} states (--max-states){within}",
                   err=True)
        with _StateBar() as bar:
            try:
                automaton = exact_dfa(recognizer, max_states=max_states,
                                      time_limit=time_limit or None, progress=bar)
            except ExplorationBudgetExceeded as e:
                raise SuccinctError(f"{e}; pass a larger --time-limit to allow it (and a "
                                    "larger --max-states if the automaton may have more "
                                    "states), or a smaller --max-states to stop sooner"
                                    ) from None
            except StateLimitExceeded as e:
                raise SuccinctError(f"{e}; pass a larger --max-states to allow it") from None
    elif max_len is not None:
        k = len(recognizer.alphabet)
        typer.echo(f"dfa: {predicted_words(k, max_len):,} words of length 1..{max_len} over "
                   f"{k} symbols (membership of each)", err=True)
        automaton = bounded_dfa(recognizer, max_len)
    else:
        raise SuccinctError(f"{family} --model {model}: {reason}; pass --max-len L for the "
                            "minimal DFA of the words up to length L")
    if dot is not None:
        Path(dot).write_text(automaton.minimal.to_dot(f"{family} {model}"))
    if as_json:
        typer.echo(json.dumps(automaton.as_dict(), indent=2))
        return
    how = (f"exact, {automaton.method}" if automaton.exact
           else f"words up to length {automaton.max_len}")
    line = f"minimal DFA: {automaton.minimal.n_states} states ({how}; " \
        f"{automaton.explored:,} explored in {automaton.seconds:.2f} s"
    if automaton.bound is not None:
        line += f"; Prop 1 bound 2^(kD) = {automaton.bound:,}"
    typer.echo(line + ")")
