"""The JSON report: a list with one object per menu, in the DESIGN.md shape."""

from __future__ import annotations

import json

from audit.run import MenuAudit


def render(
    audits: list[MenuAudit],
    fail_on: frozenset[str] = frozenset({"error"}),  # noqa: ARG001 - the Renderer signature
) -> str:
    """A JSON array of the menus' report objects (keys in a stable order)."""
    return json.dumps([a.as_dict() for a in audits], indent=2, ensure_ascii=False) + "\n"
