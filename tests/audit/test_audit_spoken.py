"""The audit reads spoken options (chosen by voice only) as options: routes say their phrase,
the rules count, name and check them like keys."""

from __future__ import annotations

from pathlib import Path

from audit_support import audit_data, codes, variant

from ivr.engine import Call
from ivr.loader import load_menu


def main_menu(data: dict) -> dict:
    return data["nodes"]["main"]["menu"]


def spoken_agent(data: dict) -> None:
    """The agent is reached by voice only: key 0 is gone, "agent" is a spoken option."""
    menu = main_menu(data)
    menu["options"].pop("0")
    menu["spoken"] = {"agent": {"say": ["agent", "representative"], "goto": "agent"}}
    menu["prompt"] = "For billing, press 1. To speak to an agent, say agent."


def findings(result, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def test_a_person_reached_by_voice_only_is_a_spoken_route(tmp_path: Path) -> None:
    result = audit_data(tmp_path, variant(spoken_agent))
    route = next(h for h in result.metrics.figures.humans if h.node == "agent")
    assert route.keys == ['say "agent"']
    call = Call(load_menu(tmp_path / "menu.yaml"))
    call.start()
    call.speak("agent")
    assert call.outcome is not None and call.outcome.node == "agent"
    assert call.elapsed == route.ivr_s  # a queue: the route's seconds in the menus
    assert "IVR101" not in codes(result)  # an "agent" phrase leading to a person is an escape
    assert "IVR310" not in codes(result)  # the prompt says "agent"


def test_a_spoken_option_the_prompt_never_says_is_hidden(tmp_path: Path) -> None:
    def unsaid(data: dict) -> None:
        spoken_agent(data)
        main_menu(data)["prompt"] = "For billing, press 1. Or tell us what you need."

    assert findings(audit_data(tmp_path, variant(unsaid)), "IVR310") == [
        'the prompt of "main" (en) never says the words of spoken option agent'
    ]


def korean_booking(prompt: str):
    """A Korean line whose main menu has a spoken option "예약" (booking) and ``prompt``."""

    def change(data: dict) -> None:
        spoken_agent(data)
        data["hotline"]["languages"] = ["ko"]
        menu = main_menu(data)
        menu["spoken"] = {"book": {"say": ["예약"], "goto": "agent"}}
        menu["prompt"] = prompt

    return variant(change)


def test_a_phrase_with_a_korean_particle_written_onto_it_is_said(tmp_path: Path) -> None:
    # Korean writes the quoting particle onto the word: 예약이라고 ("say 'booking'") says 예약
    said = korean_booking("요금은 1번을 누르세요. 예약하시려면 예약이라고 말씀해 주세요.")
    assert findings(audit_data(tmp_path, said), "IVR310") == []


def test_a_korean_prompt_that_never_says_the_phrase_still_hides_it(tmp_path: Path) -> None:
    unsaid = korean_booking("요금은 1번을 누르세요. 그 밖의 용건은 말씀해 주세요.")
    assert findings(audit_data(tmp_path, unsaid), "IVR310") == [
        'the prompt of "main" (ko) never says the words of spoken option book'
    ]


def test_spoken_options_count_toward_too_many_options(tmp_path: Path) -> None:
    def crowded(data: dict) -> None:
        menu = main_menu(data)
        menu["options"].update({str(i): "billing" for i in range(2, 5)})
        names = ["payments", "roaming", "upgrades"]
        menu["spoken"] = {name: {"say": [name], "goto": "billing"} for name in names}
        menu["prompt"] = (
            "For billing, press 1. For plans, press 2. For bills, press 3. For data, press 4. "
            "Say payments, roaming or upgrades. For an agent, press 0."
        )

    (message,) = findings(audit_data(tmp_path, variant(crowded)), "IVR104")
    assert message.startswith('menu "main" has 7 options (1, 2, 3, 4, payments, roaming, upgrades)')


def test_a_menu_of_spoken_options_only_has_no_keypad_fall_back(tmp_path: Path) -> None:
    def voice_only(data: dict) -> None:
        spoken_agent(data)
        menu = main_menu(data)
        menu.pop("options")
        menu["spoken"]["billing"] = {"say": ["billing"], "goto": "billing"}
        menu["prompt"] = "Say billing, or agent."

    assert findings(audit_data(tmp_path, variant(voice_only)), "IVR304") == [
        'menu "main" has spoken options only: no key chooses anything, no keypad fall-back'
    ]


LANGUAGE_LINE = """\
hotline: {name: Two languages, languages: [id, en]}
defaults: {on_fail: bye}
start: main
nodes:
  main:
    menu:
      prompt: "Untuk tagihan, tekan 1. For English, say English."
      options: {"1": billing}
      spoken:
        english: {say: [English], goto: route, lang: en}
  route:
    branch:
      - {when: {lang: en}, goto: desk_en}
      - {goto: bye}
  billing: {queue: {agents: 3, handle_time: 120, calls_per_hour: 20}}
  desk_en: {transfer: {to: "+62 21 555 0100", ring: 5}}
  bye: {hangup: "Bye."}
"""


def test_a_spoken_option_that_switches_language_leads_the_audit_there(tmp_path: Path) -> None:
    """Only a caller who said "English" (and so speaks English) reaches desk_en."""
    result = audit_data(tmp_path, LANGUAGE_LINE)
    route = next(h for h in result.metrics.figures.humans if h.node == "desk_en")
    assert (route.keys, route.lang) == (['say "English"'], "en")
    call = Call(load_menu(tmp_path / "menu.yaml"))
    call.start()
    call.speak("english please")
    assert call.outcome is not None and call.outcome.node == "desk_en" and call.lang == "en"


def test_a_first_menu_of_spoken_language_choices_is_a_forced_language_menu(tmp_path: Path) -> None:
    line = LANGUAGE_LINE.replace(
        '      options: {"1": billing}\n',
        "",
    ).replace(
        "        english: {say: [English], goto: route, lang: en}\n",
        "        english: {say: [English], goto: route, lang: en}\n"
        "        indonesia: {say: [Indonesia], goto: billing, lang: id}\n",
    )
    (message,) = findings(audit_data(tmp_path, line), "IVR110")
    assert message == 'callers must choose a language (en, id) in "main" before anything else'
