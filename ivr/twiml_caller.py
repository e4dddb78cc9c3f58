"""A caller that plays Twilio's role against any TwiML webhook, over HTTP.

``TwimlCaller(url).call([press("0")])`` answers the call like Twilio does: it
posts the standard parameters (``CallSid``, ``From``, ``To``...), reads the
TwiML, speaks nothing but keeps the transcript, gives each ``<Gather>`` the
caller's next event (keys, speech, silence, hang-up), follows ``<Redirect>``,
hears an ``<Enqueue>``'s wait announcement, lets a ``<Dial>`` be answered and
a ``<Record>`` be made. Our own webhook names the nodes it went through in an
``X-IVR-Path`` header; the caller collects them as the call's path.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urljoin

from twilio.request_validator import SIGNATURE_HEADER, RequestValidator

PATH_HEADER = "X-IVR-Path"
MAX_REQUESTS = 200

# (method, absolute url, form, headers) -> (status, headers, body)
Transport = Callable[[str, str, dict[str, str], dict[str, str]], tuple[int, dict[str, str], str]]


@dataclass(frozen=True)
class CallerEvent:
    """What the caller does at a ``<Gather>``: ``press``, ``say``, ``silence`` or ``hangup``."""

    kind: str
    value: str = ""


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
    ``bad-twiml`` or ``too-many-requests``.
    """

    sid: str
    transcript: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    reached: str | None = None
    end: str = ""

    @property
    def requests(self) -> int:
        """How many requests the webhook answered for this call."""
        return len(self.urls)


