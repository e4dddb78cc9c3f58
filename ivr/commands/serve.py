"""``ivr serve [MENU_DIR]``: the webhook on this machine, for development and tests.

Every menu in MENU_DIR answers at ``http://HOST:PORT/voice/<menu>``. For a
real phone line run it under gunicorn instead (see ``docs/webhook.md``).
"""

from __future__ import annotations

import click
from werkzeug.serving import run_simple

from ivr.commands.common import echo
from ivr.web import create_app
from ivr.web.config import ConfigError
from ivr.web.menus import MenuCache


@click.command()
@click.argument("menu_dir", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--database",
    metavar="URL",
    help="SQLAlchemy URL of the call records "
    "(default: $IVR_DATABASE_URL or sqlite:///ivr-calls.db).",
)
def serve(menu_dir: str | None, host: str, port: int, database: str | None) -> None:
    """Serve every menu of MENU_DIR (default: $IVR_MENU_DIR or ./menus) as a TwiML webhook."""
    config = {
        key: value for key, value in (("MENU_DIR", menu_dir), ("DATABASE_URL", database)) if value
    }
    try:
        app = create_app(config)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    settings = app.config["IVR_SETTINGS"]
    names = MenuCache(settings.menu_dir).names()
    if not names:
        raise click.UsageError(f"no menus (*.yaml) in {settings.menu_dir}")
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"Browser phone: http://{shown_host}:{port}/")
    click.echo("TwiML webhooks:")
    for name in names:
        echo(f"  http://{shown_host}:{port}/voice/{name}")
    click.echo(f"Call records: {settings.database_url}. Press Ctrl+C to stop.")
    run_simple(host, port, app, threaded=True)
