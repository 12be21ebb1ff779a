"""Public testing helpers for users' own test suites.

* :func:`assert_same_language` (:mod:`succinct.testing.assertions`): the equivalence
  check of :func:`succinct.verify.verify` as an assertion with a readable message.
* :mod:`succinct.testing.pytest_plugin`: a pytest plugin (entry point ``pytest11``): the
  ``succinct_family`` marker and the ``--succinct-verify FAMILY`` option check a
  registered family's models in a user's suite.
* :mod:`succinct.testing.strategies`: hypothesis strategies for words, programs and
  formulas.
"""

from succinct.testing.assertions import assert_family_agrees as assert_family_agrees
from succinct.testing.assertions import assert_same_language as assert_same_language

__all__ = ["assert_same_language", "assert_family_agrees"]
