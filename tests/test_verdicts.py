"""Size verdicts: growth classes and statements are computed, and can come out either way."""

import sympy as sp
from typer.testing import CliRunner

import succinct.cli.commands  # noqa: F401  (registers the verdict commands)
from succinct.cli.app import app
from succinct.verdicts import Comparison, Verdict

x = sp.Symbol("x", positive=True, integer=True)


def analysed(left, right):
    return Comparison("A", "B", left, right, x).analysis


def test_growth_classes():
    assert analysed(3 * x**2 + 1, x**2).growth == "bounded"
    assert analysed(3 * x**2 + 1, x**2).smaller == "B"
    assert analysed(x**2 * sp.log(x), x).detail == "ratio ~ x^1 · log(x)^1"
    assert analysed(x * sp.log(x) ** 2, x).growth == "polylogarithmic"
    a = analysed(x**3, 2**x)
    assert (a.smaller, a.growth, a.detail) == ("A", "exponential", "ratio ~ 2^x")
    assert analysed(x**x, 2**x).growth == "super-exponential"
    a = analysed(x, 2 ** (2**x))
    assert (a.growth, a.detail) == ("doubly exponential", "log(ratio) ~ 2^x")
    a = analysed(sp.oo, x)
    assert (a.smaller, a.growth) == ("B", "infinite")
    assert analysed(sp.Rational(1, 2) * x, x).smaller == "A"


def test_statements_follow_the_analysis():
    poly = Comparison("UHAT", "RNN", x**3, x**2, x, tags=frozenset({"t"}))
    expo = Comparison("UHAT", "RNN", x, 2**x, x, tags=frozenset({"t"}))
    v = Verdict("f", "F", (poly,), (("gap", "UHAT", "RNN"), ("winner", "things", "t")))
    assert v.conclusions() == ["no exponential gap for F under the paper's size measure",
                               "RNN wins on things"]
    v = Verdict("f", "F", (poly, expo), (("gap", "UHAT", "RNN"), ("winner", "things", "t")))
    gap, winner = v.conclusions()
    assert gap.startswith("exponential gap for F") and "UHAT smaller" in gap
    assert winner.startswith("no single model wins on things")


def test_verdict_command_prints_the_computed_statements():
    out = CliRunner().invoke(app, ["verdict", "dyck"])
    assert out.exit_code == 0, out.output
    assert "dyck: no exponential gap for Dyck under the paper's size measure" in out.output
    out = CliRunner().invoke(app, ["verdict", "wordproblem", "--json"])
    assert out.exit_code == 0, out.output
    assert "RNN wins on group word problems" in out.output
    out = CliRunner().invoke(app, ["verdict", "nosuchfamily"])
    assert out.exit_code == 2 and "unknown family" in out.output
