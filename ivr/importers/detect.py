"""Which importer reads a file: told by its content, not its name."""

from __future__ import annotations

import re

# suffixes of files that may hold a foreign flow (a folder lists those whose content is one)
FLOW_SUFFIXES = (".json", ".js", ".xml", ".vxml", ".conf")
JS_EXPORT = re.compile(r"^\s*(?:module\.exports|exports\.\w+|export\s+default)\s*=?\s*")
_SNIFF = 1_000_000  # characters read to tell a format


def detect_format(text: str) -> str | None:
    """The format of a flow's text (``studio``, ``connect``...), or None when it is no flow.

    >>> detect_format('{"initial_state": "Trigger", "states": []}')
    'studio'
    >>> detect_format('{"Version": "2019-10-30", "StartAction": "a", "Actions": []}')
    'connect'
    >>> detect_format("hotline: {name: x}") is None
    True
    """
    head = text[:_SNIFF].lstrip("\ufeff \t\r\n")
    if head.startswith("{") or JS_EXPORT.match(head):
        if '"initial_state"' in head and '"states"' in head:
            return "studio"
        if '"StartAction"' in head or '"ContactFlow"' in head:
            return "connect"
        if '"modules"' in head and '"start"' in head:
            return "connect"
        return None
    if head.startswith("<"):
        if re.search(r"<vxml\b", head):
            return "vxml"
        if re.search(r'<configuration\s+name="ivr\.conf"|<menus?\b', head):
            return "freeswitch"
        return None
    if re.search(r"^\s*\[[^\]]+\]", head, re.M) and re.search(r"^\s*(exten|same)\s*=>", head, re.M):
        return "asterisk"
    return None
