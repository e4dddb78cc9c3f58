"""Importers of foreign IVR flows (Twilio Studio, Amazon Connect...) into our menu model.

Every importer turns one file into an ``ImportedFlow`` (``ivr.importers.flow``): our
menu document, where each node came from, and a located warning for everything it
did not understand. ``load_flow`` loads that document with the YAML loader's own
checks (errors point into the foreign file); ``ImportedFlow.yaml()`` writes it as
commented YAML (``ivr import``). docs/import.md says what each importer understands.

An importer is a module of this package with ``import_flow(text, name) -> ImportedFlow``,
listed in ``IMPORTERS``; ``detect.detect_format`` names it from a file's content.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import replace
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError
from ivr.importers.detect import FLOW_SUFFIXES, detect_format
from ivr.importers.flow import ImportedFlow
from ivr.model import Menu
from ivr.yamlsource import MAX_FILE_BYTES, Marks, _read_regular_file

# format name -> module of this package
IMPORTERS = {
    "studio": "studio",
    "connect": "connect",
    "freeswitch": "freeswitch",
    "vxml": "vxml",
    "asterisk": "asterisk",
}
YAML_SUFFIXES = (".yaml", ".yml")

__all__ = ["FLOW_SUFFIXES", "IMPORTERS", "ImportedFlow", "import_file", "is_flow", "load_flow"]


def is_flow(path: str | Path) -> bool:
    """Whether ``path`` is read by an importer rather than as our YAML (by its suffix)."""
    return Path(path).suffix.lower() not in YAML_SUFFIXES


def read_text(path: str | Path, name: str) -> str:
    """The UTF-8 text of a regular file of at most the menu size limit (located errors)."""
    raw = _read_regular_file(path, MAX_FILE_BYTES, name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MenuLoadError([MenuError(name, line, 1, "file is not valid UTF-8 text")]) from exc


def import_text(
    text: str, name: str, format_name: str = "auto", **options: str | None
) -> ImportedFlow:
    """Import a flow from its text; ``format_name`` ``auto`` tells the format from the content;
    ``options`` go to the importer when given (``phrases=`` for FreeSWITCH)."""
    if format_name == "auto":
        detected = detect_format(text)
        if detected is None:
            raise MenuLoadError(
                [
                    MenuError(
                        name,
                        1,
                        1,
                        "cannot tell what kind of flow this is: expected a menu YAML file, a "
                        "Twilio Studio flow (JSON with states), an Amazon Connect flow "
                        "(JSON with Actions or modules), FreeSWITCH menus (XML with <menu>), "
                        "VoiceXML (<vxml>) or an Asterisk dialplan ([context] and exten =>)",
                    )
                ]
            )
        format_name = detected
    if format_name not in IMPORTERS:
        known = ", ".join(IMPORTERS)
        raise MenuLoadError(
            [MenuError(name, 1, 1, f"no importer for {format_name} flows yet (there is: {known})")]
        )
    module = importlib.import_module(f"ivr.importers.{IMPORTERS[format_name]}")
    given = {key: value for key, value in options.items() if value is not None}
    accepted = inspect.signature(module.import_flow).parameters
    for option in given.keys() - accepted.keys():
        raise MenuLoadError(
            [MenuError(name, 1, 1, f"{option} does not apply to {format_name} flows")]
        )
    flow: ImportedFlow = module.import_flow(text, name, **given)
    return flow


def import_file(path: str | Path, format_name: str = "auto", **options: str | None) -> ImportedFlow:
    """Import the flow in ``path``; raise ``MenuLoadError`` (``file:line:col``) when it is bad."""
    return import_text(read_text(path, str(path)), str(path), format_name, **options)


def load_flow(
    path: str | Path, *, root: str | Path | None = None, format_name: str = "auto"
) -> Menu:
    """Import ``path`` and load it as a menu: the loader's checks, errors in the foreign file."""
    from ivr.loader import load_menu  # the loader dispatches here: import it when used

    flow = import_file(path, format_name)
    menu = load_menu(path, root=root, reader=_FlowFiles(Path(path), flow).read)
    nodes = {  # nodes from another file of the flow (a VoiceXML application) are located there
        node_id: replace(node, location=node.location._replace(file=source.file))
        if (source := flow.sources.get(node_id)) and source.file
        else node
        for node_id, node in menu.nodes.items()
    }
    return replace(menu, nodes=nodes, warnings=tuple(sorted((*menu.warnings, *flow.warnings))))


class _FlowFiles:
    """The loader's reader for an imported flow: the flow itself, and any other file it
    reaches into (another flow it transfers to, or a YAML menu)."""

    def __init__(self, main: Path, flow: ImportedFlow):
        self.main = main.resolve()
        self.flow = flow

    def read(self, path: Path, *, display_name: str | None = None) -> tuple[Any, Marks]:
        """The document and positions of ``path`` (the loader resolves and checks it)."""
        if Path(path).resolve() == self.main:
            return self.flow.document(), self.flow.marks()
        from ivr.loader import read_menu_file

        return read_menu_file(path, display_name=display_name)


def read_flow_document(path: str | Path, *, display_name: str | None = None) -> tuple[Any, Marks]:
    """The menu document and positions of the foreign flow in ``path`` (as the loader reads
    a file another file reaches into); its import warnings are not kept."""
    name = display_name or str(path)
    flow = import_text(read_text(path, name), name)
    return flow.document(), flow.marks()
