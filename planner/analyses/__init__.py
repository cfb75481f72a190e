"""Analyses of plans: explanations, attrition risk, plan comparison and budget frontiers (sweeps)."""
