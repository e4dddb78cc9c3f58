"""The menus a webhook serves: one cache for every route, that survives bad edits.

Every route of the app (the voice webhook, the browser phone, its audit pages
and the menu list) asks the app's one ``MenuCache`` (``menu_cache(app)``).

- A menu is loaded on first use and again only when its file, or another file
  it reaches into (``goto: other.yaml#node``), changes (modification time, size
  or inode; looked at no more than once per ``check_every`` seconds).
- A changed file is taken only once it has not changed for ``check_every``
  seconds (an editor that writes in several steps is not caught half way) and
  only when it loads: a version with errors is reported (the log and the menu
  list) and callers keep hearing the last version that loaded.
- Only regular files inside the folder are read, up to the loader's size limit:
  a link to ``/dev/zero`` or outside the folder, a named pipe or a folder
  named like a menu are listed as problems, never opened.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ivr.discovery import MENU_SUFFIXES, is_flow
from ivr.errors import MenuLoadError
from ivr.importers.detect import FLOW_SUFFIXES
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.yamlsource import MAX_FILE_BYTES

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
EXTENSION = "ivr.menus"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuStatus:
    """A served menu: the version callers get (None: none loads) and what is wrong on disk."""

    name: str
    menu: Menu | None
    problems: tuple[str, ...] = ()


FileVersion = tuple[int, int, int] | None  # modification time, size, inode (None: missing)


@dataclass
class _Entry:
    stamp: tuple[FileVersion, ...] | None  # the files' versions last looked at
    menu: Menu | None  # the last version that loaded
    problems: tuple[str, ...]  # why the file on disk is not the version served
    checked: float  # monotonic time of the last look
    sources: tuple[str, ...] = ()  # the other files the served version was read from


class MenuCache:
    """The menus of one folder by name (file name without ``.yaml``)."""

    def __init__(self, folder: Path, check_every: float = 1.0):
        self.folder = folder
        self.check_every = check_every
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def names(self) -> list[str]:
        """Names of the menu files in the folder, sorted (YAML menus without opening any of
        them; imported flows, ``.json`` and the like, when their content is a flow)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return []
        return sorted(
            {
                stem
                for entry in entries
                for stem, suffix in [os.path.splitext(entry.name)]
                if NAME_PATTERN.match(stem)
                and (suffix in MENU_SUFFIXES or self._is_flow(Path(entry.path)))
            }
        )

    def get(self, name: str) -> Menu | None:
        """The version of ``name`` callers get: the last that loaded; None when none did."""
        return self.status(name).menu

    def status(self, name: str) -> MenuStatus:
        """The served version of ``name`` and any problem with its file on disk."""
        entry = self._entries.get(name)
        if entry is not None and time.monotonic() - entry.checked < self.check_every:
            return MenuStatus(name, entry.menu, entry.problems)
        path = self._path(name)
        if path is None:
            self._entries.pop(name, None)
            return MenuStatus(name, None)
        with self._lock(name):  # one load per menu at a time; other menus are not held up
            entry = self._entries.get(name)
            if entry is None or time.monotonic() - entry.checked >= self.check_every:
                entry = self._refresh(name, path, entry)
            return MenuStatus(name, entry.menu, entry.problems)

    def _lock(self, name: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(name, threading.Lock())

    def _path(self, name: str) -> Path | None:
        """The file of menu ``name`` in the folder (not necessarily readable), or None."""
        if not NAME_PATTERN.match(name) or ".." in name:
            return None
        for suffix in MENU_SUFFIXES:
            path = self.folder / f"{name}{suffix}"
            if os.path.lexists(path):
                return path
        for suffix in FLOW_SUFFIXES:  # a flow of another platform (ivr.importers)
            path = self.folder / f"{name}{suffix}"
            if self._is_flow(path):
                return path
        return None

    def _is_flow(self, path: Path) -> bool:
        """Whether ``path`` is a foreign flow inside the folder (never read through a link
        that leads out of it)."""
        return path.resolve().is_relative_to(self.folder.resolve()) and is_flow(path)

    def _refresh(self, name: str, path: Path, entry: _Entry | None) -> _Entry:
        now = time.monotonic()
        served = entry.menu if entry else None
        try:
            info = readable_menu_file(self.folder, path)
        except OSError as exc:
            return self._keep(name, entry, None, served, (f"{path.name}: {exc}",), now)
        sources = entry.sources if entry else ()
        versions = [version(info), *map(file_version, sources)]
        stamp = tuple(versions)
        if entry is not None and entry.stamp == stamp:
            entry.checked = now
            return entry
        newest = max(v[0] for v in versions if v is not None) / 1e9
        if entry is not None and served is not None and time.time() - newest < self.check_every:
            entry.checked = now  # still being written: look again later
            return entry
        try:
            menu = load_menu(path)
        except MenuLoadError as exc:
            problems = tuple(str(e) for e in exc.errors if e.severity == "error") or (str(exc),)
            return self._keep(name, entry, stamp, served, problems, now)
        except OSError as exc:
            return self._keep(name, entry, stamp, served, (f"{path.name}: {exc}",), now)
        sources = source_files(menu)
        entry = _Entry((version(info), *map(file_version, sources)), menu, (), now, sources)
        self._entries[name] = entry
        return entry

    def _keep(
        self,
        name: str,
        entry: _Entry | None,
        stamp: tuple[FileVersion, ...] | None,
        served: Menu | None,
        problems: tuple[str, ...],
        now: float,
    ) -> _Entry:
        """Remember that the file of ``name`` does not load; callers keep ``served``."""
        if entry is None or entry.problems != problems:
            still = " (callers still get the last version that loaded)" if served else ""
            log.warning("menu %s does not load%s: %s", name, still, "; ".join(problems[:20]))
        entry = _Entry(stamp, served, problems, now, entry.sources if entry else ())
        self._entries[name] = entry
        return entry


def version(info: os.stat_result) -> FileVersion:
    """The version of a file as its status tells it."""
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def file_version(path: str) -> FileVersion:
    """The version of the file at ``path``; None when it cannot be looked at."""
    try:
        return version(os.stat(path))
    except OSError:
        return None


def source_files(menu: Menu) -> tuple[str, ...]:
    """The files other than the menu's own that its nodes were read from."""
    own = os.path.abspath(menu.path)
    found = {
        node.location.file
        for node in menu.nodes.values()
        if node.location is not None and os.path.abspath(node.location.file) != own
    }
    return tuple(sorted(found))


def readable_menu_file(folder: Path, path: Path) -> os.stat_result:
    """The status of ``path`` when it is a regular file inside ``folder`` (links followed)
    within the loader's size limit; OSError saying what it is otherwise."""
    target = path.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise OSError("links outside the menu folder; not read")
    info = target.stat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError("not a regular file; not read")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(f"{info.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; not read")
    return info


def init_menus(app: Flask, folder: Path, check_every: float) -> MenuCache:
    """Give ``app`` its one menu cache."""
    cache = MenuCache(folder, check_every)
    app.extensions[EXTENSION] = cache
    return cache


def menu_cache(app: Flask) -> MenuCache:
    """The menu cache every route of ``app`` uses."""
    return app.extensions[EXTENSION]
