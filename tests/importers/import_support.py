"""What the importer tests of every format share: mangled files, graphs to compare."""

from __future__ import annotations

import random
from pathlib import Path

from ivr.errors import MenuLoadError
from ivr.graph import build_graph
from ivr.importers import import_text
from ivr.loader import load_menu


def mangle_and_load(path: Path, kind: str, rounds: int = 60) -> None:
    """Lines of ``path`` deleted, repeated, swapped or cut at random (a fixed seed): each
    result must be a flow the loader accepts or refuses with located errors, never an
    exception of another kind."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    chance = random.Random(13)
    for _ in range(rounds):
        mangled = list(lines)
        for _ in range(3):
            at = chance.randrange(len(mangled))
            change = chance.randrange(4)
            if change == 0:
                del mangled[at]
            elif change == 1:
                mangled.insert(at, chance.choice(lines))
            elif change == 2:
                mangled[at] = mangled[at][: chance.randrange(len(mangled[at]) + 1)]
            else:
                other = chance.randrange(len(mangled))
                mangled[at], mangled[other] = mangled[other], mangled[at]
        try:
            flow = import_text("".join(mangled), str(path), kind)
            load_menu(path, reader=lambda *_, flow=flow, **__: (flow.document(), flow.marks()))
        except MenuLoadError as exc:
            assert all(error.line >= 1 and error.col >= 1 for error in exc.errors)


def graph_of(path: Path) -> tuple[list, list]:
    """The nodes (with their kind) and edges (with their ways) of the menu at ``path``."""
    graph = build_graph(load_menu(path))
    nodes = sorted((node, data["kind"]) for node, data in graph.nodes(data=True))
    return nodes, sorted(graph.edges(data="ways"))
