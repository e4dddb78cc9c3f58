"""``ivr crawl URL``: discover the menu behind a live TwiML webhook, as our YAML."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.commands.common import echo
from ivr.crawl.crawler import KEYS, MAX_DEPTH, MAX_REQUESTS, MAX_SECONDS


def crawl_line(
    url: str,
    *,
    max_requests: int = MAX_REQUESTS,
    max_depth: int = MAX_DEPTH,
    max_seconds: float = MAX_SECONDS,
    keys: str = KEYS,
    auth_token: str | None = None,
    menu_file: Path | None = None,
) -> str:
    """Crawl ``url`` and return the menu as YAML text; warnings are printed to stderr.

    With ``menu_file`` (where the YAML will be written), ``<Play>`` audio is saved beside
    it in ``<name>.audio/`` so the audit can time it, and transcribed when a speech model
    of the line's language is installed.
    """
    from ivr.crawl.crawler import Crawler
    from ivr.crawl.menu_yaml import menu_yaml
    from ivr.twiml_caller import TwimlCaller
    from voices.transcribe import transcribe

    def progress(line: object) -> None:
        requests = getattr(line, "requests", 0)
        if requests % 100 == 0:
            echo(f"\rcrawling {url}: {requests} requests", err=True, nl=False)

    crawler = Crawler(
        url,
        TwimlCaller(url, auth_token=auth_token),
        keys=keys,
        max_requests=max_requests,
        max_depth=max_depth,
        max_seconds=max_seconds,
        progress=progress,
        audio_folder=menu_file.with_suffix(".audio") if menu_file else None,
        audio_prefix=menu_file.with_suffix(".audio").name if menu_file else "",
        transcribe=transcribe,
    )
    line = crawler.crawl()
    found = f"{len(line.nodes)} nodes from {line.requests} requests in {line.seconds:.1f} s"
    echo(f"\r{url}: {found}", err=True)
    for warning in line.warnings:
        echo(f"warning: {warning}", err=True)
    return menu_yaml(line)


@click.command()
@click.argument("url")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the menu to this file."
)
@click.option(
    "--max-requests",
    type=click.IntRange(1, 1_000_000),
    default=MAX_REQUESTS,
    show_default=True,
    help="Stop after this many HTTP requests.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(0, 100),
    default=MAX_DEPTH,
    show_default=True,
    help="Menus answered from the start, at most.",
)
@click.option(
    "--max-seconds",
    type=click.FloatRange(1, 86400),
    default=MAX_SECONDS,
    show_default=True,
    help="Stop after this many seconds.",
)
@click.option("--keys", default=KEYS, show_default=True, help="Keys tried at each menu.")
@click.option(
    "--auth-token",
    envvar="IVR_TWILIO_AUTH_TOKEN",
    metavar="TOKEN",
    help="Sign requests with X-Twilio-Signature (default: $IVR_TWILIO_AUTH_TOKEN).",
)
def crawl(
    url: str,
    output: str | None,
    max_requests: int,
    max_depth: int,
    max_seconds: float,
    keys: str,
    auth_token: str | None,
) -> None:
    """Discover the menu behind the TwiML webhook at URL and write it as a menu file.

    Every <Gather> is tried with each key, silence and the speech hints it
    announces; <Dial>, <Enqueue> and <Record> become people, queues and
    voicemail. The result is our YAML, with comments naming the URL and keys
    that reached each node: validate, audit, call or simulate it like any menu.
    """
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f'"{url}" is not an http:// or https:// URL', param_hint="URL")
    text = crawl_line(
        url,
        max_requests=max_requests,
        max_depth=max_depth,
        max_seconds=max_seconds,
        keys=keys,
        auth_token=auth_token,
        menu_file=Path(output) if output else None,
    )
    if output:
        Path(output).write_text(text, encoding="utf-8")
        echo(f"wrote {output}", err=True)
    else:
        echo(text, nl=False)
