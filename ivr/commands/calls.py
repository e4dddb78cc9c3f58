"""``ivr calls``: recent calls the webhook answered, with their path and time to a person."""

from __future__ import annotations

from datetime import datetime

import click

from ivr.commands.common import echo
from ivr.web.config import Settings
from ivr.web.records import CallRecords


@click.command()
@click.option(
    "--database",
    metavar="URL",
    help="SQLAlchemy URL of the call records "
    "(default: $IVR_DATABASE_URL or sqlite:///ivr-calls.db).",
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, 10000),
    help="How many calls to show, newest first.",
)
@click.option("--menu", help="Only calls to this menu (file name without .yaml).")
def calls(database: str | None, limit: int, menu: str | None) -> None:
    """List recent calls: when, menu, path, outcome and observed seconds to a person."""
    url = database or Settings.load({}).database_url
    with CallRecords(url) as records:
        found = records.recent(limit, menu)
    if not found:
        click.echo(f"No calls recorded in {url}.")
        return
    for summary in found:
        started = datetime.fromtimestamp(summary.started).strftime("%Y-%m-%d %H:%M:%S")
        human = (
            f"{summary.seconds_to_human:.1f} s to a person"
            if summary.seconds_to_human is not None
            else "no person reached"
        )
        echo(
            f"{started}  {summary.sid}  {summary.menu}  {summary.outcome or 'open'}  "
            f"{human}  ({summary.events} requests)"
        )
        echo(f"    path: {' > '.join(summary.path) or '(none)'}")
