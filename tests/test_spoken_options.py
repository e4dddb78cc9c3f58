"""Options reached only by voice (a menu's ``spoken:``): loaded with located errors, matched by
the engine with keyed options under one rule, drawn in the graph, walked by the audit's routes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.graph import build_graph
from ivr.loader import load_menu
from ivr.model import MenuNode
from ivr.walks import CallerAction, right_answers, shortest_routes

LINE = """\
hotline: {{name: Spoken line}}
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1 or say billing. To hear your balance, say check balance.
        For an agent, say agent."
      input: {modes}
      options:
        "1": {{goto: billing, say: [billing, bill]}}
      spoken:
        check_balance: {{say: [check balance, balance], goto: balance}}
        agent: {{say: [agent, operator], goto: desk}}
  billing: {{hangup: "Billing is closed."}}
  balance: {{hangup: "Your balance is zero."}}
  desk: {{transfer: {{to: "+1 555 0100"}}}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "line.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(MenuLoadError) as caught:
        load_menu(write(tmp_path, text))
    return [str(error) for error in caught.value.errors]


def spoken_line(tmp_path: Path, modes: str = "dtmf speech"):
    return load_menu(write(tmp_path, LINE.format(modes=modes)))


def test_spoken_options_load_with_their_phrases_targets_and_places(tmp_path: Path) -> None:
    main = spoken_line(tmp_path).nodes["main"]
    assert isinstance(main, MenuNode)
    assert [(o.name, o.goto, o.phrases) for o in main.spoken] == [
        ("check_balance", "balance", ("check balance", "balance")),
        ("agent", "desk", ("agent", "operator")),
    ]
    assert [o.key for o in main.options] == ["1"]
    assert main.spoken[0].location is not None and main.spoken[0].location.line == 12


def test_a_menu_may_have_spoken_options_only(tmp_path: Path) -> None:
    text = LINE.format(modes="speech").replace(
        '      options:\n        "1": {goto: billing, say: [billing, bill]}\n', ""
    )
    menu = load_menu(write(tmp_path, text.replace("  billing:", "  billing_unused:")))
    call = Call(menu)
    call.start()
    assert call.speak("uh operator please").node_reached == "desk"


@pytest.mark.parametrize(
    "spoken, expected",
    [
        ("check_balance: {goto: balance}", 'spoken option "check_balance" is missing required key'),
        ("check_balance: {say: [], goto: balance}", "needs at least one phrase"),
        ('check_balance: {say: ["  ?! "], goto: balance}', "has an empty phrase"),
        (
            "check_balance: {say: [Bill], goto: balance}",
            'the phrase "Bill" is also a phrase of option "1"',
        ),
        ("check_balance: {say: [balance], goto: balans}", 'unknown node "balans"'),
        ('"9": {say: [nine], goto: balance}', "starts with a letter"),
        ("check_balance: {say: [balance], goto: balance, key: 2}", 'unknown key "key"'),
    ],
)
def test_a_bad_spoken_option_is_an_error_at_its_place(
    tmp_path: Path, spoken: str, expected: str
) -> None:
    text = LINE.format(modes="dtmf speech").replace(
        "check_balance: {say: [check balance, balance], goto: balance}", spoken
    )
    errors = errors_of(tmp_path, text)
    assert any(expected in error for error in errors), errors
    assert all(error.startswith(f"{tmp_path / 'line.yaml'}:1") for error in errors), errors


def test_two_spoken_options_cannot_share_a_phrase(tmp_path: Path) -> None:
    text = LINE.format(modes="dtmf speech").replace("[agent, operator]", "[agent, Balance!]")
    (error,) = errors_of(tmp_path, text)
    assert error.startswith(f"{tmp_path / 'line.yaml'}:13:")
    assert 'the phrase "Balance!" is also a phrase of spoken option "check_balance"' in error


def test_spoken_options_on_a_menu_that_takes_keys_only_are_an_error(tmp_path: Path) -> None:
    (error,) = errors_of(tmp_path, LINE.format(modes="dtmf"))
    assert error.startswith(f"{tmp_path / 'line.yaml'}:8:14: a menu with spoken options")


def test_the_longest_phrase_wins_over_keyed_and_spoken_options_alike(tmp_path: Path) -> None:
    menu = spoken_line(tmp_path)
    for said, entry, reached in [
        ("I want to check balance on my bill", "check_balance", "balance"),  # 2 words > 1
        ("my bill", "1", "billing"),
        ("balance", "check_balance", "balance"),
        ("operator", "agent", "desk"),
        ("one", "1", "billing"),
    ]:
        call = Call(menu)
        call.start()
        step = call.speak(said)
        assert (step.kind, step.matched, step.node_reached) == ("matched", entry, reached), said


def test_a_tie_does_not_depend_on_the_order_options_are_written(tmp_path: Path) -> None:
    """Words of one length and size ("bill", key 1; "desk", spoken) tie: the keyed option
    wins; between two spoken options the name that sorts first wins, whatever the order."""
    reached = set()
    for first, second in itertools.permutations(
        ["zeta: {say: [desk], goto: desk}", "alpha: {say: [help], goto: balance}"]
    ):
        text = LINE.format(modes="dtmf speech").replace(
            "check_balance: {say: [check balance, balance], goto: balance}\n"
            "        agent: {say: [agent, operator], goto: desk}",
            f"{first}\n        {second}",
        )
        menu = load_menu(write(tmp_path, text))
        call = Call(menu)
        call.start()
        keyed = call.speak("bill desk")
        call = Call(menu)
        call.start()
        spoken = call.speak("help desk")
        reached.add((keyed.matched, spoken.matched))
    assert reached == {("1", "alpha")}


def test_the_graph_has_a_speech_edge_per_spoken_option_marked_voice_only(tmp_path: Path) -> None:
    graph = build_graph(spoken_line(tmp_path))
    edge = graph.edges["main", "balance"]
    assert edge["kind"] == "speech" and edge["voice_only"] is True
    assert edge["spoken"] == "check_balance" and edge["phrases"] == ["check balance", "balance"]
    assert "voice_only" not in graph.edges["main", "billing"]


def test_the_gather_listens_for_the_spoken_phrases(tmp_path: Path) -> None:
    gather = Call(spoken_line(tmp_path)).start().actions[-1]
    assert gather.input_modes == ("dtmf", "speech")
    assert gather.hints == ("billing", "bill", "agent", "operator", "check balance", "balance")


def test_routes_through_spoken_options_are_spoken_caller_actions(tmp_path: Path) -> None:
    menu = spoken_line(tmp_path)
    assert right_answers(menu.nodes["main"]) == [
        CallerAction("press", "1"),
        CallerAction("say", "agent"),
        CallerAction("say", "check balance"),
    ]
    routes = shortest_routes(menu, Call(menu).clock.now())
    assert routes["desk"].actions == (CallerAction("say", "agent"),)
    assert routes["balance"].actions == (CallerAction("say", "check balance"),)
