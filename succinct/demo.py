"""A small end-to-end demonstration: formula → B-RASP → UHAT → labelled weights →
acceptance → sizes. ``make demo`` runs it (``python -m succinct.demo``)."""

from __future__ import annotations

import itertools
import re

from succinct.compiler.brasp_to_uhat import compile_program
from succinct.programs.ltl import Language, parse, to_brasp
from succinct.sizes import count
from succinct.words import Alphabet

EXAMPLE_1 = "b & H(b -> Y a) & H((a & Y true) -> Y b)"


def main() -> None:
    alphabet = Alphabet.of("ab")
    phi = parse(EXAMPLE_1, alphabet)
    print(f"LTL formula (the paper's Example 1, the language (ab)+):\n  {phi}\n")
    program = to_brasp(phi, alphabet)
    print(f"B-RASP program (Prop 16), {len(program.ops)} predicates:\n{program}\n")
    compiled = compile_program(program)  # mode "compact", the default
    model = compiled.model
    print(model)
    words = ["".join(w) for n in range(1, 11) for w in itertools.product("ab", repeat=n)]
    got = model.accepts(words)
    want = [bool(re.fullmatch("(ab)+", w)) for w in words]
    ref = Language(phi, alphabet).accepts(words)
    agree = (got == want).all() and (ref == want).all()
    print(f"\nall {len(words)} words up to length 10: UHAT = LTL evaluator = regex (ab)+: "
          f"{agree}")
    for mode in ("compact", "ffn", "lemma9"):
        rep = count(compile_program(program, mode).model)
        print(f"sizes ({mode:7}): layers={rep.layers} width={rep.width} params={rep.params} "
              f"nonzero={rep.nonzero} bits={rep.bits}")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
