"""The call engine: every node kind and caller event, with simulated time checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ivr.actions import Dial, Enqueue, Gather, Hangup, Record, Say
from ivr.duration import estimate_seconds as est
from ivr.engine import REACTION_SECONDS, Call, CallOver, SimulatedClock
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.phrases import phrase
from ivr.queueing import expected_wait

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=JAKARTA)  # office hours
MONDAY_21 = datetime(2026, 11, 23, 21, 0, tzinfo=JAKARTA)  # closed

MENU = """\
hotline:
  name: Engine test line
  languages: [en, id]
  timezone: Asia/Jakarta
  hours:
    office: {mon-fri: "08:00-17:00"}
defaults:
  timeout: 5
  retries: 2
  on_fail: agent
start: welcome
nodes:
  welcome:
    say: {en: "Welcome to the test line.", id: "Selamat datang."}
    next: main
  main:
    menu:
      prompt:
        en: "For billing, press 1. For support, press 2. For an agent, press 0."
        id: "Untuk tagihan, tekan 1. Untuk bantuan, tekan 2. Untuk agen, tekan 0."
      options:
        "1": {goto: account, say: [billing, bill, tagihan]}
        "2": {goto: support, say: [support, technical help, bantuan]}
        "0": {goto: agent, say: [agent, operator, agen]}
        "9": {goto: main, lang: id, say: [indonesia]}
  account:
    input:
      prompt: {en: "Enter your account number, then press hash.", id: "Masukkan nomor rekening."}
      var: account
      digits: {min: 4, max: 6}
      finish_on: "#"
      retries: 1
      on_fail: bye
    next: check
  check:
    branch:
      - {when: {equals: {account: "9999"}}, goto: vip}
      - {when: {var: account}, goto: billing}
      - {goto: bye}
  billing:
    queue:
      name: billing
      agents: 5
      handle_time: 300
      calls_per_hour: 30
      hours: office
      announce_wait: true
      callback: true
      hold: message
      message: {en: "Thanks for holding.", id: "Terima kasih."}
      after_hours: voicemail
  vip:
    transfer: {to: "+62 21 555 0101", ring: 12, prompt: "Connecting you to your banker."}
  support:
    branch:
      - {when: {hours: office, lang: id}, goto: support_id}
      - {when: {hours: office}, goto: support_menu}
      - {goto: closed}
  support_menu:
    menu:
      prompt: "For internet, press 1. For the main menu, press star."
      options:
        "1": internet
        "*": main
      retries: 1
      on_timeout: main
      on_invalid: support_help
  support_help:
    say: "Only 1 and star work here."
    next: support_menu
  internet:
    transfer: {to: "+62 21 555 0199", human: false, ring: 3}
  support_id:
    queue: {name: support-id, wait: 45}
  closed:
    say: "We are closed."
    next: voicemail
  voicemail:
    record: {prompt: "Leave a message after the tone.", max_length: 60, next: bye}
  bye:
    hangup: {say: {en: "Goodbye.", id: "Sampai jumpa."}}
  agent:
    queue: {name: care, agents: 2, handle_time: 300, calls_per_hour: 30, hours: office}
