"""What every rule is: a code, a name, a default severity, options, and a check.

A rule's class docstring is its documentation, in four headed parts:
``What:``, ``Why it hurts callers:``, ``Failing example:`` and ``Fix:``
(``DOC_SECTIONS``); the reports and ``docs/rules.md`` show it.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from audit.context import Context

SEVERITIES = ("error", "warning", "info")
DOC_SECTIONS = ("What:", "Why it hurts callers:", "Failing example:", "Fix:")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a menu, where it is, and how bad it is."""

    file: str
    line: int
    code: str
    node: str
    rule: str
    severity: str
    message: str
    col: int = 1

    @property
    def cause(self) -> tuple[str, str, str]:
        """Its root cause: code, severity and the message with its own node said as "each".

        Findings that differ only in the node they name share one cause (one
        ``on_fail: goodbye`` under ``defaults:`` found in every menu).
        """
        message = self.message.replace(f'"{self.node}"', "each") if self.node else self.message
        return (self.code, self.severity, message)

    def as_dict(self) -> dict[str, Any]:
        """The finding as in the JSON report (DESIGN.md key order)."""
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "node": self.node,
            "line": self.line,
            "message": self.message,
        }


class Rule:
    """Base of the rules; subclasses set the class attributes and ``check``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    options: ClassVar[dict[str, Any]] = {}

    def __init__(self, severity: str | None = None, **options: Any):
        unknown = set(options) - set(type(self).options)
        if unknown:
            raise ValueError(
                f"{self.code} has no option {', '.join(sorted(unknown))}; "
                f"its options: {', '.join(self.options) or 'none'}"
            )
        if severity is not None and severity not in SEVERITIES:
            raise ValueError(
                f"{self.code}: severity must be one of {', '.join(SEVERITIES)}, got {severity!r}"
            )
        self.level = severity or type(self).severity
        self.settings = {**type(self).options, **options}

    def check(self, ctx: Context) -> Iterator[Finding]:
        """Yield the findings of this rule for the menu of ``ctx``."""
        raise NotImplementedError

    def finding(
        self, ctx: Context, node: str, message: str, severity: str | None = None
    ) -> Finding:
        """A finding of this rule at ``node`` (its file, line and column)."""
        location = ctx.menu.nodes[node].location if node in ctx.menu.nodes else None
        return Finding(
            file=location.file if location else ctx.menu.path,
            line=location.line if location else 1,
            code=self.code,
            node=node,
            rule=self.name,
            severity=severity or self.level,
            message=message,
            col=location.col if location else 1,
        )

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation (its class docstring, dedented)."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first line of the documentation."""
        return cls.doc().splitlines()[0] if cls.doc() else ""

    @classmethod
    def sections(cls) -> dict[str, str]:
        """The documentation split into its headed parts (``DOC_SECTIONS``)."""
        doc = cls.doc()
        found: dict[str, str] = {}
        positions = sorted((doc.find(h), h) for h in DOC_SECTIONS if h in doc)
        for i, (start, heading) in enumerate(positions):
            end = positions[i + 1][0] if i + 1 < len(positions) else len(doc)
            found[heading.rstrip(":")] = doc[start + len(heading) : end].strip()
        return found


def doc_problems(rule: type[Rule]) -> list[str]:
    """What is missing from a rule's documentation (empty when it is complete)."""
    problems = []
    if not rule.summary():
        problems.append(f"{rule.code or rule.__name__} has no docstring")
    sections = rule.sections()
    problems.extend(
        f'{rule.code or rule.__name__} docs lack "{heading}"'
        for heading in DOC_SECTIONS
        if not sections.get(heading.rstrip(":"))
    )
    return problems
