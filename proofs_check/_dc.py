"""The witness family DC_n = {w_n} of Thm 15, Thm 17 and Cor 18: its built models
recognize exactly it (shared by those claims' checks; not a claim module itself).

The separation theorems rest on "the UHAT T_n (resp. the RNN) recognizes DC_n". That is
tested here on the *languages*, against sources independent of the model under test:

* **membership**: w_n (``dc_ids``, accepted by the definition, :func:`dc_reference`) is
  accepted, and each mutant of :func:`mutants` is rejected. The mutants are words the
  definition rejects (checked), one per kind of error the construction must catch;
* **the whole language** (n = 1 always, n = 2 with ``--full``): the exact automaton of the
  UHAT (:func:`succinct.exact.dispatch.exact_dfa`, built from its weights), minimized,
  has ``|w_n| + 2`` states and is language-equal to the minimal DFA of DC_n read off the
  definition (the ``dc`` family's ``dfa`` model, the chain of w_n's prefixes minimized).

Why n = 2 is opt-in (and does not pass yet): the strict-future construction records, per
attention layer, every distinct key in order of last occurrence with the coordinates the
layer reads. For the vertical fetches (PrevX, Carry, HasAbove: score
``Σ_k [B_k(i) = B_k(j)] + Q_#(j) − n``, keys ``(B_1..B_n, Q_#)``, 2^(n+1) of them) that
keeps the non-``#`` slots, their reads and their order as well, although a non-``#`` slot
loses to the ``#`` slot of the same address for every query once that exists, and the
order of slots matters only between slots some query scores equally. On the words that
are not prefixes of w_n (almost all of them) the product of those records grows past
what fits: for n = 2 the search holds 9.5 GB after 9 min CPU without having reached
3·10^6 raw states, and the layer-by-layer construction (:mod:`succinct.exact.two_sided`)
did not finish in 5.5 min CPU (its first 56 layers take 10 s, PrevX's layer the rest).
Dropping dominated slots and keeping order
only between slots that can tie would make the records small (outside this package).
With ``--full`` the n = 2 automaton is attempted up to :data:`EXACT_MAX_STATES` raw
states and the check fails, saying so, when it does not fit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from constructions.counter import DC_ALPHABET, dc_ids, dc_length
from proofs_check import full
from succinct.automata.dfa import StateLimitExceeded
from succinct.exact.dispatch import exact_dfa
from succinct.registry import get_family
from succinct.words import bucket_length

__all__ = ["mutants", "padded", "uhat_language", "rnn_membership", "exact_n", "merge"]

A, B, ZERO, ONE, HASH = (DC_ALPHABET.index(s) for s in "ab01#")
MEMBERSHIP_N = (1, 2, 3)  # UHAT membership (w_3: 10 240 symbols)
RNN_MEMBERSHIP_N = (1, 2, 3)  # RNN membership; n = 4 (6 291 456 symbols) with --full
EXACT_MAX_STATES = 2_000_000  # DC_1 needs 14 745; beyond this, several GB


def rnn_membership_n() -> tuple[int, ...]:
    """The n whose w_n the RNN reads: 1..3, and 4 (w_4, 6 291 456 symbols, about 30 s)
    with ``--full``."""
    return (*RNN_MEMBERSHIP_N, 4) if full() else RNN_MEMBERSHIP_N


def exact_n() -> tuple[int, ...]:
    """The n whose UHAT gets the exact automaton: 1, and 2 with ``--full``."""
    return (1, 2) if full() else (1,)


def _grid(n: int) -> np.ndarray:
    """w_n as ``[rows, columns, n + 2]`` symbol ids (a copy)."""
    return dc_ids(n).astype(np.uint8).reshape(2 ** (2**n), 2**n, n + 2).copy()


def _edit(n: int, fn: Callable[[np.ndarray], None]) -> np.ndarray:
    g = _grid(n)
    fn(g)
    return g.reshape(-1)


def _toggle(g: np.ndarray, row: int, col: int, k: int) -> None:
    """Flip symbol k of a cell: an address bit 0 ↔ 1 (k < n) or the counter bit a ↔ b."""
    pair = (A, B) if g[row, col, k] in (A, B) else (ZERO, ONE)
    g[row, col, k] = pair[1] if g[row, col, k] == pair[0] else pair[0]


def mutants(n: int) -> list[tuple[str, np.ndarray]]:
    """Named non-members of DC_n, each one error away from w_n (symbol ids, uint8).

    Substitutions (counter bit in row 0, in the middle row, in the last row; an address
    bit; ``#`` → ``a``), transpositions (two rows, two cells), deletions (a symbol, a
    cell, the first row, the last row, the last symbol), insertions (a ``#``, a cell after
    the end, the last row again) and, for n ≤ 2, w_n twice (the counter wraps around).
    """
    w = dc_ids(n).astype(np.uint8)
    rows, cols, cell = 2 ** (2**n), 2**n, n + 2
    mid, half = rows // 2, len(w) // 2
    row_len = cols * cell
    out = [
        ("counter bit flipped in row 0", _edit(n, lambda g: _toggle(g, 0, 0, n))),
        ("counter bit flipped in the middle row, last column",
         _edit(n, lambda g: _toggle(g, mid, cols - 1, n))),
        ("counter bit flipped in the last row", _edit(n, lambda g: _toggle(g, rows - 1, 0, n))),
        ("address bit flipped", _edit(n, lambda g: _toggle(g, mid, 1, 0))),
        ("'#' replaced by 'a'", _edit(n, lambda g: g.__setitem__((mid, 0, n + 1), A))),
        ("two rows swapped", _edit(n, lambda g: g.__setitem__(slice(mid - 1, mid + 1),
                                                               g[[mid, mid - 1]]))),
        ("two cells swapped", _edit(n, lambda g: g.__setitem__((mid, slice(0, 2)),
                                                                g[mid, [1, 0]]))),
        ("one symbol deleted", np.delete(w, half)),
        ("one cell deleted", np.delete(w, np.arange(half, half + cell))),
        ("first row deleted", w[row_len:]),
        ("last row deleted", w[:-row_len]),
        ("last symbol deleted", w[:-1]),
        ("'#' inserted", np.insert(w, half, HASH)),
        ("a cell appended", np.concatenate([w, w[:cell]])),
        ("last row repeated", np.concatenate([w, w[-row_len:]])),
    ]
    if n <= 2:  # (longer words cost more than they add)
        out.append(("w_n twice", np.concatenate([w, w])))
    for name, word in out:
        assert len(word) != len(w) or (word != w).any(), f"n={n}: mutant {name!r} is w_n"
    return out


def padded(words: list[np.ndarray], length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A padded batch ``(tokens[B, N], lengths[B])`` (uint8 ids, pad symbol 0)."""
    lengths = np.array([len(x) for x in words], np.int32)
    tokens = np.zeros((len(words), length or int(lengths.max())), np.uint8)
    for row, x in enumerate(words):
        tokens[row, :len(x)] = x
    return tokens, lengths


