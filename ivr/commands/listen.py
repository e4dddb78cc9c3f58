"""``ivr listen WAV --menu M --node N``: what a recorded caller answer says, and where it leads.

The recording is recognised with vosk, restricted to the grammar of node N
(its option phrases and the digits as words), then given to the call engine
as speech at that node.
"""

from __future__ import annotations

import click

from ivr.commands.common import echo, load_or_exit
from ivr.engine import Call, Step


def where_it_leads(step: Step, route: list[str]) -> str:
    """What the caller's answer did at its node, for people, from the engine's ``step``."""
    nodes = " -> ".join(route)
    if step.kind == "matched":
        return f"leads to: {nodes}"
    said = f"no-match at {step.node}"
    if step.kind == "retries-used-up":
        said += " (retries used up)"
    if step.ended and not route:
        return f"{said}: the line hangs up"
    return f"{said}: the line goes on to {nodes}"


@click.command()
@click.argument("wav", type=click.Path(dir_okay=False))
@click.option(
    "--menu",
    "menu_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The menu (YAML) the caller is answering.",
)
@click.option("--node", required=True, help="The menu or input node being answered.")
@click.option("--lang", help="Language of the call (default: the hotline's first).")
@click.option(
    "--model",
    type=click.Path(file_okay=False),
    help="vosk model folder (default: $IVR_VOSK_MODEL or an installed vosk_model_*).",
)
@click.option(
    "--floor",
    type=click.FloatRange(0, 1),
    default=None,
    help="Share of the speech the heard phrase must fill to be accepted (default 0.7; "
    "see docs/voices.md).",
)
def listen(
    wav: str, menu_path: str, node: str, lang: str | None, model: str | None, floor: float | None
) -> None:
    """Recognise the caller's answer in WAV at NODE of MENU; print what was heard and where it
    leads."""
    from voices.asr import DEFAULT_FLOOR, ModelNotFound, NotAnswerable, load_model
    from voices.asr import listen as hear
    from voices.audio import AudioError, read_audio

    menu = load_or_exit(menu_path)
    if lang is not None and lang not in menu.hotline.languages:
        raise click.BadParameter(
            f'"{lang}" is not one of this hotline\'s languages '
            f"({', '.join(menu.hotline.languages)})",
            param_hint="--lang",
        )
    lang = lang or menu.hotline.default_language
    try:
        audio = read_audio(wav)
        heard = hear(
            audio,
            menu,
            node,
            lang=lang,
            model=load_model(model),
            floor=DEFAULT_FLOOR if floor is None else floor,
        )
    except (AudioError, ModelNotFound, NotAnswerable) as exc:
        raise click.ClickException(str(exc)) from exc
    echo(heard.describe())
    if heard.grammar and heard.grammar.missing:
        echo("not in the model's vocabulary (cannot be heard): " + ", ".join(heard.grammar.missing))
    call = Call.resume(menu, node, lang=lang)
    start = len(call.path)
    step = call.speak(heard.text)
    echo(where_it_leads(step, call.path[start:]))
    if call.outcome is not None:
        echo(f"call {call.outcome.describe()}")
