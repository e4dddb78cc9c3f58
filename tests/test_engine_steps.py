"""Each caller event returns what it did as data (``ivr.engine.Step``), not only prose."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.actions import Dial, Gather, Hangup
from ivr.commands.listen import where_it_leads
from ivr.engine import Call, SimulatedClock
from ivr.loader import load_menu
from ivr.model import Menu

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("UTC"))

LINE = {
    "hotline": {"name": "Step line", "languages": ["en"]},
    "defaults": {"retries": 1},
    "start": "main",
    "nodes": {
        "main": {
            "menu": {
                "prompt": "For billing, press 1. For an agent, press 0.",
                "options": {
                    "1": {"goto": "account", "say": ["billing", "bill", "help"]},
                    "0": {"goto": "agent", "say": ["agent", "person", "help"]},
                },
            }
        },
        "account": {
            "input": {
                "prompt": "Enter your 4 digit account number.",
                "var": "account",
                "digits": {"min": 4, "max": 4},
                "next": "agent",
            }
        },
        "agent": {"transfer": {"to": "+1 555 0100", "human": True}},
    },
}


def load_spec(spec: dict) -> Menu:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "line.yaml"
        path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        return load_menu(path)


@pytest.fixture(scope="module")
def line() -> Menu:
    return load_spec(LINE)


def test_start_reports_where_the_call_waits(line: Menu) -> None:
    step = Call(line, at=MONDAY_10).start()
    assert (step.kind, step.node, step.node_reached, step.ended) == ("started", None, "main", False)
    assert isinstance(step.actions[-1], Gather)


def test_a_key_reports_the_option_it_matched(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    call.start()
    step = call.press("1")
    assert (step.kind, step.matched, step.node, step.node_reached) == (
        "matched",
        "1",
        "main",
        "account",
    )


def test_keys_typed_ahead_report_the_first_choice_and_the_last_node(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    call.start()
    step = call.press("11234")
    assert (step.kind, step.matched, step.node_reached, step.ended) == (
        "matched",
        "1",
        "agent",
        True,
    )
    assert isinstance(step.actions[-1], Dial)


def test_speech_reports_a_match_or_a_no_match_with_the_retries_used(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    call.start()
    missed = call.speak("the weather please")
    assert (missed.kind, missed.matched, missed.retries_used) == ("no-match", None, 1)
    chosen = call.speak("a person")
    assert (chosen.kind, chosen.matched, chosen.retries_used) == ("matched", "0", 0)


def test_silence_reports_timeout_then_retries_used_up(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    call.start()
    first = call.silence()
    assert (first.kind, first.retries_used, first.node_reached) == ("timeout", 1, "main")
    last = call.silence()  # retries: 1 and no on_fail: the line hangs up
    assert (last.kind, last.retries_used, last.ended) == ("retries-used-up", 2, True)
    assert isinstance(last.actions[-1], Hangup)


def test_an_input_reports_the_digits_it_accepted(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    call.start()
    call.press("1")
    step = call.press("4321")
    assert (step.kind, step.matched, step.node) == ("matched", "4321", "account")


def test_hangup_is_a_step_that_ends_the_call(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    call.start()
    step = call.hangup()
    assert (step.kind, step.ended, step.node_reached) == ("hangup", True, "main")


def test_language_and_clock_are_always_set(line: Menu) -> None:
    call = Call(line, at=MONDAY_10)
    assert call.lang == "en"
    assert isinstance(call.clock, SimulatedClock)
    assert call.clock.now() == MONDAY_10


def test_listen_says_no_match_on_a_last_retry_without_on_fail(line: Menu) -> None:
    call = Call.resume(line, "main", failures={"main": 1})
    start = len(call.path)
    step = call.speak("the weather please")
    said = where_it_leads(step, call.path[start:])
    assert said == "no-match at main (retries used up): the line hangs up"
    call = Call.resume(line, "main")
    start = len(call.path)
    assert where_it_leads(call.speak("billing"), call.path[start:]) == "leads to: account"


# -- names and option order never change a call ------------------------------------------------

EVENTS = st.lists(
    st.sampled_from(
        [
            "press 1",
            "press 0",
            "press 9",
            "press 1234",
            "say bill",
            "say agent",
            "say help",
            "silence",
        ]
    ),
    max_size=6,
)


def renamed(spec: dict, prefix: str) -> dict:
    """The same menu with every node renamed and every option list reversed."""
    nodes = {}
    for name, node in spec["nodes"].items():
        kind, body = next(iter(node.items()))
        body = dict(body)
        if "options" in body:
            options = reversed(list(body["options"].items()))
            body["options"] = {k: {**o, "goto": prefix + o["goto"]} for k, o in options}
        if "next" in body:
            body["next"] = prefix + body["next"]
        nodes[prefix + name] = {kind: body}
    return {**spec, "start": prefix + spec["start"], "nodes": nodes}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=EVENTS)
def test_node_names_and_option_order_never_change_a_call(events: list[str]) -> None:
    spec = {**LINE, "nodes": dict(reversed(list(LINE["nodes"].items())))}
    other_spec = renamed(spec, "z_")
    assert other_spec["start"] == "z_main"
    calls = [Call(load_spec(LINE), at=MONDAY_10), Call(load_spec(other_spec), at=MONDAY_10)]
    results: list[list[tuple]] = [[], []]
    for call, seen in zip(calls, results, strict=True):
        call.start()
        for event in events:
            if call.waiting_node is None:
                break
            verb, _, value = event.partition(" ")
            if verb == "press":
                step = call.press(value)
            elif verb == "say":
                step = call.speak(value)
            else:
                step = call.silence()
            seen.append(
                (step.kind, step.matched, step.node_reached.removeprefix("z_"), call.elapsed)
            )
    assert results[0] == results[1]
