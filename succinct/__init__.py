"""succinct: hand-built transformers (UHATs) and RNNs for formal languages.

Build a transformer or an RNN by hand as explicit, labelled weight matrices (or compile
one from a B-RASP program or an LTL formula), evaluate it exactly, size it with sympy
formulas that equal the counted weights, and check it against other models of the same
language. Companion to Bergsträßer, Cotterell, Lin, "Transformers are Inherently
Succinct" (ICLR 2026).
"""

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
from succinct.words import Alphabet as Alphabet
from succinct.words import SuccinctError as SuccinctError

__all__ = [
    "FALSE", "TRUE", "Program", "ProgramBuilder", "compile_program", "Matrix", "Space",
    "Language", "parse_ltl", "to_brasp", "Predicate", "Recognizer", "StepMachine", "accepts",
    "RNN", "RNNBuilder", "count_sizes", "UHAT", "UHATBuilder", "Alphabet", "SuccinctError",
    "DFA", "dfa_to_rnn",
]
