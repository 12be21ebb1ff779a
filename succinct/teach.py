"""Exercises that check themselves: :func:`check_exercise` and the kinds of exercise.

A course's exercises are :class:`Exercise` objects with a name ``"NN.slug"`` (``NN``: the
notebook) and a prompt. ``check_exercise(name, answer)`` checks a student's answer and
returns :class:`Feedback`: whether it is right, one paragraph saying why, and, where the
answer is a model of a language, the **shortest word** on which it is wrong. A missing
answer (``None``) gets "no answer yet" and the prompt, so a notebook whose exercises are
not done still runs.

Every check compares the answer with an **independent** expectation, never with a
formula of the library about itself:

* :class:`LanguageExercise` — the answer is a recognizer (a UHAT, an RNN, a B-RASP
  program, an LTL language, a DFA, …). It is compared with the exercise's reference by
  :func:`succinct.verify.verify` on every word of length ``1..max_len`` (shortlex order,
  so the first disagreement is the shortest) and, with ``unbounded``, on all words
  through the canonical minimal DFAs of both.
* :class:`FormulaExercise` — the answer is a size formula (a sympy expression or a
  string such as ``"3*n + 25"``). It must give, at every parameter value in ``at``, the
  size **counted** on the built object by the exercise's ``counted`` function.
* :class:`ValueExercise` — the answer is a value (a number, a word, a symbol). It must
  equal ``expected()``, which computes it by an independent route (minimisation, brute
  force, counting).
* :class:`BreakExercise` — the answer is a model edited from ``build()``. It must differ
  from the original in at most ``edits`` weight entries (:func:`succinct.export.flat_weights`)
  and be wrong on some word up to ``max_len`` (or on ``target``); the feedback names the
  shortest word it now gets wrong.

The catalogue. Exercises are found through the ``succinct.exercises`` entry point group:
each entry point names a module whose ``EXERCISES`` tuple lists them (this project's
course is the ``course`` package, one module per notebook; its solutions live in
``notebooks/solutions/``). :func:`register` adds exercises by hand, e.g. a teacher's own.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from tokenize import TokenError
from typing import Any

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from succinct.export import flat_weights
from succinct.recognizer import Recognizer
from succinct.sizes import kind_words
from succinct.verify import Report, verify
from succinct.words import SuccinctError

__all__ = ["Feedback", "Exercise", "LanguageExercise", "FormulaExercise", "ValueExercise",
           "BreakExercise", "check_exercise", "get_exercise", "exercises", "register",
           "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "succinct.exercises"

_TRANSFORMATIONS = (*standard_transformations, implicit_multiplication_application,
                    convert_xor)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``ok``, a message, and the shortest counterexample (a
    word, for answers that are models of a language) when there is one. Prints as one
    line starting with ✓ or ✗; true iff the answer is right."""

    name: str
    ok: bool
    message: str
    counterexample: str | None = None

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.message}"

    __repr__ = __str__


@dataclass(frozen=True)
class Exercise:
    """An exercise: its name ``"NN.slug"`` (``NN`` is its notebook) and its prompt.
    Subclasses implement :meth:`judge`; :meth:`check` adds the "no answer yet" case and
    turns a :class:`SuccinctError` raised by the answer into feedback."""

    name: str
    prompt: str

    @property
    def notebook(self) -> str:
        """The two-digit number of the notebook the exercise belongs to."""
        return self.name.split(".", 1)[0]

    def check(self, answer: Any) -> Feedback:
        if answer is None:
            return self.feedback(False, f"no answer yet. {self.prompt}")
        try:
            return self.judge(answer)
        except SuccinctError as e:
            return self.feedback(False, f"your answer could not be checked: {e}")

    def judge(self, answer: Any) -> Feedback:
        raise NotImplementedError

    def feedback(self, ok: bool, message: str, counterexample: str | None = None) -> Feedback:
        return Feedback(self.name, ok, message, counterexample)


