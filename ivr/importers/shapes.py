"""Reading foreign JSON defensively: a value of the wrong type is treated as absent.

Exports are edited by hand and by tools; an importer must never crash on a list where
a mapping belongs. These helpers give each value the type the importer expects, or an
empty one (the importer then warns about what is missing).

>>> as_dict([1]), as_list("x"), as_text(7), name_of(["a"])
({}, [], '7', None)
"""

from __future__ import annotations

from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str | None:
    """``value`` as text when it is text or a number; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def name_of(value: Any) -> str | None:
    """``value`` when it is a non-empty name (of a widget, an action...); None otherwise."""
    return value if isinstance(value, str) and value else None


def dicts(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (anything else in it, or a non-list, is left out)."""
    return [item for item in as_list(value) if isinstance(item, dict)]
