"""succinct.testing as a user meets it: ``assert_same_language`` and the pytest plugin,
run in a temporary directory by ``pytester`` (in process: JAX is imported once).

Expected values come from independent sources: a brute-force bracket checker (the
shortest word of nesting depth 3, the number of Dyck words up to length 8), the word
count Σ 4^ℓ, and the state count of the minimal DFA of Dyck-(k,D),
``(k^{D+1} − 1)/(k − 1)`` stacks plus a sink plus the start state (which rejects ε,
unlike the empty stack reached after a word).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from succinct import registry
from succinct.registry import Family, get_family
from succinct.testing import assert_family_agrees, assert_same_language
from succinct.testing.assertions import default_names

pytest_plugins = ["pytester"]

# The plugin by module name; "no:succinct" keeps the installed entry point (same module,
# registered as "succinct") from loading it a second time.
PLUGIN = ("-p", "no:succinct", "-p", "succinct.testing.pytest_plugin", "-p", "no:cacheprovider")
OPEN, CLOSE = "([", ")]"


def _depth(word: str) -> int | None:
    """Nesting depth of a balanced word over ``()[]``; None if it is not balanced."""
    stack: list[str] = []
    deepest = 0
    for s in word:
        if s in OPEN:
            stack.append(s)
            deepest = max(deepest, len(stack))
        elif not stack or OPEN.index(stack.pop()) != CLOSE.index(s):
            return None
    return deepest if not stack else None


def _shortest_of_depth(depth: int) -> str:
    """The shortlex-least word of depth exactly ``depth`` (symbols in the family's order:
    openers, then closers), by brute force."""
    symbols = get_family("dyck").alphabet({"k": 2}).symbols
    for n in itertools.count(1):
        for w in itertools.product(symbols, repeat=n):
            if _depth("".join(w)) == depth:
                return "".join(w)
    raise AssertionError("unreachable")


def _dyck_count(depth: int, max_len: int) -> int:
    """Words of length 1..max_len over ``()[]`` that are balanced with depth ≤ ``depth``."""
    return sum(1 for n in range(1, max_len + 1)
               for w in itertools.product(OPEN + CLOSE, repeat=n)
               if (d := _depth("".join(w))) is not None and d <= depth)


def _dfa_states(k: int, depth: int) -> int:
    return (k ** (depth + 1) - 1) // (k - 1) + 2


USER_TESTS = """
from succinct.registry import get_family
from succinct.testing import assert_same_language

dyck = get_family("dyck")


def test_uhat_matches_rnn():
    uhat = dyck.build("uhat", {"k": 2, "D": 3})
    rnn = dyck.build("rnn", {"k": 2, "D": 3})
    report = assert_same_language(uhat, rnn, max_len=8)
    assert report.accepted > 0


def test_depth_two_is_not_depth_three():
    assert_same_language(dyck.build("uhat", {"k": 2, "D": 2}),
                         dyck.build("uhat", {"k": 2, "D": 3}), max_len=8,
                         names=("dyck22", "dyck23"))


def test_vacuous():
    assert_same_language(dyck.build("reference", {"k": 2, "D": 2}),
                         dyck.build("reference", {"k": 2, "D": 3}), max_len=1)


def test_vacuous_allowed():
    report = assert_same_language(dyck.build("reference", {"k": 2, "D": 2}),
                                  dyck.build("reference", {"k": 2, "D": 3}), max_len=1,
                                  allow_vacuous=True)
    assert report.accepted == 0 and report.checked == 4
