"""``python -m ivr.demo_call MENU``: walk one call to the nearest person and print it.

Used by ``make demo`` until the auditor gives a fuller report: the route is
the fewest-steps path through the graph, and its keys are pressed in order.
"""

from __future__ import annotations

import sys

import networkx as nx

from ivr.engine import Call
from ivr.graph import build_graph, humans
from ivr.loader import load_menu


def keys_to_nearest_human(graph: nx.DiGraph) -> list[str] | None:
    """Keys a caller presses on the shortest route (by steps) to any person."""
    start = graph.graph["start"]
    lengths = nx.single_source_shortest_path(graph, start)
    routes = [lengths[h] for h in humans(graph) if h in lengths]
    if not routes:
        return None
    route = min(routes, key=len)
    keys = []
    for src, dst in zip(route, route[1:], strict=False):
        ways = graph.edges[src, dst]["ways"]
        key = next((w["key"] for w in ways if w["kind"] == "key"), None)
        if key is not None:
            keys.append(key)
        elif graph.nodes[src]["kind"] == "input":
            node = graph.nodes[src]["node"]
            keys.append("1" * node.min_digits + (node.finish_on or ""))
    return keys


def main(path: str) -> int:
    """Print the transcript of a call that presses its way to the nearest person."""
    menu = load_menu(path)
    keys = keys_to_nearest_human(build_graph(menu))
    if keys is None:
        print(f"{path}: no person can be reached from the start")
        return 0
    from datetime import datetime
    from zoneinfo import ZoneInfo

    call = Call(menu, at=datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(menu.hotline.timezone)))
    call.start()
    for key in keys:
        if call.ended or call.waiting_node is None:
            break
        call.press(key)
    for line in call.transcript:
        print(f"[{line.seconds:7.1f} s] {line.who}: {line.text}")
    print(f"Call {call.outcome.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
