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
from functools import lru_cache
from typing import Literal

from ivr.model import Gathering, Location

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


def repeatable(node: Gathering, failure: Failure) -> bool:
    """Whether a caller uses the retries up by repeating ``failure`` at ``node``: true when
    that failure asks this menu again (or there are no retries); false when it leads away,
    so its ``fail`` route is only met by coming back here with the failures counted."""
    return failure_route(node, failure, 1).target == node.id or node.retries == 0


def failure_edges(node: Gathering) -> list[tuple[str, str, dict]]:
    """Every way out of ``node`` that a failure can take, as ``(kind, target, attributes)``.

    Ways that ask again carry ``reprompt`` and come last. A ``fail`` way (one per
    target) carries ``after``: the failure a caller repeats here to take it, silence
    first; when no repeated failure takes it, ``after`` is the first failure that can
    and ``loop`` is set (the caller must come back with the failures counted).

    Nodes with the same retries and routes (the node itself counting as ``_SELF``)
    have the same ways, so a large menu works each shape out once; such nodes share
    the attribute dicts too: read them, never change them.
    """

    def relative(target: str | None) -> str | None:
        return _SELF if target == node.id else target

    shape = _failure_shape(
        node.retries, relative(node.on_timeout), relative(node.on_invalid), relative(node.on_fail)
    )
    return [
        (kind, node.id if target == _SELF else target, attributes)
        for kind, target, attributes in shape
    ]


_SELF = "\x00"  # the node itself in a cached shape: no node id can be this text
_NOWHERE = Location("", 0, 0)


@lru_cache(maxsize=1024)
def _failure_shape(
    retries: int, on_timeout: str | None, on_invalid: str | None, on_fail: str | None
) -> tuple[tuple[str, str, dict], ...]:
    """``failure_edges`` of a node ``_SELF`` with these retries and routes."""
    stand_in = Gathering(
        _SELF,
        _NOWHERE,
        retries=retries,
        on_timeout=on_timeout,
        on_invalid=on_invalid,
        on_fail=on_fail,
    )
    return tuple(_failure_edges(stand_in))


def _failure_edges(node: Gathering) -> list[tuple[str, str, dict]]:
    edges: list[tuple[str, str, dict]] = []
    used_up: dict[str, list[Failure]] = {}
    for failure in FAILURES:
        for attempt in sorted({1, node.retries + 1}):
            route = failure_route(node, failure, attempt)
            if route.target is None:
                continue
            if route.used_up:
                used_up.setdefault(route.target, []).append(failure)
                continue
            attributes: dict[str, object] = {"reprompt": True} if route.target == node.id else {}
            if (route.kind, route.target, attributes) not in edges:
                edges.append((route.kind, route.target, attributes))
    for target, failures in used_up.items():
        direct = [failure for failure in failures if repeatable(node, failure)]
        attributes = {"after": (direct or failures)[0]}
        if not direct:
            attributes["loop"] = True
        if target == node.id:
            attributes["reprompt"] = True
        edges.append(("fail", target, attributes))
    return sorted(edges, key=lambda edge: edge[1] == node.id)
