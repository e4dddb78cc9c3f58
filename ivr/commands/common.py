"""Helpers shared by commands: loading menus with their errors printed."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.errors import MenuLoadError
from ivr.loader import load_menu
from ivr.model import Menu


def load_or_exit(path: str | Path) -> Menu:
    """Load a menu, or print its errors (``file:line:col: message``) and exit 1."""
    try:
        return load_menu(path)
    except MenuLoadError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from exc
