"""What the rules look at: the menu, its graph, its metrics, and shared derived facts.

Derived facts are computed once per audit (``functools.cached_property``)
with networkx calls, so every rule stays linear or n log n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar, cast

import networkx as nx

from audit.callers import Callers, Journey, caller_figures, week_journeys
from audit.metrics import Figures, Metrics, compute_metrics, describe_minutes
from ivr.graph import build_graph, reachable
from ivr.model import Menu, MenuNode, Node, QueueNode, TransferNode
from ivr.queueing import Hold, staffing_at
from ivr.timing import REACTION, CachedTimer, EstimatedTimer, PromptTimer

GATHERING_KINDS = ("menu", "input")
N = TypeVar("N", bound=Node)


class Context:
    """One menu under audit."""

    def __init__(
        self,
        menu: Menu,
        timer: PromptTimer | None = None,
        graph: nx.DiGraph | None = None,
        reaction: float = REACTION,
    ):
        self.menu = menu
        self.timer = CachedTimer(timer or EstimatedTimer())
        self.graph = graph if graph is not None else build_graph(menu)
        self.reaction = reaction
        self._texts: dict[str, dict[str, dict[str, str]]] = {}  # attribute -> node id -> texts
        self._by_kind: dict[tuple[tuple[type, ...], bool], list[Node]] = {}
        self._languages = menu.hotline.languages
        self._default_language = menu.hotline.default_language

    @cached_property
    def metrics(self) -> Metrics:
        """Depth and time-to-human (``audit.metrics``)."""
        return compute_metrics(self.menu, self.timer, self.graph, self.reaction)

    @cached_property
    def journeys(self) -> list[tuple[Figures, list[Journey]]]:
        """Where the callers of each schedule pattern end (``audit.callers``), worked out
        once for the caller figures and the harm ranking."""
        return week_journeys(self.metrics)

    @cached_property
    def callers(self) -> Callers:
        """What callers live over the week (``audit.callers``)."""
        return caller_figures(self.metrics, self.journeys)

    @cached_property
    def queue_hours(self) -> dict[str, list[QueueHours]]:
        """Every reachable queue's staffing and hold at the hours it is open.

        Hours with equal staffing are grouped; unreachable queues are left to IVR107.
        """
        schedules = self.metrics.schedules
        patterns = [f for _, f in self.metrics.by_hours] or [self.metrics.figures]
        grouped: dict[str, dict[tuple, list[int]]] = {}
        opens = [dict(zip(schedules, figures.pattern, strict=True)) for figures in patterns]
        for index, is_open in enumerate(opens):
            for node in self.nodes(QueueNode, reachable_only=True):
                if node.hours and not is_open.get(node.hours, True):
                    continue
                staffing = staffing_at(node, is_open)
                grouped.setdefault(node.id, {}).setdefault(staffing, []).append(index)
        described: dict[tuple[int, ...], tuple[str, int, float]] = {}
        for indices in {tuple(i) for by in grouped.values() for i in by.values()}:
            minutes = [m for i in indices for m in patterns[i].minutes]
            described[indices] = (
                describe_minutes(minutes),
                min(minutes, default=0),
                len(minutes) / 60,
            )
        result: dict[str, list[QueueHours]] = {}
        for node_id, by_staffing in grouped.items():
            queue = self.menu.nodes[node_id]
            hours = []
            for (agents, calls), chosen in by_staffing.items():
                when, first, length = described[tuple(chosen)]
                hold = Hold.of_queue(queue, opens[chosen[0]])
                hours.append(QueueHours(when, first, agents, calls, hold, length))
            result[node_id] = sorted(hours, key=lambda h: h.first_minute)
        return result

    @cached_property
    def reachable(self) -> set[str]:
        """Nodes a caller can reach from the start (schedules ignored)."""
        return reachable(self.graph)

    @cached_property
    def steps_from_start(self) -> dict[str, int]:
        """Fewest steps from the start to each reachable node."""
        return nx.single_source_shortest_path_length(self.graph, self.menu.start)

    def nodes_reaching(self, targets: set[str]) -> set[str]:
        """Nodes with a route to any of ``targets`` (the targets included)."""
        return _upstream(self.graph, targets)

    @cached_property
    def human_nodes(self) -> set[str]:
        """Human endpoints (queues and human transfers)."""
        return {n for n, human in self.graph.nodes(data="human") if human}

    @cached_property
    def person_graph(self) -> nx.DiGraph:
        """The graph as the engine walks it: a call handed to another system stays there.

        A transfer with ``human: false`` leaves the menu, so its way onward
        (``on_no_answer``) is not a route to a person; only where the designer states
        that the other system hands the call back (``returns_to``) does the route go on.
        """
        machines = [
            n
            for n, node in self.menu.nodes.items()
            if isinstance(node, TransferNode) and not node.human
        ]
        if not machines:
            return self.graph
        graph = self.graph.copy()
        graph.remove_edges_from(
            [
                (m, t)
                for m in machines
                for t, edge in list(graph.adj[m].items())
                if not any(way["kind"] == "returns" for way in edge["ways"])
            ]
        )
        return graph

    @cached_property
    def reaches_human(self) -> set[str]:
        """Nodes from which some human endpoint can be reached (as the engine walks)."""
        return _upstream(self.person_graph, self.human_nodes)

    def escapes_to_person(self, menu_id: str, target: str) -> bool:
        """Whether ``target``, chosen in menu ``menu_id``, leads to a person without going back.

        Going back means reaching a menu from which ``menu_id`` is reached again
        (its strongly connected component): "0 for the main menu" is no escape.
        """
        if target not in self.reaches_human:
            return False
        component = self._components.get(menu_id)
        if component is None or target not in component:
            return True
        kinds = self.graph.nodes
        back = {n for n in component if kinds[n]["kind"] in GATHERING_KINDS}
        if target in back:
            return False
        onward = self.person_graph.subgraph(n for n in self.person_graph if n not in back)
        return bool(nx.descendants(onward, target) & self.human_nodes) or (
            target in self.human_nodes
        )

    @cached_property
    def _components(self) -> dict[str, set[str]]:
        """Each node in a cycle, with the nodes of its strongly connected component."""
        return _cycles(self.graph)

    @cached_property
    def _in_file_order(self) -> list[Node]:
        return sorted(self.menu.nodes.values(), key=lambda n: (n.location.file, n.location.line))

    def nodes(self, *kinds: type[N], reachable_only: bool = False) -> list[N]:
        """Nodes of the given model classes, in file order (a list shared by every caller:
        not to be changed)."""
        found = self._by_kind.get((kinds, reachable_only))
        if found is None:
            if reachable_only:
                reachable = self.reachable
                found = [n for n in self.nodes(*kinds) if n.id in reachable]
            else:
                found = [n for n in self._in_file_order if isinstance(n, kinds)]
            self._by_kind[kinds, reachable_only] = found
        return cast("list[N]", found)

    @cached_property
    def first_menus(self) -> tuple[str, ...]:
        """The menus a caller of the default language meets first, following the graph.

        On the route most callers take (the busiest hours' route to a person) it is
        the first menu on that route. A line where no person is ever reached, or whose
        route passes a decision made outside the menu before its first menu, has every
        menu that the automatic steps from the start lead to (a decision or a branch
        may send a caller to any of them): nearest first, then in file order, but
        which menus they are depends on no name and no order.
        """
        kinds = self.graph.nodes(data="kind")
        nearest = self.metrics.nearest
        if nearest is not None:
            at = next((i for i, n in enumerate(nearest.path) if kinds[n] in GATHERING_KINDS), None)
            decided = any(kinds[n] == "decide" for n in nearest.path[:at])
            if at is None or not decided:
                first = nearest.path[at] if at is not None else None
                return (first,) if first is not None and kinds[first] == "menu" else ()
        start = self.menu.start
        if kinds[start] == "menu":
            return (start,)
        automatic = self.graph.subgraph(n for n in self.graph if kinds[n] not in GATHERING_KINDS)
        before = nx.descendants(automatic, start) | {start} if start in automatic else set()
        menus = {
            succ for node in before for succ in self.graph.successors(node) if kinds[succ] == "menu"
        }
        where = self.menu.nodes
        return tuple(
            sorted(menus, key=lambda n: (self.steps_from_start.get(n, 0), where[n].location.line))
        )

    def texts(self, node: Node, attribute: str = "prompt") -> dict[str, str]:
        """The text of a node's prompt in every language of the hotline (duplicates merged;
        read once per node, the dict shared by every caller: not to be changed)."""
        by_node = self._texts.get(attribute)
        if by_node is None:
            by_node = self._texts[attribute] = {}
        known = by_node.get(node.id)
        if known is not None:
            return known
        prompt = getattr(node, attribute, None)
        texts: dict[str, str] = {}
        if prompt is not None:
            for lang in self._languages:
                text = prompt.text(lang, self._default_language)
                if text and text not in texts.values():
                    texts[lang] = text
        by_node[node.id] = texts
        return texts

    def seconds(self, text: str, lang: str) -> float:
        """Seconds to play ``text`` by this audit's timer."""
        return self.timer.seconds(text, lang)

    def option_lang_switches(self, node: MenuNode) -> list[str]:
        """Keys of ``node`` whose option switches the caller's language."""
        return [opt.key for opt in node.options if opt.lang]


