"""The voice blueprint: every menu of the menu folder answers at ``/voice/<menu>``.

One route per kind of Twilio request: the call being answered, a Gather's
result (keys, speech or silence), the queue's hold loop and call-back choice,
and the results of Enqueue, Dial and Record. Each answer is TwiML; each request
is stored as one call event. Nothing a caller sends gives a 500: a bad or
tampered state, an unknown menu or node, junk input or an internal error get
an apology and a route back to the menu's start (or a spoken goodbye).

Only the documented webhook routes answer: any other path under ``/voice`` is
a 404 and any method but GET and POST a 405, before anything is stored; with
an auth token set, nothing is stored for a request without a valid signature.
Every answer is well-formed TwiML, whatever characters a menu's text holds.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    request,
    send_file,
)
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ivr.actions import Action, Dial, Enqueue, Say
from ivr.engine import Call, queue_announcements
from ivr.model import Gathering, Menu, Node, QueueNode, RecordNode, TransferNode
from ivr.phrases import phrase
from ivr.prompt_audio import prompt_audio_file, prompt_audio_url_name
from ivr.web.calls_first import call_began, call_ended
from ivr.web.config import Settings
from ivr.web.menus import NAME_PATTERN, MenuCache
from ivr.web.recording import (
    NOTHING_HEARD,
    allow_recordings,
    heard_in_recording,
    rendered_file,
    rendered_key,
)
from ivr.web.records import CallRecords, Event
from ivr.web.state import CallState, decode_state, encode_state
from ivr.web.twiml import Links, render, say, voice_of

DIGITS = re.compile(r"^[0-9*#]{1,32}$")
MAX_SPEECH = 500
JUNK_KEY = "?"
ANSWERED = ("completed", "answered")
PATH_HEADER = "X-IVR-Path"
HOLD_PAUSE_SECONDS = 20
ANSWER_CACHE_BYTES = 16 * 1024 * 1024
EXTENSION = "ivr.voice"
UNSIGNED_ENDPOINTS = ("voice.audio", "voice.rendered_audio")  # reads of public prompt audio
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CHARACTER_REFERENCE = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")
N = TypeVar("N", bound=Node)
log = logging.getLogger(__name__)

voice = Blueprint("voice", __name__, url_prefix="/voice")
voice.before_request(call_began)  # first: pages give way to every call (ivr.web.calls_first)
voice.teardown_request(call_ended)
METHODS = ["GET", "POST"]


@dataclass
class VoiceService:
    """What the voice routes share: settings, menus, records and a signature checker."""

    settings: Settings
    menus: MenuCache
    records: CallRecords
    answers: AnswerCache = field(default_factory=lambda: AnswerCache())

    def validator(self) -> RequestValidator | None:
        """The Twilio signature checker, when an auth token is configured."""
        token = self.settings.auth_token
        return RequestValidator(token) if token else None


def service() -> VoiceService:
    """The ``VoiceService`` of the running app."""
    return current_app.extensions[EXTENSION]


def init_voice(app: Flask, settings: Settings, menus: MenuCache) -> None:
    """Register the voice blueprint and TwiML error answers on ``app``."""
    app.extensions[EXTENSION] = VoiceService(
        settings,
        menus,
        CallRecords(settings.database_url, background=True, journal_dir=settings.journal_dir),
    )
    app.before_request(allow_recordings)  # before the signature check reads the form
    app.register_blueprint(voice)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)


# -- plumbing ------------------------------------------------------------------------
def params() -> dict[str, str]:
    """Twilio's parameters: the form of a POST, the query of a GET."""
    if "ivr_params" in g:
        return g.ivr_params
    try:
        source = request.form if request.method == "POST" else request.args
        g.ivr_params = {key: source.get(key, "") for key in source}
    except HTTPException:  # e.g. a body over the size limit: answered, but not read
        g.ivr_params = {}
    return g.ivr_params


def _wsgi_text(text: str) -> str:
    """A WSGI string (bytes as latin-1) as the UTF-8 text the client sent."""
    return text.encode("latin-1", "replace").decode("utf-8", "replace")


