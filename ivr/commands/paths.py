"""``ivr paths MENU``: one path test per unique way through a menu, as a scenario file."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ivr.commands.common import echo, load_or_exit


@click.command()
@click.argument("menu", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the scenarios to this file."
)
@click.option(
    "--coverage",
    is_flag=True,
    help="Also report the share of the graph's edges the scenarios walk, and why others are not.",
)
def paths(menu: str, output: str | None, coverage: bool) -> None:
    """Write one scenario per unique path from the start of MENU to each end.

    The paths are found by driving the call engine with every answer a caller
    can give (each key, a wrong key, silence, digits) at each distinct time of
    the week; `ivr test` plays the scenarios back on the engine or over HTTP.
    """
    from ivr.pathtests.explore import explore, scenarios
    from ivr.pathtests.scenario import ScenarioFile, dump_scenarios

    loaded = load_or_exit(menu)
    found = explore(loaded)
    covered = f"{len(found.covered)} of {len(found.edges)} edges ({found.coverage:.0%})"
    header = f"Path tests made by `ivr paths {menu}`: {len(found.walks)} scenarios walk {covered}."
    if found.truncated:
        header += "\nThe menu has more states than were explored: some paths may be missing."
    # the menu as the scenario file names it: relative to the file's folder
    named = os.path.relpath(menu, Path(output).parent) if output else menu
    text = dump_scenarios(ScenarioFile(output or "-", tuple(scenarios(found)), named), header)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        echo(f"{output}: {len(found.walks)} scenarios, {covered}")
    else:
        echo(text, nl=False)
    if coverage:
        echo(f"coverage: {covered}", err=not output)
        for (source, target), reason in found.uncovered.items():
            echo(f"  not walked: {source} -> {target}: {reason}", err=not output)
