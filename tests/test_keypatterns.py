"""Digit patterns for extension dialling: the loader reads them, the engine and graph use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.actions import Gather
from ivr.drawing import to_mermaid
from ivr.engine import Call
from ivr.graph import build_graph, structural_problems
from ivr.keypatterns import PatternError, covering, parse
from ivr.loader import check_menu, load_menu
from ivr.model import Menu
from ivr.walks import right_answers

MENU = """\
hotline: {name: Office, languages: [en], timezone: UTC}
start: main
nodes:
  main:
    menu:
      prompt: "For sales, press 1. If you know your party's extension, dial it now."
      options:
        "1": sales
        "1XXX": directory
        "2[0-4]XX": directory
        "2000": operator
  sales: {hangup: {say: Sales.}}
  directory: {hangup: {say: Connecting you.}}
  operator: {hangup: {say: Operator.}}
"""


@pytest.fixture
def menu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Menu:
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(MENU, encoding="utf-8")
    return load_menu("m.yaml")


def errors_for_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(MENU.replace('"2[0-4]XX"', f'"{key}"'), encoding="utf-8")
    menu, errors = check_menu("m.yaml")
    assert (menu is None) == bool(errors)
    return [str(error) for error in errors]


def test_a_pattern_matches_entries_of_its_length_only() -> None:
    pattern = parse("N[1-35]Z")
    assert [pattern.matches(keys) for keys in ("213", "951", "241", "201", "21", "2131")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert (pattern.length, pattern.example) == (3, "211")


@pytest.mark.parametrize(
    ("text", "offset", "words"),
    [
        ("2XYX", 2, '"Y" is not a pattern letter'),
        ("2xxx", 1, 'write pattern letters in capitals: "X"'),
        ("_2XXX", 0, 'drop the leading "_"'),
        ("2XX.", 3, "a pattern has a fixed number of digits"),
        ("2[1-", 1, 'has no closing "]"'),
        ("2[5-1]X", 2, "must go from low to high"),
        ("X" * 16, 0, "at most 15 digits"),
    ],
)
def test_bad_patterns_name_the_faulty_character(text: str, offset: int, words: str) -> None:
    with pytest.raises(PatternError, match=words.replace("[", r"\[").replace(".", r"\.")) as exc:
        parse(text)
    assert exc.value.offset == offset


def test_the_loader_reports_a_bad_pattern_at_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert errors_for_key(tmp_path, monkeypatch, "2XYX") == [
        'm.yaml:10:9: option pattern "2XYX", character 3: "Y" is not a pattern letter: use '
        "digits, *, #, X (0-9), Z (1-9), N (2-9) or a set like [1-5]"
    ]
    assert errors_for_key(tmp_path, monkeypatch, "2XX!") == [
        'm.yaml:10:9: option pattern "2XX!", character 4: "!" (any number of digits) is not '
        "allowed: a pattern has a fixed number of digits, write one X per digit"
    ]


def test_the_loader_keeps_patterns_as_options(menu: Menu) -> None:
    main = menu.nodes["main"]
    assert [(o.key, o.length, o.entry) for o in main.options] == [  # type: ignore[attr-defined]
        ("1", 1, "1"),
        ("1XXX", 4, "1000"),
        ("2[0-4]XX", 4, "2000"),
        ("2000", 4, "2000"),
    ]


@pytest.mark.parametrize(
    ("keys", "reached"),
    [
        ("2345", "directory"),  # the pattern 2[0-4]XX
        ("1234", "directory"),  # the longest entry first: 1XXX, not option 1
        ("2000", "operator"),  # a plain key wins over a pattern that matches it too
        ("1", "sales"),
    ],
)
def test_pressing_an_extension_reaches_its_target(menu: Menu, keys: str, reached: str) -> None:
    call = Call(menu)
    call.start()
    step = call.press(keys)
    assert (step.kind, step.matched, step.node_reached) == ("matched", keys, reached)


def test_an_extension_outside_every_pattern_is_invalid(menu: Menu) -> None:
    call = Call(menu)
    call.start()
    assert call.press("2567").kind == "no-match"  # 25xx is outside 2[0-4]XX
    assert call.node == "main"


def test_the_gather_waits_for_a_whole_extension(menu: Menu) -> None:
    call = Call(menu)
    gathers = [a for a in call.start().actions if isinstance(a, Gather)]
    assert [g.num_digits for g in gathers] == [4]


def test_graph_draws_a_pattern_as_a_key_edge(menu: Menu) -> None:
    graph = build_graph(menu)
    keys = sorted(
        way["key"]
        for _, target, data in graph.out_edges("main", data=True)
        for way in data.get("ways", [data])
        if way["kind"] == "key"
    )
    assert keys == ["1", "1XXX", "2000", "2[0-4]XX"]
    assert structural_problems(menu, graph) == []


def test_walks_press_an_entry_a_pattern_accepts(menu: Menu) -> None:
    pressed = [action.value for action in right_answers(menu.nodes["main"])]
    assert pressed == ["1", "1000", "2000", "2000"]
    call = Call(menu)
    call.start()
    assert call.press(pressed[1]).node_reached == "directory"


def test_covering_writes_the_one_pattern_of_a_set_of_extensions() -> None:
    tens = [f"10{d}{e}" for d in "01" for e in "0123456789"]
    assert covering(tens) == "10[01]X"
    assert covering([f"{d}5" for d in "1234789"]) == "[1-47-9]5"
    assert covering([f"2{d}" for d in "23456789"]) == "2N"
    assert covering(["40", "41", "52"]) is None  # not every combination of 4/5 and 0/1/2
    assert covering(["1", "12"]) is None  # two lengths
    assert covering(["1*", "12"]) is None  # * and a digit cannot share a position


def test_mermaid_quotes_a_pattern_label_so_its_brackets_are_not_a_shape(menu: Menu) -> None:
    lines = to_mermaid(build_graph(menu)).splitlines()
    assert '  n0 -->|"1XXX, 2[0-4]XX"| n2' in lines
    assert "  n0 -->|1| n1" in lines  # plain labels stay as they were


def test_overlapping_patterns_to_different_places_are_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = MENU.replace('"2000": operator', '"20XX": operator')
    Path("m.yaml").write_text(text, encoding="utf-8")
    menu = load_menu("m.yaml")
    assert [str(w) for w in menu.warnings] == [
        'm.yaml:10:9: warning: option pattern "2[0-4]XX" overlaps "20XX": an extension both '
        'match goes to "operator" (the first in key order)'
    ]
    call = Call(menu)
    call.start()
    assert call.press("2012").node_reached == "operator"
    assert load_menu_warnings(tmp_path, MENU) == []  # 1XXX and 2[0-4]XX never meet


def load_menu_warnings(folder: Path, text: str) -> list[str]:
    (folder / "other.yaml").write_text(text, encoding="utf-8")
    return [str(w) for w in load_menu(folder / "other.yaml").warnings]
