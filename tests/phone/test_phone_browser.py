"""The browser phone in a real headless Chromium, against the app on a real server.

Every test runs at phone width (375 px) and at desktop width, saves a
screenshot of each step under ``test-artifacts/phone/`` and fails on any
console error.
"""

from __future__ import annotations

import pytest
from browser_support import expect
from phone_support import ROOT, WEEKDAY_10AM

pytestmark = pytest.mark.browser

COLD_ROUTE = [
    ("2", "main", "Press 1 for product information"),
    ("4", "service", "Press 1 for order status"),
    ("2", "complaints", "Press 1 for electronics"),
    ("1", "agents", "All our agents are busy"),
]
COLD_TAKEN = {
    ("welcome", "language"),
    ("language", "main"),
    ("main", "service"),
    ("service", "complaints"),
    ("complaints", "agents"),
}


def open_phone(tab, server: str, menu: str, query: str = "") -> None:
    tab.page.goto(f"{server}/phone/{menu}{query}")
    expect(tab.page.locator("#app")).to_have_attribute("data-state", "idle")


def wait_for(tab, state: str) -> None:
    expect(tab.page.locator("#app")).to_have_attribute("data-state", state)


def taken_edges(page) -> set[tuple[str, str]]:
    edges = page.eval_on_selector_all(
        "#tree .edge.taken", "els => els.map(e => [e.dataset.from, e.dataset.to])"
    )
    return {tuple(edge) for edge in edges}


def assert_fits(page) -> None:
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


def assert_cold_queue_reached(tab) -> None:
    page = tab.page
    expect(page.locator("#node")).to_have_text("agents")
    expect(page.locator("#queue")).to_be_visible()
    expect(page.locator("#queue-name")).to_have_text("complaints")
    # Erlang A, 3 agents for 10 erlangs, callers holding 180 s on average: those answered
    # wait 145 s on average (most give up first).
    expect(page.locator("#queue-wait")).to_have_text("about 2 min (145 s)")
    expect(page.locator("#elapsed")).to_have_text("40.9")
    expect(page.locator("#queue-elapsed")).to_have_text("40.9")
    expect(page.locator("#outcome")).to_contain_text('ended at human "agents"')
    expect(page.locator("#tree .node.current")).to_have_attribute("data-node", "agents")
    assert taken_edges(page) == COLD_TAKEN
    expect(page.locator(".key").first).to_be_disabled()
    assert_fits(page)
    assert tab.errors == []


def test_caller_clicks_through_the_cold_line_to_its_queue(tab, server):
    page = tab.page
    open_phone(tab, server, "acme-cold", f"?at={WEEKDAY_10AM}")
    tab.shot("ready")
    page.click("#call")
    wait_for(tab, "waiting")
    expect(page.locator("#node")).to_have_text("language")
    expect(page.locator("#prompt")).to_contain_text("Untuk Bahasa Indonesia, tekan 1.")
    expect(page.locator("#clock")).to_contain_text("Mon 2026-11-23 10:00")
    expect(page.locator("#countdown")).to_be_visible()
    expect(page.locator("#tree .node.current")).to_have_attribute("data-node", "language")
    tab.shot("language-menu")
    for key, node, prompt in COLD_ROUTE:
        page.click(f'.key[data-key="{key}"]')
        expect(page.locator("#node")).to_have_text(node)
        expect(page.locator("#prompt")).to_contain_text(prompt)
        tab.shot(f"pressed-{key}-{node}")
    expect(page.locator("#lang")).to_have_text("English (en)")
    expect(page.locator("#transcript")).to_contain_text("pressed 4")
    expect(page.locator("#countdown")).to_be_hidden()
    assert_cold_queue_reached(tab)


