"""Safe YAML reading that keeps the line and column of every value.

``read_yaml`` returns plain Python data plus a ``Marks`` table keyed by the
path of each value (``("nodes", "main", "menu", "options", "1")``), so the
loader can point at the exact spot of any problem. Only the safe YAML subset
is accepted; mapping keys are kept as the text written in the file (so
``010:`` stays ``"010"``), duplicate keys are errors, and documents that expand
beyond a node budget (alias bombs) or files over a size limit are refused.
"""

from __future__ import annotations

import gc
import operator
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import MenuError, MenuLoadError
from ivr.linelimits import control_character

MAX_FILE_BYTES = 16_000_000
MAX_REPEATED = 200_000  # values a document may add by repeating anchored ones through aliases
# libyaml's parser when PyYAML was built with it (about ten times faster); same safe subset
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
PLAIN_TAGS = (MAP_TAG, SEQ_TAG)

Path_ = tuple[str, ...]


@dataclass
class Marks:
    """Line/column of every value (and of every mapping key) by its path.

    The tables keep libyaml's marks (0-based); ``at`` gives 1-based positions.
    """

    file: str
    values: dict[Path_, yaml.Mark] = field(default_factory=dict)
    keys: dict[Path_, yaml.Mark] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path`` (its key when ``key``), else of its nearest parent."""
        table = self.keys if key else self.values
        mark = table.get(path)
        if mark is not None:
            return mark.line + 1, mark.column + 1
        probe = tuple(path)
        while probe:
            if probe in table:
                return _pos(table[probe])
            probe = probe[:-1]
        return _pos(self.values[()]) if () in self.values else (1, 1)

    def error(
        self, path: Path_, message: str, *, key: bool = False, severity: str = "error"
    ) -> MenuError:
        """A ``MenuError`` located at ``path``."""
        line, col = self.at(path, key=key)
        return MenuError(self.file, line, col, message, severity)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Reading a large menu creates hundreds of thousands of YAML nodes, dicts and
    dataclasses, none of them garbage; without this, repeated full collections
    take more than half of the loading time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_WILDCARD = SafeLoader.yaml_implicit_resolvers.get(None, [])
_IMPLICIT = {  # first character of a plain scalar -> the [(tag, pattern)] to try
    first: [*resolvers, *_WILDCARD]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
    if first is not None
}


class _Loader(SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader with a faster tag resolver (the composer calls it for every value).

    Same result as PyYAML's ``BaseResolver.resolve`` for the safe loader, which
    has no path resolvers. The composer also calls ``descend_resolver`` and
    ``ascend_resolver`` around every value, which do nothing without path
    resolvers; C built-ins taking the same arguments stand in for them, and the
    tag of each distinct scalar is worked out once (``lru_cache``, per document).
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.resolve = lru_cache(maxsize=None)(self._resolve)
        self.descend_resolver = operator.is_  # (parent, index): ignored
        self.ascend_resolver = tuple  # (): ignored

    def dispose(self) -> None:
        super().dispose()
        self.resolve.cache_clear()

    def _resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], _WILDCARD):
                    if pattern.match(value):
                        return tag
            return STR_TAG
        return MAP_TAG if kind is yaml.MappingNode else SEQ_TAG


_SCALAR = yaml.ScalarNode


class _Expander:
    """Turns a composed YAML node tree into Python data, recording marks."""

    def __init__(self, loader: yaml.SafeLoader, marks: Marks):
        self.loader = loader
        self.file = marks.file
        self.values = marks.values
        self.keys = marks.keys
        self.errors: list[MenuError] = []
        self.merged_keys: set[Path_] = set()  # keys that came from a "<<" merge
        self.count = 0  # values expanded
        self.sizes: dict[int, int] = {}  # id of a collection node -> values in it
        self.repeated = 0  # values expanded again because an alias repeats them

    def expand(self, node: yaml.Node, path: Path_) -> Any:
        self.values[path] = node.start_mark
        if node.__class__ is yaml.ScalarNode:
            self.count += 1
            if node.tag == STR_TAG:  # most values are text: skip the constructor machinery
                if node.style == '"':  # escapes such as "\\e" come only in double quotes
                    self._check_text(node.value, node.start_mark)
                return node.value
            return self.loader.construct_object(node, deep=True)
        if node.tag not in PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"could not determine a constructor for the tag {node.tag!r}",
                node.start_mark,
            )
        size = self.sizes.get(id(node))
        if size is not None:  # an alias: the values of its anchor once more
            self.repeated += size
            if self.repeated > MAX_REPEATED:
                raise _TooBig(node)
        before = self.count
        self.count += 1
        if node.__class__ is yaml.MappingNode:
            data: Any = self._mapping(node, path)
        else:
            data = [self.expand(item, (*path, str(i))) for i, item in enumerate(node.value)]
        if size is None:
            self.sizes[id(node)] = self.count - before
        return data

    def _mapping(self, node: yaml.MappingNode, path: Path_, merged: int = 0) -> dict[str, Any]:
        """The mapping's data; ``merged`` counts its first pairs, which came from ``<<``."""
        result: dict[str, Any] = {}
        keys, values = self.keys, self.values
        for index, (key_node, value_node) in enumerate(node.value):
            if key_node.tag == MERGE_TAG:  # "<<: *base": merge, then read the mapping again
                written = sum(1 for key, _ in node.value if key.tag != MERGE_TAG)
                self.loader.flatten_mapping(node)
                merged = len(node.value) - written
                self.repeated += merged  # merged pairs repeat values written elsewhere
                if self.repeated > MAX_REPEATED:
                    raise _TooBig(node)
                return self._mapping(node, path, merged)
            if key_node.__class__ is not yaml.ScalarNode:
                line, col = _pos(key_node.start_mark)
                self.errors.append(
                    MenuError(self.file, line, col, "mapping keys must be plain text")
                )
                continue
            key = key_node.value
            if key_node.style == '"':
                self._check_text(key, key_node.start_mark)
            child = (*path, key)
            if key in result:
                if index >= merged and child in self.merged_keys:
                    self.merged_keys.discard(child)  # overrides a merged value: fine
                else:
                    line, col = _pos(key_node.start_mark)
                    first = _pos(keys[child])[0]
                    self.errors.append(
                        MenuError(
                            self.file,
                            line,
                            col,
                            f'duplicate key "{key}" (first defined at line {first})',
                        )
                    )
                    continue
            if index < merged:
                self.merged_keys.add(child)
            keys[child] = key_node.start_mark
            if (
                value_node.__class__ is _SCALAR
                and value_node.tag == STR_TAG
                and value_node.style != '"'
            ):
                values[child] = value_node.start_mark  # text without escapes, the most common
                result[key] = value_node.value  # value: read here, without a call to expand
                self.count += 1
            else:
                result[key] = self.expand(value_node, child)
        return result

    def _check_text(self, text: str, mark: yaml.Mark) -> None:
        """Refuse text with control characters (written as escapes such as ``\\e``)."""
        code = control_character(text)
        if code:
            line, col = _pos(mark)
            self.errors.append(
                MenuError(
                    self.file,
                    line,
                    col,
                    f"text contains the control character {code}, which a phone line cannot "
                    "say and which makes the webhook's TwiML not well-formed XML; remove it",
                )
            )


