"""The family ``ltl``: the language of an LTL formula given on the command line.

``L(φ)`` over an alphabet, with three models:

* ``reference`` — the LTL evaluator (recursive unfolding of S and U);
* ``brasp`` — the Prop 16 program: one predicate per subformula;
* ``uhat`` — that program compiled by Lemma 9 (``-p mode=compact``, the default, ``ffn``
  or ``lemma9``).

Example: the paper's Example 1, ``(ab)+``::

    succinct accepts ltl -p "formula=b & H(b -> Y a) & H((a & Y true) -> Y b)" \\
        -p alphabet=ab --model uhat ab abab aba

Sizes: the formula's ``|φ|`` (nodes), the program's predicates and description size,
and the compiled UHAT's counted sizes with the per-op formulas of
:func:`succinct.compiler.costs.compiled_op_formulas`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from succinct.compiler.brasp_to_uhat import MODES, CompiledProgram, compile_program
from succinct.compiler.costs import compiled_report
from succinct.programs.ltl import Language, parse, to_brasp
from succinct.registry import Family, Param, register
from succinct.sizes import SizeReport
from succinct.words import Alphabet


def _alphabet(p: Mapping[str, Any]) -> Alphabet:
    return Alphabet.of(p["alphabet"])


def _formula(p: Mapping[str, Any]):
    return parse(p["formula"], _alphabet(p))


@functools.cache  # compiled once for the sizes and the models
def _compiled(formula: str, alphabet: str, mode: str) -> CompiledProgram:
    a = Alphabet.of(alphabet)
    return compile_program(to_brasp(parse(formula, a), a), mode)


def sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Sizes of every model of ``L(φ)``."""
    compiled = _compiled(p["formula"], p["alphabet"], p["mode"])
    return {
        "reference": Language(_formula(p), _alphabet(p)).size_report(),
        "brasp": compiled.program.size_report().with_(
            notes={"params": "Π = |Σ| + (subformulas that are not atoms)"}),
        "uhat": compiled_report(compiled),
    }


register(Family(
    name="ltl",
    description="L(φ) for an LTL formula with strict past/future operators (Prop 16)",
    params=(
        Param("formula", str, help="LTL formula, e.g. 'b & H(b -> Y a)'"),
        Param("alphabet", str, default="ab", help="symbols, one character each"),
        Param("mode", str, default="compact", choices=MODES,
              help="compile mode of the uhat model"),
    ),
    alphabet=_alphabet,
    models={
        "reference": lambda p: Language(_formula(p), _alphabet(p)),
        "brasp": lambda p: to_brasp(_formula(p), _alphabet(p)),
        "uhat": lambda p: _compiled(p["formula"], p["alphabet"], p["mode"]).model,
    },
    # Y^n a: the (n+1)-th symbol from the end is a: |φ| = n + 1, DFA 2^(n+1) states.
    atlas=lambda full: [{"formula": "Y " * n + "a"} for n in range(9 if full else 5)],
    sizes=sizes,
    model_help={"reference": "LTL evaluator", "brasp": "Prop 16 B-RASP program",
                "uhat": "Lemma 9 compiled UHAT"},
))
