"""``ivr import FILE...``: a foreign flow (Twilio Studio, Amazon Connect...) as our menu YAML."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.commands.common import echo
from ivr.errors import MenuLoadError
from ivr.importers import IMPORTERS, import_file


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["auto", *IMPORTERS]),
    default="auto",
    show_default=True,
    help="The flow's format; auto tells it from the content.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the YAML here (one FILE only); default: print it.",
)
@click.option(
    "--phrases",
    type=click.Path(exists=True, dir_okay=False),
    help="FreeSWITCH: a phrase file whose macros (phrase:NAME) the menus' prompts use.",
)
def import_(
    files: tuple[str, ...], format_name: str, output: str | None, phrases: str | None
) -> None:
    """Import foreign IVR flows as commented menu YAML.

    Each node's comment names the file, line and widget, action or state it came
    from; everything not understood is a warning (file:line:col, on stderr and in
    the YAML's header). Every other command also reads these files directly.
    Exits 1 when a file cannot be imported.
    """
    if output and len(files) > 1:
        raise click.UsageError("-o/--output takes one FILE; print several to stdout instead")
    failed = False
    for path in files:
        try:
            flow = import_file(path, format_name, phrases=phrases)
        except MenuLoadError as exc:
            for error in exc.errors:
                echo(str(error), err=True)
            failed = True
            continue
        for warning in flow.warnings:
            echo(str(warning), err=True)
        text = flow.yaml()
        if output:
            Path(output).write_text(text, encoding="utf-8")
            echo(f"{path}: {len(flow.nodes)} nodes written to {output}", err=True)
        else:
            echo(text, nl=False)
    raise SystemExit(1 if failed else 0)