def urllib_transport(timeout: float = 30.0) -> Transport:
    """A transport over real HTTP (``urllib``)."""

    def send(method: str, url: str, form: dict[str, str], headers: dict[str, str]):
        data = urlencode(form).encode() if method == "POST" else None
        if method != "POST" and form:
            url += ("&" if "?" in url else "?") + urlencode(form)
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, dict(answer.headers), answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    return send


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
        max_requests: int = MAX_REQUESTS,
    ):
        self.url = url
        self.transport = transport or urllib_transport()
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.caller, self.called = caller, called
        self.dial_status = dial_status
        self.max_requests = max_requests

    def call(self, events: Iterable[CallerEvent] = (), sid: str | None = None) -> CallResult:
        """Place one call and play ``events`` at the Gathers, in order."""
        result = CallResult(sid or "CA" + secrets.token_hex(16))
        self._pending = list(events)
        self._result = result
        step: tuple[str, str, dict[str, str]] | None = ("POST", self.url, {})
        while step is not None:
            if result.requests >= self.max_requests:
                result.end = "too-many-requests"
                break
            document = self._fetch(*step)
            step = None if document is None else self._run(document, result.urls[-1])
        return result

    # -- HTTP --------------------------------------------------------------------------
    def _fetch(self, method: str, url: str, extra: dict[str, str]) -> ET.Element | None:
        form = {
            "CallSid": self._result.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.caller,
            "To": self.called,
            "Caller": self.caller,
            "Called": self.called,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **extra,
        }
        headers = {}
        if self.validator:
            signed_url = (
                url if method == "POST" else url + ("&" if "?" in url else "?") + urlencode(form)
            )
            headers[SIGNATURE_HEADER] = self.validator.compute_signature(
                signed_url, form if method == "POST" else {}
            )
        self._result.urls.append(url)
        status, answer_headers, body = self.transport(method, url, form, headers)
        nodes = _header(answer_headers, PATH_HEADER)
        if nodes:
            self._result.path.extend(unquote(node) for node in nodes.split(","))
        if status >= 400:
            self._result.end = f"http-{status}"
            return None
        try:
            document = ET.fromstring(body)
        except ET.ParseError:
            document = None
        if document is None or document.tag != "Response":
            self._result.end = "bad-twiml"
            return None
        return document

    # -- TwiML ---------------------------------------------------------------------------
    def _run(self, document: ET.Element, here: str) -> tuple[str, str, dict[str, str]] | None:
        """Play a document's verbs; return the next request, or None when the call is over."""
        result = self._result
        for verb in document:
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
                number = _text(verb) or " ".join(_text(child) for child in verb)
                result.reached = f"dial:{number}"
                result.transcript.append(f"-- dialling {number}")
                if not verb.get("action"):
                    continue  # Twilio goes on with the next verb
                return (
                    "POST",
                    urljoin(here, verb.get("action")),
                    {"DialCallStatus": self.dial_status, "DialCallDuration": "30"},
                )
            elif verb.tag == "Record":
                result.transcript.append("-- recording a message")
                url = urljoin(here, verb.get("action") or here)
                return (
                    "POST",
                    url,
                    {"RecordingUrl": "https://example.invalid/recording", "RecordingDuration": "5"},
                )
            elif verb.tag in ("Hangup", "Reject", "Leave"):
                result.end = "hangup"
                return None
        result.end = result.end or "silent-end"
        return None

    def _hear(self, verb: ET.Element) -> None:
        lines = self._result.transcript
        if verb.tag == "Say":
            lines.append(f"IVR: {_text(verb)}")
        elif verb.tag == "Play":
            lines.append(f"IVR: (plays {_text(verb)})")
        else:
            lines.append(f"-- pause {verb.get('length', '1')} s")

    def _gather(self, verb: ET.Element, here: str) -> tuple[str, str, dict[str, str]] | None:
        result = self._result
        for child in verb:
            if child.tag in ("Say", "Play", "Pause"):
                self._hear(child)
        if not self._pending:
            result.end = "waiting"
            return None
        event = self._pending.pop(0)
        action = urljoin(here, verb.get("action") or here)
        method = verb.get("method", "POST").upper()
        modes = verb.get("input", "dtmf").split()
        if event.kind == "hangup":
            result.transcript.append("caller: (hangs up)")
            result.end = "caller-hangup"
            return None
        if event.kind == "press" and "dtmf" in modes:
            result.transcript.append(f"caller: pressed {event.value}")
            return method, action, {"Digits": event.value}
        if event.kind == "say" and "speech" in modes:
            result.transcript.append(f'caller: said "{event.value}"')
            return method, action, {"SpeechResult": event.value, "Confidence": "0.9"}
        result.transcript.append(
            "caller: (silence)"
            if event.kind == "silence"
            else f"caller: {event.kind} {event.value} (not listened for)"
        )
        if verb.get("actionOnEmptyResult") == "true":
            return method, action, {}
        return None

    def _enqueue(self, verb: ET.Element, here: str) -> tuple[str, str, dict[str, str]] | None:
        """Wait in the queue: hear the hold loop once; book a call-back if the caller presses."""
        result = self._result
        name = _text(verb)
        result.reached = f"queue:{name}"
        result.transcript.append(f'-- waiting in queue "{name}"')
        action = urljoin(here, verb.get("action") or here)
        queue_result = "bridged"
        if verb.get("waitUrl"):
            wait_url = urljoin(here, verb.get("waitUrl"))
            hold = self._fetch(
                verb.get("waitUrlMethod", "POST").upper(),
                wait_url,
                {
                    "QueuePosition": "1",
                    "QueueTime": "0",
                    "AvgQueueTime": "0",
                    "CurrentQueueSize": "1",
                    "MaxQueueSize": "100",
                },
            )
            if hold is None:
                return None
            queue_result = self._hold(hold, wait_url)
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
                if self._pending and self._pending[0].kind == "press":
                    keys = self._pending.pop(0).value
                    self._result.transcript.append(f"caller: pressed {keys}")
                    choice = self._fetch(
                        "POST", urljoin(here, verb.get("action") or here), {"Digits": keys}
                    )
                    if choice is not None and any(v.tag == "Leave" for v in choice):
                        return "leave"
        return "bridged"


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _header(headers: dict[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), "")


def webhook_url(url: str, menu_name: str) -> str:
    """``url`` itself, or ``url/voice/<menu>`` when it names only a server.

    >>> webhook_url("http://127.0.0.1:5000", "acme-hot")
    'http://127.0.0.1:5000/voice/acme-hot'
    >>> webhook_url("https://example.com/twiml/menu", "acme-hot")
    'https://example.com/twiml/menu'
    """
    scheme, _, rest = url.partition("://")
    if "/" not in rest or (rest.endswith("/") and rest.count("/") == 1):
        return f"{url.rstrip('/')}/voice/{menu_name}"
    return url


def describe(result: CallResult) -> str:
    """One line on where the call got to, e.g. ``reached queue:care after 2 requests``."""
    where = f"reached {result.reached}" if result.reached else "reached no person"
    text = f"{where}; ended: {result.end} after {result.requests} requests"
    return text + (f"; path: {' > '.join(result.path)}" if result.path else "")
