"""``ivr graph MENU``: the phone tree as Mermaid or Graphviz dot text, or an HTML page."""

from __future__ import annotations

import click

from ivr.commands.common import load_or_exit
from ivr.drawing import to_dot, to_mermaid
from ivr.graph import build_graph

FORMATS = {"mermaid": to_mermaid, "dot": to_dot, "html": None}  # html: audit's tree_page


@click.command()
@click.argument("menu", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="mermaid",
    show_default=True,
    help="Picture format.",
)
def graph(menu: str, fmt: str) -> None:
    """Print the phone tree of MENU as a picture description."""
    loaded = load_or_exit(menu)
    if fmt == "html":
        from audit.reports.html_report import tree_page

        click.echo(tree_page(loaded), nl=False)
        return
    click.echo(FORMATS[fmt](build_graph(loaded)), nl=False)
