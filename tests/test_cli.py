"""The CLI contract: accepts, sizes, list, show; errors are one line and exit 2."""

import inspect
import json
import re
import subprocess
import sys

from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct.cli.app import app

RUN = CliRunner()
EX1 = "formula=b & H(b -> Y a) & H((a & Y true) -> Y b)"


def test_accepts_plain_and_json():
    out = RUN.invoke(app, ["accepts", "ltl", "-p", EX1, "--model", "uhat", "ab", "aba", "abab"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == ["ab\taccept", "aba\treject", "abab\taccept"]
    out = RUN.invoke(app, ["accepts", "ltl", "-p", EX1, "--model", "brasp", "--json", "ab"])
    assert json.loads(out.output) == [{"word": "ab", "accepted": True}]


def test_accepts_reads_stdin():
    out = RUN.invoke(app, ["accepts", "ltl", "-p", EX1, "--model", "reference", "-"],
                     input="ab\nba\n" + "ab" * 5000 + "\n")
    assert out.output.splitlines() == ["ab\taccept", "ba\treject", "ab" * 5000 + "\taccept"]


def test_sizes_json_has_the_contract_keys():
    out = RUN.invoke(app, ["sizes", "ltl", "-p", EX1, "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    for name in ("reference", "brasp", "uhat"):
        for key in ("params", "layers", "width", "bits", "formulas"):
            assert key in report["models"][name], (name, key)
    uhat = report["models"]["uhat"]
    assert uhat["formula_totals"]["params"] == uhat["params"]
    assert uhat["formula_totals"]["bits"] == uhat["bits"]


def test_list_and_show():
    out = RUN.invoke(app, ["list"])
    assert "ltl" in out.output
    out = RUN.invoke(app, ["show", "ltl", "-p", "formula=Y a", "--model", "uhat"])
    assert "mask=future, tie=rightmost" in out.output


def test_errors_are_one_line_with_exit_2():
    cases = [
        (["accepts", "ltl", "-p", "formula=a &", "ab"], "position 4"),
        (["accepts", "ltl", "-p", "formula=a", "abc"], "unknown symbol 'c'"),
        (["accepts", "ltl", "-p", "formula=a", ""], "empty word"),
        (["accepts", "ltl", "-p", "formula=a", "--model", "gpt", "ab"], "no model 'gpt'"),
        (["accepts", "nope", "ab"], "unknown family"),
        (["accepts", "ltl", "-p", "formula=a", "-p", "mode=x", "ab"], "mode"),
        (["accepts", "ltl", "-p", "bogus", "ab"], "KEY=VALUE"),
        (["accepts", "ltl", "ab"], "needs -p formula"),
    ]
    for args, needle in cases:
        out = RUN.invoke(app, args)
        assert out.exit_code == 2, (args, out.output)
        assert needle in out.output, (args, out.output)
        assert "Traceback" not in out.output


def test_console_script_entry_point():
    proc = subprocess.run([sys.executable, "-m", "succinct", "accepts", "ltl", "-p",
                           "formula=a S b", "ba", "ab"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["ba\taccept", "ab\treject"]


def test_accepts_and_load_name_the_word_for_stdin_and_several_words(tmp_path):
    """Words from stdin or several word arguments print ``WORD<TAB>accept|reject``, the
    answers checked against the definition of strict ``a S b`` read at the last position
    (``member``); one word argument keeps the bare answer. Planted: the bare
    ``accept``/``reject`` for every input (the old output) fails the stdin and
    several-word checks."""
    def member(w: str) -> bool:  # a b strictly before the last position, then only a's
        before = w[:-1]
        return "b" in before and set(before[before.rindex("b") + 1:]) <= {"a"}

    words = ["ba", "ab", "bb", "aa"]
    want = [f"{w}\t{'accept' if member(w) else 'reject'}" for w in words]
    base = ["accepts", "ltl", "-p", "formula=a S b", "-p", "alphabet=ab"]
    out = RUN.invoke(app, [*base, *words])
    assert (out.exit_code, out.stdout.splitlines()) == (0, want), out.output
    out = RUN.invoke(app, [*base, "-"], input="".join(w + "\n" for w in words))
    assert (out.exit_code, out.stdout.splitlines()) == (0, want), out.output
    out = RUN.invoke(app, [*base, "-"], input="ba\n")  # stdin: named even when one word
    assert out.stdout.splitlines() == ["ba\taccept"], out.output
    out = RUN.invoke(app, [*base, "ab"])
    assert out.stdout.splitlines() == ["reject"], out.output

    stem = tmp_path / "m"
    assert RUN.invoke(app, ["export", *base[1:], "--model", "uhat", "--out", str(stem)]
                      ).exit_code == 0
    out = RUN.invoke(app, ["load", f"{stem}.json", *words])
    assert (out.exit_code, out.stdout.splitlines()) == (0, want), out.output
    out = RUN.invoke(app, ["load", f"{stem}.json", "-"], input="\n".join(words))
    assert (out.exit_code, out.stdout.splitlines()) == (0, want), out.output
    out = RUN.invoke(app, ["load", f"{stem}.json", "bb"])
    assert out.stdout.splitlines() == ["accept"], out.output


def test_dfa_without_exact_automaton_names_family_and_model_not_the_class():
    """``dfa`` of a model with no exact automaton says which family and model, and what
    the model is in words; never its Python class name (``type(model).__name__``, the
    independent source here). Planted: the old message ``no exact automaton for a
    IdsPredicate`` fails the class-name check, and so does export's old ``cannot export a
    IdsPredicate``."""
    from succinct.registry import get_family

    cases = [("dc", "reference", ["-p", "n=4"], "a Python predicate"),
             ("khop", "reference", [], "a Python predicate"),
             ("cyclic", "rnn2", [], "a second-order RNN"),
             ("cyclic", "scan", [], "a UHAT with positional encodings")]
    for family, model, params, words in cases:
        built = get_family(family).build(model, {})
        out = RUN.invoke(app, ["dfa", family, *params, "--model", model])
        assert out.exit_code == 2, out.output
        line = out.stderr.strip()
        assert line.startswith(f"error: {family} --model {model}: no exact automaton for "
                               f"{words} "), line
        assert type(built).__name__ not in line, line
        assert "--max-len" in line, line
    built = get_family("dc").build("reference", {})
    out = RUN.invoke(app, ["export", "dc", "--model", "reference", "--out", "unused"])
    assert out.stderr.startswith("error: cannot export a Python predicate: "), out.output
    assert type(built).__name__ not in out.stderr, out.output


def test_one_default_model_across_accepts_show_dfa_export(tmp_path):
    """accepts, show, dfa and export without --model use the same model as with
    ``--model uhat`` (the documented default, ``DEFAULT_MODEL``). Planted: the old
    defaults (reference for accepts and dfa) fail: ``accepts cyclic`` then decides
    instead of naming the missing UHAT, and ``dfa`` reports the evaluator's method."""
    from succinct.cli.app import DEFAULT_MODEL

    assert DEFAULT_MODEL == "uhat"
    f = ["-p", "formula=F b"]
    for command in (["show", "ltl", *f], ["dfa", "ltl", *f, "--json"],
                    ["accepts", "ltl", *f, "--json", "ab", "ba"], ["accepts", "cyclic", "ab"]):
        runs = [RUN.invoke(app, args) for args in (command, [*command, "--model", "uhat"])]
        seen = [(r.exit_code, r.output.split('"seconds"')[0]) for r in runs]  # not timings
        assert seen[0] == seen[1], command
    assert json.loads(RUN.invoke(app, ["dfa", "ltl", *f, "--json"]).stdout)["method"] \
        == "uhat-exact"
    assert RUN.invoke(app, ["accepts", "cyclic", "ab"]).exit_code == 2  # no UHAT for ℤ_m
    for name in ("default", "explicit"):
        more = [] if name == "default" else ["--model", "uhat"]
        out = RUN.invoke(app, ["export", "dyck", "--out", str(tmp_path / name), *more])
        assert out.exit_code == 0, out.output
    manifests = [json.loads((tmp_path / f"{n}.json").read_text())
                 for n in ("default", "explicit")]
    assert manifests[0]["model"] == manifests[1]["model"] == "uhat"
    assert manifests[0]["weights_sha256"] == manifests[1]["weights_sha256"]


def test_verify_unbounded_says_what_was_certified_and_what_was_evaluated():
    """``verify --unbounded`` (default ``--samples 0``) says that equality on all words was
    certified, and that the words it evaluated are the family's first members (counted
    from the family's member generator), not "sampled". Planted: the old report
    ("checked 6 words (6 sampled)", "unbounded: equal on all words") fails both."""
    from succinct.registry import get_family

    fam = get_family("dyck")
    n_members = len(fam.first_members(fam.resolve({"k": "3", "D": "2"})))
    out = RUN.invoke(app, ["verify", "dyck", "-p", "k=3", "-p", "D=2", "--unbounded"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[1].startswith("certified (--unbounded): equal on ALL words, every length"), \
        lines
    assert f"evaluated word by word: {n_members} words (the family's first {n_members} " \
           "members)" in out.stdout, lines
    assert "sampled" not in out.stdout, lines
    out = RUN.invoke(app, ["verify", "dyck", "-p", "k=1", "-p", "D=2", "--max-len", "3",
                           "--samples", "20"])
    assert "(all 14 words of length 1..3, 20 sampled (--samples), the family's first " \
        in out.stdout, out.stdout  # 2 + 4 + 8 words of length 1..3 over {(, )}
    assert "certified" not in out.stdout, out.stdout


def _help(*command: str) -> str:
    out = RUN.invoke(app, [*command, "--help"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    return out.stdout


def test_help_has_no_type_tags_and_wraps_whole_paragraphs():
    """Every command's --help: no ``<bool>``/``<str>``/``<list[str]>`` tags, and each
    docstring paragraph flowed as one text (a line ending in the middle of a sentence
    at the docstring's own break on a 250-column terminal, as "transformer with the" did,
    shows the old re-wrapping; the docstring's lines are the independent source). Planted: the
    plain ``typer.Typer`` group (no ``_Group``) fails both."""
    import typer.main

    group = typer.main.get_command(app)
    ctx = group.make_context("succinct", [], resilient_parsing=True)
    for name in [None, *group.list_commands(ctx)]:
        text = _help(*([name] if name else []))
        assert not re.search(r"<(bool|str|int|float|list\[str\])>", text), (name, text)
        if name is None:
            continue
        doc = inspect.cleandoc(group.commands[name].callback.__doc__ or "").splitlines()
        shown = [ln.strip(" │") for ln in text.splitlines()]
        for line, after in zip(doc, doc[1:], strict=False):  # a break inside a paragraph
            if line and after and not line.endswith((".", ":")) and line in shown:
                raise AssertionError(f"{name}: help breaks where the docstring does: {line!r}")
    assert "KEY=VALUE" in _help("accepts")


def test_version_prints_the_package_version():
    """``--version`` prints the installed distribution's version (importlib.metadata, the
    independent source) and exits 0. Planted: no --version option (usage error, exit 2)."""
    from importlib.metadata import version

    out = RUN.invoke(app, ["--version"])
    assert (out.exit_code, out.stdout) == (0, f"succinct {version('succinct')}\n"), out.output


def test_show_reference_is_readable_and_show_dfa_prints_its_table(tmp_path):
    """``show --model reference`` prints what the model is, never a Python repr
    (``<function … at 0x…>``); ``show --model dfa`` prints the transition table, row q
    equal to ``delta[q]`` of the built DFA (the independent source), and ``--dot`` writes
    every state. Planted: ``repr(built)`` instead of ``str(built)`` fails both."""
    from succinct.registry import get_family

    for family in ("dc", "dyck", "khop", "tiling", "cyclic"):
        out = RUN.invoke(app, ["show", family, "--model", "reference"])
        assert out.exit_code == 0, out.output
        assert " over {" in out.stdout and not re.search(r"0x[0-9a-f]|<function|\w+\(",
                                                         out.stdout), out.stdout
    built = get_family("dc").build("dfa", {"n": "1"})
    dot = tmp_path / "dc.dot"
    out = RUN.invoke(app, ["show", "dc", "-p", "n=1", "--model", "dfa", "--dot", str(dot)])
    assert out.exit_code == 0, out.output
    rows = [ln.strip() for ln in out.stdout.splitlines() if re.match(r"\s+\d+: ", ln)]
    symbols = built.alphabet.symbols
    assert rows == [f"{q}: " + ", ".join(f"{a} → {int(t)}" for a, t in
                                        zip(symbols, built.delta[q], strict=True))
                    for q in range(min(built.n_states, 64))]
    drawn = dot.read_text()
    assert all(re.search(rf"(?m)^\s*{q} ->", drawn) for q in range(built.n_states))
    out = RUN.invoke(app, ["show", "dc", "-p", "n=1", "--model", "uhat", "--dot", str(dot)])
    assert out.exit_code == 2 and "--dot writes a DFA" in out.stderr, out.output


def test_default_model_falls_back_to_the_reference_without_a_uhat():
    """A family with no ``uhat`` model (tiling has one, so a stand-in family) gets its
    reference as the default; an explicit --model always wins. Planted: returning
    ``DEFAULT_MODEL`` unconditionally fails the first check."""
    from types import SimpleNamespace

    from succinct.cli.app import chosen_model

    no_uhat = SimpleNamespace(models={"spec": None, "rnn": None}, reference="spec")
    assert chosen_model(no_uhat, None) == "spec"  # type: ignore[arg-type]
    with_uhat = SimpleNamespace(models={"reference": None, "uhat": None}, reference="reference")
    assert chosen_model(with_uhat, None) == "uhat"  # type: ignore[arg-type]
    assert chosen_model(with_uhat, "rnn") == "rnn"  # type: ignore[arg-type]
