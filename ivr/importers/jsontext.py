"""JSON with the line and column of every object, for importers that must say where.

``json`` reports where a document is malformed but not where a value is; importers
name the line of each widget or action in their warnings and in the menu's errors.
``parse_json`` parses with ``json`` (for its errors), then walks the top levels of
the text once more recording where each value starts, keyed by its path
(``("states", "3")``); deeper values are skipped at ``json``'s own speed.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from typing import Any

from ivr.errors import MenuError, MenuLoadError

Position = tuple[int, int]  # 1-based line and column
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
# json's own string scanner (escapes, surrogates): (text, index after the quote) -> (str, end)
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_DECODER = json.JSONDecoder()
_LITERALS = {"t": "true", "f": "false", "n": "null"}


def parse_json(text: str, name: str, depth: int = 2) -> tuple[Any, dict[tuple[str, ...], Position]]:
    """The document and the position of every value in it down to ``depth`` levels
    (``("states", "3")`` is two levels: a widget), by path. Deeper values are skipped
    by ``json``'s own scanner.

    Malformed JSON raises ``MenuLoadError`` at ``file:line:col`` (``json``'s position).

    >>> parse_json('{"states": [\\n  {"name": "a"}]}', "f.json")[1][("states", "0")]
    (2, 3)
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MenuLoadError(
            [MenuError(name, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")]
        ) from exc
    except RecursionError as exc:
        raise MenuLoadError([MenuError(name, 1, 1, "JSON is nested too deeply; refused")]) from exc
    return data, _Positions(text, depth).walk()


class _Positions:
    """One pass over valid JSON text recording where each value starts."""

    def __init__(self, text: str, depth: int):
        self.text = text
        self.depth = depth
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found: dict[tuple[str, ...], Position] = {}

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.lines, index)
        return line, index - self.lines[line - 1] + 1

    def walk(self) -> dict[tuple[str, ...], Position]:
        self.value(_SPACE.match(self.text, 0).end(), ())  # type: ignore[union-attr]
        return self.found

    def skip(self, index: int) -> int:
        return _SPACE.match(self.text, index).end()  # type: ignore[union-attr]

    def value(self, index: int, path: tuple[str, ...]) -> int:
        """Record where the value at ``index`` (and each inside it) starts; return its end."""
        char = self.text[index]
        self.found[path] = self.position(index)
        if len(path) >= self.depth:  # deeper positions are not wanted: json skips it
            return _DECODER.raw_decode(self.text, index)[1]
        if char == "{":
            index = self.skip(index + 1)
            while self.text[index] != "}":
                key, index = _scanstring(self.text, index + 1)
                index = self.skip(self.skip(index) + 1)  # past the colon
                index = self.skip(self.value(index, (*path, key)))
                if self.text[index] == ",":
                    index = self.skip(index + 1)
            return index + 1
        if char == "[":
            index = self.skip(index + 1)
            count = 0
            while self.text[index] != "]":
                index = self.skip(self.value(index, (*path, str(count))))
                count += 1
                if self.text[index] == ",":
                    index = self.skip(index + 1)
            return index + 1
        if char == '"':
            return _scanstring(self.text, index + 1)[1]
        if char in _LITERALS:
            return index + len(_LITERALS[char])
        return _NUMBER.match(self.text, index).end()  # type: ignore[union-attr]
