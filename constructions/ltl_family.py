"""The family ``ltl``: the language of an LTL formula given on the command line.

``L(φ)`` over an alphabet, with three models:

* ``reference`` — the LTL evaluator (recursive unfolding of S and U);
* ``brasp`` — the Prop 16 program: one predicate per subformula;
* ``uhat`` — that program compiled by Lemma 9 (``-p mode=ffn`` or ``mode=lemma9``).

Example: the paper's Example 1, ``(ab)+``::

    succinct accepts ltl -p "formula=b & H(b -> Y a) & H((a & Y true) -> Y b)" \\
        -p alphabet=ab --model uhat ab abab aba

Sizes: the formula's ``|φ|`` (nodes), the program's predicates and description size,
and the compiled UHAT's counted sizes with the per-op formulas of
:func:`succinct.compiler.costs.compiled_op_formulas`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from succinct.compiler.brasp_to_uhat import compile_program
from succinct.compiler.costs import model_report
from succinct.programs.ltl import Binary, Language, Unary, parse, to_brasp
from succinct.registry import Family, Param, register
from succinct.words import Alphabet

TEMPORAL = {"S", "U", "Y", "P", "H", "X", "F", "G"}


def _alphabet(p: Mapping[str, Any]) -> Alphabet:
    return Alphabet.of(p["alphabet"])


def _formula(p: Mapping[str, Any]):
    return parse(p["formula"], _alphabet(p))


def _temporal_depth(f) -> int:
    kids = [_temporal_depth(c) for c in f.children()]
    here = 1 if isinstance(f, Unary | Binary) and f.op in TEMPORAL else 0
    return here + max(kids, default=0)


def _compiled(p: Mapping[str, Any]):
    return compile_program(to_brasp(_formula(p), _alphabet(p)), p["mode"])


def sizes(p: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Sizes of every model of ``L(φ)``."""
    phi = _formula(p)
    alphabet = _alphabet(p)
    program = to_brasp(phi, alphabet)
    compiled = compile_program(program, p["mode"])
    code_bits = max(1, (len(alphabet) + 12).bit_length())
    return {
        "reference": {
            "kind": "ltl", "params": phi.size(), "layers": _temporal_depth(phi),
            "width": len(phi.subformulas()), "bits": phi.size() * code_bits,
            "formulas": {"params": "|φ| (syntax-tree nodes)",
                         "layers": "temporal nesting depth",
                         "bits": f"|φ|·⌈log2(|Σ| + 13)⌉ = |φ|·{code_bits}"},
        },
        "brasp": {
            "kind": "brasp", "params": len(program.ops), "layers": program.attention_depth(),
            "width": len(program.ops), "bits": program.bits(),
            "attention_ops": len(program.attention_ops),
            "formulas": {"params": "Π = |Σ| + (subformulas that are not atoms)",
                         "bits": "(description size + Π)·⌈log2(Π + 8)⌉ + 3·(attention ops)"},
        },
        "uhat": model_report(compiled.model, compiled),
    }


register(Family(
    name="ltl",
    description="L(φ) for an LTL formula with strict past/future operators (Prop 16)",
    params=(
        Param("formula", str, help="LTL formula, e.g. 'b & H(b -> Y a)'"),
        Param("alphabet", str, default="ab", help="symbols, one character each"),
        Param("mode", str, default="ffn", choices=("ffn", "lemma9"),
              help="compile mode of the uhat model"),
    ),
    alphabet=_alphabet,
    models={
        "reference": lambda p: Language(_formula(p), _alphabet(p)),
        "brasp": lambda p: to_brasp(_formula(p), _alphabet(p)),
        "uhat": lambda p: _compiled(p).model,
    },
    # Y^n a: the (n+1)-th symbol from the end is a: |φ| = n + 1, DFA 2^(n+1) states.
    atlas=lambda full: [{"formula": "Y " * n + "a"} for n in range(9 if full else 5)],
    sizes=sizes,
    model_help={"reference": "LTL evaluator", "brasp": "Prop 16 B-RASP program",
                "uhat": "Lemma 9 compiled UHAT"},
))
