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
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import MenuError, MenuLoadError
from ivr.linelimits import control_character

MAX_FILE_BYTES = 4_000_000
MAX_NODES = 200_000
# libyaml's parser when PyYAML was built with it (about ten times faster); same safe subset
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

Path_ = tuple[str, ...]


@dataclass
class Marks:
    """Line/column of every value (and of every mapping key) by its path."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path`` (its key when ``key``), else of its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

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


class _Expander:
    """Turns a composed YAML node tree into Python data, recording marks."""

    def __init__(self, loader: yaml.SafeLoader, marks: Marks):
        self.loader = loader
        self.marks = marks
        self.count = 0
        self.errors: list[MenuError] = []
        self.merged_keys: set[Path_] = set()  # keys that came from a "<<" merge

    def expand(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node)
        self.marks.values.setdefault(path, _pos(node.start_mark))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"could not determine a constructor for the tag {node.tag!r}",
                node.start_mark,
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.expand(item, (*path, str(i))) for i, item in enumerate(node.value)]
        if node.tag == STR_TAG:  # most values are text: skip the constructor machinery
            if getattr(node, "style", None) == '"':  # only "..." turns escapes into controls
                self._check_text(node.value, node.start_mark)
            return node.value
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        written = sum(1 for key, _ in node.value if key.tag != MERGE_TAG)
        self.loader.flatten_mapping(node)
        merged = len(node.value) - written  # "<<: *base" pairs come first; later keys win
        result: dict[str, Any] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _pos(key_node.start_mark)
                self.errors.append(
                    MenuError(self.marks.file, line, col, "mapping keys must be plain text")
                )
                continue
            key = str(key_node.value)
            if key_node.style == '"':
                self._check_text(key, key_node.start_mark)
            child = (*path, key)
            if key in result and index >= merged and child in self.merged_keys:
                self.merged_keys.discard(child)  # overrides a merged value: fine
            elif key in result:
                line, col = _pos(key_node.start_mark)
                first = self.marks.keys[child]
                self.errors.append(
                    MenuError(
                        self.marks.file,
                        line,
                        col,
                        f'duplicate key "{key}" (first defined at line {first[0]})',
                    )
                )
                continue
            if index < merged:
                self.merged_keys.add(child)
            self.marks.keys[child] = _pos(key_node.start_mark)
            result[key] = self.expand(value_node, child)
        return result

    def _check_text(self, text: str, mark: yaml.Mark) -> None:
        """Refuse text with control characters (written as escapes such as ``\\e``)."""
        code = control_character(text)
        if code:
            line, col = _pos(mark)
            self.errors.append(
                MenuError(
                    self.marks.file,
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
    loader = SafeLoader(text)
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
                    f"document expands to more than {MAX_NODES:,} values (alias bomb?); refused",
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
