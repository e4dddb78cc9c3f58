"""The JSON report: a list with one object per menu, in the DESIGN.md shape.

Laid out for people and for speed: each key of a menu's object on a line of its
own, and in its lists (people, findings, queues, hours) one entry per line,
each written on one line by the C encoder. (``json.dumps(..., indent=2)`` runs
the pure-Python encoder: on a 100,000-node menu it took 1.2 s, this layout
0.4 s.) The data are the same whatever the layout.
"""

from __future__ import annotations

import json
from typing import Any

from audit.run import MenuAudit
from ivr.yamlsource import paused_gc

_ONE_LINE = json.JSONEncoder(ensure_ascii=False)  # the C encoder (no indent)


def render(
    audits: list[MenuAudit],
    fail_on: frozenset[str] = frozenset({"error"}),  # noqa: ARG001 - the Renderer signature
) -> str:
    """A JSON array of the menus' report objects (keys in a stable order).

    >>> from ivr.loader import load_menu
    >>> from audit.run import audit_menu
    >>> lines = render([audit_menu(load_menu("menus/acme-hot.yaml"))]).splitlines()
    >>> for line in lines[:4] + [lines[8][:34]]:
    ...     print(line)
    [
      {
        "menu": "menus/acme-hot.yaml",
        "hotline": "ACME Indonesia customer care (hot line)",
          {"node": "care", "depth": 1,
    """
    if not audits:
        return "[]\n"
    with paused_gc():  # the report's objects are no garbage: no collections while building
        return "[\n" + ",\n".join(_menu(audit.as_dict()) for audit in audits) + "\n]\n"


def _menu(report: dict[str, Any]) -> str:
    """One menu's object: a key per line, a list's entries a line each."""
    lines = [f"{_ONE_LINE.encode(key)}: {_value(value)}" for key, value in report.items()]
    return "  {\n    " + ",\n    ".join(lines) + "\n  }"


def _value(value: object) -> str:
    if isinstance(value, list) and value:
        return "[\n      " + ",\n      ".join(map(_ONE_LINE.encode, value)) + "\n    ]"
    return _ONE_LINE.encode(value)
