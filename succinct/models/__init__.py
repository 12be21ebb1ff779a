"""Models as a static spec plus a pytree of weights: UHATs (the paper's §2.3), Elman and
second-order RNNs, UHATs with positional encodings, and their text rendering.

``specs`` holds the static descriptions (layers, model specs); ``layers`` the one
definition of each layer's semantics, which every evaluator calls; ``kernels`` the jitted
UHAT evaluation (shared per-layer steps, fast hard-attention selections, the traceable
forward); ``dfa_run`` a DFA run as a traceable function; ``render`` the labelled text."""
