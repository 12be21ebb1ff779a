"""succinct: hand-built transformers (UHATs) and RNNs for formal languages.

Build a transformer or an RNN by hand as explicit, labelled weight matrices (or compile
one from a B-RASP program or an LTL formula), evaluate it exactly, size it with sympy
formulas that equal the counted weights, and check it against other models of the same
language. Companion to Bergsträßer, Cotterell, Lin, "Transformers are Inherently
Succinct" (ICLR 2026).

Importing ``succinct`` is cheap: the names below are loaded on first use (PEP 562), so a
tool that only needs ``succinct.words`` or the pytest plugin does not pay for JAX.

**The public API** is ``succinct.__all__`` and the ``__all__`` of each module in
:data:`PUBLIC_MODULES` (with the family modules of the ``constructions`` package, see
``docs/families.md``); everything else is internal and may change. The README and the
notebooks import only public names (``tests/test_public_api.py`` checks it).

``succinct.verify`` is the function :func:`succinct.verify.verify`, also once the module
of the same name is loaded: the import system would otherwise bind the submodule over the
package's attribute (``from succinct import verify`` would give a module), so the package
keeps the function (:class:`_Package`). The module's other names are reached with
``from succinct.verify import Report``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from succinct.automata.dfa import DFA as DFA
    from succinct.compiler.brasp_to_uhat import compile_program as compile_program
    from succinct.compiler.dfa_to_rnn import dfa_to_rnn as dfa_to_rnn
    from succinct.coords import Matrix as Matrix
    from succinct.coords import Space as Space
    from succinct.models.rnn import RNN as RNN
    from succinct.models.rnn import RNNBuilder as RNNBuilder
    from succinct.models.uhat import UHAT as UHAT
    from succinct.models.uhat import UHATBuilder as UHATBuilder
    from succinct.programs.brasp import FALSE as FALSE
    from succinct.programs.brasp import TRUE as TRUE
    from succinct.programs.brasp import Program as Program
    from succinct.programs.brasp import ProgramBuilder as ProgramBuilder
    from succinct.programs.ltl import Language as Language
    from succinct.programs.ltl import parse as parse_ltl
    from succinct.programs.ltl import to_brasp as to_brasp
    from succinct.recognizer import Predicate as Predicate
    from succinct.recognizer import Recognizer as Recognizer
    from succinct.recognizer import StepMachine as StepMachine
    from succinct.recognizer import accepts as accepts
    from succinct.sizes import count as count_sizes
    from succinct.verify import verify as verify
    from succinct.words import Alphabet as Alphabet
    from succinct.words import SuccinctError as SuccinctError

# public name -> (module, attribute), imported on first access
_LAZY: dict[str, tuple[str, str]] = {
    "DFA": ("succinct.automata.dfa", "DFA"),
    "compile_program": ("succinct.compiler.brasp_to_uhat", "compile_program"),
    "dfa_to_rnn": ("succinct.compiler.dfa_to_rnn", "dfa_to_rnn"),
    "Matrix": ("succinct.coords", "Matrix"),
    "Space": ("succinct.coords", "Space"),
    "RNN": ("succinct.models.rnn", "RNN"),
    "RNNBuilder": ("succinct.models.rnn", "RNNBuilder"),
    "UHAT": ("succinct.models.uhat", "UHAT"),
    "UHATBuilder": ("succinct.models.uhat", "UHATBuilder"),
    "FALSE": ("succinct.programs.brasp", "FALSE"),
    "TRUE": ("succinct.programs.brasp", "TRUE"),
    "Program": ("succinct.programs.brasp", "Program"),
    "ProgramBuilder": ("succinct.programs.brasp", "ProgramBuilder"),
    "Language": ("succinct.programs.ltl", "Language"),
    "parse_ltl": ("succinct.programs.ltl", "parse"),
    "to_brasp": ("succinct.programs.ltl", "to_brasp"),
    "Predicate": ("succinct.recognizer", "Predicate"),
    "Recognizer": ("succinct.recognizer", "Recognizer"),
    "StepMachine": ("succinct.recognizer", "StepMachine"),
    "accepts": ("succinct.recognizer", "accepts"),
    "count_sizes": ("succinct.sizes", "count"),
    "verify": ("succinct.verify", "verify"),
    "Alphabet": ("succinct.words", "Alphabet"),
    "SuccinctError": ("succinct.words", "SuccinctError"),
}

__all__ = [
    "Alphabet",
    "DFA",
    "FALSE",
    "Language",
    "Matrix",
    "Predicate",
    "Program",
    "ProgramBuilder",
    "RNN",
    "RNNBuilder",
    "Recognizer",
    "Space",
    "StepMachine",
    "SuccinctError",
    "TRUE",
    "UHAT",
    "UHATBuilder",
    "accepts",
    "compile_program",
    "count_sizes",
    "dfa_to_rnn",
    "parse_ltl",
    "to_brasp",
    "verify",
]

# Modules whose ``__all__`` is public API, besides the names above (module docstring).
PUBLIC_MODULES: tuple[str, ...] = (
    "succinct.atlas", "succinct.automata.dfa", "succinct.compiler.costs",
    "succinct.compiler.relax", "succinct.coords", "succinct.export", "succinct.interop",
    "succinct.learn", "succinct.learn.data", "succinct.models.softmax",
    "succinct.programs.holonomy", "succinct.recognizer", "succinct.registry",
    "succinct.sizes", "succinct.teach", "succinct.testing", "succinct.verdicts",
    "succinct.verify",
    "succinct.viz", "succinct.words",
)

# public names that are also the names of submodules: the package keeps the public name
_SHADOWED = frozenset(name for name, (module, _) in _LAZY.items()
                      if module == f"{__name__}.{name}")


class _Package(types.ModuleType):
    """The package module, refusing to let the import system bind a submodule over a
    public name of the same name (``succinct.verify``: the function, not the module)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return  # the submodule stays in sys.modules; the attribute is the function
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'succinct' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


sys.modules[__name__].__class__ = _Package
