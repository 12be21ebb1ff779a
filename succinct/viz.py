"""Plots: size curves on a log scale, and heat-maps of labelled weight matrices.

Every function draws on a :class:`matplotlib.figure.Figure` created here (no pyplot
state, no backend switch, so nothing changes for the caller): the atlas saves them as
PNG from a terminal, and a notebook shows them by leaving the figure as a cell's value
(the figures render themselves as PNG, ``_repr_png_``).

* :func:`size_curves` — one axis of sizes against a size parameter, ``log`` y; points
  that come from a formula rather than a count are drawn hollow.
* :func:`sizes_figure` — one such axis per group.
* :func:`formula_axes` — one :class:`Panel` of the atlas: values already on the
  panel's scale (log₂ or log₂ log₂ of one measure, named on the y axis), lines for
  formulas (dashed: lower bounds for every model of a kind), filled markers for counted
  sizes, dotted vertical lines at crossovers with their parameter value.
* :func:`formula_figure` — several such panels, one legend.
* :func:`heatmap` — one weight matrix with its row and column labels.
* :func:`layer_heatmaps` — every matrix of one UHAT layer (or an RNN's ``W`` and
  ``U``), labelled with the coordinate names of the spaces it maps between.
* :func:`score_bars` — acceptance scores of several models on the same words.
* :func:`show` — a figure shown wherever the code runs: inline in Jupyter, in a window
  from a script, or saved as PNG (path printed) from a headless script.
"""

from __future__ import annotations

import io
import math
import os
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from succinct.models.rnn import RNN
from succinct.models.specs import FFN, Attention
from succinct.models.uhat import UHAT

__all__ = ["PngFigure", "Curve", "size_curves", "sizes_figure", "Series", "Panel",
           "formula_axes", "formula_figure", "heatmap", "layer_heatmaps", "score_bars",
           "show", "FIGURES_ENV"]

# Where a headless script saves the figures it shows (default: ./figures).
FIGURES_ENV = "SUCCINCT_FIGURES"
# Backends that draw no window: a script running under one saves its figures instead.
_FILE_BACKENDS = frozenset({"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"})
_saved: dict[str, int] = {}  # figures saved so far, per script

# One colour per quantity, so that every panel of the atlas reads the same way.
COLORS = {"UHAT params": "tab:blue", "UHAT bits": "tab:cyan", "RNN params": "tab:orange",
          "RNN k·D": "tab:red", "k·D lower bound (Prop 1)": "tab:pink",
          "DFA states": "tab:green", "LTL |φ|": "tab:purple"}
# One colour per kind of model in the atlas's formula panels (by the comparison's side).
SIDE_COLORS = {"UHAT": "tab:blue", "UHAT+PE": "tab:cyan", "UHAT+PE scan": "tab:cyan",
               "RNN": "tab:orange", "DFA": "tab:green", "LTL": "tab:purple"}


class PngFigure(Figure):
    """A figure that notebooks display as a PNG image without pyplot."""

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png")
        return buf.getvalue()


@dataclass
class Curve:
    """One quantity against the size parameter; ``None`` values are gaps.

    ``hollow[i]`` marks values taken from a formula instead of counted ones.
    """

    label: str  # a key of COLORS, optionally followed by " [group]"
    x: Sequence[float]
    y: Sequence[float | None]
    hollow: Sequence[bool] = field(default_factory=list)
    linestyle: str = "-"


