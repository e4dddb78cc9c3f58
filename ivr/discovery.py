"""Finding menu files: a folder stands for the menus in it."""

from __future__ import annotations

from pathlib import Path

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