def _membership(name: str, accepts_batch: Callable[[np.ndarray, np.ndarray], np.ndarray],
                n: int, *, pad_to: Callable[[int], int] = lambda m: m) -> dict:
    """w_n accepted and every mutant rejected by ``accepts_batch``; the definition
    (``reference``) rejects every mutant and accepts w_n (else the test words are wrong)."""
    muts = mutants(n)
    words = [dc_ids(n).astype(np.uint8)] + [x for _, x in muts]
    tokens, lengths = padded(words, pad_to(max(len(x) for x in words)))
    ref = get_family("dc").build("reference", {"n": n}).accepts_batch(tokens, lengths)
    assert ref.tolist() == [True] + [False] * len(muts), \
        f"n={n}: the definition does not reject exactly the mutants: {ref.tolist()}"
    got = np.asarray(accepts_batch(tokens, lengths)).tolist()
    assert got[0], f"the {name} of DC_{n} rejects w_{n} (|w_{n}| = {dc_length(n):,})"
    wrong = [m for (m, _), a in zip(muts, got[1:], strict=True) if a]
    assert not wrong, f"the {name} of DC_{n} accepts mutants of w_{n}: {', '.join(wrong)}"
    return {"n": n, "|w_n|": dc_length(n), "w_n": "accepted",
            "mutants": f"{len(muts)}/{len(muts)} rejected"}


