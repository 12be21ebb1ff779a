"""The ``succinct`` command line.

Contract (kept stable; later families only add names)::

    succinct list
    succinct accepts FAMILY -p KEY=VALUE ... --model MODEL WORD...   ('-' reads stdin)
    succinct accepts FAMILY ... --model uhat --relax N WORD...   (the softmax relaxation)
    succinct sizes FAMILY -p KEY=VALUE ... [--json]
    succinct show FAMILY -p KEY=VALUE ... --model MODEL
    succinct word FAMILY -p KEY=VALUE ...

Without ``--model``, accepts, show, dfa and export use :data:`DEFAULT_MODEL` (``uhat``;
a family without one: its reference model), one rule in :func:`chosen_model`.

Every user error (unknown symbol, bad parameter, malformed formula, a file that cannot
be read or written, …) prints one ``error: …`` line on standard error and exits with
status 2, never a traceback (a malformed formula adds an indented caret line). Any
other exception is a bug: one ``internal error: …`` line and status 3, the traceback
only with ``SUCCINCT_DEBUG=1``; Ctrl-C prints ``interrupted``, status 130
(:func:`_friendly`). ``tests/test_cli_fuzz.py`` holds the CLI to this with generated
arguments.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperArgument, TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from succinct.automata.dfa import DFA
from succinct.compiler.relax import relax
from succinct.recognizer import accepts as decide
from succinct.registry import (
    ENV_VAR,
    Family,
    env_family_modules,
    families,
    get_family,
    load_family_module,
    parse_params,
)
from succinct.verify import MEMORY_LIMIT, check_memory
from succinct.words import Alphabet, SuccinctError


def _tidy_help(text: str | None) -> str | None:
    """A docstring as help: each paragraph (blank-line separated) one line, so that the
    terminal wraps it at its width instead of at the docstring's line breaks; a paragraph
    that starts with ``\\b`` keeps its lines (click's convention)."""
    if text is None:
        return None
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(text))
    return "\n\n".join(p[1:].strip("\n") if p.startswith("\b") else " ".join(p.split())
                       for p in paragraphs)


def _tidy_param(param: Any) -> None:
    """No ``<bool>`` / ``<list[str]>`` type tags: a flag shows none, an argument its name
    in capitals (``FAMILY``, ``WORDS``), any other option the metavar it was given or
    its value's kind (``TEXT``, ``INTEGER``, ``FLOAT``)."""
    if isinstance(param, TyperArgument):
        # an argument's name column already says what it is: no type column
        param.display_type_rich = lambda ctx: None
    if param.metavar is not None:
        return
    if isinstance(param, TyperArgument):
        param.metavar = (param.name or "").upper()
    elif getattr(param, "is_flag", False):
        param.metavar = ""
    else:
        kind = param.type_descriptor.annotation
        param.metavar = {int: "INTEGER", float: "FLOAT"}.get(kind, "TEXT")


class _Group(TyperGroup):
    """The command group with help that reads like a well-kept CLI: docstrings wrapped
    at the terminal's width (:func:`_tidy_help`) and no type tags (:func:`_tidy_param`)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not getattr(command, "_tidied", False):
            command.help = _tidy_help(command.help)
            for param in [*command.params, command.get_help_option(ctx)]:
                if param is not None:
                    _tidy_param(param)
            command._tidied = True
        return command

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        for param in [*self.params, option]:
            if param is not None:
                _tidy_param(param)
        return option


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    help="Hand-built transformers and RNNs for formal languages: build, size, check.",
)

# the stdin rule of _read_words, in the help of every command that reads words
WORDS_HELP = ("words, or '-' to read one per line (a CRLF line end reads as LF; empty and "
              "whitespace-only lines are skipped)")
PARAM = typer.Option([], "-p", "--param", metavar="KEY=VALUE",
                     help="family parameter KEY=VALUE (repeatable)")


def package_version() -> str:
    """The installed ``succinct`` distribution's version (``pyproject.toml``)."""
    try:
        return version("succinct")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"succinct {package_version()}")
        raise typer.Exit()

