"""The browser phone's JSON API and pages through Flask's test client (real app, real engine)."""

from __future__ import annotations

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phone_support import WEEKDAY_10AM

from ivr.engine import Call
from ivr.loader import load_menu
from ivr.web import create_app
from ivr.web.phone_calls import MAX_EVENTS, CallLog, sign

COLD = "/phone/acme-cold/call"


def start(client, menu: str = "acme-cold", **body) -> dict:
    response = client.post(f"/phone/{menu}/call", json={"at": WEEKDAY_10AM, **body})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def event(client, state: dict, name: str, menu: str = "acme-cold", **body):
    return client.post(f"/phone/{menu}/call/{name}", json={"call": state["call"], **body})


def press(client, state: dict, keys: str, menu: str = "acme-cold") -> dict:
    response = event(client, state, "press", menu, keys=keys)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_start_answers_and_waits_at_the_language_menu(client):
    state = start(client)
    assert state["node"] == "language"
    assert state["lang"] == "id"
    assert state["clock"] == "Mon 2026-11-23 10:00:08"
    assert state["waiting"]["timeout"] == 5.0
    assert state["waiting"]["keys"] == ["1", "2"]
    assert [line["text"] for line in state["said"]][
        -1
    ] == "Untuk Bahasa Indonesia, tekan 1. For English, press 2."
    assert state["path"] == ["welcome", "language"]
    assert state["ended"] is False and state["outcome"] is None


def test_keys_reach_the_cold_queue_with_its_wait_and_elapsed_seconds(client):
    state = start(client)
    for key in "2421":
        state = press(client, state, key)
    assert state["node"] == "agents"
    assert state["ended"] is True and state["waiting"] is None
    assert state["elapsed"] == 40.91
    assert state["endpoint"]["kind"] == "queue"
    assert state["endpoint"]["name"] == "complaints"
    # 3 agents for 10 erlangs: impatient callers give up (Erlang A), those answered wait 145 s
    assert state["endpoint"]["overloaded"] is False
    assert state["endpoint"]["estimated_wait"] == pytest.approx(145.1, abs=0.1)
    assert state["endpoint"]["wait_text"] == "about 2 min (145 s)"
    assert state["outcome"]["kind"] == "human"
    assert state["route"] == [
        ["welcome", "language"],
        ["language", "main"],
        ["main", "service"],
        ["service", "complaints"],
        ["complaints", "agents"],
    ]
    assert state["said"][-1]["hold"] is True


def test_the_phone_follows_the_engine_exactly(client):
    """The transcript after keys, speech and silence is the engine's own, line for line."""
    state = start(client, menu="acme-hot", lang="en")
    state = event(client, state, "silence", "acme-hot").get_json()
    state = event(client, state, "speak", "acme-hot", text="orders please").get_json()
    state = press(client, state, "1", "acme-hot")
    state = press(client, state, "1234", "acme-hot")  # too short: the input asks again
    state = press(client, state, "87654321#", "acme-hot")
    call = Call(
        load_menu("menus/acme-hot.yaml"),
        lang="en",
        at=datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Jakarta")),
    )
    call.start()
    call.silence()
    call.speak("orders please")
    call.press("1")
    call.press("1234")
    call.press("87654321#")
    assert [(line["seconds"], line["who"], line["text"]) for line in state["transcript"]] == [
        (line.seconds, line.who, line.text) for line in call.transcript
    ]
    assert state["elapsed"] == call.elapsed
    assert state["endpoint"]["estimated_wait"] == round(call.outcome.wait, 1)


def test_silence_uses_up_retries_then_the_cold_line_hangs_up(client):
    state = start(client)
    state = event(client, state, "silence").get_json()
    assert state["waiting"]["attempt"] == 1
    assert state["said"][0]["text"] == "Maaf, kami tidak mendengar apa pun."
    state = event(client, state, "silence").get_json()
    state = event(client, state, "silence").get_json()
    assert state["ended"] is True
    assert state["outcome"]["kind"] == "hangup" and state["outcome"]["node"] == "goodbye"


def test_after_hours_the_cold_queue_is_closed(client):
    state = start(client, at="2026-11-23T21:00")
    for key in "242":
        state = press(client, state, key)
    state = press(client, state, "1")
    assert state["node"] == "closed"
    assert state["endpoint"] is None
    assert state["outcome"]["kind"] == "hangup"


def test_hang_up_ends_the_call_and_later_events_are_refused(client):
    state = start(client)
    state = event(client, state, "hangup").get_json()
    assert state["outcome"]["kind"] == "caller-hangup"
    response = event(client, state, "press", keys="1")
    assert response.status_code == 409
    assert "already ended" in response.get_json()["error"]


