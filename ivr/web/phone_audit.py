"""What the browser phone's pages compute about a menu: its audit (headline and HTML
report) and its tree picture.

Pages must never starve live calls, so the work a page may do is bounded:

- each is made once per menu version (the very ``Menu`` object the menu
  cache serves) and kept until that menu changes; two pages asking at once wait
  for one piece of work, not two;
- a menu of more than ``MAX_PAGE_AUDIT_NODES`` nodes is neither audited nor
  drawn by a page: the page says so and points to ``ivr audit``/``ivr graph``;
- the menu list (``/``) is rendered once per set of menu versions and problems;
- rules that need a speech model (``PAGE_SKIPS``: listening to recorded
  prompts) are left to ``ivr audit``: a page never loads one.

>>> from ivr.loader import load_menu
>>> PageAudits().summary("acme-hot", load_menu("menus/acme-hot.yaml"))["temperature"]
'hot'
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from audit.reports import html_report
from audit.reports.common import counts, headline
from audit.run import MenuAudit, audit_menu
from ivr.drawing import tree_svg
from ivr.graph import build_graph
from ivr.model import Menu

MAX_PAGE_AUDIT_NODES = 2000
PAGE_SKIPS = ("IVR311",)  # prompt-check loads a speech model: seconds and memory per worker
EXTENSION = "ivr.page_audits"
UNAUDITED = "unaudited"


class PageAudits:
    """Audits and tree pictures of the served menus, one of each per menu version."""

    def __init__(self, max_nodes: int = MAX_PAGE_AUDIT_NODES):
        self.max_nodes = max_nodes
        self._done: dict[tuple[str, str], tuple[Menu, Any]] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._pages: dict[str, tuple[tuple, tuple[Menu | None, ...], str]] = {}

    def page(
        self, kind: str, key: tuple, menus: tuple[Menu | None, ...], make: Callable[[], str]
    ) -> str:
        """Page ``kind`` as ``make()`` renders it, kept while ``key`` and the very menu
        objects it shows (``menus``: their versions) stay the same; one kept per kind."""
        versions = tuple(map(id, menus))
        kept = self._pages.get(kind)
        if kept is not None and kept[0] == (key, versions):
            return kept[2]
        html = make()
        self._pages[kind] = ((key, versions), menus, html)  # holding the menus keeps ids unique
        return html

    def too_large(self, menu: Menu) -> bool:
        """True when ``menu`` is too large for a page to audit or draw."""
        return len(menu.nodes) > self.max_nodes

    def _once(self, kind: str, name: str, menu: Menu, make: Callable[[], Any]) -> Any:
        """``make()`` for this version of menu ``name``, made once and kept."""
        key = (kind, name)
        done = self._done.get(key)
        if done is not None and done[0] is menu:
            return done[1]
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            done = self._done.get(key)
            if done is None or done[0] is not menu:
                done = (menu, make())
                self._done[key] = done
            return done[1]

    def audit(self, name: str, menu: Menu) -> MenuAudit | None:
        """The audit of this version of ``name``; None when it is too large to audit here."""
        if self.too_large(menu):
            return None
        return self._once("audit", name, menu, lambda: audit_menu(menu, ignore=PAGE_SKIPS))

    def tree(self, name: str, menu: Menu) -> Markup:
        """The tree of this version of ``name`` as inline SVG (or why it is not drawn)."""
        if self.too_large(menu):
            return Markup(
                f"<p class='too-large'>{len(menu.nodes):,} nodes: too large to draw here "
                f"(up to {self.max_nodes:,}). Run <code>ivr graph</code> on it.</p>"
            )
        return self._once(
            "tree", name, menu, lambda: Markup(tree_svg(build_graph(menu), label=name))
        )

    def summary(self, name: str, menu: Menu) -> dict[str, str]:
        """Temperature, time to a human (first-time caller), depth and finding counts."""
        audit = self.audit(name, menu)
        if audit is None:
            return {
                "temperature": UNAUDITED,
                "time_to_human": f"too large to audit here: run ivr audit on {name}",
                "expert": "",
                "depth": f"{len(menu.nodes):,} nodes (pages audit up to {self.max_nodes:,})",
                "findings": "",
                "nearest": "",
            }
        figures = headline(audit)
        return {
            "temperature": audit.temperature,
            "time_to_human": figures["first_time"],
            "expert": figures["expert"],
            "depth": figures["depth"],
            "findings": counts(audit),
            "nearest": figures["nearest"],
        }

    def report_html(self, name: str, menu: Menu) -> str:
        """The auditor's self-contained HTML report of ``name`` (or why there is none)."""
        audit = self.audit(name, menu)
        if audit is None:
            return (
                "<!doctype html><title>Too large to audit here</title>"
                f"<p>{escape(name)} has {len(menu.nodes):,} nodes: too large to audit in a page "
                f"(up to {self.max_nodes:,}). Run <code>ivr audit</code> on it.</p>"
            )
        return self._once("report", name, menu, lambda: html_report.render([audit]))


def init_page_audits(app: Flask) -> PageAudits:
    """Give ``app`` its audit cache for pages."""
    audits = PageAudits()
    app.extensions[EXTENSION] = audits
    return audits


def page_audits() -> PageAudits:
    """The running app's audit cache for pages."""
    return current_app.extensions[EXTENSION]
