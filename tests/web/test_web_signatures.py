"""Twilio signatures over a real HTTP server, computed by the twilio library itself.

Twilio signs the URL it requested (with the query string exactly as sent) and,
for a POST, the form. These tests sign realistic calls (speech in Korean and
Indonesian, commas, quotes, recording URLs) with ``RequestValidator`` and send
them with urllib to the app served by werkzeug on 127.0.0.1, with and without
``IVR_PUBLIC_URL``; forged, missing and re-targeted signatures get 403, and
nothing unsigned, no other method and no other path is ever stored.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pytest
from twilio.request_validator import RequestValidator
from web_support import SID, make_app, parse_twiml, twilio_form

from ivr.web import call_records
from tests.serving import served

TOKEN = "f" * 32
PUBLIC = "https://ivr.example.com/lines"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC" + "1" * 32 + "/Recordings/RE" + "2" * 32
SPEECH = (
    "예약을 하고 싶어요, 지금",
    'Saya mau bicara dengan "agen", tolong',
    "billing, please; it's about my bill",
)
ENCODINGS = {
    "form": lambda fields: urlencode(fields),  # spaces as +, commas as %2C
    "percent": lambda fields: urlencode(fields, quote_via=quote),  # spaces as %20
    "raw-commas": lambda fields: "&".join(
        quote(k) + "=" + quote(v, safe=",'") for k, v in fields.items()
    ),
}


def send(
    url: str,
    method: str = "POST",
    form: dict[str, str] | None = None,
    signature: str | None = None,
    query: str = "",
) -> tuple[int, bytes]:
    """One request with urllib: the status and the body."""
    body = urlencode(form).encode() if form is not None and method == "POST" else None
    target = url + (("&" if "?" in url else "?") + query if query else "")
    request = urllib.request.Request(target, data=body, method=method)
    if signature is not None:
        request.add_header("X-Twilio-Signature", signature)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def gather_url(body: bytes) -> str:
    """The action URL of the answer's Gather."""
    return parse_twiml(body).find("Gather").get("action")


@pytest.mark.parametrize("public", [None, PUBLIC], ids=["own-url", "public-url"])
def test_twilio_signed_posts_and_gets_with_real_speech_are_answered(tmp_path, public):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN, **({"PUBLIC_URL": public} if public else {}))
    validator = RequestValidator(TOKEN)
    with served(app) as local:
        base = public or local

        def local_url(url: str) -> str:
            return local + url[len(base) :] if url.startswith(base) else local + url

        form = twilio_form(SID)
        status, body = send(
            local + "/voice/ko-clinic",
            form=form,
            signature=validator.compute_signature(base + "/voice/ko-clinic", form),
        )
        assert status == 200, body
        action = gather_url(body)
        action = action if public else local + action  # Twilio resolves a relative URL
        assert action.startswith(f"{base}/voice/ko-clinic/gather?s=")
        for speech in SPEECH:
            fields = twilio_form(SID, SpeechResult=speech, Confidence="0.91")
            signature = validator.compute_signature(action, fields)
            status, answer = send(local_url(action), form=fields, signature=signature)
            assert status == 200, (speech, answer)
            parse_twiml(answer)
            for name, encode in ENCODINGS.items():
                query = encode(fields)
                signed = validator.compute_signature(f"{action}&{query}", {})
                status, answer = send(local_url(action), "GET", signature=signed, query=query)
                assert status == 200, (name, speech, answer)
                parse_twiml(answer)


def test_a_signed_recording_callback_with_its_url_is_answered(tmp_path):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    validator = RequestValidator(TOKEN)
    with served(app) as local:
        fields = twilio_form(SID, RecordingUrl=RECORDING, RecordingDuration="7", Digits="hangup")
        query = urlencode(fields)
        url = f"{local}/voice/acme-hot"
        status, body = send(
            url, "GET", signature=validator.compute_signature(f"{url}?{query}", {}), query=query
        )
        assert status == 200, body
        status, body = send(url, form=fields, signature=validator.compute_signature(url, fields))
        assert status == 200, body


def test_forged_missing_and_retargeted_signatures_get_403_and_nothing_is_stored(tmp_path):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    validator = RequestValidator(TOKEN)
    form = twilio_form(SID, SpeechResult="예약, 지금")
    with served(app) as local:
        hot, cold = f"{local}/voice/acme-hot", f"{local}/voice/acme-cold"
        good = validator.compute_signature(hot, form)
        assert send(hot, form=form)[0] == 403  # missing
        assert send(hot, form=form, signature="")[0] == 403
        forged = RequestValidator("0" * 32).compute_signature(hot, form)
        assert send(hot, form=form, signature=forged)[0] == 403
        assert send(cold, form=form, signature=good)[0] == 403  # signed for another menu
        changed = {**form, "SpeechResult": "agen"}
        assert send(hot, form=changed, signature=good)[0] == 403  # another answer
        query = urlencode(form)
        signed_get = validator.compute_signature(f"{hot}?{query}", {})
        assert send(hot, "GET", signature=signed_get, query=query + "&x=1")[0] == 403
        assert send(hot, form=form, signature=good)[0] == 200
    assert call_records(app).count() == 1


@pytest.mark.parametrize("token", [TOKEN, None], ids=["signed-line", "open-line"])
def test_only_documented_webhooks_answer_and_nothing_else_is_stored(tmp_path, token):
    app = make_app(tmp_path, **({"TWILIO_AUTH_TOKEN": token} if token else {}))
    validator = RequestValidator(token or "unused")
    form = twilio_form(SID)
    with served(app) as local:
        hot = f"{local}/voice/acme-hot"
        for method in ("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"):
            status, body = send(hot, method, form=form)
            assert status == 405, method
            if method != "HEAD":
                parse_twiml(body)
        for path in ("/gather/deeper", "/nowhere", "/gather/x/y", "/wait/1"):
            url = hot + path
            status, body = send(url, form=form, signature=validator.compute_signature(url, form))
            assert status == 404, path
            parse_twiml(body)
        assert send(f"{local}/voice/", form=form)[0] == 404
        assert call_records(app).count() == 0
        status, _ = send(hot, form=form, signature=validator.compute_signature(hot, form))
        assert status == 200
    assert call_records(app).count() == 1