"""


def test_assert_same_language_in_a_users_suite(pytester: pytest.Pytester) -> None:
    """Dyck-(2,3) UHAT vs RNN passes up to length 8; Dyck-(2,2) vs Dyck-(2,3) fails with
    the shortest depth-3 word (length 6, brute force), each model's answer, the 87,380
    words checked (Σ_{ℓ≤8} 4^ℓ) and the brute-force member counts; a check of length 1
    (no member) fails as vacuous unless allowed.

    Planted: ``assert_same_language`` returning without looking at ``report.agree``
    (the Dyck-(2,2) test passes), the message giving ``max_len`` as the length ("length
    8"), the vacuity check removed (the vacuous test passes)."""
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess(*PLUGIN)
    result.assert_outcomes(passed=2, failed=2)
    word = _shortest_of_depth(3)
    assert len(word) == 6
    result.stdout.fnmatch_lines([
        "*AssertionError: the models do not accept the same language: dyck22, dyck23",
        f"*shortest counterexample: {word!r} (length 6, found by the exhaustive check)",
        "*  dyck22: reject",
        "*  dyck23: accept",
        f"*words checked: {sum(4**n for n in range(1, 9)):,} (every word of length 1..8); "
        "disagreements: *",
        f"*words accepted: dyck22 {_dyck_count(2, 8):,}, dyck23 {_dyck_count(3, 8):,}; "
        f"by all: {_dyck_count(2, 8):,}",
        "*AssertionError: vacuous check: every model rejected all 4 words checked (every "
        "word of length 1..1), *",
        "*allow_vacuous=True*",
    ])
    result.stdout.no_fnmatch_line("*test_uhat_matches_rnn FAILED*")


def test_unbounded_message_gives_minimal_dfa_sizes() -> None:
    """Under ``unbounded`` the message gives every model's minimal DFA size, here
    ``(k^{D+1} − 1)/(k − 1) + 2`` = 9 and 17 for Dyck-(2,2) and Dyck-(2,3).

    Planted: the sizes line printed only for bounded checks (missing here)."""
    dyck = get_family("dyck")
    with pytest.raises(AssertionError) as err:
        assert_same_language({"dyck22": dyck.build("reference", {"k": 2, "D": 2}),
                              "dyck23": dyck.build("reference", {"k": 2, "D": 3})},
                             unbounded=True)
    message = str(err.value)
    assert f"minimal DFA states: dyck22 {_dfa_states(2, 2)}, dyck23 {_dfa_states(2, 3)}" \
        in message
    assert f"{_shortest_of_depth(3)!r} (length 6, found by the unbounded check)" in message
    assert "words checked: none (unbounded only)" in message


def test_unbounded_agreement_on_a_nontrivial_language_is_not_vacuous() -> None:
    """An unbounded check alone (no word checked) of two Dyck-(2,2) models passes: the
    common minimal DFA accepts some words and rejects others. A trivial one fails: a
    predicate accepting nothing against a minimal DFA of ∅.

    Planted: vacuity judged from the (zero) checked words only, ignoring the certificate
    (the first check fails)."""
    dyck = get_family("dyck")
    report = assert_same_language(dyck.build("reference", {"k": 2, "D": 2}),
                                  dyck.build("dfa", {"k": 2, "D": 2}), unbounded=True)
    assert report.checked == 0 and report.certificate is not None
    nothing = dyck.build("dfa", {"k": 2, "D": 2})
    empty = type(nothing)(alphabet=nothing.alphabet, delta=[[0] * 4], start=0,
                          accepting=[False])
    with pytest.raises(AssertionError, match="vacuous check: the common language is trivial"):
        assert_same_language(empty, empty, unbounded=True)


def test_arguments() -> None:
    """Names: kinds, made unique by position; a mapping's keys; ``names=``. Misuse is a
    TypeError naming the argument.

    Planted: the nothing-to-check guard removed (verify's SuccinctError escapes instead)."""
    dyck = get_family("dyck")
    ref, rnn = dyck.build("reference", {"k": 1, "D": 2}), dyck.build("rnn", {"k": 1, "D": 2})
    assert default_names([rnn, ref]) == ("rnn", "machine")
    assert default_names([rnn, rnn, ref]) == ("rnn_0", "rnn_1", "machine")
    report = assert_same_language({"a": ref, "b": rnn}, max_len=4)
    assert report.models == ("a", "b") and report.accepted_by == {"a": 3, "b": 3}  # (), ()(), (())
    assert assert_same_language(ref, rnn, max_len=4, names=["x", "y"]).models == ("x", "y")
    with pytest.raises(TypeError, match="max_len.*samples.*unbounded"):
        assert_same_language(ref, rnn)
    with pytest.raises(TypeError, match="two or more"):
        assert_same_language(ref, max_len=3)
    with pytest.raises(TypeError, match="argument 2 .* not a recognizer"):
        assert_same_language(ref, "()", max_len=3)
    with pytest.raises(TypeError, match="names"):
        assert_same_language(ref, rnn, max_len=3, names=["x"])
    with pytest.raises(TypeError, match="not both"):
        assert_same_language({"a": ref, "b": rnn}, max_len=3, names=["x", "y"])


# ====================================================================== the plugin
def _planted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registers ``planted_dyck``: reference Dyck-(2,3), an ``rnn`` of Dyck-(2,2) (the
    planted wrong model) and a ``dfa`` of Dyck-(2,3); removed after the test."""
    dyck = get_family("dyck")
    d3 = {"k": 2, "D": 3}
    monkeypatch.setitem(registry._REGISTRY, "planted_dyck", Family(
        name="planted_dyck", description="Dyck-(2,3) with a Dyck-(2,2) RNN planted",
        params=(), alphabet=lambda p: dyck.alphabet({"k": 2}),
        models={"reference": lambda p: dyck.build("reference", d3),
                "rnn": lambda p: dyck.build("rnn", {"k": 2, "D": 2}),
                "dfa": lambda p: dyck.build("dfa", d3)}))


MARKED_TESTS = """
import pytest


@pytest.mark.succinct_family("dyck", k=1, D=2, max_len=8, models=("reference", "rnn", "dfa"))
def test_dyck_agrees():
    pass


@pytest.mark.succinct_family("planted_dyck", max_len=6)
def test_planted_disagrees():
    raise RuntimeError("the body runs only after a passing check")
"""


def test_marker(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker passes for Dyck-(1,2)'s models and fails, before the body, for the
    planted Dyck-(2,2) RNN with the length-6 counterexample.

    Planted: the marker hook returning at once (both tests pass, or the body's
    RuntimeError shows)."""
    _planted(monkeypatch)
    pytester.makepyfile(test_marked=MARKED_TESTS)
    result = pytester.runpytest_inprocess(*PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*the models do not accept the same language: reference, rnn, dfa",
        f"*shortest counterexample: {_shortest_of_depth(3)!r} (length 6*",
        "*  rnn: reject",
    ])
    result.stdout.no_fnmatch_line("*RuntimeError*")


