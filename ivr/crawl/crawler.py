"""Breadth-first exploration of a TwiML webhook into our menu format.

Every document the line returns becomes nodes: the ``<Say>`` texts before a verb
are that node's prompt; a ``<Gather>`` becomes a ``menu`` (an ``input`` when it
takes two digits or more), probed with every key (and each speech hint it
announces); a ``<Dial>`` a person (``transfer``), an ``<Enqueue>`` a ``queue``, a
``<Record>`` voicemail, a ``<Redirect>`` an automatic step, ``<Hangup>`` or the
end of the document a hang-up. Silence at a ``<Gather>`` goes on with the verbs
after it, or hangs up when there are none (as Twilio does). An error answer (a
500, a page that is not TwiML) is what Twilio plays then: an application error
and a hang-up.

Keys that all lead to the same place, when three or more keys and most of them
do, are the line's answer to a wrong key (``on_invalid``); the others are the
options. A crawled line answers the same way each time (the app keeps no count):
its menus get ``retries: 0`` with the wrong-key and silence routes named; where the
line only asks again, the route is an automatic step back to the menu (so the count
starts afresh each time, as the line's does).

Documents are told apart by their TwiML; query values longer than
``TOKEN_LENGTH`` characters (signed state tokens) are left out of that
comparison. Each request path keeps its own cookies. The crawl is bounded in
requests, depth (menus answered from the start) and time; what was cut short is
said in ``warnings``.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ivr.twiml_caller import GATHER_DEFAULTS, Fetched, TwimlCaller, attribute_warnings

KEYS = "0123456789*#"
MAX_REQUESTS = 2000
MAX_DEPTH = 12
MAX_SECONDS = 300.0
TOKEN_LENGTH = 24
MAX_AUDIO_BYTES = 20 * 1024 * 1024
AUDIO_TIMEOUT = 15.0
APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye."
SPOKEN = ("Say", "Play", "Pause")


Said = str | dict[str, str]  # a prompt as the menu file writes it: text, or {audio, text}


@dataclass(frozen=True)
class Played:
    """A ``<Play>``: its URL, the file it was saved as (None: not saved), its words if heard."""

    url: str
    file: str | None = None
    words: str | None = None


def _download(url: str) -> bytes | None:
    """The body at ``url`` (at most ``MAX_AUDIO_BYTES``, within ``AUDIO_TIMEOUT``), or None."""
    try:
        with urllib.request.urlopen(url, timeout=AUDIO_TIMEOUT) as answer:
            data = answer.read(MAX_AUDIO_BYTES + 1)
    except (OSError, ValueError):
        return None
    return data if len(data) <= MAX_AUDIO_BYTES else None


@dataclass
class CrawledNode:
    """One node of the crawled menu: its YAML ``spec`` and the notes written above it."""

    id: str
    spec: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass
class CrawledLine:
    """What a crawl found: nodes by id, the start, the warnings, how many requests it took."""

    url: str
    start: str = ""
    nodes: dict[str, CrawledNode] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    languages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Request:
    method: str
    url: str
    form: tuple[tuple[str, str], ...]
    cookies: tuple[tuple[str, str], ...]
    depth: int
    how: str  # the keys that reached it, for the notes

    def after(
        self, method: str, url: str, form: dict[str, str], fetched: Fetched, how: str
    ) -> _Request:
        return _Request(
            method, url, tuple(form.items()), tuple(fetched.cookies.items()), self.depth, how
        )


def canonical(document: ET.Element) -> str:
    """The document's TwiML with opaque tokens left out of its URLs (what makes a state)."""
    attributes = sorted((name, _plain_url(value)) for name, value in document.attrib.items())
    inside = "".join(canonical(child) for child in document)
    return f"<{document.tag} {attributes}>{_plain_url(_text(document))}[{inside}]"


