"""Reading one menu file: its hotline, defaults, start and nodes.

``MenuFileReader`` turns the data of one YAML file (``ivr.yamlsource``) into
model objects (``ivr.model``), recording every problem with its location and
every target it names (``Reference``); ``ivr.loader`` resolves those targets
once every file a menu reaches into has been read.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from ivr.errors import did_you_mean
from ivr.fields import FieldReader, Where, type_name
from ivr.keypatterns import PatternError
from ivr.keypatterns import parse as parse_pattern
from ivr.languages import LANGUAGES
from ivr.linelimits import RANGES, SAY_LIMIT, TWIML_LIMIT, twiml_bytes
from ivr.model import (
    ANY_LANGUAGE,
    NO_PROMPT,
    BranchNode,
    BranchRule,
    Condition,
    DecideNode,
    DecisionOutcome,
    HangupNode,
    Hotline,
    InputNode,
    MenuNode,
    Node,
    Option,
    Promise,
    Prompt,
    QueueNode,
    RecordNode,
    SayNode,
    SpokenOption,
    TransferNode,
    Voice,
)
from ivr.prompt_audio import regular_file_under
from ivr.queueing import DEFAULT_PATIENCE, MAX_SECONDS
from ivr.schedule import Schedule, ScheduleError, check_timezone
from ivr.speech import normalize
from ivr.yamlsource import Marks

HOURS_PER_WEEK = 168
NODE_KINDS = ("say", "menu", "input", "queue", "transfer", "record", "branch", "decide", "hangup")
TOP_KEYS = ("hotline", "defaults", "start", "nodes")
HOTLINE_KEYS = (
    "name",
    "number",
    "languages",
    "timezone",
    "promise",
    "hours",
    "voices",
    "traffic",
    "apologies",
    "intents",
)
DEFAULT_KEYS = ("timeout", "retries", "on_fail", "interruptible", "patience")
GATHER_KEYS = (
    "prompt",
    "timeout",
    "retries",
    "on_fail",
    "on_timeout",
    "on_invalid",
    "interruptible",
    "reprompt",
)
MENU_KEYS = (*GATHER_KEYS, "options", "spoken", "input")
INPUT_KEYS = (*GATHER_KEYS, "var", "digits", "finish_on", "next")
QUEUE_KEYS = (
    "name",
    "agents",
    "handle_time",
    "calls_per_hour",
    "wait",
    "hours",
    "patience",
    "balking",
    "announce_wait",
    "callback",
    "hold",
    "message",
    "prompt",
    "after_hours",
    "capacity",
    "when_full",
)
TRANSFER_KEYS = ("to", "human", "ring", "prompt", "on_no_answer", "returns_to", "away")
RECORD_KEYS = ("prompt", "max_length", "next")
PROMISE_KEYS = ("hours", "time_to_human")
VOICE_KEYS = ("voice", "rate")
RECORDED_PROMPT_KEYS = ("audio", "text")
OPTION_KEYS = ("goto", "lang", "say")
SPOKEN_KEYS = ("say", "goto", "lang")
SPOKEN_NAME = re.compile(r"^[^\W\d][\w.-]*$")  # a name, never a key: it starts with a letter
DIGITS_KEYS = ("min", "max")
BRANCH_RULE_KEYS = ("when", "goto")
CONDITION_KEYS = ("hours", "lang", "var", "equals")
HANGUP_KEYS = ("say",)
DECIDE_KEYS = ("about", "var", "outcomes")
OUTCOME_KEYS = ("goto", "share")
HOLD_KINDS = ("music", "message", "silence")
KEY_PATTERN = re.compile(r"^[0-9*#]{1,4}$")
KEYPAD_KEYS = frozenset("0123456789*#")  # option keys of one key (KEY_PATTERN matches each)
PATTERN_HINT = re.compile(r"[XZN\[]|^_")  # a key meant as a digit pattern (ivr.keypatterns)
NODE_ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
ALWAYS_SCHEDULE = "24/7"
# country codes (and the withdrawn "in") often written where a language code belongs
COUNTRY_NOT_LANGUAGE = {
    "in": "id",
    "kr": "ko",
    "jp": "ja",
    "cn": "zh",
    "gr": "el",
    "se": "sv",
    "dk": "da",
    "cz": "cs",
    "ua": "uk",
    "vn": "vi",
    "br": "pt",
    "us": "en",
    "gb": "en",
}


class Reference(NamedTuple):
    """A target written in a file, resolved once every file is read.

    ``target`` is its menu-wide id: ``node`` in the main file, ``other.yaml#node``
    in another, or ``other.yaml#`` (``#`` for the main file) for a whole file,
    which the loader replaces by that file's start node in the node fields that
    hold references (``Node.retarget``), never in text. ``file`` is the other
    file it reaches into (None: the main file).
    """

    text: str
    where: Where
    what: str  # e.g. 'option "1"'
    target: str
    file: str | None


class MenuFileReader(FieldReader):
    """Reads one menu file's data into a hotline and nodes, collecting located errors."""

    def __init__(self, data: Any, marks: Marks, qualifier: str, main: str):
        super().__init__(marks)
        self.data = data
        self.main = os.path.abspath(main)  # the main file; other files are named relative to it
        self.qualifier = qualifier  # "" for the main file, else "other.yaml#"
        self.is_main = not qualifier
        self.references: list[Reference] = []
        self.languages: tuple[str, ...] = ("en",)
        self.schedules: dict[str, Schedule] = {ALWAYS_SCHEDULE: Schedule.always()}
        self.hours_used: list[tuple[str, Where]] = []
        self.defaults: dict[str, Any] = {
            "timeout": 5.0,
            "retries": 2,
            "on_fail": None,
            "interruptible": True,
            "patience": DEFAULT_PATIENCE,
        }
        self._current = ""
        self.declared: set[str] = set()  # every node id written, even of nodes with errors
        self.spoken_chars = 0  # characters the node being read may say (or send as hints)
        self.nodes_ok = True  # False when the "nodes" mapping itself is missing or broken

    def target(self, where: Where, value: Any, what: str) -> str | None:
        """Record a target to resolve later; return its qualified id."""
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"{what} must name a node, got {type_name(value)}")
            return None
        text = value.strip()
        if "#" in text or text.endswith((".yaml", ".yml")):
            qualified = self.qualify(text)
            head, sep, _ = qualified.partition("#")
            other = head if sep else None
        else:  # a node of this file (the fast, common case)
            qualified, other = self.qualifier + text, None
        self.references.append(Reference(text, where, what, qualified, other))
        return qualified

    def qualify(self, target: str) -> str:
        """The menu-wide id of ``target`` as written in this file."""
        if "#" in target or target.endswith((".yaml", ".yml")):
            file_part, _, node = target.partition("#")
            folder = os.path.dirname(self.main)
            here = os.path.join(folder, os.path.dirname(self.qualifier[:-1]))
            joined = os.path.normpath(os.path.join(here, file_part))
            if joined == self.main:
                return node or "#"
            relative = os.path.relpath(joined, folder)
            return f"{relative}#{node}" if node else f"{relative}#"
        return f"{self.qualifier}{target}"

    def ranged(
        self, where: Where, value: Any, field: str, default: Any = None, what: str = ""
    ) -> Any:
        """``value`` as a number within the documented range of ``field`` (``RANGES``)."""
        limits = RANGES[field]
        return self.number(
            where,
            value,
            what or field,
            default,
            minimum=limits.minimum,
            maximum=limits.maximum,
            integer=limits.integer,
            unit=limits.unit,
        )

    # -- prompts ---------------------------------------------------------------
    def prompt(
        self, where: Where, value: Any, what: str = "prompt", *, spoken: bool = True
    ) -> Prompt:
        """A prompt; ``spoken`` is False for the text of a recording (never said by TTS)."""
        if value is None:
            return NO_PROMPT
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value)
            self.spoken_chars += len(text)
            if spoken:
                self.check_say_length(where, text)
            return Prompt({ANY_LANGUAGE: text})
        if isinstance(value, dict) and "audio" in value:
            spec = self.mapping(where, value, RECORDED_PROMPT_KEYS, f"recorded {what}")
            audio = self.text((*where, "audio"), spec.get("audio"), "audio file")
            texts = self.prompt((*where, "text"), spec.get("text"), what, spoken=False).texts
            if audio and not any(texts.values()):
                self.check_audio_only((*where, "audio"), audio)
            return Prompt(texts, audio or None)
        if isinstance(value, dict):
            texts = {}
            for lang, text in value.items():
                if lang not in self.languages:
                    self.error(
                        (*where, lang),
                        f'{what} is in language "{lang}", which is not one of the '
                        f"hotline's languages ({', '.join(self.languages)})"
                        f"{did_you_mean(lang, self.languages)}",
                        key=True,
                    )
                texts[lang] = self.text((*where, lang), text, f"{what} text")
                if spoken:
                    self.check_say_length((*where, lang), texts[lang])
            self.spoken_chars += max(map(len, texts.values()), default=0)
            return Prompt(texts)
        self.error(
            where,
            f"{what} must be text, a mapping of language to text, or "
            f"{{audio: file.wav, text: ...}}, got {type_name(value)}",
        )
        return NO_PROMPT

    def check_audio_only(self, where: Where, audio: str) -> None:
        """Flag a recording without text whose file is not in the menu's folder: its length
        (and what it says) is unknown. With the file there, it is timed from the file."""
        if regular_file_under(Path(self.main).parent, audio) is None:
            self.warn(
                where,
                f'the recorded prompt "{audio}" has no text and is not a file in the menu\'s '
                "folder: how long it plays is unknown (timed as 0 s) and no check can read it",
            )

    def check_say_length(self, where: Where, text: str) -> None:
        """Warn about a text longer than Twilio's ``<Say>`` speaks."""
        if len(text) > SAY_LIMIT:
            self.warn(
                where,
                f"this prompt is {len(text):,} characters long; Twilio's <Say> speaks at most "
                f"{SAY_LIMIT:,} (3,000 with Polly voices): split it or record it",
            )

    def check_document_size(self, where: Where, node: Node) -> None:
        """Refuse a node whose TwiML document would be over Twilio's 64 KB limit."""
        if 5 * self.spoken_chars + 4_096 < TWIML_LIMIT:
            return  # even if every character were escaped to 5 bytes: well under the limit
        prompts = [p for p in (getattr(node, "prompt", None), getattr(node, "message", None)) if p]
        choices = (*getattr(node, "options", ()), *getattr(node, "spoken", ()))
        hints = [phrase for option in choices for phrase in option.phrases]
        for lang in self.languages:
            texts = [p.text(lang, self.languages[0]) for p in prompts]
            size = twiml_bytes(texts, lang, hints)
            if size > TWIML_LIMIT:
                self.error(
                    where,
                    f"the TwiML document for this node would be about {size:,} bytes "
                    f'(language "{lang}"), over Twilio\'s 64 KB ({TWIML_LIMIT:,}-byte) limit; '
                    "shorten its prompts",
                )
                return

    # -- top level -------------------------------------------------------------
    def read(self) -> tuple[Hotline | None, str | None, dict[str, Node]]:
        if not isinstance(self.data, dict):
            self.error(
                (),
                f"a menu file must be a mapping with keys {', '.join(TOP_KEYS)}; "
                f"got {type_name(self.data)}",
            )
            return None, None, {}
        top = self.mapping((), self.data, TOP_KEYS, "the menu file")
        hotline = None
        if "hotline" in top:
            hotline = self.hotline(top["hotline"])
        elif self.is_main:
            self.error(
                (),
                'the menu has no "hotline": give at least its name, like '
                "hotline: {name: ACME customer care}",
            )
            hotline = Hotline()
        self.read_defaults(top.get("defaults"))
        start = None
        if "start" in top:
            start = self.target(("start",), top["start"], "start")
        elif self.is_main:
            self.error((), 'the menu has no "start": name the node where calls begin')
        nodes = self.read_nodes(top)
        for name, where in self.hours_used:
            if name not in self.schedules:
                self.error(
                    where,
                    f'unknown schedule "{name}"'
                    f"{did_you_mean(name, self.schedules)}; defined schedules: "
                    f"{', '.join(self.schedules)}",
                )
        return hotline, start, nodes

    def read_nodes(self, top: dict[str, Any]) -> dict[str, Node]:
        """The nodes of the file, by their menu-wide ids."""
        if "nodes" not in top:
            self.error((), 'the menu has no "nodes" mapping')
            self.nodes_ok = False
            return {}
        nodes_spec = top["nodes"]
        if not isinstance(nodes_spec, dict) or not nodes_spec:
            self.nodes_ok = False
            self.error(
                ("nodes",),
                f'"nodes" must be a non-empty mapping of node ids to nodes, '
                f"got {type_name(nodes_spec)}",
            )
            return {}
        nodes = {}
        self.declared.update(self.qualify(node_id) for node_id in nodes_spec)
        for node_id, spec in nodes_spec.items():
            if not NODE_ID_PATTERN.match(node_id):
                self.error(
                    ("nodes", node_id),
                    f'node id "{node_id}" must start with a letter '
                    "and use only letters, digits, _ . -",
                    key=True,
                )
            node = self.node(node_id, spec)
            if node is not None:
                nodes[node.id] = node
        return nodes

    def hotline(self, value: Any) -> Hotline:
        where: Where = ("hotline",)
        spec = self.mapping(where, value, HOTLINE_KEYS, "hotline", required=("name",))
        langs = spec.get("languages", ["en"])
        if isinstance(langs, str):
            langs = [langs]
        if not isinstance(langs, list) or not langs:
            self.error(
                (*where, "languages"),
                "hotline languages must be a non-empty list of language codes like [id, en]",
            )
            langs = ["en"]
        good = []
        for i, lang in enumerate(langs):
            if lang not in LANGUAGES:
                hint = (
                    f' (did you mean "{COUNTRY_NOT_LANGUAGE[lang]}"?)'
                    if lang in COUNTRY_NOT_LANGUAGE
                    else did_you_mean(str(lang), LANGUAGES)
                )
                self.error(
                    (*where, "languages", str(i)),
                    f'unknown language "{lang}"{hint}; use an ISO 639-1 code such as en, id, ko',
                )
            else:
                good.append(lang)
        self.languages = tuple(good) or ("en",)
        timezone = self.text((*where, "timezone"), spec.get("timezone"), "timezone", "UTC")
        try:
            check_timezone(timezone)
        except ScheduleError as exc:
            self.error((*where, "timezone"), str(exc))
            timezone = "UTC"
        hours_spec = spec.get("hours", {})
        if not isinstance(hours_spec, dict):
            self.error(
                (*where, "hours"),
                "hours must be a mapping of schedule names to "
                'schedules like {mon-fri: "08:00-17:00"}',
            )
            hours_spec = {}
        for name, schedule in hours_spec.items():
            self.schedules[name] = self.schedule((*where, "hours", name), name, schedule)
        promise = Promise()
        if "promise" in spec:
            pspec = self.mapping((*where, "promise"), spec["promise"], PROMISE_KEYS, "promise")
            hours = self.text((*where, "promise", "hours"), pspec.get("hours"), "promised hours")
            if hours:
                self.hours_used.append((hours, (*where, "promise", "hours")))
            promise = Promise(
                hours or None,
                self.ranged(
                    (*where, "promise", "time_to_human"),
                    pspec.get("time_to_human"),
                    "time_to_human",
                    what="promised time to human",
                ),
            )
        voices = {}
        for lang, vspec in (spec.get("voices") or {}).items():
            vwhere = (*where, "voices", lang)
            vspec = self.mapping(vwhere, vspec, VOICE_KEYS, f'voice for "{lang}"')
            if lang not in self.languages:
                self.error(
                    vwhere,
                    f'voice for "{lang}", which is not one of the hotline\'s languages',
                    key=True,
                )
            voices[lang] = Voice(
                self.text((*vwhere, "voice"), vspec.get("voice"), "voice") or None,
                self.ranged((*vwhere, "rate"), vspec.get("rate"), "rate"),
            )
        traffic, traffic_by_hour = self.traffic((*where, "traffic"), spec.get("traffic"))
        return Hotline(
            traffic=traffic,
            traffic_by_hour=traffic_by_hour,
            name=self.text((*where, "name"), spec.get("name"), "hotline name"),
            number=self.text((*where, "number"), spec.get("number"), "hotline number"),
            languages=self.languages,
            timezone=timezone,
            promise=promise,
            hours=dict(self.schedules),
            voices=voices,
            apologies=self.flag((*where, "apologies"), spec.get("apologies"), "apologies", True),
            intents=self.intents((*where, "intents"), spec.get("intents")),
        )

    def intents(self, where: Where, value: Any) -> tuple[tuple[str, float], ...]:
        """Shares of callers by the node they want: {billing: 0.6, agent: 0.3}."""
        if value is None:
            return ()
        if not isinstance(value, dict) or not value:
            self.error(where, "intents must map nodes to shares of callers, like {billing: 0.6}")
            return ()
        shares = []
        for name, share in value.items():
            target = self.target((*where, str(name)), str(name), f'intent "{name}"')
            number = self.ranged((*where, str(name)), share, "intents", what=f"intent ({name})")
            if target is not None and number is not None:
                shares.append((target, number))
        if sum(share for _, share in shares) > 1 + 1e-9:
            self.error(where, "intent shares add up to more than 1 (every caller)")
            return ()
        return tuple(shares)

    def schedule(self, where: Where, name: str, spec: Any) -> Schedule:
        """Parse one named schedule, reporting every bad day or time range in it."""
        try:
            return Schedule.parse(spec)
        except ScheduleError as exc:
            if not isinstance(spec, dict) or not spec:
                self.error(where, f'schedule "{name}": {exc}')
                return Schedule.always()
        for days, ranges in spec.items():
            try:
                Schedule.parse({days: ranges})
            except ScheduleError as exc:
                self.error((*where, str(days)), f'schedule "{name}": {exc}', key=True)
        return Schedule.always()

    def read_defaults(self, value: Any) -> None:
        if value is None:
            return
        where: Where = ("defaults",)
        spec = self.mapping(where, value, DEFAULT_KEYS, "defaults")
        self._current = ""
        self.defaults["timeout"] = self.ranged(
            (*where, "timeout"), spec.get("timeout"), "timeout", self.defaults["timeout"]
        )
        self.defaults["retries"] = self.ranged(
            (*where, "retries"), spec.get("retries"), "retries", self.defaults["retries"]
        )
        self.defaults["on_fail"] = self.target(
            (*where, "on_fail"), spec.get("on_fail"), "defaults on_fail"
        )
        self.defaults["interruptible"] = self.flag(
            (*where, "interruptible"), spec.get("interruptible"), "interruptible", True
        )
        self.defaults["patience"] = self.patience((*where, "patience"), spec.get("patience"))

    def patience(self, where: Where, value: Any) -> float:
        """Mean seconds a caller holds: a number (0 < s <= 86400) or ``unlimited``."""
        if value == "unlimited":
            return math.inf
        seconds = self.number(where, value, "patience (seconds, or unlimited)")
        if seconds is None:
            return self.defaults["patience"]
        if not 0 < seconds <= MAX_SECONDS:
            self.error(
                where, f"patience must be over 0 and at most {MAX_SECONDS:.0f} s, got {value}"
            )
            return self.defaults["patience"]
        return seconds

    def per_schedule(
        self, where: Where, value: Any, what: str
    ) -> tuple[Any, tuple[tuple[str, Any], ...]]:
        """A figure (``what``, a field of ``RANGES``) given as a number or per schedule."""
        if not isinstance(value, dict):
            return self.ranged(where, value, what), ()
        figures = []
        for name, figure in value.items():
            self.hours_used.append((str(name), (*where, str(name))))
            number = self.ranged((*where, str(name)), figure, what, what=f"{what} ({name})")
            if number is not None:
                figures.append((str(name), number))
        if not figures:
            self.error(where, f"{what} must be a number or a mapping like {{office: 4, night: 1}}")
        return None, tuple(figures)

    def traffic(self, where: Where, value: Any) -> tuple[tuple[tuple[str, float], ...], tuple]:
        """Shares of the week's calls: {schedule: share}, or 168 weights by hour of the week."""
        if value is None:
            return (), ()
        if isinstance(value, list):
            weights = [
                self.ranged((*where, str(i)), w, "traffic weight") for i, w in enumerate(value)
            ]
            if len(value) != HOURS_PER_WEEK or any(w is None for w in weights) or not any(weights):
                self.error(
                    where,
                    f"traffic by hour needs {HOURS_PER_WEEK} numbers (Monday 00:00 first), "
                    f"not all zero; got {len(value)}",
                )
                return (), ()
            return (), tuple(weights)
        if not isinstance(value, dict):
            self.error(where, "traffic must map schedules to shares, like {office: 0.8}")
            return (), ()
        shares = []
        for name, share in value.items():
            self.hours_used.append((str(name), (*where, str(name))))
            number = self.ranged(
                (*where, str(name)), share, "traffic share", what=f"traffic share ({name})"
            )
            if number is not None:
                shares.append((str(name), number))
        if sum(share for _, share in shares) > 1 + 1e-9:
            self.error(where, "traffic shares add up to more than 1 (the whole week)")
            return (), ()
        return tuple(shares), ()

    # -- nodes -------------------------------------------------------------------
    def node(self, node_id: str, spec: Any) -> Node | None:
        where: Where = ("nodes", node_id)
        self._current = self.qualify(node_id)
        if not isinstance(spec, dict):
            self.error(
                where,
                f'node "{node_id}" must be a mapping with one of: '
                f"{', '.join(NODE_KINDS)}; got {type_name(spec)}",
            )
            return None
        if len(spec) == 1 and next(iter(spec)) in NODE_KINDS:  # the common case: a kind alone
            kinds, extra = list(spec), []
        else:
            kinds = [k for k in spec if k in NODE_KINDS]
            extra = [k for k in spec if k not in NODE_KINDS and k != "next"]
        for key in extra:
            self.error(
                (*where, key),
                f'unknown key "{key}" in node "{node_id}"'
                f"{did_you_mean(key, (*NODE_KINDS, 'next'))}; a node has "
                f"one of: {', '.join(NODE_KINDS)}",
                key=True,
            )
        if len(kinds) != 1:
            if not kinds and not extra:
                self.error(
                    where, f'node "{node_id}" has no kind: give one of {", ".join(NODE_KINDS)}'
                )
            elif len(kinds) > 1:
                self.error(
                    where,
                    f'node "{node_id}" has several kinds ({", ".join(kinds)}); give exactly one',
                )
            return None
        kind = kinds[0]
        body = spec[kind]
        common = {"id": self._current, "location": self.location(where, key=True)}
        sibling_next = spec.get("next")
        if sibling_next is not None and kind not in ("say", "input", "record"):
            self.error((*where, "next"), f'a {kind} node has no "next"', key=True)
        self.spoken_chars = 0  # prompt and hint characters of this node, counted as read
        node = getattr(self, f"_{kind}")((*where, kind), body, common, sibling_next)
        self.check_document_size((*where, kind, "prompt"), node)
        return node

    def _say(self, where: Where, body: Any, common: dict, sibling_next: Any) -> Node:
        return SayNode(
            **common,
            prompt=self.prompt(where, body, "say"),
            next=self.target((*where[:-1], "next"), sibling_next, "next"),
        )

    def _gather_common(self, where: Where, spec: dict) -> dict[str, Any]:
        """The settings of a menu or input; those it does not give are the defaults (read
        without a call per field: most nodes give only a prompt)."""
        defaults = self.defaults
        common = {
            "prompt": self.prompt((*where, "prompt"), spec.get("prompt")),
            "reprompt": NO_PROMPT,
            "timeout": defaults["timeout"],
            "retries": defaults["retries"],
            "on_fail": defaults["on_fail"],
            "on_timeout": None,
            "on_invalid": None,
            "interruptible": defaults["interruptible"],
        }
        if "reprompt" in spec:
            common["reprompt"] = self.prompt((*where, "reprompt"), spec["reprompt"], "reprompt")
        for name in ("timeout", "retries"):
            if name in spec:
                common[name] = self.ranged((*where, name), spec[name], name, defaults[name])
        for name in ("on_fail", "on_timeout", "on_invalid"):
            if name in spec:
                common[name] = self.target((*where, name), spec[name], name)
        if "interruptible" in spec:
            common["interruptible"] = self.flag(
                (*where, "interruptible"),
                spec["interruptible"],
                "interruptible",
                defaults["interruptible"],
            )
        return common

    def _menu(self, where: Where, body: Any, common: dict, _next: Any) -> Node:
        spec = self.mapping(where, body, MENU_KEYS, "menu", required=("prompt",))
        if isinstance(body, dict) and "options" not in spec and "spoken" not in spec:
            self.error(where, 'menu is missing required key "options" (or "spoken")')
        modes = spec.get("input", "dtmf speech")
        modes_t: tuple[str, ...] = ("dtmf", "speech")
        if isinstance(modes, str) and set(modes.split()) <= {"dtmf", "speech"} and modes.split():
            modes_t = tuple(m for m in ("dtmf", "speech") if m in modes.split())
        elif "input" in spec:
            self.error(
                (*where, "input"),
                f'menu input must be "dtmf", "speech" or "dtmf speech", got {modes!r}',
            )
        options = []
        raw_options = spec.get("options")
        if raw_options is not None and (not isinstance(raw_options, dict) or not raw_options):
            self.error(
                (*where, "options"),
                "options must be a non-empty mapping of keys to "
                f"targets, got {type_name(raw_options)}",
            )
            raw_options = {}
        for key, value in (raw_options or {}).items():
            options.append(self.option((*where, "options", key), key, value))
        self.check_overlaps(where, options)
        spoken = self.spoken_options(where, spec, options, modes_t) if "spoken" in spec else ()
        return MenuNode(
            **common,
            **self._gather_common(where, spec),
            options=tuple(options),
            input_modes=modes_t,
            spoken=spoken,
        )

    def option(self, where: Where, key: str, value: Any) -> Option:
        if key in KEYPAD_KEYS:  # one key, the common case: nothing more to check
            pass
        elif isinstance(key, str) and PATTERN_HINT.search(key):
            self.check_pattern(where, key)
        elif not KEY_PATTERN.match(key):
            self.error(
                where,
                f'option key "{key}" must be keypad keys: 0-9, * or # (quote it in YAML: "1"), '
                'or a digit pattern like "2XXX"',
                key=True,
            )
        what = f'option "{key}"'
        if isinstance(value, str):
            return Option(
                key, self.target(where, value, what) or "", location=self.location(where, key=True)
            )
        if not isinstance(value, dict):
            self.error(
                where,
                f"{what} must name a node or be a mapping like "
                f"{{goto: node, say: [words]}}, got {type_name(value)}",
            )
            return Option(key, "", location=self.location(where, key=True))
        spec = self.mapping(where, value, OPTION_KEYS, what, required=("goto",))
        return Option(
            key,
            self.target((*where, "goto"), spec.get("goto"), what) or "",
            self.phrases(where, spec, what),
            self.option_lang(where, spec, what),
            self.location(where, key=True),
        )

    def option_lang(self, where: Where, spec: dict, what: str) -> str | None:
        """The language an option (keyed or spoken) switches the call to, if any."""
        lang = self.text((*where, "lang"), spec.get("lang"), "lang") or None
        if lang is not None and lang not in self.languages:
            self.error(
                (*where, "lang"),
                f'{what} switches to language "{lang}", which is not '
                f"one of the hotline's languages "
                f"({', '.join(self.languages)})",
            )
        return lang

    def phrases(self, where: Where, spec: dict, what: str) -> tuple[str, ...]:
        """An option's ``say``: phrases a caller may say (one text or a list of texts)."""
        phrases = spec.get("say", [])
        if isinstance(phrases, str):
            phrases = [phrases]
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            self.error((*where, "say"), f"{what} say must be a list of phrases")
            phrases = []
        self.spoken_chars += sum(len(phrase) + 2 for phrase in phrases)  # speech hints
        return tuple(phrases)

    def spoken_options(
        self, where: Where, spec: dict, options: list[Option], modes: tuple[str, ...]
    ) -> tuple[SpokenOption, ...]:
        """The menu's ``spoken`` options: chosen by voice only, each with phrases of its own
        (none empty, none also a phrase of a keyed option or another spoken option)."""
        raw = spec["spoken"]
        if not isinstance(raw, dict) or not raw:
            self.error(
                (*where, "spoken"),
                "spoken must be a non-empty mapping of names to {say: [phrases], goto: node}, "
                f"got {type_name(raw)}",
            )
            return ()
        if "speech" not in modes:
            self.error(
                (*where, "input"),
                'a menu with spoken options must listen for speech: input "dtmf speech" or '
                '"speech" (with input "dtmf" no caller can choose them)',
            )
        owners = {normalize(p): f'option "{o.key}"' for o in options for p in o.phrases}
        spoken = []
        for name, value in raw.items():
            owhere = (*where, "spoken", str(name))
            what = f'spoken option "{name}"'
            if not SPOKEN_NAME.match(str(name)):
                self.error(
                    owhere,
                    f"{what}: a spoken option's name starts with a letter (keys go under "
                    '"options"), like check_balance',
                    key=True,
                )
            item = self.mapping(owhere, value, SPOKEN_KEYS, what, required=("say", "goto"))
            phrases = self.phrases(owhere, item, what)
            if "say" in item and not phrases:
                self.error((*owhere, "say"), f"{what} needs at least one phrase to be chosen")
            for index, phrase in enumerate(phrases):
                words = normalize(phrase)
                at = (*owhere, "say", *([str(index)] if isinstance(item["say"], list) else []))
                if not words:
                    self.error(at, f"{what} has an empty phrase {phrase!r}: no caller can say it")
                elif words in owners and owners[words] != what:
                    self.error(
                        at,
                        f'{what}: the phrase "{phrase}" is also a phrase of {owners[words]}; '
                        "a phrase must choose one option",
                    )
                else:
                    owners[words] = what
            spoken.append(
                SpokenOption(
                    str(name),
                    self.target((*owhere, "goto"), item.get("goto"), what) or "",
                    phrases,
                    self.option_lang(owhere, item, what),
                    self.location(owhere, key=True),
                )
            )
        return tuple(spoken)

    def check_overlaps(self, where: Where, options: list[Option]) -> None:
        """Warn when two digit patterns going to different places match the same entries
        (the first in key order takes them)."""
        patterns = []
        for opt in sorted(options, key=lambda opt: opt.key):
            if PATTERN_HINT.search(opt.key):
                try:
                    patterns.append((opt, parse_pattern(opt.key)))
                except PatternError:
                    continue  # reported by check_pattern
        for at, (first, pattern) in enumerate(patterns):
            for later, other in patterns[at + 1 :]:
                if first.goto != later.goto and pattern.overlaps(other):
                    self.warn(
                        (*where, "options", later.key),
                        f'option pattern "{later.key}" overlaps "{first.key}": an extension '
                        f'both match goes to "{first.goto}" (the first in key order)',
                        key=True,
                    )

    def check_pattern(self, where: Where, key: str) -> None:
        """Report a digit pattern key (``2XXX``) that cannot be read, naming the fault."""
        try:
            parse_pattern(key)
        except PatternError as exc:
            self.error(
                where,
                f'option pattern "{key}", character {exc.offset + 1}: {exc}',
                key=True,
            )

    def _input(self, where: Where, body: Any, common: dict, sibling_next: Any) -> Node:
        spec = self.mapping(where, body, INPUT_KEYS, "input", required=("prompt", "var"))
        digits = spec.get("digits", {"min": 1, "max": 20})
        if isinstance(digits, int) and not isinstance(digits, bool):
            digits = {"min": digits, "max": digits}
        if not isinstance(digits, dict):
            self.error(
                (*where, "digits"),
                "digits must be a number or a mapping like "
                f"{{min: 4, max: 6}}, got {type_name(digits)}",
            )
            digits = {}
        dspec = self.mapping((*where, "digits"), digits, DIGITS_KEYS, "digits")
        low = self.ranged((*where, "digits", "min"), dspec.get("min"), "digits", 1, "digits min")
        high = self.ranged(
            (*where, "digits", "max"), dspec.get("max"), "digits", max(low, 20), "digits max"
        )
        if high < low:
            self.error((*where, "digits"), f"digits max ({high}) is below min ({low})")
        finish_on = self.text((*where, "finish_on"), spec.get("finish_on"), "finish_on", "#")
        if finish_on and finish_on not in ("#", "*"):
            self.error((*where, "finish_on"), f'finish_on must be "#" or "*", got "{finish_on}"')
        if "next" in spec and sibling_next is not None:
            self.error((*where[:-1], "next"), 'give "next" once, inside the input', key=True)
        next_where = (*where, "next") if "next" in spec else (*where[:-1], "next")
        return InputNode(
            **common,
            **self._gather_common(where, spec),
            var=self.text((*where, "var"), spec.get("var"), "var", "input"),
            min_digits=low,
            max_digits=high,
            finish_on=finish_on,
            next=self.target(next_where, spec.get("next", sibling_next), "next"),
        )

    def _queue(self, where: Where, body: Any, common: dict, _next: Any) -> Node:
        spec = self.mapping(where, body, QUEUE_KEYS, "queue")
        hold = self.text((*where, "hold"), spec.get("hold"), "hold", "music")
        if hold not in HOLD_KINDS:
            self.error(
                (*where, "hold"),
                f"hold must be one of {', '.join(HOLD_KINDS)}, "
                f'got "{hold}"{did_you_mean(hold, HOLD_KINDS)}',
            )
        hours = self.text((*where, "hours"), spec.get("hours"), "hours") or None
        if hours:
            self.hours_used.append((hours, (*where, "hours")))
        agents, agents_by_hours = self.per_schedule(
            (*where, "agents"), spec.get("agents"), "agents"
        )
        calls, calls_by_hours = self.per_schedule(
            (*where, "calls_per_hour"), spec.get("calls_per_hour"), "calls_per_hour"
        )
        staffing = [k for k in ("agents", "handle_time", "calls_per_hour") if k in spec]
        if staffing and len(staffing) < 3:
            missing = [k for k in ("agents", "handle_time", "calls_per_hour") if k not in spec]
            self.error(
                where,
                f"queue staffing needs agents, handle_time and calls_per_hour "
                f"together; missing {', '.join(missing)}",
            )
        return QueueNode(
            **common,
            name=self.text((*where, "name"), spec.get("name"), "name", common["id"]),
            agents=agents,
            handle_time=self.ranged(
                (*where, "handle_time"), spec.get("handle_time"), "handle_time"
            ),
            calls_per_hour=calls,
            wait=self.ranged((*where, "wait"), spec.get("wait"), "wait"),
            hours=hours,
            patience=self.patience((*where, "patience"), spec.get("patience")),
            balking=self.ranged((*where, "balking"), spec.get("balking"), "balking", 0.0),
            agents_by_hours=agents_by_hours,
            calls_by_hours=calls_by_hours,
            announce_wait=self.flag(
                (*where, "announce_wait"), spec.get("announce_wait"), "announce_wait"
            ),
            callback=self.flag((*where, "callback"), spec.get("callback"), "callback"),
            hold=hold if hold in HOLD_KINDS else "music",
            message=self.prompt((*where, "message"), spec.get("message"), "hold message"),
            prompt=self.prompt((*where, "prompt"), spec.get("prompt")),
            after_hours=self.target(
                (*where, "after_hours"), spec.get("after_hours"), "after_hours"
            ),
            **self.capacity(where, spec),
        )

    def capacity(self, where: Where, spec: dict) -> dict[str, Any]:
        """A queue's ``capacity`` and its ``when_full`` route: both or neither."""
        capacity = self.ranged((*where, "capacity"), spec.get("capacity"), "capacity")
        when_full = self.target((*where, "when_full"), spec.get("when_full"), "when_full")
        if ("capacity" in spec) != ("when_full" in spec):
            given, missing = (
                ("capacity", "when_full") if "capacity" in spec else ("when_full", "capacity")
            )
            self.error(
                (*where, given),
                f"a queue with {given} needs {missing} too: how many callers may wait, and "
                "where the others go",
                key=True,
            )
        return {"capacity": capacity, "when_full": when_full}

    def _transfer(self, where: Where, body: Any, common: dict, _next: Any) -> Node:
        spec = self.mapping(where, body, TRANSFER_KEYS, "transfer", required=("to",))
        human = self.flag((*where, "human"), spec.get("human"), "human", True)
        return TransferNode(
            **common,
            to=self.text((*where, "to"), spec.get("to"), "to"),
            human=human,
            ring=self.ranged((*where, "ring"), spec.get("ring"), "ring", 0.0),
            prompt=self.prompt((*where, "prompt"), spec.get("prompt")),
            on_no_answer=self.target(
                (*where, "on_no_answer"), spec.get("on_no_answer"), "on_no_answer"
            ),
            **self.coming_back(where, spec, human),
        )

    def coming_back(self, where: Where, spec: dict, human: bool) -> dict[str, Any]:
        """A transfer's ``returns_to`` and ``away``: where another system (``human: false``)
        hands the call back, and the seconds spent there (unknown when not given)."""
        returns_to = self.target((*where, "returns_to"), spec.get("returns_to"), "returns_to")
        away = self.ranged((*where, "away"), spec.get("away"), "away")
        if returns_to and human:
            self.error(
                (*where, "returns_to"),
                "returns_to is for a transfer to another system (human: false): once a person "
                "answers, the menu's part of the call is over; set human: false or remove it",
                key=True,
            )
        if "away" in spec and "returns_to" not in spec:
            self.error(
                (*where, "away"),
                "away is the time in the other system before it hands the call back: "
                "give returns_to too (where the call continues)",
                key=True,
            )
        return {"returns_to": returns_to, "away": away}

    def _record(self, where: Where, body: Any, common: dict, sibling_next: Any) -> Node:
        spec = self.mapping(where, body, RECORD_KEYS, "record")
        next_where = (*where, "next") if "next" in spec else (*where[:-1], "next")
        if spec.get("next", sibling_next) is None:
            self.warn(
                where,
                'a record without "next" hangs up on the caller right after the message, '
                "without a word; add next: with a goodbye",
                key=True,
            )
        return RecordNode(
            **common,
            prompt=self.prompt((*where, "prompt"), spec.get("prompt")),
            max_length=self.ranged(
                (*where, "max_length"), spec.get("max_length"), "max_length", 120.0
            ),
            next=self.target(next_where, spec.get("next", sibling_next), "next"),
        )

    def _branch(self, where: Where, body: Any, common: dict, _next: Any) -> Node:
        if not isinstance(body, list) or not body:
            self.error(
                where,
                "branch must be a list of rules like "
                "[{when: {hours: office}, goto: open}, {goto: closed}]",
            )
            return BranchNode(**common)
        rules = []
        for i, item in enumerate(body):
            rwhere = (*where, str(i))
            spec = self.mapping(
                rwhere, item, BRANCH_RULE_KEYS, f"branch rule {i + 1}", required=("goto",)
            )
            when = None
            if "when" in spec:
                when = self.condition((*rwhere, "when"), spec["when"])
            elif i != len(body) - 1:
                self.error(
                    rwhere,
                    f'branch rule {i + 1} has no "when", so the rules after '
                    "it can never be taken; put it last",
                )
            rules.append(
                BranchRule(
                    self.target((*rwhere, "goto"), spec.get("goto"), f"branch rule {i + 1}") or "",
                    when,
                )
            )
        return BranchNode(**common, rules=tuple(rules))

    def _decide(self, where: Where, body: Any, common: dict, _next: Any) -> Node:
        spec = self.mapping(where, body, DECIDE_KEYS, "decide", required=("outcomes",))
        outcomes_spec = spec.get("outcomes")
        if "outcomes" in spec and (not isinstance(outcomes_spec, dict) or not outcomes_spec):
            self.error(
                (*where, "outcomes"),
                "outcomes must map outcome names to targets, like {found: main, error: agent}",
            )
            outcomes_spec = {}
        outcomes = []
        for name, value in (outcomes_spec or {}).items():
            owhere = (*where, "outcomes", str(name))
            item = {"goto": value} if isinstance(value, str) else value
            item = self.mapping(owhere, item, OUTCOME_KEYS, f'outcome "{name}"', required=("goto",))
            goto = self.target((*owhere, "goto"), item.get("goto"), f'outcome "{name}"')
            share = self.ranged(
                (*owhere, "share"), item.get("share"), "share", what=f'share of outcome "{name}"'
            )
            if goto is not None:
                outcomes.append(
                    DecisionOutcome(str(name), goto, share, self.location(owhere, key=True))
                )
        if sum(outcome.share or 0 for outcome in outcomes) > 1 + 1e-9:
            self.error((*where, "outcomes"), "outcome shares add up to more than 1 (every caller)")
        return DecideNode(
            **common,
            outcomes=tuple(outcomes),
            var=self.text((*where, "var"), spec.get("var"), "var") or None,
            about=self.text((*where, "about"), spec.get("about"), "about"),
        )

    def condition(self, where: Where, value: Any) -> Condition:
        spec = self.mapping(where, value, CONDITION_KEYS, "when")
        hours = self.text((*where, "hours"), spec.get("hours"), "hours") or None
        if hours:
            self.hours_used.append((hours, (*where, "hours")))
        lang = self.text((*where, "lang"), spec.get("lang"), "lang") or None
        if lang and lang not in self.languages:
            self.error(
                (*where, "lang"),
                f'branch on language "{lang}", which is not one of the '
                f"hotline's languages ({', '.join(self.languages)})",
            )
        equals = spec.get("equals", {})
        if not isinstance(equals, dict):
            self.error((*where, "equals"), "equals must be a mapping of variable to value")
            equals = {}
        return Condition(
            hours,
            lang,
            self.text((*where, "var"), spec.get("var"), "var") or None,
            {str(k): str(v) for k, v in equals.items()},
        )

    def _hangup(self, where: Where, body: Any, common: dict, _next: Any) -> Node:
        if body is None or body is True:
            return HangupNode(**common)
        if isinstance(body, str):
            return HangupNode(**common, prompt=self.prompt(where, body, "goodbye"))
        if not isinstance(body, dict):
            self.error(
                where,
                f"hangup must be empty, a goodbye text, or {{say: ...}}, got {type_name(body)}",
            )
            return HangupNode(**common)
        spec = self.mapping(where, body, HANGUP_KEYS, "hangup")
        return HangupNode(**common, prompt=self.prompt((*where, "say"), spec.get("say"), "goodbye"))
