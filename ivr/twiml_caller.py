"""A caller that plays Twilio's role against any TwiML webhook, over HTTP.

``TwimlCaller(url).call([press("0")])`` answers the call like Twilio does: it
sends the standard parameters (``CallSid``, ``From``, ``To``...), reads the
TwiML and keeps a time-stamped transcript, gives each ``<Gather>`` the
caller's next event (keys, speech, silence, hang-up), follows ``<Redirect>``,
hears an ``<Enqueue>``'s hold loop, lets a ``<Dial>`` end as scripted and a
``<Record>`` be made. It behaves as Twilio documents:

- keys are split the way a ``<Gather>`` collects them: ``numDigits`` keys, or up
  to ``finishOnKey`` (which is not sent); the rest is typed ahead into the next
  ``<Gather>`` (one digit per Gather when ``numDigits`` is 1);
- HTTP redirects are followed for 301, 302, 303 and 307 only (Twilio's error
  11216 for any other 3xx or a missing ``Location``; 11215 after too many);
  307 keeps the method and the form, the others turn into a GET without the
  form, and each hop is written in the transcript;
- cookies set by the app are sent back for the rest of the call;
- requests are signed with ``X-Twilio-Signature`` when an auth token is given,
  over the URL exactly as requested;
- a ``<Gather>`` whose time runs out goes on with the next verb.

Times are simulated: a ``<Say>`` lasts as long as the auditor estimates
(``ivr.duration.estimate_seconds``), a ``<Pause>`` its ``length``, silence the
Gather's ``timeout``, a key press the caller's reaction time after the prompt,
an answered ``<Dial>`` ``ring`` seconds. Our own webhook names the nodes it went
through in an ``X-IVR-Path`` header; the caller collects them as the call's path.
"""

from __future__ import annotations

import secrets
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from urllib.parse import unquote, urlencode, urljoin

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator

from ivr.duration import estimate_seconds
from ivr.engine import REACTION_SECONDS

PATH_HEADER = "X-IVR-Path"
MAX_REQUESTS = 200
MAX_REDIRECTS = 10
MAX_DOCUMENT_BYTES = 64 * 1024
REQUEST_TIMEOUT = 15.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307})
DIAL_STATUSES = ("completed", "no-answer", "busy", "failed")
DEFAULT_RING = 10.0
GATHER_DEFAULTS = {"timeout": "5", "finishOnKey": "#", "input": "dtmf"}
# Attribute names Twilio reads, by verb; a name that differs only in case is ignored by Twilio.
KNOWN_ATTRIBUTES = {
    "Gather": (
        "action method timeout finishOnKey numDigits input hints language speechTimeout "
        "actionOnEmptyResult partialResultCallback profanityFilter speechModel enhanced"
    ),
    "Dial": "action method timeout callerId record hangupOnStar timeLimit answerOnBridge",
    "Enqueue": "action method waitUrl waitUrlMethod workflowSid",
    "Record": "action method timeout finishOnKey maxLength playBeep trim transcribe",
    "Redirect": "method",
    "Say": "voice language loop",
    "Play": "loop digits",
    "Pause": "length",
}

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
# (method, absolute url, form, headers) -> (status, headers, body). A GET's form is in its URL.
Transport = Callable[[str, str, dict[str, str], dict[str, str]], tuple[int, Headers, str | bytes]]
Step = tuple[str, str, dict[str, str]]


class TransportError(OSError):
    """The webhook could not be reached or did not answer in time."""


@dataclass(frozen=True)
class CallerEvent:
    """What the caller does at a ``<Gather>``: ``press``, ``say``, ``silence`` or ``hangup``."""

    kind: str
    value: str = ""
    typed_ahead: bool = False  # keys left over from the caller's previous press


def press(keys: str) -> CallerEvent:
    """Press ``keys``."""
    return CallerEvent("press", keys)


def say(text: str) -> CallerEvent:
    """Say ``text`` (sent as ``SpeechResult``)."""
    return CallerEvent("say", text)


