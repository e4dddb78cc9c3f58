"""The ``ivr`` command line: a thin click group; each command lives in ``ivr.commands``.

Commands are imported when they are run (or listed by ``--help``), never all at
start-up: ``ivr validate`` must not pay for Flask, SQLAlchemy or the speech
package. ``bench/cli.py`` measures the start-up.
"""

from __future__ import annotations

import importlib

import click

from ivr import __version__

# command name -> (module in ivr.commands, attribute of its click command)
COMMANDS = {
    "validate": ("validate", "validate"),
    "call": ("call", "call"),
    "graph": ("graph", "graph"),
    "audit": ("audit", "audit"),
    "serve": ("serve", "serve"),
    "calls": ("calls", "calls"),
    "voices": ("voices", "voices"),
    "listen": ("listen", "listen"),
    "paths": ("paths", "paths"),
    "test": ("test", "test"),
    "crawl": ("crawl", "crawl"),
    "import": ("import_", "import_"),
    "simulate": ("simulate", "simulate"),
}


class LazyGroup(click.Group):
    """A click group whose commands are imported from ``COMMANDS`` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, in the order of ``COMMANDS``."""
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, its module imported now; None for an unknown name."""
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"ivr.commands.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ivr")
def main() -> None:
    """Simulate, time and audit phone menus (IVRs) written in YAML."""
