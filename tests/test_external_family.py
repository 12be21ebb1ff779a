"""Families from outside the package: ``--family-module``, ``SUCCINCT_FAMILY_MODULES``,
entry points, and the example family of ``docs/families.md``.

The example family ``factor`` (the words over {a, b} containing ``aⁿb``) is extracted
from the doc's code block, written into a temporary folder and loaded from there, so
the documented code is the tested code. Expected answers come from the definition
(``aⁿb in word``, by brute force over all words) and from the doc's own argument for
the minimal DFA (trailing a's 0 … n, and "seen": ``n + 2`` states), not from the
family's models. Every test runs inside :func:`succinct.registry.isolated`, so no
family leaks into other tests.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import re
import sys
from importlib.metadata import EntryPoint
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct import Predicate, registry
from succinct.cli.app import app
from succinct.registry import (
    ENTRY_POINT_GROUP,
    Family,
    Param,
    families,
    family_source,
    get_family,
    isolated,
    load_family_module,
    register,
    unregister,
)
from succinct.words import Alphabet, SuccinctError

DOC = Path(__file__).resolve().parents[1] / "docs" / "families.md"
MARKER = "<!-- family-example: factor.py -->"
RUN = CliRunner()


def example_code() -> str:
    """The code block that follows the marker in docs/families.md."""
    text = DOC.read_text()
    found = re.search(re.escape(MARKER) + r"\s*```python\n(.*?)```", text, re.S)
    assert found, f"{DOC} has no python block after {MARKER}"
    return found[1]


def oracle(word: str, n: int) -> bool:
    """The definition of L_n, independent of every model."""
    return "a" * n + "b" in word


def all_words(max_len: int) -> list[str]:
    return ["".join(w) for m in range(1, max_len + 1) for w in itertools.product("ab", repeat=m)]


@pytest.fixture
def clean():
    """The registry as it was, after the test (families, loaded modules, builds)."""
    with isolated():
        yield


@pytest.fixture
def factor_file(tmp_path, clean) -> Path:
    path = tmp_path / "factor.py"
    path.write_text(example_code())
    return path


def cli(*args: str, env: dict[str, str] | None = None):
    return RUN.invoke(app, list(args), env=env)


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def one_error_line(result) -> str:
    """Exit 2 and exactly one line on standard error, ``error: …``."""
    assert result.exit_code == 2, (result.output, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# ---------------------------------------------------------------------- every command
def test_every_command_works_with_a_family_module(factor_file, tmp_path):
    """list, accepts, sizes, show, word, verify, dfa, export + load, verdict and atlas on
    the doc's family, each checked against the definition. Planted: a wrong closed form
    in the doc's code (``81 * n_sym + 74``) fails the sizes and atlas checks; a program
    that forgets ``seen`` (``out := hit``) fails accepts and verify."""
    fm = ["--family-module", str(factor_file)]
    assert "factor: words over {a, b} containing the factor aⁿb" in ok(cli(*fm, "list"))

    words = ["aab", "ab", "baab", "abab", "aabba", "ba"]
    for model in ("reference", "brasp", "uhat", "rnn", "dfa"):
        out = ok(cli(*fm, "accepts", "factor", "-p", "n=2", "--model", model, *words))
        assert out.splitlines() == [f"{w}\t{'accept' if oracle(w, 2) else 'reject'}"
                                    for w in words], model

    for n in (1, 3):
        report = json.loads(ok(cli(*fm, "sizes", "factor", "-p", f"n={n}", "--json")))
        models = report["models"]
        for name in ("uhat", "rnn"):  # the closed forms equal the counted weights
            values = models[name]["formula_values"]
            counted = {**models[name], "units": models[name]["width"]}
            assert values and all(values[k] == counted[k] for k in values), (name, values)
        assert models["dfa"]["dfa_states"] == n + 2
        assert models["rnn"]["width"] == 2 * (n + 2) + 1  # |Q|·|Σ| + 1 units

    assert "RNN over {a, b}" in ok(cli(*fm, "show", "factor", "-p", "n=1", "--model", "rnn"))
    assert "mask=future" in ok(cli(*fm, "show", "factor", "-p", "n=1", "--model", "uhat"))

    members = ok(cli(*fm, "word", "factor", "-p", "n=3", "--limit", "5")).split()
    assert len(members) == 5 and all(oracle(w, 3) for w in members)

    report = json.loads(ok(cli(*fm, "verify", "factor", "-p", "n=2", "--max-len", "6",
                               "--json")))
    assert report["agree"] and report["checked"] == 2**7 - 2
    assert report["accepted"] == sum(oracle(w, 2) for w in all_words(6))

    automaton = json.loads(ok(cli(*fm, "dfa", "factor", "-p", "n=3", "--model", "uhat",
                                  "--json")))
    assert automaton["exact"] and automaton["states"] == 3 + 2

    stem = tmp_path / "factor_uhat"
    ok(cli(*fm, "export", "factor", "-p", "n=2", "--model", "uhat", "--out", str(stem)))
    out = ok(cli("load", f"{stem}.json", *words))  # no family module needed to load
    assert out.splitlines() == [f"{w}\t{'accept' if oracle(w, 2) else 'reject'}"
                                for w in words]

    verdict = json.loads(ok(cli(*fm, "verdict", "factor", "--json")))
    assert [r["opponent"] for r in verdict[0]["rows"]] == ["every", "every", "built"]
    assert "no gap is claimed for the factor aⁿb" in verdict[0]["conclusions"]

    out_dir = tmp_path / "atlas"
    ok(cli(*fm, "atlas", "--family", "factor", "--out", str(out_dir), "--no-check",
           "--no-plots"))  # agreement: verify above (and the atlas's own tests); speed
    rows = json.loads((out_dir / "atlas.json").read_text())["families"]["factor"]["rows"]
    assert [r["params"] for r in rows] == [{"n": n} for n in (1, 2, 3, 4)]
    for row in rows:
        assert row["status"] == "not checked" and not row["formula_errors"], row
        assert set(row["formulas_checked"]) == {"uhat", "rnn", "dfa"}, row
        assert row["dfa_states"] == row["x"] + 2


def test_the_environment_variable_and_dotted_names(factor_file, tmp_path, monkeypatch):
    """SUCCINCT_FAMILY_MODULES takes os.pathsep-separated files and dotted names;
    ``--family-module`` takes a dotted module name on sys.path. Planted: splitting the
    variable on ',' instead of os.pathsep loses the second entry."""
    second = tmp_path / "pkg_ext_second.py"
    second.write_text(example_code().replace('name="factor"', 'name="factor2"'))
    monkeypatch.syspath_prepend(str(tmp_path))
    env = {"SUCCINCT_FAMILY_MODULES": f"{factor_file}{os.pathsep}pkg_ext_second"}
    out = ok(cli("list", env=env))
    assert "factor:" in out and "factor2:" in out
    assert family_source("factor2") == "pkg_ext_second"
    out = ok(cli("--family-module", "pkg_ext_second", "accepts", "factor2", "-p", "n=1", "ab"))
    assert out.split() == ["accept"]
    monkeypatch.delitem(sys.modules, "pkg_ext_second")


# ---------------------------------------------------------------------- bad modules
BAD = {
    "import_error": ("import not_a_module_of_anyone_xyz\n",
                     ["failed to import", "ModuleNotFoundError",
                      "not_a_module_of_anyone_xyz", "bad.py:1"]),
    "raises": ("raise RuntimeError('the lab is on fire')\n",
               ["failed to import", "RuntimeError: the lab is on fire", "bad.py:1"]),
    "syntax_error": ("def broken(:\n", ["failed to import", "SyntaxError", "line 1"]),
    "registers_nothing": ("X = 1\n", ["registers no family"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_module_is_one_error_line(case, tmp_path, clean):
    """Planted: dropping the ``except Exception`` of load_family_module lets the
    traceback through (exit 1, many lines)."""
    code, needles = BAD[case]
    path = tmp_path / "bad.py"
    path.write_text(code)
    line = one_error_line(cli("--family-module", str(path), "list"))
    for needle in needles:
        assert needle in line, (needle, line)
    assert str(path) in line


def test_missing_file_and_not_a_module(tmp_path, clean):
    line = one_error_line(cli("--family-module", str(tmp_path / "nope.py"), "list"))
    assert "no such file" in line and "nope.py" in line
    line = one_error_line(cli("--family-module", str(tmp_path), "list"))
    assert "is a directory" in line
    line = one_error_line(cli("--family-module", "no_such_pkg_xyz.families", "list"))
    assert "ModuleNotFoundError" in line and "no_such_pkg_xyz" in line
    line = one_error_line(cli("list", env={"SUCCINCT_FAMILY_MODULES": "not a module"}))
    assert "neither a .py file nor a dotted module name" in line
    text = tmp_path / "notes.txt"
    text.write_text("register(everything)\n")
    line = one_error_line(cli("--family-module", str(text), "list"))
    assert line == f"error: family module {text}: not a Python source file"
    for spec, needle in (("a\0b.py", "not a usable path"), (3, "spec is a file path")):
        with pytest.raises(SuccinctError, match=needle):
            load_family_module(spec)  # type: ignore[arg-type]


def test_a_clash_with_a_builtin_is_refused_naming_both(factor_file, clean):
    """A family named ``dyck`` from a file: refused, the line names the file and the
    built-in module, and the built-in dyck still answers. Planted: registering without
    the clash check replaces dyck silently (exit 0)."""
    factor_file.write_text(example_code().replace('name="factor"', 'name="dyck"'))
    line = one_error_line(cli("--family-module", str(factor_file), "list"))
    assert "'dyck'" in line and str(factor_file) in line and "constructions.dyck" in line
    assert family_source("dyck") == "constructions.dyck"
    assert ok(cli("accepts", "dyck", "-p", "k=1", "-p", "D=2", "(())")).split() == ["accept"]


MALFORMED = {
    "no reference": ('"reference": lambda p: Predicate(', '"ref": lambda p: Predicate(',
                     "reference model 'reference' is not among its models"),
    "bad name": ('name="factor"', 'name="my family"', "is not a letter followed by"),
    "bad default": ('default=1, low=1', 'default=0, low=1', "default of parameter n"),
    "params not a tuple": ('params=(Param("n", int, default=1, low=1, high=64, '
                           'help="a\'s before the b"),)',
                           'params=[Param("n", int, default=1, low=1, high=64, '
                           'help="a\'s before the b")]', "params must be a tuple of Param"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_family_is_one_error_line(case, factor_file):
    """Planted: register without check_family accepts each of these (exit 0)."""
    old, new, needle = MALFORMED[case]
    code = example_code()
    assert old in code, old
    factor_file.write_text(code.replace(old, new))
    line = one_error_line(cli("--family-module", str(factor_file), "list"))
    assert "malformed family" in line and needle in line and str(factor_file) in line
    assert "factor" not in families()  # nothing of the module stays registered


def test_a_builder_that_returns_no_recognizer(factor_file):
    factor_file.write_text(example_code().replace('"brasp": lambda p: program(p["n"])',
                                                  '"brasp": lambda p: "not a model"'))
    line = one_error_line(cli("--family-module", str(factor_file), "show", "factor",
                              "--model", "brasp"))
    assert "model 'brasp' built an object of type str, not a recognizer" in line


def test_the_atlas_fails_a_row_whose_model_is_broken(factor_file, tmp_path):
    """A model whose builder returns no recognizer is a broken family, not a size guard:
    the atlas row is ✗ and the atlas exits 1 (found by a review: it was a note and ✓).
    Planted: atlas catching RegistryError as a note again; this test fails."""
    factor_file.write_text(example_code().replace('"brasp": lambda p: program(p["n"])',
                                                  '"brasp": lambda p: 42'))
    result = cli("--family-module", str(factor_file), "atlas", "--family", "factor",
                 "--no-check", "--no-plots", "--out", str(tmp_path / "atlas"))
    assert result.exit_code == 1, result.output
    atlas = json.loads((tmp_path / "atlas" / "atlas.json").read_text())
    rows = atlas["families"]["factor"]["rows"]
    assert rows and all(row["status"] == "✗" for row in rows)
    assert "brasp not built" in result.output


# ---------------------------------------------------------------------- entry points
def test_entry_point_plugins_and_a_broken_one(tmp_path, monkeypatch, clean):
    """Plugins registered through the ``succinct.families`` entry points: a good one
    adds its family; a broken one (an exception at import) and a clashing one (named
    dyck) are skipped with one warning line each, and the built-in families still load.
    Planted: ``_load_plugins`` without its try/except makes ``succinct list`` fail."""
    (tmp_path / "ext_good_plugin.py").write_text(example_code())
    (tmp_path / "ext_broken_plugin.py").write_text("raise ImportError('missing libfoo')\n")
    (tmp_path / "ext_clash_plugin.py").write_text(
        example_code().replace('name="factor"', 'name="dyck"'))
    monkeypatch.syspath_prepend(str(tmp_path))
    real = list(registry.entry_points(group=ENTRY_POINT_GROUP))
    fakes = [EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in
             (("clash", "ext_clash_plugin"), ("good", "ext_good_plugin"),
              ("broken", "ext_broken_plugin"))]

    def entry_points(group: str):
        assert group == ENTRY_POINT_GROUP
        return fakes[:1] + real + fakes[1:]

    monkeypatch.setattr(registry, "entry_points", entry_points)
    registry._load_plugins.cache_clear()
    try:
        result = cli("list")
        out = ok(result)
        builtin = {"counter", "cyclic", "dc", "dyck", "khop", "ltl", "monotone", "tiling",
                   "window", "wordproblem"}
        listed = {line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")}
        assert listed == builtin | {"factor"}
        warnings = result.stderr.splitlines()
        assert len(warnings) == 2 and all(w.startswith("warning: family plugin") for w in
                                          warnings), warnings
        broken = next(w for w in warnings if "'broken'" in w)
        assert "ImportError: missing libfoo" in broken and "skipped" in broken
        clash = next(w for w in warnings if "'clash'" in w)
        assert "clashes" in clash and "constructions.dyck" in clash
        assert family_source("dyck") == "constructions.dyck"
        assert family_source("factor") == "ext_good_plugin"
        assert set(registry.plugin_errors()) == {"broken", "clash"}
    finally:
        registry._load_plugins.cache_clear()
        for name in ("ext_good_plugin", "ext_broken_plugin", "ext_clash_plugin"):
            sys.modules.pop(name, None)


class FakeEntryPoint:
    """An entry point of a named distribution (``importlib.metadata.EntryPoint`` has
    none unless it comes from an installed one)."""

    def __init__(self, name: str, value: str, dist: str | None) -> None:
        self.name, self.value = name, value
        self.dist = SimpleNamespace(name=dist) if dist else None

    def load(self):
        return importlib.import_module(self.value)


def test_the_package_s_own_families_load_before_plugins(tmp_path, monkeypatch, clean):
    """A third-party plugin listed first cannot take a name of succinct's own entry
    point: the package's own plugin loads first, the other is skipped with a warning.
    Planted: loading entry points in their listed order gives ``factor`` to the
    third-party plugin and skips the package's own."""
    (tmp_path / "ext_own_plugin.py").write_text(example_code())
    (tmp_path / "ext_rival_plugin.py").write_text(example_code())
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [FakeEntryPoint("rival", "ext_rival_plugin", "someone-else"),
           FakeEntryPoint("own", "ext_own_plugin", "succinct")]
    monkeypatch.setattr(registry, "entry_points", lambda group: eps)
    registry._restore({}, {})  # as in a fresh process, before any plugin
    registry._load_plugins.cache_clear()
    try:
        result = cli("list")
        assert ok(result).startswith("factor:")
        assert family_source("factor") == "ext_own_plugin"
        (warning,) = result.stderr.splitlines()
        assert "'rival'" in warning and "clashes" in warning and "ext_own_plugin" in warning
    finally:
        registry._load_plugins.cache_clear()
        for name in ("ext_own_plugin", "ext_rival_plugin"):
            sys.modules.pop(name, None)