def _disagreement(report: Report, yours: str, theirs: str) -> tuple[str, str]:
    """(message, word) for the shortest word on which ``yours`` and ``theirs`` differ."""
    cex = report.counterexample
    assert cex is not None
    if yours in cex.accepted_by:
        said = f"yours accepts {cex.word!r} (length {cex.length}), {theirs} rejects it"
    else:
        said = f"yours rejects {cex.word!r} (length {cex.length}), {theirs} accepts it"
    return said, cex.word


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an RNN", "a UHAT", "an int", "a Language"
    (an acronym is read letter by letter)."""
    vowel_sounds = "AEFHILMNORSX" if word.isupper() else "AEIOaeiou"
    return f"{'an' if word[:1] in vowel_sounds else 'a'} {word}"


def _check_kind(answer: Any, require: type | tuple[type, ...] | None) -> str | None:
    """Why ``answer`` is not a model the exercise accepts (None: it is)."""
    if not isinstance(answer, Recognizer):
        return (f"the answer must be a model of a language (a recognizer: UHAT, RNN, "
                f"B-RASP program, LTL language, DFA), not {_a(type(answer).__name__)}")
    if require is not None and not isinstance(answer, require):
        wanted = require if isinstance(require, tuple) else (require,)
        names = " or ".join(_a(t.__name__) for t in wanted)
        return f"the answer must be {names}; yours is {kind_words(answer)}"
    return None


def _check_alphabet(answer: Recognizer, reference: Recognizer) -> str | None:
    mine, theirs = tuple(answer.alphabet.symbols), tuple(reference.alphabet.symbols)
    if set(mine) != set(theirs):
        return (f"your model's alphabet is {{{', '.join(mine)}}}; the exercise's is "
                f"{{{', '.join(theirs)}}}")
    return None


@dataclass(frozen=True)
class LanguageExercise(Exercise):
    """Build a model of the language of ``reference``.

    The answer is right iff it is a recognizer (of a class in ``require``, if given) over
    the reference's alphabet that accepts exactly the reference's words of length
    ``1..max_len`` (and, with ``unbounded``, all words: equal canonical minimal DFAs).
    ``members`` are checked too (useful for sparse languages whose members are longer
    than ``max_len``).
    """

    reference: Recognizer | None = None
    max_len: int = 8
    require: type | tuple[type, ...] | None = None
    members: tuple[str, ...] = ()
    unbounded: bool = False

    def judge(self, answer: Any) -> Feedback:
        assert self.reference is not None, f"exercise {self.name} has no reference"
        why = _check_kind(answer, self.require) or _check_alphabet(answer, self.reference)
        if why:
            return self.feedback(False, why)
        report = verify({"the language": self.reference, "yours": answer},
                        max_len=self.max_len, members=self.members or None,
                        unbounded=self.unbounded)
        if report.counterexample is not None:
            said, word = _disagreement(report, "yours", "the language")
            return self.feedback(False, f"{said}; {report.disagreements:,} of "
                                 f"{report.checked:,} checked words differ.", word)
        if report.certificate is not None and not report.certificate.equal:
            return self.feedback(False, "equal on the words checked, but not on all words")
        how = (f"all {report.exhaustive:,} words of length 1..{self.max_len}"
               + (f" and {len(self.members)} longer members" if self.members else ""))
        if report.certificate is not None:
            states = report.certificate.automata["yours"].minimal.n_states
            how += f", and all words (same minimal DFA, {states} states)"
        return self.feedback(True, f"right: yours agrees with the language on {how}.")


def _formula(answer: Any, variable: sp.Symbol) -> sp.Expr:
    """The answer as a sympy expression in ``variable`` (refused: other symbols)."""
    if isinstance(answer, str):
        try:
            expr = parse_expr(answer, local_dict={variable.name: variable},
                              transformations=_TRANSFORMATIONS)
        except (SyntaxError, TokenError, TypeError, ValueError, sp.SympifyError) as e:
            why = e.args[0] if isinstance(e, TokenError) and e.args else e
            raise SuccinctError(f"cannot read the formula {answer!r}: {why}") from None
    elif isinstance(answer, (int, sp.Basic)):
        expr = sp.sympify(answer)
    else:
        raise SuccinctError(f"a formula is a sympy expression or a string such as "
                            f"'2**{variable.name} + 1', not {_a(type(answer).__name__)}")
    names = {s.name for s in expr.free_symbols}
    if names - {variable.name}:
        raise SuccinctError(f"your formula uses {', '.join(sorted(names - {variable.name}))}; "
                            f"write it in {variable.name} alone")
    return expr.subs({s: variable for s in expr.free_symbols})


@dataclass(frozen=True)
class FormulaExercise(Exercise):
    """Predict a size as a formula in ``variable``.

    The answer is right iff at every value ``v`` in ``at`` it evaluates to exactly
    ``counted(v)``, the size counted on the built object (never a formula of the
    library's: the count is the independent source)."""

    counted: Callable[[int], int] | None = None
    at: tuple[int, ...] = ()
    variable: str = "n"
    measure: str = "size"

    def judge(self, answer: Any) -> Feedback:
        assert self.counted is not None and self.at, f"exercise {self.name} is incomplete"
        var = sp.Symbol(self.variable, integer=True, positive=True)
        expr = _formula(answer, var)
        for v in self.at:
            got = sp.nsimplify(expr.subs(var, v))
            want = int(self.counted(v))
            if got != want:
                return self.feedback(False, f"at {self.variable} = {v} your formula gives "
                                     f"{got}, but the {self.measure} counted is {want}.")
        values = ", ".join(f"{self.counted(v)}" for v in self.at)
        shown = answer.strip() if isinstance(answer, str) else sp.sstr(expr)
        return self.feedback(True, f"right: {shown} gives the {self.measure} counted "
                             f"at {self.variable} = {', '.join(map(str, self.at))} ({values}).")


@dataclass(frozen=True)
class ValueExercise(Exercise):
    """Give a value (a number, a word, a symbol): right iff it equals ``expected()``.

    The answer must have the expected value's type: True/False, a whole number, a number
    (right within ``tolerance``) or a string. ``normalize``, if given, maps both strings
    before they are compared (e.g. ``str.lower`` and synonyms such as ``"∨" → "or"``)."""

    expected: Callable[[], Any] | None = None
    unit: str = ""
    normalize: Callable[[Any], Any] | None = None
    tolerance: float = 0.0

    def judge(self, answer: Any) -> Feedback:
        assert self.expected is not None, f"exercise {self.name} has no expected value"
        want = self.expected()
        unit = f" {self.unit}" if self.unit else ""
        if isinstance(want, str):
            if not isinstance(answer, str):
                return self.feedback(False, f"the answer is a string, not "
                                     f"{type(answer).__name__} {answer!r}")
            same = (self.normalize(answer) == self.normalize(want) if self.normalize
                    else answer == want)
            if not same:
                return self.feedback(False, f"{answer!r} is not it.")
            return self.feedback(True, f"right: {want!r}{unit}.")
        if isinstance(want, (float, np.floating)):
            if not isinstance(answer, (int, float, np.integer, np.floating)) or isinstance(
                    answer, (bool, np.bool_)):
                return self.feedback(False, f"the answer is a number, not "
                                     f"{type(answer).__name__} {answer!r}")
            if abs(float(answer) - float(want)) > self.tolerance:
                side = "too large" if answer > want else "too small"
                within = f" (right within {self.tolerance:g})" if self.tolerance else ""
                return self.feedback(False, f"{answer}{unit} is {side}{within}.")
            return self.feedback(True, f"right: {want}{unit}.")
        if isinstance(want, (bool, np.bool_)):
            if not isinstance(answer, (bool, np.bool_)):
                return self.feedback(False, f"the answer is True or False, not "
                                     f"{type(answer).__name__} {answer!r}")
            if bool(answer) != bool(want):
                return self.feedback(False, f"{answer!r} is not it.")
            return self.feedback(True, f"right: {bool(want)!r}.")
        if isinstance(want, (int, np.integer)):
            if not isinstance(answer, (int, np.integer)) or isinstance(answer, bool):
                return self.feedback(False, f"the answer is a whole number, not "
                                     f"{type(answer).__name__} {answer!r}")
            if answer != want:
                side = "too large" if answer > want else "too small"
                return self.feedback(False, f"{answer}{unit} is {side}.")
            return self.feedback(True, f"right: {want}{unit}.")
        if answer != want:
            return self.feedback(False, f"{answer!r} is not it.")
        return self.feedback(True, f"right: {want!r}{unit}.")


@dataclass(frozen=True)
class BreakExercise(Exercise):
    """Break a construction by editing at most ``edits`` weight entries.

    ``build()`` makes the original model (a UHAT or an RNN, correct for ``reference``).
    The answer is right iff it has the original's weight arrays, of the same shapes,
    with at most ``edits`` entries changed, and it is now wrong on some word of length
    ``1..max_len`` — on ``target``, if the exercise names one."""

    build: Callable[[], Any] | None = None
    reference: Recognizer | None = None
    max_len: int = 8
    edits: int = 1
    target: str | None = None

    def judge(self, answer: Any) -> Feedback:
        assert self.build is not None and self.reference is not None
        original = self.build()
        if type(answer) is not type(original):
            return self.feedback(False, f"the answer must be {_a(type(original).__name__)} "
                                 f"edited from the original, not {_a(type(answer).__name__)}")
        before, after = flat_weights(original), flat_weights(answer)
        if before.keys() != after.keys() or any(before[k].shape != after[k].shape
                                                 for k in before):
            return self.feedback(False, "the answer's weight arrays are not the original's "
                                 "(edit entries; do not add or remove any)")
        changed = sum(int(np.sum(before[k] != after[k])) for k in before)
        if changed == 0:
            return self.feedback(False, "no weight was changed.")
        if changed > self.edits:
            return self.feedback(False, f"you changed {changed} entries; the exercise "
                                 f"allows {self.edits}.")
        if self.target is not None:
            mine = bool(answer.accepts([self.target])[0])
            truth = bool(self.reference.accepts([self.target])[0])
            if mine == truth:
                return self.feedback(False, f"the edited model still gets {self.target!r} "
                                     f"right ({'accepts' if mine else 'rejects'} it).")
        report = verify({"the language": self.reference, "yours": answer},
                        max_len=self.max_len)
        if report.counterexample is None:
            if self.target is not None:  # wrong on the target, longer than max_len
                return self.feedback(True, f"broken: wrong on {self.target!r}, with "
                                     f"{changed} entr{'y' if changed == 1 else 'ies'} changed.",
                                     self.target)
            return self.feedback(False, f"still right on all {report.checked:,} words of "
                                 f"length 1..{self.max_len}: that entry does not matter "
                                 "there. Try another.")
        said, word = _disagreement(report, "yours", "the language")
        return self.feedback(True, f"broken: {said} (the shortest such word); "
                             f"{report.disagreements:,} of {report.checked:,} words differ.",
                             word)


# ----------------------------------------------------------------------------- catalogue
@dataclass
class _Catalogue:
    exercises: dict[str, Exercise] = field(default_factory=dict)
    loaded: bool = False


_CATALOGUE = _Catalogue()


def register(*items: Exercise) -> None:
    """Adds exercises to the catalogue; a second, different exercise of the same name is
    refused."""
    for ex in items:
        if not isinstance(ex, Exercise):
            raise SuccinctError(f"not an exercise: {ex!r}")
        old = _CATALOGUE.exercises.get(ex.name)
        if old is not None and old is not ex:
            raise SuccinctError(f"two exercises are named {ex.name!r}")
        _CATALOGUE.exercises[ex.name] = ex


def _load() -> None:
    if _CATALOGUE.loaded:
        return
    _CATALOGUE.loaded = True
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        register(*ep.load().EXERCISES)


def exercises(notebook: str | None = None) -> tuple[Exercise, ...]:
    """Every exercise of the catalogue (of one notebook, ``"03"``), in name order."""
    _load()
    return tuple(ex for name, ex in sorted(_CATALOGUE.exercises.items())
                 if notebook is None or ex.notebook == notebook)


def get_exercise(name: str) -> Exercise:
    """The exercise called ``name``; an unknown name is refused with the closest ones."""
    _load()
    try:
        return _CATALOGUE.exercises[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(_CATALOGUE.exercises), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        same = [n for n in _CATALOGUE.exercises if n.split(".")[0] == name.split(".")[0]]
        if not close and same:
            hint = f"; the exercises of notebook {name.split('.')[0]} are {', '.join(same)}"
        raise SuccinctError(f"unknown exercise {name!r}{hint}") from None


def check_exercise(name: str, answer: Any) -> Feedback:
    """Checks ``answer`` to the exercise ``name`` (module docstring): a :class:`Feedback`
    that prints as one line (✓ or ✗) with the reason and any shortest counterexample."""
    return get_exercise(name).check(answer)

