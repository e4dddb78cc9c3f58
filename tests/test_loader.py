"""The menu loader: every broken menu gets exact ``file:line:col: message`` errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.loader import check_menu, load_menu
from ivr.model import InputNode, MenuNode, QueueNode, TransferNode

GOOD = """\
hotline:
  name: Test line
  languages: [en, id]
  timezone: Europe/London
  hours:
    office: {mon-fri: "09:00-17:00"}
defaults:
  on_fail: agent
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1. For an agent, press 0."
      options:
        "1": billing
        "0": agent
  billing:
    queue: {name: billing, hours: office, after_hours: bye}
  agent:
    transfer: {to: "+44 20 7946 0000", ring: 10}
  bye:
    hangup: {say: "Goodbye."}
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder, so error messages name short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def errors_of(text: str, name: str = "m.yaml") -> list[str]:
    """The error lines ``check_menu`` gives for a menu file with ``text``."""
    Path(name).write_text(text, encoding="utf-8")
    menu, errors = check_menu(name)
    assert (menu is None) == bool(errors)
    return [str(error) for error in errors]


def broken(old: str, new: str, count: int = 1) -> str:
    """The good menu with ``old`` replaced by ``new`` (which must occur)."""
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


@pytest.mark.usefixtures("folder")
def test_the_good_menu_loads() -> None:
    assert errors_of(GOOD) == []