def _digest(model: object) -> tuple:
    """Identity of a built model: its static spec and a hash of its weights."""
    h = hashlib.sha256()
    for leaf in jax.tree_util.tree_leaves(model.params):
        h.update(np.asarray(leaf).tobytes())
    return model.spec, h.hexdigest()


_UHAT_CACHE: dict[tuple, dict] = {}


def _uhat_row(n: int, exact: bool) -> dict:
    fam = get_family("dc")
    uhat = fam.build("uhat", {"n": n})
    key = (n, exact, _digest(uhat))
    if key in _UHAT_CACHE:
        return _UHAT_CACHE[key]
    if n <= 2:  # short words: numpy, nothing to compile
        row = _membership("UHAT", partial(uhat.accepts_batch, evaluator="reference"), n)
    else:  # 16 words padded to 2^14: 2^18 tokens, compiled as one computation
        row = _membership("UHAT", uhat.accepts_batch, n, pad_to=bucket_length)
    row["exact automaton"] = "with --full" if n == 2 else "-"
    if exact:
        try:
            auto = exact_dfa(uhat, max_states=EXACT_MAX_STATES)
        except StateLimitExceeded as e:
            raise AssertionError(f"the exact automaton of the UHAT of DC_{n} was not built: "
                                 f"{e}") from e
        reference = fam.build("dfa", {"n": n})
        same, witness = auto.minimal.equivalent(reference)
        assert same, (f"the exact automaton of the UHAT of DC_{n} differs from the minimal "
                      f"DFA of DC_{n} on {witness!r}")
        assert auto.minimal.n_states == dc_length(n) + 2 == reference.n_states, \
            (n, auto.minimal.n_states, reference.n_states)
        row["exact automaton"] = (f"= minimal DFA, {auto.minimal.n_states} states "
                                  f"({auto.explored:,} explored, {auto.seconds:.1f} s)")
    _UHAT_CACHE[key] = row
    return row


def merge(first: list[dict], second: list[dict]) -> list[dict]:
    """The rows of ``first`` and ``second``, those with the same ``"n"`` joined into one
    (in the order of ``second``, then the rest of ``first``)."""
    by_n = {row["n"]: dict(row) for row in first}
    out = [{**by_n.pop(row["n"], {}), **row} for row in second]
    return out + list(by_n.values())


def uhat_language() -> list[dict]:
    """Rows for the ``dc`` family's UHAT: membership for n = 1..3, the exact automaton for
    :func:`exact_n` (cached per model, so Thm 15 and Thm 17 build it once)."""
    return [_uhat_row(n, n in exact_n()) for n in MEMBERSHIP_N]


_rnn_forward = jax.jit(lambda rnn, tokens, lengths: rnn.forward(tokens, lengths))


def rnn_membership() -> list[dict]:
    """Rows for the ``dc`` family's delay-line RNN: w_n and its mutants for the n of
    :func:`rnn_membership_n`, in one call of the RNN's jitted forward (``lax.scan`` along
    time) per n."""
    fam = get_family("dc")
    rows = []
    for n in rnn_membership_n():
        rnn = fam.build("rnn", {"n": n})
        rows.append(_membership(
            "RNN", lambda t, ell, rnn=rnn: _rnn_forward(rnn, jnp.asarray(t), jnp.asarray(ell)),
            n))
    return rows
