"""The documentation: its examples hold, and the site builds in strict mode.

The pages state facts that the code decides, so the tests read them back out of the
Markdown and ask the code, never a copy of the expected values:

* every table of decided words in ``docs/ltl.md`` is decided by three independent routes
  (the LTL evaluator, the Prop 16 B-RASP program, the compiled UHAT), and its "read at"
  column by :func:`succinct.programs.ltl.accept_position`;
* every row of its parse table parses to the same tree as its fully parenthesised form;
* every formula of its error table is refused with the message fragment shown;
* every ``pycon`` session on the checked pages runs as a doctest, and every ``console``
  block prints what the page shows (run in-process through the CLI app).

These run without mkdocs. The strict site build (broken links, anchors or API references
fail it) runs when the ``docs`` extra is installed and is skipped otherwise.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from succinct.compiler.brasp_to_uhat import compile_program
from succinct.programs.ltl import Language, LTLError, accept_position, parse, to_brasp
from succinct.words import Alphabet

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LTL_PAGE = DOCS / "ltl.md"
CHECKED_PAGES = ["ltl.md", "symbols.md", "getting-started.md"]


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row; a bar inside a code span is not a separator
    (as Python-Markdown reads it)."""
    cells, cell, in_code = [], "", False
    for ch in line.strip().removeprefix("|").removesuffix("|"):
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    return [*cells, cell.strip()]


def tables(text: str, header: list[str]) -> list[list[str]]:
    """The body rows of every table in ``text`` whose header row is ``header``."""
    rows: list[list[str]] = []
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("|") and _cells(line) == header:
            for body in lines[k + 2:]:
                if not body.startswith("|"):
                    break
                rows.append(_cells(body))
    return rows


def code(cell: str) -> list[str]:
    """The code spans of a cell: ``"`ab` `ba`"`` → ``["ab", "ba"]``."""
    return re.findall(r"`([^`]*)`", cell)


def blocks(text: str, lang: str) -> list[tuple[int, str]]:
    """(line number, body) of every fenced code block of language ``lang``."""
    return [(text[:m.start()].count("\n") + 2, m.group(1)) for m in
            re.finditer(rf"^```{lang}\n(.*?)^```$", text, flags=re.M | re.S)]


DECIDED = tables(LTL_PAGE.read_text(encoding="utf-8"),
                 ["formula", "alphabet", "read at", "accepts", "rejects"])
PARSED = tables(LTL_PAGE.read_text(encoding="utf-8"), ["formula", "parses as"])
ERRORS = tables(LTL_PAGE.read_text(encoding="utf-8"),
                ["formula", "alphabet", "error contains"])


def test_the_ltl_page_has_its_tables():
    """A reformatted table would silently check nothing; planted: renaming the column
    "rejects" makes this fail."""
    assert len(DECIDED) >= 12 and len(PARSED) >= 8 and len(ERRORS) >= 4


@pytest.mark.parametrize("row", DECIDED, ids=[code(r[0])[0] for r in DECIDED])
def test_ltl_page_decides_as_stated(row):
    """Planted: reading every formula at the last position (accept_position → "last")
    fails the ``X b``, ``F b``, ``G a`` and ``a U b`` rows; swapping a word between the
    accepts and rejects cells fails its row."""
    (formula,), (symbols,), read_at = code(row[0]), code(row[1]), row[2]
    yes, no = code(row[3]), code(row[4])
    alphabet = Alphabet.of(symbols)
    phi = parse(formula, alphabet)
    assert accept_position(phi) == read_at
    words = yes + no
    expected = [True] * len(yes) + [False] * len(no)
    models = {"evaluator": Language(phi, alphabet), "B-RASP": to_brasp(phi, alphabet),
              "UHAT": compile_program(to_brasp(phi, alphabet)).model}
    for name, model in models.items():
        got = [bool(x) for x in model.accepts(words)]
        assert got == expected, f"{name} on {formula!r}: {dict(zip(words, got, strict=True))}"


@pytest.mark.parametrize("row", PARSED, ids=[code(r[0])[0] for r in PARSED])
def test_ltl_page_parses_as_stated(row):
    """Planted: making ``|`` bind tighter than ``&`` (swapping conj and disj in the
    parser) fails the ``a | b & a`` row; making ``S`` left-associative fails
    ``a S b S a``."""
    (text,), (bracketed,) = code(row[0]), code(row[1])
    ab = Alphabet.of("ab")
    assert parse(text, ab) == parse(bracketed, ab)


