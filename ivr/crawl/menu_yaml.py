"""A crawled line as a menu file: our YAML, with comments naming where each node came from."""

from __future__ import annotations

from typing import Any

from ivr.crawl.crawler import CrawledLine
from ivr.importers.yamlout import comment as _comment
from ivr.importers.yamlout import dump as _dump


def menu_yaml(line: CrawledLine, name: str | None = None) -> str:
    """The menu as YAML text: hotline, start and nodes, each node after its comments."""
    hotline: dict[str, Any] = {"name": name or f"Line crawled from {line.url}", "apologies": False}
    if line.languages:
        hotline["languages"] = line.languages
    parts = [
        _comment(
            f"Crawled by `ivr crawl {line.url}`: {len(line.nodes)} nodes, "
            f"{line.requests} requests in {line.seconds:.1f} s.",
            0,
        ),
        _comment(
            "A crawled line answers the same way every time: menus name their silence and "
            "wrong-key routes with retries: 0.",
            0,
        ),
    ]
    parts += [_comment(f"warning: {warning}", 0) for warning in line.warnings]
    parts.append(_dump({"hotline": hotline, "start": line.start}, 0))
    parts.append("\nnodes:\n")
    for node in line.nodes.values():
        parts += [_comment(note, 2) for note in node.notes]
        parts.append(_dump({node.id: node.spec}, 2))
    return "".join(parts)
