"""Browser-phone calls: a signed event log replayed through ``ivr.engine.Call``.

The server keeps no call state. Each answer carries a token: the menu name,
the simulated start time, the starting language and every caller event so
far, signed with the app's secret so it cannot be forged. An event replays the
log through a fresh ``Call`` (the engine is deterministic given its clock),
applies the new event and returns the whole picture the page draws: prompts,
transcript, elapsed seconds, where the call is waiting, the route so far and,
once queued, the queue's estimated wait.

>>> from ivr.loader import load_menu
>>> menu = load_menu("menus/acme-hot.yaml")
>>> log = CallLog("acme-hot", "2026-11-23T10:00:00+07:00", None, ())
>>> call, actions = replay(menu, log)
>>> call.waiting_node.id
'main'
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from itsdangerous import BadData

from ivr.actions import Action, Dial, Enqueue, Gather, Hangup, Record, Say
from ivr.engine import Call
from ivr.languages import LANGUAGES
from ivr.model import InputNode, Menu, MenuNode
from ivr.schedule import ScheduleError, local_time
from ivr.web.state import load_signed, signer

MAX_EVENTS = 200
MAX_KEYS = 32
MAX_SPEECH = 300
KEYPAD = set("0123456789*#")
EVENTS = ("press", "speak", "silence", "hangup")
TOKEN_SALT = "ivr-browser-phone-call"
MAX_TOKEN_LENGTH = 256 * 1024  # a long call's log; requests are capped smaller still


class PhoneError(Exception):
    """A request the phone cannot act on; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CallLog:
    """Everything needed to rebuild a call: menu, start time, language, caller events."""

    menu: str
    at: str
    lang: str | None
    events: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def plus(self, event: str, value: str = "") -> CallLog:
        """This log with one more caller event."""
        if len(self.events) >= MAX_EVENTS:
            raise PhoneError(
                f"this call is too long (over {MAX_EVENTS} events); start a new one", 409
            )
        return CallLog(self.menu, self.at, self.lang, (*self.events, (event, value)))


def sign(log: CallLog, secret: str | bytes) -> str:
    """The token the page sends back with its next event."""
    payload = {"m": log.menu, "at": log.at, "lang": log.lang, "ev": [list(e) for e in log.events]}
    return signer(secret, TOKEN_SALT).dumps(payload)


def unsign(token: object, secret: str | bytes, menu: str) -> CallLog:
    """The log inside ``token``; PhoneError when it is missing, forged or for another menu."""
    if not isinstance(token, str) or not token:
        raise PhoneError('"call" is missing: start a call first')
    try:
        payload = load_signed(secret, TOKEN_SALT, token, MAX_TOKEN_LENGTH)
    except BadData:
        raise PhoneError('"call" is not a call this server started (bad signature)', 403) from None
    if payload.get("m") != menu:
        raise PhoneError(f'this call belongs to menu "{payload.get("m")}", not "{menu}"')
    events = tuple((str(kind), str(value)) for kind, value in payload["ev"])
    return CallLog(payload["m"], payload["at"], payload["lang"], events)


def parse_at(text: object, timezone: str, default: datetime | None = None) -> datetime:
    """The call's start: ISO text (naive means the hotline's local time), else ``default``/now.

    >>> parse_at("2026-11-23T10:00", "Asia/Jakarta").isoformat()
    '2026-11-23T10:00:00+07:00'
    """
    zone = ZoneInfo(timezone)
    if text in (None, ""):
        return default.astimezone(zone) if default else datetime.now(zone).replace(microsecond=0)
    if not isinstance(text, str) or len(text) > 40:
        raise PhoneError('"at" must be a time like 2026-11-23T10:00')
    try:
        return local_time(text, timezone)
    except ScheduleError:
        raise PhoneError(f'"at" is not a time like 2026-11-23T10:00: {text!r}') from None


def check_event(event: str, value: object) -> str:
    """The event's value, checked; PhoneError for junk keys or speech."""
    if event == "press":
        if not isinstance(value, str) or not 0 < len(value) <= MAX_KEYS:
            raise PhoneError(f'"keys" must be 1 to {MAX_KEYS} keypad keys (0-9, *, #)')
        bad = sorted(set(value) - KEYPAD)
        if bad:
            raise PhoneError(f'"keys" may hold only 0-9, * and #, not {"".join(bad)!r}')
        return value
    if event == "speak":
        if not isinstance(value, str) or not value.strip():
            raise PhoneError('"text" must be the words the caller says')
        if len(value) > MAX_SPEECH:
            raise PhoneError(f'"text" is too long (at most {MAX_SPEECH} characters)')
        return " ".join(value.split())
    return ""


def replay(menu: Menu, log: CallLog) -> tuple[Call, list[Action]]:
    """Rebuild the call from its log; return it and the actions of its last step."""
    at = datetime.fromisoformat(log.at)
    call = Call(menu, at=at, lang=log.lang)
    actions = list(call.start().actions)
    for event, value in log.events:
        if call.ended or (event != "hangup" and call.waiting_node is None):
            raise PhoneError("this call has already ended; start a new one", 409)
        given = [value] if event in ("press", "speak") else []
        actions = list(getattr(call, event)(*given).actions)
    return call, actions


