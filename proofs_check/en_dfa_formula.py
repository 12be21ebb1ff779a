"""E_N (Example 2's N-bit counter): minimal DFA size 2^(N+1)(N+2) − N and |E_N| = 2^(2^(N−1)+1).

What is checked for N = 1..5 (Example 2 of arXiv 2510.19315, generalised to N bits in
``constructions/counter.py``):

* the minimal complete DFA of E_N, obtained by minimizing an automaton read off the
  definition (``counter`` family, ``dfa`` model), has ``2^(N+1)(N+2) − N`` states
  (11, 30, 77, 188, 443);
* counting accepted words by dynamic programming over that DFA gives ``|E_N| =
  2^(2^(N−1)+1)`` words of length ``(N + 2)·2^N`` and none of any other length up to
  one more, and the member generator yields
  exactly that many distinct words (N ≤ 4), each accepted by the DFA.
"""

from __future__ import annotations

import numpy as np

from succinct.recognizer import accepts
from succinct.registry import get_family


def accepted_counts(dfa, max_len: int) -> list[int]:
    """Number of accepted words of each length 0..max_len (exact Python integers)."""
    ways = np.zeros(dfa.n_states, object)
    ways[dfa.start] = 1
    out = [int(ways[dfa.accepting].sum())]
    for _ in range(max_len):
        nxt = np.zeros(dfa.n_states, object)
        for a in range(dfa.n_symbols):
            np.add.at(nxt, dfa.delta[:, a], ways)
        ways = nxt
        out.append(int(ways[dfa.accepting].sum()))
    return out


def check() -> list[dict]:
    fam = get_family("counter")
    rows = []
    for big_n in range(1, 6):
        dfa = fam.build("dfa", {"N": big_n})
        want = 2 ** (big_n + 1) * (big_n + 2) - big_n
        assert dfa.n_states == want, (big_n, dfa.n_states, want)
        length = (big_n + 2) * 2**big_n
        members = 2 ** (2 ** (big_n - 1) + 1)
        counts = accepted_counts(dfa, length + 1)
        assert counts[length] == members, \
            f"N={big_n}: the DFA accepts {counts[length]} words of length {length}, not {members}"
        assert sum(counts) == members, \
            f"N={big_n}: the DFA accepts words of other lengths ≤ {length + 1}"
        if big_n <= 4:
            words = list(fam.members({"N": big_n}))
            assert len(set(words)) == members and all(len(w) == length for w in words)
            assert np.all(accepts(dfa, words))
        rows.append({"N": big_n, "word length": length, "|E_N|": members,
                     "minimal DFA": dfa.n_states, "2^(N+1)(N+2)-N": want})
    return rows
