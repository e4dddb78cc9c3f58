"""Menus are loaded once and reloaded when their file changes; a bad edit hangs up nobody."""

from __future__ import annotations

import os
import threading
import time

from web_support import FEATURE_MENU, feature_app, make_app, post

from ivr.web.menus import MenuCache, menu_cache


def test_a_menu_is_cached_and_reloaded_when_its_file_changes(tmp_path):
    cache = MenuCache(tmp_path, check_every=0)
    menu_file = tmp_path / "line.yaml"
    menu_file.write_text(FEATURE_MENU.read_text())
    first = cache.get("line")
    assert cache.get("line") is first
    menu_file.write_text(FEATURE_MENU.read_text().replace("Goodbye.", "Bye now."))
    os.utime(menu_file, ns=(1, 1))
    assert cache.get("line") is not first
    assert cache.get("line").nodes["bye"].prompt.text("en") == "Bye now."
    assert cache.get("../line") is None and cache.get("missing") is None
    assert cache.names() == ["line"]


def test_an_edit_is_served_without_a_restart_and_a_bad_edit_keeps_the_last_good(tmp_path):
    app = feature_app(tmp_path, MENU_CHECK_SECONDS=0)
    client = app.test_client()
    menu_file = tmp_path / "menus" / "feature-line.yaml"
    assert post(client, "/voice/feature-line")[0].text.startswith("Hello")
    menu_file.write_text(FEATURE_MENU.read_text().replace("Hello </Say>", "Hi there </Say>"))
    os.utime(menu_file, ns=(2, 2))
    assert post(client, "/voice/feature-line")[0].text.startswith("Hi there")
    menu_file.write_text("nodes: [not, a, menu")
    still = post(client, "/voice/feature-line")
    assert still[0].text.startswith("Hi there") and still.find("Gather") is not None
    index = client.get("/").get_data(as_text=True)
    assert "callers get the last version that loaded" in index
    assert "feature-line.yaml:2:1: invalid YAML" in index


def test_an_edit_of_another_file_the_menu_reaches_into_is_served(tmp_path):
    folder = tmp_path / "menus"
    folder.mkdir()
    (folder / "main.yaml").write_text(
        "hotline: {name: Two files, languages: [en], timezone: UTC}\n"
        "start: hello\nnodes:\n  hello:\n    say: Hello.\n    next: parts.yaml#bye\n"
    )
    parts = folder / "parts.yaml"
    parts.write_text("nodes:\n  bye:\n    hangup: {say: Goodbye.}\n")
    client = make_app(tmp_path, folder, MENU_CHECK_SECONDS=0).test_client()
    assert [e.text for e in post(client, "/voice/main")][:2] == ["Hello.", "Goodbye."]
    parts.write_text("nodes:\n  bye:\n    hangup: {say: See you.}\n")
    os.utime(parts, ns=(4, 4))
    assert [e.text for e in post(client, "/voice/main")][:2] == ["Hello.", "See you."]


def test_a_menu_that_never_loaded_gets_an_apology(tmp_path):
    client = feature_app(tmp_path, MENU_CHECK_SECONDS=0, DEFAULT_MENU="feature-line").test_client()
    (tmp_path / "menus" / "broken.yaml").write_text("nodes: [not, a, menu")
    broken = post(client, "/voice/broken")
    assert broken[0].text == "Sorry, something went wrong on our side."
    assert broken[-1].tag == "Redirect" and broken[-1].text == "/voice/feature-line"


def test_bad_and_half_written_saves_while_calls_run_hang_up_on_nobody(tmp_path):
    """Requests run while an editor saves an invalid version, then writes a valid one in
    two steps (truncate, write half, write the rest); every caller hears the menu."""
    app = feature_app(tmp_path, MENU_CHECK_SECONDS="0.05")
    menu_file = tmp_path / "menus" / "feature-line.yaml"
    good = FEATURE_MENU.read_text()
    edited = good.replace("Goodbye.", "See you.")
    answers: list[str] = []
    done = threading.Event()

    def caller() -> None:
        client = app.test_client()
        while not done.is_set():
            document = post(client, "/voice/feature-line")
            answers.append(document[0].tag + ":" + (document[0].text or ""))

    callers = [threading.Thread(target=caller) for _ in range(4)]
    for thread in callers:
        thread.start()
    try:
        for _ in range(3):  # each pause over twice the check interval: the cache sees each save
            time.sleep(0.05)
            menu_file.write_text("hotline: {name: x}\nnodes: {bye: {hangup: {say: 1}}")
            time.sleep(0.12)
            with menu_file.open("w") as file:  # a non-atomic save of a valid version
                file.write(edited[: len(edited) // 2])
                file.flush()
                time.sleep(0.02)
                file.write(edited[len(edited) // 2 :])
            time.sleep(0.12)
    finally:
        done.set()
        for thread in callers:
            thread.join(30)
    assert len(answers) > 20
    assert all(answer.startswith("Say:Hello") for answer in answers), set(answers)
    time.sleep(0.1)
    cache = menu_cache(app)
    assert cache.get("feature-line").nodes["bye"].prompt.text("en") == "See you."


def test_unknown_menus_go_to_the_configured_default_menu(tmp_path):
    client = make_app(tmp_path, DEFAULT_MENU="acme-hot").test_client()
    document = post(client, "/voice/acme-warm")
    assert document[-1].tag == "Redirect" and document[-1].text == "/voice/acme-hot"