def test_keyboard_only_caller_reaches_the_cold_queue(tab, server):
    page = tab.page
    open_phone(tab, server, "acme-cold", f"?at={WEEKDAY_10AM}")
    page.keyboard.press("Enter")
    wait_for(tab, "waiting")
    tab.shot("called-with-enter")
    for key, node, _ in COLD_ROUTE:
        page.keyboard.press(key)
        expect(page.locator("#node")).to_have_text(node)
        tab.shot(f"typed-{key}-{node}")
    assert_cold_queue_reached(tab)
    expect(page.locator("#call")).to_be_focused()


def test_keyboard_caller_enters_digits_and_hears_a_finite_wait(tab, server):
    page = tab.page
    open_phone(tab, server, "acme-hot", f"?at={WEEKDAY_10AM}")
    page.keyboard.press("Enter")
    wait_for(tab, "waiting")
    page.keyboard.press("1")
    expect(page.locator("#node")).to_have_text("orders")
    page.keyboard.press("1")
    expect(page.locator("#node")).to_have_text("order_status")
    page.keyboard.type("1234")
    expect(page.locator("#digits")).to_have_text("Typed: 1234")
    tab.shot("typing-order-number")
    page.keyboard.type("5678#")
    expect(page.locator("#node")).to_have_text("order_care")
    # Erlang A for 6 agents, 60 calls an hour, 240 s calls, 180 s patience: callers who are
    # answered wait 7.9 s on average.
    expect(page.locator("#queue-wait")).to_have_text("under a minute (8 s)")
    expect(page.locator("#prompt")).to_contain_text("Perkiraan waktu tunggu Anda kurang dari")
    tab.shot("queued")
    assert tab.errors == []


def test_no_input_countdown_sends_silence_then_skip_waiting(tab, server):
    page = tab.page
    # The page's timers run on Playwright's clock, stopped: the test moves time on itself.
    page.clock.install()
    open_phone(tab, server, "acme-cold", f"?at={WEEKDAY_10AM}")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.click("#call")
    wait_for(tab, "waiting")
    countdown = page.locator("#countdown-seconds")
    expect(countdown).to_have_text("5.0")
    page.clock.run_for(2000)
    expect(countdown).to_have_text("3.0")
    expect(page.locator("#transcript")).not_to_contain_text("silence")
    tab.shot("counting-down")
    # The language menu's timeout is 5 s: after it, the page itself sends the silence.
    page.clock.run_for(2900)
    expect(countdown).to_have_text("0.1")
    expect(page.locator("#transcript")).not_to_contain_text("silence")
    page.clock.run_for(100)
    expect(page.locator("#transcript")).to_contain_text("(silence, 5 s)")
    expect(page.locator("#status")).to_contain_text("attempt 2 of 3")
    expect(page.locator("#prompt")).to_contain_text("Maaf, kami tidak mendengar apa pun.")
    tab.shot("reprompted")
    page.click("#skip")
    expect(page.locator("#status")).to_contain_text("attempt 3 of 3")
    page.click("#skip")
    # Retries used up: the cold line hangs up on the caller (its on_fail is goodbye).
    wait_for(tab, "ended")
    expect(page.locator("#outcome")).to_contain_text('ended at hangup "goodbye"')
    expect(page.locator("#elapsed")).to_have_text("47.9")
    tab.shot("hung-up-on")
    assert tab.errors == []


def test_speak_box_and_hang_up(tab, server):
    page = tab.page
    open_phone(tab, server, "acme-hot", f"?at={WEEKDAY_10AM}")
    page.click("#call")
    wait_for(tab, "waiting")
    page.fill("#speak-text", "english")
    page.click("#speak-button")
    expect(page.locator("#lang")).to_have_text("English (en)")
    expect(page.locator("#prompt")).to_contain_text("For an agent, press 0.")
    expect(page.locator("#transcript")).to_contain_text('said "english"')
    tab.shot("spoke-english")
    page.click("#hangup")
    wait_for(tab, "ended")
    expect(page.locator("#outcome")).to_contain_text('ended at caller-hangup "main"')
    expect(page.locator("#call")).to_have_text("Call again")
    tab.shot("hung-up")
    assert tab.errors == []


