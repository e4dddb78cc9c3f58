"""Load menu YAML files into ``ivr.model`` objects, reporting every error at once.

``load_menu(path)`` returns a ``Menu`` or raises ``MenuLoadError`` whose
``errors`` lists every problem of every file involved, each as
``file:line:col: message`` with a "did you mean" hint for misspelled names.
Cross-file targets (``goto: other.yaml#node``) load the other file too; its
nodes join the menu under qualified ids (``other.yaml#node``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError, did_you_mean
from ivr.menufile import MenuFileReader, Reference
from ivr.model import BranchRule, Hotline, Menu, Node, Option
from ivr.schedule import Schedule
from ivr.yamlsource import paused_gc, read_yaml


def load_menu(path: str | Path, *, reader: Callable[..., Any] = read_yaml) -> Menu:
    """Load a menu file (and the files it reaches into); raise ``MenuLoadError``."""
    with paused_gc():
        return _load(Path(path), reader)


def _load(path: Path, reader: Callable[..., Any]) -> Menu:
    main = path
    base_dir = main.parent
    errors: list[MenuError] = []
    nodes: dict[str, Node] = {}
    schedules: dict[str, Schedule] = {}
    hotline: Hotline | None = None
    start: str | None = None
    pending: list[tuple[str, Path, tuple[MenuFileReader, Reference] | None]] = [("", main, None)]
    seen: set[str] = set()
    references: list[tuple[MenuFileReader, Reference]] = []
    readers: list[MenuFileReader] = []
    file_starts: dict[str, str | None] = {}  # "other.yaml#" (or "#" for the main file) -> start
    while pending:
        qualifier, file_path, cause = pending.pop(0)
        if str(file_path) in seen:
            continue
        seen.add(str(file_path))
        if cause is not None and not file_path.is_file():
            ref_reader, ref = cause
            errors.append(
                ref_reader.marks.error(
                    ref.where,
                    f'{ref.what} reaches into "{ref.text}", but there is no file "{file_path}"',
                )
            )
            continue
        try:
            data, marks = reader(file_path)
        except MenuLoadError as exc:
            if cause is not None:
                errors.append(
                    cause[0].marks.error(
                        cause[1].where,
                        f'{cause[1].what} reaches into "{cause[1].text}", which '
                        f"cannot be loaded ({len(exc.errors)} error"
                        f"{'' if len(exc.errors) == 1 else 's'} in that file)",
                    )
                )
            errors.extend(exc.errors)
            continue
        file_reader = MenuFileReader(data, marks, qualifier, main.name)
        if qualifier and hotline is not None:
            file_reader.languages = hotline.languages
        file_hotline, file_start, file_nodes = file_reader.read()
        readers.append(file_reader)
        errors.extend(file_reader.errors)
        if not qualifier:
            hotline, start = file_hotline, file_start
        file_starts[qualifier or "#"] = file_start
        schedules = {**file_reader.schedules, **schedules}
        nodes.update(file_nodes)
        for ref, _source in file_reader.references:
            references.append((file_reader, ref))
            qualified = file_reader.qualify(ref.text)
            if "#" in qualified and not qualified.startswith("#"):
                other = qualified.split("#", 1)[0]
                pending.append((f"{other}#", base_dir / other, (file_reader, ref)))
    declared = {node_id for reader in readers for node_id in reader.declared}
    broken_files = {reader.qualifier or "#" for reader in readers if not reader.nodes_ok}
    suggestions = _Suggestions(nodes)
    for file_reader, ref in references:
        qualified = file_reader.qualify(ref.text)
        in_file = qualified.split("#", 1)[0] + "#" if "#" in qualified[1:] else "#"
        if qualified in declared or in_file in broken_files:
            continue  # a node that has errors of its own, or a file without nodes: reported
        problem = _unresolved(file_reader, ref, nodes, file_starts, suggestions)
        if problem:
            errors.append(file_reader.marks.error(ref.where, problem))
    if errors or hotline is None or start is None:
        raise MenuLoadError(errors or [MenuError(str(main), 1, 1, "menu could not be loaded")])
    hotline = Hotline(**{**hotline.__dict__, "hours": schedules})
    nodes = _resolve_file_starts(nodes, file_starts)
    if start.endswith("#"):
        start = file_starts.get(start) or start
    return Menu(str(path), hotline, start, nodes)


def _unresolved(
    file_reader: MenuFileReader,
    ref: Reference,
    nodes: dict[str, Node],
    file_starts: dict[str, str | None],
    suggestions: _Suggestions,
) -> str | None:
    """Why ``ref`` does not name a node (None when it does, or its file failed to load)."""
    qualified = file_reader.qualify(ref.text)
    if qualified.endswith("#"):  # a whole file: its start node
        if qualified not in file_starts:
            return None  # the file could not be loaded; already reported
        if file_starts[qualified] is None:
            return (
                f'{ref.what} goes to the file "{ref.text}", which has no "start"; '
                f'name a node in it, like "{ref.text}#node"'
            )
        return None
    if qualified in nodes:
        return None
    file_part = qualified.split("#", 1)[0] + "#" if "#" in qualified else ""
    if file_part and file_part not in file_starts:
        return None  # the file could not be loaded; already reported
    node_name = ref.text.split("#", 1)[1] if "#" in ref.text else ref.text
    hint = suggestions.hint(node_name, file_part)
    if hint and "#" in ref.text:
        hint = hint.replace('"', f'"{ref.text.split("#", 1)[0]}#', 1)
    return f'{ref.what} goes to unknown node "{ref.text}"{hint}'


class _Suggestions:
    """ "Did you mean" hints among the node names of each file, fast for big menus.

    ``did_you_mean`` compares a word with every name; with thousands of nodes
    and many misspellings that is quadratic. Above ``DIRECT`` names, a bigram
    index first picks the ``SHORTLIST`` names sharing the most letter pairs.
    """

    DIRECT = 200
    SHORTLIST = 50

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
                for gram in _bigrams(name):
                    index.setdefault(gram, []).append(i)
            self.index[file_part] = index
        shared: Counter[int] = Counter()
        for gram in _bigrams(word):
            shared.update(self.index[file_part].get(gram, ()))
        return did_you_mean(word, [names[i] for i, _ in shared.most_common(self.SHORTLIST)])


def _bigrams(word: str) -> set[str]:
    padded = f" {word.lower()} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _resolve_file_starts(nodes: dict[str, Node], file_starts: dict[str, str | None]) -> dict:
    """Replace ``other.yaml#`` targets (a whole file) by that file's start node."""
    from dataclasses import fields, replace

    def fix(value: Any) -> Any:
        if isinstance(value, str) and value.endswith("#") and value in file_starts:
            return file_starts[value] or value
        if isinstance(value, Option):
            return replace(value, goto=fix(value.goto))
        if isinstance(value, BranchRule):
            return replace(value, goto=fix(value.goto))
        if isinstance(value, tuple):
            return tuple(fix(v) for v in value)
        return value

    if len(file_starts) == 1:
        return nodes
    return {
        nid: replace(
            node,
            **{
                f.name: fix(getattr(node, f.name))
                for f in fields(node)
                if f.name not in ("id", "location")
            },
        )
        for nid, node in nodes.items()
    }


def check_menu(path: str | Path) -> tuple[Menu | None, list[MenuError]]:
    """Load ``path``; return the menu (or None) and the list of errors."""
    try:
        return load_menu(path), []
    except MenuLoadError as exc:
        return None, exc.errors
