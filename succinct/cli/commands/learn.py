"""``succinct learn``: train a softmax transformer or an RNN on a family's language with
optax, and score it against the reference.

::

    succinct learn FAMILY -p KEY=VALUE ... --arch {transformer,rnn}
        [--like uhat|rnn | --layers K --width R --units H] [--activation tanh|...]
        [--steps S] [--train-max-len L] [--seed s] [--lr LR] [--batch B]
        [--init random|construction] [--noise SIGMA] [--json]

(:func:`succinct.learn.learn`.) Scores: accuracy on the training words, on every word up
to ``L`` (or a stated sample when there are more than
:data:`succinct.learn.data.EXHAUSTIVE_LIMIT`), per length ``L+1 … 4L`` for members and
non-members apart, the shortest misclassified word, and for RNNs the automaton of the
quantized states. A progress bar runs on a terminal (not with ``--json``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from tqdm import tqdm

from succinct.cli.app import PARAM, _friendly, app
from succinct.learn import Budget, TrainConfig, learn
from succinct.registry import parse_params
from succinct.words import SuccinctError


class _TrainingBar:
    """A tqdm bar of optax steps on standard error when it is a terminal; else nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self):
        if not self.enabled:
            return None

        def update(done: int, total: int, loss: float) -> None:
            if self.bar is None:
                self.bar = tqdm(total=total, unit="step", file=sys.stderr, leave=False)
            self.bar.set_postfix(loss=f"{loss:.4g}")
            self.bar.update(done - self.bar.n)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def _fmt(acc: float | None) -> str:
    return "n/a" if acc is None else f"{acc:.4f}"


@app.command("learn")
@_friendly
def learn_command(
    family: str,
    params: list[str] = PARAM,
    arch: str = typer.Option(..., "--arch", help="transformer or rnn"),
    like: str = typer.Option(None, "--like",
                             help="match a construction's budget: uhat (transformer) or rnn"),
    layers: int = typer.Option(None, "--layers",
                               help="transformer blocks (without --like; default 2)"),
    width: int = typer.Option(None, "--width",
                              help="transformer residual width (without --like; default 8)"),
    units: int = typer.Option(None, "--units",
                              help="RNN units, or FFN hidden units per transformer block "
                                   "(default 8 / 2*width)"),
    activation: str = typer.Option("tanh", "--activation",
                                   help="RNN cell: tanh, sigmoid, relu or satlin"),
    steps: int = typer.Option(400, "--steps", help="optax steps"),
    train_max_len: int = typer.Option(8, "--train-max-len", "-L",
                                      help="longest training word L (scored up to 4L)"),
    seed: int = typer.Option(0, "--seed", help="seed of weights, words and batches"),
    lr: float = typer.Option(1e-2, "--lr", help="peak learning rate (AdamW)"),
    batch: int = typer.Option(128, "--batch", help="words per step (half members)"),
    init: str = typer.Option("random", "--init", help="random or construction"),
    noise: float = typer.Option(0.0, "--noise",
                                help="Gaussian noise added to the construction's weights"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Train a transformer or an RNN on a family's language and score it exhaustively up
    to L and on lengths L+1..4L against the reference.

    Example: succinct learn ltl -p "formula=Y a" -p alphabet=ab --arch rnn --steps 400
    """
    cfg = TrainConfig(steps=steps, train_max_len=train_max_len, seed=seed, lr=lr,
                      batch=batch)
    explicit = [f for f, v in (("--layers", layers), ("--width", width), ("--units", units))
                if v is not None]
    if like is not None and explicit:
        raise SuccinctError(f"--like {like} takes the construction's budget; drop "
                            f"{', '.join(explicit)} (or drop --like for an explicit budget)")
    budget = Budget(like=like, layers=2 if layers is None else layers,
                    width=8 if width is None else width, units=units, activation=activation)
    with _TrainingBar(not as_json) as bar:
        result = learn(family, parse_params(params), arch=arch, budget=budget, cfg=cfg,
                       init=init, noise=noise, progress=bar)
    r = result.report
    if as_json:
        typer.echo(json.dumps(r, indent=2, default=str, ensure_ascii=False))
        return
    typer.echo(f"{family} {r['family_params']}: {r['network']}")
    if r["construction"]:
        typer.echo(f"budget like {r['construction']} ({r['construction_params']} "
                   "parameters)")
    typer.echo(f"trained {r['steps']} steps on words of length ≤ {r['train_max_len']} in "
               f"{r['seconds']:.1f} s (seed {r['seed']}); loss {_num(r['loss_first'])} → "
               f"{_num(r['loss_last'])}")
    typer.echo(f"train accuracy {_fmt(r['train_accuracy'])} ({r['train_words']:,} words)")
    typer.echo(f"accuracy up to L = {r['train_max_len']} ({r['evaluation']}, "
               f"{r['words_up_to_L']:,} words): {_fmt(r['accuracy_up_to_L'])} (members "
               f"{_fmt(r['member_accuracy_up_to_L'])}, non-members "
               f"{_fmt(r['non_member_accuracy_up_to_L'])})")
    g = r["length_generalization"]
    typer.echo(f"lengths {g['lengths'][0]}..{g['lengths'][1]}: members {_fmt(g['members'])} "
               f"({g['n_members']:,}), non-members {_fmt(g['non_members'])} "
               f"({g['n_non_members']:,})")
    err = r["shortest_error"]
    typer.echo("misclassified: none" if err is None else
               f"shortest misclassified word: {err['word']!r} (length {err['length']}, "
               f"{'member' if err['member'] else 'non-member'}, {err['found_in']})")
    if "exactness" in r:
        typer.echo(f"start from the construction (noise {r['noise']}): exactness "
                   f"{r['exactness']}")
    ext = r.get("extraction")
    if ext is not None:
        typer.echo(f"extracted automaton: {ext['states']} states (minimal)" if
                   ext["quantizable"] else f"no automaton extracted: {ext.get('note')}")
