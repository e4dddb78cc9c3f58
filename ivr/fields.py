"""Typed, located reading of YAML values: every bad value becomes a ``MenuError``.

``FieldReader`` checks one value at a time (a mapping with known keys, text, a
number, a flag) and, instead of stopping at the first problem, records an
error at the value's ``file:line:col`` and carries on with a default, so that
every error of a file is reported at once.

>>> from ivr.yamlsource import parse_yaml
>>> data, marks = parse_yaml("timeout: soon\\n", "m.yaml")
>>> fields = FieldReader(marks)
>>> fields.number(("timeout",), data["timeout"], "timeout", 5.0)
5.0
>>> print(fields.errors[0])
m.yaml:1:10: timeout must be a number, got text 'soon'
"""

from __future__ import annotations

import math
from typing import Any

from ivr.errors import MenuError, did_you_mean
from ivr.model import Location
from ivr.yamlsource import Marks

Where = tuple[str, ...]


class FieldReader:
    """Checks values of one file, collecting located errors in ``errors``."""

    def __init__(self, marks: Marks):
        self.marks = marks
        self.errors: list[MenuError] = []
        self.warnings: list[MenuError] = []

    def error(self, where: Where, message: str, *, key: bool = False) -> None:
        """Record an error at ``where`` (its key when ``key``)."""
        self.errors.append(self.marks.error(where, message, key=key))

    def warn(self, where: Where, message: str, *, key: bool = False) -> None:
        """Record a warning at ``where``: the menu loads, but a real line serves it badly."""
        self.warnings.append(self.marks.error(where, message, key=key, severity="warning"))

    def location(self, where: Where, *, key: bool = False) -> Location:
        """The file, line and column of ``where``."""
        line, col = self.marks.at(where, key=key)
        return Location(self.marks.file, line, col)

    def mapping(
        self,
        where: Where,
        value: Any,
        allowed: tuple[str, ...],
        what: str,
        required: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Check ``value`` is a mapping with only ``allowed`` keys; return it (or {})."""
        if not isinstance(value, dict):
            self.error(where, f"{what} must be a mapping, got {type_name(value)}")
            return {}
        unknown = [key for key in value if key not in allowed]
        for key in unknown:
            self.error(
                (*where, key),
                f'unknown key "{key}" in {what}{did_you_mean(key, allowed)}; '
                f"expected one of: {', '.join(allowed)}",
                key=True,
            )
        for key in required:
            if key not in value:
                self.error(where, f'{what} is missing required key "{key}"')
        return {k: v for k, v in value.items() if k in allowed} if unknown else dict(value)

    def text(self, where: Where, value: Any, what: str, default: str = "") -> str:
        """``value`` as text (numbers too), or ``default`` when absent or not text."""
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(where, f"{what} must be text, got {type_name(value)}")
            return default
        return str(value)

    def number(
        self,
        where: Where,
        value: Any,
        what: str,
        default: float | None = None,
        *,
        minimum: float = 0,
        maximum: float = math.inf,
        integer: bool = False,
        unit: str = "",
    ) -> Any:
        """``value`` as a finite number from ``minimum`` to ``maximum`` (an int when ``integer``).

        ``unit`` ("seconds") follows the limits in error messages.
        """
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "a whole number" if integer else "a number"
            self.error(where, f"{what} must be {kind}, got {type_name(value)} {value!r}")
            return default
        if not math.isfinite(value):
            self.error(where, f"{what} must be a finite number, got {_yaml_float(value)}")
            return default
        if integer and not float(value).is_integer():
            self.error(where, f"{what} must be a whole number, got {value!r}")
            return default
        unit = f" {unit}" if unit else ""
        if value < minimum:
            self.error(where, f"{what} must be at least {minimum:,g}{unit}, got {value!r}")
            return default
        if value > maximum:
            self.error(where, f"{what} must be at most {maximum:,g}{unit}, got {value!r}")
            return default
        return int(value) if integer else float(value)

    def flag(self, where: Where, value: Any, what: str, default: bool = False) -> bool:
        """``value`` as true/false, or ``default`` when absent or not a boolean."""
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(where, f"{what} must be true or false, got {value!r}")
            return default
        return value


def _yaml_float(value: float) -> str:
    """How YAML writes a float that is not finite: ``.inf``, ``-.inf``, ``.nan``."""
    if math.isnan(value):
        return ".nan"
    return ".inf" if value > 0 else "-.inf"


def type_name(value: Any) -> str:
    """How an error message names the type of ``value``."""
    if value is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
