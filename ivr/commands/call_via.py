"""``ivr call [MENU] --via URL``: a scripted call placed over HTTP to any TwiML webhook."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.commands.common import echo
from ivr.twiml_caller import CallerEvent, TransportError, TwimlCaller, describe, webhook_url

EVENTS = {"press": "press", "speak": "say", "silence": "silence", "hangup": "hangup"}


def call_via(
    url: str,
    menu: str | None,
    events: list[tuple[str, str | None]],
    lang: str | None,
    at: str | None,
    *,
    dial_status: str = "completed",
    auth_token: str | None = None,
) -> None:
    """Place the call at ``url`` (``url/voice/<menu>`` for a bare server) and print it.

    Exits 1 when the webhook could not be called through (an HTTP error, a bad
    redirect, an answer that is not TwiML, a server that cannot be reached).
    """
    for name, value in (("--lang", lang), ("--at", at)):
        if value is not None:
            raise click.UsageError(f"{name} cannot be used with --via: the webhook decides")
    script = []
    for method, value in events:
        if method not in EVENTS:
            raise click.UsageError(f"--{method} cannot be used with --via")
        script.append(CallerEvent(EVENTS[method], value or ""))
    target = webhook_url(url, Path(menu).stem if menu else None)
    caller = TwimlCaller(target, dial_status=dial_status, auth_token=auth_token)
    try:
        result = caller.call(script)
    except TransportError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in result.transcript:
        echo(line)
    echo(f"Call {describe(result)}")
    if result.failed:
        echo(f"Error: {result.error}", err=True)
        raise SystemExit(1)
