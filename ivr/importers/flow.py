"""The one shape every importer produces: our menu document plus where each node came from.

An importer reads a foreign flow and fills a ``FlowBuilder``: nodes written as our
YAML would write them (plain dicts), each with the file position and a note naming
the widget, action or state it came from, and a warning for every construct it
did not understand. ``ImportedFlow`` then gives the document and ``Marks`` (so the
loader's errors point into the foreign file) and the commented YAML of ``ivr import``.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

import yaml

from ivr.errors import MenuError
from ivr.importers.yamlout import commented_yaml
from ivr.menufile import SPOKEN_NAME
from ivr.speech import normalize
from ivr.yamlsource import Marks

END = "end"  # the silent hang-up where transitions without a next lead
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Source:
    """Where a node came from: 1-based line and column in the foreign file, and what it was."""

    line: int
    col: int
    note: str
    file: str | None = None  # another file of the same flow (a VoiceXML application's document)


@dataclass
class ImportedFlow:
    """A foreign flow as our menu: hotline, start and nodes, with their sources and warnings."""

    path: str
    format: str
    hotline: dict[str, Any]
    start: str
    nodes: dict[str, dict[str, Any]]
    sources: dict[str, Source]
    warnings: list[MenuError]
    header: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        """The menu document, as ``ivr.yamlsource`` would read it from our YAML."""
        return {"hotline": self.hotline, "start": self.start, "nodes": self.nodes}

    def marks(self) -> Marks:
        """Positions for the loader: every node (and all inside it) at its source position."""
        marks = Marks(self.path)
        marks.values[()] = _mark(self.path, 1, 1)
        for node_id, source in self.sources.items():
            mark = _mark(source.file or self.path, source.line, source.col)
            for table in (marks.values, marks.keys):
                table[("nodes", node_id)] = mark
        return marks

    def yaml(self) -> str:
        """The flow as our YAML, each node after a comment naming its source line and origin."""
        header = [
            f"Imported by `ivr import` from {self.path} ({self.format}): {len(self.nodes)} nodes, "
            f"{len(self.warnings)} warnings.",
            *self.header,
            *map(str, self.warnings),
        ]
        notes = {
            node_id: [f"{source.file or self.path}:{source.line}:{source.col}: {source.note}"]
            for node_id, source in self.sources.items()
        }
        top = {"hotline": self.hotline, "start": self.start}
        return commented_yaml(header, top, self.nodes, notes)


def spoken_name(phrase: str, target: str, taken: Container[str]) -> str:
    """A spoken option's name from its first phrase ("Check balance": ``check_balance``),
    else from where it goes; unique among ``taken``.

    >>> spoken_name("Check balance!", "x", set()), spoken_name("42", "fax", set())
    ('check_balance', 'to_fax')
    """
    base = "_".join(normalize(phrase).split())
    if not SPOKEN_NAME.match(base):
        base = f"to_{target}"
    name, count = base, 1
    while name in taken:
        count += 1
        name = f"{base}_{count}"
    return name


def _mark(name: str, line: int, col: int) -> yaml.Mark:
    return yaml.Mark(name, 0, line - 1, col - 1, None, 0)


class FlowBuilder:
    """Collects the nodes of one imported flow under valid, unique node ids."""

    def __init__(self, path: str, format_name: str):
        self.path = path
        self.format = format_name
        self.nodes: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, Source] = {}
        self.warnings: list[MenuError] = []
        self.ids: dict[str, str] = {}  # foreign name -> node id
        self.taken: set[str] = {END}

    def id(self, name: str, label: str | None = None) -> str:
        """The node id for the foreign name ``name`` (the same id every time it is asked);
        ``label``, when given the first time, is a more readable base for it."""
        if name not in self.ids:
            base = _NOT_ID.sub("_", label or name).strip("_") or "node"
            if not base[0].isalpha():
                base = f"n_{base}"
            candidate, count = base, 1
            while candidate in self.taken:
                count += 1
                candidate = f"{base}_{count}"
            self.taken.add(candidate)
            self.ids[name] = candidate
        return self.ids[name]

    def add(
        self,
        name: str,
        spec: dict[str, Any],
        at: tuple[int, int],
        note: str,
        file: str | None = None,
    ) -> str:
        """Add the node for ``name``, written at ``at`` (line, column) of the flow's file (or of
        ``file``, another file of the same flow); return its id."""
        node_id = self.id(name)
        self.nodes[node_id] = spec
        self.sources[node_id] = Source(at[0], at[1], note, file)
        return node_id

    def warn(self, at: tuple[int, int], message: str, file: str | None = None) -> None:
        """A located warning: something of the flow that was not understood or not kept
        (in the flow's file, or in ``file``, another file of the same flow)."""
        self.warnings.append(MenuError(file or self.path, at[0], at[1], message, "warning"))

    def end(self) -> str:
        """The silent hang-up that transitions without a next lead to (added once)."""
        if END not in self.nodes:
            self.nodes[END] = {"hangup": {}}
            self.sources[END] = Source(1, 1, "the call ends here (a transition with no next)")
        return END

    def drop_unused_end(self, start: str) -> None:
        """Forget the end of the call when it was asked for but nothing leads there."""

        def leads_there(value: Any) -> bool:
            if isinstance(value, dict):
                return any(leads_there(item) for item in value.values())
            if isinstance(value, list):
                return any(leads_there(item) for item in value)
            return value == END

        if END in self.nodes and start != END and not leads_there(self.nodes):
            del self.nodes[END], self.sources[END]

    def build(self, start: str, hotline: dict[str, Any], header: list[str]) -> ImportedFlow:
        """The imported flow, warnings in file order; the end of the call is the last node."""
        if END in self.nodes:
            self.nodes[END] = self.nodes.pop(END)
        return ImportedFlow(
            self.path,
            self.format,
            hotline,
            start,
            self.nodes,
            self.sources,
            sorted(self.warnings),
            header,
        )