def wait_text(seconds: float | None) -> str:
    """The estimated wait for people.

    >>> wait_text(95), wait_text(float("inf")), wait_text(None)
    ('about 2 min (95 s)', 'never: the queue is overloaded', 'unknown')
    """
    if seconds is None:
        return "unknown"
    if math.isinf(seconds):
        return "never: the queue is overloaded"
    if seconds < 60:
        return f"under a minute ({seconds:.0f} s)"
    return f"about {round(seconds / 60)} min ({seconds:.0f} s)"


def _finite(seconds: float | None) -> float | None:
    return None if seconds is None or math.isinf(seconds) else round(seconds, 1)


def _said(actions: list[Action]) -> list[dict]:
    said: list[dict] = []
    for action in actions:
        if isinstance(action, Enqueue) and action.message:
            said.append(
                {
                    "text": action.message,
                    "lang": action.lang,
                    "node": action.node,
                    "audio": None,
                    "hold": True,
                }
            )
            continue
        prompts = action.prompts if isinstance(action, Gather) else (action,)
        said.extend(
            {"text": say.text, "lang": say.lang, "node": say.node, "audio": say.audio}
            for say in prompts
            if isinstance(say, Say) and say.text
        )
    return said


def _waiting(call: Call, actions: list[Action]) -> dict | None:
    node = call.waiting_node
    if node is None:
        return None
    gather = next((a for a in reversed(actions) if isinstance(a, Gather)), None)
    info = {
        "node": node.id,
        "kind": node.kind,
        "timeout": node.timeout,
        "attempt": call.failures.get(node.id, 0),
        "retries": node.retries,
        "finish_on": None,
        "num_digits": 1,
        "min_digits": 1,
        "keys": [],
        "speech": True,
    }
    if isinstance(node, MenuNode):
        info["keys"] = [opt.key for opt in node.options]
        info["num_digits"] = max((opt.length for opt in node.options), default=1)
        info["speech"] = "speech" in node.input_modes
    elif isinstance(node, InputNode):
        info.update(
            finish_on=node.finish_on or None, num_digits=node.max_digits, min_digits=node.min_digits
        )
    if gather is not None:
        info["hints"] = list(gather.hints)
    return info


def _route(path: list[str]) -> list[list[str]]:
    steps: list[list[str]] = []
    for src, dst in itertools.pairwise(path):
        if [src, dst] not in steps:
            steps.append([src, dst])
    return steps


def _ending(actions: list[Action]) -> dict | None:
    """Where the actions leave the menu. A dial followed by more actions was to another
    system that handed the call back (``returns_to``): the call went on, so it is none."""
    for action in actions:
        if isinstance(action, Dial) and action is not actions[-1]:
            continue
        if isinstance(action, Enqueue):
            return {
                "kind": "queue",
                "node": action.node,
                "name": action.name,
                "estimated_wait": _finite(action.estimated_wait),
                "overloaded": action.estimated_wait is not None
                and math.isinf(action.estimated_wait),
                "wait_text": wait_text(action.estimated_wait),
                "hold": action.hold,
                "message": action.message,
                "callback": action.callback,
            }
        if isinstance(action, Dial):
            return {
                "kind": "transfer",
                "node": action.node,
                "number": action.number,
                "ring": action.ring,
                "human": action.human,
            }
        if isinstance(action, Record):
            return {"kind": "record", "node": action.node, "max_length": action.max_length}
    return None


def describe(call: Call, actions: list[Action], log: CallLog, menu: Menu) -> dict:
    """The JSON picture of a call that the phone page draws."""
    outcome = call.outcome
    now = call.clock.now().astimezone(ZoneInfo(menu.hotline.timezone))
    language = LANGUAGES.get(call.lang)
    return {
        "menu": log.menu,
        "hotline": menu.hotline.name,
        "at": log.at,
        "clock": now.strftime("%a %Y-%m-%d %H:%M:%S"),
        "lang": call.lang,
        "lang_name": language.name if language else call.lang,
        "elapsed": call.elapsed,
        "node": call.node,
        "path": list(call.path),
        "route": _route(call.path),
        "said": _said(actions),
        "transcript": [
            {"seconds": line.seconds, "who": line.who, "text": line.text, "node": line.node}
            for line in call.transcript
        ],
        "waiting": _waiting(call, actions),
        "ended": call.ended or any(isinstance(a, Hangup) for a in actions),
        "events": len(log.events),
        "endpoint": _ending(actions),
        "outcome": None
        if outcome is None or outcome.kind == "waiting"
        else {
            "kind": outcome.kind,
            "node": outcome.node,
            "detail": outcome.detail,
            "seconds": outcome.seconds,
            "wait": _finite(outcome.wait),
            "wait_text": wait_text(outcome.wait) if outcome.wait is not None else None,
            "text": outcome.describe(),
        },
    }
