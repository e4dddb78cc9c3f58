"""``ivr validate PATH...``: load and check menus; errors as ``file:line:col: message``."""

from __future__ import annotations

import click

from ivr.commands.common import echo, menu_paths
from ivr.graph import build_graph, structural_problems
from ivr.loader import check_menu


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--quiet", "-q", is_flag=True, help="Print only problems, not the ok lines.")
def validate(paths: tuple[str, ...], quiet: bool) -> None:
    """Load and check menu files (folders: every *.yaml and *.yml in them).

    Prints every problem as file:line:col: message and exits 1 when any is an
    error; warnings (unreachable nodes) do not fail. Exits 2 when no menu file
    is found.
    """
    failed = False
    for path in menu_paths(paths):
        menu, errors = check_menu(path)
        if menu is not None:
            errors = [*errors, *structural_problems(menu, build_graph(menu))]  # + warnings
        for error in errors:
            echo(str(error))
        count = sum(1 for e in errors if e.severity == "error")
        failed = failed or menu is None or count > 0
        if menu is not None and count == 0 and not quiet:
            humans = len(menu.humans())
            echo(
                f"{path}: ok, {len(menu.nodes)} nodes, {humans} human endpoint"
                f"{'' if humans == 1 else 's'}"
            )
    raise SystemExit(1 if failed else 0)
