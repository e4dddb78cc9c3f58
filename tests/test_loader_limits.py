"""Numbers, text and sizes a real line cannot serve are refused (or warned about) on loading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main as cli
from ivr.linelimits import RANGES
from ivr.loader import check_menu, load_menu

GOOD = """\
hotline:
  name: Test line
  languages: [en]
  promise: {time_to_human: 60}
  voices: {en: {rate: 160}}
defaults:
  timeout: 5
  retries: 2
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1. For your account, press 2. For an agent, press 0."
      timeout: 6
      retries: 1
      options:
        "1": billing
        "2": account
        "0": agent
  account:
    input: {prompt: "Enter your account number.", var: acct, digits: {min: 4, max: 8}}
    next: agent
  billing:
    queue: {agents: 4, handle_time: 300, calls_per_hour: 40, wait: 60, after_hours: voicemail}
  agent:
    transfer: {to: "+44 20 7946 0000", ring: 10}
  voicemail:
    record: {prompt: "Leave a message after the tone.", max_length: 120, next: bye}
  bye:
    hangup: {say: "Goodbye."}
"""

# how each ranged field is written in GOOD
FIELDS = {
    "timeout": "timeout: 6",
    "retries": "retries: 1",
    "agents": "agents: 4",
    "handle_time": "handle_time: 300",
    "calls_per_hour": "calls_per_hour: 40",
    "wait": "wait: 60",
    "ring": "ring: 10",
    "max_length": "max_length: 120",
    "time_to_human": "time_to_human: 60",
    "rate": "rate: 160",
    "digits": "max: 8",
}


def position(field: str) -> str:
    """``m.yaml:line:col`` of the value of ``field`` in GOOD."""
    written = FIELDS[field]
    for number, line in enumerate(GOOD.splitlines(), start=1):
        if written in line:
            return f"m.yaml:{number}:{line.index(written) + written.index(':') + 3}"
    raise AssertionError(written)


@pytest.fixture(autouse=True)
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(text: str) -> list[str]:
    Path("m.yaml").write_text(text, encoding="utf-8")
    return [str(error) for error in check_menu("m.yaml")[1]]


def with_value(field: str, value: str) -> str:
    written = FIELDS[field]
    assert GOOD.count(written) == 1, written
    return GOOD.replace(written, f"{written.split(':')[0]}: {value}")


def test_the_good_menu_loads_without_problems() -> None:
    assert problems(GOOD) == []


def test_every_ranged_field_is_covered() -> None:
    assert set(FIELDS) <= set(RANGES)


@pytest.mark.parametrize("field", FIELDS)
def test_the_documented_maximum_is_accepted_and_one_more_is_refused(field: str) -> None:
    limit = RANGES[field]
    assert problems(with_value(field, f"{limit.maximum:g}")) == []
    over = limit.maximum + 1
    [message] = problems(with_value(field, f"{over:g}"))
    assert message.startswith(f"{position(field)}: ")
    assert f"at most {limit.maximum:,g}" in message and f"{over:g}" in message


@pytest.mark.parametrize("field", FIELDS)
def test_below_the_documented_minimum_is_refused(field: str) -> None:
    limit = RANGES[field]
    under = limit.minimum - 1
    [message] = problems(with_value(field, f"{under:g}"))
    assert message.startswith(f"{position(field)}: ")
    assert f"at least {limit.minimum:,g}" in message


def test_absurd_numbers_that_crashed_or_hung_the_auditor() -> None:
    text = GOOD.replace("handle_time: 300", "handle_time: 1.0e+300").replace(
        "agents: 4", "agents: 2000000000"
    )
    assert problems(text) == [
        "m.yaml:24:21: agents must be at most 10,000, got 2000000000",
        "m.yaml:24:46: handle_time must be at most 86,400 seconds, got 1e+300",
    ]


@pytest.mark.parametrize("field", ["timeout", "ring", "max_length", "handle_time", "wait"])
@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN"])
def test_infinite_and_nan_numbers_are_refused(field: str, value: str) -> None:
    [message] = problems(with_value(field, value))
    assert message.startswith(f"{position(field)}: {field} must be a finite number, got ")


@pytest.mark.parametrize("escape", ["\\0", "\\x01", "\\e", "\\x7f", "\\x9b", "\\uFFFE"])
def test_control_characters_in_prompts_and_names_are_refused(escape: str) -> None:
    text = GOOD.replace('"Goodbye."', f'"Good{escape}bye."').replace(
        "name: Test line", f'name: "Test{escape} line"'
    )
    found = problems(text)
    assert [m.split(": ")[0] for m in found] == ["m.yaml:2:9", "m.yaml:30:19"]
    assert all("control character U+" in m and "not well-formed XML" in m for m in found)


def test_tabs_and_newlines_in_text_are_fine() -> None:
    assert problems(GOOD.replace('"Goodbye."', '"Good\\tbye.\\nSee you."')) == []


def test_a_prompt_over_twilios_64_kb_document_limit_is_an_error() -> None:
    long = "For billing, press 1. " * 3_000  # 66,000 characters
    [message] = problems(GOOD.replace('"For billing, press 1. For your', f'"{long}For your'))
    assert message.startswith("m.yaml:13:15: the TwiML document for this node would be about ")
    assert "over Twilio's 64 KB (65,536-byte) limit" in message


def test_escaping_counts_towards_the_document_size() -> None:
    # 16,000 ampersands are 80,000 bytes once escaped as &amp;
    [message] = problems(GOOD.replace('"Goodbye."', '"' + "&" * 16_000 + '"'))
    assert "over Twilio's 64 KB (65,536-byte) limit" in message


def test_a_prompt_over_the_say_limit_is_a_warning() -> None:
    long = "Please hold. " * 400  # 5,200 characters
    text = GOOD.replace('"Goodbye."', f'"{long}"')
    assert problems(text) == [
        "m.yaml:30:19: warning: this prompt is 5,200 characters long; Twilio's <Say> speaks "
        "at most 4,096 (3,000 with Polly voices): split it or record it"
    ]
    assert load_menu("m.yaml").warnings  # the menu loads, with its warning


def test_a_record_without_next_is_a_warning_printed_by_validate() -> None:
    text = GOOD.replace("max_length: 120, next: bye}", "max_length: 120}")
    Path("m.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "m.yaml"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        'm.yaml:28:5: warning: a record without "next" hangs up on the caller right after '
        "the message, without a word; add next: with a goodbye"
    ) in lines
    assert lines[-1].startswith("m.yaml: ok, ")


def test_the_docs_table_gives_every_range() -> None:
    text = Path(__file__).parent.parent.joinpath("docs/menu-format.md").read_text("utf-8")
    table = text[text.index("| field | minimum | maximum |") :].split("\n\n")[0]
    documented = {}
    for row in table.splitlines()[2:]:
        name, low, high, unit, why = (cell.strip() for cell in row.strip("|").split("|"))
        field = re.sub(r"\s*\(.*\)", "", name).replace("`", "").strip()
        documented[field] = (float(low.replace(",", "")), float(high.replace(",", "")), unit, why)
    assert documented == {
        name: (limits.minimum, limits.maximum, limits.unit, limits.why)
        for name, limits in RANGES.items()
    }
