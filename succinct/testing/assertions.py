"""``assert_same_language``: the equivalence check of :func:`succinct.verify.verify` as an
assertion for a user's own test suite.

::

    from succinct.testing import assert_same_language

    def test_my_uhat_matches_the_reference():
        report = assert_same_language(my_uhat, reference, max_len=8)
        assert report.accepted > 0  # optional: the words checked held members

The assertion runs the same checks as ``succinct verify`` (exhaustive up to ``max_len``,
``samples`` sampled words, the exact automata under ``unbounded``; no second
implementation) and raises :class:`AssertionError` when the models disagree. Its message
gives the shortest counterexample found with its length, every model's answer on it, the
words checked, the words each model accepted and all of them accepted, and under
``unbounded`` the size of every model's minimal DFA.

**Vacuous checks fail too.** A check in which every model gave the same answer on every
checked word (all rejected, or all accepted) cannot tell the models from a constant
recognizer: a UHAT that rejects everything "agrees" with a sparse reference on all short
words. Formally the check is *vacuous* when

* the bounded and sampled words (if any) were all rejected by every model, or all
  accepted by every model, **and**
* the unbounded check (if asked for) found the common language trivial: its minimal DFA
  gives one answer on every non-empty word (∅ or Σ⁺).

Such a check raises :class:`AssertionError` unless ``allow_vacuous=True``; raise
``max_len``, pass ``members`` (sampled words then include members and their mutations),
or ask for ``unbounded`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from succinct.automata.dfa import DFA
from succinct.recognizer import Recognizer
from succinct.registry import get_family
from succinct.verify import Report, predicted_words, verify

__all__ = ["assert_same_language", "assert_family_agrees", "default_names", "DEFAULT_WORDS"]

# assert_family_agrees with no max_len, samples or unbounded: every word up to the longest
# length whose words number at most DEFAULT_WORDS, and the family's first members.
DEFAULT_WORDS = 1 << 14

# Default names of recognizers passed positionally: their kind, from the class name.
_KIND_OF_CLASS = {"Program": "brasp", "Language": "ltl", "StepMachine": "machine"}


def default_names(recognizers: Sequence[Any]) -> tuple[str, ...]:
    """Names for positional recognizers: the kind (``uhat``, ``rnn``, ``dfa``, ``brasp``,
    ``ltl``, ``predicate``, ``machine``, …), suffixed with the argument's position
    (``uhat_0``, ``uhat_1``) when two share a kind."""
    kinds = [_KIND_OF_CLASS.get(type(r).__name__, type(r).__name__.lower())
             for r in recognizers]
    return tuple(kind if kinds.count(kind) == 1 else f"{kind}_{i}"
                 for i, kind in enumerate(kinds))


def assert_same_language(
    *recognizers: Any,
    max_len: int | None = None,
    samples: int = 0,
    unbounded: bool = False,
    members: Iterable[str | Sequence[str]] | None = None,
    seed: int = 0,
    names: Sequence[str] | None = None,
    allow_vacuous: bool = False,
) -> Report:
    """Asserts that two or more recognizers accept the same words (module docstring).

    Args:
        *recognizers: Two or more recognizers over one alphabet (UHATs, RNNs, DFAs,
            B-RASP programs, LTL languages, predicates, state machines), or a single
            mapping ``{name: recognizer}``.
        max_len: Check every word of length ``1..max_len``.
        samples: Check this many sampled words (half of them mutations of ``members``
            when given).
        unbounded: Also compare the models' exact minimal DFAs (all words).
        members: Words of the language: checked themselves and mutated for sampling.
        seed: Seed of the sampled words.
        names: Names of positional recognizers in messages (default: their kinds,
            :func:`default_names`).
        allow_vacuous: Accept a check in which every model gave one answer on every
            word (module docstring).

    Returns:
        The :class:`succinct.verify.Report` of the check (``report.accepted``: words all
        models accepted).

    Raises:
        AssertionError: The models disagree (message: the shortest counterexample, each
            model's answer on it, words checked and accepted, minimal DFA sizes), or the
            check was vacuous.
        TypeError: Misuse: fewer than two recognizers, a non-recognizer, ``names`` of the
            wrong length, or none of ``max_len``, ``samples``, ``unbounded`` given.
        SuccinctError: What :func:`~succinct.verify.verify` refuses (different alphabets,
            a model with no exact automaton under ``unbounded``).
    """
    __tracebackhide__ = True  # pytest: the failure points at the caller's line
    recs = _named(recognizers, names)
    if max_len is None and not samples and not unbounded:
        raise TypeError("assert_same_language has nothing to check: give max_len (every "
                        "word up to it), samples (sampled words) or unbounded=True")
    report = verify(recs, max_len=max_len, samples=samples, unbounded=unbounded,
                    members=members, seed=seed)
    if not report.agree:
        raise AssertionError(_disagreement(report))
    if not allow_vacuous and _vacuous(report):
        raise AssertionError(_vacuity(report))
    return report


def assert_family_agrees(
    family: str,
    *,
    models: Sequence[str] | None = None,
    params: Mapping[str, Any] | None = None,
    max_len: int | None = None,
    samples: int = 0,
    unbounded: bool = False,
    seed: int = 0,
    allow_vacuous: bool = False,
    **family_params: Any,
) -> Report:
    """Asserts that a registered family's models accept the same words.

    ``assert_family_agrees("dyck", k=2, D=3, max_len=8)`` builds the models of the
    ``dyck`` family at ``k=2, D=3`` (``models``, default: all, the reference first) and
    runs :func:`assert_same_language` on them. Family parameters are the extra keywords,
    or ``params`` for one named like an argument of this function. Without ``max_len``,
    ``samples`` and ``unbounded`` it checks every word up to the longest length with at
    most :data:`DEFAULT_WORDS` words. The family's first
    :data:`succinct.registry.MEMBERS_USED` members (if it generates members) are checked
    too when the bounded check is the default one or ``samples`` are asked for (as
    ``succinct verify`` does), so sparse languages are not compared on rejections alone.

    Raises:
        AssertionError: as :func:`assert_same_language`.
        SuccinctError: an unknown family, model or parameter.
        TypeError: fewer than two models.
    """
    __tracebackhide__ = True  # pytest: the failure points at the caller's line
    fam = get_family(family)
    raw = {**(params or {}), **family_params}
    resolved = fam.resolve(raw)
    chosen = list(models) if models is not None else \
        [fam.reference] + [m for m in fam.models if m != fam.reference]
    recs = {name: fam.build(name, raw) for name in chosen}
    default = max_len is None and not samples and not unbounded
    if default:
        k = len(fam.alphabet(resolved))
        max_len = 1
        while predicted_words(k, max_len + 1) <= DEFAULT_WORDS:
            max_len += 1
    members = fam.first_members(resolved) if default or samples else None
    return assert_same_language(recs, max_len=max_len, samples=samples, unbounded=unbounded,
                                members=members, seed=seed, allow_vacuous=allow_vacuous)


def _named(recognizers: tuple[Any, ...], names: Sequence[str] | None) -> dict[str, Any]:
    if len(recognizers) == 1 and isinstance(recognizers[0], Mapping):
        if names is not None:
            raise TypeError("assert_same_language: give names either as the keys of the "
                            "mapping or as names=, not both")
        recs = {str(k): v for k, v in recognizers[0].items()}
        where = [f"recognizer {k!r}" for k in recs]
    else:
        if names is None:
            names = default_names(recognizers)
        elif isinstance(names, str) or len(names) != len(recognizers):
            raise TypeError(f"assert_same_language: names must be a sequence of "
                            f"{len(recognizers)} names (one per recognizer), got {names!r}")
        if len(set(names)) != len(names):
            raise TypeError(f"assert_same_language: names must be distinct, got {names!r}")
        recs = dict(zip((str(n) for n in names), recognizers, strict=True))
        where = [f"argument {i + 1}" for i in range(len(recognizers))]
    if len(recs) < 2:
        raise TypeError(f"assert_same_language compares two or more recognizers, got "
                        f"{len(recs)}")
    for (name, rec), place in zip(recs.items(), where, strict=True):
        if not isinstance(rec, Recognizer):
            raise TypeError(f"assert_same_language: {place} ({name}) is a "
                            f"{type(rec).__name__}, not a recognizer (UHAT, RNN, DFA, "
                            f"Program, Language, Predicate, StepMachine)")
    return recs


def _trivial(dfa: DFA) -> bool:
    """Whether the DFA gives one answer on every non-empty word (language ∅ or Σ⁺)."""
    delta = np.asarray(dfa.delta)
    seen = set(int(q) for q in delta[dfa.start])
    todo = list(seen)
    while todo:
        for q in delta[todo.pop()]:
            if int(q) not in seen:
                seen.add(int(q))
                todo.append(int(q))
    answers = {bool(np.asarray(dfa.accepting)[q]) for q in seen}
    return len(answers) == 1


def _vacuous(report: Report) -> bool:
    """Every model gave one answer on every checked word (module docstring)."""
    bounded_trivial = report.accepted in (0, report.checked)
    cert = report.certificate
    if cert is None:
        return bounded_trivial
    unbounded_trivial = _trivial(next(iter(cert.automata.values())).minimal)
    return unbounded_trivial and (report.checked == 0 or bounded_trivial)


def _how(report: Report) -> str:
    """Which words were checked: ``every word of length 1..L, M sampled``."""
    parts = []
    if report.exhaustive:
        parts.append(f"every word of length 1..{report.max_len}")
    if report.sampled:
        parts.append(f"{report.sampled:,} sampled")
    return ", ".join(parts)


def _checked(report: Report) -> str:
    return f"{report.checked:,} ({_how(report)})" if report.checked else "none (unbounded only)"


def _accepted(report: Report) -> str:
    per_model = ", ".join(f"{name} {n:,}" for name, n in report.accepted_by.items())
    return f"{per_model}; by all: {report.accepted:,}"


def _dfa_sizes(report: Report) -> str:
    cert = report.certificate
    assert cert is not None
    return ", ".join(f"{name} {a.minimal.n_states}" for name, a in cert.automata.items())


def _disagreement(report: Report) -> str:
    lines = [f"the models do not accept the same language: {', '.join(report.models)}"]
    cex = report.counterexample
    if cex is not None:
        lines.append(f"shortest counterexample: {cex.word!r} (length {cex.length}, found by "
                     f"the {cex.found_by} check)")
        accepted = set(cex.accepted_by)
        lines += [f"  {name}: {'accept' if name in accepted else 'reject'}"
                  for name in report.models]
    lines.append(f"words checked: {_checked(report)}; disagreements: "
                 f"{report.disagreements:,}")
    if report.checked:
        lines.append(f"words accepted: {_accepted(report)}")
    if report.certificate is not None:
        verdict = "equal" if report.certificate.equal else "NOT equal"
        lines.append(f"unbounded: {verdict}; minimal DFA states: {_dfa_sizes(report)}")
    return "\n".join(lines)


def _vacuity(report: Report) -> str:
    if report.checked:
        answer, constant = ("rejected", "no") if report.accepted == 0 else ("accepted", "yes")
        lines = [f"vacuous check: every model {answer} all {report.checked:,} words checked "
                 f"({_how(report)}), so the check cannot tell the models from a "
                 f"recognizer that always answers {constant!r}"]
    else:
        lines = ["vacuous check: the common language is trivial (one answer on every word)"]
    if report.certificate is not None:
        lines.append(f"unbounded: the common minimal DFA gives one answer on every non-empty "
                     f"word; minimal DFA states: {_dfa_sizes(report)}")
    lines.append("check longer words (max_len), give members of the language (members=...), "
                 "or pass allow_vacuous=True if a trivial language is intended")
    return "\n".join(lines)
