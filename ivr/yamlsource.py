"""Safe YAML reading that keeps the line and column of every value.

``read_yaml`` returns plain Python data plus ``Marks``, which gives the
position of each value by its path (``("nodes", "main", "menu", "options", "1")``),
so the loader can point at the exact spot of any problem. Only the safe YAML subset
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
from ivr.linelimits import CONTROL, control_character

MAX_FILE_BYTES = 16_000_000
MAX_REPEATED = 200_000  # values a document may add by repeating anchored ones through aliases
# libyaml's parser when PyYAML was built with it (about ten times faster); same safe subset
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
INT_TAG = "tag:yaml.org,2002:int"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
PLAIN_TAGS = (MAP_TAG, SEQ_TAG)
_SCALAR = yaml.ScalarNode
_MAPPING = yaml.MappingNode
_SEQUENCE = yaml.SequenceNode
_SCANNED = 12  # mappings this long or shorter are searched for a key, longer ones indexed

Path_ = tuple[str, ...]


@dataclass
class Marks:
    """Line/column of every value (and of every mapping key), found by its path.

    A path is the keys (and list indexes, as text) from the top of the document:
    ``("nodes", "main", "menu", "options", "1")``. Positions are looked up in the
    composed YAML ``document`` only when asked for (most values never need one), so
    reading a file records nothing per value. Data read by other means (a foreign
    flow's importer) gives its positions in the tables ``values`` and ``keys``
    instead. Marks are libyaml's (0-based); ``at`` gives 1-based positions.
    """

    file: str
    values: dict[Path_, yaml.Mark] = field(default_factory=dict)
    keys: dict[Path_, yaml.Mark] = field(default_factory=dict)
    document: yaml.Node | None = None
    _indexes: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    _last: tuple[Path_ | None, Any] = field(default=(None, None), repr=False)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path`` (its key when ``key``), else of its nearest parent.

        The walk to the parent of the last path asked for is kept, with the parent's
        children by key: a reader asks for the options of one menu (or the nodes of one
        file) one after the other.
        """
        document = self.document
        if document is None:
            return self._in_tables(path, key)
        parent = path[:-1]
        if parent == self._last[0]:
            node, key_mark, children = self._last[1]
        else:
            node, key_mark, complete = self._walk(document, None, parent)
            children = self._children(node) if complete else None
            self._last = (parent, (node, key_mark, children))
        if path and children is not None:
            pair = children.get(path[-1])
            if pair is not None:
                key_node, node = pair
                if key_node is not None:
                    key_mark = key_node.start_mark
        mark = (key_mark or document.start_mark) if key else node.start_mark
        return mark.line + 1, mark.column + 1

    def error(
        self, path: Path_, message: str, *, key: bool = False, severity: str = "error"
    ) -> MenuError:
        """A ``MenuError`` located at ``path``."""
        line, col = self.at(path, key=key)
        return MenuError(self.file, line, col, message, severity)

    def _in_tables(self, path: Path_, key: bool) -> tuple[int, int]:
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return _pos(table[probe])
            probe = probe[:-1]
        return _pos(self.values[()]) if () in self.values else (1, 1)

    def _walk(
        self, node: yaml.Node, key_mark: yaml.Mark | None, parts: Path_
    ) -> tuple[yaml.Node, yaml.Mark | None, bool]:
        """From ``node`` down ``parts``: the node reached, the last key on the way, and
        whether every part was found. A mapping's value is its last pair with the key,
        as in the data (a key written after a ``<<`` merge overrides the merged one)."""
        for part in parts:
            if node.__class__ is _MAPPING:
                pairs = node.value
                if len(pairs) > _SCANNED:
                    pair = self._index(node).get(part)
                else:
                    for pair in reversed(pairs):
                        if pair[0].value == part:
                            break
                    else:
                        pair = None
                if pair is None:
                    return node, key_mark, False
                key_node, node = pair
                key_mark = key_node.start_mark
            elif node.__class__ is _SEQUENCE and _is_index(part, len(node.value)):
                node = node.value[int(part)]
            else:
                return node, key_mark, False
        return node, key_mark, True

    def _index(self, node: yaml.MappingNode) -> dict[str, Any]:
        """The pairs of a mapping by key (the last pair of each key)."""
        index = self._indexes.get(id(node))
        if index is None:
            index = self._indexes[id(node)] = {
                pair[0].value: pair for pair in node.value if pair[0].__class__ is _SCALAR
            }
        return index

    def _children(self, node: yaml.Node) -> dict[str, Any] | None:
        """A collection's (key, value) nodes by path part: a mapping's by key, a list's
        items (without a key) by index as text; None for a scalar."""
        if node.__class__ is _MAPPING:
            return self._index(node)
        if node.__class__ is _SEQUENCE:
            items = self._indexes.get(id(node))
            if items is None:
                items = self._indexes[id(node)] = {
                    str(i): (None, item) for i, item in enumerate(node.value)
                }
            return items
        return None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Reading a large menu creates hundreds of thousands of YAML nodes, dicts and
    dataclasses, none of them garbage; without this, repeated full collections
    take more than half of the loading time. On resuming, the objects made meanwhile
    go straight to the oldest generation (``gc.freeze`` then ``gc.unfreeze``): the
    collector's first young pass would otherwise walk every one of them (0.3-0.7 s
    for a 100,000-node menu). Reference counting frees them as ever.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
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
        self.merged: dict[int, int] = {}  # id of a flattened mapping -> pairs merged into it
        self.descend_resolver = operator.is_  # (parent, index): ignored
        self.ascend_resolver = tuple  # (): ignored

    def flatten_mapping(self, node: yaml.MappingNode) -> int:
        """PyYAML's merge of ``<<`` pairs, also done for the mappings a merge reaches into;
        return how many pairs the merges put first in ``node`` (kept in ``merged``, as a
        mapping read again, through an alias, is already flattened)."""
        merged = self.merged.get(id(node))
        if merged is None:
            written = sum(1 for key, _ in node.value if key.tag != MERGE_TAG)
            super().flatten_mapping(node)
            merged = self.merged[id(node)] = len(node.value) - written
        return merged

    def dispose(self) -> None:
        super().dispose()
        self.resolve.cache_clear()
        del self.resolve  # the cache holds this loader: a cycle, kept while collection is paused

    def _resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], _WILDCARD):
                    if pattern.match(value):
                        return tag
            return STR_TAG
        return MAP_TAG if kind is yaml.MappingNode else SEQ_TAG


