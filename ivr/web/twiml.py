"""Engine actions as TwiML, built only with ``twilio.twiml.voice_response.VoiceResponse``.

One webhook answer covers the actions the engine emitted for one caller event,
up to the first verb that waits for Twilio (a Gather, Enqueue, Dial or
Record) or ends the call. Every URL in the answer comes from ``Links``, which
signs the call state into it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from twilio.twiml.voice_response import Gather as TwimlGather
from twilio.twiml.voice_response import VoiceResponse

from ivr.actions import Action, Dial, Enqueue, Gather, Hangup, Pause, Record, Say
from ivr.languages import LANGUAGES
from ivr.web.state import CallState

PHONE_NUMBER = re.compile(r"^\+?[0-9 ().-]+$")
MIN_DIAL_TIMEOUT = 30


@dataclass(frozen=True)
class Links:
    """URL builders for one call: each takes the state to sign into the URL."""

    gather: Callable[[CallState], str]
    wait: Callable[[CallState], str]
    queued: Callable[[CallState], str]
    dialed: Callable[[CallState], str]
    recorded: Callable[[CallState], str]
    callback: Callable[[CallState], str]
    audio: Callable[[str], str | None]
    start: str
    rendered: Callable[[Say], str | None] = lambda _item: None  # cached TTS of a text prompt


def voice_of(lang: str) -> dict[str, str]:
    """Twilio ``voice`` and ``language`` attributes for a language code.

    >>> voice_of("id")
    {'voice': 'Google.id-ID-Standard-A', 'language': 'id-ID'}
    >>> voice_of("xx")
    {}
    """
    known = LANGUAGES.get(lang)
    return {"voice": known.twilio_voice, "language": known.bcp47} if known else {}


def say(verb: VoiceResponse | TwimlGather, item: Say, links: Links) -> None:
    """A prompt: ``<Play>`` when its recording (or rendered audio) is served, else ``<Say>``."""
    url = links.audio(item.audio) if item.audio else links.rendered(item)
    if url:
        verb.play(url)
    elif item.text:
        verb.say(item.text, **voice_of(item.lang))


def dial_number(number: str) -> str:
    """A number as Twilio dials it: E.164 digits without spaces; other targets unchanged.

    >>> dial_number("+62 21 555 0000")
    '+62215550000'
    """
    return re.sub(r"[ ().-]", "", number) if PHONE_NUMBER.match(number) else number


def render(actions: list[Action], state: CallState, links: Links) -> tuple[VoiceResponse, str]:
    """TwiML for ``actions``, and the name of the verb that ended it (``gather``, ...).

    ``state`` carries the language, retry counts and variables after the actions.
    """
    response = VoiceResponse()
    for item in actions:
        if isinstance(item, Say):
            say(response, item, links)
        elif isinstance(item, Pause):
            response.pause(length=max(1, round(item.seconds)))
        elif isinstance(item, Gather):
            gather(
                response,
                item,
                CallState(item.node, state.lang, state.failures, state.variables, state.seq),
                links,
            )
            return response, "gather"
        elif isinstance(item, Enqueue):
            here = CallState(item.node, item.lang, {}, state.variables, state.seq)
            response.enqueue(
                item.name or item.node,
                wait_url=links.wait(here),
                wait_url_method="POST",
                action=links.queued(here),
                method="POST",
            )
            return response, "enqueue"
        elif isinstance(item, Dial):
            here = CallState(item.node, state.lang, {}, state.variables, state.seq)
            timeout = max(MIN_DIAL_TIMEOUT, math.ceil(item.ring) + 10)
            response.dial(
                dial_number(item.number), action=links.dialed(here), method="POST", timeout=timeout
            )
            return response, "dial"
        elif isinstance(item, Record):
            here = CallState(item.node, state.lang, {}, state.variables, state.seq)
            url = links.recorded(here)
            response.record(
                action=url, method="POST", max_length=max(1, round(item.max_length)), play_beep=True
            )
            response.redirect(url, method="POST")  # Twilio skips the action on an empty recording
            return response, "record"
        elif isinstance(item, Hangup):
            response.hangup()
            return response, "hangup"
    response.redirect(links.start, method="POST")
    return response, "redirect"


def gather(response: VoiceResponse, item: Gather, state: CallState, links: Links) -> None:
    """A ``<Gather>`` with its prompt nested (barge-in), then a ``<Redirect>`` for silence."""
    url = links.gather(state)
    attributes: dict[str, object] = {
        "input": " ".join(mode for mode in ("dtmf", "speech") if mode in item.input_modes),
        "action": url,
        "method": "POST",
        "timeout": max(1, round(item.timeout)),
        "finish_on_key": item.finish_on or "",  # a menu key may be "#": numDigits ends it
    }
    if item.num_digits:
        attributes["num_digits"] = item.num_digits
    if "speech" in item.input_modes:
        known = LANGUAGES.get(item.lang)
        if known:
            attributes["language"] = known.bcp47
        if item.hints:
            attributes["hints"] = ", ".join(item.hints)
    if not item.interruptible:
        for prompt in item.prompts:
            say(response, prompt, links)
        response.append(TwimlGather(**attributes))
    else:
        nested = TwimlGather(**attributes)
        for prompt in item.prompts:
            say(nested, prompt, links)
        response.append(nested)
    response.redirect(url, method="POST")
