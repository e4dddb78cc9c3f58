"""What the rules look at: the menu, its graph, its metrics, and shared derived facts.

Derived facts are computed once per audit (``functools.cached_property``)
with networkx calls, so every rule stays linear or n log n.
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx

from audit.metrics import Metrics, compute_metrics
from ivr.graph import build_graph
from ivr.model import Menu, MenuNode, Node, QueueNode
from ivr.queueing import QueueFigures, queue_figures
from ivr.timing import REACTION, CachedTimer, EstimatedTimer, PromptTimer

GATHERING_KINDS = ("menu", "input")


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
        self._texts: dict[tuple[str, str], dict[str, str]] = {}
        self._by_kind: dict[tuple[type, ...], list[Node]] = {}

    @cached_property
    def metrics(self) -> Metrics:
        """Depth and time-to-human (``audit.metrics``)."""
        return compute_metrics(self.menu, self.timer, self.graph, self.reaction)

    @cached_property
    def reachable(self) -> set[str]:
        """Nodes a caller can reach from the start (schedules ignored)."""
        return nx.descendants(self.graph, self.menu.start) | {self.menu.start}

    @cached_property
    def steps_from_start(self) -> dict[str, int]:
        """Fewest steps from the start to each reachable node."""
        return nx.single_source_shortest_path_length(self.graph, self.menu.start)

    def nodes_reaching(self, targets: set[str]) -> set[str]:
        """Nodes with a route to any of ``targets`` (the targets included)."""
        if not targets:
            return set()
        return set().union(*nx.bfs_layers(self.graph.reverse(copy=False), targets))

    @cached_property
    def human_nodes(self) -> set[str]:
        """Human endpoints (queues and human transfers)."""
        return {n for n, human in self.graph.nodes(data="human") if human}

    @cached_property
    def reaches_human(self) -> set[str]:
        """Nodes from which some human endpoint can be reached."""
        return self.nodes_reaching(self.human_nodes)

    @cached_property
    def _in_file_order(self) -> list[Node]:
        return sorted(self.menu.nodes.values(), key=lambda n: (n.location.file, n.location.line))

    def nodes(self, *kinds: type[Node], reachable_only: bool = False) -> list[Node]:
        """Nodes of the given model classes, in file order."""
        if kinds not in self._by_kind:
            self._by_kind[kinds] = [n for n in self._in_file_order if isinstance(n, kinds)]
        found = self._by_kind[kinds]
        if reachable_only:
            found = [n for n in found if n.id in self.reachable]
        return found

    @cached_property
    def first_menu(self) -> str | None:
        """The first menu a caller meets: reached from the start by automatic steps only."""
        kinds = self.graph.nodes(data="kind")
        start = self.menu.start
        if kinds[start] == "menu":
            return start
        automatic = self.graph.subgraph(n for n in self.graph if kinds[n] not in GATHERING_KINDS)
        before = nx.descendants(automatic, start) | {start} if start in automatic else set()
        menus = {
            succ for node in before for succ in self.graph.successors(node) if kinds[succ] == "menu"
        }
        return min(menus, key=lambda n: (self.steps_from_start.get(n, 0), n), default=None)

    def texts(self, node: Node, attribute: str = "prompt") -> dict[str, str]:
        """The text of a node's prompt in every language of the hotline (duplicates merged)."""
        key = (node.id, attribute)
        if key not in self._texts:
            prompt = getattr(node, attribute, None)
            default = self.menu.hotline.default_language
            texts: dict[str, str] = {}
            for lang in self.menu.hotline.languages if prompt else ():
                text = prompt.text(lang, default)
                if text and text not in texts.values():
                    texts[lang] = text
            self._texts[key] = texts
        return self._texts[key]

    def seconds(self, text: str, lang: str) -> float:
        """Seconds to play ``text`` by this audit's timer."""
        return self.timer.seconds(text, lang)

    @cached_property
    def queues(self) -> dict[str, QueueFigures]:
        """Erlang C figures of every queue node, by node id."""
        return {node.id: queue_figures(node) for node in self.nodes(QueueNode)}

    def option_lang_switches(self, node: MenuNode) -> list[str]:
        """Keys of ``node`` whose option switches the caller's language."""
        return [opt.key for opt in node.options if opt.lang]
