"""VoiceXML 2.0/2.1 documents and applications (a folder of documents).

Dialogs become nodes. A ``<menu>`` is a menu: each ``<choice>`` an option (its ``dtmf``,
or 1-9 in order with ``dtmf="true"``; its words a phrase callers may say; a choice or a
``<link>`` with words and no key a spoken option), its prompts
the prompt, ``<enumerate>`` read out for each choice. A ``<form>``'s items run in order:
a ``<block>`` says its prompts, a ``<field>`` asks (a menu when its ``<option>``s or
its ``<filled>``'s literal conditions, ``field == '1'``, name the keys; digits
collected into a variable otherwise), a ``<record>`` records, a ``<transfer>`` reaches
a person. ``<goto>``, ``<submit>``, ``<disconnect>``/``<exit>`` and ``<if>`` (a
``decide`` node over its branches: conditions are not evaluated) lead on; a form whose
items are done ends the call. ``<noinput>``/``<nomatch>`` handlers (with ``count``,
from the item, dialog, document or application root) become the timeout, retries and
the routes of silence and of a wrong key. A ``<link>`` is an option of every menu in
its scope (a root document's "operator" link is a way to a person from every menu).
Documents of the same folder named by ``next=`` or ``application=`` are read too;
anything else (a URL, an expression) is a ``decide`` node, and every element that is
not understood is a warning with its file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError
from ivr.importers.flow import FlowBuilder, ImportedFlow, spoken_name
from ivr.importers.xmltext import Element, parse_xml
from ivr.speech import normalize

KEY = re.compile(r"^[0-9*#]{1,4}$")
LITERAL = re.compile(r"""^\s*(\w+)\s*===?\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*$""")
SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
DIGITS_LENGTH = re.compile(r"(min|max)?length=(\d+)")
OPAL_DIGITS = re.compile(r"(minDigits|maxDigits)\s*=\s*(\d+)")
DEFAULT_TIMEOUT = 5.0  # seconds; VoiceXML leaves it to the platform
MAX_COUNT = 10  # handler counts looked at (the menu format allows 10 retries)
ITEMS = {"block", "field", "record", "transfer", "subdialog", "object", "initial"}
QUIET = {"log", "var", "assign", "meta", "metadata", "property", "clear", "data", "break", "mark"}
HANDLERS = {"noinput", "nomatch", "catch", "error", "help", "filled", "link", "grammar"}
SPOKEN = {"prompt", "audio", "value", "enumerate", "say-as", "emphasis", "prosody", "s", "p"}
SPOKEN |= {"voice", "sub", "break", "mark", "foreach"}
FAILURES = {"noinput": "timeout", "nomatch": "invalid"}


@dataclass
class _Document:
    path: str
    root: Element
    dialogs: dict[str, Element]
    is_main: bool
    app: _Document | None = None
    values: dict[str, str] = field(default_factory=dict)  # document <var>s set to literals

    def value(self, expr: str | None) -> str | None:
        """A string expression made of literals and document variables set to literals
        (``'#' + application.start``); None when it needs anything else."""
        pieces = []
        for token in re.findall(r"""'[^']*'|"[^"]*"|[^+'"]+""", expr or ""):
            token = token.strip()
            if token[:1] in ("'", '"'):
                pieces.append(token[1:-1])
                continue
            name = token.removeprefix("application.").removeprefix("document.")
            app_values = self.app.values if self.app else {}
            known = self.values.get(name, app_values.get(name))
            if known is None:
                return None
            pieces.append(known)
        return "".join(pieces) if pieces else None

    @property
    def file(self) -> str | None:
        """The file to name for this document's nodes (None: the flow's own file)."""
        return None if self.is_main else self.path

    def scopes(self) -> list[Element]:
        """This document's root, then its application root's (outermost last)."""
        return [self.root] + ([self.app.root] if self.app else [])


@dataclass
class _Item:
    """A form item being read: its document, dialog, element and the node after it."""

    doc: _Document
    dialog: Element
    element: Element
    after: str


def import_flow(text: str, name: str) -> ImportedFlow:
    """The VoiceXML document in ``text`` (read from ``name``), with the documents of its
    application in the same folder, as our menu."""
    root = parse_xml(text, name)
    if root.tag != "vxml":
        raise MenuLoadError([MenuError(name, root.line, root.col, "a VoiceXML document is <vxml>")])
    return _VxmlReader(name, root).read()


