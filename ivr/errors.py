"""Located errors: every problem in a menu names ``file:line:col``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class MenuError:
    """One problem found in a menu file, at a 1-based line and column.

    >>> str(MenuError("menus/acme.yaml", 31, 9, "unknown node"))
    'menus/acme.yaml:31:9: unknown node'
    """

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message}"


class MenuLoadError(Exception):
    """Raised when a menu cannot be loaded; carries every error of the file."""

    def __init__(self, errors: Iterable[MenuError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a ``' (did you mean "x"?)'`` suffix when a close match exists.

    >>> did_you_mean("biling", ["billing", "agent"])
    ' (did you mean "billing"?)'
    >>> did_you_mean("zzz", ["billing"])
    ''
    """
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f' (did you mean "{matches[0]}"?)' if matches else ""
