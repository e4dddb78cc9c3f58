"""Hooks the core offers to the packages above it, filled through entry points.

The core never names a module of ``audit``, ``voices`` or the shells. Where it
needs their work (prompt durations measured from rendered audio, recorded
prompts heard by a speech recogniser), a package declares an entry point in
its metadata (``setup.cfg``), e.g.::

    [options.entry_points]
    ivr.timing_sources =
        tts = voices.timing:tts_timer

and the core loads it by group and name when it is asked for.

>>> "tts" in plugin_names(TIMING_SOURCES)
True
>>> load_plugin(TIMING_SOURCES, "no-such-source")
Traceback (most recent call last):
...
ivr.plugins.PluginNotFound: no ivr.timing_sources plugin named "no-such-source"
"""

from __future__ import annotations

from functools import cache
from typing import Any

TIMING_SOURCES = "ivr.timing_sources"
"""Group of prompt timing sources: ``name = module:factory``, a factory ``menu -> PromptTimer``."""

PROMPT_LISTENERS = "ivr.prompt_listeners"
"""Group of recorded-prompt listeners: ``name = module:factory``, a factory
``() -> ivr.recordings.PromptListener``."""


class PluginNotFound(LookupError):
    """No installed package offers a plugin of that name in that group."""


@cache
def _entry_points(group: str) -> dict[str, Any]:
    from importlib.metadata import entry_points  # only when a hook is used: a slow import

    return {point.name: point for point in entry_points(group=group)}


def plugin_names(group: str) -> list[str]:
    """The names of the plugins installed in ``group``, sorted."""
    return sorted(_entry_points(group))


def load_plugin(group: str, name: str) -> Any:
    """The object the entry point ``name`` of ``group`` names (imported now)."""
    point = _entry_points(group).get(name)
    if point is None:
        raise PluginNotFound(f'no {group} plugin named "{name}"')
    return point.load()
