"""The browser phone: a Flask blueprint to try a menu on a keypad in a web page.

Pages: ``/`` lists the menus (with their audit temperature and time to a
human), ``/phone/<menu>`` is a phone with the tree beside it and
``/audit/<menu>`` the menu's audit. The page drives ``ivr.engine.Call``
through a small JSON API (``POST /phone/<menu>/call`` to start, then
``/call/press``, ``/call/speak``, ``/call/silence``, ``/call/hangup``); the
call's state travels signed in each answer (see ``ivr.web.phone_calls``), so
any worker can take the next event. Junk input gets a JSON error, never a 500.

Settings come from ``create_app`` (``ivr.web.config.Settings``): ``MENU_DIR``
(the menus), ``NOW`` (a simulated time every call starts at, e.g.
``2026-11-23T10:00``; a page's ``?at=`` or the call's ``at`` overrides it)
and ``STATE_SECRET`` (signs calls, as it signs the webhook's state).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)

from ivr.model import Menu
from ivr.prompt_audio import prompt_audio_url_name
from ivr.web.calls_first import page_began, page_ended
from ivr.web.config import Settings
from ivr.web.menus import MenuCache, MenuStatus, menu_cache
from ivr.web.phone_audit import page_audits
from ivr.web.phone_calls import (
    EVENTS,
    CallLog,
    PhoneError,
    check_event,
    describe,
    parse_at,
    replay,
    sign,
    unsign,
)
from ivr.web.recording import rendered_file, rendered_key

STATIC = Path(__file__).parent / "static"
API_ENDPOINTS = ("phone.start_call", "phone.call_event", "phone.call_get", "phone.listen")
MAX_CLIP_BYTES = 2 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 20
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)
NOTHING_HEARD = "…"
SPEECH_LOOK_SECONDS = 60.0
_SPEECH_LOOKS: dict[str | None, tuple[float, bool]] = {}  # model setting: (when, found)

phone = Blueprint(
    "phone",
    __name__,
    static_folder="static",
    static_url_path="/phone-static",
    template_folder="templates",
)
phone.before_request(page_began)  # one page at a time per process, after the calls
phone.teardown_request(page_ended)


def settings() -> Settings:
    """The app's settings (``create_app`` config on top of ``IVR_*`` variables)."""
    return current_app.config["IVR_SETTINGS"]


def default_start(timezone: str) -> datetime | None:
    """The simulated time calls start at (the ``NOW`` setting), or None for the real time."""
    now = settings().now()
    if now is None:
        return None
    return now if now.tzinfo else now.replace(tzinfo=ZoneInfo(timezone))


def _secret() -> bytes:
    return settings().state_secret


def menus() -> MenuCache:
    """The app's one menu cache (shared with the webhook)."""
    return menu_cache(current_app)


def get_menu(name: str) -> Menu:
    """The served version of menu ``name``; PhoneError (404 or 409) when unknown or broken."""
    status = menus().status(name)
    if status.menu is None and not status.problems:
        raise PhoneError(f'there is no menu called "{name}"', 404)
    if status.menu is None:
        problems = "\n".join(status.problems[:MAX_PROBLEMS_SHOWN])
        raise PhoneError(f'menu "{name}" has errors:\n{problems}', 409)
    return status.menu


@phone.errorhandler(PhoneError)
def _phone_error(error: PhoneError):
    if request.endpoint in API_ENDPOINTS:
        return jsonify(error=error.message), error.status
    return render_template("phone_error.html", message=error.message), error.status


@phone.get("/favicon.ico")
def favicon() -> Response:
    """The little phone icon browsers ask for."""
    return send_from_directory(STATIC, "favicon.ico", mimetype="image/vnd.microsoft.icon")


@phone.get("/")
def index() -> str:
    """Every menu with its temperature and time to a human (rendered once per set of menu
    versions; audits cached per version)."""
    served = [menus().status(name) for name in menus().names()]
    key = (request.script_root, *((status.name, status.problems) for status in served))
    found = tuple(status.menu for status in served)
    return page_audits().page("index", key, found, lambda: _index_html(served))


def _index_html(served: list[MenuStatus]) -> str:
    rows = []
    for status in served:
        menu = status.menu
        rows.append(
            {
                "name": status.name,
                "hotline": menu.hotline.name if menu else "",
                "number": menu.hotline.number if menu else "",
                "errors": list(status.problems[:MAX_PROBLEMS_SHOWN]),
                "serving_older": menu is not None and bool(status.problems),
                "audit": page_audits().summary(status.name, menu) if menu else None,
            }
        )
    return render_template("phone_index.html", rows=rows)


@phone.get("/phone/<menu>")
def phone_page(menu: str) -> str:
    """The phone for ``menu``, with its tree."""
    loaded = get_menu(menu)
    tree = page_audits().tree(menu, loaded)  # drawn once per menu version
    start = default_start(loaded.hotline.timezone)
    at = request.args.get("at") or (start.isoformat() if start else "")
    lang = request.args.get("lang") or ""
    return render_template(
        "phone.html",
        name=menu,
        menu=loaded,
        tree=tree,
        at=at,
        lang=lang,
        has_listen=speech_available(),
        audit=page_audits().summary(menu, loaded),
    )


@phone.get("/audit/<menu>")
def audit_page(menu: str) -> str:
    """The audit of ``menu``: its headline, and the auditor's HTML report embedded."""
    loaded = get_menu(menu)
    return render_template(
        "phone_audit.html", name=menu, menu=loaded, audit=page_audits().summary(menu, loaded)
    )