def test_now_setting_is_the_default_call_time(menu_dir):
    app = create_app(
        {"MENU_DIR": str(menu_dir), "DATABASE_URL": "sqlite://", "NOW": "2026-11-24T21:30"}
    )
    client = app.test_client()
    state = client.post(COLD, json={}).get_json()
    assert state["clock"].startswith("Tue 2026-11-24 21:30")
    page = client.get("/phone/acme-cold").get_data(as_text=True)
    assert 'value="2026-11-24T21:30:00+07:00"' in page


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        (COLD + "/press", None, 400, "send a JSON object"),
        (COLD + "/press", [1, 2], 400, "send a JSON object"),
        (COLD + "/press", {"keys": "1"}, 400, '"call" is missing'),
        (COLD + "/press", {"call": 12, "keys": "1"}, 400, '"call" is missing'),
        (COLD + "/press", {"call": "forged.token", "keys": "1"}, 403, "bad signature"),
        (COLD + "/dance", {"call": "x"}, 404, 'unknown event "dance"'),
        ("/phone/nope/call", {}, 404, 'no menu called "nope"'),
        ("/phone/broken/call", {}, 409, 'unknown node "biling"'),
        (COLD, {"at": "yesterday"}, 400, '"at" is not a time'),
        (COLD, {"at": 12}, 400, '"at" must be a time'),
        (COLD, {"lang": "fr"}, 400, '"lang" must be one of id, en'),
        (COLD, {"lang": ["id"]}, 400, '"lang" must be one of'),
    ],
)
def test_junk_gets_a_clear_json_error(client, path, body, status, message):
    response = client.post(
        path,
        data="{not json" if body is None else json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.is_json
    assert message in response.get_json()["error"]


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("press", {"keys": "1a"}, "may hold only 0-9, * and #"),
        ("press", {"keys": ""}, '"keys" must be 1 to 32'),
        ("press", {"keys": 1}, '"keys" must be 1 to 32'),
        ("press", {"keys": "1" * 33}, '"keys" must be 1 to 32'),
        ("press", {}, '"keys" must be'),
        ("speak", {"text": "   "}, '"text" must be the words'),
        ("speak", {"text": None}, '"text" must be the words'),
        ("speak", {"text": "a" * 301}, "too long"),
    ],
)
def test_junk_caller_input_is_refused_and_the_call_goes_on(client, name, body, message):
    state = start(client)
    response = event(client, state, name, **body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert press(client, state, "2")["node"] == "main"


def test_a_call_token_for_another_menu_is_refused(client):
    state = start(client)
    response = event(client, state, "press", menu="acme-hot", keys="1")
    assert response.status_code == 400
    assert 'belongs to menu "acme-cold"' in response.get_json()["error"]


def test_a_token_signed_with_another_secret_is_refused(menu_dir, client):
    other = create_app(
        {"MENU_DIR": str(menu_dir), "DATABASE_URL": "sqlite://", "STATE_SECRET": "someone else"}
    ).test_client()
    state = start(other)
    assert event(client, state, "press", keys="2").status_code == 403


def test_get_on_the_api_is_a_json_405(client):
    response = client.get(COLD + "/press")
    assert response.status_code == 405
    assert response.get_json()["error"] == "use POST with a JSON body"


def test_an_overlong_call_is_stopped(client):
    """Pressing 1 at the cold main menu loops (products, then main again) for ever."""
    log = CallLog(
        "acme-cold",
        "2026-11-23T10:00:00+07:00",
        None,
        (("press", "2"),) + (("press", "1"),) * (MAX_EVENTS - 1),
    )
    state = {"call": sign(log, "phone-tests")}
    response = event(client, state, "press", keys="1")
    assert response.status_code == 409
    assert "too long" in response.get_json()["error"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["press", "speak", "silence", "hangup", "listen", "x"]),
    body=st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=20),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(
            st.sampled_from(["call", "keys", "text", "at", "lang"]),
            st.one_of(st.none(), st.integers(), st.text(max_size=40), st.booleans()),
            max_size=4,
        ),
    ),
)
def test_no_junk_body_gives_a_server_error(client, name, body):
    response = client.post(f"{COLD}/{name}", data=json.dumps(body), content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.is_json and response.get_json()["error"]
    start_response = client.post(COLD, data=json.dumps(body), content_type="application/json")
    assert start_response.status_code in (200, 400)


def test_listen_without_a_clip_or_with_junk_audio_is_refused(client):
    state = start(client)
    response = client.post(COLD + "/listen", data={"call": state["call"]})
    assert response.status_code == 400
    assert '"audio"' in response.get_json()["error"]
    junk = {"call": state["call"], "audio": (io.BytesIO(b"not a wav"), "a.wav")}
    response = client.post(COLD + "/listen", data=junk, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_pages_escape_markup_from_menus(client):
    page = client.get("/phone/script-prompt").get_data(as_text=True)
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned = &#39;name&#39;&lt;/script&gt; Evil line" in page
    index = client.get("/").get_data(as_text=True)
    assert "<script>window.__pwned" not in index
    state = start(client, menu="script-prompt")
    assert state["said"][0]["text"].startswith("<script>")  # JSON carries it; the page sets text


def test_menu_list_and_unknown_pages(client):
    index = client.get("/")
    assert index.status_code == 200
    text = index.get_data(as_text=True)
    for name in ("acme-cold", "acme-hot", "script-prompt", "broken"):
        assert f'data-menu="{name}"' in text
    assert "unknown node &#34;biling&#34;" in text
    assert '<span class="temperature t-frozen">frozen</span>' in text
    assert '<span class="temperature t-hot">hot</span>' in text
    assert client.get("/phone/nope").status_code == 404
    assert client.get("/phone/broken").status_code == 409
    assert client.get("/audit/nope").status_code == 404
    assert client.get("/phone/acme-cold/audio/" + "0" * 64 + ".wav").status_code == 404
    assert client.get("/phone/acme-cold/audio/../../etc.wav").status_code == 404


def test_audit_report_is_the_auditors_and_runs_no_script(client):
    response = client.get("/audit/acme-cold/report.html")
    assert response.status_code == 200
    assert "IVR202" in response.get_data(as_text=True)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    page = client.get("/audit/acme-cold").get_data(as_text=True)
    assert '<iframe id="audit-report"' in page and " sandbox" in page
    assert client.get("/audit/broken/report.html").status_code == 409


def test_favicon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"


def test_phone_page_draws_every_node_of_the_tree(client):
    page = client.get("/phone/acme-cold").get_data(as_text=True)
    menu = load_menu("menus/acme-cold.yaml")
    for node in menu.nodes:
        assert f'data-node="{node}"' in page
    assert 'data-from="complaints" data-to="agents"' in page
