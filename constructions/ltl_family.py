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

For the atlas rows ``φ = Y^n x`` (``Y Y … Y x``, n ≥ 0 Y's, x a symbol) the sizes also
carry closed forms in n (:func:`y_power_formulas`): the program is ``φ_1 = ▶[j<i, 1]
Q_x(j) : 0`` and ``φ_k = ▶[j<i, 1] φ_{k−1}(j) : 0`` (k ≤ n), each one attention layer
(copies ``a.x`` and ``vis``, query width 1) and one FFN block ``vis ∧ a.x``; in compact
mode ``φ_k`` drops ``φ_{k−1}`` (its only reader), so the residual stays at ``|Σ| + 1``.
For n = 0 the output is the literal ``Q_x`` (one affine step). ``L(Y^n x)`` is "the
(n+1)-th symbol from the end is x"; its minimal DFA remembers the last n + 1 symbols'
x-or-not: ``2^(n+1)`` states (reported as the model ``dfa``, by the formula; the atlas
recomputes it through the exact automaton of the UHAT).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import sympy as sp

from constructions.gadgets import GATE2, Attn, OpPlan, uhat_closed_forms
from succinct.compiler.brasp_to_uhat import MODES, CompiledProgram, compile_program
from succinct.compiler.costs import compiled_report
from succinct.programs.ltl import Atom, Formula, Language, Unary, parse, to_brasp
from succinct.registry import Family, Param, register
from succinct.sizes import SizeReport, dfa_report
from succinct.words import Alphabet

# the Y's of φ = Y^n x (n ≥ 0: unlike succinct.sizes.n, zero is allowed)
n_sym = sp.Symbol("n", integer=True, nonnegative=True)


def _alphabet(p: Mapping[str, Any]) -> Alphabet:
    return Alphabet.of(p["alphabet"])


def _formula(p: Mapping[str, Any]):
    return parse(p["formula"], _alphabet(p))


@functools.cache  # compiled once for the sizes and the models
def _compiled(formula: str, alphabet: str, mode: str) -> CompiledProgram:
    a = Alphabet.of(alphabet)
    return compile_program(to_brasp(parse(formula, a), a), mode)


def y_power(phi: Formula) -> int | None:
    """n when ``φ = Y^n x`` for a symbol x (n ≥ 0), else None."""
    depth = 0
    while isinstance(phi, Unary) and phi.op == "Y":
        phi, depth = phi.x, depth + 1
    return depth if isinstance(phi, Atom) else None


@functools.cache
def y_power_formulas(n_symbols: int, mode: str) -> dict[str, Any]:
    """Closed forms in n (:data:`n_sym`) for ``φ = Y^n x`` over ``n_symbols``
    symbols: the UHAT compiled in ``mode`` (module docstring; Piecewise at n = 0, 1),
    ``|φ| = n + 1`` and the minimal DFA's ``2^(n+1)`` states."""
    first = OpPlan("φ_1", (GATE2,), attn=Attn(vis=True, lit=False))
    chain = OpPlan("φ_k", (GATE2,), attn=Attn(vis=True, lit=False), drops=1,
                   chain=(2, n_sym))
    cases = [(uhat_closed_forms([OpPlan("φ_0", root=(1, 0))], n_symbols, mode), 0),
             (uhat_closed_forms([first], n_symbols, mode), 1)]
    general = uhat_closed_forms([first, chain], n_symbols, mode)
    out: dict[str, Any] = {}
    for key, expr in general.items():
        pieces = [(sp.Integer(f[key]), sp.Eq(n_sym, at)) for f, at in cases
                  if expr.subs(n_sym, at) != f[key]]
        out[key] = sp.Piecewise(*pieces, (expr, True)) if pieces else expr
    return {**out, "formula_size": n_sym + 1, "dfa_states": 2 ** (n_sym + 1)}


def sizes(p: Mapping[str, Any]) -> dict[str, SizeReport]:
    """Sizes of every model of ``L(φ)`` (and, for ``φ = Y^n x``, the closed forms in n
    and the minimal DFA)."""
    compiled = _compiled(p["formula"], p["alphabet"], p["mode"])
    out = {
        "reference": Language(_formula(p), _alphabet(p)).size_report(),
        "brasp": compiled.program.size_report().with_(
            notes={"params": "Π = |Σ| + (subformulas that are not atoms)"}),
        "uhat": compiled_report(compiled),
    }
    power = y_power(_formula(p))
    if power is None:
        return out
    forms = y_power_formulas(len(_alphabet(p)), p["mode"])
    values = {k: int(f.subs(n_sym, power)) for k, f in forms.items()}
    uhat_keys = [k for k in forms if k.startswith("uhat_")]
    out["uhat"] = out["uhat"].with_(
        formulas={f"closed form in n (φ = Y^n x, {p['mode']} mode)":
                  {k: forms[k] for k in uhat_keys}},
        formula_values={k: values[k] for k in uhat_keys})
    out["dfa"] = dfa_report(values["dfa_states"], len(_alphabet(p))).with_(
        formulas={"dfa_states": forms["dfa_states"]},
        formula_values={"dfa_states": values["dfa_states"]},
        notes={"dfa_states": "the last n + 1 symbols, x or not (by the formula)"})
    return out


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
