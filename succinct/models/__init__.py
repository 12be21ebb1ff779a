"""Models as a static spec plus a pytree of weights: UHATs (the paper's §2.3), Elman and
second-order RNNs, UHATs with positional encodings, and their text rendering."""
