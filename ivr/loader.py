"""Load menu YAML files into ``ivr.model`` objects, reporting every error at once.

``load_menu(path)`` returns a ``Menu`` or raises ``MenuLoadError`` whose
``errors`` lists every problem of every file involved, each as
``file:line:col: message`` with a "did you mean" hint for misspelled names.
Cross-file targets (``goto: other.yaml#node``) load the other file too; its
nodes join the menu under qualified ids (``other.yaml#node``). Other files are
read only when they are regular files inside the main menu's folder (or the
``root`` given); a reference to anything else is an error that names the
reference and reveals nothing of what it points at.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError, did_you_mean
from ivr.menufile import MenuFileReader, Reference
from ivr.model import Hotline, Menu, Node
from ivr.schedule import Schedule
from ivr.yamlsource import Marks, paused_gc, read_yaml

MAIN_FILE = "#"  # the key of the main file among the files of a menu


def load_menu(
    path: str | Path, *, root: str | Path | None = None, reader: Callable[..., Any] = read_yaml
) -> Menu:
    """Load a menu file (and the files it reaches into); raise ``MenuLoadError``.

    ``root`` is the folder other files must be inside (default: the main file's folder).
    A file that is not ``.yaml``/``.yml`` is a foreign flow (Twilio Studio, Amazon
    Connect...): ``ivr.importers`` imports it, and its errors point into that file.
    """
    if reader is read_yaml and Path(path).suffix.lower() not in (".yaml", ".yml"):
        from ivr.importers import load_flow  # imported only for a foreign flow

        return load_flow(path, root=root)
    if reader is read_yaml:
        reader = read_menu_file  # other files it reaches into may be flows too
    with paused_gc():
        return _MenuLoader(Path(path), Path(root) if root is not None else None, reader).load()


def read_menu_file(path: str | Path, *, display_name: str | None = None) -> tuple[Any, Marks]:
    """The document and positions of one file of a menu: our YAML, or a foreign flow
    (another platform's flow a menu reaches into) as ``ivr.importers`` reads it."""
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        return read_yaml(path, display_name=display_name)
    from ivr.importers import read_flow_document  # imported only for a foreign flow

    return read_flow_document(path, display_name=display_name)


def check_menu(
    path: str | Path, *, root: str | Path | None = None
) -> tuple[Menu | None, list[MenuError]]:
    """Load ``path``; return the menu (or None) and its errors, then its warnings."""
    try:
        menu = load_menu(path, root=root)
    except MenuLoadError as exc:
        return None, exc.errors
    return menu, list(menu.warnings)


@dataclass
class _MenuLoader:
    """The files of one menu, read one after the other, then their references resolved."""

    main: Path
    root: Path | None
    reader: Callable[..., Any]
    errors: list[MenuError] = field(default_factory=list)
    readers: list[MenuFileReader] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    starts: dict[str, str | None] = field(default_factory=dict)  # file key -> its start
    refused: dict[str, str] = field(default_factory=dict)  # file key -> why it is not read

    def load(self) -> Menu:
        hotline, start = self._read_files()
        self._check_references()
        if self.errors or hotline is None or start is None:
            raise MenuLoadError(
                self.errors or [MenuError(str(self.main), 1, 1, "menu could not be loaded")]
            )
        nodes = self.nodes
        if len(self.starts) > 1:  # whole-file targets ("other.yaml#") become start nodes
            nodes = {node_id: node.retarget(self._file_start) for node_id, node in nodes.items()}
            start = self._file_start(start)
        warnings = tuple(sorted(w for reader in self.readers for w in reader.warnings))
        hotline = Hotline(**{**hotline.__dict__, "hours": self.schedules})
        return Menu(str(self.main), hotline, start, nodes, warnings)

    def _file_start(self, target: str) -> str:
        """The start node of a whole-file target; any other target unchanged."""
        if target.endswith("#"):
            return self.starts.get(target[:-1] or MAIN_FILE) or target
        return target

    def _read_files(self) -> tuple[Hotline | None, str | None]:
        """Read the main file and every file it reaches into, directly or not."""
        folder = self.main.parent
        hotline = start = None
        pending = [MAIN_FILE]
        seen = {MAIN_FILE}
        while pending:
            key = pending.pop(0)
            is_main = key == MAIN_FILE
            path = self.main if is_main else Path(os.path.normpath(folder / key))
            if not is_main:
                why = self._refusal(path)
                if why:
                    self.refused[key] = why
                    continue
            try:
                data, marks = self.reader(path.resolve(), display_name=str(path))
            except MenuLoadError as exc:
                self.errors.extend(exc.errors)
                if not is_main:
                    count = len(exc.errors)
                    self.refused[key] = (
                        f"which cannot be loaded ({count} error{'' if count == 1 else 's'} "
                        "in that file)"
                    )
                continue
            file_reader = MenuFileReader(data, marks, "" if is_main else f"{key}#", str(self.main))
            if not is_main and hotline is not None:
                file_reader.languages = hotline.languages
            file_hotline, file_start, file_nodes = file_reader.read()
            self.readers.append(file_reader)
            self.errors.extend(file_reader.errors)
            if is_main:
                hotline, start = file_hotline, file_start
            self.starts[key] = file_start
            self.schedules = {**file_reader.schedules, **self.schedules}
            self.nodes.update(file_nodes)
            for ref in file_reader.references:
                other = ref.file
                if other is not None and other not in seen:
                    seen.add(other)
                    pending.append(other)
        return hotline, start

    def _refusal(self, path: Path) -> str | None:
        """Why the other file ``path`` may not be read (None: it may)."""
        root = (self.root if self.root is not None else self.main.parent).resolve()
        real = path.resolve()
        if not real.is_relative_to(root):
            return "which is outside the menu folder; only files under it can be named"
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return f'but there is no file "{path}"'
        if not stat.S_ISREG(mode):
            return f'but "{path}" is not a regular file'
        return None

    def _check_references(self) -> None:
        """Report every reference that names no node (or a file that was not read)."""
        declared = {node_id for reader in self.readers for node_id in reader.declared}
        broken_files = {r.qualifier[:-1] or MAIN_FILE for r in self.readers if not r.nodes_ok}
        suggestions = _Suggestions(self.nodes)
        for file_reader in self.readers:
            for ref in file_reader.references:
                file_key = ref.file or MAIN_FILE
                if file_key in self.refused:
                    why = self.refused[file_key]
                    problem: str | None = f'{ref.what} reaches into "{ref.text}", {why}'
                elif ref.target in declared or file_key in broken_files:
                    continue  # a node with errors of its own, or a file without nodes: reported
                else:
                    problem = self._unresolved(ref, suggestions)
                if problem:
                    self.errors.append(file_reader.marks.error(ref.where, problem))

    def _unresolved(self, ref: Reference, suggestions: _Suggestions) -> str | None:
        """Why ``ref`` does not name a node (None when it does)."""
        file_key = ref.file or MAIN_FILE
        if ref.target.endswith("#"):  # a whole file: its start node
            if self.starts.get(file_key) is None:
                return (
                    f'{ref.what} goes to the file "{ref.text}", which has no "start"; '
                    f'name a node in it, like "{ref.text}#node"'
                )
            return None
        if ref.target in self.nodes:
            return None
        file_part = f"{ref.file}#" if ref.file else ""
        node_name = ref.text.split("#", 1)[1] if "#" in ref.text else ref.text
        hint = suggestions.hint(node_name, file_part)
        if hint and "#" in ref.text:
            hint = hint.replace('"', f'"{ref.text.split("#", 1)[0]}#', 1)
        return f'{ref.what} goes to unknown node "{ref.text}"{hint}'


class _Suggestions:
    """ "Did you mean" hints among the node names of each file, fast for big menus.

    ``did_you_mean`` compares a word with every name; with thousands of nodes
    and many misspellings that is quadratic. Above ``DIRECT`` names, an index of
    letter triples picks a shortlist: the names sharing the most of the word's
    ``RAREST`` least common triples (each triple's list cut at ``COMMON`` names),
    so a word costs at most a few thousand steps however large the menu.
    """

    DIRECT = 200
    SHORTLIST = 30
    RAREST = 3
    COMMON = 2_000

    def __init__(self, nodes: dict[str, Node]):
        self.nodes = nodes
        self.names: dict[str, list[str]] = {}  # file part ("" or "other.yaml#") -> names
        self.index: dict[str, dict[str, list[int]]] = {}

    def hint(self, word: str, file_part: str) -> str:
        """The did-you-mean suffix for ``word`` among the nodes of ``file_part``."""
        if file_part not in self.names:
            self.names[file_part] = [
                n.removeprefix(file_part)
                for n in self.nodes
                if n.startswith(file_part) and "#" not in n.removeprefix(file_part)
            ]
        names = self.names[file_part]
        if len(names) <= self.DIRECT:
            return did_you_mean(word, names)
        if file_part not in self.index:
            index: dict[str, list[int]] = {}
            for i, name in enumerate(names):
                for gram in _trigrams(name):
                    index.setdefault(gram, []).append(i)
            self.index[file_part] = index
        postings = [self.index[file_part].get(gram, []) for gram in _trigrams(word)]
        rarest = sorted((p for p in postings if p), key=len)[: self.RAREST]
        shared: Counter[int] = Counter()
        for posting in rarest:
            shared.update(posting[: self.COMMON])
        return did_you_mean(word, [names[i] for i, _ in shared.most_common(self.SHORTLIST)])


def _trigrams(word: str) -> set[str]:
    padded = f" {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