def requested_url() -> str:
    """The URL exactly as Twilio requested it: the path and the query string as sent
    (never decoded and encoded again), after the public base URL when one is configured
    (behind a proxy) or the scheme and host of the request."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    path = target.split("?", 1)[0]
    if "://" in path:  # an absolute request target: keep only its path
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    if not path:
        path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    query = environ.get("QUERY_STRING", "")
    tail = _wsgi_text(path) + (f"?{_wsgi_text(query)}" if query else "")
    public = service().settings.public_url
    if public:
        script = request.script_root
        return public + (tail[len(script) :] if script and tail.startswith(script) else tail)
    return f"{request.scheme}://{request.host}{tail}"


def signed_by_twilio() -> bool:
    """True when no auth token is configured or the request carries a valid signature."""
    validator = service().validator()
    if validator is None:
        return True
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    try:
        form = request.form if request.method == "POST" else {}
    except HTTPException:  # a body that cannot be read cannot be checked
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    return validator.validate(requested_url(), form, signature, algorithm)


def base_url() -> str:
    """What URLs in TwiML start with: the public URL, or the app's root path."""
    return service().settings.public_url or request.script_root


def links(menu: str, loaded_menu: Menu) -> Links:
    """URL builders for calls in ``menu`` (state signed into each)."""
    secret = service().settings.state_secret
    root = f"{base_url()}/voice/{menu}"
    play_audio = service().settings.play_audio

    def step(name: str):
        return lambda state: f"{root}/{name}?s={encode_state(secret, menu, state)}"

    def audio(file: str) -> str | None:
        served = prompt_audio_url_name(loaded_menu, file)
        return f"{root}/audio/{quote(served)}" if served else None

    def rendered(item: Say) -> str | None:
        key = rendered_key(loaded_menu, item.text, item.lang) if play_audio else None
        return f"{root}/audio/tts/{key}.wav" if key else None

    return Links(
        gather=step("gather"),
        wait=step("wait"),
        queued=step("queued"),
        dialed=step("dialed"),
        recorded=step("recorded"),
        callback=step("callback"),
        audio=audio,
        start=root,
        rendered=rendered,
    )


def twiml(response: VoiceResponse, path: Iterable[str] = (), status: int = 200) -> Response:
    """An HTTP answer carrying TwiML, with the nodes visited in ``X-IVR-Path``."""
    return xml_response(response.to_xml(), path, status)


def xml_response(xml: str, path: Iterable[str] = (), status: int = 200) -> Response:
    """An HTTP answer carrying the TwiML text ``xml``, without the characters XML cannot
    hold (control characters of a menu's text would make Twilio drop the caller)."""
    return ready_response(well_formed(xml), path_header(path), status)


def ready_response(xml: str, header: str = "", status: int = 200) -> Response:
    """An HTTP answer carrying well-formed TwiML and the ``X-IVR-Path`` header text."""
    answer = Response(xml, status=status, mimetype="text/xml")
    if header:
        answer.headers[PATH_HEADER] = header
    return answer


def path_header(path: Iterable[str]) -> str:
    """The ``X-IVR-Path`` header of the nodes ``path`` (each quoted, comma-separated)."""
    return ",".join(quote(node, safe="") for node in path)


def well_formed(xml: str) -> str:
    """``xml`` without characters (or references to characters) that XML 1.0 forbids.

    >>> well_formed("<Say>a\x01b &#55296;c &#233;</Say>")
    '<Say>ab c &#233;</Say>'
    """

    def allowed(match: re.Match[str]) -> str:
        number = match.group(1)
        code = int(number[1:], 16) if number[0] == "x" else int(number)
        return "" if code > 0x10FFFF or NOT_XML.match(chr(code)) else match.group(0)

    return CHARACTER_REFERENCE.sub(allowed, NOT_XML.sub("", xml))


def record(
    menu: str,
    kind: str,
    path: list[str],
    action: str,
    given: str | None = None,
    outcome: str | None = None,
) -> None:
    """Store one event of the current request's call (only of a request that passed the
    signature check: nothing unsigned is written when an auth token is set)."""
    if not g.get("ivr_signed"):
        return
    sid = params().get("CallSid") or "anonymous"
    seq = g.get("ivr_seq", 0)  # the call state's: this request's place in the call
    service().records.add(Event(sid, menu, kind, list(path), action, given, outcome, seq=seq))


def call_time(menu: Menu) -> datetime:
    """When the call happens: the configured clock (or now), in the hotline's timezone."""
    zone = ZoneInfo(menu.hotline.timezone)
    now = service().settings.now()
    if now is None:
        return datetime.now(zone)
    return now.replace(tzinfo=zone) if now.tzinfo is None else now