# The one default --model of accepts, show, dfa and export: the UHAT, the paper's object
# and the one model every command handles (export refuses a Python reference, and show
# prints only its name); a family without a ``uhat`` model falls back to its reference.
DEFAULT_MODEL = "uhat"
MODEL_DEFAULT_HELP = f"default: {DEFAULT_MODEL}, or the family's reference model if it has none"


def model_option(what: str) -> Any:
    """The ``--model``/``-m`` option of a command that takes one model (``what`` it does
    with it), defaulting to :func:`chosen_model`."""
    return typer.Option(None, "--model", "-m", show_default=False,
                        help=f"{what} ({MODEL_DEFAULT_HELP})")


def chosen_model(fam: Family, model: str | None) -> str:
    """``model``, or the default: :data:`DEFAULT_MODEL` when the family has it, else the
    family's reference model."""
    if model is not None:
        return model
    return DEFAULT_MODEL if DEFAULT_MODEL in fam.models else fam.reference


def _friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Runs a command so that no traceback reaches the user.

    * a user error (:class:`SuccinctError`, a file that cannot be read or written, bad
      JSON) prints ``error: …`` on one line and exits with status 2;
    * Ctrl-C prints ``interrupted`` and exits with status 130 (128 + SIGINT);
    * any other exception is a bug: one line ``internal error: <Type>: <message>`` and
      status 3; with ``SUCCINCT_DEBUG=1`` in the environment it is re-raised, traceback
      and all.

    typer's own exits (``typer.Exit``, usage errors, ``Abort``) pass through untouched.
    """

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (Exit, Abort, TyperException):
            raise
        except (SuccinctError, json.JSONDecodeError) as e:
            _fail(f"error: {e}", 2)  # one line, or a formula's caret display below it
        except OSError as e:
            _fail(f"error: {_one_line(_os_message(e))}", 2)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as e:
            if os.environ.get("SUCCINCT_DEBUG") == "1":
                raise
            text = " ".join(str(e).split()) or "(no message)"
            _fail(f"internal error: {type(e).__name__}: {text} (please report; "
                  "SUCCINCT_DEBUG=1 shows the traceback)", 3)

    return run


@app.callback()
@_friendly
def _family_modules(
    family_module: list[str] = typer.Option(
        [], "--family-module", metavar="FILE.py|MODULE",
        help=f"import a module that registers families, before the command (repeatable; "
             f"also {ENV_VAR}, entries separated by {os.pathsep!r}); see docs/families.md"),
    _version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                  help="print the package version and exit"),
) -> None:
    """Loads the family modules of SUCCINCT_FAMILY_MODULES, then those of --family-module,
    so that every command sees their families."""
    for spec in env_family_modules() + list(family_module):
        load_family_module(spec)


def _fail(line: str, code: int) -> NoReturn:
    """Prints ``line`` on standard error and exits with ``code``."""
    typer.echo(line, err=True)
    raise typer.Exit(code)


def _one_line(text: str) -> str:
    """``text`` with its line breaks escaped (``\\n``, ``\\r``): an operating-system error
    is one line even when it quotes a path that holds one."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _os_message(e: OSError) -> str:
    """``[Errno 2] No such file or directory: 'x'`` → ``No such file or directory: x``."""
    if e.strerror is None:
        return str(e)
    names = [str(f) for f in (e.filename, e.filename2) if f is not None]
    return e.strerror + (f": {' → '.join(names)}" if names else "")


HEAD = 20  # characters of a word quoted in an error about it


class WordBatch(list[str]):
    """Words read by :func:`_read_words`, each with where it came from: ``word 2`` (the
    second word argument) or ``line 4`` (of standard input, counting every line); ``""``
    for a word that was the only input (an error about it needs no place)."""

    def __init__(self, words: list[str], where: list[str]) -> None:
        super().__init__(words)
        self.where = where


