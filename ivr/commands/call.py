"""``ivr call MENU``: step through a menu as a caller, scripted or interactive.

Scripted events keep the order they are given in:
``ivr call menus/acme-cold.yaml --press 1 --say billing --silence``.
Without events, the caller types at a prompt: digits press keys, ``say TEXT``
speaks, an empty line waits in silence, ``hangup`` (or end of input) hangs up.
"""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from ivr.commands.common import echo, load_or_exit
from ivr.engine import Call, Line, Step
from ivr.schedule import ScheduleError, local_time

EVENT_OPTIONS = {
    "--press": "press",
    "--say": "speak",
    "--silence": "silence",
    "--hangup": "hangup",
    "--audio": "audio",
}
TAKES_VALUE = ("--press", "--say", "--audio")


class OrderedEventsCommand(click.Command):
    """A command that also records the order of its caller-event options."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        events: list[tuple[str, str | None]] = []
        items = iter(args)
        for arg in items:
            name, eq, written = arg.partition("=")
            if name in EVENT_OPTIONS:
                value = (written if eq else next(items, None)) if name in TAKES_VALUE else None
                events.append((EVENT_OPTIONS[name], value))
        ctx.meta["ivr_events"] = events
        return super().parse_args(ctx, args)


def parse_when(text: str | None, timezone: str) -> datetime:
    """The call's start time: ISO text (naive means the hotline's local time) or now."""
    if text is None:
        return datetime.now(ZoneInfo(timezone))
    try:
        return local_time(text, timezone)
    except ScheduleError:
        raise click.BadParameter(
            f'"{text}" is not a time like 2026-11-23T21:00', param_hint="--at"
        ) from None


def format_line(line: Line) -> str:
    """One transcript line: ``[  12.3 s] IVR: text``."""
    who = {"ivr": "IVR", "caller": "caller", "system": "--"}[line.who]
    return f"[{line.seconds:7.1f} s] {who}: {line.text}"


@click.command(cls=OrderedEventsCommand)
@click.argument("menu", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--press", multiple=True, metavar="KEYS", help="Press keys (repeatable, in order).")
@click.option("--say", multiple=True, metavar="TEXT", help="Say something (repeatable).")
@click.option(
    "--audio",
    multiple=True,
    metavar="WAV",
    help="Answer with a recording, heard by vosk with the waiting menu's grammar (repeatable).",
)
@click.option(
    "--silence",
    multiple=True,
    is_flag=True,
    flag_value=True,
    help="Stay silent until the timeout (repeatable).",
)
@click.option("--hangup", is_flag=True, help="Hang up (after the events before it).")
@click.option("--lang", help="Language the call starts in (default: the hotline's first).")
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="When the call is made, e.g. 2026-11-23T21:00 "
    "(the hotline's local time unless an offset is given). Default: now.",
)
@click.option(
    "--var",
    "variables",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a call variable before the call starts (repeatable); a decide node takes the "
    "outcome its variable names, e.g. --var check_schedule=fail.",
)
@click.option(
    "--via",
    metavar="URL",
    help="Call a running TwiML webhook over HTTP instead, "
    "as Twilio would: a server (http://127.0.0.1:5000) or any webhook URL; MENU is optional.",
)
@click.option(
    "--dial-status",
    type=click.Choice(["completed", "no-answer", "busy", "failed"]),
    default="completed",
    show_default=True,
    help="With --via: how a <Dial> ends.",
)
@click.option(
    "--auth-token",
    envvar="IVR_TWILIO_AUTH_TOKEN",
    metavar="TOKEN",
    help="With --via: sign requests with X-Twilio-Signature (default: $IVR_TWILIO_AUTH_TOKEN).",
)
def call(
    menu: str | None,
    lang: str | None,
    at: str | None,
    via: str | None,
    dial_status: str,
    auth_token: str | None,
    variables: tuple[str, ...] = (),
    **_events: object,
) -> None:
    """Step through MENU as a caller and print the transcript and where the call ended."""
    # the event options (--press, --say...) are taken in their order from ctx.meta
    if via:
        from ivr.commands.call_via import call_via

        events = click.get_current_context().meta["ivr_events"]
        return call_via(via, menu, events, lang, at, dial_status=dial_status, auth_token=auth_token)
    if menu is None:
        raise click.UsageError("Missing argument 'MENU' (it may only be left out with --via).")
    loaded = load_or_exit(menu)
    if lang is not None and lang not in loaded.hotline.languages:
        raise click.BadParameter(
            f'"{lang}" is not one of this hotline\'s languages '
            f"({', '.join(loaded.hotline.languages)})",
            param_hint="--lang",
        )
    when = parse_when(at, loaded.hotline.timezone)
    the_call = Call(loaded, at=when, lang=lang, variables=_variables(variables))
    events = click.get_current_context().meta["ivr_events"]
    shown = 0

    def show() -> None:
        nonlocal shown
        for line in the_call.transcript[shown:]:
            echo(format_line(line))
        shown = len(the_call.transcript)

    step = the_call.start()
    show()
    if events:
        for method, value in events:
            if step.ended:
                flag = next(name for name, event in EVENT_OPTIONS.items() if event == method)
                click.echo(f"(the call has ended; ignoring {flag} and what follows)")
                break
            if method == "audio":
                step = _answer_with_audio(the_call, value)
            else:
                step = getattr(the_call, method)(*([value] if value is not None else []))
            show()
    else:
        _interactive(the_call, show)
    if the_call.outcome is not None:
        echo(f"Call {the_call.outcome.describe()}")


def _variables(items: tuple[str, ...]) -> dict[str, str]:
    """``--var NAME=VALUE`` options as call variables."""
    values = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f'"{item}" is not NAME=VALUE', param_hint="--var")
        values[name.strip()] = value
    return values


def _answer_with_audio(the_call: Call, wav: str | None) -> Step:
    """Answer the waiting node with the speech vosk hears in ``wav`` (see ``voices.asr``)."""
    from voices.asr import ModelNotFound, NotAnswerable, answer
    from voices.audio import AudioError

    try:
        heard, step = answer(the_call, wav or "")
    except (AudioError, ModelNotFound, NotAnswerable) as exc:
        raise click.ClickException(str(exc)) from exc
    echo(f"  ({wav}: {heard.describe()})")
    return step


def _interactive(the_call: Call, show) -> None:
    stdin = sys.stdin
    while not the_call.ended:
        node = the_call.waiting_node
        if node is None:
            return
        click.echo("keys, 'say TEXT', empty line for silence, 'hangup'> ", nl=False)
        line = stdin.readline()
        if not line:
            click.echo()
            the_call.hangup()
        else:
            text = line.strip()
            if text.lower() in ("hangup", "hang up", "q", "quit"):
                the_call.hangup()
            elif text.lower().startswith("say "):
                the_call.speak(text[4:])
            elif not text:
                the_call.silence()
            elif all(ch in "0123456789*#" for ch in text):
                the_call.press(text)
            else:
                click.echo("  (type keys like 1 or 123#, 'say billing', or an empty line)")
        show()