class _Expander:
    """Turns a composed YAML node tree into Python data (positions stay in the tree)."""

    def __init__(
        self, loader: _Loader, file: str, *, check_text: bool, may_merge: bool, may_alias: bool
    ):
        self.loader = loader
        self.file = file
        self.check_text = check_text  # False: no text of the document can hold a control character
        self.may_merge = may_merge  # False: the document has no "<<" merge key
        self.may_alias = may_alias  # False: the document has no alias (it would start with *)
        self.errors: list[MenuError] = []
        self.count = 0  # values expanded
        self.sizes: dict[int, int] = {}  # id of a collection node -> values in it
        self.repeated = 0  # values expanded again because an alias repeats them

    def expand(self, node: yaml.Node) -> Any:
        if node.__class__ is _SCALAR:
            self.count += 1
            if node.tag == STR_TAG:  # most values are text: skip the constructor machinery
                if node.style == '"' and self.check_text:  # escapes come only in double quotes
                    self._check_text(node.value, node.start_mark)
                return node.value
            value = node.value
            if node.tag == INT_TAG and value.isdigit() and value.isascii() and value[0] != "0":
                return int(value)  # a plain decimal number: what the constructor gives, sooner
            return self.loader.construct_object(node, deep=True)
        if node.tag not in PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"could not determine a constructor for the tag {node.tag!r}",
                node.start_mark,
            )
        if not self.may_alias:  # each collection is read once: nothing to count
            self.count += 1
            if node.__class__ is _MAPPING:
                return self._mapping(node)
            return [self.expand(item) for item in node.value]
        size = self.sizes.get(id(node))
        if size is not None:  # an alias: the values of its anchor once more
            self.repeated += size
            if self.repeated > MAX_REPEATED:
                raise _TooBig(node)
        before = self.count
        self.count += 1
        if node.__class__ is _MAPPING:
            data: Any = self._mapping(node)
        else:
            data = [self.expand(item) for item in node.value]
        if size is None:
            self.sizes[id(node)] = self.count - before
        return data

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        """The mapping's data; its first ``merged`` pairs came from ``<<`` merges."""
        merged = self._merge(node) if self.may_merge else 0
        result: dict[str, Any] = {}
        overridable: set[str] = set()  # keys that came from a "<<" merge, not yet overridden
        texts = 0  # plain text values read here, without a call to expand
        check_text = self.check_text
        for index, (key_node, value_node) in enumerate(node.value):
            if key_node.__class__ is not _SCALAR:
                self._error(key_node.start_mark, "mapping keys must be plain text")
                continue
            key = key_node.value
            if key_node.style == '"' and check_text:
                self._check_text(key, key_node.start_mark)
            if key in result:
                if index >= merged and key in overridable:
                    overridable.discard(key)  # overrides a merged value: fine
                else:
                    first = _defined_at(node.value, index, key, merged)
                    self._error(
                        key_node.start_mark,
                        f'duplicate key "{key}" (first defined at line {first.line + 1})',
                    )
                    continue
            if index < merged:
                overridable.add(key)
            if (
                value_node.__class__ is _SCALAR
                and value_node.tag == STR_TAG
                and (value_node.style != '"' or not check_text)
            ):
                result[key] = value_node.value  # text without escapes, the most common value:
                texts += 1  # read here, without a call to expand
            else:
                result[key] = self.expand(value_node)
        self.count += texts
        return result

    def _merge(self, node: yaml.MappingNode) -> int:
        """Put the pairs of ``<<: *base`` merges first in the mapping (the first time it is
        read); return how many pairs the merges gave it."""
        merged = self.loader.merged.get(id(node))
        if merged is None:
            if any(key.tag == MERGE_TAG for key, _ in node.value):
                merged = self.loader.flatten_mapping(node)
                self.repeated += merged  # merged pairs repeat values written elsewhere
                if self.repeated > MAX_REPEATED:
                    raise _TooBig(node)
            else:
                merged = self.loader.merged[id(node)] = 0
        return merged

    def _check_text(self, text: str, mark: yaml.Mark) -> None:
        """Refuse text with control characters (written as escapes such as ``\\e``)."""
        code = control_character(text)
        if code:
            self._error(
                mark,
                f"text contains the control character {code}, which a phone line cannot "
                "say and which makes the webhook's TwiML not well-formed XML; remove it",
            )

    def _error(self, mark: yaml.Mark, message: str) -> None:
        line, col = _pos(mark)
        self.errors.append(MenuError(self.file, line, col, message))


