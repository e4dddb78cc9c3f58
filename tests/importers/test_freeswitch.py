"""FreeSWITCH ivr.conf menus imported as menus: the vanilla demo menus (real, MPL-1.1; see
tests/fixtures/imports/README.md) and hand-written ones for the entries they do not use."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.run import audit_menu
from ivr.cli import main
from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.importers import import_file
from ivr.loader import check_menu, load_menu
from ivr.model import DecideNode, HangupNode, MenuNode, SayNode, TransferNode
from tests.importers.import_support import graph_of, mangle_and_load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports" / "freeswitch"
DEMO = FIXTURES / "demo_ivr.xml"
DEMO_PHRASES = FIXTURES / "demo-ivr.xml"
NEW_DEMO = FIXTURES / "new_demo_ivr.xml"
NEW_DEMO_PHRASES = FIXTURES / "new-demo-ivr.xml"


def options(menu_node: object) -> dict[str, str]:
    assert isinstance(menu_node, MenuNode)
    return {option.key: option.goto for option in menu_node.options}


# -- the vanilla demo menus ---------------------------------------------------------------------


def test_demo_ivr_reads_as_an_analyst_draws_it() -> None:
    menu = load_menu(DEMO)
    assert menu.start == "demo_ivr"
    main_menu = menu.nodes["demo_ivr"]
    assert options(main_menu) == {
        "1": "demo_ivr_1",
        "2": "demo_ivr_2",
        "3": "demo_ivr_3",
        "4": "demo_ivr_4",
        "5": "demo_ivr_5",
        "6": "demo_ivr_submenu",
        "10[01]X": "demo_ivr_10_01_X",  # the regex /^(10[01][0-9])$/: extensions 1000-1019
        "9": "demo_ivr",  # menu-top: the menu again
    }
    assert isinstance(main_menu, MenuNode)
    assert (main_menu.timeout, main_menu.retries) == (10.0, 2)  # 10000 ms, 3 failures
    assert options(menu.nodes["demo_ivr_submenu"]) == {"*": "demo_ivr"}
    # the bridge is a person; transfers into the dialplan are other systems, but for the
    # extensions 1000-1019, which ring a user's phone in FreeSWITCH's vanilla dialplan
    assert [node.id for node in menu.humans()] == ["demo_ivr_1", "demo_ivr_10_01_X"]
    echo = menu.nodes["demo_ivr_2"]
    assert isinstance(echo, TransferNode) and echo.human is False and echo.to == "9196 XML default"
    goodbye = menu.nodes[main_menu.on_fail or ""]
    assert isinstance(goodbye, HangupNode) and goodbye.prompt.audio == "voicemail/vm-goodbye.wav"
    assert menu.nodes["demo_ivr_10_01_X"].location.line == 30


def test_demo_ivr_warns_about_the_vanilla_extensions_at_their_lines() -> None:
    _, problems = check_menu(DEMO)
    messages = [str(problem) for problem in problems]
    assert not any("digits regex" in message for message in messages)  # a digit pattern now
    assert (
        f"{DEMO}:30:5: warning: transfer $1 XML features is taken as a person: in FreeSWITCH's "
        "vanilla dialplan it is please_hold, then Local_Extension: that user's phone; check the "
        "dialplan this menu runs with"
    ) in messages
    assert any(
        m.startswith(f"{DEMO}:4:3:") and 'macro "demo_ivr_main_menu" is not resolved' in m
        for m in messages
    )
    assert all(": error:" not in m for m in messages)


def test_phrase_macros_are_resolved_from_the_phrase_file() -> None:
    flow = import_file(DEMO, phrases=str(DEMO_PHRASES))
    prompt = flow.nodes["demo_ivr"]["menu"]["prompt"]
    assert prompt["audio"] == "phrase:demo_ivr_main_menu"
    assert prompt["text"].startswith("welcome to freeswitch this ivr will let you test features")
    assert "to call the freeswitch conference please press 1" in prompt["text"]
    assert not any("not resolved" in warning.message for warning in flow.warnings)
    # greet-short is said on later attempts; FreeSWITCH's own short greeting offers the
    # sub menu on 4, which the menu gives to ClueCon (the sub menu is on 6)
    reprompt = flow.nodes["demo_ivr"]["menu"]["reprompt"]
    assert reprompt["audio"] == "phrase:demo_ivr_main_menu_short"
    assert "to hear sample submenu please press 4" in reprompt["text"]
    menu = load_menu(DEMO)
    main_menu = menu.nodes["demo_ivr"]
    assert isinstance(main_menu, MenuNode)
    assert main_menu.reprompt.audio == "phrase:demo_ivr_main_menu_short"


def test_demo_ivr_audits_with_its_two_people() -> None:
    report = audit_menu(load_menu(DEMO))
    assert [(r.node, r.depth, r.keys) for r in report.metrics.humans] == [
        ("demo_ivr_1", 1, ["1"]),
        ("demo_ivr_10_01_X", 1, ["10[01]X"]),
    ]
    codes = {finding.code for finding in report.findings}
    assert {"IVR101", "IVR108"} <= codes  # no 0 for a person; three failures say goodbye
    assert "IVR102" not in codes


def test_ivr_call_goes_to_the_submenu_back_and_to_the_conference() -> None:
    result = CliRunner().invoke(
        main, ["call", str(DEMO), "--press", "6", "--press", "*", "--press", "1"]
    )
    assert result.exit_code == 0, result.output
    assert 'Call ended at human "demo_ivr_1"' in result.output


def test_three_silences_exit_the_menu_with_its_goodbye() -> None:
    call = Call(load_menu(DEMO))
    call.start()
    for _ in range(3):
        call.silence()
    assert call.outcome is not None and call.outcome.kind == "hangup"
    assert call.node == "demo_ivr_exit"


def test_new_demo_ivr_has_no_person_and_keeps_the_broken_entry_as_a_decision() -> None:
    menu = load_menu(NEW_DEMO)
    assert options(menu.nodes["new_demo_ivr"]) == {
        "1": "freeswitch_ivr_submenu",
        "2": "freeswitch_solutions_ivr_submenu",
        "3": "cluecon_ivr_submenu",
        "4": "new_demo_ivr_4",
        "9": "new_demo_ivr",
    }
    for submenu in ("freeswitch_ivr_submenu", "cluecon_ivr_submenu"):
        assert options(menu.nodes[submenu]) == {"9": submenu, "*": "new_demo_ivr"}
    # param="5000 XML default" names no application: FreeSWITCH runs an app called "5000"
    broken = menu.nodes["new_demo_ivr_4"]
    assert isinstance(broken, DecideNode) and broken.about == "FreeSWITCH 5000 XML default"
    assert [o.goto for o in broken.outcomes] == ["new_demo_ivr"]
    assert menu.humans() == []
    assert any(
        str(w).startswith(f'{NEW_DEMO}:22:5: warning: application "5000"') for w in menu.warnings
    )
    report = audit_menu(menu)
    assert "IVR102" in {finding.code for finding in report.findings}
    assert report.metrics.humans == []


def test_unknown_sound_names_in_a_phrase_file_are_warnings_there() -> None:
    flow = import_file(NEW_DEMO, phrases=str(NEW_DEMO_PHRASES))
    lost = [w for w in flow.warnings if w.file == str(NEW_DEMO_PHRASES)]
    assert lost and all('"[[sounds from tony/brian]]" is no file name' in w.message for w in lost)
    text = flow.nodes["cluecon_ivr_submenu"]["menu"]["prompt"]["text"]
    assert text.startswith("cluecon is premier conference")


def test_ivr_import_with_phrases_writes_commented_yaml(tmp_path: Path) -> None:
    out = tmp_path / "demo.yaml"
    args = ["import", str(DEMO), "--phrases", str(DEMO_PHRASES), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"# {DEMO}:22:5: menu-exec-app bridge sofia/" in text
    assert load_menu(out).nodes.keys() == load_menu(DEMO).nodes.keys()


def test_phrases_do_not_apply_to_other_formats(tmp_path: Path) -> None:
    studio = tmp_path / "flow.json"
    studio.write_text('{"initial_state": "Trigger", "states": []}', encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(studio), "--phrases", str(DEMO_PHRASES)])
    assert result.exit_code == 1
    assert f"{studio}:1:1: phrases does not apply to studio flows" in result.output


# -- hand-written menus: the entries the demo does not use, and bad input -------------------------

HAND_WRITTEN = """\
<configuration name="ivr.conf" description="IVR menus">
  <menus>
    <menu name="main" greet-long="say:For sales press 1. For news press 2. For an operator press 0."
          timeout="4000" max-failures="2" max-timeouts="4" exit-sound="say:Goodbye.">
      <entry action="menu-sub" digits="1" param="sales"/>
      <entry action="menu-play-sound" digits="2" param="say:No news today."/>
      <entry action="menu-exec-app" digits="0" param="bridge user/1000@example.com"/>
      <entry action="menu-exec-app" digits="7" param="lua surveys.lua"/>
      <entry action="menu-dance" digits="8"/>
      <entry action="menu-exit" digits="#"/>
    </menu>
    <menu name="sales" greet-long="ivr/sales_menu.wav" timeout="90000" pin="1234"
          exec-on-max-failures="bridge user/1001@example.com">
      <entry action="menu-back" digits="*"/>
      <entry action="menu-exec-app" digits="1" param="playback ivr/prices.wav"/>
      <entry action="menu-exec-app" digits="2" param="voicemail default $${domain} 2000"/>
    </menu>
  </menus>
