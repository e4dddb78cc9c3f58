"""Menus are loaded once and reloaded when their file changes; a broken menu never gives a 500."""

from __future__ import annotations

import os

from web_support import FEATURE_MENU, feature_app, make_app, post

from ivr.web.menus import MenuCache


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


def test_an_edit_is_served_without_a_restart_and_a_broken_file_gets_an_apology(tmp_path):
    app = feature_app(tmp_path, MENU_CHECK_SECONDS=0)
    client = app.test_client()
    menu_file = tmp_path / "menus" / "feature-line.yaml"
    assert post(client, "/voice/feature-line")[0].text.startswith("Hello")
    menu_file.write_text(FEATURE_MENU.read_text().replace("Hello </Say>", "Hi there </Say>"))
    os.utime(menu_file, ns=(2, 2))
    assert post(client, "/voice/feature-line")[0].text.startswith("Hi there")
    menu_file.write_text("nodes: [not, a, menu")
    broken = post(client, "/voice/feature-line")
    assert broken[0].text == "Sorry, something went wrong on our side."
    assert broken[-1].tag == "Hangup"


def test_unknown_menus_go_to_the_configured_default_menu(tmp_path):
    client = make_app(tmp_path, DEFAULT_MENU="acme-hot").test_client()
    document = post(client, "/voice/acme-warm")
    assert document[-1].tag == "Redirect" and document[-1].text == "/voice/acme-hot"
