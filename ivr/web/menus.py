"""The menus a webhook serves: loaded once, reloaded when a file changes on disk."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

from ivr.discovery import MENU_SUFFIXES
from ivr.errors import MenuLoadError
from ivr.loader import load_menu
from ivr.model import Menu

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
log = logging.getLogger(__name__)


class MenuCache:
    """Menus of one folder by name (file name without ``.yaml``).

    A menu is loaded on first use and again only when its file's modification
    time or size changes (looked at no more than once per ``check_every``
    seconds); a file that fails to load is remembered as broken until it
    changes, so a bad edit costs one load, not one per request.
    """

    def __init__(self, folder: Path, check_every: float = 1.0):
        self.folder = folder
        self.check_every = check_every
        self._loaded: dict[str, tuple[tuple[int, int], Menu | None]] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """Names of the menus in the folder, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(
            p.stem
            for p in self.folder.iterdir()
            if p.suffix in MENU_SUFFIXES and NAME_PATTERN.match(p.stem)
        )

    def get(self, name: str) -> Menu | None:
        """The menu called ``name``, or None when there is none (or it does not load)."""
        cached = self._loaded.get(name)
        now = time.monotonic()
        if cached and now - self._checked.get(name, 0.0) < self.check_every:
            return cached[1]
        path = self._file(name)
        if path is None:
            return None
        self._checked[name] = now
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._loaded.get(name)
        if cached and cached[0] == stamp:
            return cached[1]
        with self._lock:
            cached = self._loaded.get(name)
            if cached and cached[0] == stamp:
                return cached[1]
            menu = self._load(path)
            self._loaded[name] = (stamp, menu)
            return menu

    def _file(self, name: str) -> Path | None:
        if not NAME_PATTERN.match(name) or ".." in name:
            return None
        for suffix in MENU_SUFFIXES:
            path = self.folder / f"{name}{suffix}"
            if path.is_file():
                return path
        return None

    @staticmethod
    def _load(path: Path) -> Menu | None:
        try:
            return load_menu(path)
        except MenuLoadError as exc:
            log.warning("menu %s does not load: %s", path, "; ".join(map(str, exc.errors)))
        except OSError as exc:
            log.warning("menu %s cannot be read: %s", path, exc)
        return None