def silence() -> CallerEvent:
    """Say and press nothing until the Gather times out."""
    return CallerEvent("silence")


def hang_up() -> CallerEvent:
    """Hang up at the next Gather."""
    return CallerEvent("hangup")


@dataclass
class CallResult:
    """What happened: transcript, nodes visited, where the call got to and how it ended.

    ``reached`` is ``queue:<name>`` or ``dial:<number>`` when a person was
    reached; ``end`` is ``hangup`` (the webhook hung up), ``waiting`` (the
    caller had no more events), ``caller-hangup``, ``silent-end`` (the TwiML
    ran out of verbs: Twilio hangs up without a word), ``http-<status>``,
    ``bad-redirect``, ``bad-twiml``, ``unreachable`` or ``too-many-requests``;
    ``error`` says what went wrong in words, with what came back.
    ``seconds`` is the simulated length of the call and ``seconds_to_person``
    when a person answered (for a queue: when the caller joined it).
    ``heard`` holds, for each scripted event the call used, what the line said
    before it (``<Say>`` texts joined), so a test can check each step;
    ``recorded`` whether the caller left a message at a ``<Record>``.
    """

    sid: str
    transcript: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    reached: str | None = None
    end: str = ""
    error: str = ""
    seconds: float = 0.0
    seconds_to_person: float | None = None
    warnings: list[str] = field(default_factory=list)
    heard: list[str] = field(default_factory=list)
    recorded: bool = False

    @property
    def requests(self) -> int:
        """How many requests the webhook answered for this call."""
        return len(self.urls)

    @property
    def failed(self) -> bool:
        """True when the webhook could not be called through (HTTP error, bad TwiML...)."""
        return self.end in ("bad-redirect", "bad-twiml", "unreachable", "too-many-requests") or (
            self.end.startswith("http-")
        )


def split_keys(keys: str, num_digits: int | None, finish_on: str) -> tuple[str, str, bool]:
    """What a ``<Gather>`` sends of ``keys``: ``(Digits, typed ahead, finished)``.

    ``finished`` is False when the Gather had to wait for its timeout.

    >>> split_keys("23", 1, "#")
    ('2', '3', True)
    >>> split_keys("1234#9", None, "#")
    ('1234', '9', True)
    >>> split_keys("12", 4, "#")
    ('12', '', False)
    """
    for index, key in enumerate(keys):
        if finish_on and key in finish_on:
            return keys[:index], keys[index + 1 :], True
        if num_digits is not None and index + 1 == num_digits:
            return keys[: index + 1], keys[index + 1 :], True
    return keys, "", False


def urllib_transport(timeout: float = REQUEST_TIMEOUT) -> Transport:
    """A transport over real HTTP (``urllib``) that follows no redirect by itself.

    An answer is read for at most ``timeout`` seconds in all and
    ``MAX_DOCUMENT_BYTES`` bytes (Twilio's limit for a TwiML document).
    """
    opener = urllib.request.build_opener(_NoRedirect)

    def send(
        method: str, url: str, form: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, Headers, bytes]:
        data = urlencode(form).encode() if method == "POST" else None
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        deadline = time.monotonic() + timeout
        try:
            with opener.open(request, timeout=timeout) as answer:
                return answer.status, answer.headers.items(), _read(answer, deadline)
        except urllib.error.HTTPError as error:
            return error.code, error.headers.items(), _read(error, deadline)
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise TransportError(f"cannot reach {url}: {reason}") from error

    return send


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands redirects back to the caller, which follows them as Twilio does."""

    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def _read(answer: object, deadline: float) -> bytes:
    """The body, read in chunks; an answer that is too long or too slow is cut off."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TransportError("the answer did not end in time (a server that streams forever?)")
        chunk = answer.read1(16384) if hasattr(answer, "read1") else answer.read(16384)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise TransportError(
                f"the answer is larger than {MAX_DOCUMENT_BYTES // 1024} KB, "
                "Twilio's limit for a TwiML document"
            )


