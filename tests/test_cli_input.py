"""The CLI's input rules: ``-p`` parameters, ranges, ``--limit``, stdin batches, the atlas's
``--samples``. Each test names the old behaviour it catches (planted, seen to fail)."""

import re

import pytest
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the later commands)
from succinct.cli.app import app
from succinct.registry import get_family, parse_params
from succinct.words import SuccinctError

RUN = CliRunner()


def _error(args: list[str], stdin: str | None = None) -> str:
    """The one ``error:`` line of a command that must fail with status 2."""
    out = RUN.invoke(app, args, input=stdin)
    assert out.exit_code == 2, (args, out.output)
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, out.output)
    return lines[0]


# ------------------------------------------------------------------------------ -p KEY=VALUE
@pytest.mark.parametrize("value", ["1_0", " 3 ", "3 ", "+3", "٣", "0x3", "3.0", ""])
def test_an_integer_parameter_is_decimal_digits_only(value: str):
    """Old behaviour (``int(raw)``): ``D=1_0`` read as 10, ``D= 3 `` as 3, ``D=٣`` as 3."""
    line = _error(["word", "dyck", "-p", f"D={value}"])
    assert "parameter D " in line and repr(value) in line, line


def test_a_parameter_given_twice_is_refused_naming_it():
    """Old behaviour: ``-p D=2 -p D=3`` kept the last value (a dict update)."""
    line = _error(["word", "dyck", "-p", "D=2", "-p", "D=3"])
    assert "parameter D is given twice" in line and "D=2" in line and "D=3" in line, line
    with pytest.raises(SuccinctError, match="formula is given twice"):
        parse_params(["formula=a", "formula=a"])  # even with the same value


def test_integer_parameters_from_python_and_the_cli_agree():
    """Python callers pass ints (numpy's too); the CLI passes the same digits as text."""
    import numpy as np

    fam = get_family("dyck")
    assert fam.resolve({"D": 3}) == fam.resolve({"D": np.int64(3)}) \
        == fam.resolve(parse_params(["D=3"]))
    with pytest.raises(SuccinctError, match="parameter D must be an integer"):
        fam.resolve({"D": True})  # a bool is not a count


# ---------------------------------------------------------------------------- one range
def test_the_range_list_prints_is_the_range_every_command_enforces():
    """For every integer parameter of every family: the value one past either end of the
    range ``list`` prints is refused with that same range in the message."""
    listing = RUN.invoke(app, ["list"]).output
    from succinct.registry import families

    for name, fam in families().items():
        for p in fam.params:
            if p.kind is not int or not p.range:
                continue
            assert f"-p {p.name}=… {p.range}" in listing, (name, p.name)
            for outside in (p.low - 1 if p.low is not None else None,
                            p.high + 1 if p.high is not None else None):
                if outside is not None:
                    with pytest.raises(SuccinctError, match=re.escape(p.range)):
                        fam.resolve({p.name: outside})


def test_khop_m_has_one_range_for_every_command():
    """Old behaviour: ``list`` said m ∈ [2..4096], ``sizes``/``uhat``/``rnn`` refused
    m > 64 with their own message, ``word`` and the reference model took m = 128."""
    high = next(p for p in get_family("khop").params if p.name == "m").high
    for args in (["word", "khop"], ["sizes", "khop"], ["show", "khop", "--model", "rnn"],
                 ["accepts", "khop", "--model", "reference", "0"]):
        line = _error(args + ["-p", f"m={high + 1}"])
        assert f"parameter m={high + 1} is out of range [2..{high}]" in line, line
    out = RUN.invoke(app, ["sizes", "khop", "-p", f"m={high}", "--json"])  # the top is built
    assert out.exit_code == 0, out.output
    assert '"rnn"' in out.output and '"uhat"' in out.output


# ---------------------------------------------------------------------------------- --limit
@pytest.mark.parametrize("limit", ["-1", "0"])
def test_word_limit_below_one_is_refused_naming_it(limit: str):
    """Old behaviour: ``word --limit -1`` (or 0) printed nothing and exited 0."""
    assert "--limit must be at least 1" in _error(["word", "dyck", "--limit", limit])
    out = RUN.invoke(app, ["word", "dyck", "--limit", "2"])
    assert out.exit_code == 0 and len(out.output.split()) == 2, out.output


# ------------------------------------------------------------------------------ stdin batches
def test_a_bad_stdin_line_is_named_with_its_number_and_first_characters():
    """Old behaviour: ``error: unknown symbol 'x' at position 5: …``, which of the lines
    it was left unsaid. Line numbers count every line, skipped blank ones included."""
    line = _error(["accepts", "dyck", "-p", "D=5", "-"], stdin="()\n\n(())\n((((x\n()\n")
    assert line.startswith("error: line 4 ('((((x'): unknown symbol 'x' at position 5"), line
    long = "(" * 30 + "x"
    line = _error(["accepts", "dyck", "-p", "D=5", "-"], stdin=f"()\n{long}\n")
    assert line.startswith(f"error: line 2 ('{'(' * 20}…'): unknown symbol 'x' at "
                           "position 31"), line
    line = _error(["accepts", "dyck", "()", "(]"])  # several arguments: which one
    assert line.startswith("error: word 2 ('(]'): unknown symbol ']'"), line
    line = _error(["accepts", "dyck", "(]"])  # a lone word needs no place
    assert line.startswith("error: unknown symbol ']' at position 2"), line


