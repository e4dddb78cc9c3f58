"""Finding menu files: a folder stands for the menus in it (our YAML and foreign flows)."""

from __future__ import annotations

from pathlib import Path

MENU_SUFFIXES = (".yaml", ".yml")


def is_flow(path: Path) -> bool:
    """Whether ``path`` is a regular file with a flow suffix whose content is a foreign flow."""
    from ivr.importers.detect import FLOW_SUFFIXES, detect_format

    if path.suffix.lower() not in FLOW_SUFFIXES or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            return detect_format(stream.read(1_000_000)) is not None
    except OSError:
        return False


def menu_files(paths: tuple[str, ...]) -> list[Path]:
    """The menu files named by ``paths``; a folder stands for its ``*.yaml`` files and the
    foreign flows in it (``.json``, ``.xml``... files whose content is a flow)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.suffix in MENU_SUFFIXES or is_flow(p))
            )
        else:
            files.append(path)
    return files