class _VxmlReader:
    def __init__(self, name: str, root: Element):
        self.flow = FlowBuilder(name, "vxml")
        self.folder = Path(name).resolve().parent
        self.docs: dict[str, _Document] = {}
        self.pending: list[tuple[_Document, str]] = []
        self.done: set[tuple[str, str]] = set()
        self.handler_cache: dict[int, list[Element]] = {}
        self.children_cache: dict[tuple[int, str], list[Element]] = {}
        self.main = self._document(name, root, is_main=True)

    def read(self) -> ImportedFlow:
        if not self.main.dialogs:
            self.flow.warn(self.main.root.at, "the document has no <menu> or <form>: it ends")
            start = self.flow.end()
        else:
            start = self._dialog_id(self.main, next(iter(self.main.dialogs)))
        for dialog_name in self.main.dialogs:
            self._dialog_id(self.main, dialog_name)
        while self.pending:
            doc, dialog_name = self.pending.pop(0)
            self._dialog(doc, dialog_name)
        hotline = {"name": f"VoiceXML {Path(self.main.path).name}"}
        header = [
            f"The call starts at the first dialog of {self.main.path}; documents of the same "
            "folder it names are read too.",
            "Conditions (cond=) are not evaluated: each <if> is a decision over its branches.",
        ]
        self.flow.warnings = list(dict.fromkeys(self.flow.warnings))  # a handler met twice
        self.flow.drop_unused_end(start)
        return self.flow.build(start, hotline, header)

    # -- documents and dialogs ---------------------------------------------------
    def _document(self, path: str, root: Element, *, is_main: bool = False) -> _Document:
        dialogs: dict[str, Element] = {}
        for index, element in enumerate(root.children):
            if element.tag in ("menu", "form"):
                dialogs.setdefault(element.get("id") or f"{element.tag}{index + 1}", element)
            elif element.tag not in QUIET | HANDLERS | {"script", "catch"}:
                self.flow.warn(element.at, f"<{element.tag}> is not understood", self._file(path))
            elif element.tag == "script":
                self._script(element, path)
        self._unkept_handlers(root, path)
        doc = _Document(path, root, dialogs, is_main)
        for var in root.findall("var"):
            literal = doc.value(var.get("expr"))
            if var.get("name") and literal is not None:
                doc.values[var.get("name") or ""] = literal
        self.docs[str(Path(path).resolve())] = doc
        application = root.get("application")
        if application:
            doc.app = self._load(application, doc, root)
        return doc

    def _label(self, key: str) -> str:
        """A readable node id base for an internal key (``bookings.vxml#cancel/1``): the
        dialog and what follows, after the document's name for documents but the first."""
        for doc in self.docs.values():
            shown = doc.path
            if key.startswith(shown):
                rest = key[len(shown) :].replace("->", "#to_")
                prefix = "" if doc.is_main else f"{Path(shown).stem}_"
                rest = re.sub(r"@\d+(?::\d+)?", "", rest.lstrip("#"))
                return prefix + (re.sub(r"[^A-Za-z0-9]+", "_", rest).strip("_") or "node")
        return re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_") or "node"

    def _unkept_handlers(self, root: Element, path: str) -> None:
        """Warn about every event handler that is not kept: only noinput and nomatch are
        (and a transfer's error, its route when no one answers)."""
        for parent in root.iter():
            for handler in parent.children:
                if handler.tag not in ("catch", "help", "error"):
                    continue
                events = set((handler.get("event") or "").split()) or {handler.tag}
                if handler.tag == "catch" and events <= set(FAILURES):
                    continue
                if parent.tag == "transfer" and "error" in events:
                    continue
                self.flow.warn(
                    handler.at,
                    f"the handler of {' '.join(sorted(events))} is not kept (only noinput and "
                    "nomatch are)",
                    self._file(path),
                )

    def _file(self, path: str) -> str | None:
        return None if path == self.flow.path else path

    def _script(self, element: Element, path: str) -> None:
        self.flow.warn(
            element.at, "<script> is not run: what it computes is unknown", self._file(path)
        )

    def _load(self, uri: str, doc: _Document, at: Element) -> _Document | None:
        """The document ``uri`` names, read from the same folder; None when it is not there."""
        if "://" in uri or uri.startswith("/") or not uri:
            return None
        target = (Path(doc.path).resolve().parent / uri).resolve()
        if not target.is_relative_to(self.folder) or not target.is_file():
            return None
        key = str(target)
        if key not in self.docs:
            from ivr.importers import read_text  # the package imports this module

            shown = str(Path(self.flow.path).parent / target.relative_to(self.folder))
            root = parse_xml(read_text(target, shown), shown)
            if root.tag != "vxml":
                self.flow.warn(at.at, f"{uri} is not a VoiceXML document", doc.file)
                return None
            self.docs[key] = self._document(shown, root)
        return self.docs[key]

    def _dialog_id(self, doc: _Document, dialog_name: str) -> str:
        key = f"{doc.path}#{dialog_name}"
        label = dialog_name if doc.is_main else f"{Path(doc.path).stem}_{dialog_name}"
        node_id = self.flow.id(key, label)
        if (doc.path, dialog_name) not in self.done:
            self.done.add((doc.path, dialog_name))
            self.pending.append((doc, dialog_name))
        return node_id

    def _dialog(self, doc: _Document, dialog_name: str) -> None:
        element = doc.dialogs[dialog_name]
        key = f"{doc.path}#{dialog_name}"
        if element.tag == "menu":
            self.flow.add(key, {}, element.at, "", doc.file)  # before the nodes it leads to
            spec = self._menu(doc, element, key)
            self.flow.add(key, spec, element.at, f'VoiceXML <menu id="{dialog_name}">', doc.file)
            return
        items = [child for child in element.children if child.tag in ITEMS]
        for child in element.children:
            if child.tag not in ITEMS | QUIET | HANDLERS | SPOKEN | {
                "script",
                "goto",
                "disconnect",
            }:
                self.flow.warn(child.at, f"<{child.tag}> in a form is not understood", doc.file)
            elif child.tag == "script":
                self._script(child, doc.path)
        note = f'VoiceXML <form id="{dialog_name}">'
        if not items:  # executable content directly in the form (as OPAL's samples write it)
            self.flow.add(key, {}, element.at, note, doc.file)
            prompt, target = self._run(doc, element.parts, self.flow.end(), key, element)
            self.flow.add(key, {"say": prompt, "next": target}, element.at, note, doc.file)
            return
        names = [key] + [f"{key}/{index}" for index in range(1, len(items))]
        for name, item in zip(names, items, strict=True):
            self.flow.id(name, self._label(name))
            self.flow.add(name, {}, item.at, "", doc.file)  # nodes in the order of the file
        for index, item in enumerate(items):
            after = self.flow.id(names[index + 1]) if index + 1 < len(items) else ""
            spec, item_note = self._item(_Item(doc, element, item, after), names[index])
            self.flow.add(names[index], spec, item.at, item_note, doc.file)

    def _after(self, item: _Item, name: str) -> str:
        """Where an item goes when it is done: the next item; after the last one, the form's
        <filled>, then the end of the call (the document is done)."""
        if item.after:
            return item.after
        filled = item.dialog.find("filled")
        if filled is None:
            return self.flow.end()
        return self._exec(item.doc, filled.parts, self.flow.end(), f"{name}/filled", filled)

    def _filled(self, item: _Item, name: str) -> tuple[Element | None, str]:
        """The <filled> that runs when this item is filled (its own, or the form's after the
        last item) and where the call goes after it."""
        own = item.element.find("filled")
        if own is not None:
            return own, self._after(item, name)
        if not item.after:
            return item.dialog.find("filled"), self.flow.end()
        return None, item.after

    # -- items -------------------------------------------------------------------
    def _item(self, item: _Item, name: str) -> tuple[dict[str, Any], str]:
        element = item.element
        tag = element.tag
        label = element.get("name") or element.get("id") or ""
        note = f"VoiceXML <{tag}{f' name={label!r}' if label else ''}>"
        if tag == "block":
            prompt, target = self._run(
                item.doc, element.parts, self._after(item, name), name, element
            )
            return {"say": prompt, "next": target}, note
        if tag == "field":
            return self._field(item, name), note
        if tag == "record":
            return self._record(item, name), note
        if tag == "transfer":
            return self._transfer(item.doc, element, name), note
        about = f"<{tag}> {element.get('src') or element.get('classid') or label}".strip()
        self.flow.warn(
            element.at,
            f"{about} is not run: kept as a decision that goes on to the next item",
            item.doc.file,
        )
        return {"decide": {"about": about, "outcomes": {"returns": self._after(item, name)}}}, note

    def _field(self, item: _Item, name: str) -> dict[str, Any]:
        element, doc = item.element, item.doc
        var = element.get("name") or "field"
        values = self._field_keys(doc, element)  # value -> key
        prompt = self._prompt(doc, element.parts, [(key, value) for value, key in values.items()])
        filled, then = self._filled(item, name)
        routes, otherwise = self._literal_routes(item, var, filled, then, name)
        settings = self._gathering(item, element, name, prompt)
        reprompt = self._reprompt(doc, element.parts, [(k, v) for v, k in values.items()])
        if reprompt:
            settings["reprompt"] = reprompt
        if routes is not None:
            options: dict[str, Any] = {}
            for value, target in routes.items():
                key = values.get(value, value)
                if KEY.match(key):
                    options[key] = target
                else:
                    self.flow.warn(
                        element.at,
                        f'{var} == "{value}" names no key of the keypad: that route is not kept',
                        doc.file,
                    )
            for key in values.values():
                options.setdefault(key, otherwise or self.flow.id(name))
            if options:
                self._links(doc, item.dialog, options)
                if otherwise and not values and "on_invalid" not in settings:
                    settings["on_invalid"] = otherwise
                return {"menu": {**settings, "options": options, "input": "dtmf"}}
        after = (
            self._exec(doc, filled.parts, then, f"{name}/filled", filled)
            if filled is not None
            else then
        )
        if values:
            options = {key: after for key in values.values()}
            self._links(doc, item.dialog, options)
            return {"menu": {**settings, "options": options, "input": "dtmf"}}
        low, high = self._digits(element)
        return {
            "input": {**settings, "var": var, "digits": {"min": low, "max": high}, "next": after}
        }

    def _literal_routes(
        self, item: _Item, var: str, filled: Element | None, then: str, name: str
    ) -> tuple[dict[str, str] | None, str | None]:
        """value -> target for a <filled> that is one <if> testing ``var`` against literals,
        and where any other value goes (its <else>); (None, None) otherwise."""
        if filled is None:
            return None, None
        branches = [child for child in filled.children if child.tag not in QUIET]
        if len(branches) != 1 or branches[0].tag != "if":
            return None, None
        tests = _if_branches(branches[0])
        literals = [LITERAL.match(cond) if cond is not None else None for cond, _, _ in tests]
        if any(
            cond is not None and (match is None or match.group(1) != var)
            for (cond, _, _), match in zip(tests, literals, strict=True)
        ):
            return None, None
        routes: dict[str, str] = {}
        otherwise: str | None = None
        for index, ((_, parts, at), match) in enumerate(zip(tests, literals, strict=True)):
            target = self._exec(item.doc, parts, then, f"{name}/if{index}", at)
            if match is None:
                otherwise = target
            else:
                value = next(group for group in match.groups()[1:] if group is not None)
                routes.setdefault(value, target)
        if otherwise is None and _clears(filled, var):
            otherwise = self.flow.id(name)  # the field is cleared: asked again
        return routes, otherwise or then

    def _field_keys(self, doc: _Document, element: Element) -> dict[str, str]:
        """value -> key of a field's <option>s, or of the keys its inline grammar lists."""
        values: dict[str, str] = {}
        for option in element.findall("option"):
            key = option.get("dtmf") or ""
            value = option.get("value") or option.text()
            if KEY.match(key):
                values.setdefault(value, key)
            else:
                self.flow.warn(option.at, f'option "{value}" has no keypad key', doc.file)
        if (element.get("type") or "").startswith("boolean"):
            values = {"true": "1", "false": "2"}
        for grammar in element.findall("grammar"):
            for entry in grammar.iter("item"):
                words = entry.text()
                if KEY.match(words):
                    values.setdefault(words, words)
        return values

    def _digits(self, element: Element) -> tuple[int, int]:
        """The digit counts a field's grammar accepts (1-20 when it does not say)."""
        low, high = 1, 20
        sources = [element.get("type") or ""]
        sources += [(g.get("src") or "") + " " + g.text() for g in element.findall("grammar")]
        for source in sources:
            for bound, count in DIGITS_LENGTH.findall(source):
                if bound == "min":
                    low = int(count)
                elif bound == "max":
                    high = int(count)
                else:
                    low = high = int(count)
            for bound, count in OPAL_DIGITS.findall(source):
                if bound == "minDigits":
                    low = int(count)
                else:
                    high = int(count)
        low = min(max(low, 1), 20)
        return low, min(max(high, low), 20)

    def _record(self, item: _Item, name: str) -> dict[str, Any]:
        element, doc = item.element, item.doc
        filled, then = self._filled(item, name)
        after = (
            self._exec(doc, filled.parts, then, f"{name}/filled", filled)
            if filled is not None
            else then
        )
        record: dict[str, Any] = {"next": after}
        prompt = self._prompt(doc, element.parts, [])
        if prompt:
            record["prompt"] = prompt
        maxtime = _seconds(element.get("maxtime"))
        if maxtime:
            record["max_length"] = min(max(maxtime, 1), 3600)
        for handler in element.children:
            if handler.tag in ("noinput", "nomatch", "catch", "error"):
                self.flow.warn(
                    handler.at,
                    f"<{handler.tag}> of a <record> is not kept: a recording node has no "
                    "silence route",
                    doc.file,
                )
        return {"record": record}

    def _transfer(self, doc: _Document, element: Element, name: str) -> dict[str, Any]:
        """A transfer: the caller reaches a person, so the menu ends there."""
        transfer: dict[str, Any] = {
            "to": element.get("dest") or element.get("destexpr") or "unknown",
            "human": True,
        }
        prompt = self._prompt(doc, element.parts, [])
        if prompt:
            transfer["prompt"] = prompt
        ring = _seconds(element.get("connecttimeout"))
        if ring:
            transfer["ring"] = min(ring, 600)
        for handler in element.children:
            if handler.tag == "error" or (
                handler.tag == "catch" and "error" in (handler.get("event") or "")
            ):
                key = f"{name}/error@{handler.line}"
                transfer["on_no_answer"] = self._exec(
                    doc, handler.parts, self.flow.end(), key, handler
                )
            elif handler.tag in ("catch", "filled"):
                self.flow.warn(
                    handler.at,
                    f"<{handler.tag}> of a <transfer> runs after the person: not kept",
                    doc.file,
                )
        return {"transfer": transfer}

    # -- menus -------------------------------------------------------------------
    def _menu(self, doc: _Document, element: Element, key: str) -> dict[str, Any]:
        choices = element.findall("choice")
        numbered = element.get("dtmf") == "true"
        next_number = 1
        listed: list[tuple[str, str]] = []
        options: dict[str, Any] = {}
        spoken: dict[str, Any] = {}  # choices callers can only say
        for choice in choices:
            words = choice.text()
            dtmf = choice.get("dtmf")
            if dtmf is None and numbered and next_number <= 9:
                dtmf, next_number = str(next_number), next_number + 1
            goes = choice.get("next") or choice.get("expr") or choice.get("event")
            if dtmf is None and normalize(words) and goes:
                name = spoken_name(words, "choice", spoken)
                target = self._choice_target(doc, choice, f"{key}/{name}")
                spoken[name] = {"say": [words], "goto": target}
                continue
            if not dtmf or not KEY.match(dtmf):
                self.flow.warn(
                    choice.at,
                    f'choice "{words}" has no keypad key (dtmf): callers can only say it; '
                    "it is not kept",
                    doc.file,
                )
                continue
            if dtmf in options:
                self.flow.warn(
                    choice.at, f'key "{dtmf}" is given twice; the first is kept', doc.file
                )
                continue
            target = self._choice_target(doc, choice, f"{key}/{dtmf}")
            options[dtmf] = {"goto": target, "say": [words]} if words else target
            listed.append((dtmf, words))
        prompt = self._prompt(doc, element.parts, listed)
        settings = self._gathering(_Item(doc, element, element, ""), element, key, prompt)
        reprompt = self._reprompt(doc, element.parts, listed)
        if reprompt:
            settings["reprompt"] = reprompt
        self._links(doc, element, options, spoken)
        spoken = self._said_once(element, doc, options, spoken)
        if not options and not spoken:
            self.flow.warn(element.at, "the menu has no choice with a key", doc.file)
            return {"say": prompt, "next": self.flow.end()}
        said = spoken or any(isinstance(o, dict) and o.get("say") for o in options.values())
        menu = {**settings, "options": options} if options else dict(settings)
        if spoken:
            menu["spoken"] = spoken
        return {"menu": {**menu, "input": "dtmf speech" if said else "dtmf"}}

    def _said_once(
        self, element: Element, doc: _Document, options: dict[str, Any], spoken: dict[str, Any]
    ) -> dict[str, Any]:
        """``spoken`` without the phrases a keyed option (or an earlier spoken one) has: a
        phrase chooses one option (VoiceXML takes the first grammar that matches)."""
        said = {
            normalize(phrase)
            for option in options.values()
            if isinstance(option, dict)
            for phrase in option.get("say", [])
        }
        kept: dict[str, Any] = {}
        for name, option in spoken.items():
            phrases = [p for p in option["say"] if normalize(p) and normalize(p) not in said]
            said.update(normalize(p) for p in phrases)
            if phrases:
                kept[name] = {**option, "say": phrases}
            else:
                self.flow.warn(
                    element.at,
                    f'"{" or ".join(option["say"])}" is said for an earlier choice: the one '
                    "callers can only say is not kept",
                    doc.file,
                )
        return kept

    def _choice_target(self, doc: _Document, choice: Element, key: str) -> str:
        uri = choice.get("next")
        if uri:
            return self._target(doc, uri, choice)
        if choice.get("event"):
            event = choice.get("event") or ""
            if event in ("exit", "connection.disconnect.hangup"):
                return self.flow.end()
            self.flow.warn(choice.at, f'choice throws "{event}": kept as a decision', doc.file)
            return self._opaque(key, f"the event {event}", choice, doc)
        expr = choice.get("expr") or "?"
        self.flow.warn(
            choice.at, f"choice goes to expr={expr}, not evaluated: a decision", doc.file
        )
        return self._opaque(key, f"the dialog named by {expr}", choice, doc)

    def _links(
        self,
        doc: _Document,
        dialog: Element,
        options: dict[str, Any],
        spoken: dict[str, Any] | None = None,
    ) -> None:
        """Add the <link>s in scope (the dialog's, the document's, the application root's);
        a link with words and no key is a spoken option of a menu (given ``spoken``)."""
        for scope in [dialog, *doc.scopes()]:
            owner = doc.app if doc.app is not None and scope is doc.app.root else doc
            for link in self._children(scope, "link"):
                key, uri = link.get("dtmf") or "", link.get("next")
                words = [
                    item.text()
                    for grammar in link.findall("grammar")
                    for item in grammar.iter("item")
                ] or [g.text() for g in link.findall("grammar") if g.text()]
                words = [word for word in words if normalize(word)]
                if uri and not key and words and spoken is not None:
                    name = spoken_name(words[0], "link", spoken)
                    spoken[name] = {"say": words, "goto": self._target(owner, uri, link)}
                    continue
                if not KEY.match(key) or not uri:
                    why = "has no keypad key (dtmf)" if not KEY.match(key) else "has no next="
                    self.flow.warn(link.at, f"this <link> {why}: not kept", owner.file)
                    continue
                if key in options:
                    continue
                target = self._target(owner, uri, link)
                options[key] = {"goto": target, "say": words} if words else target

    # -- silence and wrong keys ------------------------------------------------------
    def _gathering(self, item: _Item, element: Element, name: str, prompt: Any) -> dict[str, Any]:
        """Prompt, timeout, retries and failure routes of a menu or field.

        A handler that leads away at the first failure is that failure's route; one that
        leads away at a later count is ``on_fail`` after that many attempts; a failure no
        handler leads away from is asked again (VoiceXML has no limit; the menu format
        stops after ``MAX_COUNT`` more attempts, then the call ends)."""
        doc = item.doc
        scopes = [element] + ([item.dialog] if item.dialog is not element else []) + doc.scopes()
        settings: dict[str, Any] = {"prompt": prompt, "timeout": self._timeout(scopes)}
        found = {
            failure: self._first_route(doc, scopes, event, name)
            for event, failure in FAILURES.items()
        }
        later: dict[str, tuple[int, str]] = {}
        for failure, route in found.items():
            if route and route[0] == 1:
                settings[f"on_{failure}"] = route[1]
            elif route:
                later[failure] = route
        never = [event for event, failure in FAILURES.items() if found[failure] is None]
        settings["retries"] = min((k for k, _ in later.values()), default=MAX_COUNT + 1) - 1
        if later:
            settings["on_fail"] = (later.get("timeout") or later["invalid"])[1]
            if len(later) == 2 and later["timeout"] != later["invalid"]:
                self.flow.warn(
                    element.at,
                    f"noinput leads on at attempt {later['timeout'][0]} and nomatch at "
                    f"{later['invalid'][0]}, to different places; the menu format counts both "
                    f"together: both lead on after {settings['retries'] + 1} attempts, to where "
                    "noinput goes",
                    doc.file,
                )
        for event in never:
            end = (
                "then the call ends"
                if not later
                else f"then the caller goes where failure number {settings['retries'] + 1} goes"
            )
            self.flow.warn(
                element.at,
                f"{event} is asked again with no end (no handler leads away); kept as "
                f"{settings['retries']} more attempts, {end}",
                doc.file,
            )
        return settings

    def _handlers_in(self, scope: Element) -> list[Element]:
        """The noinput/nomatch/catch handlers written directly in ``scope`` (kept, so that a
        document of many dialogs is not searched again for each of them)."""
        if id(scope) not in self.handler_cache:
            self.handler_cache[id(scope)] = [
                child for child in scope.children if child.tag in ("catch", *FAILURES)
            ]
        return self.handler_cache[id(scope)]

    def _children(self, scope: Element, tag: str) -> list[Element]:
        """``scope.findall(tag)``, kept: a document's links and properties are asked for by
        each of its dialogs."""
        key = (id(scope), tag)
        if key not in self.children_cache:
            self.children_cache[key] = scope.findall(tag)
        return self.children_cache[key]

    def _timeout(self, scopes: Iterable[Element]) -> float:
        for scope in scopes:
            if scope.get("timeout"):
                seconds = _seconds(scope.get("timeout"))
                if seconds:
                    return min(max(seconds, 1), 60)
            for prop in self._children(scope, "property"):
                if prop.get("name") == "timeout" and _seconds(prop.get("value")):
                    return min(max(_seconds(prop.get("value")) or DEFAULT_TIMEOUT, 1), 60)
        return DEFAULT_TIMEOUT

    def _first_route(
        self, doc: _Document, scopes: list[Element], event: str, name: str
    ) -> tuple[int, str] | None:
        """The first attempt at which the handlers of ``event`` lead away, and where."""
        for count in range(1, MAX_COUNT + 1):
            handler = _handler([self._handlers_in(scope) for scope in scopes], event, count)
            if handler is None:
                continue
            owner = doc
            if doc.app is not None and any(handler is c for c in self._handlers_in(doc.app.root)):
                owner = doc.app  # the application root's handler: its words, its targets
            if any(handler is c for c in self._handlers_in(owner.root)):  # one node for all
                key = f"{owner.path}#@{handler.line}:{handler.col}/{event}"
            else:
                key = f"{name}/{event}@{handler.line}:{handler.col}"
            target = self._exec(owner, handler.parts, "", key, handler, reprompt=True)
            if target:
                return count, target
        return None

    # -- executable content ------------------------------------------------------------
    def _exec(
        self,
        doc: _Document,
        parts: list[str | Element],
        after: str,
        key: str,
        at: Element,
        *,
        reprompt: bool = False,
    ) -> str:
        """The node a run of executable content leads to: a say node for its words, then
        where it goes (``after`` when it goes nowhere; "" for a handler that asks again)."""
        prompt, target = self._run(doc, parts, after, key, at, reprompt=reprompt)
        if not prompt:
            return target
        if not target:  # said before asking again: the engine's own apology stands in for it
            self.flow.warn(
                at.at,
                f"<{at.tag}> says {_quoted(prompt)} and asks again: the engine's own apology "
                "stands in for those words",
                doc.file,
            )
            return ""
        self.flow.id(key, self._label(key))
        return self.flow.add(key, {"say": prompt, "next": target}, at.at, f"<{at.tag}>", doc.file)

    def _run(
        self,
        doc: _Document,
        parts: list[str | Element],
        after: str,
        key: str,
        at: Element,
        *,
        reprompt: bool = False,
    ) -> tuple[Any, str]:
        """What a run of executable content says (up to where it leads away) and where it
        leads: ``after`` when nowhere ("" for a handler, which then asks again)."""
        spoken: list[str | Element] = []
        target: str | None = None
        for index, part in enumerate(parts):
            if isinstance(part, str) or part.tag in SPOKEN:
                spoken.append(part)
                continue
            tag = part.tag
            if tag in QUIET or tag == "filled":
                continue
            if tag == "script":
                self._script(part, doc.path)
                continue
            if tag in ("goto", "submit"):
                target = self._goto(doc, part, key)
            elif tag in ("disconnect", "exit"):
                target = self._hangup(doc, spoken, key, part)
                spoken = []
            elif tag == "transfer":
                spec = self._transfer(doc, part, f"{key}/transfer")
                self.flow.id(f"{key}/transfer", self._label(key) + "_transfer")
                note = "VoiceXML <transfer>"
                target = self.flow.add(f"{key}/transfer", spec, part.at, note, doc.file)
            elif tag == "if":
                rest = self._exec(doc, parts[index + 1 :], after, f"{key}/then", at)
                target = self._if(doc, part, rest or after, key)
            elif tag == "reprompt":
                target = ""
            else:
                self.flow.warn(part.at, f"<{tag}> is not understood: skipped", doc.file)
                continue
            break
        if target is None:
            target = "" if reprompt else after
        return self._prompt(doc, spoken, []), target

    def _goto(self, doc: _Document, element: Element, key: str) -> str:
        uri = element.get("next") or element.get("nextitem")
        if uri and element.get("nextitem"):
            dialog = doc.dialogs.get(uri)
            if dialog is not None:
                self.flow.warn(
                    element.at,
                    f'nextitem="{uri}" names a dialog, not a form item: it is taken as the dialog',
                    doc.file,
                )
                return self._dialog_id(doc, uri)
            self.flow.warn(element.at, f'nextitem="{uri}" is not kept: the call ends', doc.file)
            return self.flow.end()
        if uri:
            return self._target(doc, uri, element)
        expr = element.get("expr") or element.get("expritem") or "?"
        known = doc.value(expr)
        if known is not None and known.lstrip("#") in doc.dialogs:
            return self._dialog_id(doc, known.lstrip("#"))
        if known is not None and element.get("expr"):
            return self._target(doc, known, element)
        self.flow.warn(
            element.at, f"<{element.tag}> to expr={expr} is not evaluated: a decision", doc.file
        )
        return self._opaque(f"{key}/goto", f"the dialog named by {expr}", element, doc)

    def _target(self, doc: _Document, uri: str, at: Element) -> str:
        """The node of the dialog ``uri`` names (``#id``, ``doc.vxml``, ``doc.vxml#id``)."""
        path, _, fragment = uri.partition("#")
        target_doc: _Document | None = doc
        if path:
            target_doc = self._load(path, doc, at)
        if target_doc is None:
            key = f"{doc.path}->{uri}"
            if key not in self.flow.ids:
                self.flow.warn(
                    at.at,
                    f'"{uri}" is not a document of this folder: kept as a decision (what it '
                    "does is unknown)",
                    doc.file,
                )
            return self._opaque(key, f"the document {uri}", at, doc)
        if not fragment:
            if not target_doc.dialogs:
                self.flow.warn(at.at, f'"{uri}" has no dialog: the call ends', doc.file)
                return self.flow.end()
            fragment = next(iter(target_doc.dialogs))
        if fragment not in target_doc.dialogs:
            if target_doc.app and fragment in target_doc.app.dialogs:
                return self._dialog_id(target_doc.app, fragment)
            self.flow.warn(at.at, f'"{uri}" names no dialog: the call ends', doc.file)
            return self.flow.end()
        return self._dialog_id(target_doc, fragment)

    def _opaque(self, key: str, about: str, at: Element, doc: _Document) -> str:
        if key not in self.flow.ids or self.flow.id(key) not in self.flow.nodes:
            self.flow.id(key, self._label(key))
            spec = {"decide": {"about": about, "outcomes": {"unknown": self.flow.end()}}}
            self.flow.add(key, spec, at.at, about, doc.file)
        return self.flow.id(key)

    def _hangup(self, doc: _Document, spoken: list[str | Element], key: str, at: Element) -> str:
        prompt = self._prompt(doc, spoken, [])
        self.flow.id(f"{key}/hangup", self._label(key) + "_hangup")
        spec = {"hangup": {"say": prompt} if prompt else {}}
        return self.flow.add(f"{key}/hangup", spec, at.at, f"<{at.tag}>", doc.file)

    def _if(self, doc: _Document, element: Element, after: str, key: str) -> str:
        outcomes: dict[str, str] = {}
        for index, (cond, parts, at) in enumerate(_if_branches(element)):
            label = cond if cond is not None else "otherwise"
            target = self._exec(doc, parts, after, f"{key}/if{element.line}.{index}", at)
            outcomes.setdefault(label, target or after)
        if not any(cond is None for cond, _, _ in _if_branches(element)):
            outcomes.setdefault("no condition holds", after)
        name = f"{key}/if{element.line}"
        self.flow.id(name, self._label(key) + "_if")
        spec = {
            "decide": {"about": "VoiceXML <if> (conditions not evaluated)", "outcomes": outcomes}
        }
        return self.flow.add(name, spec, element.at, "VoiceXML <if>", doc.file)

    # -- prompts -------------------------------------------------------------------------
    def _prompt(
        self, doc: _Document, parts: list[str | Element], choices: list[tuple[str, str]]
    ) -> Any:
        """What a run of prompts says on the first attempt (tapered prompts of later
        attempts, ``<prompt count="2">``, are the reprompt)."""
        first = [
            part
            for part in parts
            if not (isinstance(part, Element) and part.tag == "prompt" and _count(part) > 1)
        ]
        return self._say(doc, first, choices)

    def _reprompt(
        self, doc: _Document, parts: list[str | Element], choices: list[tuple[str, str]]
    ) -> Any:
        """What later attempts say: the prompts of the lowest count above 1; prompts of
        higher counts are warnings (the menu format has one prompt for later attempts)."""
        tapered = [
            part
            for part in parts
            if isinstance(part, Element) and part.tag == "prompt" and _count(part) > 1
        ]
        if not tapered:
            return ""
        second = min(_count(part) for part in tapered)
        for part in tapered:
            if _count(part) > second:
                self.flow.warn(
                    part.at,
                    f'<prompt count="{part.get("count")}"> is not kept: the menu format has one '
                    f"prompt for the attempts after the first (the count {second} one)",
                    doc.file,
                )
        return self._say(doc, [part for part in tapered if _count(part) == second], choices)

    def _say(
        self, doc: _Document, parts: list[str | Element], choices: list[tuple[str, str]]
    ) -> Any:
        """What ``parts`` say: text, or a recording with its words."""
        words: list[str] = []
        audio: list[str] = []
        self._words(doc, parts, choices, words, audio)
        text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(" ".join(words).split()))
        if audio:
            return {"audio": audio[0], "text": text} if text else {"audio": audio[0]}
        return text

    def _words(
        self,
        doc: _Document,
        parts: list[str | Element],
        choices: list[tuple[str, str]],
        words: list[str],
        audio: list[str],
    ) -> None:
        for part in parts:
            if isinstance(part, str):
                words.append(part)
                continue
            if part.tag == "audio" and part.get("src"):
                audio.append(part.get("src") or "")
            elif part.tag == "audio" and doc.value(part.get("expr")):
                audio.append(doc.value(part.get("expr")) or "")
            elif part.tag == "audio" and part.get("expr") and not part.text():
                words.append(f"[{part.get('expr')}]")
            elif part.tag == "value":
                words.append(f"[{part.get('expr')}]")
                continue
            elif part.tag == "enumerate":
                words.append(self._enumerate(part, choices))
                continue
            if part.tag in SPOKEN:
                self._words(doc, part.parts, choices, words, audio)

    def _enumerate(self, element: Element, choices: list[tuple[str, str]]) -> str:
        if not element.children and not element.text():
            return " ".join(f"{text}." for _, text in choices if text)
        sentences = []
        for key, text in choices:
            pieces: list[str] = []
            for part in element.parts:
                if isinstance(part, str):
                    pieces.append(part)
                elif part.tag == "value" and part.get("expr") == "_prompt":
                    pieces.append(text)
                elif part.tag == "value" and part.get("expr") == "_dtmf":
                    pieces.append(key)
                else:
                    pieces.append(part.text())
            sentences.append(" ".join(" ".join(pieces).split()))
        return " ".join(sentences)