def size_curves(ax: Axes, curves: Sequence[Curve], *, xlabel: str, title: str = "",
                xticklabels: Sequence[str] | None = None, legend: bool = True) -> Axes:
    """Draws ``curves`` on ``ax`` with a logarithmic y axis.

    ``xticklabels`` name the points ``x = 0, 1, …`` of rows without a numeric size
    parameter; such points are not joined by lines.
    """
    drawn = False
    for c in curves:
        pts = [(x, y, bool(c.hollow[i]) if i < len(c.hollow) else False)
               for i, (x, y) in enumerate(zip(c.x, c.y, strict=True)) if y is not None and y > 0]
        if not pts:
            continue
        drawn = True
        color = COLORS.get(c.label.split(" [")[0])
        style = "none" if xticklabels is not None else c.linestyle
        ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle=style, color=color,
                label=c.label, linewidth=1.5, marker="o", markersize=5)
        for x, y, h in pts:
            if h:  # formula values: hollow markers
                ax.plot([x], [y], marker="o", markersize=5, color=color,
                        markerfacecolor="white")
    if drawn:
        ax.set_yscale("log")
        if legend:
            ax.legend(fontsize=7, loc="upper left", frameon=False)
    else:
        ax.text(0.5, 0.5, "no sizes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    xs_all = sorted({x for c in curves for x in c.x})
    if xticklabels is not None:
        ax.set_xticks(range(len(xticklabels)), labels=list(xticklabels), rotation=20,
                      fontsize=7, ha="right")
        ax.set_xlim(-0.5, len(xticklabels) - 0.5)
    elif xs_all and all(float(x).is_integer() for x in xs_all) and len(xs_all) <= 12:
        ax.set_xticks(xs_all)
    return ax


def _panel_grid(n_panels: int, columns: int, panel_size: tuple[float, float], dpi: int,
                legend_room: float) -> tuple[Figure, Any, int, bool]:
    """A figure with a grid of ``n_panels`` axes, ``columns`` wide; ``legend_room`` inches
    below for a shared legend when there are several panels. Returns
    ``(figure, axes, columns used, shared legend?)``."""
    n = max(1, n_panels)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    shared = n_panels > 1
    fig = PngFigure(figsize=(panel_size[0] * cols,
                             panel_size[1] * rows + (legend_room if shared else 0)),
                    dpi=dpi, layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False), cols, shared


def sizes_figure(panels: Sequence[tuple[Any, ...]], *, columns: int = 3,
                 panel_size: tuple[float, float] = (4.2, 3.2), dpi: int = 80) -> Figure:
    """One :func:`size_curves` panel per ``(title, xlabel, curves)`` or
    ``(title, xlabel, curves, xticklabels)``; several panels share one legend."""
    fig, axes, cols, shared = _panel_grid(len(panels), columns, panel_size, dpi, 0.5)
    for ax, (title, xlabel, curves, *ticks) in zip(axes.flat, panels, strict=False):
        size_curves(ax, curves, xlabel=xlabel, title=title,
                    xticklabels=ticks[0] if ticks else None, legend=not shared)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    if shared:
        handles: dict[str, Any] = {}
        for ax in axes.flat:
            for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label.split(" [")[0], h)
        fig.legend(handles.values(), handles.keys(), loc="outside lower center",
                   ncols=min(len(handles), 4), fontsize=8, frameon=False)
    return fig


@dataclass
class Series:
    """Points ``(x, y)`` of one quantity, ``y`` already on its panel's scale."""

    label: str
    side: str  # the kind of model (a key of SIDE_COLORS), for the colour
    points: Sequence[tuple[float, float]]
    dashed: bool = False  # a lower bound for every model of the kind
    line: bool = True  # False: markers only (counted sizes)


@dataclass
class Panel:
    """One axis: its series, and vertical markers ``(x, text)``."""

    title: str
    xlabel: str
    ylabel: str  # names the scale and the one measure of the axis
    series: Sequence[Series]
    markers: Sequence[tuple[float, str]] = ()
    xticklabels: Sequence[str] | None = None  # points x = 0, 1, … named
    footnote: str = ""  # under the title: e.g. where a curve stops, and why


