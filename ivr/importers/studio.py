"""Twilio Studio flows (the flow definition JSON, also as ``module.exports = {...}``).

Widgets become nodes: ``say-play`` a say, ``gather-input-on-call`` a menu when its
keypress goes to a ``split-based-on`` that reads its ``Digits`` with ``equal_to`` or
``matches_any_of`` (an input otherwise; the routes of a split on its ``SpeechResult`` are
phrases of those keys, or spoken options where no key goes, or all of the menu for a
gather that takes no keys), ``send-to-flex``/``enqueue-call`` a queue,
``connect-call-to`` a transfer, ``record-voicemail`` a record; code, HTTP requests,
subflows, redirects and any other split are ``decide`` nodes whose outcomes are the
widget's transitions (a call takes the one named by the variable of the widget's name,
else the first). A transition without ``next`` ends the call. Studio stops a
call when a widget runs 10 times in a row: a gather whose timeout comes back to
itself is a menu with ``retries: 9`` and no ``on_fail`` (the 10th silence hangs up).
"""

from __future__ import annotations

import re
from typing import Any

from ivr.errors import MenuError, MenuLoadError
from ivr.importers.detect import JS_EXPORT
from ivr.importers.flow import FlowBuilder, ImportedFlow, spoken_name
from ivr.importers.jsontext import Position, parse_json
from ivr.importers.shapes import as_dict, as_text, dicts, name_of
from ivr.speech import normalize

STUDIO_RUN_LIMIT = 10  # Studio ends the execution when one widget runs 10 times in a row
DIGITS = re.compile(r"^\{\{\s*widgets\.([\w-]+)\.Digits\s*\}\}$")
SPEECH = re.compile(r"^\{\{\s*widgets\.([\w-]+)\.SpeechResult\s*\}\}$")
KEY = re.compile(r"^[0-9*#]{1,4}$")
# widget type -> the transition events a decision keeps, in this order (others follow)
OPAQUE = {
    "run-function": "Function",
    "make-http-request": "HTTP request",
    "run-subflow": "subflow",
    "add-twiml-redirect": "TwiML redirect",
    "set-variables": "set variables",
    "split-based-on": "split on",
}
QUEUES = ("send-to-flex", "enqueue-call")


def import_flow(text: str, name: str) -> ImportedFlow:
    """The Studio flow in ``text`` (read from ``name``) as our menu."""
    exported = JS_EXPORT.match(text)
    if exported:  # module.exports = {...};  keep offsets so positions stay true
        body = text[exported.end() :].rstrip().rstrip(";")
        text = " " * exported.end() + body
    data, positions = parse_json(text, name)
    if not isinstance(data, dict) or not isinstance(data.get("states"), list):
        raise MenuLoadError([MenuError(name, 1, 1, 'a Studio flow has a "states" list')])
    return _StudioReader(name, data, positions).read()


