"""No traceback reaches a user: the CLI called in-process with generated arguments.

A hypothesis test draws a command of the real list, a family (cheap parameter sets
only: ``ltl`` with short formulas, ``dyck -p k=1 -p D=2``, ``counter -p N=1``, or a
junk name), ``-p`` pairs (valid keys with junk values, junk keys, no ``=``), words
(random unicode, unknown symbols, empty, long), stdin, and junk options, and checks
the CLI's contract (``succinct.cli.app``):

* the exit status is 0, 1 (a check found a disagreement) or 2 (a user error), never 3
  (the last-resort ``internal error`` handler: a bug) nor an escaped exception;
* no ``Traceback`` anywhere in the output;
* on status 2, standard error is one ``error: …`` line (a malformed formula adds its
  indented caret display below it; a guarded command's prediction, ``dfa: …`` or
  ``verify: …``, may come before it) or typer's usage error (``Usage: …`` and an error
  panel, or the panel alone for an option missing its value).

Models are built through the registry, which caches them; nothing expensive is drawn
(no real ``verdict``, no ``atlas`` run, ``--max-len`` ≤ 3).
"""

from __future__ import annotations

import itertools
import traceback
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct.cli.app import _friendly, app
from succinct.programs.ltl import MAX_BRASP_DEPTH
from succinct.words import SuccinctError

RUN = CliRunner()


def check_contract(result: Result, args: list[str]) -> None:
    """The CLI contract of the module docstring, for one call."""
    shown = f"args={args!r}\nstdout={result.stdout!r}\nstderr={result.stderr!r}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"an exception escaped the CLI\n{shown}\n{trace}")
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output, shown
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines, shown
        errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
        if errors:
            # the prediction a guarded command announces first ("dfa: exploring at most …"),
            # then one error line, then only the indented caret display of a formula
            first = errors[0]
            assert all(line.startswith(f"{args[0]}: ") for line in lines[:first]), shown
            assert all(line.startswith("  ") for line in lines[first + 1:]), shown
        else:  # typer's usage errors: a usage line, or its error panel alone
            assert "Usage:" in result.stderr or lines[0].startswith("╭─ Error"), shown


# ---------------------------------------------------------------------------- strategies
def _is_big_int(text: str) -> bool:
    """Whether ``text`` reads as an integer above 2 (a size that could build slowly)."""
    try:
        return int(text) > 2
    except ValueError:
        return False


JUNK = st.text(max_size=12).filter(lambda t: not _is_big_int(t))
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
                    min_size=1, max_size=12)
FORMULA_CHARS = "ab c()!&|-<> YSUXFGPHtruefalse'Q_"
VALID_FORMULAS = st.sampled_from(["Y a", "a S b", "F b", "b & H(b -> Y a)", "G (a -> X b)",
                                  "Y " * (MAX_BRASP_DEPTH + 1) + "a",
                                  "(" * 400 + "a" + ")" * 400, "!" * 300 + "b"])
FORMULAS = st.one_of(VALID_FORMULAS, VALID_FORMULAS, VALID_FORMULAS,
                     st.text(FORMULA_CHARS, max_size=24))
FAMILIES = {
    "ltl": {"formula": FORMULAS,
            "alphabet": st.sampled_from(["ab", "ab", "ab", "ab", "abc", "'S'", "a", "aa", ""]),
            "mode": st.sampled_from(["compact", "ffn", "lemma9", "nope"])},
    "dyck": {"k": st.just("1"), "D": st.sampled_from(["1", "2"]),
             "mode": st.sampled_from(["compact", "nope"])},
    "counter": {"N": st.just("1"), "mode": st.sampled_from(["compact", "lemma9"])},
}
MODELS = st.sampled_from(["reference", "brasp", "uhat", "rnn", "dfa", "gpt", ""])


SYMBOLS = {"ltl": "ab", "dyck": "()", "counter": "01#abc"}


QUARTER = st.integers(0, 3)


def _sometimes(draw: st.DrawFn) -> bool:
    """True about one time in four: junk is added to a call that is mostly valid, so
    that the valid paths past argument checking are exercised too."""
    return draw(QUARTER) == 0


# strategies are built once, here: building them inside a draw costs hypothesis a
# validation each time (most of the test's time, measured)
ANY_FAMILY = st.sampled_from([*FAMILIES, "nope", ""])
REAL_FAMILY = st.sampled_from(list(FAMILIES))
JUNK_PAIR = st.one_of(
    st.builds("{}={}".format, st.sampled_from(["k", "D", "N", "formula", "alphabet", "mode"]),
              JUNK),
    st.builds("{}={}".format, JUNK, JUNK),
    JUNK.filter(lambda t: "=" not in t))


