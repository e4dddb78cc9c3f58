"""``ivr graph MENU``: the phone tree as Mermaid or Graphviz dot text."""

from __future__ import annotations

import click

from ivr.commands.common import load_or_exit
from ivr.drawing import to_dot, to_mermaid
from ivr.graph import build_graph

FORMATS = {"mermaid": to_mermaid, "dot": to_dot}


@click.command()
@click.argument("menu", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="mermaid",
              show_default=True, help="Picture format.")
def graph(menu: str, fmt: str) -> None:
    """Print the phone tree of MENU as a picture description."""
    click.echo(FORMATS[fmt](build_graph(load_or_exit(menu))), nl=False)
