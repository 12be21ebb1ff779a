"""Solutions to the exercises of notebook 02, and a wrong answer each must reject."""

from __future__ import annotations

from succinct import FALSE, Alphabet, Language, ProgramBuilder, parse_ltl

AB = Alphabet.of("ab")


def prev_a(tie: str = "right"):
    """``prev_a(i) := ▶_j[j < i, 1] Q_a(j) : 0``, read at the last position: the nearest
    earlier symbol is a. With the leftmost tie-break it reads the FIRST symbol instead."""
    p = ProgramBuilder(AB)
    a = p.Q("a")
    out = p.attend("prev_a", mask="future", tie=tie, value=a.j, default=FALSE)
    return p.build(out)


SOLUTIONS = {
    "02.prev-a": prev_a,
    "02.ltl-every-b": lambda: Language(parse_ltl("H(b -> Y a)", AB), AB),
    "02.attention-layers": lambda: "n + 2",  # Y b, …, Y^n b shared by both; H and P
}

WRONG = {
    "02.prev-a": lambda: prev_a(tie="left"),  # the first symbol is a
    "02.ltl-every-b": lambda: Language(parse_ltl("H(b -> P a)", AB), AB),  # some earlier a
    "02.attention-layers": lambda: "2*n + 2",  # counts Y^k b once per occurrence
}