def test_option_adds_one_item_per_model(pytester: pytest.Pytester,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``--succinct-verify`` adds one item per non-reference model: those of Dyck-(1,2)
    pass, the planted family's ``rnn`` fails (length 6) and its ``dfa`` passes; items are
    named by the whole spec (two checks of one family differ), a repeated spec runs once;
    ``-k`` selects items; the ini option works the same; a malformed spec is a usage error.

    Planted: items appended after ``-k`` deselection (``-k planted`` then runs them all);
    items named by the family's parameters only (the two ``dyck:k=1,D=2`` rnn items
    share a name)."""
    _planted(monkeypatch)
    specs = ("--succinct-verify", "dyck:k=1,D=2,max_len=8,models=reference+rnn+dfa",
             "--succinct-verify", "planted_dyck: max_len=6",  # blanks are dropped
             "--succinct-verify", "planted_dyck:max_len=6",  # a repeated spec runs once
             "--succinct-verify", "dyck:k=1,D=2,max_len=6,models=reference+rnn")
    result = pytester.runpytest_inprocess(*PLUGIN, *specs, "-v")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines([
        "succinct_verify?dyck:k=1,D=2,max_len=8,models=reference+rnn+dfa-rnn? PASSED*",
        "succinct_verify?dyck:k=1,D=2,max_len=8,models=reference+rnn+dfa-dfa? PASSED*",
        "succinct_verify?planted_dyck:max_len=6-rnn? FAILED*",
        "succinct_verify?planted_dyck:max_len=6-dfa? PASSED*",
        "succinct_verify?dyck:k=1,D=2,max_len=6,models=reference+rnn-rnn? PASSED*",
        "*succinct verify planted_dyck:max_len=6: reference vs rnn*",
        f"shortest counterexample: {_shortest_of_depth(3)!r} (length 6*",
    ])
    selected = pytester.runpytest_inprocess(*PLUGIN, *specs, "-k", "planted")
    selected.assert_outcomes(passed=1, failed=1, deselected=3)

    pytester.makeini("[pytest]\nsuccinct_verify =\n"
                     "    dyck:k=1,D=2,max_len=6,models=reference+dfa\n")
    from_ini = pytester.runpytest_inprocess(*PLUGIN)
    from_ini.assert_outcomes(passed=1)

    bad = pytester.runpytest_inprocess(*PLUGIN, "--succinct-verify", "dyck:k")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*--succinct-verify 'dyck:k': 'k' is not KEY=VALUE*"])
    unknown = pytester.runpytest_inprocess(*PLUGIN, "--succinct-verify", "nosuch:k=1")
    assert unknown.ret == pytest.ExitCode.USAGE_ERROR
    unknown.stderr.fnmatch_lines(["*--succinct-verify 'nosuch:k=1': unknown family 'nosuch'*"])


def test_option_counts_its_checks_as_collected(pytester: pytest.Pytester) -> None:
    """``--succinct-verify`` items count in "collected N items" (one user test + 2 checks
    = 3), and a line under it says what each spec checks and how many checks ``-k``
    kept. Planted: the items only appended in ``pytest_collection_modifyitems`` (as
    before issue 17) → "collected 1 item" although 3 run, and no line says what is
    checked."""
    pytester.makepyfile(test_user="def test_mine():\n    pass\n")
    spec = "dyck:k=1,D=2,max_len=6,models=reference+rnn+dfa"
    result = pytester.runpytest_inprocess(*PLUGIN, "--succinct-verify", spec)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([
        "collected 3 items",
        f"succinct verify {spec}: 2 checks (rnn, dfa vs reference)",
    ])
    selected = pytester.runpytest_inprocess(*PLUGIN, "--succinct-verify", spec, "-k", "mine")
    selected.assert_outcomes(passed=1, deselected=2)
    selected.stdout.fnmatch_lines([
        "collected 3 items / 2 deselected / 1 selected",
        f"succinct verify {spec}: 2 checks (rnn, dfa vs reference), 0 selected",
    ])


@pytest.mark.slow
def test_option_under_xdist(pytester: pytest.Pytester) -> None:
    """The generated items run on pytest-xdist workers (each worker collects the same
    items). Costs two worker processes (each imports JAX).

    Planted: item names depending on the process (a per-worker counter): the workers'
    collections differ and xdist refuses to run."""
    pytest.importorskip("xdist")
    result = pytester.runpytest_inprocess(
        *PLUGIN, "-n", "2", "--succinct-verify", "dyck:k=1,D=2,max_len=6,models=reference+rnn+dfa")
    result.assert_outcomes(passed=2)


def test_entry_point_is_declared() -> None:
    """pyproject.toml registers the plugin under ``pytest11`` (pytest loads it wherever
    succinct is installed), and the module it names has the hooks.

    Planted: a misspelt module path in the entry point."""
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    found = re.search(r'^\[project\.entry-points\.pytest11\]\n(?:.*\n)*?succinct = "([\w.]+)"',
                      text, re.M)
    assert found is not None, "no pytest11 entry point named succinct"
    target = found.group(1)
    __import__(target)
    module = sys.modules[target]
    assert callable(module.pytest_addoption) and callable(module.pytest_runtest_call)


def test_loading_the_plugin_imports_no_check() -> None:
    """pytest loads the plugin in every run where succinct is installed: it must not
    import verify, the registry or the families (a fresh interpreter, as pytest starts).

    Planted: ``succinct/testing/__init__.py`` importing the assertions eagerly."""
    code = ("import sys, succinct.testing.pytest_plugin; "
            "print(sorted(m for m in ('succinct.verify', 'succinct.registry', 'constructions')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[1])
    assert out.stdout.strip() == "[]"


def test_assert_family_agrees_default_check() -> None:
    """With no check given, every word up to the longest length with at most 2^14 words
    (Dyck-(1,2): 13, since Σ_{ℓ≤13} 2^ℓ = 16,382) plus the family's members.

    Planted: the default length loop stopping one short (12)."""
    report = assert_family_agrees("dyck", k=1, D=2, models=("reference", "dfa"))
    assert report.max_len == 13 and report.exhaustive == 2**14 - 2
    assert report.sampled > 0  # the members
