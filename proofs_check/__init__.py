"""The paper's claims, checked at small sizes: one claim per module.

Every module ``proofs_check/<claim>.py`` has a docstring stating the claim and what is
checked, and a function ``check() -> list[dict]`` that raises ``AssertionError`` (with a
message) when the check fails and otherwise returns rows of figures. Modules are
discovered automatically: ``python -m proofs_check`` prints every module's figures and
``tests/test_proofs_check.py`` runs every ``check()`` (and plants, for every check, a bug
it must catch).

Some checks are opt-in because they take long: they run when the environment variable
``PROOFS_CHECK_FULL`` is ``1`` (``python -m proofs_check --full`` sets it); see
:func:`full`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from types import ModuleType

__all__ = ["claim_modules", "load", "full", "FULL_ENV"]

FULL_ENV = "PROOFS_CHECK_FULL"


def full() -> bool:
    """Whether the opt-in (long) checks run: ``PROOFS_CHECK_FULL=1``."""
    return os.environ.get(FULL_ENV) == "1"


def claim_modules() -> list[str]:
    """Names of the claim modules (every module of this package not starting with _)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(name: str) -> ModuleType:
    """Imports the claim module ``name``."""
    return importlib.import_module(f"{__name__}.{name}")