def _read_words(words: list[str]) -> WordBatch:
    """The word arguments, with ``-`` replaced by the lines of standard input.

    The stdin rule (one for every command that reads ``-``): a line is one word, taken
    as written after its line end (``\\n``, and a ``\\r`` before it: CRLF files read
    the same) is dropped; empty and whitespace-only lines are skipped. Line numbers
    count every line, skipped ones included, as an editor shows them."""
    out: list[str] = []
    where: list[str] = []
    args = 0
    for w in words:
        if w == "-":
            for number, line in enumerate(sys.stdin, 1):
                line = line.removesuffix("\n").removesuffix("\r")
                if line and not line.isspace():
                    out.append(line)
                    where.append(f"line {number}")
        else:
            args += 1
            out.append(w)
            where.append(f"word {args}")
    if not out:
        raise SuccinctError("no words given (pass words as arguments, or '-' to read stdin)")
    if where == ["word 1"]:
        where = [""]
    return WordBatch(out, where)


def check_words(alphabet: Alphabet, words: list[str]) -> None:
    """Encodes the words one by one, so that a bad one is named with where it came from
    and its first characters: ``line 4 ('((((x'): unknown symbol 'x' at position 5: …``
    (a batch's own error would not say which of thousands of lines it is)."""
    where = getattr(words, "where", None) or [f"word {k}" for k in range(1, len(words) + 1)]
    for label, w in zip(where, words, strict=True):
        try:
            alphabet.to_ids(w)
        except SuccinctError as e:
            if not label:
                raise
            head = w if len(w) <= HEAD else w[:HEAD] + "…"
            raise SuccinctError(f"{label} ({head!r}): {e}") from None


def names_words(args: list[str]) -> bool:
    """Whether plain output names each word: when the words come from standard input
    (``-``) or are several. One word given as an argument gets the bare answer."""
    return len(args) > 1 or "-" in args


def print_decisions(recognizer: Any, words: list[str], as_json: bool,
                    with_words: bool) -> None:
    """The decisions on ``words``: a JSON list of ``{"word", "accepted"}`` objects, or one
    line per word, ``WORD<TAB>accept`` / ``WORD<TAB>reject`` when ``with_words``, else the
    bare ``accept`` / ``reject``. The caller has checked the words
    (:func:`check_words`)."""
    result = decide(recognizer, words)
    if as_json:
        typer.echo(json.dumps([{"word": w, "accepted": bool(a)} for w, a in
                               zip(words, result, strict=True)], ensure_ascii=False))
        return
    for w, a in zip(words, result, strict=True):
        verdict = "accept" if a else "reject"
        typer.echo(f"{w}\t{verdict}" if with_words else verdict)


@app.command("list")
@_friendly
def list_families() -> None:
    """List the families, their parameters and models.

    Example: succinct list
    """
    for name, fam in sorted(families().items()):
        typer.echo(f"{name}: {fam.description}")
        for p in fam.params:
            extra = f" (default {p.default})" if p.default is not None else ""
            rng = f" {p.range}" if p.range else ""
            typer.echo(f"    -p {p.name}=…{rng}{extra}  {p.help}")
        for m in fam.models:
            typer.echo(f"    --model {m}  {fam.model_help.get(m, '')}".rstrip())


@app.command()
@_friendly
def accepts(
    family: str,
    words: list[str] = typer.Argument(None, help=WORDS_HELP),
    params: list[str] = PARAM,
    model: str | None = model_option("which model decides"),
    as_json: bool = typer.Option(False, "--json", help="print a JSON list"),
    max_memory: float = typer.Option(MEMORY_LIMIT / 2**30, "--max-memory",
                                     help="refuse batches predicted to need more (GiB)"),
    relax_len: int = typer.Option(
        None, "--relax",
        help="decide with the UHAT relaxed into a softmax transformer certified up to "
             "this length (succinct relax)"),
) -> None:
    """Decide membership of words with one model of a family.

    Output: one line per word, WORD<TAB>accept or WORD<TAB>reject, when the words come
    from stdin ('-') or are several; the bare accept or reject for one word argument;
    --json prints a list of {"word", "accepted"} objects.

    With --relax N the model (a UHAT) is first relaxed into a softmax transformer with the
    certified scale beta(N) (succinct.compiler.relax), which decides words of length <= N.

    The memory of evaluating the words is predicted first (succinct.verify.evaluation_bytes)
    and runs past --max-memory are refused.

    Example: succinct accepts ltl -p "formula=a S b" -p alphabet=ab --model uhat ba bab
    (softmax: add --relax 8)
    """
    if not max_memory > 0:  # also NaN
        raise SuccinctError(f"--max-memory must be a positive number of GiB, got {max_memory:g}")
    if relax_len is not None and relax_len < 1:
        raise SuccinctError(f"--relax must be at least 1 (the longest word certified), got "
                            f"{relax_len}")
    fam = get_family(family)
    recognizer = fam.build(chosen_model(fam, model), parse_params(params))
    if relax_len is not None:
        recognizer = relax(recognizer, relax_len)
    read = _read_words(words or [])
    check_words(recognizer.alphabet, read)
    check_memory(recognizer, read, max_memory * 2**30,
                 lift="pass --max-memory GIB to allow it")
    print_decisions(recognizer, read, as_json, names_words(words or []))


