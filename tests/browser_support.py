"""How the browser tests start Chromium: Debian's build (``make test`` installs it), headless."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def expect(actual: Any, message: str | None = None) -> Any:
    """Playwright's ``expect``, imported when a browser test first calls it: importing
    Playwright costs 0.4 s, which the fast loop would pay at collection for nothing."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)
