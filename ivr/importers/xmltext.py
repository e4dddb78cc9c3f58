"""XML with the line and column of every element, parsed safely (defusedxml).

FreeSWITCH menus and VoiceXML documents are XML; their importers name the line of
each element in warnings and in the menu's errors. ``parse_xml`` reads the text with
``defusedxml.sax`` (entity declarations, external references and DTDs are refused, so
an entity bomb never expands) into a small tree of ``Element`` with positions.
"""

from __future__ import annotations

import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import defusedxml.sax
from defusedxml import DefusedXmlException

from ivr.errors import MenuError, MenuLoadError

Position = tuple[int, int]  # 1-based line and column


@dataclass
class Element:
    """One XML element: tag (namespace dropped), attributes, children, text and position."""

    tag: str
    attrib: dict[str, str]
    line: int
    col: int
    children: list[Element] = field(default_factory=list)
    parts: list[str | Element] = field(default_factory=list)  # text and children, in order

    @property
    def at(self) -> Position:
        return self.line, self.col

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrib.get(name, default)

    def text(self) -> str:
        """All text inside, white space collapsed (children's text included)."""
        words = [part if isinstance(part, str) else part.text() for part in self.parts]
        return " ".join(" ".join(words).split())

    def find(self, tag: str) -> Element | None:
        return next((child for child in self.children if child.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        return [child for child in self.children if child.tag == tag]

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        """This element and every element inside it (depth first), optionally by tag."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)


class _Builder(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[Element] = []
        self.root: Element | None = None
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def startElement(self, name: str, attrs: Any) -> None:
        line = self.locator.getLineNumber() if self.locator else 1
        col = self.locator.getColumnNumber() + 1 if self.locator else 1
        element = Element(name.rsplit(":", 1)[-1], dict(attrs), line, col)
        if self.stack:
            self.stack[-1].children.append(element)
            self.stack[-1].parts.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def endElement(self, name: str) -> None:  # noqa: ARG002 (SAX's signature)
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


def parse_xml(text: str, name: str) -> Element:
    """The root element of ``text``; malformed or unsafe XML raises ``MenuLoadError`` at
    ``file:line:col``."""
    builder = _Builder()
    try:
        defusedxml.sax.parseString(text.encode("utf-8"), builder, forbid_dtd=False)
    except xml.sax.SAXParseException as exc:
        line, col = exc.getLineNumber() or 1, (exc.getColumnNumber() or 0) + 1
        raise MenuLoadError(
            [MenuError(name, line, col, f"invalid XML: {exc.getMessage()}")]
        ) from exc
    except DefusedXmlException as exc:
        index = max(text.find("<!ENTITY"), 0)
        line = text.count("\n", 0, index) + 1
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        raise MenuLoadError(
            [MenuError(name, line, col, f"unsafe XML refused ({type(exc).__name__}): {exc}")]
        ) from exc
    if builder.root is None:
        raise MenuLoadError([MenuError(name, 1, 1, "the XML has no root element")])
    return builder.root
