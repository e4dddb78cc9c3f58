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
    match = _closest(str(word), map(str, choices))
    return f' (did you mean "{match}"?)' if match is not None else ""


def _closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """``difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)``, found sooner.

    The same answer (the highest ratio, the greatest text among equals), but the ratio,
    the costly part, is worked out only for choices whose upper bound (``quick_ratio``)
    can still reach the best so far, highest bound first. A menu with thousands of
    misspellings asks this often.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    bounds = []
    for choice in choices:
        matcher.set_seq1(choice)
        if matcher.real_quick_ratio() >= cutoff and (bound := matcher.quick_ratio()) >= cutoff:
            bounds.append((bound, choice))
    best: tuple[float, str] | None = None
    for bound, choice in sorted(bounds, reverse=True):
        if best is not None and bound < best[0]:
            break  # no choice left can reach the best ratio
        matcher.set_seq1(choice)
        ratio = matcher.ratio()
        if ratio >= cutoff and (best is None or (ratio, choice) > best):
            best = (ratio, choice)
    return best[1] if best is not None else None