class TwimlCaller:
    """Places calls to the TwiML webhook at ``url`` (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        transport: Transport | None = None,
        auth_token: str | None = None,
        caller: str = "+14155550100",
        called: str = "+14155550199",
        dial_status: str = "completed",
        ring: float = DEFAULT_RING,
        max_requests: int = MAX_REQUESTS,
    ):
        if dial_status not in DIAL_STATUSES:
            raise ValueError(
                f"dial status {dial_status!r} is not one of {', '.join(DIAL_STATUSES)}"
            )
        self.url = url
        self.transport = transport or urllib_transport()
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.caller, self.called = caller, called
        self.dial_status = dial_status
        self.ring = ring
        self.max_requests = max_requests

    def call(self, events: Iterable[CallerEvent] = (), sid: str | None = None) -> CallResult:
        """Place one call and play ``events`` at the Gathers, in order."""
        return _Call(self, CallResult(sid or _new_sid()), list(events)).run()

    def fetch(
        self,
        method: str,
        url: str,
        extra: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
        sid: str | None = None,
    ) -> Fetched:
        """One request as Twilio makes it (redirects followed, ``cookies`` sent and updated).

        The crawler's way in: it explores a line one document at a time.
        """
        session = _Call(self, CallResult(sid or _new_sid()), [])
        session.cookies = dict(cookies or {})
        got = session._fetch(method, url, dict(extra or {}))
        document, where = got if got is not None else (None, url)
        return Fetched(
            document,
            where,
            session.cookies,
            session.result.error,
            tuple(session.result.transcript),
            session.result.requests,
        )


@dataclass(frozen=True)
class Fetched:
    """The TwiML one request got (None on an error, said in ``error``), from where,
    the cookies after it, the redirect hops and errors as transcript lines, and how
    many requests it took."""

    document: ET.Element | None
    url: str
    cookies: dict[str, str]
    error: str
    lines: tuple[str, ...]
    requests: int


def _new_sid() -> str:
    return "CA" + secrets.token_hex(16)


class _Call:
    """The state of one call: pending caller events, the simulated clock, the cookies."""

    def __init__(self, caller: TwimlCaller, result: CallResult, events: list[CallerEvent]):
        self.caller = caller
        self.result = result
        self.pending = events
        self.cookies: dict[str, str] = {}
        self.clock = 0.0
        self.since: list[str] = []  # what the line said since the caller's last event

    def run(self) -> CallResult:
        step: Step | None = ("POST", self.caller.url, {})
        while step is not None:
            if self.result.requests >= self.caller.max_requests:
                self._fail("too-many-requests", f"over {self.caller.max_requests} requests")
                break
            fetched = self._fetch(*step)
            step = None if fetched is None else self._run(*fetched)
        self.result.seconds = round(self.clock, 1)
        return self.result

    # -- the transcript ------------------------------------------------------------------
    def _log(self, text: str) -> None:
        self.result.transcript.append(f"[{self.clock:7.1f} s] {text}")

    def _fail(self, end: str, error: str) -> None:
        self.result.end = end
        self.result.error = error
        self._log(f"-- {error}")

    def _warn(self, text: str) -> None:
        if text not in self.result.warnings:
            self.result.warnings.append(text)
            self._log(f"-- warning: {text}")

    # -- HTTP ------------------------------------------------------------------------------
    def _fetch(self, method: str, url: str, extra: dict[str, str]) -> tuple[ET.Element, str] | None:
        """Request ``url`` as Twilio would, following redirects; the TwiML and where it was."""
        caller, result = self.caller, self.result
        form: dict[str, str] | None = {
            "CallSid": result.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": caller.caller,
            "To": caller.called,
            "Caller": caller.caller,
            "Called": caller.called,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **extra,
        }
        for _hop in range(MAX_REDIRECTS + 1):
            target = url
            if method != "POST" and form:
                target = url + ("&" if "?" in url else "?") + urlencode(form)
            post = form if method == "POST" and form else {}
            headers = self._headers(target, post)
            result.urls.append(target)
            try:
                status, answer_headers, body = caller.transport(method, target, post, headers)
            except TransportError as error:
                self._fail("unreachable", str(error))
                return None
            pairs = _pairs(answer_headers)
            self._remember_cookies(pairs)
            nodes = _header(pairs, PATH_HEADER)
            if nodes:
                result.path.extend(unquote(node) for node in nodes.split(","))
            if not 300 <= status < 400:
                return self._document(status, pairs, body, target)
            location = _header(pairs, "Location")
            if status not in REDIRECT_STATUSES or not location:
                why = f"HTTP {status}" + ("" if location else " without a Location header")
                self._fail(
                    "bad-redirect",
                    f"{why} from {target}: Twilio follows only 301, 302, 303 and 307 "
                    "redirects with a Location (error 11216)",
                )
                return None
            url = urljoin(target, location)
            if status != 307 and method == "POST":
                method, form = "GET", None
                self._log(f"-- HTTP {status} redirect to {url}: GET, the form is not sent again")
            else:
                kept = "with the form" if method == "POST" else "the query as redirected"
                self._log(f"-- HTTP {status} redirect to {url}: {method}, {kept}")
        self._fail("bad-redirect", f"more than {MAX_REDIRECTS} redirects in a row (error 11215)")
        return None

    def _headers(self, url: str, form: dict[str, str]) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.caller.validator:
            headers[SIGNATURE_HEADER] = self.caller.validator.compute_signature(url, form)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _remember_cookies(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value)
            except CookieError:
                self._warn(f"a cookie the app set could not be read: {value[:80]!r}")
                continue
            for key, morsel in jar.items():
                expired = morsel["max-age"] in ("0", "-1") or "1970" in morsel["expires"]
                if expired:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def _document(
        self, status: int, headers: list[tuple[str, str]], body: str | bytes, url: str
    ) -> tuple[ET.Element, str] | None:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        shown = " ".join(text.split())[:200] or "(an empty body)"
        if status >= 400:
            self._fail(f"http-{status}", f"HTTP {status} from {url}: {shown}")
            return None
        try:
            document = SafeET.fromstring(text.encode("utf-8"))
        except (ET.ParseError, DefusedXmlException) as error:
            kind = _header(headers, "Content-Type") or "no content type"
            self._fail(
                "bad-twiml", f"the answer from {url} is not TwiML ({kind}; {error}): {shown}"
            )
            return None
        if document.tag != "Response":
            self._fail("bad-twiml", f"the answer from {url} is <{document.tag}>, not <Response>")
            return None
        return document, url

    # -- TwiML -----------------------------------------------------------------------------
    def _run(self, document: ET.Element, here: str) -> Step | None:
        """Play a document's verbs; return the next request, or None when the call is over."""
        result = self.result
        for verb in document:
            self._check_attributes(verb)
            if verb.tag in ("Say", "Play", "Pause"):
                self._hear(verb)
            elif verb.tag == "Gather":
                step = self._gather(verb, here)
                if step is not None or result.end:
                    return step
            elif verb.tag == "Redirect":
                return verb.get("method", "POST").upper(), urljoin(here, _text(verb)), {}
            elif verb.tag == "Enqueue":
                return self._enqueue(verb, here)
            elif verb.tag == "Dial":
                step = self._dial(verb, here)
                if step is not None:
                    return step
            elif verb.tag == "Record":
                self._log("-- recording a message")
                result.recorded = True
                self.clock += 5.0
                url = urljoin(here, verb.get("action") or here)
                recording = {"RecordingUrl": "https://example.invalid/recording"}
                return "POST", url, {**recording, "RecordingDuration": "5"}
            elif verb.tag in ("Hangup", "Reject", "Leave"):
                self._log("-- the line hangs up")
                result.end = "hangup"
                return None
            else:
                self._warn(f"<{verb.tag}> is not a TwiML voice verb ivr knows; skipped")
        if not result.end:
            self._log("-- no more TwiML: Twilio hangs up without a word")
            result.end = "silent-end"
        return None

    def _check_attributes(self, verb: ET.Element) -> None:
        for warning in attribute_warnings(verb):
            self._warn(warning)

    def _hear(self, verb: ET.Element) -> None:
        if verb.tag == "Say":
            text = _text(verb)
            self.since.append(text)
            self._log(f"IVR: {text}")
            self.clock += estimate_seconds(text) * max(1, _number(verb.get("loop"), 1))
        elif verb.tag == "Play":
            self._log(f"IVR: (plays {_text(verb)}, length unknown)")
        else:
            length = _number(verb.get("length"), 1)
            self._log(f"-- pause {length:g} s")
            self.clock += length

    def _gather(self, verb: ET.Element, here: str) -> Step | None:
        result = self.result
        for child in verb:
            if child.tag in ("Say", "Play", "Pause"):
                self._hear(child)
        attributes = {**GATHER_DEFAULTS, **verb.attrib}
        timeout = _number(attributes["timeout"], 5)
        if not self.pending:
            self._log("-- the call waits for the caller (no more caller events)")
            result.end = "waiting"
            return None
        event = self._next_event()
        action = urljoin(here, verb.get("action") or here)
        method = verb.get("method", "POST").upper()
        modes = attributes["input"].split()
        if event.kind == "hangup":
            self._log("caller: (hangs up)")
            result.end = "caller-hangup"
            return None
        if event.kind == "press" and "dtmf" in modes:
            digits = verb.get("numDigits")
            sent, ahead, finished = split_keys(
                event.value,
                int(digits) if digits and digits.isdigit() else None,
                attributes["finishOnKey"],
            )
            self.clock += REACTION_SECONDS + (0 if finished else timeout)
            note = f" (sent Digits={sent}" + (f", {ahead} typed ahead)" if ahead else ")")
            self._log(f"caller: pressed {event.value}{note}")
            if ahead:
                self.pending.insert(0, CallerEvent("press", ahead, typed_ahead=True))
            if sent or verb.get("actionOnEmptyResult") == "true":
                return method, action, {"Digits": sent} if sent else {}
            return None
        if event.kind == "say" and "speech" in modes:
            self.clock += REACTION_SECONDS + estimate_seconds(event.value)
            self._log(f'caller: said "{event.value}"')
            return method, action, {"SpeechResult": event.value, "Confidence": "0.9"}
        self.clock += timeout
        self._log(
            f"caller: (silence, {timeout:g} s)"
            if event.kind == "silence"
            else f"caller: {event.kind} {event.value} (not listened for; {timeout:g} s pass)"
        )
        if verb.get("actionOnEmptyResult") == "true":
            return method, action, {}
        return None

    def _next_event(self) -> CallerEvent:
        """The caller's next event; a scripted one closes what was heard before it."""
        event = self.pending.pop(0)
        if not event.typed_ahead:
            self.result.heard.append(" ".join(self.since))
            self.since = []
        return event

    def _dial(self, verb: ET.Element, here: str) -> Step | None:
        """Ring the number; the scripted status says whether a person answers."""
        result, status = self.result, self.caller.dial_status
        number = _text(verb) or " ".join(_text(child) for child in verb)
        limit = _number(verb.get("timeout"), 30)
        if status == "completed":
            self.clock += min(self.caller.ring, limit)
            result.reached = f"dial:{number}"
            if result.seconds_to_person is None:
                result.seconds_to_person = round(self.clock, 1)
            self._log(f"-- dialling {number}: a person answers")
        else:
            self.clock += limit if status == "no-answer" else 1.0
            self._log(f"-- dialling {number}: {status}")
        if not verb.get("action"):
            return None  # Twilio goes on with the next verb
        return (
            "POST",
            urljoin(here, verb.get("action") or here),
            {
                "DialCallStatus": status,
                "DialCallDuration": "30" if status == "completed" else "0",
            },
        )

    def _enqueue(self, verb: ET.Element, here: str) -> Step | None:
        """Wait in the queue: hear the hold loop once; book a call-back if the caller presses."""
        result = self.result
        name = _text(verb)
        result.reached = f"queue:{name}"
        if result.seconds_to_person is None:
            result.seconds_to_person = round(self.clock, 1)
        self._log(f'-- waiting in queue "{name}" (the wait is not known over HTTP)')
        action = urljoin(here, verb.get("action") or here)
        queue_result = "bridged"
        if verb.get("waitUrl"):
            wait_url = urljoin(here, verb.get("waitUrl") or "")
            queue = {"QueuePosition": "1", "QueueTime": "0", "AvgQueueTime": "0"}
            fetched = self._fetch(
                verb.get("waitUrlMethod", "POST").upper(),
                wait_url,
                {**queue, "CurrentQueueSize": "1", "MaxQueueSize": "100"},
            )
            if fetched is None:
                return None
            queue_result = self._hold(*fetched)
            if result.end:
                return None
        if not verb.get("action"):
            result.end = "hangup"
            return None
        return "POST", action, {"QueueResult": queue_result, "QueueTime": "0"}

    def _hold(self, hold: ET.Element, here: str) -> str:
        """Play the hold loop; a pressed key at its Gather may make the caller leave."""
        for verb in hold:
            if verb.tag in ("Say", "Play", "Pause"):
                self._hear(verb)
            elif verb.tag == "Gather":
                for child in verb:
                    self._hear(child)
                if self.pending and self.pending[0].kind == "press":
                    keys = self._next_event().value
                    self.clock += REACTION_SECONDS
                    self._log(f"caller: pressed {keys}")
                    action = urljoin(here, verb.get("action") or here)
                    choice = self._fetch("POST", action, {"Digits": keys})
                    if choice is not None and any(v.tag == "Leave" for v in choice[0]):
                        return "leave"
        return "bridged"


