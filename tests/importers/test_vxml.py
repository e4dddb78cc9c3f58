"""VoiceXML documents imported as menus: Dialogic's voicemail demo and OPAL's IVR sample
(real; tests/fixtures/imports/README.md), a three-document application written in the
style of the specification's examples, and hand-written documents for bad input."""

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
from ivr.model import (
    DecideNode,
    HangupNode,
    InputNode,
    MenuNode,
    RecordNode,
    SayNode,
    TransferNode,
)
from tests.importers.import_support import graph_of, mangle_and_load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports" / "vxml"
VOICEMAIL = FIXTURES / "VoiceMail.vxml"
OPAL = FIXTURES / "opal-ivr-test.vxml"
TRAVEL = FIXTURES / "travel" / "main.vxml"
TRAVEL_ROOT = FIXTURES / "travel" / "root.vxml"
BOOKINGS = FIXTURES / "travel" / "bookings.vxml"


def options(node: object) -> dict[str, str]:
    assert isinstance(node, MenuNode)
    return {option.key: option.goto for option in node.options}


# -- Dialogic's voicemail demo ---------------------------------------------------------------


def test_voicemail_demo_reads_as_an_analyst_draws_it() -> None:
    menu = load_menu(VOICEMAIL)
    assert menu.start == "main_menu"
    main_menu = menu.nodes["main_menu"]
    assert options(main_menu) == {"1": "play_audio", "2": "record_message", "3": "goodbye"}
    assert isinstance(main_menu, MenuNode)
    assert main_menu.prompt.audio == "file:///var/lib/xms/media/en-US/vxml/main_menu.wav"
    # silence and a wrong key play nomatch.wav and go back to the menu, with no end
    for route in (main_menu.on_timeout, main_menu.on_invalid):
        say = menu.nodes[route or ""]
        assert isinstance(say, SayNode) and say.next == "main_menu"
        assert say.prompt.audio == "file:///var/lib/xms/media/en-US/generic/audio/nomatch.wav"
    record = menu.nodes["record_message"]
    assert isinstance(record, RecordNode) and record.max_length == 5
    replay = menu.nodes[record.next or ""]
    assert isinstance(replay, SayNode) and replay.next == "main_menu"
    assert "[voiceMessage]" in replay.prompt.text("en")  # the recording played back
    goodbye = menu.nodes["goodbye"]
    assert isinstance(goodbye, SayNode) and isinstance(menu.nodes[goodbye.next or ""], HangupNode)
    assert menu.humans() == []


def test_voicemail_demo_warns_about_the_record_noinput_at_its_line() -> None:
    _, problems = check_menu(VOICEMAIL)
    messages = [str(p) for p in problems]
    assert (
        f"{VOICEMAIL}:83:3: warning: <noinput> of a <record> is not kept: a recording node "
        "has no silence route"
    ) in messages
    assert all(": error:" not in m for m in messages)


def test_voicemail_demo_audits_frozen_with_no_person() -> None:
    report = audit_menu(load_menu(VOICEMAIL))
    codes = {finding.code for finding in report.findings}
    assert {"IVR101", "IVR102"} <= codes
    assert report.metrics.humans == []


def test_ivr_call_leaves_a_message_and_comes_back_to_the_menu() -> None:
    result = CliRunner().invoke(main, ["call", str(VOICEMAIL), "--press", "2", "--silence"])
    assert result.exit_code == 0, result.output
    assert "record" in result.output.lower()
    call = Call(load_menu(VOICEMAIL))
    call.start()
    call.press("3")
    assert call.outcome is not None and call.outcome.kind == "hangup"


# -- OPAL's IVR sample -------------------------------------------------------------------------


def test_opal_sample_reads_as_an_analyst_draws_it() -> None:
    menu = load_menu(OPAL)
    main_menu = menu.nodes["MainMenu"]
    assert options(main_menu) == {
        "1": "PlayFile",
        "2": "RecordFile",
        "3": "DoTransfer",
        "4": "GetOperator",
        "0": "HangUp",
    }
    assert isinstance(main_menu, MenuNode)
    assert main_menu.timeout == 30  # <property name="timeout" value="30s"/>
    assert main_menu.options[3].phrases == ("Press 4 to speak to an operator",)
    hangup = menu.nodes[main_menu.on_timeout or ""]  # silence disconnects
    assert isinstance(hangup, HangupNode)
    assert hangup.prompt.text("en") == "Nothing entered, disconnecting."
    operator = menu.nodes["GetOperator"]
    assert isinstance(operator, TransferNode) and operator.to == "sip:500@ekiga.net"
    failed = menu.nodes[operator.on_no_answer or ""]  # <error>: back to the main menu
    assert isinstance(failed, SayNode) and failed.next == "MainMenu"
    digits = menu.nodes["DoTransfer"]
    assert isinstance(digits, InputNode) and (digits.min_digits, digits.max_digits) == (1, 5)
    # the document's variables are literals: goto expr="application.TestGoto" is MainMenu
    play = menu.nodes["PlayFile"]
    assert isinstance(play, SayNode) and play.next == "MainMenu"
    assert play.prompt.audio == "file:../callgen/ogm.wav"


