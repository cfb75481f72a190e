"""Heuristics and bounds: the readiness-ranking baseline and the large-instance shortlist with its LP relaxation bound."""
