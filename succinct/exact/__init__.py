"""The exact languages of models as minimal DFAs: one dispatch (``dispatch.exact_dfa``)
over DFAs, k-bit RNNs, strict-future programs and UHATs, and two-sided UHATs."""