</configuration>
"""


@pytest.fixture
def hand_written(tmp_path: Path) -> Path:
    path = tmp_path / "ivr.conf.xml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def test_every_entry_kind_becomes_its_route(hand_written: Path) -> None:
    menu = load_menu(hand_written)
    main_menu = menu.nodes["main"]
    assert isinstance(main_menu, MenuNode)
    assert main_menu.prompt.text("en").startswith("For sales press 1.")
    assert (main_menu.timeout, main_menu.retries) == (4.0, 3)  # the larger of 2 and 4 attempts
    routes = options(main_menu)
    assert routes["1"] == "sales"
    news = menu.nodes[routes["2"]]
    assert isinstance(news, SayNode) and news.next == "main"
    assert news.prompt.text("en") == "No news today."
    assert menu.nodes[routes["0"]].is_human
    assert isinstance(menu.nodes[routes["7"]], DecideNode)
    assert isinstance(menu.nodes[routes["8"]], DecideNode)
    assert isinstance(menu.nodes[routes["#"]], HangupNode)
    assert options(menu.nodes["sales"])["*"] == "main"  # menu-back: the menu that opened it
    sales = menu.nodes["sales"]
    assert isinstance(sales, MenuNode) and sales.prompt.audio == "ivr/sales_menu.wav"
    assert sales.timeout == 60  # 90 s kept within range, with a warning
    assert menu.nodes[options(sales)["2"]].kind == "record"
    operator = menu.nodes[sales.on_fail or ""]  # exec-on-max-failures: a person
    assert isinstance(operator, TransferNode) and operator.to == "user/1001@example.com"


def test_what_is_not_understood_is_a_located_warning(hand_written: Path) -> None:
    messages = [str(w) for w in load_menu(hand_written).warnings]
    name = str(hand_written)
    assert (
        f'{name}:8:7: warning: application "lua" (lua surveys.lua) is not understood: kept '
        "as a decision that comes back to the menu" in messages
    )
    assert (
        f'{name}:9:7: warning: entry action "menu-dance" is not understood: kept as a '
        "decision" in messages
    )
    assert (
        f"{name}:3:5: warning: max-failures and max-timeouts differ (2, 4); the menu keeps "
        "the larger (4)" in messages
    )
    assert f"{name}:12:5: warning: timeout of 90 s is kept within 1-60 s" in messages
    assert (
        f'{name}:12:5: warning: pin="1234": the menu asks for a PIN first; that step is not kept'
    ) in messages


def test_malformed_xml_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text('<include>\n  <menu name="a">\n    <entry digits="1">\n  </menu>\n', "utf-8")
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    assert str(caught.value.errors[0]).startswith(f"{path}:4:5: invalid XML: mismatched tag")


def test_an_entity_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE include [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        '<include><menu name="x" greet-long="say:&b;"/></include>\n',
        "utf-8",
    )
    with pytest.raises(MenuLoadError) as caught:
        import_file(path, "freeswitch")
    assert str(caught.value.errors[0]).startswith(f"{path}:3:2: unsafe XML refused")


def test_xml_without_menus_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<include>\n  <macro name='x'/>\n</include>\n", "utf-8")
    with pytest.raises(MenuLoadError) as caught:
        import_file(path, "freeswitch")
    assert str(caught.value.errors[0]) == f"{path}:1:1: a FreeSWITCH ivr.conf has <menu name=...>"


@pytest.mark.slow
def test_mangled_files_are_imported_or_refused_never_a_crash() -> None:
    mangle_and_load(DEMO, "freeswitch")


@pytest.mark.parametrize("flow", [DEMO, NEW_DEMO], ids=lambda p: p.name)
def test_import_then_yaml_then_load_gives_the_same_graph(flow: Path, tmp_path: Path) -> None:
    written = tmp_path / f"{flow.stem}.yaml"
    written.write_text(import_file(flow).yaml(), encoding="utf-8")
    assert graph_of(written) == graph_of(flow)


def test_the_demo_extension_regex_is_a_digit_pattern_a_caller_dials() -> None:
    call = Call(load_menu(DEMO))
    call.start()
    step = call.press("1012")
    assert (step.kind, step.node_reached) == ("matched", "demo_ivr_10_01_X")
    call = Call(load_menu(DEMO))
    call.start()
    step = call.press("1020")  # outside 1000-1019: key 1, then 020 typed ahead
    assert (step.matched, step.node_reached) == ("1", "demo_ivr_1")


REGEX_MENU = """\
<configuration name="ivr.conf" description="IVR menus">
  <menus>
    <menu name="main" greet-long="say:Dial an extension." timeout="4000">
      <entry action="menu-exec-app" digits="/^2\\d{3}$/" param="transfer $1 XML default"/>
      <entry action="menu-exec-app" digits="/^(3[1-4]5)$/" param="transfer $1 XML default"/>
      <entry action="menu-exec-app" digits="/^(40|41|52)$/" param="transfer $1 XML default"/>
      <entry action="menu-exec-app" digits="/^(?:6[0-2]\\d{4})$/" param="transfer $1 XML default"/>
      <entry action="menu-exec-app" digits="/^98765$/" param="transfer $1 XML default"/>
    </menu>
  </menus>
</configuration>
"""


def test_digit_class_regexes_become_patterns_and_others_keep_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "ivr.conf.xml"
    path.write_text(REGEX_MENU, encoding="utf-8")
    menu, problems = check_menu(path)
    assert menu is not None
    assert list(options(menu.nodes["main"])) == ["2XXX", "3[1-4]5", "40", "6[0-2]XXXX"]
    assert [str(p).split("warning: ")[1] for p in problems if "regex" in str(p)] == [
        "digits regex /^(40|41|52)$/ accepts 3 extension(s) (40-52), which no one digit "
        'pattern covers, so the option keeps the first, "40"',
        "digits regex /^98765$/ accepts no key of up to 4 digits; skipped",
    ]
    call = Call(menu)
    call.start()
    assert call.press("612345").node_reached == options(menu.nodes["main"])["6[0-2]XXXX"]
