"""The menu model: frozen dataclasses for a hotline and its nodes.

A ``Menu`` is what ``ivr.loader.load_menu`` returns. Node ids of nodes that
come from another file (``goto: other.yaml#node``) are qualified as
``"other.yaml#node"``; every target in the model is already resolved to a
node id of the same ``Menu``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple

from ivr.errors import MenuError
from ivr.keypatterns import KeyPattern, entry_length, pattern_of
from ivr.queueing import DEFAULT_PATIENCE
from ivr.schedule import Schedule

ANY_LANGUAGE = "*"
# the fields of a node that name another node (options and branch rules hold more)
TARGET_FIELDS = (
    "next",
    "on_fail",
    "on_timeout",
    "on_invalid",
    "after_hours",
    "on_no_answer",
    "when_full",
    "returns_to",
)


class Location(NamedTuple):
    """Where something was written: file, 1-based line and column.

    A named tuple rather than a dataclass: a large menu creates one per node and
    option, and a tuple is built several times faster.
    """

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Prompt:
    """What the line says: text per language, and optionally recorded audio.

    A prompt written as a plain string is stored under ``ANY_LANGUAGE``.

    >>> Prompt({"en": "Hello", "id": "Halo"}).text("id", "en")
    'Halo'
    >>> Prompt({"*": "Hello"}).text("ko", "en")
    'Hello'
    """

    texts: dict[str, str]
    audio: str | None = None

    def text(self, lang: str, default_lang: str | None = None) -> str:
        """The text for ``lang``, falling back to the default language, then any."""
        for candidate in (lang, ANY_LANGUAGE, default_lang):
            if candidate and candidate in self.texts:
                return self.texts[candidate]
        return next(iter(self.texts.values()), "")

    def languages(self) -> list[str]:
        """Languages this prompt has its own text for (``*`` for a plain string)."""
        return list(self.texts)

    def __bool__(self) -> bool:
        return any(self.texts.values()) or bool(self.audio)


NO_PROMPT = Prompt({})


@dataclass(frozen=True)
class Option:
    """One choice of a menu: a key, where it goes, optional phrases and language."""

    key: str
    goto: str
    phrases: tuple[str, ...] = ()
    lang: str | None = None
    location: Location | None = None

    @property
    def pattern(self) -> KeyPattern | None:
        """The digit pattern when the key is one (``2XXX``: an extension), else None."""
        return pattern_of(self.key)

    @property
    def entry(self) -> str:
        """The keys a caller presses to choose it (for a pattern, its lowest match)."""
        pattern = self.pattern
        return pattern.example if pattern else self.key

    @property
    def length(self) -> int:
        """How many keys a caller presses to choose it."""
        return entry_length(self.key)


@dataclass(frozen=True)
class SpokenOption:
    """A choice of a menu made by voice only: no key chooses it (a Studio speech route, a
    Lex intent). ``name`` identifies it (``Step.matched``, graphs, findings)."""

    name: str
    goto: str
    phrases: tuple[str, ...] = ()
    lang: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Node:
    """Base of every node kind: its id, kind and where it was written."""

    id: str
    location: Location

    kind = "node"

    @property
    def is_human(self) -> bool:
        """True when a person answers here (a queue or a human transfer)."""
        return False

    def targets(self) -> list[tuple[str, str, dict]]:
        """Outgoing edges as ``(kind, target, attributes)``."""
        return []

    def retarget(self, resolve: Callable[[str], str]) -> Node:
        """A copy whose node references (and only those) are passed through ``resolve``."""
        changes = self._retargeted(resolve)
        return replace(self, **changes) if changes else self

    def _retargeted(self, resolve: Callable[[str], str]) -> dict[str, Any]:
        """The fields holding node references, passed through ``resolve``."""
        return {
            name: resolve(value)
            for name in TARGET_FIELDS
            if isinstance(value := getattr(self, name, None), str)
        }


@dataclass(frozen=True)
class SayNode(Node):
    """Speak a prompt, then go on to ``next``."""

    prompt: Prompt = NO_PROMPT
    next: str | None = None
    kind = "say"

    def targets(self) -> list[tuple[str, str, dict]]:
        return [("next", self.next, {})] if self.next else []


@dataclass(frozen=True)
class Gathering(Node):
    """Shared settings of nodes that wait for the caller (menu, input)."""

    prompt: Prompt = NO_PROMPT
    reprompt: Prompt = NO_PROMPT  # said instead of ``prompt`` on attempts after the first
    timeout: float = 5.0
    retries: int = 2
    on_fail: str | None = None
    on_timeout: str | None = None
    on_invalid: str | None = None
    interruptible: bool = True


@dataclass(frozen=True)
class MenuNode(Gathering):
    """Offer options by key (and by speech when options carry phrases)."""

    options: tuple[Option, ...] = ()
    input_modes: tuple[str, ...] = ("dtmf", "speech")
    spoken: tuple[SpokenOption, ...] = ()  # options chosen by voice only, no key
    kind = "menu"

    @property
    def choices(self) -> tuple[Option | SpokenOption, ...]:
        """Every option: the keyed ones, then the spoken ones (chosen by voice only)."""
        return (*self.options, *self.spoken)

    def option(self, key: str) -> Option | None:
        """The option for ``key``, or None."""
        return next((opt for opt in self.options if opt.key == key), None)

    @property
    def extensions(self) -> frozenset[str]:
        """Keys of extension dialling: each pattern option, and each plain key a pattern
        of this menu also matches (``2000`` beside ``2XXX``). The audit reads these as
        one "dial the extension" choice, not as keys the prompt lists."""
        patterns = [opt.pattern for opt in self.options if opt.pattern]
        return frozenset(
            opt.key
            for opt in self.options
            if opt.pattern or any(pattern.matches(opt.key) for pattern in patterns)
        )

    def chosen_by(self, keys: str) -> Option | None:
        """The option an entry of exactly ``keys`` chooses: a plain key wins over a
        pattern; among patterns the first in key order that matches."""
        exact = next((opt for opt in self.options if opt.key == keys and not opt.pattern), None)
        if exact:
            return exact
        patterns = sorted((opt for opt in self.options if opt.pattern), key=lambda opt: opt.key)
        return next((opt for opt in patterns if opt.pattern and opt.pattern.matches(keys)), None)

    def targets(self) -> list[tuple[str, str, dict]]:
        edges: list[tuple[str, str, dict]] = []
        for opt in self.options:
            edges.append(("key", opt.goto, {"key": opt.key, "lang": opt.lang}))
            if opt.phrases and "speech" in self.input_modes:
                edges.append(("speech", opt.goto, {"key": opt.key, "phrases": list(opt.phrases)}))
        for spoken in self.spoken:  # reachable by voice only: no key edge beside it
            phrases = list(spoken.phrases)
            attributes = {"spoken": spoken.name, "phrases": phrases, "lang": spoken.lang}
            edges.append(("speech", spoken.goto, {**attributes, "voice_only": True}))
        return edges  # failure routes: ivr.retries.failure_edges

    def _retargeted(self, resolve: Callable[[str], str]) -> dict[str, Any]:
        options = tuple(replace(opt, goto=resolve(opt.goto)) for opt in self.options)
        spoken = tuple(replace(opt, goto=resolve(opt.goto)) for opt in self.spoken)
        return {**super()._retargeted(resolve), "options": options, "spoken": spoken}


@dataclass(frozen=True)
class InputNode(Gathering):
    """Collect digits into a variable, then go on to ``next``."""

    var: str = "input"
    min_digits: int = 1
    max_digits: int = 20
    finish_on: str = "#"
    next: str | None = None
    kind = "input"

    def targets(self) -> list[tuple[str, str, dict]]:
        edges = [("next", self.next, {"var": self.var})] if self.next else []
        return edges  # failure routes: ivr.retries.failure_edges


@dataclass(frozen=True)
class QueueNode(Node):
    """A queue of human agents; the call waits here for a person."""

    name: str = ""
    agents: int | None = None
    handle_time: float | None = None
    calls_per_hour: float | None = None
    wait: float | None = None
    hours: str | None = None
    patience: float = DEFAULT_PATIENCE  # mean seconds before a caller on hold hangs up; inf: never
    balking: float = 0.0  # share of callers who hang up at once when they would have to wait
    agents_by_hours: tuple[tuple[str, int], ...] = ()  # per schedule, when given as a mapping
    calls_by_hours: tuple[tuple[str, float], ...] = ()
    announce_wait: bool = False
    callback: bool = False
    hold: str = "music"
    message: Prompt = NO_PROMPT
    prompt: Prompt = NO_PROMPT
    after_hours: str | None = None
    capacity: int | None = None  # callers that may wait at once; more go to ``when_full``
    when_full: str | None = None
    kind = "queue"

    @property
    def is_human(self) -> bool:
        return True

    def targets(self) -> list[tuple[str, str, dict]]:
        edges: list[tuple[str, str, dict]] = (
            [("after_hours", self.after_hours, {})] if self.after_hours else []
        )
        if self.when_full:
            edges.append(("when_full", self.when_full, {"capacity": self.capacity}))
        return edges


@dataclass(frozen=True)
class TransferNode(Node):
    """Connect the call to a number; a person answers when ``human``."""

    to: str = ""
    human: bool = True
    ring: float = 0.0
    prompt: Prompt = NO_PROMPT
    on_no_answer: str | None = None
    returns_to: str | None = None  # another system (not human) hands the call back here
    away: float | None = None  # seconds spent in that system before it does; None: unknown
    kind = "transfer"

    @property
    def is_human(self) -> bool:
        return self.human

    def targets(self) -> list[tuple[str, str, dict]]:
        edges: list[tuple[str, str, dict]] = (
            [("fail", self.on_no_answer, {})] if self.on_no_answer else []
        )
        if self.returns_to:
            edges.append(("returns", self.returns_to, {"away": self.away}))
        return edges


@dataclass(frozen=True)
class RecordNode(Node):
    """Record a message (voicemail), then go on to ``next``."""

    prompt: Prompt = NO_PROMPT
    max_length: float = 120.0
    next: str | None = None
    kind = "record"

    def targets(self) -> list[tuple[str, str, dict]]:
        return [("next", self.next, {})] if self.next else []


@dataclass(frozen=True)
class Condition:
    """The ``when`` of a branch rule; every given field must hold."""

    hours: str | None = None
    lang: str | None = None
    var: str | None = None
    equals: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """A short human-readable form, e.g. ``hours=office``."""
        parts = [f"hours={self.hours}"] if self.hours else []
        parts += [f"lang={self.lang}"] if self.lang else []
        parts += [f"var={self.var}"] if self.var else []
        parts += [f"{k}={v}" for k, v in self.equals.items()]
        return ", ".join(parts) or "otherwise"


@dataclass(frozen=True)
class BranchRule:
    """One rule of a branch: go to ``goto`` when ``when`` holds (always if None)."""

    goto: str
    when: Condition | None = None


@dataclass(frozen=True)
class BranchNode(Node):
    """Route on time of day, language or variables; the first rule that holds wins."""

    rules: tuple[BranchRule, ...] = ()
    kind = "branch"

    def targets(self) -> list[tuple[str, str, dict]]:
        return [
            (
                "branch",
                rule.goto,
                {"when": rule.when.describe() if rule.when else "otherwise", "rule": i},
            )
            for i, rule in enumerate(self.rules)
        ]

    def _retargeted(self, resolve: Callable[[str], str]) -> dict[str, Any]:
        return {"rules": tuple(replace(rule, goto=resolve(rule.goto)) for rule in self.rules)}


@dataclass(frozen=True)
class DecisionOutcome:
    """One outcome of a decision: its name, where it goes, and optionally its share of callers."""

    name: str
    goto: str
    share: float | None = None
    location: Location | None = None


@dataclass(frozen=True)
class DecideNode(Node):
    """A decision made outside the menu (code, an HTTP call, an expression not evaluated).

    Every outcome is kept: the graph has a ``decision`` edge per outcome and the audit
    considers each. A call takes the outcome named by its variable ``var`` (without one,
    the call variable named after the node) when that is set to an outcome's name, else
    the first outcome.
    """

    outcomes: tuple[DecisionOutcome, ...] = ()
    var: str | None = None
    about: str = ""
    kind = "decide"

    def choose(self, variables: dict[str, str]) -> DecisionOutcome | None:
        """The outcome a call with ``variables`` takes (None when there is no outcome)."""
        named = variables.get(self.var or self.id)
        chosen = next((o for o in self.outcomes if o.name == named), None)
        return chosen or next(iter(self.outcomes), None)

    def targets(self) -> list[tuple[str, str, dict]]:
        return [
            ("decision", outcome.goto, {"outcome": outcome.name, "share": outcome.share})
            for outcome in self.outcomes
        ]

    def _retargeted(self, resolve: Callable[[str], str]) -> dict[str, Any]:
        outcomes = tuple(replace(o, goto=resolve(o.goto)) for o in self.outcomes)
        return {"outcomes": outcomes}


@dataclass(frozen=True)
class HangupNode(Node):
    """Say goodbye (optionally) and end the call."""

    prompt: Prompt = NO_PROMPT
    kind = "hangup"


@dataclass(frozen=True)
class Promise:
    """What the company advertises: open hours and seconds to a person."""

    hours: str | None = None
    time_to_human: float | None = None


@dataclass(frozen=True)
class Voice:
    """Text-to-speech settings for one language."""

    voice: str | None = None
    rate: int | None = None


@dataclass(frozen=True)
class Hotline:
    """The line itself: name, number, languages, timezone, promise, schedules."""

    name: str = ""
    number: str = ""
    languages: tuple[str, ...] = ("en",)
    timezone: str = "UTC"
    promise: Promise = field(default_factory=Promise)
    hours: dict[str, Schedule] = field(default_factory=dict)
    voices: dict[str, Voice] = field(default_factory=dict)
    traffic: tuple[tuple[str, float], ...] = ()  # share of the week's calls per schedule
    traffic_by_hour: tuple[float, ...] = ()  # or 168 weights, hour 0 = Monday 00:00
    apologies: bool = True  # the engine's own "Sorry, ..." lines (False: only the menu's words)
    intents: tuple[tuple[str, float], ...] = ()  # share of callers by the node they want

    @property
    def default_language(self) -> str:
        """The first language listed: callers hear it until they choose."""
        return self.languages[0]

    def is_open(self, schedule: str | None, when: datetime) -> bool:
        """Whether the named schedule is open at ``when`` (None means always)."""
        if schedule is None:
            return True
        return self.hours[schedule].is_open(when, self.timezone)


@dataclass(frozen=True)
class Menu:
    """A loaded phone tree: its hotline, start node and nodes by id.

    ``warnings`` are the loader's located warnings: what a real line serves badly
    although the menu loads (``ivr validate`` prints them and still exits 0).
    """

    path: str
    hotline: Hotline
    start: str
    nodes: dict[str, Node]
    warnings: tuple[MenuError, ...] = ()

    def node(self, node_id: str) -> Node:
        """The node with ``node_id`` (KeyError when there is none)."""
        return self.nodes[node_id]

    @property
    def name(self) -> str:
        """The menu's name: its file name without ``.yaml``."""
        from pathlib import Path

        return Path(self.path).stem

    def humans(self) -> list[Node]:
        """Every human endpoint (queues and human transfers)."""
        return [node for node in self.nodes.values() if node.is_human]