def test_opal_sample_audits_with_its_operator_and_dialled_person() -> None:
    report = audit_menu(load_menu(OPAL))
    people = [(r.node, r.depth, r.keys[0]) for r in report.metrics.humans]
    assert people == [("GetOperator", 1, "4"), ("DoTransfer_filled_transfer", 2, "3")]
    codes = {finding.code for finding in report.findings}
    assert "IVR108" in codes  # silence at the main menu disconnects


def test_opal_sample_warns_about_nextitem_at_its_line() -> None:
    messages = [str(w) for w in load_menu(OPAL).warnings]
    assert (
        f'{OPAL}:60:7: warning: nextitem="MainMenu" names a dialog, not a form item: it is '
        "taken as the dialog"
    ) in messages
    # the form's <error> (a failed transfer) is no route of the menu format
    assert (
        f"{OPAL}:163:5: warning: the handler of error is not kept (only noinput and nomatch are)"
    ) in messages


def test_ivr_call_reaches_the_operator() -> None:
    result = CliRunner().invoke(main, ["call", str(OPAL), "--press", "4"])
    assert result.exit_code == 0, result.output
    assert 'Call ended at human "GetOperator"' in result.output


# -- an application of three documents ---------------------------------------------------------


def test_the_application_reads_across_its_documents() -> None:
    menu = load_menu(TRAVEL)
    welcome = menu.nodes["welcome"]
    assert isinstance(welcome, MenuNode)
    # dtmf="true" numbers the choices; the root document's link is key 0 and "operator"
    assert options(welcome) == {
        "1": "flights",
        "2": "bookings_booking",
        "3": "goodbye",
        "0": "root_operator",
    }
    assert welcome.options[3].phrases == ("operator", "agent")
    assert welcome.prompt.text("en") == (
        "Welcome to Acme Travel. For flight status, press 1. For bookings, press 2. "
        "For goodbye, press 3."
    )
    assert welcome.timeout == 6  # the root document's property
    # <nomatch count="2"> and the root's <noinput count="3">: after two failures
    assert (welcome.retries, welcome.on_fail) == (1, "root_noinput")
    booking = menu.nodes["bookings_booking"]
    assert options(booking) == {
        "1": "bookings_change",
        "2": "bookings_cancel",
        "0": "root_operator",
    }
    assert booking.location.file == str(BOOKINGS)
    assert menu.nodes["root_operator"].location.file == str(TRAVEL_ROOT)
    flight = menu.nodes["flights"]
    assert isinstance(flight, InputNode) and (flight.min_digits, flight.max_digits) == (4, 4)
    submit = menu.nodes[menu.nodes["bookings_change"].next or ""]  # type: ignore[attr-defined]
    assert isinstance(submit, DecideNode) and submit.about.endswith("travel.example.com/change")
    assert [node.id for node in menu.humans()] == ["root_operator"]


def test_the_operator_link_is_an_escape_from_every_menu() -> None:
    report = audit_menu(load_menu(TRAVEL))
    assert [(r.node, r.depth, r.keys) for r in report.metrics.humans] == [
        ("root_operator", 1, ["0"])
    ]
    assert "IVR101" not in {finding.code for finding in report.findings}
    call = Call(load_menu(TRAVEL))
    call.start()
    call.press("2")
    assert call.node == "bookings_booking"
    call.press("0")
    assert call.outcome is not None and call.outcome.node == "root_operator"


def test_the_application_warnings_name_their_documents() -> None:
    messages = [str(w) for w in load_menu(TRAVEL).warnings]
    assert (
        f'{BOOKINGS}:21:12: warning: "https://travel.example.com/change" is not a document of '
        "this folder: kept as a decision (what it does is unknown)"
    ) in messages
    assert any(
        m.startswith(f'{TRAVEL}:13:5: warning: <noinput> says "Please choose an option."')
        for m in messages
    )


