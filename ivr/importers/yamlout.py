"""Commented YAML for menus written by a program (an importer, the crawler).

Each node is written after comments saying where it came from, so a reader of the
generated file can go back to the source flow or page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml

# libyaml's emitter when PyYAML was built with it (several times faster); the same safe output
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any, indent: int) -> str:
    """``data`` as block YAML, every line indented by ``indent`` spaces."""
    text = yaml.dump(data, Dumper=SafeDumper, sort_keys=False, allow_unicode=True, width=100)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def comment(text: str, indent: int) -> str:
    """``text`` as one comment line (its white space collapsed), indented."""
    one_line = " ".join(text.split())
    return f"{' ' * indent}# {one_line}\n"


def commented_yaml(
    header: Iterable[str],
    top: Mapping[str, Any],
    nodes: Mapping[str, Any],
    notes: Mapping[str, Iterable[str]],
) -> str:
    """A menu file: header comments, the ``top`` keys, then each node after its notes."""
    parts = [comment(line, 0) for line in header]
    parts.append(dump(dict(top), 0))
    parts.append("\nnodes:\n")
    for node_id, spec in nodes.items():
        parts += [comment(note, 2) for note in notes.get(node_id, ())]
        parts.append(dump({node_id: spec}, 2))
    return "".join(parts)