CASES = {
    "bad type": (
        broken("      options:\n", "      timeout: five\n      options:\n"),
        ["m.yaml:14:16: timeout must be a number, got text 'five'"],
    ),
    "negative number": (
        broken("ring: 10", "ring: -5"),
        ["m.yaml:20:46: ring must be at least 0 seconds, got -5"],
    ),
    "unknown key, with a did-you-mean": (
        broken("      options:\n", "      timout: 5\n      options:\n"),
        [
            'm.yaml:14:7: unknown key "timout" in menu (did you mean "timeout"?); expected one '
            "of: prompt, timeout, retries, on_fail, on_timeout, on_invalid, interruptible, "
            "reprompt, options, spoken, input"
        ],
    ),
    "unknown key in an option": (
        broken('"1": billing', '"1": {goto: billing, sey: [billing]}'),
        [
            'm.yaml:15:30: unknown key "sey" in option "1" (did you mean "say"?); expected one '
            "of: goto, lang, say"
        ],
    ),
    "misspelled node kind; no follow-on errors for the broken node": (
        broken("    hangup: {say", "    hangupp: {say"),
        [
            'm.yaml:22:5: unknown key "hangupp" in node "bye" (did you mean "hangup"?); a node '
            "has one of: say, menu, input, queue, transfer, record, branch, decide, hangup"
        ],
    ),
    "two kinds in one node": (
        broken('    hangup: {say: "Goodbye."}', '    hangup: {say: "Goodbye."}\n    say: "Bye."'),
        ['m.yaml:22:5: node "bye" has several kinds (hangup, say); give exactly one'],
    ),
    "unknown target, with a suggestion": (
        broken('"1": billing', '"1": biling'),
        ['m.yaml:15:14: option "1" goes to unknown node "biling" (did you mean "billing"?)'],
    ),
    "duplicate node id": (
        GOOD + "  billing:\n    hangup: {}\n",
        ['m.yaml:23:3: duplicate key "billing" (first defined at line 17)'],
    ),
    "duplicate option key": (
        broken('"0": agent', '"0": agent\n        "1": bye'),
        ['m.yaml:17:9: duplicate key "1" (first defined at line 15)'],
    ),
    "missing start": (
        broken("start: main\n", ""),
        ['m.yaml:1:1: the menu has no "start": name the node where calls begin'],
    ),
    "bad hours: every bad day and time of the schedule": (
        broken('mon-fri: "09:00-17:00"', 'mon-fry: "09:00-17:00", sat: "09:00-25:00"'),
        [
            'm.yaml:6:14: schedule "office": unknown day "fry": use mon, tue, wed, thu, fri, '
            "sat, sun",
            'm.yaml:6:38: schedule "office": time "25:00" is out of range (00:00 to 24:00)',
        ],
    ),
    "unknown schedule": (
        broken("hours: office,", "hours: ofice,"),
        [
            'm.yaml:18:35: unknown schedule "ofice" (did you mean "office"?); defined '
            "schedules: 24/7, office"
        ],
    ),
    "unknown language": (
        broken("[en, id]", "[en, in]"),
        [
            'm.yaml:3:19: unknown language "in" (did you mean "id"?); use an ISO 639-1 code such '
            "as en, id, ko"
        ],
    ),
    "prompt in a language the hotline does not have": (
        broken(
            'prompt: "For billing, press 1. For an agent, press 0."',
            'prompt: {en: "For billing, press 1.", fr: "Pour la facturation, tapez 1."}',
        ),
        [
            'm.yaml:13:45: prompt is in language "fr", which is not one of the hotline\'s '
            "languages (en, id)"
        ],
    ),
    "option switching to a language the hotline does not have": (
        broken('"1": billing', '"1": {goto: billing, lang: ko}'),
        [
            'm.yaml:15:36: option "1" switches to language "ko", which is not one of the '
            "hotline's languages (en, id)"
        ],
    ),
    "bad timezone": (
        broken("Europe/London", "Europe/Londn"),
        [
            'm.yaml:4:13: unknown timezone "Europe/Londn" (expected an IANA name like '
            '"Asia/Jakarta")'
        ],
    ),
    "non-mapping root": (
        "- main\n- billing\n",
        [
            "m.yaml:1:1: a menu file must be a mapping with keys hotline, defaults, start, nodes; "
            "got a list"
        ],
    ),
    "empty file": ("", ["m.yaml:1:1: file is empty: expected a menu mapping"]),
    "file of comments only": (
        "# nothing yet\n",
        ["m.yaml:1:1: file is empty: expected a menu mapping"],
    ),
    "invalid YAML syntax": (
        broken('"1": billing', '"1": [billing'),
        [
            "m.yaml:16:12: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
            "sequence started at line 15)"
        ],
    ),
    "bad option key": (
        broken('"1": billing', "one: billing"),
        [
            'm.yaml:15:9: option key "one" must be keypad keys: 0-9, * or # (quote it in YAML: '
            '"1"), or a digit pattern like "2XXX"'
        ],
    ),
    "branch rule without when that is not last": (
        broken(
            "  bye:\n",
            "  route:\n    branch:\n      - {goto: agent}\n"
            "      - {when: {hours: office}, goto: billing}\n  bye:\n",
        ),
        [
            'm.yaml:23:9: branch rule 1 has no "when", so the rules after it can never be '
            "taken; put it last"
        ],
    ),
    "input digits max below min": (
        broken(
            "  bye:\n",
            '  acct:\n    input: {prompt: "Account?", var: account, '
            "digits: {min: 10, max: 8}}\n    next: agent\n  bye:\n",
        ),
        ["m.yaml:22:55: digits max (8) is below min (10)"],
    ),
    "queue staffing given in part": (
        broken("{name: billing,", "{name: billing, agents: 4,"),
        [
            "m.yaml:18:12: queue staffing needs agents, handle_time and calls_per_hour "
            "together; missing handle_time, calls_per_hour"
        ],
    ),
    "hold kind misspelled": (
        broken("{name: billing,", "{name: billing, hold: musik,"),
        [
            'm.yaml:18:34: hold must be one of music, message, silence, got "musik" (did you '
            'mean "music"?)'
        ],
    ),
    "next on a menu": (
        broken('        "0": agent\n', '        "0": agent\n    next: bye\n'),
        ['m.yaml:17:5: a menu node has no "next"'],
    ),
    "node id that is not a name": (
        broken("  bye:\n", "  2nd:\n    hangup: {}\n  bye:\n"),
        ['m.yaml:21:3: node id "2nd" must start with a letter and use only letters, digits, _ . -'],
    ),
    "a list key": (
        broken("  bye:\n", "  ? [a, b]\n  : hangup: {}\n  bye:\n"),
        ["m.yaml:21:5: mapping keys must be plain text"],
    ),
    "nodes is not a mapping; no follow-on errors": (
        GOOD[: GOOD.index("nodes:")] + "nodes: []\n",
        ['m.yaml:10:8: "nodes" must be a non-empty mapping of node ids to nodes, got a list'],
    ),
    "missing hotline": (
        GOOD[GOOD.index("defaults:") :],
        [
            'm.yaml:1:1: the menu has no "hotline": give at least its name, like hotline: '
            "{name: ACME customer care}",
            'm.yaml:12:35: unknown schedule "office"; defined schedules: 24/7',
        ],
    ),
    "option that is neither a target nor a mapping": (
        broken('"1": billing', '"1": 5'),
        [
            'm.yaml:15:14: option "1" must name a node or be a mapping like {goto: node, say: '
            "[words]}, got a number"
        ],
    ),
    "digits as text": (
        broken(
            "  bye:\n",
            '  acct:\n    input: {prompt: "Account?", var: account, '
            "digits: six}\n    next: agent\n  bye:\n",
        ),
        ["m.yaml:22:55: digits must be a number or a mapping like {min: 4, max: 6}, got text"],
    ),
    "hangup as a list": (
        broken('hangup: {say: "Goodbye."}', 'hangup: ["Goodbye."]'),
        ["m.yaml:22:13: hangup must be empty, a goodbye text, or {say: ...}, got a list"],
    ),
    "several errors in one file, all reported in file order": (
        broken('"1": billing', '"1": biling')
        .replace("ring: 10", "ring: ten")
        .replace("hours: office,", "hours: ofice,"),
        [
            'm.yaml:15:14: option "1" goes to unknown node "biling" (did you mean "billing"?)',
            'm.yaml:18:35: unknown schedule "ofice" (did you mean "office"?); defined '
            "schedules: 24/7, office",
            "m.yaml:20:46: ring must be a number, got text 'ten'",
        ],
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=list(CASES))
@pytest.mark.usefixtures("folder")
def test_broken_menu_errors(text: str, expected: list[str]) -> None:
    assert errors_of(text) == expected


@pytest.mark.usefixtures("folder")
def test_alias_bomb_is_refused() -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, prev in zip("bcdef", "abcde", strict=True):
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    rows.append("g: [" + ", ".join(["*f"] * 10) + "]")
    assert errors_of("\n".join(rows) + "\n") == [
        "m.yaml:3:4: document repeats more than 200,000 values through aliases (an alias "
        "bomb?); refused"
    ]


@pytest.mark.usefixtures("folder")
def test_oversized_file_is_refused_before_parsing() -> None:
    assert errors_of("# padding\n" * 1_700_000) == [
        "m.yaml:1:1: file is 17,000,000 bytes, over the 16,000,000-byte limit for a menu"
    ]


@pytest.mark.usefixtures("folder")
def test_file_that_is_not_utf8() -> None:
    Path("m.yaml").write_bytes(b"hotline:\n  name: \xff\xfe\n")
    assert [str(e) for e in check_menu("m.yaml")[1]] == ["m.yaml:2:1: file is not valid UTF-8 text"]


@pytest.mark.usefixtures("folder")
def test_missing_file() -> None:
    with pytest.raises(MenuLoadError) as caught:
        load_menu("nowhere.yaml")
    assert str(caught.value) == "nowhere.yaml:1:1: cannot read file: No such file or directory"


# -- cross-file goto ---------------------------------------------------------------

STAFF = """\
start: desk
nodes:
  desk:
    menu:
      prompt: "For sales, press 1. To go back, press 9."
      options:
        "1": sales
        "9": m.yaml#main
  sales:
    transfer: {to: "+44 20 7946 0002", ring: 5}
"""


@pytest.mark.usefixtures("folder")
def test_cross_file_goto_to_a_missing_file() -> None:
    assert errors_of(broken('"0": agent', '"0": staff.yaml#agent')) == [
        'm.yaml:16:14: option "0" reaches into "staff.yaml#agent", but there is no file '
        '"staff.yaml"'
    ]


@pytest.mark.usefixtures("folder")
def test_cross_file_goto_to_a_missing_node_suggests_one() -> None:
    Path("staff.yaml").write_text(STAFF, encoding="utf-8")
    assert errors_of(broken('"0": agent', '"0": staff.yaml#sale')) == [
        'm.yaml:16:14: option "0" goes to unknown node "staff.yaml#sale" (did you mean '
        '"staff.yaml#sales"?)'
    ]


@pytest.mark.usefixtures("folder")
def test_errors_in_the_other_file_name_that_file() -> None:
    Path("staff.yaml").write_text(STAFF.replace("ring: 5", "ring: soon"), encoding="utf-8")
    assert errors_of(broken('"0": agent', '"0": staff.yaml#sales')) == [
        "staff.yaml:10:46: ring must be a number, got text 'soon'"
    ]


@pytest.mark.usefixtures("folder")
def test_cross_file_goto_to_an_unreadable_file_reports_both() -> None:
    Path("staff.yaml").write_text(STAFF.replace('"1": sales', '"1": [sales'), encoding="utf-8")
    assert errors_of(broken('"0": agent', '"0": staff.yaml#sales')) == [
        'm.yaml:16:14: option "0" reaches into "staff.yaml#sales", which cannot be loaded '
        "(1 error in that file)",
        "staff.yaml:8:12: invalid YAML: did not find expected ',' or ']' (while parsing a "
        "flow sequence started at line 7)",
    ]


@pytest.mark.usefixtures("folder")
def test_goto_to_a_whole_file_without_start() -> None:
    Path("staff.yaml").write_text(STAFF.replace("start: desk\n", ""), encoding="utf-8")
    assert errors_of(broken('"0": agent', '"0": staff.yaml')) == [
        'm.yaml:16:14: option "0" goes to the file "staff.yaml", which has no "start"; name '
        'a node in it, like "staff.yaml#node"'
    ]


@pytest.mark.usefixtures("folder")
def test_cross_file_goto_loads_the_other_file() -> None:
    Path("sub").mkdir()
    Path("sub/staff.yaml").write_text(
        STAFF.replace("m.yaml#main", "../m.yaml#main"), encoding="utf-8"
    )
    Path("m.yaml").write_text(
        broken('"0": agent', '"0": sub/staff.yaml#sales\n        "2": sub/staff.yaml'),
        encoding="utf-8",
    )
    menu = load_menu("m.yaml")
    main = menu.nodes["main"]
    assert isinstance(main, MenuNode)
    gotos = {option.key: option.goto for option in main.options}
    assert gotos["0"] == "sub/staff.yaml#sales"
    assert gotos["2"] == "sub/staff.yaml#desk"  # the whole file: its start node
    desk = menu.nodes["sub/staff.yaml#desk"]
    assert isinstance(desk, MenuNode)
    gotos = {option.key: option.goto for option in desk.options}
    assert gotos["1"] == "sub/staff.yaml#sales"  # local names stay in their file
    assert gotos["9"] == "main"  # back into the main file
    sales = menu.nodes["sub/staff.yaml#sales"]
    assert isinstance(sales, TransferNode) and sales.location.file == "sub/staff.yaml"
    assert (sales.location.line, sales.location.col) == (9, 3)

    call = Call(menu)
    call.start()
    call.press("2")
    call.press("9")
    call.press("0")
    assert call.path == ["main", "sub/staff.yaml#desk", "main", "sub/staff.yaml#sales"]
    assert call.outcome is not None and call.outcome.kind == "human"


# -- defaults and shorthands --------------------------------------------------------


@pytest.mark.usefixtures("folder")
def test_defaults_are_inherited_unless_overridden() -> None:
    text = broken(
        "defaults:\n  on_fail: agent\n", "defaults:\n  on_fail: agent\n  timeout: 7\n  retries: 1\n"
    ) + (
        '  acct:\n    input: {prompt: "Account?", var: account, digits: 8, timeout: 12, '
        "on_fail: bye}\n    next: agent\n"
    )
    Path("m.yaml").write_text(text, encoding="utf-8")
    menu = load_menu("m.yaml")
    main, acct = menu.nodes["main"], menu.nodes["acct"]
    assert isinstance(main, MenuNode) and isinstance(acct, InputNode)
    assert (main.timeout, main.retries, main.on_fail) == (7.0, 1, "agent")
    assert (acct.timeout, acct.retries, acct.on_fail) == (12.0, 1, "bye")
    assert (acct.min_digits, acct.max_digits, acct.finish_on, acct.next) == (8, 8, "#", "agent")
    billing = menu.nodes["billing"]
    assert isinstance(billing, QueueNode) and billing.hold == "music"


@pytest.mark.usefixtures("folder")
def test_keys_are_kept_as_written() -> None:
    Path("m.yaml").write_text(
        broken('"0": agent', '"0": agent\n        010: bye'), encoding="utf-8"
    )
    main = load_menu("m.yaml").nodes["main"]
    assert isinstance(main, MenuNode)
    assert [option.key for option in main.options] == ["1", "0", "010"]


@pytest.mark.parametrize("path", sorted(Path("menus").glob("*.yaml")), ids=str)
def test_bundled_menus_load(path: Path) -> None:
    menu = load_menu(path)
    assert menu.humans(), f"{path} has no human endpoint"


@pytest.mark.usefixtures("folder")
def test_suggestions_in_a_big_menu() -> None:
    # above 200 names the hint comes from a bigram shortlist; it must still be the right one
    leaves = "".join(
        f'  desk_{i}:\n    transfer: {{to: "+44 20 7946 {i:04d}"}}\n' for i in range(300)
    )
    text = broken('"1": billing', '"1": desk_217\n        "2": dsek_127') + leaves
    assert errors_of(text) == [
        'm.yaml:16:14: option "2" goes to unknown node "dsek_127" (did you mean "desk_127"?)'
    ]


@pytest.mark.usefixtures("folder")
def test_suggestions_among_many_similar_names() -> None:
    # names that share most letter groups (m1, m12, m120...) still get the right hint
    leaves = "".join(f"  m{i}:\n    hangup: {{}}\n" for i in range(3_000))
    text = broken('"1": billing', '"1": m1234\n        "2": xm1234\n        "3": m2999x') + leaves
    assert errors_of(text) == [
        'm.yaml:16:14: option "2" goes to unknown node "xm1234" (did you mean "m1234"?)',
        'm.yaml:17:14: option "3" goes to unknown node "m2999x" (did you mean "m2999"?)',
    ]
