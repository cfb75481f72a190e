"""The ``planner`` command line, a thin front end on the public API in ``planner``: the commands
live in solving, plans and data; common holds the app and the exit codes; render what they print."""

from planner.cli import solving, plans, data, careers  # noqa: F401 - importing registers the commands, in the order help lists them
from planner.cli.common import app

__all__ = ["app"]