def attribute_warnings(verb: ET.Element) -> list[str]:
    """Attributes of ``verb`` (and the verbs in it) that Twilio ignores because of their case.

    >>> attribute_warnings(ET.fromstring('<Gather numdigits="1"/>'))
    ['<Gather> attribute "numdigits" is not "numDigits": Twilio ignores it']
    """
    warnings = []
    for element in verb.iter():
        known = KNOWN_ATTRIBUTES.get(element.tag, "").split()
        lowered = {name.lower(): name for name in known}
        warnings += [
            f'<{element.tag}> attribute "{name}" is not "{lowered[name.lower()]}": '
            "Twilio ignores it"
            for name in element.attrib
            if name not in known and name.lower() in lowered
        ]
    return warnings


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), str(v)) for k, v in items]


def _text(element: ET.Element) -> str:
    """The element's text with its white space collapsed (TwiML is often indented)."""
    return " ".join((element.text or "").split())


def _number(value: str | None, default: float) -> float:
    try:
        number = float(value) if value is not None else default
    except ValueError:
        return default
    return number if 0 <= number < 3600 else default


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name.lower()), "")


def webhook_url(url: str, menu_name: str | None) -> str:
    """``url`` itself, or ``url/voice/<menu>`` when it names only a server and a menu is given.

    >>> webhook_url("http://127.0.0.1:5000", "acme-hot")
    'http://127.0.0.1:5000/voice/acme-hot'
    >>> webhook_url("https://example.com/twiml/menu", "acme-hot")
    'https://example.com/twiml/menu'
    """
    _scheme, _, rest = url.partition("://")
    bare = "/" not in rest or (rest.endswith("/") and rest.count("/") == 1)
    if bare and menu_name:
        return f"{url.rstrip('/')}/voice/{menu_name}"
    return url


def describe(result: CallResult) -> str:
    """One line on where the call got to, e.g. ``reached queue:care after 2 requests``."""
    where = f"reached {result.reached}" if result.reached else "reached no person"
    text = f"{where}; ended: {result.end} after {result.requests} requests"
    text += f", {result.seconds:.1f} s"
    if result.seconds_to_person is not None:
        text += f"; {result.seconds_to_person:.1f} s to a person"
        text += " (plus the queue wait)" if (result.reached or "").startswith("queue:") else ""
    return text + (f"; path: {' > '.join(result.path)}" if result.path else "")
