"""``ivr call MENU --via URL``: the same scripted call, placed over HTTP to a TwiML webhook."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.twiml_caller import CallerEvent, TwimlCaller, describe, webhook_url

EVENTS = {"press": "press", "speak": "say", "silence": "silence", "hangup": "hangup"}


def call_via(
    url: str, menu: str, events: list[tuple[str, str | None]], lang: str | None, at: str | None
) -> None:
    """Place the call at ``url`` (``url/voice/<menu>`` for a bare server) and print it."""
    for name, value in (("--lang", lang), ("--at", at)):
        if value is not None:
            raise click.UsageError(f"{name} cannot be used with --via: the webhook decides")
    script = []
    for method, value in events:
        if method not in EVENTS:
            raise click.UsageError(f"--{method} cannot be used with --via")
        script.append(CallerEvent(EVENTS[method], value or ""))
    target = webhook_url(url, Path(menu).stem)
    try:
        result = TwimlCaller(target).call(script)
    except OSError as exc:
        raise click.ClickException(f"cannot reach {target}: {exc}") from exc
    for line in result.transcript:
        click.echo(line)
    click.echo(f"Call {describe(result)}")
    if result.end.startswith("http-") or result.end == "bad-twiml":
        raise SystemExit(1)