@pytest.mark.parametrize("row", ERRORS, ids=[code(r[0])[0] for r in ERRORS])
def test_ltl_page_errors_as_stated(row):
    """Planted: accepting an unknown atom (dropping the alphabet check) fails the ``Ya``
    and ``c`` rows."""
    (text,), (symbols,), (fragment,) = code(row[0]), code(row[1]), code(row[2])
    with pytest.raises(LTLError) as err:
        parse(text, Alphabet.of(symbols))
    assert fragment in str(err.value)
    assert str(err.value).startswith("malformed formula at position")


SESSIONS = [(page, line, body) for page in CHECKED_PAGES
            for line, body in blocks((DOCS / page).read_text(encoding="utf-8"), "pycon")]
COMMANDS = [(page, line, body) for page in CHECKED_PAGES
            for line, body in blocks((DOCS / page).read_text(encoding="utf-8"), "console")]


def test_checked_pages_have_examples():
    assert len(SESSIONS) >= 3 and len(COMMANDS) >= 3


@pytest.mark.parametrize("page,line,body", SESSIONS,
                         ids=[f"{p}:{n}" for p, n, _ in SESSIONS])
def test_python_sessions_run(page, line, body):
    """Every ``pycon`` block is a doctest. Planted: changing ``[True, False, False]`` to
    ``[True, True, False]`` in ltl.md's session fails it."""
    test = doctest.DocTestParser().get_doctest(body, {}, page, str(DOCS / page), line)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=out.append)
    assert result.attempted > 0
    assert result.failed == 0, "".join(out)


@pytest.mark.parametrize("page,line,body", COMMANDS,
                         ids=[f"{p}:{n}" for p, n, _ in COMMANDS])
def test_command_lines_print_as_shown(page, line, body):
    """Every ``$ succinct …`` line of a ``console`` block, run through the CLI app,
    prints the lines below it. Planted: ``accept`` → ``reject`` in a shown output."""
    from typer.testing import CliRunner

    import succinct.cli.commands  # noqa: F401  (registers every command)
    from succinct.cli.app import app

    runs: list[tuple[str, list[str]]] = []
    for text in body.splitlines():
        if text.startswith("$ "):
            runs.append((text[2:], []))
        elif runs:
            runs[-1][1].append(text)
    assert runs, f"{page}:{line}: a console block without a $ command"
    for command, shown in runs:
        argv = shlex.split(command)
        assert argv[0] == "succinct", command
        result = CliRunner().invoke(app, argv[1:], prog_name="succinct")
        printed = result.output.rstrip("\n").splitlines()
        assert printed == shown, f"{page}:{line}: {command}\nprinted:\n{result.output}"
        expect_error = bool(shown) and shown[0].startswith("error:")
        assert (result.exit_code != 0) == expect_error, (command, result.exit_code)


DOCS_EXTRA = ["mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python",
              "mkdocs_jupyter"]


def _missing() -> list[str]:
    missing = []
    for name in DOCS_EXTRA:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(name)
    return missing


@pytest.mark.slow
@pytest.mark.skipif(bool(_missing()), reason="the docs extra is not installed "
                    "(pip install -e '.[docs]'); missing: " + ", ".join(_missing()))
def test_site_builds_in_strict_mode(tmp_path):
    """``mkdocs build --strict``, as ``make docs`` runs it, into a temporary folder.
    Planted: a link to a page that does not exist (``[x](nowhere.md)``) in docs/ltl.md,
    an API page naming ``succinct.nowhere``, and a nav entry with no file each fail it.

    ``make docs`` executes every notebook as it renders it; here only notebook 01 is
    executed (``SUCCINCT_DOCS_EXECUTE_ONLY``: test_notebooks.py runs them all), and its
    page must show the plot it draws. Planted: ``execute: false`` in mkdocs.yml fails it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(ROOT), os.environ.get("PYTHONPATH")])), "JAX_PLATFORMS": "cpu",
        "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "agg",
        "SUCCINCT_DOCS_EXECUTE_ONLY": "01_*"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "--config-file", str(ROOT / "mkdocs.yml"),
                           "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-4000:]
    site = tmp_path / "site"
    for page in ["index.html", "ltl/index.html", "cli/index.html", "api/programs/index.html",
                 "notebooks/01_uhat_by_hand/index.html"]:
        assert (site / page).is_file(), page
    assert "arxiv.org/abs/2510.19315" in (site / "index.html").read_text(encoding="utf-8")
    assert "accept_position" in (site / "api/programs/index.html").read_text(encoding="utf-8")
    executed = (site / "notebooks/01_uhat_by_hand/index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="jp-RenderedImage[^>]*>\s*<img[^>]*src="data:image/png',
                     executed), "notebook 01 was rendered without its plot"
    print(f"mkdocs build --strict: {seconds:.1f} s")
