"""``ivr graph MENU``: the phone tree as Mermaid or Graphviz dot text, or an HTML page."""

from __future__ import annotations

import click

from ivr.commands.common import echo, load_or_exit
from ivr.drawing import to_dot, to_mermaid, tree_page
from ivr.graph import build_graph
from ivr.model import Menu

TEXT_FORMATS = {"mermaid": to_mermaid, "dot": to_dot}


@click.command()
@click.argument("menu", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*TEXT_FORMATS, "html"]),
    default="mermaid",
    show_default=True,
    help="Picture format: Mermaid or Graphviz dot text, or an HTML page with the drawn tree.",
)
def graph(menu: str, fmt: str) -> None:
    """Print the phone tree of MENU as a picture description."""
    loaded = load_or_exit(menu)
    if fmt == "html":
        echo(_html_page(loaded), nl=False)
        return
    echo(TEXT_FORMATS[fmt](build_graph(loaded)), nl=False)


def _html_page(menu: Menu) -> str:
    """The tree page of ``menu`` with its route to the nearest person (by the auditor)."""
    from audit.metrics import compute_metrics
    from audit.reports.common import fmt_seconds

    metrics = compute_metrics(menu)
    nearest = metrics.nearest
    caption = (
        f"Route to the nearest person: {' → '.join(nearest.path)} "
        f"(keys {' '.join(nearest.keys) or 'none'}, first-time caller "
        f"{fmt_seconds(nearest.first_time_s)})"
        if nearest
        else "No person can be reached from the start."
    )
    return tree_page(
        metrics.graph,
        title=menu.hotline.name or menu.name,
        source=menu.path,
        caption=caption,
        route=nearest.path if nearest else (),
    )