class _TooBig(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def read_yaml(
    path: str | Path, *, max_bytes: int = MAX_FILE_BYTES, display_name: str | None = None
) -> tuple[Any, Marks]:
    """Read one YAML document safely; raise ``MenuLoadError`` with located errors."""
    name = display_name or str(path)
    raw = _read_regular_file(path, max_bytes, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MenuLoadError([MenuError(name, line, 1, "file is not valid UTF-8 text")]) from exc
    return parse_yaml(text, name)


def _read_regular_file(path: str | Path, max_bytes: int, name: str) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (no FIFO, device or endless file)."""

    def refused(message: str) -> MenuLoadError:
        return MenuLoadError([MenuError(name, 1, 1, message)])

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # opening a FIFO would block
            raise refused("cannot read: not a regular file")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise refused(f"cannot read file: {exc.strerror}") from exc
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):  # replaced since the check above
            raise refused("cannot read: not a regular file")
        raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        size = max(info.st_size, len(raw))
        raise refused(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit for a menu")
    return raw


def parse_yaml(text: str, name: str = "<string>") -> tuple[Any, Marks]:
    """Parse YAML text (see ``read_yaml``).

    >>> data, marks = parse_yaml("a:\\n  b: 1\\n")
    >>> data, marks.at(("a", "b"))
    ({'a': {'b': 1}}, (2, 6))
    """
    marks = Marks(name)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise MenuLoadError([MenuError(name, 1, 1, "file is empty: expected a menu mapping")])
        expander = _Expander(loader, marks)
        data = expander.expand(root, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark != mark:
            if problem.startswith("but "):
                problem = f"{exc.context}, {problem}"
            else:
                problem += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        raise MenuLoadError([MenuError(name, line, col, f"invalid YAML: {problem}")]) from exc
    except yaml.YAMLError as exc:
        raise MenuLoadError([MenuError(name, 1, 1, f"invalid YAML: {exc}")]) from exc
    except _TooBig as exc:
        line, col = _pos(exc.node.start_mark)
        raise MenuLoadError(
            [
                MenuError(
                    name,
                    line,
                    col,
                    f"document repeats more than {MAX_REPEATED:,} values through aliases "
                    "(an alias bomb?); refused",
                )
            ]
        ) from exc
    except RecursionError as exc:
        raise MenuLoadError(
            [MenuError(name, 1, 1, "document is nested too deeply; refused")]
        ) from exc
    finally:
        loader.dispose()
    if expander.errors:
        raise MenuLoadError(expander.errors)
    return data, marks
