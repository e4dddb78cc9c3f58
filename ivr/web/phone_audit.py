"""The auditor, as the browser phone's pages see it: a menu's headline and its HTML report.

Audits are cached per file and modification time, so the menu list stays
quick and an edited menu is audited again.

>>> from pathlib import Path
>>> summary(Path("menus/acme-hot.yaml"))["temperature"]
'hot'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from audit.reports import html_report
from audit.reports.common import counts, headline
from audit.run import MenuAudit, audit_menu
from ivr.loader import load_menu


@lru_cache(maxsize=64)
def _audit(path: str, _mtime: int) -> MenuAudit:
    """The audit of the menu at ``path``; ``_mtime`` is only part of the cache key."""
    return audit_menu(load_menu(path))


def audit_of(path: Path) -> MenuAudit:
    """The audit of the menu file at ``path`` (cached until the file changes)."""
    return _audit(str(path), path.stat().st_mtime_ns)


def summary(path: Path) -> dict[str, str]:
    """Temperature, time to a human (first-time caller), depth and finding counts."""
    audit = audit_of(path)
    figures = headline(audit)
    return {
        "temperature": audit.temperature,
        "time_to_human": figures["first_time"],
        "expert": figures["expert"],
        "depth": figures["depth"],
        "findings": counts(audit),
        "nearest": figures["nearest"],
    }


def report_html(path: Path) -> str:
    """The auditor's self-contained HTML report of one menu."""
    return html_report.render([audit_of(path)])
