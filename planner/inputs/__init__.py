"""Inputs: reading and writing dataset files, the checks that turn tables into an Organisation, scenario changes, the Excel template and the O*NET import."""
