"""The browser phone through another system that hands the call back (``returns_to``)."""

from __future__ import annotations

from phone_support import WEEKDAY_10AM

from ivr.web import create_app

PAYMENT_LINE = """\
hotline: {name: Payment line}
start: main
nodes:
  main:
    menu:
      prompt: "To pay, press 1. To pay and then speak to someone, press 0."
      options: {"1": pay_only, "0": pay}
  pay:
    transfer: {to: "+1 555 0199", human: false, ring: 4, returns_to: care, away: 90}
  pay_only:
    transfer: {to: "+1 555 0198", human: false}
  care:
    queue: {agents: 4, handle_time: 300, calls_per_hour: 20}
"""


def pressed(tmp_path, key: str) -> dict:
    (tmp_path / "payment.yaml").write_text(PAYMENT_LINE, encoding="utf-8")
    app = create_app(
        {"MENU_DIR": str(tmp_path), "DATABASE_URL": "sqlite://", "STATE_SECRET": "phone-tests"}
    )
    client = app.test_client()
    started = client.post("/phone/payment/call", json={"at": WEEKDAY_10AM}).get_json()
    answer = client.post("/phone/payment/call/press", json={"call": started["call"], "keys": key})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_phone_shows_the_queue_the_system_hands_the_call_back_to(tmp_path):
    state = pressed(tmp_path, "0")
    assert state["path"] == ["main", "pay", "care"]
    assert state["endpoint"]["kind"] == "queue" and state["endpoint"]["node"] == "care"
    assert state["outcome"]["kind"] == "human" and state["outcome"]["node"] == "care"
    assert any("hands the call back after 90 s" in line["text"] for line in state["transcript"])


def test_a_system_that_keeps_the_call_is_where_it_ends(tmp_path):
    state = pressed(tmp_path, "1")
    assert state["endpoint"]["kind"] == "transfer" and state["endpoint"]["human"] is False
    assert state["outcome"]["kind"] == "system"
