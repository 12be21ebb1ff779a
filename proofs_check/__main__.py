"""``python -m proofs_check [--full] [NAME ...]``: run the claims' checks and print their
figures; ``--full`` adds the opt-in long checks (:func:`proofs_check.full`)."""

from __future__ import annotations

import os
import sys
import time

from proofs_check import FULL_ENV, claim_modules, load
from succinct.words import SuccinctError


def _table(rows: list[dict]) -> list[str]:
    if not rows:
        return ["    (no figures)"]
    cols = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[str(row.get(c, "")) for c in cols] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    line = "    " + "  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))
    out = [line, "    " + "  ".join("-" * w for w in widths)]
    out += ["    " + "  ".join(x.rjust(w) for x, w in zip(r, widths, strict=True))
            for r in cells]
    return out


def main(argv: list[str]) -> int:
    if "--full" in argv:
        os.environ[FULL_ENV] = "1"
        argv = [a for a in argv if a != "--full"]
    unknown = [a for a in argv if a not in claim_modules()]
    if unknown:
        print(f"error: no claim module {', '.join(unknown)} (claims: "
              f"{', '.join(claim_modules())})", file=sys.stderr)
        return 2
    names = argv or claim_modules()
    failed = 0
    for name in names:
        module = load(name)
        title = (module.__doc__ or name).strip().splitlines()[0]
        t0 = time.perf_counter()
        try:
            rows = module.check()
        except (AssertionError, SuccinctError) as e:
            failed += 1
            print(f"FAIL {name}: {title}\n    {e}\n", flush=True)
            continue
        print(f"ok   {name}: {title}  ({time.perf_counter() - t0:.1f} s)")
        print("\n".join(_table(rows)) + "\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
