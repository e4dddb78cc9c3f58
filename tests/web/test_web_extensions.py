"""Extension dialling over the webhook and the browser phone: the Gather waits for a whole
extension and the extension reaches the pattern's target."""

from __future__ import annotations

from pathlib import Path

from web_support import gather_action, make_app, post

OFFICE = """\
hotline: {name: Office, languages: [en], timezone: UTC}
start: main
nodes:
  main:
    menu:
      prompt: "For sales, press 1. If you know your party's extension, dial it now."
      options: {"1": sales, "2[0-4]XX": directory}
  sales: {hangup: {say: Sales.}}
  directory: {hangup: {say: Connecting you.}}
"""


def office_client(tmp_path: Path):
    menus = tmp_path / "menus"
    menus.mkdir()
    (menus / "office.yaml").write_text(OFFICE, encoding="utf-8")
    return make_app(tmp_path, menus).test_client()


def test_the_webhook_gathers_four_digits_and_routes_an_extension(tmp_path: Path) -> None:
    client = office_client(tmp_path)
    ask = post(client, "/voice/office")
    gather = ask.find("Gather")
    assert gather is not None and gather.get("numDigits") == "4"  # 2[0-4]XX: 4 digits, not 8
    answer = post(client, gather_action(ask), Digits="2345")
    assert [say.text for say in answer.iter("Say")] == ["Connecting you."]


def test_the_browser_phone_waits_for_four_digits(tmp_path: Path) -> None:
    client = office_client(tmp_path)
    state = client.post("/phone/office/call", json={}).get_json()
    assert state["waiting"]["num_digits"] == 4
    assert state["waiting"]["keys"] == ["1", "2[0-4]XX"]
