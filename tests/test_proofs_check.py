"""Every claim module of ``proofs_check`` (discovered automatically) passes its check."""

import pytest

from proofs_check import claim_modules, load


def test_claim_modules_are_discovered():
    names = claim_modules()
    for name in ("prop1_rnn_automaton", "thm17_dfa_doubly_exponential", "cor18_rnn_lower_bound",
                 "thm15_ltl_lower_bound", "en_dfa_formula"):
        assert name in names


@pytest.mark.parametrize("name", claim_modules())
def test_claim(name):
    module = load(name)
    assert (module.__doc__ or "").strip(), f"{name} states no claim"
    rows = module.check()
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows), name
