"""Asterisk dialplans imported as menus: two extensions.conf files written for these tests in
the style of Asterisk's sample (tests/fixtures/imports/README.md), and hand-written ones for
the constructs they do not use and for bad input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.run import audit_menu
from ivr.cli import main
from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.importers import import_file
from ivr.importers.detect import detect_format
from ivr.loader import check_menu, load_menu
from ivr.model import (
    BranchNode,
    DecideNode,
    HangupNode,
    InputNode,
    MenuNode,
    QueueNode,
    RecordNode,
    SayNode,
    TransferNode,
)
from tests.importers.import_support import graph_of, mangle_and_load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports" / "asterisk"
CARE = FIXTURES / "acme-care.conf"
BANK = FIXTURES / "bank-line.conf"
MONDAY_10 = datetime(2026, 11, 23, 10, 0)
MONDAY_14 = datetime(2026, 11, 23, 14, 0)
SUNDAY_10 = datetime(2026, 11, 22, 10, 0)


def options(node: object) -> dict[str, str]:
    assert isinstance(node, MenuNode)
    return {option.key: option.goto for option in node.options}


def test_dialplans_are_detected_by_their_content() -> None:
    assert detect_format(CARE.read_text(encoding="utf-8")) == "asterisk"
    assert detect_format(BANK.read_text(encoding="utf-8")) == "asterisk"


# -- the care line: includes with times, Background menu, people --------------------------------


def test_care_line_reads_as_an_analyst_draws_it() -> None:
    menu = load_menu(CARE)
    start = menu.nodes[menu.start]
    # [incoming] includes [incoming-open] in office hours, [incoming-closed] otherwise
    assert isinstance(start, BranchNode)
    assert [(rule.when and rule.when.hours, rule.goto) for rule in start.rules] == [
        ("mon_fri_08_00_17_00", "incoming-open_s_menu"),
        (None, "incoming-closed_s_2"),
    ]
    assert menu.hotline.hours["mon_fri_08_00_17_00"].is_open(MONDAY_10)
    main_menu = menu.nodes["incoming-open_s_menu"]
    assert options(main_menu) == {
        "1": "sales",
        "2": "support",
        "3": "incoming-open_3",
        "0": "incoming-open_0",
        "2XXX": "incoming-open__2XXX",  # the pattern _2XXX: extensions 2000-2999
    }
    assert isinstance(main_menu, MenuNode)
    assert main_menu.timeout == 6  # WaitExten(6)
    assert (main_menu.on_timeout, main_menu.on_invalid) == ("incoming-open_t", "incoming-open_i")
    assert main_menu.prompt.audio == "acme-welcome"
    operator = menu.nodes["incoming-open_0"]
    assert isinstance(operator, TransferNode)
    assert (operator.to, operator.ring) == ("PJSIP/2001", 20)  # ${SALES} from [globals]
    assert isinstance(menu.nodes[operator.on_no_answer or ""], RecordNode)
    assert isinstance(menu.nodes["incoming-open_3"], DecideNode)  # the AGI script
    assert sorted(node.id for node in menu.humans()) == [
        "incoming-open_0",
        "incoming-open__2XXX",
        "sales_s_2",
        "support_s_queue",
    ]
    assert isinstance(menu.nodes["support_s_queue"], QueueNode)
    assert menu.hotline.apologies is False


def test_gosub_runs_the_subroutine_and_returns() -> None:
    menu = load_menu(CARE)
    sales = menu.nodes["sales"]
    assert isinstance(sales, SayNode) and sales.next == "announce"
    announce = menu.nodes["announce"]
    assert isinstance(announce, SayNode) and announce.prompt.audio == "acme-call-recorded"
    back = menu.nodes[announce.next or ""]  # Return()
    assert isinstance(back, SayNode) and back.next == "sales_s_2"


def test_care_line_warns_about_the_queue_exit_at_its_line() -> None:
    _, problems = check_menu(CARE)
    messages = [str(p) for p in problems]
    assert not any("pattern _2XXX" in message for message in messages)  # a menu pattern now
    assert (
        f"{CARE}:59:10: warning: after the queue times out the dialplan goes on to VoiceMail; "
        "the menu ends at the queue, so that route is not kept"
    ) in messages
    assert all(": error:" not in m for m in messages)


def test_calls_follow_the_hours_of_the_includes_and_of_gotoiftime() -> None:
    menu = load_menu(CARE)
    closed = Call(menu, at=SUNDAY_10)
    closed.start()
    assert closed.outcome is not None and closed.outcome.kind == "voicemail"
    morning = Call(menu, at=MONDAY_10)
    morning.start()
    morning.press("2")
    assert morning.outcome is not None and morning.outcome.node == "support_s_queue"
    afternoon = Call(menu, at=MONDAY_14)
    afternoon.start()
    afternoon.press("2")  # GotoIfTime false: the afternoon message, then the queue
    assert afternoon.outcome is not None and afternoon.outcome.node == "support_s_queue"
    assert any("acme support afternoon" in line.text for line in afternoon.transcript)


def test_a_wrong_key_plays_invalid_and_asks_again() -> None:
    call = Call(load_menu(CARE), at=MONDAY_10)
    call.start()
    call.press("7")
    assert call.node == "incoming-open_s_menu"
    assert any(line.text == "invalid" for line in call.transcript)


def test_care_line_audits_with_its_people() -> None:
    report = audit_menu(load_menu(CARE))
    people = {(r.node, r.depth, r.keys[0]) for r in report.metrics.humans}
    assert ("incoming-open_0", 1, "0") in people
    assert ("support_s_queue", 1, "2") in people
    codes = {finding.code for finding in report.findings}
    assert "IVR108" in codes  # silence says goodbye and hangs up
    assert "IVR102" not in codes


def test_ivr_call_reaches_the_operator_in_office_hours() -> None:
    args = ["call", str(CARE), "--at", "2026-11-23T10:00", "--press", "0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert 'Call ended at human "incoming-open_0"' in result.output


# -- the bank line: Read and GotoIf as a menu, Macro, an unknown application --------------------


def test_bank_line_reads_its_read_and_gotoifs_as_a_menu() -> None:
    menu = load_menu(BANK)
    assert menu.start == "bank_s_ask"  # [bank]: [macro-goodbye] is only called
    ask = menu.nodes["bank_s_ask"]
    assert options(ask) == {"1": "bank_balance", "2": "bank_cards", "0": "bank_teller"}
    assert isinstance(ask, MenuNode)
    assert (ask.timeout, ask.retries) == (5, 2)  # Read(...,3 attempts,5 s)
    invalid = menu.nodes[ask.on_invalid or ""]
    assert isinstance(invalid, SayNode) and invalid.next == "bank_s_ask"
    account = menu.nodes["bank_balance"]
    assert isinstance(account, InputNode)
    assert (account.var, account.max_digits) == ("ACCOUNT", 8)
    agi = menu.nodes[account.next or ""]
    assert isinstance(agi, DecideNode)
    check = menu.nodes[agi.outcomes[0].goto]
    assert isinstance(check, DecideNode)
    assert {o.name: o.goto for o in check.outcomes} == {
        "true": "bank_balance_said",
        "false": "bank_teller",
    }
    goodbye = menu.nodes["bank_balance_said"]  # Macro(goodbye)
    assert isinstance(goodbye, SayNode) and goodbye.next == "macro-goodbye"
    assert [node.id for node in menu.humans()] == ["bank_teller"]
    assert "bank_9" not in menu.nodes  # extension 9 is never offered: Read routes 1, 2, 0


def test_bank_line_warns_about_the_unknown_application() -> None:
    menu = load_menu(BANK)
    assert (
        f"{BANK}:25:10: warning: application Festival is not understood: kept as a decision "
        "that goes on to the next priority"
    ) in [str(w) for w in menu.warnings]
    cards = menu.nodes["bank_cards_2"]
    assert isinstance(cards, DecideNode)
    hangup = menu.nodes[cards.outcomes[0].goto]
    assert isinstance(hangup, HangupNode)


def test_bank_line_audits_with_the_tellers_one_key_away() -> None:
    report = audit_menu(load_menu(BANK))
    assert [(r.node, r.depth, r.keys) for r in report.metrics.humans] == [("bank_teller", 1, ["0"])]
    result = CliRunner().invoke(main, ["call", str(BANK), "--press", "2"])
    assert result.exit_code == 0, result.output
    assert "cards lost stolen" in result.output


def test_ivr_import_writes_yaml_that_loads_to_the_same_menu(tmp_path: Path) -> None:
    out = tmp_path / "bank.yaml"
    result = CliRunner().invoke(main, ["import", str(BANK), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"# {BANK}:12:10: [bank] s,3: Read(CHOICE,bank-main-menu,1,,3,5)" in text
    assert load_menu(out).nodes.keys() == load_menu(BANK).nodes.keys()


# -- hand-written dialplans: bad input ----------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extensions.conf"
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_lines_are_errors_with_file_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "exten => s,1,Answer()\n"
        "[ivr]\n"
        "exten => s,one,Playback(hello)\n"
        "same => n,Hangup()\n"
        "[broken\n",
    )
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    assert [str(error) for error in caught.value.errors] == [
        f"{path}:1:1: exten before any [context]",
        f'{path}:3:10: exten => s,one,Playback(hello): expected "extension,priority,App(args)" '
        "(the priority is missing or malformed)",
        f'{path}:5:1: a context header is "[name]"; this one is not closed',
    ]


def test_constructs_not_understood_are_located_warnings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "#include extra.conf\n"
        "[ivr]\n"
        "switch => DUNDi/e164\n"
        "exten => s,1,Background(main-menu)\n"
        "exten => 1,1,Goto(${DEST},1)\n"
        "exten => 2,1,Gosub(elsewhere,s,1)\n"
        " same => n,Hangup()\n"
        "exten => 3,1,ExecIf($[1]?Playback(x))\n"
        "this is not a dialplan line\n"
        "include => parkedcalls\n",
    )
    menu = load_menu(path)
    messages = [str(w) for w in menu.warnings]
    name = str(path)
    assert f"{name}:1:1: warning: #include is not followed: its lines are not read" in messages
    assert f"{name}:3:1: warning: switch => DUNDi/e164 is not followed" in messages
    assert (
        f"{name}:5:10: warning: Goto(${{DEST}},1) is computed at run time: the call ends there"
    ) in messages
    assert (
        f"{name}:8:10: warning: application ExecIf is not understood: kept as a decision that "
        "goes on to the next priority"
    ) in messages
    assert f'{name}:9:1: warning: "this is not a dialplan line" is not understood: skipped' in (
        messages
    )
    assert f"{name}:10:1: warning: [ivr] includes [parkedcalls], which is not in this file" in (
        messages
    )
    routes = options(menu.nodes["ivr"])
    elsewhere = menu.nodes[routes["2"]]  # Gosub into a context that is not in the file
    assert isinstance(elsewhere, DecideNode) and elsewhere.about == "Gosub(elsewhere,s,1)"
    # no t or i extension: silence and wrong keys end the call, as Asterisk does
    ivr = menu.nodes["ivr"]
    assert isinstance(ivr, MenuNode) and ivr.on_timeout is None and ivr.on_invalid is None
    call = Call(menu)
    call.start()
    call.silence()
    assert call.outcome is not None and call.outcome.kind == "hangup"


def test_extension_patterns_become_digit_patterns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[ivr]\n"
        "exten => s,1,Background(main-menu)\n"
        "exten => _NXX,1,Dial(PJSIP/${EXTEN})\n"
        "exten => _1[2-5]x,1,Dial(PJSIP/${EXTEN})\n"
        "exten => _9.,1,Dial(PJSIP/out)\n"
        "exten => _!,1,Hangup()\n"
        "exten => _2Q,1,Hangup()\n",
    )
    menu = load_menu(path)
    main_menu = menu.nodes[menu.start]
    assert list(options(main_menu)) == ["NXX", "1[2-5]X", "9X"]
    assert [str(w).split("warning: ")[1] for w in menu.warnings if "pattern" in str(w)] == [
        "pattern _9. accepts any number of digits; a menu pattern has a fixed length, so the "
        'option is "9X" (the shortest entry it accepts)',
        "pattern _! cannot be a menu option (a pattern needs at least one position); not an option",
        'pattern _2Q cannot be a menu option ("Q" is not a pattern letter: use digits, *, #, X '
        "(0-9), Z (1-9), N (2-9) or a set like [1-5]); not an option",
    ]
    call = Call(menu)
    call.start()
    assert call.press("135").node_reached == options(main_menu)["1[2-5]X"]


def test_a_file_without_contexts_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[general]\nstatic=yes\n")
    with pytest.raises(MenuLoadError) as caught:
        import_file(path, "asterisk")
    assert str(caught.value.errors[0]) == (
        f"{path}:1:1: no dialplan context ([name] with exten => lines) in this file"
    )


@pytest.mark.slow
def test_mangled_files_are_imported_or_refused_never_a_crash() -> None:
    mangle_and_load(CARE, "asterisk")


@pytest.mark.parametrize("flow", [CARE, BANK], ids=lambda p: p.name)
def test_import_then_yaml_then_load_gives_the_same_graph(flow: Path, tmp_path: Path) -> None:
    written = tmp_path / f"{flow.stem}.yaml"
    written.write_text(import_file(flow).yaml(), encoding="utf-8")
    assert graph_of(written) == graph_of(flow)