def test_stdin_lines_follow_one_rule():
    """Empty, whitespace-only and CRLF lines: one rule (CR dropped, blank lines skipped).
    Old behaviour: a whitespace-only line was an unknown-symbol error while an empty one
    was skipped."""
    lf = RUN.invoke(app, ["accepts", "dyck", "-p", "D=5", "-"], input="()\n(()\n")
    crlf = RUN.invoke(app, ["accepts", "dyck", "-p", "D=5", "-"],
                      input="()\r\n\r\n  \r\n\t\n \n(()\r\n\n")
    assert lf.exit_code == crlf.exit_code == 0, crlf.output
    assert lf.output == crlf.output and "accept" in lf.output and "reject" in lf.output
    assert "--json" not in lf.output
    js = RUN.invoke(app, ["accepts", "dyck", "--json", "-"], input="()\r\n \n")
    assert js.exit_code == 0 and '"word": "()"' in js.output and "\\r" not in js.output
    line = _error(["accepts", "dyck", "-"], stdin="\n \r\n\t\n")
    assert "no words given" in line, line


# ------------------------------------------------------------------------------ atlas --samples
class _Stop(Exception):
    """Raised by the fake atlas builder once it has recorded how it was called."""


def _atlas_calls(monkeypatch: pytest.MonkeyPatch, tmp_path, samples: str) -> tuple[list, str]:
    """The keyword arguments ``atlas --samples N`` builds the atlas with (the build is a
    fake that records them and stops), and the command's output."""
    import succinct.cli.commands.atlas as command

    calls: list[dict] = []

    def fake(names, **kwargs):
        calls.append(kwargs)
        raise SuccinctError("stopped by the test")

    monkeypatch.setattr(command, "build_atlas", fake)
    out = RUN.invoke(app, ["atlas", "--family", "window", "--no-plots", "--samples", samples,
                           "--out", str(tmp_path / "atlas")])
    return calls, out.output


def test_atlas_samples_zero_means_no_check(monkeypatch, tmp_path):
    """Old behaviour: ``--samples 0`` still ran a check on the members alone (every row of
    a family whose members are all accepted read "vacuous", others failed)."""
    calls, _ = _atlas_calls(monkeypatch, tmp_path, "0")
    assert len(calls) == 1 and calls[0]["check"] is False, calls
    calls, _ = _atlas_calls(monkeypatch, tmp_path, "5")
    assert calls[0]["check"] is True and calls[0]["samples"] == 5, calls


def test_atlas_negative_samples_are_refused_up_front(monkeypatch, tmp_path):
    """Old behaviour: ``--samples -1`` built every row, each check failed with
    "samples must be ≥ 0", and the summary filled with that error (exit 1)."""
    calls, output = _atlas_calls(monkeypatch, tmp_path, "-1")
    assert calls == [], calls
    assert output.strip() == "error: --samples must be at least 0 (0: no check), got -1"


@pytest.mark.parametrize("gib", ["-1", "0", "nan"])
def test_accepts_max_memory_must_be_positive(gib: str):
    """Old behaviour: ``--max-memory -1`` refused every batch as needing "more than the
    budget of -1 GiB", and ``nan`` let every batch through."""
    line = _error(["accepts", "dyck", "--max-memory", gib, "()"])
    assert line.startswith("error: --max-memory must be a positive number of GiB"), line


def test_accepts_relax_below_one_is_refused_naming_it():
    """Old behaviour: ``--relax -1`` failed inside the relaxation as "max_len must be a
    positive integer", a name the command line does not have."""
    line = _error(["accepts", "dyck", "--model", "uhat", "--relax", "-1", "()"])
    assert line.startswith("error: --relax must be at least 1"), line


def test_atlas_negative_time_limit_is_refused_up_front(monkeypatch, tmp_path):
    """Old behaviour: ``--time-limit -1`` refused the atlas as predicted "more than the
    time limit of -1 s" after starting the progress display (a blank line)."""
    import succinct.cli.commands.atlas as command

    monkeypatch.setattr(command, "build_atlas", lambda *a, **k: pytest.fail("built"))
    out = RUN.invoke(app, ["atlas", "--family", "window", "--time-limit", "-1",
                           "--out", str(tmp_path / "atlas")])
    assert out.exit_code == 2
    assert out.output == "error: --time-limit must be at least 0 seconds (0: none), got -1\n"
