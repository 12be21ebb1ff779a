"""Public testing helpers: hypothesis strategies for words, programs and formulas."""
