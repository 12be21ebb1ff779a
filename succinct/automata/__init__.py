"""Finite automata in numpy alone: complete DFAs, minimisation, construction from
functions and membership queries, and transformation monoids."""
