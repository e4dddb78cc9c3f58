"""Where a caller goes after silence or a wrong answer: one meaning of ``retries``.

The engine (``ivr.engine``) and the graph (``ivr.graph``, hence the audit) both
ask ``failure_route``, so what the audit calls a route is what a call does.

``retries`` counts the attempts after the first, for no-input and no-match
alike. While retries are left, silence goes to ``on_timeout`` and a wrong
answer to ``on_invalid`` (without them the menu is asked again). The failure
that uses the retries up goes to ``on_fail``; without ``on_fail``, to the route
the designer named for that failure (``on_timeout``/``on_invalid``, unless it
only asks again); with neither, the line apologises and hangs up. So with
``retries: 0`` the first failure uses the retries up: ``on_timeout: agent``
without ``on_fail`` sends the first silence to the agent.

>>> from ivr.model import Location, MenuNode
>>> menu = MenuNode("main", Location("m.yaml", 1, 1), retries=0, on_timeout="agent")
>>> failure_route(menu, "timeout", 1)
FailureRoute(kind='fail', target='agent')
>>> failure_route(menu, "invalid", 1)
FailureRoute(kind='fail', target=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ivr.model import Gathering

Failure = Literal["timeout", "invalid"]
FAILURES: tuple[Failure, ...] = ("timeout", "invalid")


@dataclass(frozen=True)
class FailureRoute:
    """Where one failure leads: ``kind`` is the graph edge kind (``timeout``,
    ``invalid``, or ``fail`` once the retries are used up); ``target`` None means
    the line apologises and hangs up."""

    kind: str
    target: str | None

    @property
    def used_up(self) -> bool:
        """True when this failure used the node's retries up."""
        return self.kind == "fail"


def failure_route(node: Gathering, failure: Failure, attempt: int) -> FailureRoute:
    """Where the ``attempt``-th failure (counting from 1) of kind ``failure`` at ``node`` goes."""
    named = node.on_timeout if failure == "timeout" else node.on_invalid
    if attempt <= node.retries:
        return FailureRoute(failure, named or node.id)
    if node.on_fail:
        return FailureRoute("fail", node.on_fail)
    return FailureRoute("fail", named if named and named != node.id else None)


def failure_edges(node: Gathering) -> list[tuple[str, str, dict]]:
    """Every way out of ``node`` that a failure can take, as ``(kind, target, attributes)``.

    ``attributes`` say which failure used the retries up (``after``) and whether
    the way only asks again (``reprompt``); ways that ask again come last.
    """
    edges: list[tuple[str, str, dict]] = []
    for failure in FAILURES:
        for attempt in sorted({1, node.retries + 1}):
            route = failure_route(node, failure, attempt)
            if route.target is None:
                continue
            attributes: dict = {"after": failure} if route.used_up else {}
            if route.target == node.id:
                attributes["reprompt"] = True
            edge = (route.kind, route.target, attributes)
            if edge not in edges:
                edges.append(edge)
    return sorted(edges, key=lambda edge: edge[1] == node.id)