def formula_axes(ax: Axes, panel: Panel, *, legend: bool = True) -> Axes:
    """Draws ``panel`` on ``ax`` (linear axes: the values are already logarithms)."""
    for i, s in enumerate(panel.series):
        if not s.points:
            continue
        color = SIDE_COLORS.get(s.side, f"C{i % 10}")
        xs, ys = [p[0] for p in s.points], [p[1] for p in s.points]
        if s.line:
            ax.plot(xs, ys, linestyle="--" if s.dashed else "-", color=color, label=s.label,
                    linewidth=1.5, marker=".", markersize=4)
        else:
            ax.plot(xs, ys, linestyle="none", color=color, label=s.label, marker="o",
                    markersize=8, markeredgecolor="black", markeredgewidth=0.8, zorder=3)
    for x, text in panel.markers:
        ax.axvline(x, color="0.35", linestyle=":", linewidth=1.2)
        ax.annotate(text, (x, 0.02), xycoords=("data", "axes fraction"), rotation=90,
                    fontsize=7, ha="right", va="bottom", xytext=(-2, 0),
                    textcoords="offset points")
    if not any(s.points for s in panel.series):
        ax.text(0.5, 0.5, "no sizes", ha="center", va="center", transform=ax.transAxes)
    elif legend:
        ax.legend(fontsize=7, loc="upper left", frameon=False)
    ax.set_xlabel(panel.xlabel)
    ax.set_ylabel(panel.ylabel)
    ax.set_title("\n".join(textwrap.fill(t, 64) for t in (panel.title, panel.footnote) if t),
                 fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    if panel.xticklabels is not None:
        ax.set_xticks(range(len(panel.xticklabels)), labels=list(panel.xticklabels),
                      rotation=20, fontsize=7, ha="right")
        ax.set_xlim(-0.5, len(panel.xticklabels) - 0.5)
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    return ax


def formula_figure(panels: Sequence[Panel], *, columns: int = 3,
                   panel_size: tuple[float, float] = (4.6, 3.4), dpi: int = 80,
                   title: str = "") -> Figure:
    """One :func:`formula_axes` per panel; several panels share one legend."""
    fig, axes, cols, shared = _panel_grid(len(panels), columns, panel_size, dpi, 0.8)
    if title:
        fig.suptitle(title, fontsize=11)
    for ax, panel in zip(axes.flat, panels, strict=False):
        formula_axes(ax, panel, legend=not shared)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    if shared:
        handles: dict[str, Any] = {}
        for ax in axes.flat:
            for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, h)
        fig.legend(handles.values(), [textwrap.fill(label, 46) for label in handles],
                   loc="outside lower center", ncols=min(len(handles), cols + 1), fontsize=8,
                   frameon=False)
    return fig


