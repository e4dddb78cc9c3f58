"""Twilio signatures (public test vector, forgeries, proxies) and tampered or unknown state."""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import Flask
from twilio.request_validator import RequestValidator
from web_support import (
    SID,
    feature_app,
    flask_transport,
    gather_action,
    make_app,
    parse_twiml,
    post,
    twilio_form,
)

from ivr.twiml_caller import TwimlCaller, press
from ivr.web import call_records
from ivr.web.voice import signed_by_twilio

TOKEN = "12345"
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def signed_post(app: Flask, path: str, public: str, form: dict, token: str = TOKEN, **headers: str):
    signature = RequestValidator(token).compute_signature(public + path, form)
    return app.test_client().post(
        path, data=form, headers={"X-Twilio-Signature": signature, **headers}
    )


def test_the_public_signature_vector_validates_in_the_app(tmp_path):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    with app.test_request_context(
        "/myapp.php?foo=1&bar=2",
        base_url="https://mycompany.com",
        method="POST",
        data=VECTOR_PARAMS,
        headers={"X-Twilio-Signature": VECTOR_SIGNATURE},
    ):
        assert signed_by_twilio()
    with app.test_request_context(
        "/myapp.php?foo=1&bar=2",
        base_url="https://mycompany.com",
        method="POST",
        data={**VECTOR_PARAMS, "Digits": "1235"},
        headers={"X-Twilio-Signature": VECTOR_SIGNATURE},
    ):
        assert not signed_by_twilio()


def test_a_signed_request_is_answered_and_a_forged_one_gets_403(tmp_path):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    form = twilio_form()
    good = signed_post(app, "/voice/acme-hot", "http://localhost", form)
    assert good.status_code == 200 and parse_twiml(good.data).find("Gather") is not None
    forged = signed_post(app, "/voice/acme-hot", "http://localhost", form, token="54321")
    assert forged.status_code == 403
    unsigned = app.test_client().post("/voice/acme-hot", data=form)
    assert unsigned.status_code == 403
    changed = app.test_client().post(
        "/voice/acme-hot",
        data={**form, "From": "+1999"},
        headers={
            "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(
                "http://localhost/voice/acme-hot", form
            )
        },
    )
    assert changed.status_code == 403


def test_behind_a_proxy_the_configured_public_url_validates(tmp_path):
    public = "https://ivr.example.com"
    form = twilio_form()
    proxied = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_URL=public + "/")
    answer = signed_post(proxied, "/voice/acme-hot", public, form)
    assert answer.status_code == 200
    action = parse_twiml(answer.data).find("Gather").get("action")
    assert action.startswith(f"{public}/voice/acme-hot/gather?s=")
    unaware = make_app(tmp_path / "plain", TWILIO_AUTH_TOKEN=TOKEN)
    assert signed_post(unaware, "/voice/acme-hot", public, form).status_code == 403


def test_sha256_signatures_named_in_the_settings_header_validate(tmp_path):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    form = twilio_form()
    payload = "http://localhost/voice/acme-hot" + "".join(k + form[k] for k in sorted(form))
    signature = base64.b64encode(
        hmac.new(TOKEN.encode(), payload.encode(), hashlib.sha256).digest()
    ).decode()
    answer = app.test_client().post(
        "/voice/acme-hot",
        data=form,
        headers={
            "X-Twilio-Signature": signature,
            "X-Twilio-Webhooks-Signature-Settings": (
                "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"
            ),
        },
    )
    assert answer.status_code == 200


def test_the_http_caller_signs_like_twilio_and_reaches_a_person(tmp_path):
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    caller = TwimlCaller(
        "http://localhost/voice/acme-hot",
        auth_token=TOKEN,
        transport=flask_transport(app.test_client()),
    )
    result = caller.call([press("0")])
    assert result.reached == "queue:care" and result.path == ["welcome", "main", "care"]
    wrong = TwimlCaller(
        "http://localhost/voice/acme-hot",
        auth_token="nope",
        transport=flask_transport(app.test_client()),
    ).call([press("0")])
    assert wrong.end == "http-403" and wrong.reached is None


def test_a_tampered_state_gets_an_apology_and_the_menu_start(tmp_path):
    client = feature_app(tmp_path).test_client()
    action = gather_action(post(client, "/voice/feature-line"))
    base, token = action.split("?s=")
    payload, mac = token.rsplit(".", 1)
    forged_payload = (
        base64.urlsafe_b64encode(b'{"n":"main","l":"en","v":{"code":"0000"}}').rstrip(b"=").decode()
    )
    for bad in (f"{forged_payload}.{mac}", f"{payload}.{mac[:-2]}xx", "garbage", "a.b.c", ""):
        document = post(client, f"{base}?s={bad}", Digits="0")
        assert [e.tag for e in document] == ["Say", "Redirect"]
        assert document[0].text == "Sorry, something went wrong on our side."
        assert document[1].text == "/voice/feature-line"


def test_a_state_signed_for_another_menu_is_refused(tmp_path):
    client = make_app(tmp_path).test_client()
    action = gather_action(post(client, "/voice/acme-hot"))
    stolen = action.replace("/voice/acme-hot/", "/voice/acme-cold/")
    document = post(client, stolen, Digits="1")
    assert document[1].tag == "Redirect" and document[1].text == "/voice/acme-cold"


def test_an_unknown_menu_apologises_and_routes_on(tmp_path):
    client = feature_app(tmp_path).test_client()
    unknown = post(client, "/voice/no-such-menu")
    assert unknown[0].text == "Sorry, something went wrong on our side."
    assert unknown[1].tag == "Redirect" and unknown[1].text == "/voice/feature-line"


def test_an_unknown_menu_with_nowhere_to_go_says_so_before_hanging_up(tmp_path):
    client = make_app(tmp_path).test_client()  # several menus, no default: nowhere to send
    document = post(client, "/voice/no-such-menu")
    assert [e.tag for e in document] == ["Say", "Say", "Hangup"]
    assert "not in service" in document[1].text
    assert "understand your choice" not in document[1].text


def test_paths_that_are_not_webhooks_are_404_and_not_stored(tmp_path):
    app = feature_app(tmp_path)
    client = app.test_client()
    for path in (
        "/voice/feature-line/nowhere",
        "/voice/feature-line/gather/deeper",
        "/voice/",
        "/voice/../../etc/passwd",
    ):
        answer = client.post(path, data=twilio_form(SID))
        assert answer.status_code == 404, path
        document = parse_twiml(answer.data)
        assert [e.tag for e in document] == ["Say", "Hangup"]
    assert call_records(app).count() == 0


def test_other_methods_are_405_with_twiml_and_not_stored(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"):
        answer = client.open("/voice/acme-hot", method=method, data=twilio_form(SID))
        assert answer.status_code == 405, method
        assert answer.headers["Allow"] == "GET, POST"
        if method != "HEAD":
            parse_twiml(answer.data)
    assert call_records(app).count() == 0
    answer = client.get("/voice/acme-hot", query_string=twilio_form(SID))
    assert parse_twiml(answer.data).find("Gather") is not None
    assert call_records(app).count() == 1


def test_a_public_url_with_a_path_prefix_signs_and_links_under_the_prefix(tmp_path):
    public = "https://example.com/phone-lines"
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_URL=public)
    answer = signed_post(app, "/voice/acme-hot", public, twilio_form())
    assert answer.status_code == 200
    document = parse_twiml(answer.data)
    assert document.find("Redirect").text.startswith(f"{public}/voice/acme-hot/gather?s=")
