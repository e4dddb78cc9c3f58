"""Menus for the simulation tests, written on the fly (one queue at the start, always open)."""

from __future__ import annotations

from pathlib import Path

STEADY = """\
hotline: {{name: Steady queue, languages: [en], timezone: UTC}}
start: care
nodes:
  care:
    queue: {{name: care, agents: {agents}, handle_time: {handle}, calls_per_hour: {calls},
             patience: {patience}}}
"""


def steady_menu(folder: Path, *, agents: int, handle: float, calls: float, patience: str) -> Path:
    """A line whose callers all wait in one queue, the same all day."""
    path = folder / "steady.yaml"
    path.write_text(
        STEADY.format(agents=agents, handle=handle, calls=calls, patience=patience),
        encoding="utf-8",
    )
    return path
