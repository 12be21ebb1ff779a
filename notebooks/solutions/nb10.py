"""Solutions and planted wrong answers of notebook 10's exercises (``course/nb10.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from succinct import UHAT
from succinct.interop import from_nnx, to_nnx
from succinct.registry import get_family

PARAMS = {"k": 1, "D": 2}


def _edited(coordinate: str, entry: tuple[str, str], value: float,
            matrix: str = "C_a") -> UHAT:
    """The Dyck-(1, 2) UHAT with entry ``entry`` of ``matrix`` set to ``value`` in the
    layer that writes ``coordinate``."""
    uhat = get_family("dyck").build("uhat", PARAMS)
    index = next(i for i, layer in enumerate(uhat.spec.layers)
                 if coordinate in layer.target.labels)
    module = to_nnx(uhat)
    module.set_entry(f"layers.{index}.{matrix}", entry, value)
    return from_nnx(module, like=uhat)


def break_round_1() -> UHAT:
    """Round 1 never learns that the attended bracket is an opener: no pair cancels,
    so () stays unmatched and is rejected."""
    return _edited("L1~a.open", ("L1~a.open", "open"), 0)


def break_round_2() -> UHAT:
    """Planted (the notebook's edit): round 2 breaks, but () is cancelled in round 1."""
    return _edited("L2~a.open", ("L2~a.open", "open"), 0)


def accept_depth_3() -> UHAT:
    """Z's hidden unit is ReLU(−U2 − Z~a.U2 + 1); with bias 3 it is positive even with
    two unmatched brackets (the outer pair of ((())) after two rounds)."""
    return _edited("Z", ("Z~g0:h",), 3, matrix="b_1")


def harmless() -> UHAT:
    """Planted (the notebook's harmless edit): L1~vis no longer counts a ) as seen;
    the model still decides Dyck-(1, 2) exactly, so ((())) stays rejected."""
    return _edited("L1~vis", ("L1~vis", "Q_)"), 0)


SOLUTIONS: dict[str, Callable[[], Any]] = {
    "10.break-round-1": break_round_1,
    "10.accept-depth-3": accept_depth_3,
}
WRONG: dict[str, Callable[[], Any]] = {
    "10.break-round-1": break_round_2,
    "10.accept-depth-3": harmless,
}
