"""``ivr call``: the terminal caller, scripted with flags and interactive on stdin."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ivr.cli import main
from ivr.loader import load_menu

COLD = "menus/acme-cold.yaml"
MONDAY_10 = "2026-11-23T10:00"
MONDAY_21 = "2026-11-23T21:00"

WELCOME_ID = (
    "[    0.0 s] IVR: Terima kasih telah menghubungi ACME. Panggilan Anda sangat penting "
    "bagi kami. Pilihan menu kami telah berubah, dengarkan baik-baik."
)
LANGUAGE = "[    9.0 s] IVR: Untuk Bahasa Indonesia, tekan 1. For English, press 2."
TO_THE_QUEUE = [
    WELCOME_ID,
    LANGUAGE,
    "[   15.2 s] caller: pressed 2",
    "[   15.2 s] IVR: Press 1 for product information. Press 2 for our latest promotions. "
    "Press 3 for store locations. Press 4 for customer service.",
    "[   26.7 s] caller: pressed 4",
    "[   26.7 s] IVR: Press 1 for order status. Press 2 for product complaints. "
    "Press 3 for warranty.",
    "[   35.0 s] caller: pressed 2",
    "[   35.0 s] IVR: Press 1 for electronics. Press 2 for home appliances.",
    "[   40.9 s] caller: pressed 1",
]


def run(*args: str, stdin: str | None = None) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["call", *args], input=stdin)
    return result.exit_code, result.output.splitlines()


def test_scripted_keys_reach_the_cold_queue_in_english() -> None:
    code, lines = run(
        COLD, "--press", "2", "--press", "4", "--press", "2", "--press", "1", "--at", MONDAY_10
    )
    assert code == 0
    assert lines == [
        *TO_THE_QUEUE,
        '[   40.9 s] --: waiting in queue "complaints"',
        'Call ended at human "agents" (queue "complaints") after 40.9 s; estimated wait for '
        "an agent: 145.1 s",
    ]
    menu = load_menu(COLD)
    english = {
        node.prompt.texts.get("en") for node in menu.nodes.values() if hasattr(node, "prompt")
    }
    after_choice = lines[lines.index("[   15.2 s] caller: pressed 2") :]
    prompts = [line.split("IVR: ", 1)[1] for line in after_choice if "IVR: " in line]
    assert len(prompts) == 3 and all(prompt in english for prompt in prompts)


def test_three_silences_escalate_to_on_fail() -> None:
    code, lines = run(COLD, "--silence", "--silence", "--silence", "--at", MONDAY_10)
    assert code == 0
    assert lines == [
        WELCOME_ID,
        LANGUAGE,
        "[   18.7 s] caller: (silence, 5 s)",
        "[   18.7 s] IVR: Maaf, kami tidak mendengar apa pun.",
        "[   21.7 s] IVR: Untuk Bahasa Indonesia, tekan 1. For English, press 2.",
        "[   31.4 s] caller: (silence, 5 s)",
        "[   31.4 s] IVR: Maaf, kami tidak mendengar apa pun.",
        "[   34.4 s] IVR: Untuk Bahasa Indonesia, tekan 1. For English, press 2.",
        "[   44.1 s] caller: (silence, 5 s)",
        "[   44.1 s] --: retries used up, going to goodbye",
        "[   44.1 s] IVR: Maaf, pilihan Anda tidak valid. Terima kasih.",
        "[   47.9 s] --: call ended",
        'Call ended at hangup "goodbye" after 47.9 s',
    ]


def test_outside_hours_the_after_hours_route_is_taken() -> None:
    code, lines = run(
        COLD, "--press", "2", "--press", "4", "--press", "2", "--press", "1", "--at", MONDAY_21
    )
    assert code == 0
    assert lines == [
        *TO_THE_QUEUE,
        '[   40.9 s] --: queue "complaints" is closed now',
        "[   40.9 s] IVR: Our customer service is open Monday to Friday, nine to five. Goodbye.",
        "[   46.7 s] --: call ended",
        'Call ended at hangup "closed" after 46.7 s',
    ]


def test_at_with_an_offset_is_converted_to_the_hotline_time() -> None:
    # 14:00 UTC is 21:00 in Jakarta: closed
    _, lines = run(COLD, "--press", "2421", "--at", "2026-11-23T14:00+00:00")
    assert lines[2:5] == [
        "[   15.2 s] caller: pressed 2421",
        "[   15.2 s] IVR: Press 1 for product information. Press 2 for our latest promotions. "
        "Press 3 for store locations. Press 4 for customer service.",
        "[   16.7 s] caller: typed ahead 421",
    ]
    assert lines[-4] == '[   19.7 s] --: queue "complaints" is closed now'
    assert lines[-1] == 'Call ended at hangup "closed" after 25.5 s'
    # 14:00 without an offset is the hotline's own time: open
    _, local = run(COLD, "--press", "2421", "--at", "2026-11-23T14:00")
    assert local[-1].startswith('Call ended at human "agents" (queue "complaints") after 19.7 s')


def test_say_and_lang_flags() -> None:
    code, lines = run(
        "menus/acme-hot.yaml", "--lang", "en", "--say", "I want an agent", "--at", MONDAY_10
    )
    assert code == 0
    assert lines[:3] == [
        "[    0.0 s] IVR: Hello, this is ACME.",
        "[    2.2 s] IVR: For an agent, press 0. For orders, press 1. Untuk Bahasa Indonesia, "
        "tekan 8.",
        '[   11.0 s] caller: said "I want an agent"',
    ]
    assert lines[-1].startswith('Call ended at human "care" (queue "care") after ')


def test_korean_speech() -> None:
    code, lines = run(
        "menus/ko-clinic.yaml", "--say", "결과", "--press", "900101", "--at", MONDAY_10
    )
    assert code == 0
    assert lines[2] == '[   12.9 s] caller: said "결과"'
    assert "[   12.9 s] IVR: 본인 확인을 위해 생년월일 여섯 자리를 눌러 주세요." in lines
    assert "IVR: 검사 결과를 문자로 보내 드렸습니다." in lines[-3]
    assert lines[-1].startswith('Call ended at waiting "anything_else"')


def test_events_after_the_end_are_ignored_with_a_note() -> None:
    _, lines = run(
        "menus/acme-hot.yaml", "--press", "0", "--say", "hello", "--press", "1", "--at", MONDAY_10
    )
    assert lines[-2] == "(the call has ended; ignoring --say and what follows)"


def test_caller_hang_up_flag() -> None:
    _, lines = run(COLD, "--press", "1", "--hangup", "--at", MONDAY_10)
    assert lines[-2:] == [
        "[   15.2 s] caller: (hung up)",
        'Call ended at caller-hangup "main" after 15.2 s',
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--at", "2026-11-23T25:00"],
            'Error: Invalid value for --at: "2026-11-23T25:00" is not a time like 2026-11-23T21:00',
        ),
        (
            ["--lang", "fr"],
            'Error: Invalid value for --lang: "fr" '
            "is not one of this hotline's languages (id, en)",
        ),
    ],
)
def test_bad_flags_are_usage_errors(args: list[str], message: str) -> None:
    code, lines = run(COLD, *args)
    assert code == 2 and lines[-1] == message


def test_a_broken_menu_prints_its_errors(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "hotline: {name: X}\nstart: a\nnodes:\n  a:\n    say: Hi\n    next: b\n", encoding="utf-8"
    )
    code, lines = run(str(path))
    assert code == 1 and lines == [f'{path}:6:11: next goes to unknown node "b"']


# -- interactive --------------------------------------------------------------------------

PROMPT = "keys, 'say TEXT', empty line for silence, 'hangup'> "


def test_interactive_call_reads_keys_speech_and_silence() -> None:
    code, lines = run(COLD, "--at", MONDAY_10, stdin="2\nx\nsay customer service\n4\n\n2\n1\n")
    assert code == 0
    assert lines[2] == PROMPT + "[   15.2 s] caller: pressed 2"
    assert lines[4] == PROMPT + "  (type keys like 1 or 123#, 'say billing', or an empty line)"
    assert lines[5] == PROMPT + '[   26.7 s] caller: said "customer service"'
    assert lines[6] == "[   26.7 s] IVR: Sorry, that is not a valid choice."
    assert PROMPT + "[   53.4 s] caller: (silence, 5 s)" in lines
    assert lines[-1] == (
        'Call ended at human "agents" (queue "complaints") after 70.5 s; '
        "estimated wait for an agent: 145.1 s"
    )


def test_interactive_end_of_input_hangs_up() -> None:
    code, lines = run(COLD, "--at", MONDAY_10, stdin="2\n")
    assert code == 0
    assert lines[-3:-1] == [PROMPT, "[   15.2 s] caller: (hung up)"]
    assert lines[-1] == 'Call ended at caller-hangup "main" after 15.2 s'


def test_interactive_hangup_command() -> None:
    _, lines = run(COLD, "--at", MONDAY_10, stdin="hangup\n")
    assert lines[-2:] == [
        PROMPT + "[    9.0 s] caller: (hung up)",
        'Call ended at caller-hangup "language" after 9.0 s',
    ]


def test_an_indonesian_caller_saying_tekan_nol_reaches_an_agent() -> None:
    code, lines = run("menus/acme-hot.yaml", "--say", "tekan nol", "--at", MONDAY_10)
    assert code == 0
    assert "Maaf, pilihan Anda tidak valid." not in "\n".join(lines)
    assert lines[-1].startswith('Call ended at human "care" (queue "care") after ')
