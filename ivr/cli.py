"""The ``ivr`` command line: a thin click group; each command lives in ``ivr.commands``."""

from __future__ import annotations

import importlib

import click

from ivr import __version__

# (module in ivr.commands, name of its click command)
COMMANDS = [
    ("validate", "validate"),
    ("call", "call"),
    ("graph", "graph"),
    ("audit", "audit"),
    ("serve", "serve"),
    ("calls", "calls"),
    ("voices", "voices"),
    ("listen", "listen"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ivr")
def main() -> None:
    """Simulate, time and audit phone menus (IVRs) written in YAML."""


for _module, _name in COMMANDS:
    main.add_command(getattr(importlib.import_module(f"ivr.commands.{_module}"), _name))
