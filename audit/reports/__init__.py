"""Report formats: each module renders a list of ``MenuAudit`` results as text.

``FORMATS`` maps a format name to its ``render(audits, fail_on) -> str``;
``fail_on`` is the set of severities that fail the run (CI formats mark them).
"""

from __future__ import annotations

from collections.abc import Callable

from audit.reports import html_report, json_report, junit, markdown, sarif, text
from audit.run import MenuAudit

Renderer = Callable[[list[MenuAudit], frozenset[str]], str]
FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "markdown": markdown.render,
    "html": html_report.render,
    "junit": junit.render,
    "sarif": sarif.render,
}