class _StudioReader:
    def __init__(self, name: str, data: dict[str, Any], positions: dict[tuple[str, ...], Position]):
        self.flow = FlowBuilder(name, "studio")
        self.data = data
        self.positions = positions
        self.widgets: dict[str, dict[str, Any]] = {}
        self.at: dict[str, Position] = {}
        self.consumed: set[str] = set()  # splits read into a menu
        self.requested: set[str] = set()  # widgets some transition goes to
        self.languages: list[str] = []

    def read(self) -> ImportedFlow:
        for index, widget in enumerate(self.data["states"]):
            at = self.positions.get(("states", str(index)), (1, 1))
            name = widget.get("name") if isinstance(widget, dict) else None
            if not isinstance(name, str) or not name:
                self.flow.warn(at, "a state without a name is skipped")
                continue
            if name in self.widgets:
                self.flow.warn(at, f'a second state named "{name}" is skipped')
                continue
            self.widgets[name] = _clean_widget(name, widget)
            self.at[name] = at
            self.flow.id(name)
        self._mark_consumed()
        start = self._start()
        for name, widget in self.widgets.items():
            if widget.get("type") != "trigger" and name not in self.consumed:
                self._widget(name, widget)
        for name in sorted(self.consumed & self.requested):  # in a menu, also reached directly
            self._widget(name, self.widgets[name])
        hotline: dict[str, Any] = {
            "name": str(self.data.get("description") or "Twilio Studio flow"),
            "apologies": False,
        }
        header = [
            "Twilio Studio says no apologies of its own: the line says only its widgets' words.",
        ]
        return self.flow.build(start, hotline, header)

    # -- transitions -------------------------------------------------------------
    def _start(self) -> str:
        trigger = next((w for w in self.widgets.values() if w.get("type") == "trigger"), None)
        if trigger is None:
            self.flow.warn((1, 1), "the flow has no trigger widget: calls start nowhere")
            return self.flow.end()
        target = self._event(trigger).get("incomingCall")
        if target is None:
            self.flow.warn(self.at[trigger["name"]], "the trigger has no incomingCall transition")
        return self._goto(target, trigger["name"])

    def _event(self, widget: dict[str, Any]) -> dict[str, str | None]:
        """The widget's transitions: event -> next widget name (None: the call ends)."""
        events: dict[str, str | None] = {}
        for transition in widget.get("transitions") or []:
            if isinstance(transition, dict) and isinstance(transition.get("event"), str):
                events.setdefault(transition["event"], transition.get("next") or None)
        return events

    def _goto(self, target: str | None, source: str) -> str:
        """The node id of the widget named ``target``; the end of the call when None."""
        if target is None:
            return self.flow.end()
        if not isinstance(target, str):
            self.flow.warn(self.at.get(source, (1, 1)), f'"{source}" names no widget to go to')
            return self.flow.end()
        if target not in self.widgets:
            self.flow.warn(
                self.at.get(source, (1, 1)),
                f'"{source}" goes to "{target}", which is no widget of the flow: the call ends',
            )
            return self.flow.end()
        self.requested.add(target)
        return self.flow.id(target)

    def _mark_consumed(self) -> None:
        """Splits that only read one gather's Digits (and its SpeechResult) are folded into
        that gather's menu; so is a SpeechResult split of a gather that takes no keys."""
        for name, widget in self.widgets.items():
            if widget.get("type") != "gather-input-on-call":
                continue
            split = self._event(widget).get("keypress")
            on_digits = self.widgets.get(split or "")
            if split and on_digits and self._menu_split(name, on_digits) is not None:
                self.consumed.add(split)
            elif split is not None:
                continue  # the gather is an input: its speech route stays a warning
            speech = self._event(widget).get("speech")
            split_on_speech = self.widgets.get(speech or "")
            if speech and split_on_speech and self._speech_split(name, split_on_speech):
                self.consumed.add(speech)

    def _speech_split(self, gather: str, split: dict[str, Any]) -> list[tuple[list[str], Any]]:
        """(phrases, next) for each condition of a split on ``gather``'s SpeechResult with
        ``equal_to``, ``matches_any_of`` or ``contains``; empty when it is no such split."""
        if split.get("type") != "split-based-on":
            return []
        match = SPEECH.match(str((split.get("properties") or {}).get("input", "")).strip())
        if not match or match.group(1) != gather:
            return []
        routes: list[tuple[list[str], Any]] = []
        for transition in split.get("transitions") or []:
            if transition.get("event") != "match":
                continue
            phrases: list[str] = []
            for condition in transition.get("conditions") or []:
                kind, value = condition.get("type"), str(condition.get("value", ""))
                if kind not in ("equal_to", "matches_any_of", "contains"):
                    return []
                parts = value.split(",") if kind == "matches_any_of" else [value]
                phrases += [part.strip() for part in parts if part.strip()]
            routes.append((phrases, transition.get("next")))
        return routes

    def _menu_split(self, gather: str, split: dict[str, Any]) -> list[tuple[str, str]] | None:
        """(key, next) for each condition of a split on ``gather``'s Digits; None otherwise."""
        if split.get("type") != "split-based-on":
            return None
        match = DIGITS.match(str((split.get("properties") or {}).get("input", "")).strip())
        if not match or match.group(1) != gather:
            return None
        options: list[tuple[str, str]] = []
        for transition in split.get("transitions") or []:
            if transition.get("event") != "match":
                continue
            for condition in transition.get("conditions") or []:
                kind, value = condition.get("type"), str(condition.get("value", ""))
                if kind == "equal_to":
                    keys = [value.strip()]
                elif kind == "matches_any_of":
                    keys = [part.strip() for part in value.split(",")]
                else:
                    return None
                if not all(KEY.match(key) for key in keys):
                    return None
                options += [(key, transition.get("next")) for key in keys]
        return options

    # -- widgets -----------------------------------------------------------------
    def _widget(self, name: str, widget: dict[str, Any]) -> None:
        kind = str(widget.get("type"))
        props = widget.get("properties") or {}
        events = self._event(widget)
        at = self.at[name]
        note = f'Studio widget "{name}" ({kind})'
        if kind == "say-play" and (props.get("say") or props.get("play")):
            self._check_template(at, props.get("say"))
            spec = {
                "say": self._prompt(props),
                "next": self._goto(events.get("audioComplete"), name),
            }
        elif kind == "gather-input-on-call":
            spec = self._gather(name, props, events)
        elif kind in QUEUES:
            spec = self._queue(name, props, events)
        elif kind == "connect-call-to":
            spec = self._connect(name, props, events)
        elif kind == "record-voicemail":
            record: dict[str, Any] = {"next": self._goto(events.get("recordingComplete"), name)}
            if props.get("max_length"):
                record["max_length"] = _number(props["max_length"], 120)
            spec = {"record": record}
        elif kind in OPAQUE or kind == "say-play":
            spec = self._decision(name, kind, props, events)
        else:
            self.flow.warn(
                at,
                f'widget "{name}" of type "{kind}" is not understood: kept as a '
                "decision over its transitions",
            )
            spec = self._decision(name, kind, props, events)
        self.flow.add(name, spec, at, note)

    def _prompt(self, props: dict[str, Any]) -> Any:
        play = as_text(props.get("play"))
        if play:
            return {"audio": play}
        return as_text(props.get("say")) or ""

    def _check_template(self, at: Position, text: Any) -> None:
        if isinstance(text, str) and ("{{" in text or "{%" in text):
            self.flow.warn(
                at,
                "this prompt is a Liquid template, kept as written: the line says only one "
                "of its branches, with the variables filled in",
            )

    def _gather(self, name: str, props: dict[str, Any], events: dict[str, str | None]) -> dict:
        at = self.at[name]
        self._check_template(at, props.get("say"))
        timeout_target = events.get("timeout")
        settings: dict[str, Any] = {
            "prompt": self._prompt(props),
            "timeout": min(max(_number(props.get("timeout"), 5), 1), 60),
        }
        if timeout_target == name:  # Studio ends the call on the 10th run in a row
            settings["retries"] = STUDIO_RUN_LIMIT - 1
        else:
            settings["retries"] = 0
            settings["on_timeout"] = self._goto(timeout_target, name)
        keypress = events.get("keypress")
        split = self.widgets.get(keypress or "")
        options = self._menu_split(name, split) if split else None
        speech = events.get("speech")
        heard = self._speech_split(name, self.widgets[speech]) if speech in self.widgets else []
        spoken = self._spoken(name, heard, {}, speech or "") if heard and not keypress else {}
        if spoken:  # speech only: every route is a spoken option
            no_match = self._event(self.widgets[speech or ""]).get("noMatch")
            settings["on_invalid"] = self._goto(no_match, speech or name)
            return {"menu": {**settings, "spoken": spoken, "input": "speech"}}
        if speech and (options is None or not heard):
            self.flow.warn(
                at,
                f'"{name}" also listens for speech (to "{speech}"); that route is not '
                "kept: callers are modelled pressing keys",
            )
        if options is not None and split is not None:
            no_match = self._event(split).get("noMatch")
            settings["options"] = {
                key: self._goto(target, keypress or name) for key, target in options
            }
            settings["on_invalid"] = self._goto(no_match, keypress or name)
            if not settings["options"]:
                self.flow.warn(self.at[split["name"]], f'the split "{split["name"]}" has no keys')
                return {"input": {**settings, "var": name, "next": settings["on_invalid"]}}
            by_key = self._phrases(name, options, heard, speech or "")
            for key, phrases in by_key.items():
                settings["options"][key] = {"goto": settings["options"][key], "say": phrases}
            keyless = [route for route in heard if not any(g == route[1] for _, g in options)]
            spoken = self._spoken(name, keyless, by_key, speech or "") if keyless else {}
            if spoken:
                settings["spoken"] = spoken
            settings["input"] = "dtmf speech" if by_key or spoken else "dtmf"
            return {"menu": settings}
        digits = int(_number(props.get("number_of_digits"), 0))
        spec = {**settings, "var": f"{name}_Digits", "next": self._goto(keypress, name)}
        spec["digits"] = {"min": 1, "max": digits} if digits else {"min": 1, "max": 20}
        finish = props.get("finish_on_key")
        spec["finish_on"] = finish if finish in ("#", "*", "") else "#"
        return {"input": spec}

    def _phrases(
        self, name: str, options: list[tuple[str, str]], heard: list, split: str
    ) -> dict[str, list[str]]:
        """Phrases by key: each speech route joins the (lowest) key that goes to the same
        widget (routes no key takes are spoken options: ``_spoken``)."""
        spoken: dict[str, list[str]] = {}
        said: set[str] = set()
        for phrases, target in heard:
            keys = sorted(key for key, goes in options if goes == target)
            if keys:
                kept = self._first_use(phrases, said, name, split)
                spoken.setdefault(keys[0], []).extend(kept)
        return {key: phrases for key, phrases in spoken.items() if phrases}

    def _spoken(
        self, name: str, heard: list, by_key: dict[str, list[str]], split: str
    ) -> dict[str, dict[str, Any]]:
        """Spoken options (chosen by voice only) for speech routes no key takes: one per
        widget they go to, named after its first phrase; a route without a phrase a caller
        can say is a warning."""
        said = {normalize(p) for phrases in by_key.values() for p in phrases}
        by_target: dict[str, list[str]] = {}
        for phrases, target in heard:
            kept = self._first_use(phrases, said, name, split)
            if kept:
                by_target.setdefault(self._goto(target, split), []).extend(kept)
            else:
                self.flow.warn(
                    self.at[split],
                    f'saying {" or ".join(phrases) or "anything"} at "{name}" goes to "{target}" '
                    "with no phrase a caller can say (or only phrases of earlier routes): that "
                    "spoken route is not kept",
                )
        spoken: dict[str, dict[str, Any]] = {}
        for goto, phrases in by_target.items():
            spoken[spoken_name(phrases[0], goto, spoken)] = {"say": phrases, "goto": goto}
        return spoken

    def _first_use(self, phrases: list[str], said: set[str], name: str, split: str) -> list[str]:
        """``phrases`` a caller can say that no earlier route of the split has (Studio takes
        the first transition that matches); ``said`` grows by them."""
        kept = []
        for phrase in phrases:
            words = normalize(phrase)
            if words and words not in said:
                said.add(words)
                kept.append(phrase)
            elif words:
                self.flow.warn(
                    self.at[split],
                    f'"{phrase}" at "{name}" is a phrase of an earlier route, which Studio '
                    "takes first: kept there only",
                )
        return kept

    def _queue(self, name: str, props: dict[str, Any], events: dict) -> dict:
        queue: dict[str, Any] = {
            "name": str(props.get("queue_name") or props.get("workflow") or name)
        }
        self._dropped(name, events, ("callComplete",), "after the queue")
        return {"queue": queue}

    def _connect(self, name: str, props: dict[str, Any], events: dict) -> dict:
        noun = str(props.get("noun") or "number")
        to = props.get("to") or props.get(f"{noun}_endpoint") or props.get(noun) or noun
        transfer: dict[str, Any] = {"to": str(to), "human": noun != "sip"}
        if props.get("timeout"):
            transfer["ring"] = min(_number(props["timeout"], 30), 600)
        self._dropped(name, events, (), "after the call is connected")
        return {"transfer": transfer}

    def _dropped(self, name: str, events: dict, expected: tuple[str, ...], when: str) -> None:
        """Warn about transitions the node kind cannot keep (a person has answered)."""
        for event, target in events.items():
            if target and event not in expected:
                self.flow.warn(
                    self.at[name],
                    f'"{name}" goes on to "{target}" on {event} {when}; the menu ends at the '
                    "person, so that route is not kept",
                )

    def _decision(self, name: str, kind: str, props: dict[str, Any], events: dict) -> dict:
        about = _about(kind, props)
        outcomes: dict[str, Any] = {}
        if kind == "split-based-on":
            transitions = self.widgets[name].get("transitions") or []
            for transition in sorted(transitions, key=lambda t: t.get("event") == "noMatch"):
                label = _condition_label(transition)
                outcomes.setdefault(label, self._goto(transition.get("next"), name))
        else:
            for event, target in events.items():
                outcomes[event] = self._goto(target, name)
        if not outcomes:
            outcomes["done"] = self.flow.end()
        return {"decide": {"about": about, "var": name, "outcomes": outcomes}}