@phone.get("/audit/<menu>/report.html")
def audit_report(menu: str) -> Response:
    """The auditor's self-contained HTML report of ``menu`` (no script may run in it)."""
    loaded = get_menu(menu)
    response = Response(page_audits().report_html(menu, loaded), mimetype="text/html")
    response.headers["Content-Security-Policy"] = REPORT_POLICY
    return response


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise PhoneError('send a JSON object, e.g. {"call": "...", "keys": "1"}')
    return body


def _answer(menu: Menu, log: CallLog, **extra: object):
    call, actions = replay(menu, log)
    state = describe(call, actions, log, menu)
    for item in state["said"]:
        item["audio_url"] = audio_url(log.menu, menu, item)
    state["call"] = sign(log, _secret())
    state.update(extra)
    return jsonify(state)


def audio_url(name: str, menu: Menu, item: dict) -> str | None:
    """Where the page can fetch the audio of one prompt line, when there is audio.

    A recorded prompt (``audio:`` in the menu) is served by the voice blueprint;
    a text prompt has audio once ``ivr voices render`` put it in the voice cache.
    """
    if item.get("audio"):
        file = prompt_audio_url_name(menu, item["audio"])
        return url_for("voice.audio", menu_name=name, file=file) if file else None
    key = rendered_key(menu, item["text"], item["lang"])
    return url_for("phone.prompt_audio", menu=name, key=key) if key else None


@phone.get("/phone/<menu>/audio/<key>.wav")
def prompt_audio(menu: str, key: str) -> Response:  # noqa: ARG001 - audio is shared by key
    """A rendered prompt from the voice cache, by its content address."""
    path = rendered_file(key)
    if path is None:
        raise PhoneError("no such prompt audio (render the menu with ivr voices render)", 404)
    return send_file(path, mimetype="audio/wav", max_age=3600)


def speech_available() -> bool:
    """True when a vosk model is installed, so recorded clips can be recognised (looked up
    at most once a minute: the search lists every installed package)."""
    from voices import asr

    folder = settings().vosk_model
    looked = _SPEECH_LOOKS.get(folder)
    if looked is not None and time.monotonic() - looked[0] < SPEECH_LOOK_SECONDS:
        return looked[1]
    try:
        asr.find_model(folder)
        found = True
    except asr.ModelNotFound:
        found = False
    _SPEECH_LOOKS[folder] = (time.monotonic(), found)
    return found


@phone.post("/phone/<menu>/call")
def start_call(menu: str):
    """Answer a new call: ``{"at": "2026-11-23T10:00", "lang": "en"}`` (both optional)."""
    loaded = get_menu(menu)
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    lang = body.get("lang") or None
    if lang is not None and lang not in loaded.hotline.languages:
        raise PhoneError(
            f'"lang" must be one of {", ".join(loaded.hotline.languages)}, not {str(lang)[:20]!r}'
        )
    at = parse_at(body.get("at"), loaded.hotline.timezone, default_start(loaded.hotline.timezone))
    return _answer(loaded, CallLog(menu, at.isoformat(), lang))


@phone.post("/phone/<menu>/call/<event>")
def call_event(menu: str, event: str):
    """A caller event on a running call: press (``keys``), speak (``text``), silence, hangup."""
    if event not in EVENTS:
        raise PhoneError(f'unknown event "{event[:20]}"; use one of {", ".join(EVENTS)}', 404)
    loaded = get_menu(menu)
    body = _body()
    log = unsign(body.get("call"), _secret(), menu)
    value = check_event(event, body.get("keys" if event == "press" else "text"))
    return _answer(loaded, log.plus(event, value))


@phone.get("/phone/<menu>/call")
@phone.get("/phone/<menu>/call/<event>")
def call_get(menu: str, event: str = "") -> NoReturn:  # noqa: ARG001 - any URL gets the 405
    """Calls are driven with POST; a GET gets a JSON 405."""
    raise PhoneError("use POST with a JSON body", 405)


@phone.post("/phone/<menu>/call/listen")
def listen(menu: str):
    """The caller speaks a recorded clip (``audio``, a WAV; ``call``, the token; multipart).

    The clip is recognised with vosk (``voices.asr``) against the grammar of
    the node the call waits at; what was heard is spoken into the call. Nothing
    heard is a no-match, as on a real line.
    """
    from voices import asr
    from voices.audio import AudioError, read_audio

    request.max_content_length = MAX_CLIP_BYTES
    loaded = get_menu(menu)
    log = unsign(request.form.get("call"), _secret(), menu)
    call, _ = replay(loaded, log)
    node = call.waiting_node
    if node is None:
        raise PhoneError("this call is not waiting for the caller; start a new one", 409)
    clip = request.files.get("audio")
    if clip is None:
        raise PhoneError('send the recording as the multipart file "audio" (a WAV)')
    try:
        data = clip.read()
    finally:
        clip.close()  # the upload's spooled temporary file, whatever happens
    try:
        audio = read_audio(data, name="the recording")
        model = asr.load_model(settings().vosk_model)
    except AudioError as exc:
        raise PhoneError(str(exc)) from None
    except asr.ModelNotFound as exc:
        raise PhoneError(f"speech cannot be recognised here: {exc}", 503) from None
    try:  # the one recogniser and setting of every path (voices.asr.listen)
        heard = asr.listen(audio, loaded, node.id, lang=call.lang, model=model)
    except asr.NothingToHear:
        raise PhoneError(
            f'the installed speech model knows none of the words "{node.id}" '
            f"listens for in {call.lang}; type what you say instead",
            422,
        ) from None
    return _answer(loaded, log.plus("speak", heard.text or NOTHING_HEARD), heard=heard.describe())
