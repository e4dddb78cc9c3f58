"""The HTTP caller behaves as Twilio does, against apps that ivr did not write."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from ivr.cli import main
from ivr.duration import estimate_seconds
from ivr.engine import REACTION_SECONDS
from ivr.twiml_caller import (
    DEFAULT_RING,
    TwimlCaller,
    hang_up,
    press,
    silence,
    split_keys,
    urllib_transport,
)

WELCOME = (
    "Thanks for calling the Phone Home Service. For directions, press 1. "
    "For a list of planets to call, press 2."
)
PLANETS = (
    "To call the planet Brodo Asogi, press 2. To call Dagobah, press 3. "
    "To go back to the main menu, press the star key."
)


def xml(text: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/xml"}, text.encode()


def test_keys_are_split_the_way_each_gather_collects_them(session_app):
    result = TwimlCaller(f"{session_app}/voice").call([press("21234")])
    assert result.reached == "dial:+15005550006", result.transcript
    assert any(
        "pressed 21234 (sent Digits=2, 1234 typed ahead)" in line for line in result.transcript
    )
    assert any("pressed 1234 (sent Digits=1234)" in line for line in result.transcript)


@pytest.mark.parametrize(
    ("keys", "num_digits", "finish_on", "expected"),
    [
        ("23", 1, "#", ("2", "3", True)),
        ("12#34", None, "#", ("12", "34", True)),
        ("12", None, "#", ("12", "", False)),
        ("#", None, "#", ("", "", True)),
        ("1234", 4, "", ("1234", "", True)),
        ("12*", 3, "*", ("12", "", True)),
    ],
)
def test_split_keys_follows_num_digits_and_finish_on_key(keys, num_digits, finish_on, expected):
    assert split_keys(keys, num_digits, finish_on) == expected


def test_the_session_cookie_is_kept_within_a_call_and_not_across_calls(session_app):
    caller = TwimlCaller(f"{session_app}/voice")
    first = caller.call([press("1")])
    assert first.reached == "queue:sales", first.transcript
    second = caller.call([press("2"), press("9876")])
    assert second.reached == "dial:+15005550006"
    assert "Welcome to Orbit Shop" in second.transcript[0], second.transcript


def test_a_lower_case_attribute_is_ignored_as_twilio_ignores_it(phone_tree_app):
    # numdigits="1" is not numDigits: the Gather waits for '#' or its timeout, so "2" and
    # then "3" reach the planets menu only as one entry "23", which the app does not know.
    result = TwimlCaller(f"{phone_tree_app}/ivr/welcome").call([press("23")])
    assert 'attribute "numdigits" is not "numDigits": Twilio ignores it' in result.warnings[0]
    assert any("sent Digits=23" in line for line in result.transcript)
    assert result.reached is None


def test_times_add_up_to_the_seconds_to_a_person(phone_tree_app):
    result = TwimlCaller(f"{phone_tree_app}/ivr/welcome").call([press("2#"), press("3")])
    assert result.reached == "dial:+12027336386", result.transcript
    expected = (
        estimate_seconds(WELCOME)
        + REACTION_SECONDS
        + estimate_seconds(PLANETS)
        + REACTION_SECONDS
        + estimate_seconds("Connecting you to your planet.")
        + DEFAULT_RING
    )
    assert result.seconds_to_person == pytest.approx(expected, abs=0.11)
    assert "[    0.0 s] IVR: Thanks for calling" in result.transcript[1]


def test_silence_at_a_gather_without_fallback_ends_the_call_without_a_word(phone_tree_app):
    result = TwimlCaller(f"{phone_tree_app}/ivr/welcome").call([silence()])
    assert result.end == "silent-end"
    assert result.seconds == pytest.approx(estimate_seconds(WELCOME) + 5, abs=0.11)
    assert "Twilio hangs up without a word" in result.transcript[-1]


@pytest.mark.parametrize(
    ("status", "said", "reached"),
    [
        ("completed", None, "dial:+12024173378"),
        ("no-answer", "Nobody answered. Goodbye.", None),
        ("busy", "Nobody answered. Goodbye.", None),
    ],
)
def test_a_dial_ends_as_scripted(phone_tree_app, status, said, reached):
    caller = TwimlCaller(f"{phone_tree_app}/ivr/welcome", dial_status=status)
    result = caller.call([press("2#"), press("2")])
    assert result.reached == reached
    assert result.end == "hangup"
    if said:
        assert any(said in line for line in result.transcript)
        assert result.seconds_to_person is None


def test_a_301_turns_the_post_into_a_get_without_the_form_and_says_so(phone_tree_app):
    result = TwimlCaller(f"{phone_tree_app}/old-number").call([press("1#")])
    hop = f"HTTP 301 redirect to {phone_tree_app}/ivr/welcome: GET, the form is not sent again"
    assert any(hop in line for line in result.transcript)
    assert any("get on your bike" in line for line in result.transcript)
    assert result.end == "hangup"


def test_a_307_keeps_the_method_and_the_form(quirk_server):
    base = quirk_server(
        {
            "/start": lambda *_: (307, {"Location": "/twiml"}, b""),
            "/twiml": lambda method, _path, body: xml(
                f"<Response><Say>{method} {'CallSid=' in body}</Say></Response>"
            ),
        }
    )
    result = TwimlCaller(f"{base}/start").call()
    assert any("IVR: POST True" in line for line in result.transcript)
    assert any(
        "HTTP 307 redirect" in line and "with the form" in line for line in result.transcript
    )


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((308, {"Location": "/twiml"}, b""), "HTTP 308 from"),
        ((302, {}, b""), "HTTP 302 without a Location header"),
        ((300, {"Location": "/twiml"}, b""), "HTTP 300 from"),
    ],
)
def test_a_redirect_twilio_does_not_follow_is_error_11216(quirk_server, answer, error):
    base = quirk_server({"/start": lambda *_: answer})
    result = TwimlCaller(f"{base}/start").call()
    assert result.end == "bad-redirect" and result.failed
    assert error in result.error and "11216" in result.error


def test_a_redirect_loop_is_error_11215(quirk_server):
    base = quirk_server(
        {
            "/a": lambda *_: (302, {"Location": "/b"}, b""),
            "/b": lambda *_: (302, {"Location": "/a"}, b""),
        }
    )
    result = TwimlCaller(f"{base}/a").call()
    assert result.end == "bad-redirect" and "11215" in result.error
    assert result.requests == 11


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"Welcome! Please log in.", "text/plain", "is not TwiML (text/plain"),
        (b"<html><body><form>Login</form></body></html>", "text/html", "is <html>, not <Response>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Response><Say>&b;</Say></Response>',
            "text/xml",
            "is not TwiML",
        ),
    ],
    ids=["plain-text", "login-page", "entity-bomb"],
)
def test_an_answer_that_is_not_twiml_is_reported_with_what_came_back(
    quirk_server, body, content_type, error
):
    base = quirk_server({"/voice": lambda *_: (200, {"Content-Type": content_type}, body)})
    result = TwimlCaller(f"{base}/voice").call()
    assert result.end == "bad-twiml"
    assert error in result.error


def test_a_server_that_streams_forever_is_cut_off(quirk_server):
    def forever(out):
        out.write(b"<Response><Say>")
        while True:
            out.write(b"la " * 1000)
            out.flush()

    base = quirk_server({"/voice": lambda *_: (200, {"Content-Type": "text/xml"}, forever)})
    result = TwimlCaller(f"{base}/voice").call()
    assert result.end == "unreachable" and "64 KB" in result.error


def test_a_server_that_never_answers_times_out(quirk_server):
    def slow(*_):
        time.sleep(5)
        return xml("<Response/>")

    base = quirk_server({"/voice": slow})
    started = time.monotonic()
    result = TwimlCaller(f"{base}/voice", transport=urllib_transport(timeout=0.5)).call()
    assert result.end == "unreachable"
    assert time.monotonic() - started < 3


def test_a_caller_who_hangs_up_ends_the_call(phone_tree_app):
    result = TwimlCaller(f"{phone_tree_app}/ivr/welcome").call([hang_up()])
    assert result.end == "caller-hangup" and result.reached is None


def test_ivr_call_via_needs_no_menu_and_prints_times(phone_tree_app):
    args = ["call", "--via", f"{phone_tree_app}/ivr/welcome", "--press", "2#", "--press", "3"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "[    0.0 s] IVR: Thanks for calling" in result.output
    assert "reached dial:+12027336386" in result.output and "s to a person" in result.output
    busy = CliRunner().invoke(main, [*args, "--dial-status", "busy"])
    assert busy.exit_code == 0 and "reached no person" in busy.output


def test_ivr_call_via_exits_1_and_shows_what_came_back_from_a_non_twiml_page(quirk_server):
    base = quirk_server({"/voice": lambda *_: (200, {"Content-Type": "text/html"}, b"Login")})
    result = CliRunner().invoke(main, ["call", "--via", f"{base}/voice"])
    assert result.exit_code == 1
    assert "not TwiML" in result.output and "Login" in result.output


def test_ivr_call_without_menu_or_via_is_a_usage_error():
    result = CliRunner().invoke(main, ["call", "--press", "1"])
    assert result.exit_code == 2 and "only be left out with --via" in result.output
