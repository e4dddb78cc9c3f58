"""The phone pages never starve calls: audits cached per menu version, work bounded, a page
never holds up the webhook, and ``PAGES=off`` serves the webhook alone."""

from __future__ import annotations

import os
import threading

import pytest
from web_support import FEATURE_MENU, SID, feature_app, make_app, post

from ivr.web import phone_audit
from ivr.web.calls_first import CallsFirst
from ivr.web.menus import menu_cache
from ivr.web.phone_audit import EXTENSION as AUDITS
from ivr.web.voice import EXTENSION as VOICE
from ivr.web.voice import Answer, AnswerCache


@pytest.fixture
def audits_made(monkeypatch) -> list[str]:
    """The menus the pages audit, in order (the real auditor still runs)."""
    made: list[str] = []
    real = phone_audit.audit_menu

    def counting(menu, **options):
        made.append(menu.name)
        return real(menu, **options)

    monkeypatch.setattr(phone_audit, "audit_menu", counting)
    return made


def test_the_index_audits_each_menu_version_once(tmp_path, audits_made):
    app = feature_app(tmp_path, MENU_CHECK_SECONDS=0)
    (tmp_path / "menus" / "other.yaml").write_text(FEATURE_MENU.read_text())
    client = app.test_client()
    for _ in range(5):
        assert client.get("/").status_code == 200
    assert sorted(audits_made) == ["feature-line", "other"]
    assert client.get("/audit/other").status_code == 200
    assert client.get("/audit/other/report.html").status_code == 200
    assert client.get("/phone/other").status_code == 200
    assert len(audits_made) == 2
    drawn = app.extensions[AUDITS].tree("other", menu_cache(app).get("other"))
    assert client.get("/phone/other").get_data(as_text=True).count(str(drawn)) == 1
    menu_file = tmp_path / "menus" / "other.yaml"
    menu_file.write_text(FEATURE_MENU.read_text().replace("Goodbye.", "Bye."))
    os.utime(menu_file, ns=(3, 3))
    client.get("/")
    assert sorted(audits_made) == ["feature-line", "other", "other"]


def test_a_menu_too_large_for_a_page_is_not_audited_by_it(tmp_path, audits_made):
    app = make_app(tmp_path)
    app.extensions[AUDITS].max_nodes = 10  # acme-hot has 8 nodes, acme-cold 13
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "too large to audit here: run ivr audit on acme-cold" in page
    report = client.get("/audit/acme-cold/report.html").get_data(as_text=True)
    assert "too large to audit in a page" in report
    assert "acme-cold" not in audits_made and "acme-hot" in audits_made
    phone = client.get("/phone/acme-cold").get_data(as_text=True)
    assert "too large to draw here" in phone and "<svg" not in phone
    assert "<svg" in client.get("/phone/acme-hot").get_data(as_text=True)


def test_a_page_at_work_holds_up_no_call(tmp_path, monkeypatch):
    """While a page audits (held here), calls to every menu are answered."""
    app = make_app(tmp_path)
    auditing, release = threading.Event(), threading.Event()
    real = phone_audit.audit_menu

    def slow(menu, **options):
        auditing.set()
        release.wait(60)
        return real(menu, **options)

    monkeypatch.setattr(phone_audit, "audit_menu", slow)
    page = threading.Thread(target=lambda: app.test_client().get("/"))
    page.start()
    try:
        assert auditing.wait(60)
        client = app.test_client()
        for name in ("acme-hot", "acme-cold", "nusantara-bank"):
            assert post(client, f"/voice/{name}").find("Gather") is not None
    finally:
        release.set()
        page.join(60)


def test_pages_off_serves_the_webhook_alone(tmp_path):
    client = make_app(tmp_path, PAGES="off").test_client()
    for path in ("/", "/phone/acme-hot", "/audit/acme-hot", "/audit/acme-hot/report.html"):
        assert client.get(path).status_code == 404, path
    assert client.post("/phone/acme-hot/call", json={}).status_code == 404
    assert post(client, "/voice/acme-hot", CallSid=SID).find("Gather") is not None


def test_the_answer_cache_is_bounded_by_bytes_and_keeps_what_is_used(tmp_path):
    cache = AnswerCache(max_bytes=200_000)
    menu = object()
    long = "x" * 5_000
    for i in range(1_500):
        cache.get(("press", i), menu, lambda: Answer(long, ("main",), "gather", None))
        cache.get(("press", 0), menu, lambda: pytest.fail("a used answer was dropped"))
        assert cache.size <= cache.max_bytes
    assert 10 < len(cache) < 30
    app = feature_app(tmp_path)
    answers = app.extensions[VOICE].answers
    answers.max_bytes = 20_000
    client = app.test_client()
    action = post(client, "/voice/feature-line").find("Gather").get("action")
    for digits in range(60):
        post(client, action, Digits=str(1000 + digits))
    assert 0 < answers.size <= 20_000 and len(answers) < 40


def test_the_menu_list_shows_an_edited_menu_at_once(tmp_path):
    """The list is rendered once per set of menu versions, and again when one changes."""
    client = feature_app(tmp_path, MENU_CHECK_SECONDS=0).test_client()
    assert "Feature line" in client.get("/").get_data(as_text=True)
    menu_file = tmp_path / "menus" / "feature-line.yaml"
    menu_file.write_text(menu_file.read_text().replace("Feature line", "Renamed line"))
    os.utime(menu_file, ns=(5, 5))
    page = client.get("/").get_data(as_text=True)
    assert "Renamed line" in page and "Feature line" not in page
    (tmp_path / "menus" / "other.yaml").write_text(FEATURE_MENU.read_text())
    assert 'data-menu="other"' in client.get("/").get_data(as_text=True)


def test_a_page_waits_for_the_call_being_answered_and_for_the_page_before_it():
    turns = CallsFirst(yield_seconds=60)
    turns.call_began()
    entered = threading.Event()

    def page() -> None:
        turns.page_began()
        entered.set()

    first = threading.Thread(target=page)
    first.start()
    assert not entered.wait(0.2)  # a call is being answered: the page gives way
    turns.call_ended()
    assert entered.wait(10)  # the call is answered: the page goes at once
    entered.clear()
    second = threading.Thread(target=page)
    second.start()
    assert not entered.wait(0.2)  # one page at a time
    turns.page_ended()
    assert entered.wait(10)
    turns.page_ended()
    first.join(10)
    second.join(10)


def test_a_page_gives_way_to_calls_for_a_bounded_time_only():
    turns = CallsFirst(yield_seconds=0.05)
    turns.call_began()  # a call that never ends
    done = threading.Event()
    threading.Thread(target=lambda: (turns.page_began(), done.set())).start()
    assert done.wait(10)  # the page is slowed, never refused
    turns.page_ended()
