"""Helpers for the auditor tests: a menu with no findings, and variants that break one thing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import yaml

from audit.config import load_config
from audit.run import MenuAudit, audit_menu
from ivr.loader import load_menu

ROOT = Path(__file__).resolve().parents[2]
MENUS = ROOT / "menus"

GOOD = {
    "hotline": {
        "name": "Good line",
        "languages": ["en"],
        "timezone": "UTC",
        "promise": {"hours": "24/7", "time_to_human": 60},
    },
    # callers who never hang up (Erlang C): the timing tests check waits by hand
    "defaults": {"timeout": 5, "retries": 2, "on_fail": "agent", "patience": "unlimited"},
    "start": "welcome",
    "nodes": {
        "welcome": {"say": "Hello.", "next": "main"},
        "main": {
            "menu": {
                "prompt": "For billing, press 1. For an agent, press 0.",
                "options": {"0": {"goto": "agent", "say": ["agent"]}, "1": "billing"},
            }
        },
        "billing": {
            "queue": {
                "agents": 5,
                "handle_time": 120,
                "calls_per_hour": 30,
                "announce_wait": True,
                "callback": True,
                "hold": "music",
            }
        },
        "agent": {
            "queue": {
                "agents": 5,
                "handle_time": 120,
                "calls_per_hour": 30,
                "announce_wait": True,
                "callback": True,
                "hold": "music",
            }
        },
    },
}


def good() -> dict:
    """A fresh copy of the menu that no rule finds fault with."""
    return copy.deepcopy(GOOD)


def write_menu(tmp_path: Path, data: dict | str, name: str = "menu.yaml") -> Path:
    """Write a menu (a dict or YAML text) to ``tmp_path/name``."""
    path = tmp_path / name
    text = (
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


def audit_data(tmp_path: Path, data: dict | str, config: str = "default", **kw) -> MenuAudit:
    """Audit a menu given as data."""
    return audit_menu(load_menu(write_menu(tmp_path, data)), load_config(config), **kw)


def variant(change: Callable[[dict], None]) -> dict:
    """The good menu with ``change`` applied."""
    data = good()
    change(data)
    return data


def codes(result: MenuAudit) -> set[str]:
    """The rule codes of a result's findings."""
    return {f.code for f in result.findings}
