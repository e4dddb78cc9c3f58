"""The phone tree as a ``networkx.DiGraph``, and structural checks on it.

Nodes carry ``kind``, ``human``, ``node`` (the model object) and ``line``;
edges carry ``kind`` (key, speech, next, timeout, invalid, fail, after_hours,
branch, decision, when_full, returns: another system hands the call back) and the
key, phrases, condition or outcome; the speech way of a spoken option (a menu's
``spoken:``, chosen by voice only) has its ``spoken`` name and ``voice_only: True``
instead of a key. Checks are networkx calls.

>>> from ivr.loader import load_menu
>>> g = build_graph(load_menu("menus/acme-hot.yaml"))
>>> g.graph["start"], g.nodes["care"]["human"]
('welcome', True)
>>> sorted(k for _, _, k in g.out_edges("main", data="key") if k)
['0', '1', '8', '9']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from ivr.errors import MenuError
from ivr.model import Gathering, Menu, RecordNode
from ivr.retries import failure_edges
from ivr.yamlsource import paused_gc

TERMINAL_KINDS = ("hangup", "queue", "transfer")


def build_graph(menu: Menu) -> nx.DiGraph:
    """A DiGraph of ``menu``: one node per menu node, one edge per way out.

    Several ways from A to B (key 1 and its phrases, say) are kept as one edge
    whose ``ways`` lists them all; ``kind`` and ``key`` are those of the first.
    Failure ways of menus and inputs are those ``ivr.retries.failure_route`` gives
    the engine: ``timeout``/``invalid`` while retries are left (a self-loop when the
    menu is asked again), ``fail`` (with ``after``) once they are used up.
    """
    with paused_gc():
        return _build(menu)


def _build(menu: Menu) -> nx.DiGraph:
    """The graph, its dicts filled as ``add_nodes_from`` and ``add_edges_from`` would.

    networkx keeps a DiGraph as dicts: ``_node`` (node -> attributes), ``_succ`` and
    ``_pred`` (node -> neighbour -> the edge's attributes, one dict shared by both).
    Filling them in one pass costs a third of what the two calls cost on a large menu
    (which copy every attribute dict); ``tests/test_graph.py`` checks the result equals
    the graph those calls build, nodes and edges in the same order.
    """
    graph: nx.DiGraph = nx.DiGraph(start=menu.start, menu=menu.path, hotline=menu.hotline.name)
    attributes, succ, pred = graph._node, graph._succ, graph._pred  # type: ignore[attr-defined]
    for node in menu.nodes.values():
        location = node.location
        attributes[node.id] = {
            "kind": node.kind,
            "human": node.is_human,
            "node": node,
            "line": location.line,
            "file": location.file,
        }
        succ[node.id] = {}
        pred[node.id] = {}
    for node in menu.nodes.values():
        source = node.id
        out = succ[source]
        ways = (
            node.targets() + failure_edges(node) if isinstance(node, Gathering) else node.targets()
        )
        for kind, target, attrs in ways:
            way = {"kind": kind}
            for name, value in attrs.items():  # (twice as fast as a comprehension merged in)
                if value is not None:
                    way[name] = value  # noqa: PERF403
            edge = out.get(target)
            if edge is not None:
                edge["ways"].append(way)
                continue
            if target not in succ:  # not a node of the menu: a bare node, as networkx adds
                attributes[target] = {}
                succ[target] = {}
                pred[target] = {}
            out[target] = pred[target][source] = {**way, "ways": [way]}
    return graph


def humans(graph: nx.DiGraph) -> list[str]:
    """Ids of the human endpoints (queues and human transfers)."""
    return [n for n, human in graph.nodes(data="human") if human]


def reachable(graph: nx.DiGraph) -> set[str]:
    """Nodes a caller can reach from the start node."""
    start = graph.graph["start"]
    if start not in graph:
        raise nx.NetworkXError(f"The node {start} is not in the digraph.")
    return _closure(_adjacency(graph)[0], [start])


def _adjacency(graph: nx.DiGraph) -> tuple[dict[str, dict], dict[str, dict]]:
    """networkx's own successor and predecessor dicts of ``graph`` (node -> neighbour ->
    edge data): what ``graph.succ[n]`` and ``graph.pred[n]`` wrap in a new read-only view on
    every call, which makes a pass over a large graph several times slower."""
    return graph._succ, graph._pred  # type: ignore[attr-defined]


def _closure(adjacency: Mapping[str, Iterable[str]], sources: Iterable[str]) -> set[str]:
    """``sources`` and every node ``adjacency`` leads to from them, in one linear pass."""
    seen = set(sources)
    pending = list(seen)
    while pending:
        for neighbour in adjacency[pending.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                pending.append(neighbour)
    return seen


def unreachable_nodes(graph: nx.DiGraph, reached: set[str] | None = None) -> list[str]:
    """Nodes no call can reach, in file order (``reached``: ``reachable(graph)`` if known)."""
    seen = reachable(graph) if reached is None else reached
    return sorted((n for n in graph if n not in seen), key=lambda n: graph.nodes[n]["line"])


def dead_ends(graph: nx.DiGraph) -> list[str]:
    """Non-terminal nodes with no way out (a record with no next, a branch with no rules...)."""
    succ = _adjacency(graph)[0]
    return [
        n
        for n, data in graph.nodes(data=True)
        if not succ[n]
        and data["kind"] not in TERMINAL_KINDS
        and not isinstance(data["node"], RecordNode)
    ]


def exits(graph: nx.DiGraph) -> set[str]:
    """Nodes where a call leaves the menu: terminals, humans, and voicemail with no next.

    A transfer to another system that hands the call back (``returns_to``) is no exit:
    the call carries on in the menu.
    """
    succ = _adjacency(graph)[0]
    return {
        n
        for n, data in graph.nodes(data=True)
        if (data["kind"] in TERMINAL_KINDS and not getattr(data["node"], "returns_to", None))
        or not succ[n]
    }


def traps(graph: nx.DiGraph, reached: set[str] | None = None) -> list[list[str]]:
    """Groups of reachable nodes from which no exit (human, hang-up, end) can be reached.

    These are cycles a caller cannot leave: they go round until they hang up.
    ``reached`` is ``reachable(graph)`` when the caller already has it.
    """
    can_leave = _closure(_adjacency(graph)[1], exits(graph))
    stuck = (reachable(graph) if reached is None else reached) - can_leave
    sub = graph.subgraph(stuck)
    return [
        sorted(c, key=lambda n: graph.nodes[n]["line"])
        for c in nx.strongly_connected_components(sub)
        if len(c) > 1 or sub.has_edge(next(iter(c)), next(iter(c)))
    ]


def structural_problems(menu: Menu, graph: nx.DiGraph | None = None) -> list[MenuError]:
    """Unreachable nodes (warnings), dead ends and inescapable cycles (errors)."""
    with paused_gc():
        return _structural_problems(menu, graph if graph is not None else build_graph(menu))


def _structural_problems(menu: Menu, graph: nx.DiGraph) -> list[MenuError]:
    start = menu.start
    reached = reachable(graph)
    problems = [
        _at(menu, n, f'node "{n}" cannot be reached from the start node "{start}"', "warning")
        for n in unreachable_nodes(graph, reached)
    ]
    problems += [
        _at(menu, n, f'node "{n}" is a dead end: it has no way out and does not end the call')
        for n in dead_ends(graph)
    ]
    problems += [
        _at(
            menu,
            group[0],
            "callers are trapped in a loop with no way to a person or an end: "
            + " -> ".join(group),
        )
        for group in traps(graph, reached)
    ]
    return sorted(problems)


def _at(menu: Menu, node_id: str, message: str, severity: str = "error") -> MenuError:
    loc = menu.nodes[node_id].location
    return MenuError(loc.file, loc.line, loc.col, message, severity)