"""

WELCOME = "Welcome to the test line."
MAIN = "For billing, press 1. For support, press 2. For an agent, press 0."
ACCOUNT = "Enter your account number, then press hash."
SUPPORT = "For internet, press 1. For the main menu, press star."


@pytest.fixture(scope="module")
def menu(tmp_path_factory: pytest.TempPathFactory) -> Menu:
    path = tmp_path_factory.mktemp("engine") / "line.yaml"
    path.write_text(MENU, encoding="utf-8")
    return load_menu(path)


def started(menu: Menu, at: datetime = MONDAY_10, **kwargs) -> Call:
    call = Call(menu, at=at, **kwargs)
    call.start()
    return call


def ivr_lines(call: Call) -> list[str]:
    return [line.text for line in call.transcript if line.who == "ivr"]


# -- start, say, menus -------------------------------------------------------------------


def test_start_says_the_greeting_and_waits_at_the_first_menu(menu: Menu) -> None:
    call = Call(menu, at=MONDAY_10)
    actions = call.start().actions
    assert actions[0] == Say(WELCOME, "en", "welcome")
    gather = actions[1]
    assert isinstance(gather, Gather)
    assert (gather.node, gather.timeout, gather.num_digits) == ("main", 5.0, 1)
    assert gather.prompts == (Say(MAIN, "en", "main"),)
    assert set(gather.hints) >= {"billing", "agent", "indonesia"}
    assert call.waiting_node.id == "main" and not call.ended
    assert call.outcome.kind == "waiting"
    assert call.elapsed == est(WELCOME)  # the menu prompt plays while the call waits


def test_single_key_chooses_an_option(menu: Menu) -> None:
    call = started(menu)
    call.press("1")
    assert call.node == "account"
    assert call.elapsed == round(est(WELCOME) + est(MAIN) + REACTION_SECONDS, 2)


def test_several_keys_at_once_are_typed_ahead(menu: Menu) -> None:
    call = started(menu)
    call.press("11234#")
    assert call.path == ["welcome", "main", "account", "check", "billing"]
    assert call.variables == {"account": "1234"}
    assert [line.text for line in call.transcript if line.who == "caller"] == [
        "pressed 11234#",
        "typed ahead 1234#",
    ]
    # the expert does not wait for the input prompt: it is interrupted
    assert call.elapsed == round(
        est(WELCOME)
        + est(MAIN)
        + 2 * REACTION_SECONDS
        + est(phrase("wait_short", "en"))
        + est(phrase("callback", "en")),
        2,
    )


def test_unknown_key_is_invalid_and_reprompts(menu: Menu) -> None:
    call = started(menu)
    call.press("7")
    assert call.node == "main" and call.failures == {"main": 1}
    assert ivr_lines(call)[-2:] == [phrase("invalid", "en"), MAIN]


# -- speech ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said, node",
    [
        ("billing", "account"),
        ("BILLING please", "account"),
        ("I need technical help", "support_menu"),
        ("Ágent!", "agent"),
        ("operator", "agent"),
        ("one", "account"),
        ("press two", "support_menu"),
        ("0", "agent"),
    ],
)
def test_speech_matches_phrases_and_digit_words(menu: Menu, said: str, node: str) -> None:
    call = started(menu)
    call.speak(said)
    assert call.path[-1] == node


def test_speech_that_matches_nothing_is_invalid(menu: Menu) -> None:
    call = started(menu)
    call.speak("bananas")
    assert call.node == "main" and call.failures == {"main": 1}
    assert [line.text for line in call.transcript if line.who == "caller"] == ['said "bananas"']


def test_speech_in_the_chosen_language(menu: Menu) -> None:
    call = started(menu)
    call.press("9")
    call.speak("tagihan")
    assert call.lang == "id" and call.node == "account"
    call.speak("satu dua tiga empat")
    assert call.variables == {"account": "1234"}


# -- silence, retries, on_fail, on_timeout, on_invalid --------------------------------------


def test_three_silences_with_two_retries_go_to_on_fail(menu: Menu) -> None:
    call = started(menu)
    call.silence()
    call.silence()
    assert call.node == "main" and call.failures == {"main": 2}
    call.silence()
    assert call.path == ["welcome", "main", "main", "main", "agent"]
    assert call.outcome.kind == "human" and call.outcome.node == "agent"
    no_input = phrase("no_input", "en")
    assert ivr_lines(call) == [WELCOME, MAIN, no_input, MAIN, no_input, MAIN]
    assert call.transcript[-2].text == "retries used up, going to agent"
    assert call.elapsed == round(est(WELCOME) + 3 * (est(MAIN) + 5) + 2 * est(no_input), 2)


def test_a_good_answer_resets_the_retry_count(menu: Menu) -> None:
    call = started(menu)
    call.silence()
    call.silence()
    call.press("2")
    call.press("*")
    assert call.node == "main" and call.failures == {}
    call.silence()
    assert call.failures == {"main": 1}


def test_on_timeout_routes_silence_elsewhere(menu: Menu) -> None:
    call = started(menu)
    call.press("2")
    call.silence()
    assert call.path[-2:] == ["support_menu", "main"]
    assert ivr_lines(call)[-2:] == [phrase("no_input", "en"), MAIN]


def test_on_invalid_routes_bad_keys_elsewhere_then_on_fail(menu: Menu) -> None:
    call = started(menu)
    call.press("2")
    call.press("5")
    assert call.path[-3:] == ["support_menu", "support_help", "support_menu"]
    call.press("5")  # retries: 1, so the second failure goes to on_fail
    assert call.path[-1] == "agent" and call.outcome.kind == "human"


def test_without_on_fail_the_call_is_hung_up_politely(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MENU.replace("  on_fail: agent\n", ""), encoding="utf-8")
    call = started(load_menu(path))
    for _ in range(3):
        call.silence()
    assert call.outcome.kind == "hangup"
    assert call.outcome.detail == "retries used up and no on_fail"
    assert ivr_lines(call)[-1] == phrase("fail_goodbye", "en")


# -- input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keys, ok",
    [
        ("1234#", True),
        ("123456#", True),
        ("123456", True),  # max digits reached: no need for the finish key
        ("12#", False),  # too few
        ("1234567#", False),  # too many
        ("12*4#", False),  # not digits
    ],
)
def test_input_checks_the_number_of_digits(menu: Menu, keys: str, ok: bool) -> None:
    call = started(menu)
    call.press("1")
    call.press(keys)
    if ok:
        assert call.variables == {"account": keys.rstrip("#")}
        assert call.path[-2:] == ["check", "billing"]
    else:
        assert call.variables == {} and call.node == "account"
        assert ivr_lines(call)[-2:] == [phrase("invalid", "en"), ACCOUNT]


def test_input_failures_go_to_its_own_on_fail(menu: Menu) -> None:
    call = started(menu)
    call.press("1")
    call.press("1#")
    call.press("2#")
    assert call.path[-1] == "bye" and call.outcome.kind == "hangup"


def test_input_gather_carries_digits_and_finish_key(menu: Menu) -> None:
    call = started(menu)
    gather = call.press("1").actions[-1]
    assert isinstance(gather, Gather)
    assert (gather.node, gather.num_digits, gather.finish_on) == ("account", 6, "#")


# -- branch ----------------------------------------------------------------------------------


def test_branch_on_a_variable_value(menu: Menu) -> None:
    call = started(menu)
    call.press("1")
    call.press("9999#")
    assert call.path[-2:] == ["check", "vip"]
    assert call.transcript[-3].text == "branch: account=9999 -> vip"


def test_branch_on_hours_uses_the_hotline_timezone(menu: Menu) -> None:
    # 02:30 UTC is 09:30 in Jakarta (open); 11:00 UTC is 18:00 there (closed)
    early = started(menu, at=datetime(2026, 11, 23, 2, 30, tzinfo=UTC))
    early.press("2")
    assert early.path[-1] == "support_menu"
    late = started(menu, at=datetime(2026, 11, 23, 11, 0, tzinfo=UTC))
    late.press("2")
    assert late.path[-4:] == ["support", "closed", "voicemail", "bye"]


def test_naive_times_are_the_hotline_local_time(menu: Menu) -> None:
    call = started(menu, at=datetime(2026, 11, 23, 9, 30))
    call.press("2")
    assert call.path[-1] == "support_menu"


def test_an_injected_clock_drives_the_schedule(menu: Menu) -> None:
    clock = SimulatedClock(datetime(2026, 11, 23, 16, 59, 50, tzinfo=JAKARTA))
    call = Call(menu, clock=clock)
    call.start()
    assert clock.elapsed == est(WELCOME)
    call.press("2")  # by now it is past 17:00: the branch sees the moved clock
    assert call.path[-4:] == ["support", "closed", "voicemail", "bye"]
    assert clock.now() > datetime(2026, 11, 23, 17, 0, tzinfo=JAKARTA)


def test_branch_on_language(menu: Menu) -> None:
    call = started(menu)
    call.press("9")
    call.press("2")
    assert call.lang == "id" and call.path[-1] == "support_id"


# -- queues ------------------------------------------------------------------------------------


def test_open_queue_announces_wait_and_call_back(menu: Menu) -> None:
    call = started(menu)
    call.press("1")
    actions = call.press("1234#").actions
    enqueue = actions[-1]
    assert isinstance(enqueue, Enqueue)
    billing = menu.nodes["billing"]
    assert enqueue == Enqueue(
        "billing", "billing", expected_wait(billing), True, "message", "Thanks for holding.", "en"
    )
    assert ivr_lines(call)[-2:] == [phrase("wait_short", "en"), phrase("callback", "en")]
    assert call.outcome.kind == "human" and call.outcome.wait == expected_wait(billing)
    assert call.ended


def test_overloaded_queue_waits_forever(menu: Menu) -> None:
    call = started(menu)
    call.press("0")
    # 2 agents for 2.5 erlangs: callers hang up after 180 s on hold on average (the default
    # patience), so those answered wait about 51 s (Erlang A) instead of forever
    assert call.outcome.kind == "human" and call.outcome.wait == pytest.approx(50.9, abs=0.1)
    assert call.outcome.describe() == (
        f'ended at human "agent" (queue "care") after {call.elapsed:.1f} s; estimated wait for '
        f"an agent: {call.outcome.wait:.1f} s"
    )


def test_closed_queue_takes_its_after_hours_route(menu: Menu) -> None:
    call = started(menu, at=MONDAY_21)
    call.press("1")
    call.press("1234#")
    assert call.path[-3:] == ["billing", "voicemail", "bye"]
    assert call.transcript[-5].text == 'queue "billing" is closed now'


def test_closed_queue_without_after_hours_says_so_and_hangs_up(menu: Menu) -> None:
    call = started(menu, at=MONDAY_21)
    call.press("0")
    assert call.outcome.kind == "hangup" and call.outcome.detail == 'queue "care" closed'
    assert ivr_lines(call)[-1] == phrase("closed_goodbye", "en")


def test_queue_with_a_fixed_wait(menu: Menu) -> None:
    call = started(menu)
    call.press("9")
    actions = call.press("2").actions
    assert isinstance(actions[-1], Enqueue) and actions[-1].estimated_wait == 45
    assert actions[-1].lang == "id"


# -- transfer, record, hang-up ---------------------------------------------------------------


def test_transfer_rings_then_a_person_answers(menu: Menu) -> None:
    call = started(menu)
    call.press("1")
    before = call.elapsed
    actions = call.press("9999#").actions
    assert Dial("vip", "+62 21 555 0101", 12.0, True) in actions
    assert call.outcome.kind == "human" and call.outcome.detail == "transfer to +62 21 555 0101"
    prompt = "Connecting you to your banker."
    assert call.elapsed == round(before + est(ACCOUNT) + REACTION_SECONDS + est(prompt) + 12, 2)


def test_transfer_to_another_system_is_not_a_person(menu: Menu) -> None:
    call = started(menu)
    call.press("2")
    call.press("1")
    assert call.outcome.kind == "system" and call.outcome.node == "internet"


def test_record_then_next(menu: Menu) -> None:
    call = started(menu, at=MONDAY_21)
    actions = call.press("2").actions
    kinds = [type(action).__name__ for action in actions]
    assert kinds == ["Say", "Say", "Record", "Say", "Hangup"]
    assert actions[2] == Record("voicemail", 60.0)
    assert actions[-1] == Hangup("bye")
    assert call.outcome.kind == "voicemail" and call.outcome.node == "voicemail"
    assert ivr_lines(call)[-3:] == ["We are closed.", "Leave a message after the tone.", "Goodbye."]


def test_hangup_node_ends_the_call(menu: Menu) -> None:
    call = started(menu)
    call.press("1")
    call.press("1#")
    call.press("1#")
    assert call.outcome.kind == "hangup" and call.outcome.node == "bye"
    assert call.ended and call.waiting_node is None
    with pytest.raises(CallOver):
        call.press("1")


def test_caller_hangs_up(menu: Menu) -> None:
    call = started(menu)
    actions = call.hangup().actions
    assert actions == (Hangup("main"),)
    assert call.outcome.kind == "caller-hangup" and call.ended
    assert call.transcript[-1].text == "(hung up)"


# -- language switch and the whole time line -------------------------------------------------


def test_language_switch_changes_every_later_prompt(menu: Menu) -> None:
    call = started(menu)
    call.press("9")
    call.press("1")
    call.silence()
    assert ivr_lines(call)[2:] == [
        "Untuk tagihan, tekan 1. Untuk bantuan, tekan 2. Untuk agen, tekan 0.",
        "Masukkan nomor rekening.",
        phrase("no_input", "id"),
        "Masukkan nomor rekening.",
    ]


def test_elapsed_is_the_sum_of_the_estimated_durations(menu: Menu) -> None:
    call = started(menu, at=MONDAY_21)
    call.press("2")  # support -> closed -> voicemail -> bye
    expected = (
        est(WELCOME)
        + est(MAIN)
        + REACTION_SECONDS
        + est("We are closed.")
        + est("Leave a message after the tone.")
        + est("Goodbye.")
    )
    assert call.elapsed == round(expected, 2)
    assert call.transcript[-1].seconds == call.elapsed
    seconds = [line.seconds for line in call.transcript]
    assert seconds == sorted(seconds)


def test_snapshot_and_resume_carry_the_call_on(menu: Menu) -> None:
    call = started(menu)
    call.press("9")
    call.press("1")
    call.press("12#")
    state = call.snapshot()
    assert state["node"] == "account" and state["lang"] == "id"
    assert state["failures"] == {"account": 1}
    again = Call.resume(
        menu,
        state["node"],
        lang=state["lang"],
        variables=state["variables"],
        failures=state["failures"],
        at=MONDAY_10,
    )
    again.press("34#")  # the second failure with retries 1 goes to on_fail
    assert again.path == ["account", "bye"]
    with pytest.raises(KeyError):
        Call.resume(menu, "billing")


@pytest.mark.parametrize(
    ("seconds", "wanted"),
    [
        (30, "Your estimated wait is under a minute."),
        (70, "Your estimated wait is about one minute."),
        (600, "Your estimated wait is about 10 minutes."),
    ],
)
def test_announced_wait_reads_naturally(seconds: float, wanted: str) -> None:
    from ivr.engine import queue_announcements
    from ivr.model import Location, QueueNode

    queue = QueueNode("q", Location("m.yaml", 1, 1), wait=seconds, announce_wait=True)
    assert queue_announcements(queue, "en") == [wanted]