def _defined_at(pairs: list, index: int, key: str, merged: int) -> yaml.Mark:
    """The mark of the key that holds ``key``'s value when pair ``index`` repeats it: its
    first occurrence, or the first written one when that overrode a merged value."""
    earlier = [
        at
        for at, (key_node, _) in enumerate(pairs[:index])
        if key_node.__class__ is _SCALAR and key_node.value == key
    ]
    holder = earlier[0]
    if holder < merged:
        holder = next((at for at in earlier if at >= merged), holder)
    return pairs[holder][0].start_mark


class _TooBig(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _is_index(part: Any, length: int) -> bool:
    """Whether ``part`` is how a path writes an index of a list of ``length`` items ("0"...)."""
    return (
        isinstance(part, str)
        and part.isascii()
        and part.isdigit()
        and str(int(part)) == part
        and int(part) < length
    )


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
    loader = _Loader(text)
    # text holds a control character only if the file does, or writes one as an escape;
    # a merge key is a plain "<<" or has an explicit tag (which starts with "!")
    check_text = "\\" in text or CONTROL.search(text) is not None
    may_merge = "<<" in text or "!" in text
    try:
        root = loader.get_single_node()
        if root is None:
            raise MenuLoadError([MenuError(name, 1, 1, "file is empty: expected a menu mapping")])
        expander = _Expander(
            loader, name, check_text=check_text, may_merge=may_merge, may_alias="*" in text
        )
        data = expander.expand(root)
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
    return data, Marks(name, document=root)
