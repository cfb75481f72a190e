"""The problem as plain data, without a solver: eligible pairs, gaps, useful starts, the candidate table and the scoring shared by model and checker."""