@st.composite
def family_args(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A family and its ``-p`` pairs: mostly valid, some junk."""
    family = draw(ANY_FAMILY if _sometimes(draw) else REAL_FAMILY)
    params = {key: draw(value) for key, value in FAMILIES.get(family, {}).items()
              if key in ("formula", "k") or draw(st.booleans())}
    pairs = [f"{key}={value}" for key, value in params.items()]
    while _sometimes(draw):
        pairs.append(draw(JUNK_PAIR))
    return family, [family, *itertools.chain.from_iterable(("-p", pair) for pair in pairs)]


def _words(symbols: str) -> st.SearchStrategy[list[str]]:
    """Words over ``symbols`` (one long one at times), and one in four times a junk word:
    random unicode, an unknown symbol, empty, or ``-`` (read standard input)."""
    valid = st.lists(st.one_of(st.text(symbols, min_size=1, max_size=12),
                               st.integers(100, 1000).map(lambda n: symbols * n)),
                     min_size=1, max_size=4)
    junk = st.one_of(st.text(max_size=10), st.text(symbols + "c ", max_size=12),
                     st.sampled_from(["", "-"]))
    return st.one_of(valid, valid, valid, st.tuples(valid, junk).map(lambda t: [*t[0], t[1]]))


WORDS = {family: _words(symbols) for family, symbols in SYMBOLS.items()}


OPTION_VALUES = st.one_of(st.sampled_from(["0", "1", "2", "3", "-1", "1.5", "x", ""]), JUNK)


@st.composite
def junk_options(draw: st.DrawFn) -> list[str]:
    """Unknown options, flags given values, and options without their value."""
    return draw(st.lists(st.sampled_from(["--bogus", "-z", "--json=yes", "--model", "-p",
                                          "--", "--max-len", "--help"]), max_size=2))


COMMANDS = st.sampled_from(["list", "accepts", "sizes", "show", "word", "verify", "dfa",
                           "export", "load", "verdict", "atlas"])


@st.composite
def command_line(draw: st.DrawFn, tmp: Path) -> tuple[list[str], str]:
    """A whole command line and the text on standard input."""
    command = draw(COMMANDS)
    paths = st.sampled_from([str(tmp / "model"), str(tmp / "file.txt"), str(tmp),
                             str(tmp / "missing" / "x"), str(tmp / "bad.json"),
                             str(tmp / " "), "", str(tmp / "x\ny")])
    args = [command]
    family = ""
    if command in ("accepts", "sizes", "show", "word", "verify", "dfa", "export"):
        family, more = draw(family_args())
        args += more
    if command == "accepts":
        args += ["--model", draw(MODELS)] if draw(st.booleans()) else []
        args += ["--json"] if draw(st.booleans()) else []
        args += draw(WORDS.get(family, WORDS["ltl"]))
    elif command == "sizes":
        args += ["--json"] if draw(st.booleans()) else []
    elif command == "show":
        args += ["--model", draw(MODELS)]
    elif command == "word":
        args += ["--limit", draw(st.sampled_from(["0", "1", "5", "-2", "x"]))]
    elif command == "verify":
        args += ["--models", draw(st.sampled_from(
            ["reference,uhat", "reference,brasp", "reference,rnn,dfa", "uhat", "x,y", ","]
            if _sometimes(draw) else ["reference,uhat", "reference,rnn", "reference,brasp"]))]
        args += ["--max-len", draw(st.sampled_from(
            ["1", "2", "3", "0", "-1", "x"] if _sometimes(draw) else ["2", "3"]))]
        for option in ("--samples", "--time-limit", "--max-states", "--batch-size", "--seed"):
            if _sometimes(draw):
                args += [option, draw(st.sampled_from(["0", "1", "3", "-1", "x", "0.001"]))]
        args += [flag for flag in ("--unbounded", "--json") if draw(st.booleans())]
    elif command == "dfa":
        args += ["--model", draw(MODELS)] if draw(st.booleans()) else []
        if draw(st.booleans()):
            args += ["--max-len", draw(st.sampled_from(["1", "2", "3", "0", "-1", "x"]))]
        if draw(st.booleans()):
            args += ["--dot", draw(paths)]
        if draw(st.booleans()):
            args += ["--max-states", draw(st.sampled_from(["1", "0", "-3", "x"]))]
        args += ["--json"] if draw(st.booleans()) else []
    elif command == "export":
        args += ["--model", draw(MODELS), "--out", draw(paths)]
    elif command == "load":
        args += [draw(st.one_of(paths, st.sampled_from(
            [str(tmp / "model.json"), str(tmp / "model.safetensors")]), PRINTABLE, JUNK))]
        args += ["--json"] if draw(st.booleans()) else []
        args += draw(WORDS["dyck"])
    elif command == "verdict":  # a real verdict takes seconds: only ones that fail fast
        args += [draw(st.sampled_from(["ltl", "nope", ""])),
                 *draw(st.sampled_from([[], ["--horizon", "x"], ["--json"]]))]
    elif command == "atlas":  # never a real atlas run: every line here fails up front
        args += draw(st.sampled_from([
            ["--headline", str(tmp)],
            ["--family", "nope"], ["--family", ""], ["--samples", "x"], ["--seed", ""],
            ["--out", str(tmp / "file.txt"), "--family", "dc"]]))
    args += draw(junk_options()) if _sometimes(draw) else []
    stdin = draw(st.one_of(st.just(""), st.text(max_size=30),
                           st.lists(st.text("ab()", max_size=8)).map("\n".join)))
    return args, stdin


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with an exported model, a plain file and a broken manifest."""
    tmp = tmp_path_factory.mktemp("fuzz")
    (tmp / "file.txt").write_text("not a folder\n")
    (tmp / "bad.json").write_text('{"format": "succinct-model", "version": "x"')
    out = RUN.invoke(app, ["export", "dyck", "-p", "k=1", "-p", "D=2", "--out",
                           str(tmp / "model")])
    assert out.exit_code == 0, out.output
    return tmp


def test_the_cli_never_shows_a_traceback(workdir: Path):
    """Planted, each seen to fail here: (1) ``parse_params`` without its ``=`` check →
    ``-p bogus`` ends in ``internal error: ValueError`` (status 3); (2) ``atlas``
    without its up-front ``--family`` check → ``atlas --family nope`` prints a blank
    line (the progress display's) before its error line. Before the fixes it found
    (3) ``load ''`` and ``export --out ''`` (``test_odd_paths_are_one_line``)."""

    @settings(max_examples=150, deadline=None)
    @given(line=command_line(workdir))
    def run(line: tuple[list[str], str]) -> None:
        args, stdin = line
        check_contract(RUN.invoke(app, args, input=stdin), args)

    run()


# ---------------------------------------------------------------------- the handler itself
def _app_raising(error: BaseException) -> typer.Typer:
    """A one-command app whose command raises ``error`` inside ``_friendly``."""
    tiny = typer.Typer()

    @tiny.command()
    @_friendly
    def boom(flag: bool = typer.Option(False, "--flag")) -> None:
        raise error

    @tiny.command()
    def other() -> None:  # a second command keeps "boom" a subcommand
        """Unused."""

    return tiny


@pytest.mark.parametrize(("error", "code", "line"), [
    (SuccinctError("bad input"), 2, "error: bad input"),
    (FileNotFoundError(2, "No such file or directory", "x.json"), 2,
     "error: No such file or directory: x.json"),
    (IsADirectoryError(21, "Is a directory", "out"), 2, "error: Is a directory: out"),
    (RuntimeError("boom\nsecond line"), 3, "internal error: RuntimeError: boom second line "
                                           "(please report; SUCCINCT_DEBUG=1 shows the "
                                           "traceback)"),
    (KeyError("k"), 3, "internal error: KeyError: 'k' (please report; SUCCINCT_DEBUG=1 "
                       "shows the traceback)"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_friendly_turns_every_exception_into_one_line(monkeypatch, error, code, line):
    """Planted, each seen to fail here: the ``except Exception`` clause narrowed → the
    RuntimeError and KeyError escape (status 1, ``result.exception`` set); the
    KeyboardInterrupt clause removed → typer's ``Aborted!``, status 1; the OSError
    clause removed → the file errors become ``internal error`` (status 3)."""
    monkeypatch.delenv("SUCCINCT_DEBUG", raising=False)
    result = RUN.invoke(_app_raising(error), ["boom"])
    assert isinstance(result.exception, SystemExit | None)
    assert (result.exit_code, result.stderr) == (code, line + "\n")
    assert result.stdout == ""


def test_succinct_debug_shows_the_traceback(monkeypatch):
    """Planted: the ``SUCCINCT_DEBUG`` test made ``== "yes"`` → the error is swallowed
    into ``internal error`` and ``result.exception`` is a SystemExit."""
    monkeypatch.setenv("SUCCINCT_DEBUG", "1")
    result = RUN.invoke(_app_raising(RuntimeError("boom")), ["boom"])
    assert isinstance(result.exception, RuntimeError)
    monkeypatch.setenv("SUCCINCT_DEBUG", "1")
    result = RUN.invoke(_app_raising(SuccinctError("bad")), ["boom"])
    assert (result.exit_code, result.stderr) == (2, "error: bad\n")


def test_usage_errors_stay_typer_s():
    """A bad option is typer's usage error (usage line, exit 2), not ours, and typer's
    own ``Exit`` passes through. Planted: the ``except (Exit, Abort, TyperException):
    raise`` clause removed from ``_friendly`` → ``typer.Exit(1)`` inside a command
    becomes ``internal error: Exit`` with status 3."""
    result = RUN.invoke(app, ["accepts", "ltl", "--bogus"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ") and "No such option: --bogus" in result.stderr
    result = RUN.invoke(_app_raising(typer.Exit(1)), ["boom"])
    assert (result.exit_code, result.stderr) == (1, "")


# ------------------------------------------------------------------- the bad inputs
def test_atlas_out_onto_an_existing_file_is_one_line(tmp_path):
    """Planted: the up-front check removed from ``atlas`` → the dc rows are built first
    (seconds) and the error is ``mkdir``'s ``error: File exists: …``, not this line."""
    target = tmp_path / "atlas.txt"
    target.write_text("x")
    result = RUN.invoke(app, ["atlas", "--family", "dc", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"error: --out {target} is an existing file; give a folder to " \
                            "write into\n"
    result = RUN.invoke(app, ["atlas", "--headline", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (
        2, f"error: --headline {tmp_path} is a folder; give the PNG file to write\n")


def test_deep_formulas_through_the_cli():
    """``L(Y^n a)``: the words whose (n+1)-th symbol from the end is ``a``. At n =
    MAX_BRASP_DEPTH the B-RASP model decides it; n = 200 compiles to a UHAT (one layer
    per Y; 500 takes seconds); n = 10,000 and 5,000 parentheses run on the reference
    model; one past the limit is refused in one line. Planted: ``Unary`` given the
    dataclass's recursive ``__eq__``/``__hash__`` again (``eq=True``) → RecursionError,
    ``internal error`` with status 3."""
    def call(n: int, model: str, *words: str, parens: int = 0) -> Result:
        formula = "(" * parens + "Y " * n + "a" + ")" * parens
        return RUN.invoke(app, ["accepts", "ltl", "-p", f"formula={formula}", "--model",
                                model, *words])

    for n, model in ((MAX_BRASP_DEPTH, "brasp"), (200, "uhat"), (10_000, "reference")):
        result = call(n, model, "a" + "b" * n, "b" * (n + 1), "ba" + "a" * n)
        assert (result.exit_code, result.stdout.split()[1::2]) == (
            0, ["accept", "reject", "accept"]), result.output
    result = call(0, "reference", "ab", "ba", parens=5_000)
    assert (result.exit_code, result.stdout.split()[1::2]) == (0, ["reject", "accept"])
    result = call(MAX_BRASP_DEPTH + 1, "uhat", "ab")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: formula nesting depth {MAX_BRASP_DEPTH + 1} "
                                    f"exceeds the {MAX_BRASP_DEPTH} ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", [["load", ""], ["load", "x\ny"], ["load", "x\ry"],
                                  ["export", "dyck", "-p", "k=1", "--out", ""]])
def test_odd_paths_are_one_line(args):
    """Found by the fuzz test: ``load ''`` and ``export … --out ''`` ended in ``internal
    error: ValueError: PosixPath('.') has an empty name``; ``load 'x\ry'`` printed the
    raw line break inside its one error line. Planted: ``export.paths`` without its
    empty-name check, or without its line-break check."""
    result = RUN.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_a_malformed_formula_shows_its_caret_display():
    """The one error line, then the formula and a caret under the position, on lines of
    their own (planted, found by a review: escaping every line break of an error message
    printed ``\\n`` literally)."""
    result = RUN.invoke(app, ["accepts", "ltl", "-p", "formula=a &", "a"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: malformed formula at position 4: unexpected end of formula, expected an "
        "atom or '('", "  a &", "     ^"]
