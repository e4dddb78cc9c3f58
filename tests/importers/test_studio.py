"""Twilio Studio flows imported as menus: real flows (tests/fixtures/imports/README.md) and
hand-written ones for the widgets the real ones do not use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.run import audit_menu
from ivr.cli import main
from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.graph import build_graph
from ivr.importers import import_file
from ivr.loader import check_menu, load_menu
from ivr.model import DecideNode, MenuNode, QueueNode, RecordNode, TransferNode
from tests.importers.import_support import graph_of

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
SCHEDULE = FIXTURES / "studio-schedule-flow.json"
CALLBACK = FIXTURES / "studio-callback-flow.json"
WIDGETS = FIXTURES / "studio-widgets"


def trigger(first: str) -> dict:
    return {
        "name": "Trigger",
        "type": "trigger",
        "transitions": [{"event": "incomingMessage"}, {"event": "incomingCall", "next": first}],
        "properties": {},
    }


def split_on_digits(
    name: str, gather: str, routes: list[tuple[str, str, str]], no_match: str, field="Digits"
):
    transitions: list[dict] = [{"event": "noMatch", "next": no_match}]
    for kind, value, target in routes:
        condition = {
            "friendly_name": value,
            "type": kind,
            "value": value,
            "arguments": [f"{{{{widgets.{gather}.{field}}}}}"],
        }
        transitions.append({"event": "match", "next": target, "conditions": [condition]})
    return {
        "name": name,
        "type": "split-based-on",
        "transitions": transitions,
        "properties": {"input": f"{{{{widgets.{gather}.{field}}}}}"},
    }


# A small care line written for these tests (Studio's own JSON layout).
CARE_LINE = {
    "description": "Care line",
    "initial_state": "Trigger",
    "states": [
        trigger("greeting"),
        {
            "name": "greeting",
            "type": "say-play",
            "properties": {"say": "Welcome to Acme."},
            "transitions": [{"event": "audioComplete", "next": "main_menu"}],
        },
        {
            "name": "main_menu",
            "type": "gather-input-on-call",
            "properties": {"say": "For billing, press 1. For an agent, press 0.", "timeout": 6},
            "transitions": [
                {"event": "keypress", "next": "route"},
                {"event": "speech", "next": "route_speech"},
                {"event": "timeout", "next": "main_menu"},
            ],
        },
        split_on_digits(
            "route_speech",
            "main_menu",
            [
                ("contains", "billing", "billing"),
                ("matches_any_of", "agent, operator", "agent"),
                ("equal_to", "fax", "fax"),
            ],
            "main_menu",
            field="SpeechResult",
        ),
        split_on_digits(
            "route",
            "main_menu",
            [("equal_to", "1", "billing"), ("matches_any_of", "0,9", "agent")],
            "main_menu",
        ),
        {
            "name": "billing",
            "type": "run-function",
            "properties": {"url": "https://acme.twil.io/balance"},
            "transitions": [
                {"event": "success", "next": "voicemail"},
                {"event": "fail", "next": "agent"},
            ],
        },
        {
            "name": "voicemail",
            "type": "record-voicemail",
            "properties": {"max_length": 60},
            "transitions": [{"event": "recordingComplete"}],
        },
        {
            "name": "agent",
            "type": "connect-call-to",
            "properties": {"noun": "number", "to": "+15555550100", "timeout": 20},
            "transitions": [{"event": "callCompleted"}],
        },
        {
            "name": "fax",
            "type": "send-fax-someday",
            "properties": {},
            "transitions": [{"event": "done", "next": "nowhere"}],
        },
    ],
}


def state_line(text: str, name: str) -> int:
    """The line where the state named ``name`` opens (its "{")."""
    brace = text.rindex("{", 0, text.index(f'"name": "{name}"'))
    return text[:brace].count("\n") + 1


@pytest.fixture
def care_line(tmp_path: Path) -> Path:
    path = tmp_path / "care.json"
    path.write_text(json.dumps(CARE_LINE, indent=2), encoding="utf-8")
    return path


# -- real flows ------------------------------------------------------------------------------


def test_schedule_flow_reads_as_an_analyst_draws_it() -> None:
    menu = load_menu(SCHEDULE)
    assert menu.start == "check_schedule"
    check = menu.nodes["check_schedule"]
    assert isinstance(check, DecideNode)
    assert {o.name: o.goto for o in check.outcomes} == {
        "success": "is_open",
        "fail": "send_to_flex",
    }
    is_open = menu.nodes["is_open"]
    assert isinstance(is_open, DecideNode)
    assert [o.goto for o in is_open.outcomes] == ["send_to_flex", "say_closed"]
    assert [node.id for node in menu.humans()] == ["send_to_flex"]
    assert menu.nodes["say_closed"].location.line == 93
    assert menu.hotline.apologies is False


def test_schedule_flow_warns_about_its_liquid_template_at_its_line() -> None:
    _, problems = check_menu(SCHEDULE)
    assert [str(p) for p in problems] == [
        f"{SCHEDULE}:93:5: warning: this prompt is a Liquid template, kept as written: the "
        "line says only one of its branches, with the variables filled in"
    ]


def test_schedule_flow_audits_with_findings_in_the_json_file() -> None:
    report = audit_menu(load_menu(SCHEDULE))
    assert [(route.node, route.depth) for route in report.metrics.humans] == [("send_to_flex", 0)]
    assert {f.code for f in report.findings} >= {"IVR203", "IVR204", "IVR205"}
    assert "IVR102" not in {f.code for f in report.findings}


def test_schedule_flow_calls_take_each_outcome_of_the_function() -> None:
    menu = load_menu(SCHEDULE)
    open_call = Call(menu)
    open_call.start()
    assert open_call.outcome is not None and open_call.outcome.node == "send_to_flex"
    closed = Call(menu, variables={"is_open": "no condition holds"})
    closed.start()
    assert closed.outcome is not None and closed.outcome.kind == "hangup"
    assert any("We are currently closed" in line.text for line in closed.transcript)


def test_callback_flow_is_one_flex_queue() -> None:
    menu = load_menu(CALLBACK)
    queue = menu.nodes[menu.start]
    assert isinstance(queue, QueueNode) and queue.name == "${WORKFLOW_SID}"
    assert len(menu.nodes) == 1


def test_ivr_call_reaches_the_flex_queue() -> None:
    result = CliRunner().invoke(main, ["call", str(SCHEDULE)])
    assert result.exit_code == 0, result.output
    assert "decision (Function https://${SCHEDULE_MANAGER_DOMAIN}/check-schedule)" in result.output
    assert 'Call ended at human "send_to_flex"' in result.output


@pytest.mark.parametrize("widget", sorted(WIDGETS.glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_widget_imports_without_a_crash(tmp_path: Path, widget: Path) -> None:
    state = json.loads(widget.read_text(encoding="utf-8"))
    flow = {"initial_state": "Trigger", "states": [trigger(state["name"]), state]}
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    menu, problems = check_menu(path)
    assert menu is not None, problems
    expected = {
        "gather-input-on-call": "input",
        "split-based-on": "decide",
        "send-to-flex": "queue",
        "enqueue-call": "queue",
        "run-function": "decide",
        "make-http-request": "decide",
        "connect-call-to": "transfer",
        "record-voicemail": "record",
        "send-message": "decide",
    }[state["type"]]
    assert menu.nodes[menu.start].kind == expected
    # each sample's transitions name widgets that are not in the flow: located warnings
    assert problems and all(p.severity == "warning" and p.line == 1 for p in problems)


def test_sample_sip_transfer_dials_the_endpoint(tmp_path: Path) -> None:
    state = json.loads((WIDGETS / "connectCallToSIPComplete.json").read_text(encoding="utf-8"))
    path = tmp_path / "flow.json"
    path.write_text(
        json.dumps({"initial_state": "Trigger", "states": [trigger(state["name"]), state]})
    )
    node = load_menu(path).nodes["ConnectCallTo"]
    assert isinstance(node, TransferNode)
    assert (node.to, node.human, node.ring) == ("sip:test@test.com", False, 30)


# -- the care line: gathers, splits, loops ---------------------------------------------------


def test_gather_and_digit_split_become_one_menu(care_line: Path) -> None:
    menu = load_menu(care_line)
    main_menu = menu.nodes["main_menu"]
    assert isinstance(main_menu, MenuNode)
    assert {o.key: o.goto for o in main_menu.options} == {
        "1": "billing",
        "0": "agent",
        "9": "agent",
    }
    assert main_menu.on_invalid == "main_menu" and main_menu.timeout == 6
    assert main_menu.retries == 9  # Studio ends the call on a widget's 10th run in a row
    assert "route" not in menu.nodes  # the split is part of the menu
    assert isinstance(menu.nodes["voicemail"], RecordNode)


def test_speech_split_conditions_become_phrases_of_the_keys_going_the_same_way(
    care_line: Path,
) -> None:
    menu = load_menu(care_line)
    main_menu = menu.nodes["main_menu"]
    assert isinstance(main_menu, MenuNode)
    assert {o.key: o.phrases for o in main_menu.options} == {
        "1": ("billing",),
        "0": ("agent", "operator"),
        "9": (),
    }
    assert main_menu.input_modes == ("dtmf", "speech")
    assert "route_speech" not in menu.nodes
    call = Call(menu)
    call.start()
    call.speak("I need an operator please")
    assert call.outcome is not None and call.outcome.node == "agent"


def test_a_spoken_route_no_key_takes_is_a_spoken_option(care_line: Path) -> None:
    menu = load_menu(care_line)
    main_menu = menu.nodes["main_menu"]
    assert isinstance(main_menu, MenuNode)
    assert [(o.name, o.phrases, o.goto) for o in main_menu.spoken] == [("fax", ("fax",), "fax")]
    call = Call(menu)
    call.start()
    step = call.speak("fax")
    assert (step.matched, step.node_reached) == ("fax", "end")  # through the fax decision
    assert call.path[-2:] == ["fax", "end"]
    edge = build_graph(menu).edges["main_menu", "fax"]
    assert edge["kind"] == "speech" and edge["voice_only"] is True


SPEECH_ONLY_LINE = {
    "description": "Speech line",
    "initial_state": "Trigger",
    "states": [
        trigger("ask"),
        {
            "name": "ask",
            "type": "gather-input-on-call",
            "properties": {"say": "Say check balance, or say agent.", "input": "speech"},
            "transitions": [
                {"event": "speech", "next": "heard"},
                {"event": "timeout", "next": "agent"},
            ],
        },
        split_on_digits(
            "heard",
            "ask",
            [
                ("matches_any_of", "Check balance, balance", "balance"),
                ("equal_to", "agent", "agent"),
                ("equal_to", "?!", "agent"),
                ("contains", "balance", "agent"),
            ],
            "ask",
            field="SpeechResult",
        ),
        {
            "name": "balance",
            "type": "say-play",
            "properties": {"say": "Your balance is zero."},
            "transitions": [{"event": "audioComplete"}],
        },
        {
            "name": "agent",
            "type": "connect-call-to",
            "properties": {"noun": "number", "to": "+15555550100"},
            "transitions": [{"event": "callCompleted"}],
        },
    ],
}


def test_a_gather_that_only_listens_is_a_menu_of_spoken_options(tmp_path: Path) -> None:
    path = tmp_path / "speech.json"
    path.write_text(json.dumps(SPEECH_ONLY_LINE, indent=2), encoding="utf-8")
    menu, problems = check_menu(path)
    assert menu is not None
    ask = menu.nodes["ask"]
    assert isinstance(ask, MenuNode) and ask.options == () and ask.input_modes == ("speech",)
    assert {o.name: (o.phrases, o.goto) for o in ask.spoken} == {
        "check_balance": (("Check balance", "balance"), "balance"),
        "agent": (("agent",), "agent"),
    }
    assert ask.on_invalid == "ask" and "heard" not in menu.nodes
    messages = [str(p) for p in problems]
    heard_line = state_line(path.read_text(), "heard")
    assert any(  # Studio takes the first route that matches: "balance" stays with it
        f":{heard_line}:" in m and '"balance" at "ask" is a phrase of an earlier route' in m
        for m in messages
    )
    assert any(f":{heard_line}:" in m and "saying ?! at" in m for m in messages)
    call = Call(menu)
    call.start()
    assert call.speak("I want to check balance").matched == "check_balance"
    assert call.path[-2:] == ["balance", "end"]
    report = audit_menu(menu).as_dict()
    assert [h["keys"] for h in report["humans"]] == [['say "agent"']]
    assert "IVR304" in {f["code"] for f in report["findings"]}  # no keypad fall-back
    written = tmp_path / "speech.yaml"
    written.write_text(import_file(path).yaml(), encoding="utf-8")
    assert "      spoken:\n        check_balance:\n" in written.read_text()
    assert graph_of(written) == graph_of(path)  # the round trip keeps the spoken options


def test_what_is_not_understood_is_a_located_warning_and_a_decision(care_line: Path) -> None:
    menu, problems = check_menu(care_line)
    assert menu is not None
    messages = [str(p) for p in problems]
    text = care_line.read_text()
    fax_line, gather_line = state_line(text, "fax"), state_line(text, "main_menu")
    assert any(
        f":{fax_line}:" in m and '"send-fax-someday" is not understood' in m for m in messages
    )
    assert any(f":{fax_line}:" in m and '"nowhere", which is no widget' in m for m in messages)
    assert not any("route is not kept" in m for m in messages)  # "fax" is a spoken option
    assert not any(f":{gather_line}:" in m for m in messages)
    assert isinstance(menu.nodes["fax"], DecideNode)


def test_silence_ten_times_ends_the_call_as_studio_does(care_line: Path) -> None:
    call = Call(load_menu(care_line))
    call.start()
    for _ in range(9):
        call.silence()
        assert call.node == "main_menu"
    call.silence()
    assert call.outcome is not None and call.outcome.kind == "hangup"


def test_the_care_line_audits_with_its_people(care_line: Path) -> None:
    report = audit_menu(load_menu(care_line))
    assert [(r.node, r.depth, r.keys) for r in report.metrics.humans][:1] == [("agent", 1, ["0"])]
    # Studio's 10-runs-in-a-row stop on a gather that times out into itself is a finding
    (stop,) = [f for f in report.findings if f.code == "IVR108"]
    assert stop.node == "main_menu" and "9 retries" in stop.message


def test_module_exports_wrapper_keeps_positions(tmp_path: Path) -> None:
    path = tmp_path / "flow.js"
    path.write_text("module.exports = " + json.dumps(CARE_LINE, indent=2) + ";\n")
    menu = load_menu(path)
    assert menu.nodes["agent"].location.line == state_line(path.read_text(), "agent")


# -- bad input and the command ---------------------------------------------------------------


def test_malformed_json_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "initial_state": "Trigger",\n  "states": [\n    {"name": }\n  ]\n}\n')
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    assert [str(e) for e in caught.value.errors] == [f"{path}:4:14: invalid JSON: Expecting value"]


def test_a_json_file_that_is_no_flow_says_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{"name": "x"}')
    _, problems = check_menu(path)
    assert "cannot tell what kind of flow this is" in str(problems[0])


def test_ivr_import_writes_commented_yaml_that_loads_to_the_same_graph(
    care_line: Path, tmp_path: Path
) -> None:
    out = tmp_path / "care.yaml"
    result = CliRunner().invoke(main, ["import", str(care_line), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert f"# {care_line}:" in text and 'Studio widget "main_menu" (gather-input-on-call)' in text
    imported, written = build_graph(load_menu(care_line)), build_graph(load_menu(out))
    assert sorted(imported.nodes) == sorted(written.nodes)
    assert sorted(imported.edges(data="ways")) == sorted(written.edges(data="ways"))


def test_a_folder_lists_flows_beside_yaml_menus_but_not_other_json(
    care_line: Path, tmp_path: Path
) -> None:
    (tmp_path / "package.json").write_text('{"name": "x"}')
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert f"{care_line}: ok" in result.output
    assert "package.json" not in result.output


def test_ivr_call_var_chooses_a_decision_outcome() -> None:
    result = CliRunner().invoke(
        main, ["call", str(SCHEDULE), "--var", "check_schedule=fail", "--var", "x=1"]
    )
    assert result.exit_code == 0, result.output
    assert "decision (Function https://${SCHEDULE_MANAGER_DOMAIN}/check-schedule): fail" in (
        result.output
    )
    bad = CliRunner().invoke(main, ["call", str(SCHEDULE), "--var", "oops"])
    assert bad.exit_code == 2 and '"oops" is not NAME=VALUE' in bad.output


def test_a_yaml_menu_reaches_into_a_studio_flow(care_line: Path, tmp_path: Path) -> None:
    main_menu = tmp_path / "main.yaml"
    main_menu.write_text(
        "hotline: {name: Front desk}\nstart: front\nnodes:\n  front:\n    menu:\n"
        "      prompt: For care, press 1.\n      options: {'1': care.json#}\n"
    )
    menu = load_menu(main_menu)
    (option,) = menu.nodes["front"].options  # type: ignore[attr-defined]
    assert option.goto == "care.json#greeting"
    assert isinstance(menu.nodes["care.json#main_menu"], MenuNode)
    assert menu.nodes["care.json#main_menu"].location.file == str(care_line)
