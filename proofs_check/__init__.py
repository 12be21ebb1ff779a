"""The paper's claims, checked at small sizes: one claim per module.

Every module ``proofs_check/<claim>.py`` has a docstring stating the claim and what is
checked, and a function ``check() -> list[dict]`` that raises ``AssertionError`` (with a
message) when the check fails and otherwise returns rows of figures. Modules are
discovered automatically: ``python -m proofs_check`` prints every module's figures and
``tests/test_proofs_check.py`` runs every ``check()``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["claim_modules", "load"]


def claim_modules() -> list[str]:
    """Names of the claim modules (every module of this package not starting with _)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(name: str) -> ModuleType:
    """Imports the claim module ``name``."""
    return importlib.import_module(f"{__name__}.{name}")