def _plain_url(value: str) -> str:
    if "?" not in value:
        return value
    parts = urlsplit(value)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if len(v) <= TOKEN_LENGTH
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _slug(url: str) -> str:
    path = urlsplit(url).path.strip("/")
    words = re.sub(r"[^A-Za-z0-9]+", "_", path.split("/")[-1] if path else "start").strip("_")
    return (words or "start").lower()[:40]


def _text(element: ET.Element) -> str:
    return " ".join((element.text or "").split())


class Crawler:
    """Explores the webhook at ``url`` (see the module docstring)."""

    def __init__(
        self,
        url: str,
        caller: TwimlCaller,
        *,
        keys: str = KEYS,
        max_requests: int = MAX_REQUESTS,
        max_depth: int = MAX_DEPTH,
        max_seconds: float = MAX_SECONDS,
        progress: Callable[[CrawledLine], None] | None = None,
        audio_folder: Path | None = None,
        audio_prefix: str = "",
        transcribe: Callable[[Path, list[str]], str | None] = lambda _path, _languages: None,
    ):
        self.line = CrawledLine(url)
        self.caller = caller
        self.keys = keys
        self.max_requests = max_requests
        self.max_depth = max_depth
        self.deadline = time.monotonic() + max_seconds
        self.progress = progress
        self.by_document: dict[str, str] = {}
        self.by_error: dict[str, str] = {}
        self.todo: deque[Callable[[], None]] = deque()
        self.cut_short: Counter[str] = Counter()
        self.started = time.monotonic()
        self.audio_folder = audio_folder  # where <Play> audio is saved (None: not fetched)
        self.audio_prefix = audio_prefix  # that folder as the menu file names it
        self.transcribe = transcribe
        self.audio: dict[str, Played] = {}

    # -- the crawl -----------------------------------------------------------------------
    def crawl(self) -> CrawledLine:
        """Explore breadth-first until every document is known or a bound is reached."""
        self.line.start = self._visit(
            _Request("POST", self.line.url, (), (), 0, "the call's start")
        )
        while self.todo:
            self.todo.popleft()()
        for reason, count in sorted(self.cut_short.items()):
            self.line.warnings.append(f"not crawled, {reason}: {count} request(s)")
        self.line.seconds = round(time.monotonic() - self.started, 2)
        return self.line

    def _limit(self, depth: int) -> str | None:
        if self.line.requests >= self.max_requests:
            return f"over --max-requests {self.max_requests}"
        if depth > self.max_depth:
            return f"deeper than --max-depth {self.max_depth}"
        if time.monotonic() > self.deadline:
            return "out of time"
        return None

    def _visit(self, request: _Request) -> str:
        """The node where ``request`` leads: fetched now, expanded later (breadth-first)."""
        limit = self._limit(request.depth)
        if limit:
            self.cut_short[limit] += 1
            return self._error_node(f"not crawled ({limit})", request, spoken=False)
        fetched = self.caller.fetch(
            request.method, request.url, dict(request.form), dict(request.cookies)
        )
        self.line.requests += fetched.requests
        if self.progress:
            self.progress(self.line)
        if fetched.document is None:
            return self._error_node(fetched.error, request)
        key = canonical(fetched.document)
        if key in self.by_document:
            node_id = self.by_document[key]
            self._note(node_id, f"also reached by {request.how}")
            return node_id
        for warning in attribute_warnings(fetched.document):
            text = f"{fetched.url}: {warning}"
            if text not in self.line.warnings:
                self.line.warnings.append(text)
        self._languages(fetched.document)
        node_id = self._chain(list(fetched.document), fetched, request, _slug(fetched.url))
        self.by_document[key] = node_id
        self._note(node_id, f"{request.method} {fetched.url} (reached by {request.how})")
        return node_id

    def _languages(self, document: ET.Element) -> None:
        for element in document.iter():
            lang = element.get("language", "")[:2].lower()
            if lang.isalpha() and lang not in self.line.languages:
                self.line.languages.append(lang)

    # -- nodes ---------------------------------------------------------------------------
    def _new_id(self, base: str) -> str:
        node_id, number = base, 1
        while node_id in self.line.nodes:
            number += 1
            node_id = f"{base}_{number}"
        return node_id

    def _add(self, base: str, spec: dict[str, Any]) -> CrawledNode:
        node = CrawledNode(self._new_id(base), spec)
        self.line.nodes[node.id] = node
        return node

    def _note(self, node_id: str, note: str) -> None:
        notes = self.line.nodes[node_id].notes
        if note not in notes and len(notes) < 6:
            notes.append(note)

    def _error_node(self, error: str, request: _Request, *, spoken: bool = True) -> str:
        """What Twilio does when a request fails: an apology, then it hangs up."""
        if error in self.by_error:
            self._note(self.by_error[error], f"also reached by {request.how}")
            return self.by_error[error]
        spec: dict[str, Any] = {"hangup": {"say": APPLICATION_ERROR} if spoken else {}}
        node = self._add("error" if spoken else "not_crawled", spec)
        node.notes += [error, f"{request.method} {request.url} (reached by {request.how})"]
        self.by_error[error] = node.id
        return node.id

    def _chain(
        self, verbs: list[ET.Element], fetched: Fetched, request: _Request, base: str
    ) -> str:
        """Nodes for ``verbs`` (Says before each verb become its prompt); the first node's id."""
        prompt: list[str | Played] = []
        for index, verb in enumerate(verbs):
            if verb.tag in SPOKEN:
                prompt += self._spoken(verb, fetched.url)
                continue
            rest = verbs[index + 1 :]
            if verb.tag == "Gather":
                return self._gather(verb, prompt, rest, fetched, request, base)
            said = self._prompt(prompt)
            if verb.tag == "Redirect":
                return self._redirect(verb, said, fetched, request, base)
            if verb.tag == "Dial":
                return self._dial(verb, said, rest, fetched, request, base)
            if verb.tag == "Enqueue":
                return self._add(
                    base, {"queue": self._with_prompt({"name": _text(verb) or base}, said)}
                ).id
            if verb.tag == "Record":
                return self._record(verb, said, fetched, request, base)
            if verb.tag in ("Hangup", "Reject", "Leave"):
                break
            self.line.warnings.append(
                f"{fetched.url}: <{verb.tag}> is not a verb ivr knows; skipped"
            )
        said = self._prompt(prompt)
        return self._add(base, {"hangup": {"say": said} if said else {}}).id

    @staticmethod
    def _with_prompt(spec: dict[str, Any], said: Said) -> dict[str, Any]:
        return {"prompt": said, **spec} if said else spec

    def _spoken(self, verb: ET.Element, url: str) -> list[str | Played]:
        if verb.tag == "Say":
            return [_text(verb)] if _text(verb) else []
        if verb.tag == "Play" and _text(verb):
            return [self._played(urljoin(url, _text(verb)))]
        return []

    def _played(self, url: str) -> Played:
        """A ``<Play>``'s audio: fetched into the audio folder when it is WAV, its words
        transcribed when a speech model of the line's language is installed."""
        if url in self.audio:
            return self.audio[url]
        played = Played(url)
        if self.audio_folder is not None and self._limit(0) is None:
            self.line.requests += 1
            data = _download(url)
            if data is None or not data.startswith(b"RIFF") or data[8:12] != b"WAVE":
                self.line.warnings.append(f"{url}: not a WAV file ivr can time: length unknown")
            else:
                name = hashlib.sha1(url.encode()).hexdigest()[:16] + ".wav"
                self.audio_folder.mkdir(parents=True, exist_ok=True)
                (self.audio_folder / name).write_bytes(data)
                words = self.transcribe(self.audio_folder / name, self.line.languages)
                played = Played(url, f"{self.audio_prefix}/{name}", words)
        self.audio[url] = played
        return played

    def _prompt(self, parts: list[str | Played]) -> Said:
        """What a node says: text, or a recording (``{audio, text}``) when it only plays one."""
        only = parts[0] if len(parts) == 1 else None
        if isinstance(only, Played) and only.file:
            recording = {"audio": only.file}
            if only.words:
                recording["text"] = only.words
            return recording
        texts = []
        for part in parts:
            if isinstance(part, str):
                texts.append(part)
                continue
            texts.append(part.words or f"(audio: {part.url})")
            if len(parts) > 1:
                warning = f"{part.url}: played among other prompts: its length is not counted"
                if warning not in self.line.warnings:
                    self.line.warnings.append(warning)
        return " ".join(texts)

    def _redirect(
        self, verb: ET.Element, said: Said, fetched: Fetched, request: _Request, base: str
    ) -> str:
        node = self._add(base, {"say": said} if said else {"branch": []})
        target = urljoin(fetched.url, _text(verb))
        method = verb.get("method", "POST").upper()

        def link() -> None:
            goto = self._visit(
                request.after(method, target, {}, fetched, f"a redirect from {node.id}")
            )
            if said:
                node.spec["next"] = goto
            else:
                node.spec["branch"] = [{"goto": goto}]

        self.todo.append(link)
        return node.id

    def _dial(
        self,
        verb: ET.Element,
        said: Said,
        rest: list[ET.Element],
        fetched: Fetched,
        request: _Request,
        base: str,
    ) -> str:
        number = _text(verb) or " ".join(_text(child) for child in verb) or "unknown"
        spec: dict[str, Any] = self._with_prompt({"to": number, "human": True}, said)
        node = self._add(base, {"transfer": spec})
        action = verb.get("action")

        def link() -> None:
            if action:
                form = {"DialCallStatus": "no-answer", "DialCallDuration": "0"}
                method = verb.get("method", "POST").upper()
                how = f"nobody answering at {node.id}"
                goto = self._visit(
                    request.after(method, urljoin(fetched.url, action), form, fetched, how)
                )
            else:
                goto = self._chain(rest, fetched, request, f"{node.id}_no_answer")
            spec["on_no_answer"] = goto

        self.todo.append(link)
        return node.id

    def _record(
        self, verb: ET.Element, said: Said, fetched: Fetched, request: _Request, base: str
    ) -> str:
        spec: dict[str, Any] = self._with_prompt(
            {"max_length": float(verb.get("maxLength", "3600"))}, said
        )
        node = self._add(base, {"record": spec})
        action = urljoin(fetched.url, verb.get("action") or fetched.url)
        form = {"RecordingUrl": "https://example.invalid/recording", "RecordingDuration": "5"}

        def link() -> None:
            how = f"a message left at {node.id}"
            spec["next"] = self._visit(request.after("POST", action, form, fetched, how))

        self.todo.append(link)
        return node.id

    def _gather(
        self,
        verb: ET.Element,
        before: list[str | Played],
        rest: list[ET.Element],
        fetched: Fetched,
        request: _Request,
        base: str,
    ) -> str:
        inside = [
            p for child in verb if child.tag in SPOKEN for p in self._spoken(child, fetched.url)
        ]
        said = self._prompt([*before, *inside])
        attributes = {**GATHER_DEFAULTS, **verb.attrib}
        digits = verb.get("numDigits", "")
        count = int(digits) if digits.isdigit() and int(digits) > 0 else 1
        timeout = float(attributes["timeout"]) if attributes["timeout"].isdigit() else 5.0
        common: dict[str, Any] = {"prompt": said or "(no prompt)", "timeout": max(1.0, timeout)}
        kind = "input" if count > 1 else "menu"
        node = self._add(base, {kind: common})
        action = urljoin(fetched.url, verb.get("action") or fetched.url)
        method = verb.get("method", "POST").upper()
        modes = attributes["input"].split()
        deeper = _Request(
            request.method, request.url, request.form, request.cookies, request.depth + 1, ""
        )

        def probe(form: dict[str, str], how: str) -> str:
            return self._visit(deeper.after(method, action, form, fetched, f"{how} at {node.id}"))

        def link() -> None:
            if verb.get("actionOnEmptyResult") == "true":
                on_timeout = probe({}, "silence")
            else:
                on_timeout = self._chain(rest, fetched, request, f"{node.id}_no_input")
            if kind == "input":
                self._input(common, count, attributes["finishOnKey"], probe)
            else:
                self._menu(
                    common, node.id, modes, verb.get("hints", ""), attributes["finishOnKey"], probe
                )
            common["on_timeout"] = on_timeout
            for route in ("on_invalid", "on_timeout"):
                if common.get(route) == node.id:  # the line asks again, as often as it is asked
                    common[route] = self._again(node.id)
            common["retries"] = 0

        self.todo.append(link)
        return node.id

    def _input(
        self,
        spec: dict[str, Any],
        count: int,
        finish_on: str,
        probe: Callable[[dict[str, str], str], str],
    ) -> None:
        entry = "1" * count
        spec.update({"var": f"digits_{count}", "digits": {"min": count, "max": count}})
        spec["finish_on"] = finish_on[:1] if finish_on[:1] in KEYS else ""
        spec["next"] = probe({"Digits": entry}, f"entering {entry}")
        if spec["finish_on"]:  # an entry cut short with the finish key: the line's wrong answer
            spec["on_invalid"] = probe({"Digits": entry[1:]}, f"entering {entry[1:]}")

    def _menu(
        self,
        spec: dict[str, Any],
        node_id: str,
        modes: list[str],
        hints: str,
        finish_on: str,
        probe: Callable[[dict[str, str], str], str],
    ) -> None:
        targets: dict[str, str] = {}
        if "dtmf" in modes:
            for key in self.keys:
                if key not in finish_on:  # ends an empty entry: the same as silence
                    targets[key] = probe({"Digits": key}, f"key {key}")
        phrases = [h.strip() for h in hints.split(",") if h.strip()] if "speech" in modes else []
        spoken = {
            phrase: probe({"SpeechResult": phrase, "Confidence": "0.9"}, f'"{phrase}"')
            for phrase in phrases
        }
        wrong = self._wrong_key_target(targets)
        options: dict[str, Any] = {}
        for key, goto in targets.items():
            if goto != wrong:
                options[key] = {"goto": goto, "say": [p for p, g in spoken.items() if g == goto]}
        free = (k for k in "123456789" if k not in options)
        for phrase, goto in spoken.items():
            if goto != wrong and not any(phrase in o["say"] for o in options.values()):
                options[next(free, phrase)] = {"goto": goto, "say": [phrase]}
        for option in options.values():
            if not option["say"]:
                del option["say"]
        spec["options"] = options or {self.keys[0] if self.keys else "1": wrong or node_id}
        if sorted(modes) != ["dtmf", "speech"]:
            spec["input"] = " ".join(modes)
        if wrong:
            spec["on_invalid"] = wrong

    def _again(self, node_id: str) -> str:
        """An automatic step back to ``node_id``: asking again without end, retries reset."""
        again = f"{node_id}_again"
        if again not in self.line.nodes:
            self.line.nodes[again] = CrawledNode(again, {"branch": [{"goto": node_id}]})
            self.line.nodes[again].notes.append(f"the line asks {node_id} again, without end")
        return again

    @staticmethod
    def _wrong_key_target(targets: dict[str, str]) -> str | None:
        """Where most keys lead, when three or more and most of them do: the wrong-key answer."""
        if not targets:
            return None
        goto, count = Counter(targets.values()).most_common(1)[0]
        return goto if count >= 3 and count * 2 > len(targets) else None