def minute(when: datetime) -> str:
    """The minute ``when`` falls in: opening hours cannot change within it."""
    return when.strftime("%Y-%m-%dT%H:%M%z")


def outcome_of(call: Call) -> str | None:
    """The call's outcome kind when it has ended (``human``, ``hangup``...)."""
    return call.outcome.kind if call.outcome and call.outcome.kind != "waiting" else None


def until_dial(
    actions: list[Action], path: list[str], call: Call
) -> tuple[list[str], str, str | None]:
    """The path and outcome of a step that ends at its first ``<Dial>``: the engine runs on
    past a system that hands the call back (``returns_to``), the webhook waits for the dial
    result (``dialed``), which carries on from there."""
    dialled = next(action.node for action in actions if isinstance(action, Dial))
    if dialled not in path or path[-1] == dialled:
        return path, "dial", outcome_of(call)
    return path[: path.index(dialled) + 1], "dial", None


def without_queue_announcements(actions: list[Action], menu: Menu) -> list[Action]:
    """Drop the wait estimate and call-back offer before an Enqueue: the hold loop plays them."""
    enqueue = next((a for a in actions if isinstance(a, Enqueue)), None)
    if enqueue is None:
        return actions
    node = menu.nodes[enqueue.node]
    assert isinstance(node, QueueNode)
    spoken = set(queue_announcements(node, enqueue.lang))
    return [
        a
        for a in actions
        if not (isinstance(a, Say) and a.node == enqueue.node and a.text in spoken)
    ]


@dataclass(frozen=True)
class Answer:
    """One rendered step: its TwiML (well-formed), the nodes it went through, its last verb,
    the outcome, and the ``X-IVR-Path`` header: all made once, served from the cache."""

    xml: str
    path: tuple[str, ...]
    action: str
    outcome: str | None
    header: str = ""

    @classmethod
    def of(
        cls, response: VoiceResponse, path: Iterable[str], action: str, outcome: str | None
    ) -> Answer:
        """The answer of ``response`` with the characters XML cannot hold left out."""
        nodes = tuple(path)
        return cls(well_formed(response.to_xml()), nodes, action, outcome, path_header(nodes))

    def response(self) -> Response:
        """This answer as an HTTP answer."""
        return ready_response(self.xml, self.header)


