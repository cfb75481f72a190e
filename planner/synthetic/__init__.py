"""Synthetic organisations of any size (the sample organisation and the benchmark instances)."""