def _clean_widget(name: str, widget: dict[str, Any]) -> dict[str, Any]:
    """The widget with every field the importer reads of the type it expects."""
    transitions = []
    for transition in dicts(widget.get("transitions")):
        event = name_of(transition.get("event"))
        if event is None:
            continue
        conditions = [
            {
                "type": as_text(condition.get("type")),
                "value": as_text(condition.get("value")) or "",
                "friendly_name": as_text(condition.get("friendly_name")),
            }
            for condition in dicts(transition.get("conditions"))
        ]
        target = name_of(transition.get("next"))
        transitions.append({"event": event, "next": target, "conditions": conditions})
    return {
        "name": name,
        "type": as_text(widget.get("type")) or "",
        "transitions": transitions,
        "properties": as_dict(widget.get("properties")),
    }


def _about(kind: str, props: dict[str, Any]) -> str:
    what = OPAQUE.get(kind, f"Studio {kind}")
    detail = (
        props.get("url")
        or props.get("input")
        or props.get("flow_sid")
        or props.get("function_sid")
        or ", ".join(str(v.get("key")) for v in dicts(props.get("variables")))
    )
    return f"{what} {detail}".strip() if detail else what


def _condition_label(transition: dict[str, Any]) -> str:
    if transition.get("event") == "noMatch":
        return "no condition holds"
    if transition.get("event") != "match":
        return str(transition.get("event") or "otherwise")
    labels = [
        str(condition.get("friendly_name") or f"{condition.get('type')} {condition.get('value')}")
        for condition in transition.get("conditions") or []
    ]
    return "; ".join(labels) or "match"


def _number(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
