"""The exercises of the course in ``notebooks/``: one module per notebook.

``course/nbNN.py`` defines ``EXERCISES``, the exercises of notebook ``NN`` (names
``"NN.slug"``); this package collects them all into :data:`EXERCISES`, which the
``succinct.exercises`` entry point hands to :mod:`succinct.teach`; ``course/dyck.py``
holds the Dyck-(1, 2) model and bracket counter that notebooks 10 and 11 share. The
solutions, and a
wrong answer that each exercise must reject, live apart in ``notebooks/solutions/``
(``tests/test_exercises.py`` runs both). Like the notebooks, these modules import only
public names.
"""

from __future__ import annotations

import importlib
import pkgutil

from succinct.teach import Exercise

__all__ = ["EXERCISES", "notebook_modules"]


def notebook_modules() -> list[str]:
    """The names of the per-notebook modules, ``nbNN``, in order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("nb"))


EXERCISES: tuple[Exercise, ...] = tuple(
    ex for name in notebook_modules()
    for ex in importlib.import_module(f"{__name__}.{name}").EXERCISES)
