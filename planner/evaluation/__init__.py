"""Evaluation of a finished plan without any solver: every hard rule re-checked, readiness, KPIs and the objective recomputed."""
