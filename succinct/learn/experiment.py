"""One learnability experiment: a family, a budget, a start, training, scores.

:func:`learn` builds the family's language (:func:`succinct.learn.data.language`), a
network of the requested budget (:mod:`succinct.learn.nets`: explicit, or ``like`` a
construction, whose parameter count is reported beside the trained one), trains it
(:func:`succinct.learn.train.train`), exports it as a library model and scores it
(:func:`succinct.learn.train.score`; RNNs also :func:`succinct.learn.train.extract`).
With ``init="construction"`` training starts from the construction's weights (the
relaxed UHAT of :func:`succinct.compiler.relax.relax`, certified for words up to 4L when
float32 allows, or the family's RNN) plus Gaussian noise of scale ``noise``, and the
result says whether the start was exact and whether training kept it exact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import jax
import numpy as np

from succinct.compiler.relax import relax
from succinct.learn.data import language
from succinct.learn.nets import Net, rnn_net, transformer_net
from succinct.learn.train import TrainConfig, Trained, extract, score, train
from succinct.models.rnn import RNN
from succinct.registry import get_family
from succinct.words import SuccinctError

__all__ = ["Budget", "learn", "LearnResult"]


@dataclass(frozen=True)
class Budget:
    """``like`` (``"uhat"``: the relaxed UHAT's layers and shapes; ``"rnn"``: the family's
    RNN's units) or explicit ``layers``/``width``/``units`` (FFN hidden units of a
    transformer block, or RNN units), and the RNN's ``activation``."""

    like: Literal["uhat", "rnn"] | None = None
    layers: int = 2
    width: int = 8
    units: int | None = None
    activation: str = "tanh"


@dataclass
class LearnResult:
    """The JSON-ready ``report`` and the objects behind it."""

    report: dict[str, Any]
    trained: Trained
    model: Any  # the exported library model
    construction: Any = None
    automaton: Any = field(default=None, repr=False)


def _construction(fam: Any, raw: Mapping[str, Any], arch: str, like: str,
                  max_len: int) -> tuple[Any, str]:
    if arch == "transformer" and like != "uhat" or arch == "rnn" and like != "rnn":
        want = "uhat" if arch == "transformer" else "rnn"
        raise SuccinctError(f"--arch {arch} takes --like {want}, not --like {like}")
    if like not in fam.models:
        raise SuccinctError(f"family {fam.name} has no {like} construction (models: "
                            f"{', '.join(fam.models)}); give an explicit budget instead")
    model = fam.build(like, raw)
    if arch == "rnn":
        if not isinstance(model, RNN):
            raise SuccinctError(f"the {like} model of {fam.name} is a "
                                f"{type(model).__name__}, not an Elman RNN")
        return model, "the family's RNN"
    for n in (4 * max_len, max_len):
        try:
            return relax(model, n), f"relaxed UHAT, certified for words of length ≤ {n}"
        except SuccinctError as e:
            why = str(e)
    raise SuccinctError(f"the family's UHAT cannot be relaxed at length {max_len}: {why}")


def _dense_params(model: Any) -> int | None:
    """Every entry of the construction's weight arrays (its dense parameter count)."""
    if model is None:
        return None
    return int(sum(np.size(a) for a in jax.tree_util.tree_leaves(model.params)))


def learn(family: str, raw: Mapping[str, Any], *, arch: Literal["transformer", "rnn"],
          budget: Budget = Budget(), cfg: TrainConfig = TrainConfig(),
          init: Literal["random", "construction"] = "random", noise: float = 0.0,
          progress: Callable[[int, int, float], None] | None = None) -> LearnResult:
    """Trains and scores one network (module docstring)."""
    if arch not in ("transformer", "rnn"):
        raise SuccinctError(f"--arch must be transformer or rnn, got {arch!r}")
    if init not in ("random", "construction"):
        raise SuccinctError(f"--init must be random or construction, got {init!r}")
    if not noise >= 0:
        raise SuccinctError(f"--noise must be ≥ 0, got {noise}")
    fam = get_family(family)
    resolved = fam.resolve(raw)
    lang = language(fam, raw)
    L = cfg.train_max_len
    key = jax.random.PRNGKey(cfg.seed)
    construction, about = None, None
    if budget.like is not None:
        construction, about = _construction(fam, raw, arch, budget.like, L)
    elif init == "construction":
        raise SuccinctError("--init construction needs --like uhat (transformer) or --like "
                            "rnn (RNN): the construction to start from")
    net: Net
    if arch == "transformer":
        net = transformer_net(lang.alphabet, key, layers=budget.layers, width=budget.width,
                              units=budget.units, like=construction, start=init, noise=noise)
    else:
        net = rnn_net(lang.alphabet, key, units=8 if budget.units is None else budget.units,
                      activation=budget.activation, like=construction, start=init,
                      noise=noise)
    trained = train(net, lang, cfg, progress)
    model = net.export(trained.params, 4 * L)
    scores, upto = score(model, lang, trained.pool, L, cfg.seed)
    report: dict[str, Any] = {
        "family": family, "family_params": resolved, "arch": arch,
        "network": net.describe(), "params": net.n_params,
        "budget": {"like": budget.like} if budget.like else
        ({"layers": budget.layers, "width": budget.width,
          "units": budget.units if budget.units is not None else 2 * budget.width}
         if arch == "transformer" else {"units": budget.units or 8,
                                        "activation": budget.activation}),
        "construction_params": _dense_params(construction),
        "construction": about,
        "init": init, "noise": noise if init == "construction" else None,
        "train_max_len": L, "steps": cfg.steps, "seed": cfg.seed, "lr": cfg.lr,
        "batch": cfg.batch, "seconds": trained.seconds,
        "loss_first": float(trained.losses[0]) if len(trained.losses) else None,
        "loss_last": float(trained.losses[-1]) if len(trained.losses) else None,
        **scores,
    }
    if init == "construction":
        start = net.export(net.init, 4 * L)
        start_scores, _ = score(start, lang, trained.pool, L, cfg.seed)
        report["start"] = {k: start_scores[k] for k in
                           ("accuracy_up_to_L", "exhaustive_accuracy", "shortest_error")}
        was = start_scores["accuracy_up_to_L"] == 1.0
        now = scores["accuracy_up_to_L"] == 1.0
        report["exactness"] = ("kept" if was and now else "lost" if was else
                               "gained" if now else "never exact")
    automaton = None
    if isinstance(model, RNN):
        ext = extract(model, upto)
        automaton = ext.pop("dfa", None)
        if automaton is not None and lang.automaton is not None:
            ext["equivalent_to_reference"] = bool(
                automaton.equivalent(lang.automaton)[0])
        report["extraction"] = ext
    return LearnResult(report, trained, model, construction, automaton)