class AnswerCache:
    """Recent answers by menu, state, caller input and minute, up to ``max_bytes`` in all.

    The engine is pure: the same menu, state and input at the same minute (hours
    are minutes-exact) give the same answer, so popular steps are rendered once.
    An entry is used only with the very menu object it was made from, so an
    edited menu is never answered from the old one. The least recently used
    answers make room for new ones; an answer larger than an eighth of the
    budget is not kept.
    """

    def __init__(self, max_bytes: int = ANSWER_CACHE_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[tuple, tuple[Menu, Answer, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple, menu: Menu, compute: Callable[[], Answer]) -> Answer:
        """The cached answer for ``key`` in ``menu``, computed when missing."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] is menu:
                self._items.move_to_end(key)
                return hit[1]
        answer = compute()
        cost = _cost(key, answer)
        if cost > self.max_bytes // 8:
            return answer
        with self._lock:
            old = self._items.pop(key, None)
            self.size += cost - (old[2] if old else 0)
            self._items[key] = (menu, answer, cost)
            while self.size > self.max_bytes:
                _key, (_menu, _answer, freed) = self._items.popitem(last=False)
                self.size -= freed
        return answer


def _cost(key: tuple, answer: Answer) -> int:
    """About how many bytes an entry holds: its key's text, its TwiML and its path."""
    text = sum(len(str(part)) for part in key) + len(answer.xml) + len(answer.action)
    return 2 * text + sum(len(node) for node in answer.path) + 200  # object overheads


def step(
    menu_name: str,
    menu: Menu,
    key: tuple,
    kind: str,
    given: str | None,
    run: Callable[[], tuple[Call, list[Action], list[str]]],
) -> Response:
    """Run one caller event through the engine (or the cache), store it, answer with TwiML."""

    def compute() -> Answer:
        call, actions, path = run()
        state = CallState(
            call.node or menu.start,
            call.lang,
            dict(call.failures),
            dict(call.variables),
            g.get("ivr_seq", 0) + 1,
        )
        response, action = render(
            without_queue_announcements(actions, menu), state, links(menu_name, menu)
        )
        if action == "dial":
            return Answer.of(response, *until_dial(actions, path, call))
        return Answer.of(response, path, action, outcome_of(call))

    answer = service().answers.get((menu_name, base_url(), *key), menu, compute)
    record(menu_name, kind, list(answer.path), answer.action, given, answer.outcome)
    return answer.response()


def carry_on(
    menu_name: str, menu: Menu, state: CallState, target: str, kind: str, given: str | None
) -> Response:
    """Go on from the state's node to ``target`` (after a Dial or a Record)."""
    at = call_time(menu)

    def run() -> tuple[Call, list[Action], list[str]]:
        call = Call(menu, at=at, lang=state.lang, variables=dict(state.variables))
        actions = list(call.enter(target).actions)
        return call, actions, list(call.path)

    return step(
        menu_name, menu, (kind, request.args.get("s"), target, minute(at)), kind, given, run
    )


def apology(
    menu_name: str | None, lang: str = "en", kind: str = "error", given: str | None = None
) -> Response:
    """Say sorry and send the caller to the start of ``menu_name`` (or a fallback menu)."""
    response = VoiceResponse()
    response.say(phrase("apology", lang), **voice_of(lang))
    target = menu_name if menu_name and service().menus.get(menu_name) else fallback_menu()
    if target:
        response.redirect(f"{base_url()}/voice/{target}", method="POST")
    else:  # nowhere to go: say so, never hang up without a word
        response.say(phrase("not_in_service", lang), **voice_of(lang))
        response.hangup()
    record(menu_name or "", kind, [], "redirect" if target else "hangup", given)
    return twiml(response)


def fallback_menu() -> str | None:
    """Where callers of an unknown menu go: ``DEFAULT_MENU``, or the only menu there is."""
    menus = service().menus
    configured = service().settings.default_menu
    if configured and menus.get(configured):
        return configured
    names = menus.names()
    return names[0] if len(names) == 1 and menus.get(names[0]) else None


def loaded(menu_name: str) -> Menu | None:
    """The menu, or None when it is unknown or broken."""
    return service().menus.get(menu_name)


def state_for(menu_name: str, menu: Menu) -> CallState | None:
    """The request's signed state with a known language, or None when missing or forged."""
    state = decode_state(service().settings.state_secret, menu_name, request.args.get("s"))
    if state is None or state.node not in menu.nodes:
        return None
    g.ivr_seq = state.seq
    if state.lang not in menu.hotline.languages:
        return replace(state, lang=menu.hotline.default_language)
    return state


def waiting_at(menu_name: str, kind: type[N]) -> tuple[Menu, CallState, N] | None:
    """The menu, the request's call state and its node, when that node is a ``kind``."""
    menu = loaded(menu_name)
    state = state_for(menu_name, menu) if menu else None
    if menu is None or state is None:
        return None
    node = menu.nodes[state.node]
    return (menu, state, node) if isinstance(node, kind) else None


@voice.before_request
def _check_signature() -> Response | None:
    if request.endpoint in UNSIGNED_ENDPOINTS:
        return None
    if request.method not in METHODS:  # e.g. HEAD, which Flask adds to every GET route
        raise MethodNotAllowed(valid_methods=METHODS)
    if not signed_by_twilio():
        log.warning("rejected a request with a bad Twilio signature: %s", request.path)
        return twiml(VoiceResponse(), status=403)
    g.ivr_signed = True
    return None


# -- routes --------------------------------------------------------------------------
@voice.route("/<menu_name>", methods=METHODS, provide_automatic_options=False)
def answer(menu_name: str) -> Response:
    """A new call: run the menu from its start to the first question or end."""
    menu = loaded(menu_name)
    if menu is None:
        return apology(menu_name, kind="unknown-menu")
    at = call_time(menu)

    def run() -> tuple[Call, list[Action], list[str]]:
        call = Call(menu, at=at)
        actions = list(call.start().actions)
        return call, actions, list(call.path)

    return step(menu_name, menu, ("answer", minute(at)), "answer", None, run)


@voice.route("/<menu_name>/gather", methods=METHODS, provide_automatic_options=False)
def gathered(menu_name: str) -> Response:
    """A Gather's result: keys (``Digits``), speech (``SpeechResult``) or nothing (silence)."""
    found = waiting_at(menu_name, Gathering)
    if found is None:
        menu = loaded(menu_name)
        return apology(menu_name, menu.hotline.default_language if menu else "en", "bad-state")
    menu, state, _node = found
    at = call_time(menu)
    given = params()
    digits = given.get("Digits", "").strip()
    speech = " ".join(given.get("SpeechResult", "").split())[:MAX_SPEECH]
    heard = (
        None
        if digits or speech
        else heard_in_recording(menu, state.node, state.lang, service().settings.vosk_model)
    )
    if digits:
        kind, said = "press", digits
        digits = digits if DIGITS.match(digits) else JUNK_KEY
    elif speech:
        kind, said = "speak", speech
    elif heard is not None:  # a recording posted without Twilio (ivr.web.recording)
        kind, said, speech = "speak", heard or NOTHING_HEARD, heard
    else:
        kind, said = "silence", None

    def run() -> tuple[Call, list[Action], list[str]]:
        call = Call.resume(
            menu,
            state.node,
            lang=state.lang,
            variables=state.variables,
            failures=state.failures,
            at=at,
        )
        if kind == "press":
            actions = list(call.press(digits).actions)
        elif kind == "speak":
            actions = list(call.speak(speech).actions)
        else:
            actions = list(call.silence().actions)
        return call, actions, call.path[1:]

    key = ("gather", request.args.get("s"), kind, digits if kind == "press" else said, minute(at))
    return step(menu_name, menu, key, kind, said, run)


@voice.route("/<menu_name>/wait", methods=METHODS, provide_automatic_options=False)
def hold(menu_name: str) -> Response:
    """The queue's hold loop (Enqueue ``waitUrl``): the estimated wait, call-back, hold."""
    found = waiting_at(menu_name, QueueNode)
    if found is None:
        return apology(menu_name, kind="bad-state")
    menu, state, node = found
    answer = service().answers.get(
        (menu_name, base_url(), "hold", request.args.get("s")),
        menu,
        lambda: hold_loop(menu_name, menu, node, state),
    )
    record(menu_name, "wait", [], "hold", params().get("QueuePosition") or None)
    return answer.response()


def hold_loop(menu_name: str, menu: Menu, node: QueueNode, state: CallState) -> Answer:
    """The TwiML Twilio plays (and replays) while the caller waits in ``node``."""
    here = links(menu_name, menu)
    response = VoiceResponse()
    texts = queue_announcements(node, state.lang)
    offer = texts.pop() if node.callback else None
    for text in texts:
        response.say(text, **voice_of(state.lang))
    if offer:
        choice = response.gather(
            input="dtmf", num_digits=1, timeout=3, method="POST", action=here.callback(state)
        )
        choice.say(offer, **voice_of(state.lang))
    message = node.message.text(state.lang, menu.hotline.default_language)
    if node.hold == "message" and message:
        say(response, Say(message, state.lang, node.id, node.message.audio), here)
    if node.hold == "music":
        response.play(service().settings.hold_music_url)
    else:
        response.pause(length=HOLD_PAUSE_SECONDS)
    return Answer.of(response, (), "hold", None)


@voice.route("/<menu_name>/callback", methods=METHODS, provide_automatic_options=False)
def callback(menu_name: str) -> Response:
    """A key pressed on hold: 1 books a call-back and leaves the queue."""
    found = waiting_at(menu_name, QueueNode)
    if found is None:
        return apology(menu_name, kind="bad-state")
    menu, state, _node = found
    digits = params().get("Digits", "")[:32]
    response = VoiceResponse()
    if digits == "1":
        response.leave()
        record(menu_name, "callback", [], "leave", digits)
    else:
        response.redirect(links(menu_name, menu).wait(state), method="POST")
        record(menu_name, "callback", [], "redirect", digits or None)
    return twiml(response)


@voice.route("/<menu_name>/queued", methods=METHODS, provide_automatic_options=False)
def queued(menu_name: str) -> Response:
    """The Enqueue result: bridged or hung up ends the call; a booked call-back says so."""
    found = waiting_at(menu_name, Node)
    if found is None:
        return apology(menu_name, kind="bad-state")
    _menu, state, _node = found
    result = params().get("QueueResult", "")[:32]
    response = VoiceResponse()
    if result in ("bridged", "hangup"):
        response.hangup()
    elif result == "leave":
        response.say(phrase("callback_booked", state.lang), **voice_of(state.lang))
        response.hangup()
    else:
        return apology(menu_name, state.lang, "queue-result", result or None)
    record(menu_name, "queue-result", [], "hangup", result)
    return twiml(response)


@voice.route("/<menu_name>/dialed", methods=METHODS, provide_automatic_options=False)
def dialed(menu_name: str) -> Response:
    """The Dial result: answered ends the call, unless another system hands it back to
    ``returns_to``; otherwise the transfer's no-answer route."""
    found = waiting_at(menu_name, TransferNode)
    if found is None:
        return apology(menu_name, kind="bad-state")
    menu, state, node = found
    status = params().get("DialCallStatus", "")[:32]
    if status in ANSWERED and node.returns_to and not node.human:
        return carry_on(menu_name, menu, state, node.returns_to, "dial-result", status)
    if status in ANSWERED:
        response = VoiceResponse()
        response.hangup()
        record(menu_name, "dial-result", [], "hangup", status)
        return twiml(response)
    if not node.on_no_answer:
        return apology(menu_name, state.lang, "dial-result", status or None)
    return carry_on(menu_name, menu, state, node.on_no_answer, "dial-result", status or None)


@voice.route("/<menu_name>/recorded", methods=METHODS, provide_automatic_options=False)
def recorded(menu_name: str) -> Response:
    """After a recording (or none): carry on to the record node's next node, or hang up."""
    found = waiting_at(menu_name, RecordNode)
    if found is None:
        return apology(menu_name, kind="bad-state")
    menu, state, node = found
    given = params().get("RecordingUrl") or None
    if not node.next:  # the message is taken: say so, never hang up without a word
        response = VoiceResponse()
        response.say(phrase("message_goodbye", state.lang), **voice_of(state.lang))
        response.hangup()
        record(menu_name, "recorded", [], "hangup", given, "voicemail")
        return twiml(response)
    return carry_on(menu_name, menu, state, node.next, "recorded", given)


@voice.route("/<menu_name>/audio/tts/<key>.wav", methods=["GET"])
def rendered_audio(menu_name: str, key: str) -> Response:
    """A prompt rendered by ``ivr voices render``, from the voice cache (for ``<Play>``)."""
    path = rendered_file(key) if service().settings.play_audio and loaded(menu_name) else None
    if path is None:
        return not_found()
    return send_file(path, mimetype="audio/wav", max_age=3600)


@voice.route("/<menu_name>/audio/<path:file>", methods=["GET"])
def audio(menu_name: str, file: str) -> Response:
    """A recording that a prompt of this menu names (for ``<Play>``); nothing else."""
    menu = loaded(menu_name)
    path = prompt_audio_file(menu, file) if menu else None
    if path is None:
        return not_found()
    return send_file(path, max_age=3600)


def not_found() -> Response:
    """A 404 that says nothing about what exists."""
    return Response("not found\n", status=404, mimetype="text/plain")


# -- errors --------------------------------------------------------------------------
def _menu_in_path() -> str | None:
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] == "voice" and NAME_PATTERN.match(parts[2]):
        return parts[2]
    return None


def _http_error(error: HTTPException):
    if not request.path.startswith("/voice"):
        return error
    if request.endpoint in UNSIGNED_ENDPOINTS:
        return not_found() if error.code == 404 else error
    if error.code in (404, 405):  # not a webhook Twilio was given: answered, nothing stored
        response = VoiceResponse()
        response.say(phrase("apology", "en"), **voice_of("en"))
        response.hangup()
        answer = twiml(response, status=error.code)
        if isinstance(error, MethodNotAllowed):
            answer.headers["Allow"] = ", ".join(METHODS)
        return answer
    return apology(_menu_in_path(), kind=f"http-{error.code}")


def _internal_error(_error: Exception):
    log.exception("internal error answering %s", request.path)
    if not request.path.startswith("/voice"):
        return error_page()
    try:
        return apology(_menu_in_path(), kind="error")
    except Exception:  # e.g. the database is down: still answer the caller
        log.exception("could not record the apology either")
        response = VoiceResponse()
        response.say(phrase("apology", "en"), **voice_of("en"))
        response.hangup()
        return twiml(response)


def error_page() -> Response:
    """A plain 500 page for paths outside the voice blueprint."""
    return Response("Internal server error\n", status=500, mimetype="text/plain")