# ---------------------------------------------------------------------- the registry API
def _family(name: str, accept: bool) -> Family:
    ab = Alphabet.of("ab")
    return Family(name, "test", (Param("n", int, default=1),), lambda p: ab,
                  {"reference": lambda p: Predicate(ab, lambda w: accept)})


def test_isolated_unregister_and_no_stale_builds(clean):
    """The same source registering a name again replaces the family and forgets its
    cached builds. Planted: removing ``_build_cached.cache_clear()`` from register
    serves the old model (it accepts everything)."""
    with isolated():
        register(_family("ext_api_test", True))
        accepts = get_family("ext_api_test").build("reference", {}).accepts
        assert accepts(["ab"]).tolist() == [True]
        register(_family("ext_api_test", False))  # same source (this module): replaced
        accepts = get_family("ext_api_test").build("reference", {}).accepts
        assert accepts(["ab"]).tolist() == [False]
        unregister("ext_api_test")
        assert "ext_api_test" not in families()
        register(_family("ext_api_test", True))
    assert "ext_api_test" not in families()  # isolated() removed it
    with pytest.raises(SuccinctError, match="nothing to unregister"):
        unregister("ext_api_test")
    with pytest.raises(SuccinctError, match="register\\(\\) takes a Family"):
        register("dyck")  # type: ignore[arg-type]


def test_loading_twice_is_a_no_op_and_errors_roll_back(factor_file, clean):
    assert load_family_module(factor_file) == ["factor"]
    fam = get_family("factor")
    assert load_family_module(str(factor_file)) == ["factor"]
    assert get_family("factor") is fam
    broken = factor_file.with_name("half.py")
    broken.write_text(example_code().replace('name="factor"', 'name="half"')
                      + "\nraise RuntimeError('after registering')\n")
    with pytest.raises(SuccinctError, match="RuntimeError: after registering"):
        load_family_module(broken)
    assert "half" not in families()  # registered, then rolled back


# ---------------------------------------------------------------------- the doc
def test_the_doc_snippets_run():
    """Every other python block of docs/families.md runs as written (the pytest example
    is compiled only: it needs factor.py in the working directory)."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert example_code() in blocks
    for block in blocks:
        if block == example_code() or "def test_" in block:
            compile(block, str(DOC), "exec")
            continue
        exec(compile(block, str(DOC), "exec"), {})
