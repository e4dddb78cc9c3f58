"""Depth and time-to-human, computed with networkx shortest paths on the menu graph.

The graph of ``ivr.graph.build_graph`` is expanded into a *timing graph*:
one node per (menu node, language the caller hears), one edge per way out,
carrying the seconds that step takes for each caller (``first`` and
``expert``, see ``ivr.timing``) and the key pressed. Time-to-human of a
human endpoint is its Dijkstra distance from the start plus what happens
there: the queue's prompt, wait announcement and call-back offer, then the
hold (``ivr.queueing.Hold``: Erlang A with the queue's patience, Erlang C
for unlimited patience, a fixed ``wait``, or unknown); a transfer's prompt
and ring time.

Schedules: every minute of the week has a pattern (which named schedules are
open). Branches on hours, queue hours and per-schedule staffing are resolved
per pattern; a closed queue is no human at that hour (its ``after_hours``
route is taken instead). Each pattern carries its share of the week's calls
(``hotline.traffic``, even by default). The headline figures are those of the
pattern most callers call in; ``Metrics.by_hours`` gives every pattern with
the hours it holds, and ``audit.callers`` weighs them into what callers live.

>>> from ivr.loader import load_menu
>>> m = compute_metrics(load_menu("menus/acme-hot.yaml"))
>>> m.nearest.node, m.nearest.depth, m.nearest.keys
('care', 1, ['0'])
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ivr.graph import build_graph
from ivr.model import (
    BranchNode,
    DecideNode,
    Gathering,
    InputNode,
    Menu,
    MenuNode,
    Node,
    QueueNode,
    RecordNode,
    SayNode,
    TransferNode,
)
from ivr.phrases import line_phrase, queue_announcements
from ivr.prompt_audio import recording_seconds
from ivr.queueing import Hold
from ivr.timing import KEYPRESS, REACTION, CachedTimer, EstimatedTimer, PromptTimer
from ivr.yamlsource import paused_gc

MINUTES_PER_WEEK = 7 * 24 * 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
State = tuple[str, str]  # (node id, language)
Way = list  # [first-time seconds, expert seconds, key or label]: one timed step
Timed = list[dict[int, Way]]  # each numbered state's ways on, by the number of the next state
FIRST, EXPERT, KEY = 0, 1, 2  # the fields of a ``Way``
_NO_WAYS: dict[int, Way] = {}  # shared by every state without ways on (never changed)


@dataclass
class HumanRoute:
    """The fastest route to one human endpoint (first-time caller), and both callers' times.

    Times are seconds; ``math.inf`` when the queue never drains or the
    expert cannot get there.
    """

    node: str
    depth: int
    keys: list[str]
    path: list[str]
    first_time_s: float
    expert_s: float
    ivr_s: float
    queue_s: float
    lang: str
    hold: Hold = field(default_factory=Hold)
    expert_ivr_s: float = math.inf
    away_unknown: bool = False  # the route passes another system for an unstated time
    # (node, language) along ``path``, kept when the menu has decisions (``audit.callers``)
    states: list[State] = field(default_factory=list)

    @property
    def sort_key(self) -> float:
        """Seconds that order routes: menus plus the known mean hold (unknown counts 0)."""
        wait = self.hold.mean_wait
        return self.ivr_s + (wait if wait is not None else 0.0)


@dataclass
class Figures:
    """Routes to every human reachable under one schedule pattern."""

    humans: list[HumanRoute]
    expert_s: float = math.inf
    voicemail: bool = False  # a caller who reaches nobody can leave a message
    minutes: list[int] = field(default_factory=list)  # minutes of the week of this pattern
    share: float = 1.0  # share of the week's calls that arrive in these minutes
    pattern: tuple[bool, ...] = ()  # which of ``Metrics.schedules`` are open
    # (first-time, expert) seconds to each decision made outside the menu (``decide``)
    decisions: dict[State, tuple[float, float]] = field(default_factory=dict)

    @property
    def nearest(self) -> HumanRoute | None:
        """The human a first-time caller reaches soonest (None: no human reachable)."""
        return self.humans[0] if self.humans else None


@dataclass
class Metrics:
    """Everything the rules and reports need to know about times and depths."""

    graph: nx.DiGraph
    figures: Figures
    by_hours: list[tuple[str, Figures]] = field(default_factory=list)
    schedules: tuple[str, ...] = ()
    closed_minutes: frozenset[int] = frozenset()
    every_human: list[HumanRoute] = field(default_factory=list)
    durations: _Durations | None = field(default=None, repr=False)

    def figures_from(self, state: State, hours: Figures) -> Figures:
        """The routes to every person from ``state`` (a node and the language heard there)
        at the hours of ``hours``: where a decision's outcome sends callers on."""
        assert self.durations is not None
        is_open = dict(zip(self.schedules, hours.pattern, strict=True))
        return _figures(self.durations.menu, self.graph, self.durations, is_open, state)

    @property
    def nearest(self) -> HumanRoute | None:
        """The nearest human of the headline figures."""
        return self.figures.nearest

    @property
    def humans(self) -> list[HumanRoute]:
        """Every human reachable at some hour, each at the hours it is reached soonest.

        Nearest first; without schedules these are the headline figures.
        """
        return self.every_human or self.figures.humans

    @property
    def depth_to_human(self) -> int | None:
        """Menus answered on the route to the nearest human."""
        return self.nearest.depth if self.nearest else None

    @property
    def worst_case_depth(self) -> int | None:
        """Menus answered on the route to the deepest reachable human."""
        return max((h.depth for h in self.humans), default=None)


