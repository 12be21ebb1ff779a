"""Compilers to weights: B-RASP → UHAT (Lemma 9) through threshold circuits, and
DFA → 1-bit RNN (the converse of Prop 1)."""