def _upstream(graph: nx.DiGraph, targets: set[str]) -> set[str]:
    """Nodes of ``graph`` with a route to any of ``targets`` (the targets included).

    One walk back over the graph's own predecessor lists (``networkx.bfs_layers``
    on the reversed view reads every neighbour through a view object).
    """
    before = graph._pred  # type: ignore[attr-defined]  # the dict behind graph.pred: faster
    found = set(targets)
    frontier = list(found)
    while frontier:
        node = frontier.pop()
        for earlier in before[node]:
            if earlier not in found:
                found.add(earlier)
                frontier.append(earlier)
    return found


def _cycles(graph: nx.DiGraph) -> dict[str, set[str]]:
    """Each node in a cycle, with the nodes of its strongly connected component.

    Tarjan's algorithm, iterative, over the graph's own successor lists (the
    same components as ``networkx.strongly_connected_components``, read without
    its view objects).
    """
    after = graph._adj  # type: ignore[attr-defined]  # the dict behind graph.adj: faster
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: dict[str, set[str]] = {}
    for root in after:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(after[root]))]
        while work:
            node, onward = work[-1]
            for nxt in onward:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(after[nxt])))
                    break
                if nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    component = _pop_component(stack, on_stack, node)
                    if len(component) > 1:
                        for member in component:
                            found[member] = component
    return found


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> set[str]:
    """The nodes of ``stack`` down to ``root``, taken off it: one component (``_cycles``)."""
    component = set()
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.add(member)
        if member == root:
            return component


@dataclass(frozen=True)
class QueueHours:
    """One queue at the hours of the week it has one staffing."""

    when: str
    first_minute: int
    agents: int | None
    calls_per_hour: float | None
    hold: Hold
    hours_a_week: float = 168.0

    def as_dict(self) -> dict:
        """One entry of ``queues[].hours`` in the JSON report (None: unknown)."""
        erlang = self.hold.erlang
        return {
            "when": self.when,
            "agents": self.agents,
            "calls_per_hour": self.calls_per_hour,
            "p_wait": None if erlang is None else round(erlang.p_wait, 4),
            "p_abandon": _rounded(None if erlang is None else erlang.p_abandon, 4),
            "mean_wait_s": _rounded(self.hold.mean_wait, 1),
            "service_level": None if erlang is None else round(erlang.service_level(20), 4),
        }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)