def compute_metrics(
    menu: Menu,
    timer: PromptTimer | None = None,
    graph: nx.DiGraph | None = None,
    reaction: float = REACTION,
) -> Metrics:
    """Time-to-human and depth of ``menu`` for both callers, per schedule pattern."""
    with paused_gc():
        return _compute_metrics(menu, timer, graph, reaction)


def _compute_metrics(
    menu: Menu, timer: PromptTimer | None, graph: nx.DiGraph | None, reaction: float
) -> Metrics:
    graph = graph if graph is not None else build_graph(menu)
    durations = _Durations(menu, timer or EstimatedTimer(), reaction)
    schedules = _schedules_used(menu)
    patterns = _patterns(menu, schedules)
    weights = week_traffic(menu)
    results = []
    for pattern, minutes in patterns.items():
        is_open = dict(zip(schedules, pattern, strict=True))
        figures = _figures(menu, graph, durations, is_open)
        figures.minutes = minutes
        figures.share = sum(map(weights.__getitem__, minutes))
        figures.pattern = pattern
        results.append(figures)
    headline = min(results, key=_headline_rank)
    closed = frozenset(m for figures in results if not figures.humans for m in figures.minutes)
    by_hours = [(describe_minutes(figures.minutes), figures) for figures in results]
    every: dict[str, HumanRoute] = {}
    for figures in [headline, *results]:
        for route in figures.humans:
            known = every.get(route.node)
            if known is None or (route.sort_key, route.ivr_s) < (known.sort_key, known.ivr_s):
                every[route.node] = route
    routes = sorted(every.values(), key=route_order)
    kept = durations if durations.decisions else None  # only decisions need it again
    return Metrics(graph, headline, by_hours if schedules else [], schedules, closed, routes, kept)


def _headline_rank(figures: Figures) -> tuple[bool, float, int]:
    """The pattern most callers call in, among those with a person (earliest minute on ties)."""
    return (not figures.humans, -figures.share, min(figures.minutes, default=0))


def route_order(route: HumanRoute) -> tuple[float, float, int, tuple[str, ...], str]:
    """Quickest first; between routes as quick, the keys callers press decide before any
    name (renaming nodes or reordering the file changes no nearest person)."""
    return (route.sort_key, route.ivr_s, route.depth, tuple(route.keys), route.node)