def test_ivr_import_writes_yaml_that_loads_to_the_same_menu(tmp_path: Path) -> None:
    out = tmp_path / "travel.yaml"
    result = CliRunner().invoke(main, ["import", str(TRAVEL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"# {TRAVEL_ROOT}:17:5: VoiceXML <transfer name='call'>" in text
    again = load_menu(out)
    assert options(again.nodes["welcome"]) == options(load_menu(TRAVEL).nodes["welcome"])


# -- hand-written documents: bad input ---------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "doc.vxml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_vxml_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '<vxml version="2.1">\n  <menu id="m">\n  </form>\n</vxml>\n')
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    assert str(caught.value.errors[0]).startswith(f"{path}:3:5: invalid XML: mismatched tag")


def test_an_entity_bomb_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE vxml [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        "<vxml><form><block>&b;</block></form></vxml>\n",
    )
    with pytest.raises(MenuLoadError) as caught:
        import_file(path)
    assert str(caught.value.errors[0]).startswith(f"{path}:3:2: unsafe XML refused")


def test_what_is_not_understood_is_a_located_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <menu id="main">
    <prompt>For sales, press 1. For help, press 2.</prompt>
    <choice dtmf="1" expr="salesDialog">sales</choice>
    <choice dtmf="2" event="help">help</choice>
    <choice>anything</choice>
  </menu>
  <form id="survey">
    <subdialog name="q" src="survey.vxml#q"/>
    <block><script>count++;</script><dance/>Bye.</block>
  </form>
</vxml>
""",
    )
    menu = load_menu(path)
    messages = [str(w) for w in menu.warnings]
    assert f"{path}:4:5: warning: choice goes to expr=salesDialog, not evaluated: a decision" in (
        messages
    )
    assert f'{path}:5:5: warning: choice throws "help": kept as a decision' in messages
    assert any(
        m.startswith(f'{path}:6:5: warning: choice "anything" has no keypad key') for m in messages
    )
    assert any(
        m.startswith(f"{path}:9:5: warning: <subdialog> survey.vxml#q is not run") for m in messages
    )
    assert f"{path}:10:12: warning: <script> is not run: what it computes is unknown" in messages
    assert f"{path}:10:37: warning: <dance> is not understood: skipped" in messages
    assert all(
        isinstance(menu.nodes[goto], DecideNode) for goto in options(menu.nodes["main"]).values()
    )


def test_a_document_that_is_not_vxml_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "<html><body/></html>\n")
    with pytest.raises(MenuLoadError) as caught:
        import_file(path, "vxml")
    assert str(caught.value.errors[0]) == f"{path}:1:1: a VoiceXML document is <vxml>"


@pytest.mark.slow
def test_mangled_files_are_imported_or_refused_never_a_crash() -> None:
    mangle_and_load(OPAL, "vxml")


@pytest.mark.parametrize("flow", [VOICEMAIL, OPAL, TRAVEL], ids=lambda p: p.name)
def test_import_then_yaml_then_load_gives_the_same_graph(flow: Path, tmp_path: Path) -> None:
    written = tmp_path / f"{flow.stem}.yaml"
    written.write_text(import_file(flow).yaml(), encoding="utf-8")
    assert graph_of(written) == graph_of(flow)


def test_tapered_prompts_are_the_prompt_and_the_reprompt(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <menu>
    <prompt count="1">Welcome. For sales, press 1.</prompt>
    <prompt count="2">Press 1 for sales.</prompt>
    <prompt count="3">Sales is 1.</prompt>
    <choice dtmf="1" next="#sales">sales</choice>
  </menu>
  <form id="sales"><transfer dest="tel:+15555550101"/></form>
</vxml>
""",
    )
    menu = load_menu(path)
    first = menu.nodes[menu.start]
    assert isinstance(first, MenuNode) and menu.start == "menu1"  # a menu without an id
    assert first.prompt.text("en") == "Welcome. For sales, press 1."
    assert first.reprompt.text("en") == "Press 1 for sales."
    assert options(first) == {"1": "sales"}
    assert (
        f'{path}:5:5: warning: <prompt count="3"> is not kept: the menu format has one prompt '
        "for the attempts after the first (the count 2 one)"
    ) in [str(w) for w in menu.warnings]
    call = Call(menu)
    call.start()
    call.silence()
    assert call.transcript[-1].text == "Press 1 for sales."


def test_a_link_or_choice_callers_can_only_say_is_a_spoken_option(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <link next="#agent"><grammar><item>agent</item></grammar></link>
  <link dtmf="0" event="help"/>
  <menu id="main">
    <prompt>For sales, press 1. Or say billing.</prompt>
    <choice dtmf="1" next="#agent">sales</choice>
    <choice next="#billing">billing</choice>
    <choice next="#agent">Sales</choice>
  </menu>
  <form id="agent"><transfer dest="tel:+15555550101"/></form>
  <form id="billing"><transfer dest="tel:+15555550102"/></form>
</vxml>
""",
    )
    menu = load_menu(path)
    messages = [str(w) for w in menu.warnings]
    assert f"{path}:3:3: warning: this <link> has no next=: not kept" in messages
    assert f'{path}:4:3: warning: "Sales" is said for an earlier choice' in " ".join(messages)
    main = menu.nodes["main"]
    assert options(main) == {"1": "agent"}
    assert isinstance(main, MenuNode) and main.input_modes == ("dtmf", "speech")
    assert {o.name: (o.phrases, o.goto) for o in main.spoken} == {
        "billing": (("billing",), "billing"),
        "agent": (("agent",), "agent"),  # the document's link: a word, no key
    }
    call = Call(menu)
    call.start()
    assert call.speak("billing please").node_reached == "billing"
