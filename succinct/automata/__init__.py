"""Finite automata in numpy (no JAX): complete DFAs, minimisation, construction from
functions and membership queries, and transformation monoids. A DFA is a recognizer and
reports its size through :mod:`succinct.sizes`, the only other module it imports besides
:mod:`succinct.words`."""