@app.command()
@_friendly
def sizes(
    family: str,
    params: list[str] = PARAM,
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Sizes of every model of a family: counted, with their formulas.

    Example: succinct sizes ltl -p "formula=b & H(b -> Y a)" --json
    """
    fam = get_family(family)
    if fam.sizes is None:
        raise SuccinctError(f"family {family} reports no sizes")
    resolved = fam.resolve(parse_params(params))
    report = {name: r.as_dict() for name, r in fam.sizes(resolved).items()}
    if as_json:
        typer.echo(json.dumps({"family": family, "params": resolved, "models": report},
                              indent=2, default=str, ensure_ascii=False))
        return
    typer.echo(f"{family} {resolved}")
    for name, r in report.items():
        # every size names its measure where the field name alone does not say it
        measures = r.get("measures", {})
        typer.echo(f"  {name}: " + ", ".join(
            f"{k}={v}" + (f" ({measures[k]})" if measures.get(k, k) != k else "")
            for k, v in r.items() if isinstance(v, int | float | str)))


@app.command()
@_friendly
def show(
    family: str,
    params: list[str] = PARAM,
    model: str | None = model_option("which model to print"),
    dot: str = typer.Option(None, "--dot", metavar="FILE",
                            help="with --model dfa: also write the DFA as Graphviz DOT"),
) -> None:
    """Print a model layer by layer, with labelled weights (and, where the family says
    how it built the model, that description first).

    A reference model prints what it is (a Python predicate or state machine); a DFA its
    transition table (the first 64 states; --dot FILE writes all of it).

    Example: succinct show ltl -p "formula=Y a" --model uhat
    """
    fam = get_family(family)
    model = chosen_model(fam, model)
    built = fam.build(model, parse_params(params))
    if dot is not None and not isinstance(built, DFA):
        raise SuccinctError(f"--dot writes a DFA (--model dfa), and {family} --model {model} "
                            f"is not one; 'succinct dfa {family} --model {model} --dot FILE' "
                            "draws its minimal DFA")
    if fam.describe is not None:
        text = fam.describe(model, fam.resolve(parse_params(params)))
        if text:
            typer.echo(text)
    typer.echo(str(built))
    if dot is not None:
        Path(dot).write_text(built.to_dot(f"{family} {model}"))


@app.command()
@_friendly
def word(
    family: str,
    params: list[str] = PARAM,
    limit: int = typer.Option(1, "--limit", help="how many members to print (at least 1)"),
) -> None:
    """Print members of a family's language (e.g. w_n for dc).

    Example: succinct word dc -p n=1
    """
    if limit < 1:
        raise SuccinctError(f"--limit must be at least 1, got {limit}")
    fam = get_family(family)
    if fam.members is None:
        raise SuccinctError(f"family {family} has no member generator")
    resolved = fam.resolve(parse_params(params))
    for k, w in enumerate(fam.members(resolved)):
        if k >= limit:
            break
        typer.echo(w)


def main() -> None:
    """Entry point of the ``succinct`` console script."""
    # lazy: importing the command modules registers their commands on ``app``, which they
    # import from here, so this import runs once ``app`` is complete
    import succinct.cli.commands  # noqa: F401

    app()
