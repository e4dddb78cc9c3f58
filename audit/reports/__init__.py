"""Report formats: each module renders a list of ``MenuAudit`` results as text.

``FORMATS`` maps a format name to its ``render(audits, fail_on) -> str``;
``fail_on`` is the set of severities that fail the run (CI formats mark them).
A format's module is imported when its renderer is first looked up, so ``ivr
audit`` loads only the format it writes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audit.run import MenuAudit

Renderer = Callable[["list[MenuAudit]", frozenset[str]], str]


class _Renderers(Mapping[str, Renderer]):
    """Format name -> renderer, each format's module imported on first look-up."""

    def __init__(self, modules: dict[str, str]):
        self._modules = modules  # format name -> module in audit.reports

    def __getitem__(self, name: str) -> Renderer:
        render: Renderer = importlib.import_module(f"audit.reports.{self._modules[name]}").render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


FORMATS: Mapping[str, Renderer] = _Renderers(
    {
        "text": "text",
        "json": "json_report",
        "markdown": "markdown",
        "html": "html_report",
        "junit": "junit",
        "sarif": "sarif",
    }
)
