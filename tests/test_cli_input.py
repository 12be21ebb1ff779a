"""The CLI's input rules: ``-p`` parameters, ranges, ``--limit``, stdin batches, the atlas's
``--samples``. Each test names the old behaviour it catches (planted, seen to fail)."""

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
