"""``ivr validate PATH...``: load and check menus; errors as ``file:line:col: message``."""

from __future__ import annotations

import click

from ivr.commands.common import echo, menu_paths
from ivr.errors import MenuError
from ivr.graph import build_graph, structural_problems
from ivr.loader import check_menu
from ivr.model import Menu
from ivr.yamlsource import paused_gc


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--quiet", "-q", is_flag=True, help="Print only problems, not the ok lines.")
@click.option(
    "--speech",
    is_flag=True,
    help="Also warn about option phrases the installed speech model cannot hear, and "
    "phrases heard as another option's (needs vosk and espeak-ng; see docs/voices.md).",
)
def validate(paths: tuple[str, ...], quiet: bool, speech: bool) -> None:
    """Load and check menu files (folders: every *.yaml and *.yml in them).

    Prints every problem as file:line:col: message and exits 1 when any is an
    error; warnings (unreachable nodes) do not fail. Exits 2 when no menu file
    is found.
    """
    failed = False
    for path in menu_paths(paths):
        with paused_gc():  # a short-lived process: no collections between loading and checks
            menu, errors = check_menu(path)
            if menu is not None:
                errors = [*errors, *structural_problems(menu, build_graph(menu))]  # + warnings
        if menu is not None and speech:
            errors = [*errors, *speech_problems(menu)]
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


def speech_problems(menu: Menu) -> list[MenuError]:
    """``voices.grammar_check`` warnings for ``menu``; a missing model is a clear error."""
    from voices.asr import ModelNotFound, load_model
    from voices.grammar_check import speech_warnings

    try:
        return speech_warnings(menu, load_model())
    except ModelNotFound as exc:
        raise click.ClickException(str(exc)) from exc
