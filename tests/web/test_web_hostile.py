"""Hostile folders and menus: only a menu's own recordings are served, links and pipes in
the menu folder are never followed or opened, and every answer is well-formed TwiML."""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET

from flask import Flask
from web_support import MENU_DIR, SID, feature_app, make_app, parse_twiml, post

from ivr.actions import Say
from ivr.web.state import CallState
from ivr.web.twiml import Links, render
from ivr.web.voice import xml_response

NO_NEXT_MENU = """\
hotline: {name: Voicemail only, languages: [en, id], timezone: UTC}
start: hello
nodes:
  hello:
    say: "You have reached the voicemail of ACME."
    next: voicemail
  voicemail:
    record: {prompt: "Leave a message after the tone.", max_length: 30}
"""
RECORDED_MENU = """\
hotline: {name: Recorded, languages: [en], timezone: UTC}
start: hello
nodes:
  hello:
    say: {audio: %s, text: "Hello."}
    next: bye
  bye:
    hangup: {say: "Goodbye."}
"""


def get_in_time(app: Flask, path: str, seconds: float = 60.0):
    """GET ``path`` in a thread; fails when the answer does not come (a hang)."""
    answers = []
    worker = threading.Thread(target=lambda: answers.append(app.test_client().get(path)))
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"GET {path} hangs"
    return answers[0]


def test_the_audio_route_serves_no_menu_source_and_nothing_a_prompt_does_not_name(tmp_path):
    client = make_app(tmp_path).test_client()
    leaked = client.get("/voice/acme-hot/audio/nusantara-bank.yaml")
    assert leaked.status_code == 404 and b"hotline" not in leaked.data
    feature = feature_app(tmp_path / "feature", audio=True).test_client()
    folder = tmp_path / "feature" / "menus"
    (folder / "voices" / "secret.wav").write_bytes(b"RIFF not a prompt of this menu")
    answers = [
        feature.get(f"/voice/feature-line/audio/{name}")
        for name in ("feature-line.yaml", "voices/secret.wav", "voices/../feature-line.yaml")
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert {a.data for a in answers} == {b"not found\n"}
    with feature.get("/voice/feature-line/audio/voices/hello.wav") as served:
        assert served.status_code == 200 and served.data == b"RIFF fake greeting"
    assert client.get("/voice/no-such-menu/audio/voices/hello.wav").status_code == 404


def test_a_prompt_linked_to_a_device_or_outside_the_folder_is_said_not_played(tmp_path):
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"RIFF somebody else's file")
    for case, target in enumerate(("/dev/zero", str(outside))):
        folder = tmp_path / f"case{case}" / "menus"
        folder.mkdir(parents=True)
        os.symlink(target, folder / "hello.wav")
        (folder / "line.yaml").write_text(RECORDED_MENU % "hello.wav")
        client = make_app(folder.parent, folder).test_client()
        document = post(client, "/voice/line")
        assert [e.tag for e in document][:1] == ["Say"], target
        assert client.get("/voice/line/audio/hello.wav").status_code == 404


def test_links_pipes_and_folders_in_the_menu_folder_are_never_opened(tmp_path):
    folder = tmp_path / "menus"
    folder.mkdir()
    (folder / "good.yaml").write_text((MENU_DIR / "acme-hot.yaml").read_text())
    os.symlink("/dev/zero", folder / "zero.yaml")
    os.mkfifo(folder / "pipe.yaml")
    (tmp_path / "elsewhere.yaml").write_text((MENU_DIR / "acme-hot.yaml").read_text())
    os.symlink(tmp_path / "elsewhere.yaml", folder / "away.yaml")
    (folder / "folder.yaml").mkdir()
    app = make_app(tmp_path, folder)
    index = get_in_time(app, "/")
    assert index.status_code == 200
    page = index.get_data(as_text=True)
    assert page.count("not a regular file; not read") == 2  # the pipe and the folder
    assert page.count("links outside the menu folder; not read") == 2  # /dev/zero, elsewhere
    assert '<span class="temperature t-hot">hot</span>' in page  # good.yaml
    client = app.test_client()
    for name in ("zero", "pipe", "away", "folder"):
        document = post(client, f"/voice/{name}")
        assert document[0].text == "Sorry, something went wrong on our side."


def test_a_record_without_next_says_goodbye_before_hanging_up(tmp_path):
    folder = tmp_path / "menus"
    folder.mkdir()
    (folder / "voicemail.yaml").write_text(NO_NEXT_MENU)
    client = make_app(tmp_path, folder).test_client()
    document = post(client, "/voice/voicemail")
    action = document.find("Record").get("action")
    for fields in ({"RecordingUrl": "https://api.twilio.com/rec/RE1"}, {}):
        goodbye = post(client, action, **fields)
        assert [e.tag for e in goodbye] == ["Say", "Hangup"]
        assert goodbye[0].text == "Thank you for your message. Goodbye."


def test_control_characters_never_make_the_twiml_ill_formed(tmp_path):
    """The loader refuses them; the webhook must not depend on it (menus built in code)."""
    state = CallState("hello", "en")
    links = Links(*(lambda _s: "/voice/x/step" for _ in range(6)), audio=lambda _f: None, start="/")
    text = "Hello\x00 \x01world\x1b[2J \ud800 \ufffe and\tbye\n"
    response, _ = render([Say(text, "en", "hello")], state, links)
    with make_app(tmp_path).test_request_context("/voice/x", method="POST", data={"CallSid": SID}):
        answer = xml_response(response.to_xml())
    document = ET.fromstring(answer.get_data())
    assert document.find("Say").text == "Hello world[2J   and\tbye\n"
    parse_twiml(answer.get_data())
