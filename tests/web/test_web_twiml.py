"""How engine actions become TwiML: menus, inputs, queues, transfers, recordings, hang-ups."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from web_support import SID, feature_app, gather_action, post

from ivr.web import call_records
from ivr.web.state import decode_state

START = "/voice/feature-line"


def verbs(document) -> list[str]:
    return [element.tag for element in document]


def test_a_menu_is_a_gather_with_the_prompt_nested_then_a_redirect_for_silence(tmp_path):
    client = feature_app(tmp_path).test_client()
    document = post(client, START)
    assert verbs(document) == ["Say", "Gather", "Redirect"]
    gather = document.find("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-US"
    assert gather.get("numDigits") == "1" and gather.get("timeout") == "4"
    assert {"sales", "message", "desk", "agent"} <= set(gather.get("hints").split(", "))
    prompt = gather.find("Say")
    assert prompt.text.startswith("For sales, press 1.")
    assert prompt.get("voice") == "Polly.Joanna" and prompt.get("language") == "en-US"
    assert document.find("Redirect").text == gather.get("action")
    assert document.find("Redirect").get("method") == "POST"


def test_prompt_text_is_escaped_not_turned_into_verbs(tmp_path):
    document = post(feature_app(tmp_path).test_client(), START)
    assert document[0].tag == "Say"
    assert document[0].text == "Hello </Say><Hangup/> & welcome"
    assert document.find("Hangup") is None


def test_a_recorded_prompt_is_played_from_the_menu_folder(tmp_path):
    client = feature_app(tmp_path, audio=True).test_client()
    document = post(client, START)
    assert document[0].tag == "Play"
    url = document[0].text
    assert url == f"{START}/audio/voices/hello.wav"
    with client.get(url) as audio:
        assert audio.data == b"RIFF fake greeting"
    assert client.get(f"{START}/audio/../feature-line.yaml").status_code == 404


def test_silence_reprompts_with_an_apology_then_retries_end_with_a_person(tmp_path):
    client = feature_app(tmp_path).test_client()
    action = gather_action(post(client, START))
    again = post(client, action)
    assert again[0].text == "Sorry, I did not hear anything."
    state = decode_state(
        client.application.config["IVR_SETTINGS"].state_secret,
        "feature-line",
        parse_qs(urlsplit(gather_action(again)).query)["s"][0],
    )
    assert state.node == "main" and state.failures == {"main": 1}
    last = post(client, gather_action(again))
    assert verbs(last)[-1] == "Enqueue" and last.find("Enqueue").text == "desk"


def test_junk_and_huge_digits_count_as_an_invalid_choice(tmp_path):
    client = feature_app(tmp_path).test_client()
    action = gather_action(post(client, START))
    for junk in ("7", "abc", "١٢٣", "1" * 5000):
        document = post(client, action, Digits=junk)
        assert document[0].text == "Sorry, that is not a valid choice."
        assert verbs(document)[1:] == ["Gather", "Redirect"]


def test_a_language_key_switches_voice_and_speech_language(tmp_path):
    client = feature_app(tmp_path).test_client()
    document = post(client, gather_action(post(client, START)), Digits="9")
    gather = document.find("Gather")
    assert gather.get("language") == "id-ID"
    assert gather.find("Say").get("voice") == "Google.id-ID-Standard-A"


def test_a_keypad_only_menu_that_cannot_be_interrupted_plays_before_its_gather(tmp_path):
    client = feature_app(tmp_path).test_client()
    document = post(client, gather_action(post(client, START)), Digits="4")
    assert verbs(document) == ["Say", "Gather", "Redirect"]
    gather = document.find("Gather")
    assert gather.get("input") == "dtmf" and gather.get("hints") is None
    assert len(gather) == 0
    said = post(client, gather_action(document), SpeechResult="desk")
    assert said[0].text == "Sorry, that is not a valid choice."


def test_collected_digits_ride_in_the_signed_state_into_the_queue(tmp_path):
    app = feature_app(tmp_path)
    client = app.test_client()
    ask = post(client, gather_action(post(client, START)), Digits="3")
    gather = ask.find("Gather")
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") == "4"
    queued = post(client, gather_action(ask), Digits="1234")
    enqueue = queued.find("Enqueue")
    assert enqueue.text == "accounts"
    assert queued.find("Say") is None  # the wait and call-back are the hold loop's job
    state = decode_state(
        app.config["IVR_SETTINGS"].state_secret,
        "feature-line",
        parse_qs(urlsplit(enqueue.get("waitUrl")).query)["s"][0],
    )
    assert state.variables == {"code": "1234"} and state.node == "account_queue"


def test_the_hold_loop_announces_the_wait_and_books_a_call_back(tmp_path):
    client = feature_app(tmp_path).test_client()
    ask = post(client, gather_action(post(client, START)), Digits="3")
    enqueue = post(client, gather_action(ask), Digits="1234").find("Enqueue")
    hold = post(client, enqueue.get("waitUrl"), QueuePosition="1", QueueTime="0")
    assert verbs(hold) == ["Say", "Gather", "Say", "Pause"]
    assert hold[0].text.startswith("Your estimated wait is")
    assert hold[1].find("Say").text == "To be called back instead of waiting, press 1."
    assert hold[2].text == "Thanks for holding."
    assert verbs(post(client, hold[1].get("action"), Digits="1")) == ["Leave"]
    after = post(client, enqueue.get("action"), QueueResult="leave")
    assert verbs(after) == ["Say", "Hangup"] and "call you back" in after[0].text
    assert verbs(post(client, enqueue.get("action"), QueueResult="bridged")) == ["Hangup"]


def test_a_transfer_dials_with_an_action_that_handles_no_answer(tmp_path):
    client = feature_app(tmp_path).test_client()
    document = post(client, gather_action(post(client, START)), SpeechResult="sales please")
    assert verbs(document) == ["Say", "Dial"]
    dial = document.find("Dial")
    assert dial.text == "+15550102000" and int(dial.get("timeout")) >= 22
    assert verbs(post(client, dial.get("action"), DialCallStatus="completed")) == ["Hangup"]
    missed = post(client, dial.get("action"), DialCallStatus="no-answer")
    assert verbs(missed) == ["Say", "Record", "Redirect"]
    assert missed[0].text == "Leave a message after the tone."


def test_a_recording_goes_on_to_the_next_node_even_when_empty(tmp_path):
    client = feature_app(tmp_path).test_client()
    document = post(client, gather_action(post(client, START)), Digits="2")
    record = document.find("Record")
    assert record.get("maxLength") == "60" and record.get("playBeep") == "true"
    assert document.find("Redirect").text == record.get("action")
    for fields in ({"RecordingUrl": "https://api.twilio.com/rec/RE1"}, {}):
        goodbye = post(client, record.get("action"), **fields)
        assert verbs(goodbye) == ["Say", "Hangup"] and goodbye[0].text == "Goodbye."


def test_a_closed_queue_routes_after_hours(tmp_path):
    open_client = feature_app(tmp_path / "open", NOW="2026-11-23T10:00").test_client()
    opened = post(open_client, gather_action(post(open_client, START)), Digits="5")
    assert opened.find("Enqueue").text == "office"
    closed_client = feature_app(tmp_path / "closed", NOW="2026-11-22T10:00").test_client()
    closed = post(closed_client, gather_action(post(closed_client, START)), Digits="5")
    assert verbs(closed) == ["Say", "Hangup"] and closed[0].text == "Goodbye."


def test_every_request_is_stored_as_an_event_of_its_call(tmp_path):
    app = feature_app(tmp_path)
    client = app.test_client()
    post(client, gather_action(post(client, START)), Digits="0")
    events = call_records(app).events(SID)
    assert [(e.event, e.path, e.action, e.input, e.outcome) for e in events] == [
        ("answer", ["welcome", "main"], "gather", None, None),
        ("press", ["desk"], "enqueue", "0", "human"),
    ]
