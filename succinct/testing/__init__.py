"""Public testing helpers for users' own test suites.

* :func:`assert_same_language` (:mod:`succinct.testing.assertions`): the equivalence
  check of :func:`succinct.verify.verify` as an assertion with a readable message;
  :func:`assert_family_agrees`: the same for a registered family's models.
* :mod:`succinct.testing.pytest_plugin`: a pytest plugin (entry point ``pytest11``): the
  ``succinct_family`` marker and the ``--succinct-verify FAMILY`` option check a
  registered family's models in a user's suite.
* :mod:`succinct.testing.strategies`: hypothesis strategies for words, programs and
  formulas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from succinct.testing.assertions import assert_family_agrees, assert_same_language

__all__ = ["assert_same_language", "assert_family_agrees"]


def __getattr__(name: str) -> Any:
    """The assertions, imported on first use (PEP 562)."""
    if name in __all__:
        # lazy: pytest imports this package whenever it loads the plugin (pytest11 entry
        # point), in every run; the assertions import verify and the registry (JAX, the
        # families) only when a test uses them
        from succinct.testing import assertions
        return getattr(assertions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
