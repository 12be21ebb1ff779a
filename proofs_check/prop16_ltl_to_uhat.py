"""Prop 16: an LTL formula φ translates, in polynomial time, to a UHAT recognizing L(φ).

The claim (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, App. A.6, Prop 16): for every
LTL formula φ (strict past and future operators) there is a UHAT of size polynomial in
|φ|, computable in polynomial time, accepting exactly L(φ). The construction goes through
B-RASP: one predicate per subformula (atoms are the one-hot embedding, connectives are
position-wise ops), and one attention op per temporal subformula,

    (φ₁ S φ₂)(i) := ▶_j [j < i, ¬φ₁(j) ∨ φ₂(j)] φ₂(j) : 0

(the most recent earlier position where φ₁ fails or φ₂ holds: the formula holds iff φ₂
holds there), and its mirror ◀_j[j > i, …] for U. Every score reads j only, so the
program is in Lemma 9's special form with K = ∅, and Lemma 9 compiles it.

What is checked, for the paper's Example 1 ((ab)⁺ as
``b ∧ H(b → Y a) ∧ H((a ∧ Y ⊤) → Y b)``), a few named formulas with each operator, and
random formulas (a seeded generator over every operator, :func:`random_formula`):

1. **Same language.** :func:`succinct.verify` compares the LTL evaluator
   (:func:`succinct.programs.ltl.evaluate_batch`: the recursive unfoldings
   ``(φ S ψ)(n) = ψ(n−1) ∨ (φ(n−1) ∧ (φ S ψ)(n−1))``, a second implementation that uses
   no attention) with the compiled UHAT in ``"lemma9"`` and ``"compact"`` mode on every
   word of length ≤ 7 over {a, b}.
2. **One coordinate per subformula.** In ``"ffn"`` mode (every predicate kept), the last
   residual stream has exactly ``|Σ| + s`` coordinates, ``s`` the distinct subformulas
   that are not atoms, and on sampled words the coordinate of each subformula equals the
   evaluator's truth value of that subformula at every position.
3. **Size.** The UHAT has exactly one attention layer per distinct temporal subformula
   (compact mode), and in ``"lemma9"`` mode

       layers ≤ 4|φ|,   width ≤ |Σ| + |φ| + 6,   params ≤ 8·(|φ| + |Σ|)³,

   |φ| the syntax-tree nodes: each subformula costs a constant number of layers and
   one coordinate, plus a constant scratch during its own op (copies, ``vis`` and at most
   four gates), and each dense layer is quadratic in the width. The formulas ``Y^n a``
   (n = 1, 8, 32) show the growth: linear layers, cubic dense parameters. The constants
   are this module's (the paper states only "polynomial").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from proofs_check.lemma9_brasp_to_uhat import ByDefinition
from succinct import Language, compile_program, count_sizes, parse_ltl, to_brasp, verify
from succinct.programs.ltl import (
    TEMPORAL,
    Atom,
    Binary,
    Formula,
    Top,
    Unary,
    evaluate_batch,
)
from succinct.words import Alphabet, encode

AB = Alphabet.of("ab")
MAX_LEN = 7
EXAMPLE_1 = "b & H(b -> Y a) & H((a & Y true) -> Y b)"
NAMED = (EXAMPLE_1, "a S b", "a U b", "F b", "G(a -> X b)", "P(a & Y a)", "!(Y b) & H a")
RANDOM_FORMULAS = 8
GROWTH = (1, 8, 32)  # Y^n a: size rows only
UNARY_OPS = ("!", "Y", "P", "H", "X", "F", "G")
BINARY_OPS = ("&", "|", "->", "<->", "S", "U")


def random_formula(rng: np.random.Generator, depth: int = 4) -> Formula:
    """A random formula over {a, b} with every operator (seeded by ``rng``)."""
    if depth == 0 or rng.random() < 0.25:
        return Top() if rng.random() < 0.1 else Atom("ab"[int(rng.integers(2))])
    if rng.random() < 0.4:
        return Unary(UNARY_OPS[int(rng.integers(len(UNARY_OPS)))], random_formula(rng, depth - 1))
    op = BINARY_OPS[int(rng.integers(len(BINARY_OPS)))]
    return Binary(op, random_formula(rng, depth - 1), random_formula(rng, depth - 1))


def formulas() -> list[Formula]:
    """The named formulas, then distinct random ones with at least 5 nodes whose language
    up to :data:`MAX_LEN` is neither empty nor full (by the evaluator)."""
    out = [parse_ltl(text, AB) for text in NAMED]
    words = [w for n in range(1, MAX_LEN + 1) for w in _words(n)]
    tokens, lengths = encode(words, AB)
    rng = np.random.default_rng(16)
    while len(out) < len(NAMED) + RANDOM_FORMULAS:
        phi = random_formula(rng)
        if phi.size() < 5 or phi in out:
            continue
        hits = int(Language(phi, AB).accepts_batch(tokens, lengths).sum())
        if 0 < hits < len(words):
            out.append(phi)
    return out


def _words(n: int) -> list[str]:
    return [""] if n == 0 else [w + a for w in _words(n - 1) for a in "ab"]


def bounds(phi: Formula) -> dict[str, int]:
    """The size bound this module checks (module docstring)."""
    size, sigma = phi.size(), len(AB)
    return {"layers": 4 * size, "width": sigma + size + 6, "params": 8 * (size + sigma) ** 3}


def temporal_subformulas(phi: Formula) -> int:
    """Distinct subformulas whose top operator is temporal (S, U, Y, P, H, X, F, G)."""
    return sum(1 for f in phi.subformulas()
               if isinstance(f, Unary | Binary) and f.op in TEMPORAL)


def _coordinates(phi: Formula, words: list[str]) -> int:
    """Check 2 on ``words``; returns the number of subformula coordinates."""
    program = to_brasp(phi, AB)
    model = compile_program(program, "ffn").model
    subs = phi.subformulas()
    own = {f"φ{k}": f for k, f in enumerate(subs) if not isinstance(f, Atom) or f == phi}
    labels = list(model.spec.output.labels)
    want = [f"Q_{a}" for a in AB] + sorted(own, key=lambda x: int(x[1:]))
    assert labels == want, f"{phi}: the last residual holds {labels}, not one coordinate " \
        f"per subformula {want}"
    for w in words:
        tokens, lengths = encode([w], AB)
        truth = {f: v[0, :len(w)] for f, v in evaluate_batch(phi, tokens, lengths, AB).items()}
        last = model.residuals(w, evaluator="reference")[-1]
        for name, f in own.items():
            got = last[:, labels.index(name)].astype(bool)
            assert (got == truth[f]).all(), \
                f"{phi}: coordinate {name} = {f} is {got.astype(int)} on {w!r}, the " \
                f"evaluator says {truth[f].astype(int)}"
    return len(own)


def _size_row(phi: Formula) -> dict[str, Any]:
    lemma9 = count_sizes(compile_program(to_brasp(phi, AB), "lemma9").model)
    compact = compile_program(to_brasp(phi, AB), "compact").model
    attention = sum(1 for layer in compact.spec.layers if layer.kind == "attention")
    temporal = temporal_subformulas(phi)
    assert attention == temporal, f"{phi}: {attention} attention layers, but {temporal} " \
        "temporal subformulas"
    bound = bounds(phi)
    got = {"layers": lemma9.layers, "width": lemma9.width, "params": lemma9.params}
    for key, value in got.items():
        assert value <= bound[key], \
            f"{phi}: the UHAT has {key} = {value} > the bound {bound[key]} (|φ| = {phi.size()})"
    return {"|φ|": phi.size(), "temporal": temporal, "attention layers": attention,
            "layers (lemma9)": lemma9.layers, "≤ 4|φ|": bound["layers"],
            "width": lemma9.width, "≤ |Σ|+|φ|+6": bound["width"], "params": lemma9.params,
            "≤ 8(|φ|+|Σ|)^3": bound["params"]}


def check() -> list[dict]:
    rows: list[dict[str, Any]] = []
    sample = ["ab", "abab", "abba", "aabab", "babab", "abbbab"]
    for k, phi in enumerate(formulas()):
        program = to_brasp(phi, AB)
        report = verify({"LTL": Language(phi, AB),
                         "lemma9": ByDefinition(compile_program(program, "lemma9").model),
                         "compact": ByDefinition(compile_program(program, "compact").model)},
                        max_len=MAX_LEN)
        cex = report.counterexample
        assert report.agree, (
            f"{phi}: the UHAT and the LTL evaluator disagree on {cex.word!r} (accepted by "
            f"{', '.join(cex.accepted_by) or 'none'}, rejected by "
            f"{', '.join(cex.rejected_by) or 'none'})")
        coords = _coordinates(phi, sample[:2] if k >= len(NAMED) else sample)
        rows.append({"formula": str(phi), "words checked": report.checked,
                     "accepted": report.accepted, "subformula coords": coords}
                    | _size_row(phi))
    for n in GROWTH:
        phi = parse_ltl("Y " * n + "a", AB)
        rows.append({"formula": f"Y^{n} a", "words checked": "(size only)", "accepted": "",
                     "subformula coords": ""} | _size_row(phi))
    return rows
