"""The package version, in one place (the API, plans and sweeps read it)."""

__version__ = "0.1.0"
