"""Lemma 9: a B-RASP program in special form compiles, in polynomial time, to an equivalent UHAT.

The claim (Bergsträßer, Cotterell & Lin, arXiv 2510.19315, App. A.3, Lemma 9): every
B-RASP program whose attention scores have the special form
``S(j) ∧ ⋀_{k∈K} P_k(i) ↔ P_k(j)`` is equivalent to a UHAT computable from it in
polynomial time. The construction keeps one residual coordinate per predicate and
realises an attention op with the bilinear score

    score(i, j) = Σ_{k∈K} (P_k(i) P_k(j) + (1 − P_k(i))(1 − P_k(j))) + S(j) − 1,

which is ``|K|`` exactly where the B-RASP score holds and at most ``|K| − 1`` elsewhere,
so the op's mask and tie-break select the same ``j`` as the program; the value and the
default are then Boolean circuits (:mod:`succinct.compiler.brasp_to_uhat`).

What is checked, on the B-RASP programs of five families (dc, counter, dyck, window,
monotone) and on random special-form programs (a seeded generator, :func:`random_program`,
with every mask, both tie-breaks, keys, and non-constant values and defaults; the first
seeds whose language, by the interpreter, is neither empty nor full up to the length):

1. **Same language.** :func:`succinct.verify` compares the B-RASP interpreter (the
   program's own semantics, :func:`succinct.programs.brasp.evaluate`) with the compiled
   UHAT in ``"lemma9"`` mode (the paper's literal recipe; the other modes are checked
   against the interpreter in ``tests/test_compile.py``): on every word up to a length
   and, for dc and counter, on a member and every word one substitution away from it. The
   UHAT is run by its ``reference`` evaluator (the layer definitions in numpy; no
   compilation, to stay in budget).
   Every program must accept some checked word and reject some other (a check on a
   language seen only from one side proves little).
2. **Polynomial size.** With ``|P| = Π + d`` (Π the predicates including the inputs,
   d the description size: the expression nodes of all ops), the ``"lemma9"`` UHAT has

       layers ≤ 2|P|,   width ≤ |Σ| + |P|,   params ≤ 2·|P|³.

   Why: each op compiles to a Boolean circuit per expression (a constant number of
   gates per node, each gate one pre-activation plus one ReLU layer) plus one attention
   layer, so the layers are linear in |P|; the residual holds the Π predicates plus the
   scratch of one op (linear in that op's size); every layer's dense matrices are at
   most quadratic in the width. The constants are this module's, measured with room to
   spare (the paper states only "polynomial"); the largest programs checked (dc n = 2,
   dyck k = 2 D = 4: sizes only) have |P| = 231 and 128, and the measured params stay
   below |P|³/50 there. The compile time is recorded too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from succinct import UHAT, ProgramBuilder, compile_program, count_sizes, verify
from succinct.programs.brasp import FALSE, TRUE, Expr, Program, Ref
from succinct.registry import get_family
from succinct.sizes import SizeReport
from succinct.words import Alphabet

# (family, params, max_len of the exhaustive check, members checked with their one-symbol
# substitutions)
FAMILIES: tuple[tuple[str, dict[str, Any], int, int], ...] = (
    ("dc", {"n": 1}, 2, 1),
    ("counter", {"N": 1}, 2, 1),
    ("dyck", {"k": 1, "D": 2}, 6, 0),
    ("window", {"k": 3}, 6, 0),
    ("monotone", {"m": 3}, 6, 0),
)
# larger programs whose size (not language) is checked against the bound
SIZE_ONLY: tuple[tuple[str, dict[str, Any]], ...] = (
    ("dc", {"n": 2}), ("dyck", {"k": 2, "D": 4}),
)
RANDOM_PROGRAMS = 6
RANDOM_MAX_LEN = 5


@dataclass(frozen=True)
class ByDefinition:
    """A UHAT run by its ``reference`` evaluator (numpy, no compilation) inside
    :func:`succinct.verify`, which would otherwise compile it for the device."""

    model: UHAT

    @property
    def alphabet(self) -> Alphabet:
        return self.model.alphabet

    def accepts_batch(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        return self.model.accepts_batch(tokens, lengths, evaluator="reference")

    def accepts(self, words) -> np.ndarray:
        return self.model.accepts(words, evaluator="reference")

    def size_report(self) -> SizeReport:
        return self.model.size_report()


def program_size(program: Program) -> int:
    """``|P| = Π + d``: predicates (inputs included) plus expression nodes."""
    return len(program.ops) + program.description_size()


def bounds(program: Program) -> dict[str, int]:
    """The size bound this module checks (module docstring)."""
    p = program_size(program)
    return {"layers": 2 * p, "width": len(program.alphabet) + p, "params": 2 * p**3}


def _random_expr(rng: np.random.Generator, refs: list[Ref], at: Literal["i", "j"],
                 depth: int) -> Expr:
    """A random Boolean expression over ``refs`` read at ``at``."""
    if depth == 0 or rng.random() < 0.35:
        leaf = refs[int(rng.integers(len(refs)))]
        return leaf.j if at == "j" else leaf.i
    kind = int(rng.integers(4))
    x = _random_expr(rng, refs, at, depth - 1)
    if kind == 0:
        return ~x
    y = _random_expr(rng, refs, at, depth - 1)
    return x & y if kind == 1 else x | y if kind == 2 else x.iff(y)


def random_program(seed: int, alphabet: str = "ab", n_ops: int = 6) -> Program:
    """A random special-form program: position-wise ops and attention ops with a random
    mask, tie-break, ``S(j)``, keys ``K`` (0–2 earlier predicates), value (reading
    ``i`` and ``j``) and default; the output is the last op."""
    rng = np.random.default_rng(seed)
    p = ProgramBuilder(alphabet)
    refs = [p.Q(a) for a in alphabet]
    out = refs[0]
    for t in range(n_ops):
        if rng.random() < 0.3:
            out = p.local(f"L{t}", _random_expr(rng, refs, "i", 2))
        else:
            mask = ("none", "future", "past")[int(rng.integers(3))]
            tie = ("left", "right")[int(rng.integers(2))]
            score = TRUE if rng.random() < 0.2 else _random_expr(rng, refs, "j", 1)
            n_keys = int(rng.integers(0, min(2, len(refs)) + 1))
            keys = [refs[int(k)] for k in rng.choice(len(refs), n_keys, replace=False)]
            value = _random_expr(rng, refs, "j", 1)
            if rng.random() < 0.5:
                value = value & _random_expr(rng, refs, "i", 0) if rng.random() < 0.5 \
                    else value | _random_expr(rng, refs, "i", 0)
            default = FALSE if rng.random() < 0.3 else _random_expr(rng, refs, "i", 1)
            out = p.attend(f"A{t}", mask=mask, tie=tie, score=score, value=value,
                           default=default, keys=keys)
        refs.append(out)
    return p.build(out)


def random_programs(count: int, max_len: int = RANDOM_MAX_LEN) -> list[tuple[int, Program]]:
    """The first ``count`` seeds whose :func:`random_program` accepts some but not all
    words of length ≤ ``max_len`` (decided by the interpreter, not the compiler)."""
    words = [w for n in range(1, max_len + 1) for w in _words("ab", n)]
    out: list[tuple[int, Program]] = []
    seed = 0
    while len(out) < count:
        program = random_program(seed)
        if 0 < int(program.accepts(words).sum()) < len(words):
            out.append((seed, program))
        seed += 1
    return out


def _words(alphabet: str, n: int) -> list[str]:
    return [""] if n == 0 else [w + a for w in _words(alphabet, n - 1) for a in alphabet]


def mutants(word: tuple[str, ...], alphabet: Alphabet) -> list[tuple[str, ...]]:
    """Every word that differs from ``word`` in one symbol."""
    return [word[:k] + (a,) + word[k + 1:] for k in range(len(word))
            for a in alphabet.symbols if a != word[k]]


def _same_language(name: str, program: Program, model: UHAT, max_len: int,
                   extra: list[tuple[str, ...]]) -> dict[str, Any]:
    """Compares the compiled UHAT with the interpreter on every word of length ≤
    ``max_len`` and on ``extra``."""
    report = verify({"B-RASP": program, "UHAT": ByDefinition(model)}, max_len=max_len,
                    members=extra or None)
    cex = report.counterexample
    assert report.agree, (
        f"{name}: the compiled UHAT and the B-RASP interpreter disagree on {cex.word!r} "
        f"(accepted by {', '.join(cex.accepted_by) or 'neither'}, rejected by "
        f"{', '.join(cex.rejected_by) or 'neither'})")
    assert 0 < report.accepted < report.checked, \
        f"{name}: the check saw only one side of the language ({report.accepted} of " \
        f"{report.checked} words accepted)"
    return {"program": name, "words checked": report.checked, "accepted": report.accepted}


def _size_row(name: str, program: Program, model: UHAT) -> dict[str, Any]:
    s = count_sizes(model)
    bound = bounds(program)
    got = {"layers": s.layers, "width": s.width, "params": s.params}
    for key, value in got.items():
        assert value <= bound[key], \
            f"{name}: the Lemma 9 UHAT has {key} = {value} > the bound {bound[key]} " \
            f"(|P| = {program_size(program)})"
    return {"|P|": program_size(program), "layers": s.layers, "≤ 2|P|": bound["layers"],
            "width": s.width, "≤ |Σ|+|P|": bound["width"], "params": s.params,
            "≤ 2|P|^3": bound["params"]}


def _compiled(program: Program) -> tuple[UHAT, float]:
    t0 = time.perf_counter()
    model = compile_program(program, "lemma9").model
    return model, round(time.perf_counter() - t0, 3)


def check() -> list[dict]:
    rows: list[dict[str, Any]] = []
    for fam_name, params, max_len, n_members in FAMILIES:
        fam = get_family(fam_name)
        program = fam.build("brasp", params)
        extra: list[tuple[str, ...]] = []
        if n_members:
            for w in list(fam.members(params))[:n_members]:
                word = tuple(program.alphabet.to_ids(w))
                word = tuple(program.alphabet.symbols[t] for t in word)
                extra += [word, *mutants(word, program.alphabet)]
        label = f"{fam_name} {params}"
        model, seconds = _compiled(program)
        rows.append(_same_language(label, program, model, max_len, extra)
                    | _size_row(label, program, model) | {"compile s": seconds})
    for seed, program in random_programs(RANDOM_PROGRAMS):
        label = f"random #{seed}"
        model, seconds = _compiled(program)
        rows.append(_same_language(label, program, model, RANDOM_MAX_LEN, [])
                    | _size_row(label, program, model) | {"compile s": seconds})
    for fam_name, params in SIZE_ONLY:
        label = f"{fam_name} {params}"
        program = get_family(fam_name).build("brasp", params)
        model, seconds = _compiled(program)
        rows.append({"program": label, "words checked": "(size only)", "accepted": ""}
                    | _size_row(label, program, model) | {"compile s": seconds})
    return rows
