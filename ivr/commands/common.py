"""Helpers shared by commands: finding menu files, loading them with errors printed."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.errors import MenuLoadError
from ivr.loader import load_menu
from ivr.model import Menu

MENU_SUFFIXES = (".yaml", ".yml")


def menu_files(paths: tuple[str, ...]) -> list[Path]:
    """The menu files named by ``paths``; a folder stands for its ``*.yaml`` files."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in MENU_SUFFIXES))
        else:
            files.append(path)
    return files


def load_or_exit(path: str | Path) -> Menu:
    """Load a menu, or print its errors (``file:line:col: message``) and exit 1."""
    try:
        return load_menu(path)
    except MenuLoadError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from exc