def heatmap(weights: Any, rows: Sequence[str], cols: Sequence[str], *, title: str = "",
            ax: Axes | None = None, annotate: bool = True) -> Figure:
    """A weight matrix as a heat-map whose ticks are the coordinate labels.

    Zero is white, positive red, negative blue; small matrices get their values
    written in the cells.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim == 1:
        w = w[:, None]
    if w.shape != (len(rows), len(cols)):
        raise ValueError(f"matrix of shape {w.shape} with {len(rows)} row and {len(cols)} "
                         "column labels")
    if ax is None:
        fig = PngFigure(figsize=(1.2 + 0.32 * max(len(cols), 3),
                                 1.0 + 0.28 * max(len(rows), 3)), dpi=80, layout="constrained")
        ax = fig.subplots()
    else:
        fig = ax.figure
    top = float(np.abs(w).max()) or 1.0
    ax.imshow(w, cmap="RdBu_r", norm=TwoSlopeNorm(0.0, -top, top), aspect="auto")
    ax.set_xticks(range(len(cols)), labels=list(cols), rotation=90, fontsize=7)
    ax.set_yticks(range(len(rows)), labels=list(rows), fontsize=7)
    if annotate and w.size <= 400:
        for (r, c), v in np.ndenumerate(w):
            if v != 0:
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=6)
    ax.set_title(title, fontsize=9)
    return fig


def layer_heatmaps(model: UHAT | RNN, layer: int | None = None) -> Figure:
    """Every weight matrix of one UHAT layer (or of an RNN when ``layer`` is None).

    Attention: ``A`` and ``B`` (score space × input coordinates), ``C_v`` and ``C_a``
    (output × input coordinates). FFN: ``W_1``, ``W_2``, ``W_r``. RNN: ``W`` and ``U``.
    """
    if isinstance(model, RNN):
        units = model.spec.hidden.labels
        mats = [("W (unit ← unit)", model.params["W"], units, units),
                ("U (unit ← symbol)", model.params["U"], units, model.alphabet.symbols)]
    else:
        if layer is None:
            raise ValueError("give the layer index of a UHAT")
        spec = model.spec.layers[layer]
        p = model.params["layers"][layer]
        src = spec.source.labels
        tgt = spec.target.labels
        if isinstance(spec, Attention):
            q = spec.query.labels
            mats = [("A (query)", p["A_w"], q, src), ("B (key)", p["B_w"], q, src),
                    ("C_v (this position)", p["C_v"], tgt, src),
                    ("C_a (attended position)", p["C_a"], tgt, src)]
        elif isinstance(spec, FFN):
            h = spec.hidden.labels
            mats = [("W_1 (hidden ← input)", p["W_1"], h, src),
                    ("W_2 (output ← hidden)", p["W_2"], tgt, h),
                    ("W_r (output ← input)", p["W_r"], tgt, src)]
        else:
            raise ValueError(f"layer {layer} is a ReLU layer on {spec.coord!r}: no matrix")
    width = sum(1.2 + 0.3 * len(cols) for _, _, _, cols in mats)
    height = 1.4 + 0.27 * max(len(rows) for _, _, rows, _ in mats)
    fig = PngFigure(figsize=(min(width, 24), min(height, 18)), dpi=80, layout="constrained")
    axes = fig.subplots(1, len(mats), squeeze=False)[0]
    for ax, (title, w, rows, cols) in zip(axes, mats, strict=True):
        heatmap(np.asarray(w), rows, cols, title=title, ax=ax)
    return fig


def score_bars(words: Sequence[str], scores: Mapping[str, Sequence[float]], *,
               title: str = "") -> Figure:
    """Acceptance scores (positive: accept) of several models on the same words."""
    w = np.arange(len(words))
    fig = PngFigure(figsize=(min(max(5.0, 1.0 + 0.45 * len(words)), 16), 3.2), dpi=80,
                    layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(scores))
    for i, (name, ys) in enumerate(scores.items()):
        ax.bar(w + (i - (len(scores) - 1) / 2) * width, np.asarray(ys, float), width,
               label=name)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(w, labels=list(words), rotation=90, fontsize=7)
    ax.set_ylabel("acceptance score")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return fig


def _in_ipython() -> bool:
    """Whether an IPython shell or kernel runs this code (never imports IPython)."""
    ipython = sys.modules.get("IPython")
    return ipython is not None and getattr(ipython, "get_ipython", lambda: None)() is not None


def show(fig: Figure) -> None:
    """Shows ``fig`` wherever the code runs, so that a notebook's ``.py`` twin run as a
    script shows the same plots as the notebook.

    * **Jupyter** (an IPython kernel runs the code): displayed inline, as PNG.
    * **A script with a window backend** (``matplotlib.get_backend()`` draws windows,
      e.g. ``MPLBACKEND=TkAgg``): attached to pyplot and shown in a window; like
      ``plt.show()``, the call returns when the window is closed. (A pyplot too old to
      adopt a figure it did not make gets the headless behaviour.)
    * **A headless script** (a file backend such as ``agg``): saved as
      ``<dir>/<script>-<k>.png`` (``<dir>`` is ``$SUCCINCT_FIGURES`` or ``./figures``,
      ``<k>`` counts the script's figures from 1) and the path printed.

    Returns None, so that ``show(fig)`` as a cell's last line displays the figure once.
    """
    if _in_ipython():
        import IPython.display  # optional: only imported when an IPython kernel runs

        IPython.display.display(fig)
        return
    if matplotlib.get_backend().lower() not in _FILE_BACKENDS:
        import matplotlib.pyplot as plt  # lazy: pyplot (and a GUI toolkit) only for windows

        try:
            plt.figure(fig)  # pyplot adopts a figure it did not make (matplotlib ≥ 3.10)
        except (TypeError, ValueError):
            pass  # an older pyplot refuses: save the figure instead, below
        else:
            plt.show()
            return
    script = os.path.splitext(os.path.basename(sys.argv[0]))[0].lstrip("-") or "figure"
    folder = os.environ.get(FIGURES_ENV) or "figures"
    os.makedirs(folder, exist_ok=True)
    _saved[script] = _saved.get(script, 0) + 1
    path = os.path.join(folder, f"{script}-{_saved[script]}.png")
    fig.savefig(path, format="png")
    print(f"figure saved to {path}")