def test_prompt_with_script_is_shown_as_text_and_never_runs(tab, server):
    page = tab.page
    open_phone(tab, server, "script-prompt")
    expect(page.locator("h1")).to_have_text("<script>window.__pwned = 'name'</script> Evil line")
    page.click("#call")
    wait_for(tab, "waiting")
    expect(page.locator("#prompt")).to_contain_text("<script>window.__pwned = 'prompt'</script>")
    expect(page.locator("#prompt")).to_contain_text("<img src=x onerror=")
    page.click('.key[data-key="1"]')
    wait_for(tab, "ended")
    expect(page.locator("#prompt")).to_have_text("<b>Connecting</b> you.")
    expect(page.locator("#transcript")).to_contain_text("<script>window.__pwned = 'prompt'")
    tab.shot("markup-as-text")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#prompt img, #transcript img, #prompt b").count() == 0
    assert tab.errors == []


def cold_headline() -> dict[str, str]:
    """The cold line's headline figures as the auditor gives them (the index must show them)."""
    from audit.reports.common import headline
    from audit.run import audit_menu
    from ivr.loader import load_menu

    return headline(audit_menu(load_menu(ROOT / "menus" / "acme-cold.yaml")))


def test_menu_list_links_to_phone_and_audit(tab, server):
    page = tab.page
    page.goto(server + "/")
    row = page.locator('tr[data-menu="acme-cold"]')
    expect(row).to_contain_text("ACME Indonesia customer care (cold line)")
    expect(row.locator(".temperature")).to_have_text("frozen")
    expect(row).to_contain_text(cold_headline()["first_time"])
    expect(page.locator('tr[data-menu="acme-hot"] .temperature')).to_have_text("hot")
    expect(page.locator('tr[data-menu="broken"]')).to_contain_text('unknown node "biling"')
    expect(page.locator('tr[data-menu="script-prompt"]')).to_contain_text("<script>")
    tab.shot("menu-list")
    assert_fits(page)
    row.get_by_role("link", name="Phone").click()
    expect(page.locator("h1")).to_have_text("ACME Indonesia customer care (cold line)")
    expect(page.locator(".designed")).to_contain_text("frozen")
    page.click("#audit-link")
    expect(page.locator("h1")).to_contain_text("Audit of ACME Indonesia customer care")
    expect(page.locator("#headline")).to_contain_text("4 menus")
    report = page.frame_locator("#audit-report")
    expect(report.locator("body")).to_contain_text("IVR110")
    expect(report.locator("body")).to_contain_text("forced-language-menu")
    tab.shot("audit")
    assert_fits(page)
    page.goto(server + "/audit/script-prompt")
    expect(page.frame_locator("#audit-report").locator("body")).to_contain_text(
        "<script>window.__pwned = 'name'</script> Evil line"
    )
    tab.shot("audit-of-markup")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert tab.errors == []


def test_escape_hangs_up_and_a_bad_call_time_is_explained(tab, server):
    page = tab.page
    open_phone(tab, server, "acme-cold", "?at=yesterday&lang=en")
    expect(page.locator("#start-lang")).to_have_value("en")
    page.keyboard.press("Enter")
    expect(page.locator("#error")).to_contain_text('"at" is not a time like 2026-11-23T10:00')
    wait_for(tab, "idle")
    tab.shot("bad-time")
    page.fill("#at", WEEKDAY_10AM)
    page.click("#call")
    wait_for(tab, "waiting")
    expect(page.locator("#prompt")).to_contain_text("Thank you for calling ACME.")
    page.keyboard.press("Escape")
    wait_for(tab, "ended")
    expect(page.locator("#outcome")).to_contain_text('ended at caller-hangup "language"')
    tab.shot("hung-up-with-escape")
    # The refused start is the only thing the console reports (the browser logs the 400).
    assert [error for error in tab.errors if "400" not in error] == []
    assert len(tab.errors) <= 1