def _if_branches(element: Element) -> list[tuple[str | None, list[str | Element], Element]]:
    """(condition, content, where) for each branch of an <if> (None: the <else>)."""
    branches: list[tuple[str | None, list[str | Element], Element]] = [
        (element.get("cond") or "", [], element)
    ]
    for part in element.parts:
        if isinstance(part, Element) and part.tag == "elseif":
            branches.append((part.get("cond") or "", [], part))
        elif isinstance(part, Element) and part.tag == "else":
            branches.append((None, [], part))
        else:
            branches[-1][1].append(part)
    return branches


def _handler(scopes: list[list[Element]], event: str, count: int) -> Element | None:
    """The handler VoiceXML picks for the ``count``-th ``event`` among the handlers of each
    scope (innermost first): the highest count not above it, from the innermost scope."""
    best: tuple[int, int] | None = None
    chosen: Element | None = None
    for depth, handlers in enumerate(scopes):
        for child in handlers:
            names = (child.get("event") or "").split() if child.tag == "catch" else [child.tag]
            if event not in names:
                continue
            wanted = _count(child)
            if wanted > count:
                continue
            rank = (wanted, -depth)
            if best is None or rank > best:
                best, chosen = rank, child
    return chosen


def _count(element: Element) -> int:
    """An element's ``count`` (1 when it has none or it is not a number)."""
    count = (element.get("count") or "1").strip()
    return int(count) if count.isdigit() else 1


def _clears(filled: Element, var: str) -> bool:
    return any(var in (clear.get("namelist") or "").split() for clear in filled.iter("clear"))


def _seconds(value: str | None) -> float | None:
    match = SECONDS.match(value or "")
    if not match:
        return None
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def _quoted(prompt: Any) -> str:
    text = prompt.get("text") or prompt.get("audio") if isinstance(prompt, dict) else prompt
    return f'"{text}"'