def week_traffic(menu: Menu) -> list[float]:
    """Each minute of the week's share of the week's calls (``hotline.traffic``; even by default).

    >>> from ivr.model import Hotline, Menu
    >>> weights = week_traffic(Menu("m.yaml", Hotline(), "s", {}))
    >>> len(weights), round(sum(weights), 9), weights[0] == weights[-1]
    (10080, 1.0, True)
    """
    hotline = menu.hotline
    if hotline.traffic_by_hour:
        total = sum(hotline.traffic_by_hour)
        return [hotline.traffic_by_hour[m // 60] / total / 60 for m in range(MINUTES_PER_WEEK)]
    weights = [0.0] * MINUTES_PER_WEEK
    covered: set[int] = set()
    for name, share in hotline.traffic:
        minutes = open_minutes_of_week(menu, name) if name in hotline.hours else set()
        covered |= minutes
        for minute in minutes:
            weights[minute] += share / len(minutes)
    rest = max(0.0, 1.0 - sum(share for _, share in hotline.traffic))
    uncovered = MINUTES_PER_WEEK - len(covered)
    if uncovered:  # the rest of the calls spread evenly over the minutes no share names
        even = rest / uncovered
        weights = (
            [w if m in covered else w + even for m, w in enumerate(weights)]
            if covered
            else [even] * MINUTES_PER_WEEK  # no share named: every minute 0.0 + even
        )
    total = sum(weights)
    return [w / total for w in weights]


# -- durations of steps ----------------------------------------------------------------------


class _Durations:
    """Seconds of prompts and steps, each prompt timed once."""

    def __init__(self, menu: Menu, timer: PromptTimer, reaction: float):
        self.menu = menu
        self.timer = timer if isinstance(timer, CachedTimer) else CachedTimer(timer)
        self.reaction = reaction
        self.recordings: dict[str, float] = {}  # seconds of recorded prompts without text
        self.static_humans: list[State] | None = None  # human states no schedule changes
        self.scheduled: list[str] = []  # branch and queue nodes, timed per pattern
        self.languages: list[str] = []
        self.timed: Timed = []  # the shared timing graph (see timing_graph)
        self.numbers: dict[State, int] = {}  # the number of each state in ``timed``
        self.states: list[State] = []  # the state of each number
        self.spoken: dict[State, float] = {}  # seconds spoken on arrival at a person (arrival)
        self.phrases: dict[tuple[str, str], float] = {}  # seconds of the line's phrases (system)
        self.reaches: dict[tuple, _Reach] = {}  # searches by routing (and source: _figures)
        self.routing_schedules = _routing_schedules(menu)
        self.decisions = [  # decisions made outside the menu split callers (``audit.callers``)
            node.id
            for node in menu.nodes.values()
            if isinstance(node, DecideNode) and node.outcomes
        ]

    def number(self, state: State) -> int:
        """The number of ``state`` in the timing graph (given when first met)."""
        number = self.numbers.get(state)
        if number is None:
            number = self.numbers[state] = len(self.states)
            self.states.append(state)
            self.timed.append(_NO_WAYS)
        return number

    def text(self, node: Node, lang: str, attribute: str = "prompt") -> str:
        prompt = getattr(node, attribute, None)
        return prompt.text(lang, self.menu.hotline.default_language) if prompt else ""

    def seconds(self, text: str, lang: str) -> float:
        return self.timer.seconds(text, lang) if text else 0.0

    def prompt(self, node: Node, lang: str) -> float:
        text = self.text(node, lang)
        return self.seconds(text, lang) if text else self.recorded(node)

    def recorded(self, node: Node) -> float:
        """Seconds of ``node``'s recording without text: the file's length (0 when unknown)."""
        prompt = getattr(node, "prompt", None)
        if not prompt or not prompt.audio:
            return 0.0
        if prompt.audio not in self.recordings:
            self.recordings[prompt.audio] = recording_seconds(self.menu, prompt.audio) or 0.0
        return self.recordings[prompt.audio]

    def system(self, name: str, lang: str) -> float:
        """Seconds of the line's own phrase ``name`` (``ivr.phrases.line_phrase``) in ``lang``."""
        seconds = self.phrases.get((name, lang))
        if seconds is None:
            text = line_phrase(name, lang, apologies=self.menu.hotline.apologies)
            seconds = self.phrases[name, lang] = self.seconds(text, lang)
        return seconds

    def leave(self, node: Node, full: float) -> tuple[float, float] | None:
        """(first-time, expert) seconds of leaving ``node``, which is no menu or input, by
        any of its ways (``full``: its prompt's duration); None: it has no way out."""
        if isinstance(node, SayNode):
            return full, full
        if isinstance(node, RecordNode):
            return full + node.max_length, full + node.max_length
        if isinstance(node, BranchNode | QueueNode):  # a branch, or a closed queue moving on
            return 0.0, 0.0
        if isinstance(node, DecideNode):  # every outcome is a route; deciding takes no time
            return 0.0, 0.0
        if isinstance(node, TransferNode):  # another system hands the call back (``returns``)
            step = full + node.ring + (node.away or 0.0)  # unknown away: see ``_route``
            return step, step
        return None

    def gathering(
        self, node: Gathering, way: dict, kind: str, lang: str, text: str, full: float
    ) -> tuple[float, float] | None:
        if kind == "timeout":
            step = full + node.timeout + self.system("no_input", lang)
            return step, step
        if kind == "invalid":
            step = full + self.reaction + self.system("invalid", lang)
            return step, step
        if kind == "fail":  # the caller repeats one failure (``after``) until the retries are up
            if way.get("loop"):
                return None  # only met by coming back with failures counted: no caller's route
            wait, said = (
                (self.reaction, "invalid")
                if way.get("after") == "invalid"
                else (node.timeout, "no_input")
            )
            again = self.seconds(self.text(node, lang, "reprompt"), lang) if node.reprompt else full
            step = full + wait + node.retries * (again + wait + self.system(said, lang))
            return step, step
        if isinstance(node, InputNode):
            typing = KEYPRESS * (node.min_digits + (1 if node.finish_on else 0))
            first = full + self.reaction + typing
            expert = (0.0 if node.interruptible else full) + self.reaction + typing
            return first, expert
        assert isinstance(node, MenuNode)
        if kind == "key" and "dtmf" not in node.input_modes:
            return None
        first = full + self.reaction
        offset = None
        if node.interruptible and "key" in way:  # a spoken option (no key) waits for the end
            offset = self.timer.option_offset(text, lang, way["key"])
        return first, (full if offset is None else offset) + self.reaction

    def arrival(self, node: Node, lang: str, is_open: dict[str, bool]) -> tuple[float, Hold]:
        """(seconds in the system, the hold) once a human endpoint is reached."""
        if isinstance(node, TransferNode):
            return self.prompt(node, lang), Hold.ring(node.ring)
        assert isinstance(node, QueueNode)
        spoken = self.spoken.get((node.id, lang))
        if spoken is None:
            spoken = self.spoken[node.id, lang] = self.prompt(node, lang) + sum(
                self.seconds(text, lang) for text in queue_announcements(node, lang)
            )
        return spoken, Hold.of_queue(node, is_open)


# -- schedules -------------------------------------------------------------------------------


def _routing_schedules(menu: Menu) -> tuple[str, ...]:
    """Schedules that change where a call goes: queue hours and branches on hours."""
    names: set[str] = set()
    for node in menu.nodes.values():
        if isinstance(node, QueueNode) and node.hours:
            names.add(node.hours)
        if isinstance(node, BranchNode):
            names.update(rule.when.hours for rule in node.rules if rule.when and rule.when.hours)
    return tuple(sorted(names))


def _schedules_used(menu: Menu) -> tuple[str, ...]:
    names: set[str] = {name for name, _ in menu.hotline.traffic}
    for node in menu.nodes.values():
        if isinstance(node, QueueNode):
            names.update(name for name, _ in (*node.agents_by_hours, *node.calls_by_hours))
        if isinstance(node, QueueNode) and node.hours:
            names.add(node.hours)
        if isinstance(node, BranchNode):
            names.update(rule.when.hours for rule in node.rules if rule.when and rule.when.hours)
    return tuple(sorted(n for n in names if n in menu.hotline.hours and n != "24/7"))


def open_minutes_of_week(menu: Menu, schedule: str) -> set[int]:
    """Minutes of the week (0 = Monday 00:00) when the named schedule is open."""
    spec = menu.hotline.hours[schedule]
    return {day * 1440 + minute for day in range(7) for minute in spec.open_minutes(day)}


def _patterns(menu: Menu, schedules: tuple[str, ...]) -> dict[tuple[bool, ...], list[int]]:
    """The minutes of the week by which of ``schedules`` are open then, in order of first
    minute. Only where a schedule opens or closes can the pattern change, so the week is
    walked span by span rather than minute by minute."""
    open_sets = [open_minutes_of_week(menu, name) for name in schedules]
    changes = {0, MINUTES_PER_WEEK}
    for minutes in open_sets:
        changes.update(m for m in minutes if m - 1 not in minutes)
        changes.update(m + 1 for m in minutes if m + 1 not in minutes)
    patterns: dict[tuple[bool, ...], list[int]] = {}
    for start, end in itertools.pairwise(sorted(changes)):
        key = tuple(start in minutes for minutes in open_sets)
        patterns.setdefault(key, []).extend(range(start, end))
    return patterns


def describe_minutes(minutes: Iterable[int]) -> str:
    """Minutes of the week as text, days with equal hours grouped.

    >>> describe_minutes(m for d in range(5) for m in range(d * 1440 + 540, d * 1440 + 1020))
    'mon-fri 09:00-17:00'
    >>> describe_minutes(range(MINUTES_PER_WEEK))
    'all week'
    """
    chosen = set(minutes)
    if len(chosen) == MINUTES_PER_WEEK:
        return "all week"
    days = []
    for day in range(7):
        spans, start = [], None
        for minute in range(1441):
            inside = minute < 1440 and day * 1440 + minute in chosen
            if inside and start is None:
                start = minute
            elif not inside and start is not None:
                spans.append(f"{_clock(start)}-{_clock(minute)}")
                start = None
        days.append(", ".join(spans).replace("00:00-24:00", "all day"))
    parts, day = [], 0
    while day < 7:
        last = day
        while last + 1 < 7 and days[last + 1] == days[day]:
            last += 1
        if days[day]:
            names = DAY_NAMES[day] if last == day else f"{DAY_NAMES[day]}-{DAY_NAMES[last]}"
            parts.append(f"{names} {days[day]}")
        day = last + 1
    return "; ".join(parts) or "no hours"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


# -- the timing graph ------------------------------------------------------------------------


def timing_graph(
    menu: Menu, graph: nx.DiGraph, durations: _Durations, is_open: dict[str, bool]
) -> tuple[Timed, list[State], list[int]]:
    """The graph of (node, language) states with seconds on its edges, the humans, and
    the numbers of this pattern's branch and queue states that have ways on.

    The graph is a list of plain dictionaries (``Timed``: a state's ways on, by
    the state each leads to), states numbered by ``_Durations.number``, read
    directly by ``_dijkstra`` (numbers are quicker to look up than (node,
    language) pairs, whose hash is computed anew each time). A way holds the seconds of
    the step for both callers and the key (what the first-time caller presses
    or does); of several ways between the same two states, the quickest for
    each caller is kept. The ways out of nodes that no schedule changes (all
    but branches and queues) are built once into a graph shared by every
    pattern; each pattern adds its own branch and queue ways, which the caller
    removes (``_reach``) once the pattern is done.
    """
    timed = durations.timed
    if durations.static_humans is None:
        durations.static_humans = _static_ways(graph, durations, _languages(menu))
    humans = list(durations.static_humans)
    scheduled = []
    for source in durations.scheduled:
        node = menu.nodes[source]
        for lang in durations.languages:
            if _answers_here(node, is_open):
                humans.append((source, lang))
                continue
            ways: dict[int, Way] = {}
            for seconds, label, target in _steps(graph, durations, source, node, lang, is_open):
                _add_way(ways, seconds, label, durations.number(target))
            if ways:
                number = durations.number((source, lang))
                timed[number] = ways
                scheduled.append(number)
    return timed, humans, scheduled


def _languages(menu: Menu) -> list[str]:
    """The default language first, then every language an option switches to."""
    default = menu.hotline.default_language
    languages = [
        default,
        *sorted(
            {
                opt.lang
                for node in menu.nodes.values()
                if isinstance(node, MenuNode)
                for opt in node.choices  # a spoken option may switch language too
                if opt.lang and opt.lang != default
            }
        ),
    ]
    return languages


def _static_ways(graph: nx.DiGraph, durations: _Durations, languages: list[str]) -> list[State]:
    """The timed ways (into ``durations.timed``) and the human states of every node whose
    ways no schedule changes."""
    durations.languages = languages
    timed, numbers, number = durations.timed, durations.numbers, durations.number
    humans: list[State] = []
    for source, data in graph.nodes(data=True):
        node = data["node"]
        if isinstance(node, BranchNode | QueueNode):
            durations.scheduled.append(source)
            continue
        for lang in languages:
            if _answers_here(node, {}):
                humans.append((source, lang))
                continue
            ways: dict[int, Way] = {}
            for seconds, label, target in _steps(graph, durations, source, node, lang, {}):
                known = numbers.get(target)
                _add_way(ways, seconds, label, number(target) if known is None else known)
            if ways:
                timed[number((source, lang))] = ways
    return humans


def _steps(
    graph: nx.DiGraph,
    durations: _Durations,
    source: str,
    node: Node,
    lang: str,
    is_open: dict[str, bool],
) -> list[tuple[tuple[float, float], str | None, State]]:
    """Every timed way out of (``source``, ``lang``): (seconds, label, next state).

    Only branches and queues depend on the hours: the ways of every other node
    are worked out once (``_static_ways``) and shared by every schedule pattern.
    The seconds of a menu's or an input's ways depend on the way (``gathering``),
    those of other nodes do not (``leave``).
    """
    text = durations.text(node, lang)
    full = durations.seconds(text, lang) if text else durations.recorded(node)
    steps = []
    if isinstance(node, Gathering):
        timed_way = durations.gathering
        for target, ways in _ways_out(graph, source, node, lang, is_open):
            for way in ways:
                seconds = timed_way(node, way, way["kind"], lang, text, full)
                if seconds is not None:
                    steps.append((seconds, _label(node, way), (target, way.get("lang") or lang)))
        return steps
    leaving = durations.leave(node, full)
    if leaving is not None:
        for target, ways in _ways_out(graph, source, node, lang, is_open):
            steps += [(leaving, _label(node, w), (target, w.get("lang") or lang)) for w in ways]
    return steps


def _answers_here(node: Node, is_open: dict[str, bool]) -> bool:
    if isinstance(node, QueueNode):
        return node.hours is None or is_open.get(node.hours, True)
    return node.is_human


def _ways_out(
    graph: nx.DiGraph, source: str, node: Node, lang: str, is_open: dict[str, bool]
) -> list[tuple[str, list[dict]]]:
    """The graph's ways out of ``source`` that a caller can take, by the node they go to."""
    after = graph._adj[source]  # type: ignore[attr-defined]  # the dict behind graph.adj: faster
    if isinstance(node, TransferNode):  # the call leaves, unless another system hands it back
        back = node.returns_to
        if back and not node.human and back != source:
            return [(back, [w for w in after[back]["ways"] if w["kind"] == "returns"])]
        return []
    taken = _branch_rules(node, lang, is_open) if isinstance(node, BranchNode) else None
    queue = isinstance(node, QueueNode)
    found = []
    for target, attributes in after.items():
        if target == source:
            continue
        ways = []
        for way in attributes["ways"]:
            if taken is not None and way.get("rule") not in taken:
                continue
            kind = way["kind"]
            if kind == "after_hours" and not queue:
                continue
            if kind == "when_full":  # how many find a queue full is not modelled yet
                continue
            ways.append(way)
        if ways:
            found.append((target, ways))
    return found


def _branch_rules(node: BranchNode, lang: str, is_open: dict[str, bool]) -> set[int]:
    """Rules a call can take at ``node``; rules on variables may or may not hold."""
    taken: set[int] = set()
    for index, rule in enumerate(node.rules):
        when = rule.when
        if when is None:
            taken.add(index)
            break
        if (when.hours and not is_open.get(when.hours, True)) or (when.lang and when.lang != lang):
            continue
        taken.add(index)
        if not (when.var or when.equals):
            break
    return taken


def _add_way(
    ways: dict[int, Way], seconds: tuple[float, float], label: str | None, to: int
) -> None:
    """Add a step to ``to`` to one state's ``ways``, keeping the quickest for each caller."""
    first, expert = seconds
    way = ways.get(to)
    if way is None:
        ways[to] = [first, expert, label]
        return
    if first < way[FIRST]:
        way[FIRST], way[KEY] = first, label
    way[EXPERT] = min(way[EXPERT], expert)


def _label(node: Node, way: dict) -> str | None:
    kind = way["kind"]
    if kind == "key":
        return way["key"]
    if kind == "speech":
        return f'say "{way["phrases"][0]}"'
    if kind == "timeout" or (kind == "fail" and way.get("after") != "invalid"):
        return "(silence)"
    if kind in ("invalid", "fail"):
        return "(wrong key)"
    if isinstance(node, InputNode):
        return f"<{node.var}>{node.finish_on or ''}"
    return None


@dataclass
class _Reach:
    """Where callers get at one routing of the week (queue hours and branches resolved).

    ``arrivals``: every human state reached, with the first-time and expert
    seconds to it, the first-time route's states and keys.
    """

    arrivals: list[tuple[State, float, float, list[State], list[str | None]]]
    voicemail: bool
    decisions: dict[State, tuple[float, float]] = field(default_factory=dict)


def _figures(
    menu: Menu,
    graph: nx.DiGraph,
    durations: _Durations,
    is_open: dict[str, bool],
    source: State | None = None,
) -> Figures:
    """The routes to every person at the hours ``is_open`` describes, from the start (or
    from ``source``).

    Hours that route alike (the same queues open, the same branches taken)
    share one search; only the holds (staffing at those hours) differ.
    """
    routing = tuple(is_open.get(name, True) for name in durations.routing_schedules)
    key = routing if source is None else (routing, source)
    reach = durations.reaches.get(key)
    if reach is None:
        reach = durations.reaches[key] = _reach(menu, graph, durations, is_open, source)
    best: dict[str, HumanRoute] = {}
    for state, first, expert, states, keys in reach.arrivals:
        node = menu.nodes[state[0]]
        spoken, hold = durations.arrival(node, state[1], is_open)
        ivr = first + spoken
        expert_ivr = expert + spoken
        route = _route(graph, states, keys, ivr, hold, expert_ivr)
        if durations.decisions:  # kept only where decisions split callers (``audit.callers``)
            route.states = states
        known = best.get(state[0])
        if known is None or route.ivr_s < known.ivr_s:
            if known is not None and known.expert_ivr_s < route.expert_ivr_s:
                route.expert_ivr_s, route.expert_s = known.expert_ivr_s, known.expert_s
            best[state[0]] = route
        elif expert_ivr < known.expert_ivr_s:
            known.expert_ivr_s, known.expert_s = expert_ivr, expert_ivr + known.queue_s
    routes = sorted(best.values(), key=route_order)
    expert_s = routes[0].expert_s if routes else math.inf
    return Figures(routes, expert_s, reach.voicemail, decisions=reach.decisions)


def _reach(
    menu: Menu,
    graph: nx.DiGraph,
    durations: _Durations,
    is_open: dict[str, bool],
    source: State | None = None,
) -> _Reach:
    timed, humans, scheduled = timing_graph(menu, graph, durations, is_open)
    try:
        start = durations.number(source or (menu.start, menu.hotline.default_language))
        first, before = _dijkstra(timed, start, FIRST)
        expert, _ = _dijkstra(timed, start, EXPERT)
        numbers, states = durations.numbers, durations.states

        def seconds(state: State) -> tuple[float, float] | None:
            """(first-time, expert) seconds to ``state``; None: not reached."""
            number = numbers.get(state)
            if number is None:
                return None
            first_s, expert_s = first[number], expert[number]
            if first_s is None:
                return None
            return first_s, math.inf if expert_s is None else expert_s

        arrivals = []
        for state in humans:
            if (reached := seconds(state)) is not None:
                path = _path_to(numbers[state], before)
                keys = [timed[a][b][KEY] for a, b in itertools.pairwise(path)]
                arrivals.append((state, *reached, [states[n] for n in path], keys))
        records = {n for n, node in menu.nodes.items() if isinstance(node, RecordNode)}
        voicemail = bool(records) and any(
            first[number] is not None for state, number in numbers.items() if state[0] in records
        )
        decisions = {
            state: reached
            for state in itertools.product(durations.decisions, durations.languages)
            if (reached := seconds(state)) is not None
        }
        return _Reach(arrivals, voicemail, decisions)
    finally:
        for number in scheduled:
            timed[number] = _NO_WAYS


def _dijkstra(timed: Timed, source: int, weight: int) -> tuple[list[float | None], list[int]]:
    """Seconds from state ``source`` to every state by the ``weight`` field of the ways
    (``FIRST`` or ``EXPERT``; None: not reached), and the state before each on its quickest
    route (-1: none), by state number.

    The search of ``networkx.single_source_dijkstra`` (same order, same ties: the first
    route found among equally quick ones), on lists by state number, without per-edge
    weight calls and without building the path of every state: ``_path_to`` walks back the
    few the figures need.
    """
    done: list[float | None] = [None] * len(timed)
    seen: list[float | None] = [None] * len(timed)
    before = [-1] * len(timed)
    seen[source] = 0
    order = itertools.count().__next__
    push, pop = heapq.heappush, heapq.heappop
    fringe: list[tuple[float, int, int]] = [(0, order(), source)]
    while fringe:
        so_far, _, state = pop(fringe)
        if done[state] is not None:
            continue
        done[state] = so_far
        for onward, way in timed[state].items():
            if done[onward] is not None:
                continue
            seconds = so_far + way[weight]
            known = seen[onward]
            if known is None or seconds < known:
                seen[onward] = seconds
                push(fringe, (seconds, order(), onward))
                before[onward] = state
    return done, before


def _path_to(state: int, before: list[int]) -> list[int]:
    """The state numbers of the quickest route to ``state`` (``before`` from ``_dijkstra``)."""
    path = [state]
    while before[path[-1]] >= 0:
        path.append(before[path[-1]])
    path.reverse()
    return path


def _route(
    graph: nx.DiGraph,
    states: list[State],
    keys: list[str | None],
    ivr: float,
    hold: Hold,
    expert_ivr: float,
) -> HumanRoute:
    path = [node for node, _ in states]
    before = [graph._node[node] for node in path[:-1]]  # type: ignore[attr-defined]  # faster
    depth = sum(1 for data in before if data["kind"] in ("menu", "input"))
    mean_wait = hold.mean_wait
    wait = math.nan if mean_wait is None else mean_wait  # nan: unknown, shown as such
    # a transfer before the end is another system handing the call back; without ``away``
    # the time spent there is unknown (``ivr_s`` counts the known seconds, the totals are nan)
    away_unknown = any(data["kind"] == "transfer" and data["node"].away is None for data in before)
    unknown = math.nan if away_unknown else 0.0
    return HumanRoute(
        node=path[-1],
        depth=depth,
        keys=[k for k in keys if k is not None],
        path=path,
        first_time_s=ivr + wait + unknown,
        expert_s=expert_ivr + wait + unknown,
        away_unknown=away_unknown,
        ivr_s=ivr,
        queue_s=wait,
        lang=states[-1][1],
        hold=hold,
        expert_ivr_s=expert_ivr,
    )
