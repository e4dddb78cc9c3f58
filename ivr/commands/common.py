"""Helpers shared by commands: finding and loading menus, printing menu text safely.

Menu text (hotline names, node ids, prompts) is whatever the menu's author
wrote, YAML escapes included: ``"\\e[2J"`` in a hotline name would clear the
caller's screen. Every command prints it through ``echo`` (or ``terminal_text``),
which drops control characters and terminal escape sequences.

>>> terminal_text("ACME\\x1b[2J\\x1b[31m care\\x07\\r\\n")
'ACME care\\n'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import click

from ivr.discovery import MENU_SUFFIXES, menu_files
from ivr.errors import MenuLoadError
from ivr.loader import load_menu
from ivr.model import Menu

USAGE_ERROR = 2  # click's exit status for a command line that names nothing to work on

# ESC-introduced sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ESC \", two-byte
# escapes) and the one-byte CSI of 8-bit terminals; then every other control character
# except tab and newline.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """``text`` without control characters or escape sequences (tab and newline kept)."""
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of text that may contain menu text, made safe for a terminal."""
    click.echo(terminal_text(text), err=err, nl=nl)


def menu_paths(paths: Iterable[str]) -> list[Path]:
    """The menu files named by ``paths`` (folders: the menus in them).

    Exits 2 with what was looked for when there is none: a folder without
    menus is a mistake on the command line, not an empty success.
    """
    paths = tuple(paths)
    found = menu_files(paths)
    if not found:
        patterns = ", ".join(f"*{suffix}" for suffix in MENU_SUFFIXES)
        folders = ", ".join(f"{path.rstrip('/')}/" for path in paths)
        echo(f"Error: no menu files ({patterns}) in {folders}", err=True)
        raise SystemExit(USAGE_ERROR)
    return found


def load_or_exit(path: str | Path) -> Menu:
    """Load a menu, or print its errors (``file:line:col: message``) and exit 1."""
    try:
        return load_menu(path)
    except MenuLoadError as exc:
        for error in exc.errors:
            echo(str(error), err=True)
        raise SystemExit(1) from exc
