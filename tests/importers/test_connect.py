"""Amazon Connect flows imported as menus: real flows (tests/fixtures/imports/README.md) and
hand-written ones for a keypad menu, a queue at capacity and a Lex bot's intents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.run import audit_menu
from ivr.cli import main
from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.graph import build_graph
from ivr.loader import check_menu, load_menu
from ivr.model import DecideNode, InputNode, MenuNode, QueueNode, SayNode, TransferNode
from tests.importers.import_support import graph_of

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
FEEDBACK = FIXTURES / "connect-ivr-feedback-flow.json"
RULES_ENGINE = FIXTURES / "connect-rules-engine"
MAIN = RULES_ENGINE / "RulesEngineMain.json"
DISCONNECT = RULES_ENGINE / "RulesEngineDisconnect.json"
DTMF_MENU = RULES_ENGINE / "RulesEngineDTMFMenu.json"


def action(identifier: str, kind: str, parameters: dict, transitions: dict) -> dict:
    return {
        "Identifier": identifier,
        "Type": kind,
        "Parameters": parameters,
        "Transitions": transitions,
    }


def key(target: str, *operands: str) -> dict:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": list(operands)}}


# A small care line written for these tests (the flow language's own layout).
CARE_LINE = {
    "Version": "2019-10-30",
    "StartAction": "hours",
    "Metadata": {"name": "Care line"},
    "Actions": [
        action(
            "hours",
            "CheckHoursOfOperation",
            {"HoursOfOperationId": "office"},
            {
                "NextAction": "closed",
                "Conditions": [key("main", "True"), key("closed", "False")],
                "Errors": [{"NextAction": "closed", "ErrorType": "NoMatchingError"}],
            },
        ),
        action(
            "main",
            "GetParticipantInput",
            {"Text": "For billing, press 1. For an agent, press 0.", "InputTimeLimitSeconds": "6"},
            {
                "NextAction": "closed",
                "Conditions": [key("billing_queue", "1"), key("set_agent_queue", "0")],
                "Errors": [
                    {"NextAction": "main", "ErrorType": "InputTimeLimitExceeded"},
                    {"NextAction": "set_agent_queue", "ErrorType": "NoMatchingCondition"},
                    {"NextAction": "closed", "ErrorType": "NoMatchingError"},
                ],
            },
        ),
        action(
            "set_agent_queue",
            "UpdateContactTargetQueue",
            {"QueueId": "arn:queue/agents"},
            {
                "NextAction": "to_queue",
                "Errors": [{"NextAction": "closed", "ErrorType": "NoMatchingError"}],
            },
        ),
        action(
            "to_queue",
            "TransferContactToQueue",
            {},
            {
                "NextAction": "closed",
                "Errors": [
                    {"NextAction": "full", "ErrorType": "QueueAtCapacity"},
                    {"NextAction": "closed", "ErrorType": "NoMatchingError"},
                ],
            },
        ),
        action(
            "billing_queue",
            "TransferParticipantToThirdParty",
            {"ThirdPartyPhoneNumber": "+15555550100", "ThirdPartyConnectionTimeLimitSeconds": "30"},
            {"NextAction": "closed"},
        ),
        action(
            "full",
            "MessageParticipant",
            {"Text": "All agents are busy. Goodbye."},
            {"NextAction": "bye"},
        ),
        action(
            "closed",
            "MessageParticipant",
            {"SSML": "<speak>We are <b>closed</b>.</speak>"},
            {"NextAction": "bye"},
        ),
        action("bye", "DisconnectParticipant", {}, {}),
        action("odd", "LaunchRocket", {}, {"NextAction": "bye"}),
    ],
}


@pytest.fixture
def care_line(tmp_path: Path) -> Path:
    path = tmp_path / "care.json"
    path.write_text(json.dumps(CARE_LINE, indent=2), encoding="utf-8")
    return path


# -- real flows ------------------------------------------------------------------------------


def test_feedback_flow_legacy_modules_read_as_a_survey_with_no_person() -> None:
    menu = load_menu(FEEDBACK)
    assert menu.hotline.name == "ivr-feedback-flow"
    rating = menu.nodes["StoreUserInput_1a61c6ff"]
    assert isinstance(rating, InputNode)
    assert (rating.max_digits, rating.next) == (1, "SetAttributes_fff65e31")
    assert "five star rating" in rating.prompt.text("en")
    lambdas = [n for n in menu.nodes.values() if isinstance(n, DecideNode) and "Lambda" in n.about]
    assert len(lambdas) == 2
    assert menu.humans() == []
    beep = menu.nodes["PlayPrompt_7bf6664f"]
    assert isinstance(beep, SayNode) and beep.prompt.audio == "Beep.wav"


def test_feedback_flow_audit_says_no_caller_reaches_a_person() -> None:
    report = audit_menu(load_menu(FEEDBACK))
    codes = {f.code for f in report.findings}
    assert "IVR102" in codes and report.temperature == "frozen"
    located = next(f for f in report.findings if f.code == "IVR108")
    assert located.node == "StoreUserInput_1a61c6ff"


def test_rules_engine_main_is_a_lambda_then_a_transfer_to_another_flow() -> None:
    menu, problems = check_menu(MAIN)
    assert menu is not None
    start = menu.nodes[menu.start]
    assert isinstance(start, DecideNode) and start.about.startswith("Lambda")
    transfer = menu.nodes["TransferToFlow_e74f53e8"]
    assert isinstance(transfer, TransferNode) and not transfer.human
    assert transfer.to == "flow $.External.CurrentRule_nextFlowArn"
    assert any(
        p.line == 69
        and "TransferToFlow $.External.CurrentRule_nextFlowArn is not followed" in p.message
        for p in problems
    )


def test_rules_engine_disconnect_reaches_its_queue_unless_it_is_full() -> None:
    menu = load_menu(DISCONNECT)
    assert [n.id for n in menu.humans()] == ["TransferContactToQueue_616f94d7_queue"]
    capacity = menu.nodes["TransferContactToQueue_616f94d7"]
    assert isinstance(capacity, DecideNode)
    assert [o.name for o in capacity.outcomes] == ["queue has room", "QueueAtCapacity"]
    report = audit_menu(menu)
    assert [r.node for r in report.metrics.humans] == ["TransferContactToQueue_616f94d7_queue"]


def test_rules_engine_dtmf_menu_validates_and_can_be_called() -> None:
    result = CliRunner().invoke(main, ["validate", str(DTMF_MENU)])
    assert result.exit_code == 0, result.output
    assert f"{DTMF_MENU}: ok, 26 nodes" in result.output  # 20 of its own, 6 of flows it reaches
    called = CliRunner().invoke(main, ["call", str(DTMF_MENU), "--press", "1"])
    assert called.exit_code == 0, called.output
    assert "Call ended" in called.output


def test_describe_contact_flow_wrapper_is_read(tmp_path: Path) -> None:
    wrapped = {"ContactFlow": {"Name": "Main line", "Content": DISCONNECT.read_text()}}
    path = tmp_path / "described.json"
    path.write_text(json.dumps(wrapped, indent=2))
    shutil.copy(RULES_ENGINE / "RulesEngineError.json", tmp_path)
    menu = load_menu(path)
    assert menu.hotline.name == "Main line"
    assert sorted(menu.nodes) == sorted(load_menu(DISCONNECT).nodes)
    own = {node.location.line for node_id, node in menu.nodes.items() if "#" not in node_id}
    assert own == {4}  # the Content line


def test_transfer_to_flow_is_followed_into_the_export_of_that_flow() -> None:
    menu = load_menu(DTMF_MENU)
    transfer = menu.nodes["TransferToFlow_74e6078b"]
    assert isinstance(transfer, DecideNode)
    assert transfer.outcomes[0].goto == "RulesEngineMain.json#InvokeLambdaFunction_71c4f8b5"
    error_flow = menu.nodes["RulesEngineError.json#MessageParticipant_8f93684e"]
    assert error_flow.location.file.endswith("RulesEngineError.json")
    assert "I have encountered an error" in error_flow.prompt.text("en")
    # Main transfers on to a flow named only at run time: kept as another system
    onward = menu.nodes["RulesEngineMain.json#TransferToFlow_e74f53e8"]
    assert isinstance(onward, TransferNode) and not onward.human


def test_a_flow_named_by_a_describe_contact_flow_answer_is_found_by_its_arn(
    tmp_path: Path,
) -> None:
    arn = "arn:aws:connect:eu-west-2:1:instance/i/contact-flow/0b6f-error"
    error = {
        "ContactFlow": {
            "Name": "Error",
            "Id": "0b6f-error",
            "Arn": arn,
            "Content": (RULES_ENGINE / "RulesEngineError.json").read_text(),
        }
    }
    (tmp_path / "error-export.json").write_text(json.dumps(error))
    main_flow = json.loads(MAIN.read_text())
    for item in main_flow["Actions"]:
        if item["Type"] == "TransferToFlow":
            item["Parameters"]["ContactFlowId"] = arn
    (tmp_path / "main.json").write_text(json.dumps(main_flow))
    menu = load_menu(tmp_path / "main.json")
    assert "error-export.json#DisconnectParticipant_76c95b63" in menu.nodes


# -- the care line ---------------------------------------------------------------------------


def test_keys_become_a_menu_and_the_target_queue_names_the_queue(care_line: Path) -> None:
    menu = load_menu(care_line)
    main_menu = menu.nodes["main"]
    assert isinstance(main_menu, MenuNode)
    assert {o.key: o.goto for o in main_menu.options} == {
        "1": "billing_queue",
        "0": "set_agent_queue",
    }
    assert (main_menu.on_timeout, main_menu.on_invalid, main_menu.timeout) == (
        "main",
        "set_agent_queue",
        6,
    )
    queue = menu.nodes["to_queue_queue"]
    assert isinstance(queue, QueueNode) and queue.name == "arn:queue/agents"
    assert menu.nodes["closed"].prompt.text("en") == "We are closed ."  # SSML tags dropped


def test_unknown_action_is_a_located_warning_and_a_decision(care_line: Path) -> None:
    menu, problems = check_menu(care_line)
    assert menu is not None and isinstance(menu.nodes["odd"], DecideNode)
    assert any('action type "LaunchRocket" is not understood' in p.message for p in problems)


def test_calls_follow_the_hours_check_and_the_capacity_check(care_line: Path) -> None:
    menu = load_menu(care_line)
    call = Call(menu)
    call.start()
    call.press("0")
    assert call.outcome is not None and call.outcome.node == "to_queue_queue"
    full = Call(menu, variables={"to_queue": "QueueAtCapacity"})
    full.start()
    full.press("0")
    assert full.outcome is not None and full.outcome.kind == "hangup"
    assert any("All agents are busy" in line.text for line in full.transcript)
    closed = Call(menu, variables={"hours": "Equals False"})
    closed.start()
    assert any("closed" in line.text for line in closed.transcript)


def test_round_trip_through_yaml_gives_the_same_graph(care_line: Path, tmp_path: Path) -> None:
    out = tmp_path / "care.yaml"
    assert CliRunner().invoke(main, ["import", str(care_line), "-o", str(out)]).exit_code == 0
    imported, written = build_graph(load_menu(care_line)), build_graph(load_menu(out))
    assert sorted(imported.nodes) == sorted(written.nodes)
    assert sorted(imported.edges(data="ways")) == sorted(written.edges(data="ways"))


def test_malformed_connect_json_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"Version": "2019-10-30",\n "StartAction": "a",\n "Actions": [,]}')
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    assert str(caught.value.errors[0]) == f"{path}:3:14: invalid JSON: Expecting value"


# -- Lex bots: intents are spoken options ----------------------------------------------------

# A line in the style of Connect's "Get customer input" with a Lex V2 bot (written for these
# tests): the intents the flow tests are its routes; a bot with no intent tested stays a
# decision.
LEX_LINE = {
    "Version": "2019-10-30",
    "StartAction": "ask",
    "Metadata": {"name": "Lex line"},
    "Actions": [
        action(
            "ask",
            "ConnectParticipantWithLexBot",
            {
                "Text": "Tell us why you are calling: check your balance, or speak to an agent.",
                "LexV2Bot": {"AliasArn": "arn:aws:lex:eu-west-2:1:bot-alias/B/A"},
            },
            {
                "NextAction": "sorry",
                "Conditions": [
                    key("balance", "CheckBalance"),
                    key("agent_queue", "SpeakToAgent"),
                    key("agent_queue", "speak_to_agent"),  # the same words: Connect tests first
                    key("unknown", "$.Lex.IntentName"),
                ],
                "Errors": [
                    {"NextAction": "sorry", "ErrorType": "NoMatchingCondition"},
                    {"NextAction": "bye", "ErrorType": "NoMatchingError"},
                ],
            },
        ),
        action(
            "balance",
            "MessageParticipant",
            {"Text": "Your balance is zero."},
            {"NextAction": "bye"},
        ),
        action("agent_queue", "TransferContactToQueue", {}, {}),
        action(
            "sorry",
            "ConnectParticipantWithLexBot",
            {"Text": "Sorry, say that again?", "LexV2Bot": {"AliasArn": "arn:lex/bot"}},
            {
                "NextAction": "bye",
                "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}],
            },
        ),
        action("unknown", "DisconnectParticipant", {}, {}),
        action("bye", "DisconnectParticipant", {}, {}),
    ],
}


@pytest.fixture
def lex_line(tmp_path: Path) -> Path:
    path = tmp_path / "lex.json"
    path.write_text(json.dumps(LEX_LINE, indent=2), encoding="utf-8")
    return path


def test_a_lex_bot_is_a_menu_whose_intents_are_spoken_options(lex_line: Path) -> None:
    menu, problems = check_menu(lex_line)
    assert menu is not None
    ask = menu.nodes["ask"]
    assert isinstance(ask, MenuNode)
    assert ask.options == () and ask.input_modes == ("speech",) and ask.retries == 0
    assert {o.name: (o.phrases, o.goto) for o in ask.spoken} == {
        "CheckBalance": (("check balance",), "balance"),
        "SpeakToAgent": (("speak to agent",), "agent_queue"),
    }
    assert (ask.on_invalid, ask.on_timeout) == ("sorry", "bye")
    messages = [str(p) for p in problems]
    assert sum('the intent condition "Equals' in m for m in messages) == 2  # both not kept
    assert isinstance(menu.nodes["sorry"], DecideNode)  # no intent tested: a decision


def test_a_caller_saying_an_intent_reaches_its_route(lex_line: Path) -> None:
    menu = load_menu(lex_line)
    call = Call(menu)
    call.start()
    step = call.speak("I want to speak to agent please")
    assert (step.matched, step.node_reached) == ("SpeakToAgent", "agent_queue")
    call = Call(menu)
    call.start()
    assert call.speak("what is the weather").node_reached == "bye"  # through "sorry"
    assert "sorry" in call.path


def test_a_lex_line_audits_its_spoken_route_to_a_person(lex_line: Path) -> None:
    report = audit_menu(load_menu(lex_line)).as_dict()
    assert [(h["node"], h["keys"]) for h in report["humans"]] == [
        ("agent_queue", ['say "speak to agent"'])
    ]
    edge = build_graph(load_menu(lex_line)).edges["ask", "balance"]
    assert edge["kind"] == "speech" and edge["voice_only"] is True


def test_a_lex_line_round_trips_through_yaml(lex_line: Path, tmp_path: Path) -> None:
    written = tmp_path / "lex.yaml"
    result = CliRunner().invoke(main, ["import", str(lex_line), "-o", str(written)])
    assert result.exit_code == 0, result.output
    assert graph_of(written) == graph_of(lex_line)


# The same line in the legacy export (``modules``, written for these tests in the layout of
# connect-ivr-feedback-flow.json): "Get customer input" with a Lex bot is a GetUserInput block
# whose target is Lex, its intents Evaluate branches, NoMatch and Error its other routes.
def module(identifier: str, kind: str, parameters: dict, branches: list, **more) -> dict:
    listed = [{"name": name, "value": value} for name, value in parameters.items()]
    return {"id": identifier, "type": kind, "branches": branches, "parameters": listed, **more}


def intent(target: str, name: str) -> dict:
    return {
        "condition": "Evaluate",
        "conditionType": "Equals",
        "conditionValue": name,
        "transition": target,
    }


LEGACY_LEX_LINE = {
    "modules": [
        module(
            "ask",
            "GetUserInput",
            {
                "Text": LEX_LINE["Actions"][0]["Parameters"]["Text"],
                "TextToSpeechType": "text",
                "BotName": "CareBot",
                "BotAlias": "$LATEST",
                "BotRegion": "eu-west-2",
            },
            [
                intent("balance", "CheckBalance"),
                intent("agent_queue", "SpeakToAgent"),
                intent("agent_queue", "speak_to_agent"),
                intent("unknown", "$.Lex.IntentName"),
                {"condition": "NoMatch", "transition": "sorry"},
                {"condition": "Error", "transition": "bye"},
            ],
            target="Lex",
        ),
        module(
            "balance",
            "PlayPrompt",
            {"Text": "Your balance is zero."},
            [{"condition": "Success", "transition": "bye"}],
        ),
        module("agent_queue", "Transfer", {}, [], target="Queue"),
        module(
            "sorry",
            "GetUserInput",
            {"Text": "Sorry, say that again?", "BotName": "CareBot"},
            [
                {"condition": "NoMatch", "transition": "bye"},
                {"condition": "Error", "transition": "bye"},
            ],
            target="Lex",
        ),
        module("unknown", "Disconnect", {}, []),
        module("bye", "Disconnect", {}, []),
    ],
    "version": "1",
    "type": "contactFlow",
    "start": "ask",
    "metadata": {"name": "Legacy Lex line"},
}


@pytest.fixture
def legacy_lex_line(tmp_path: Path) -> Path:
    path = tmp_path / "legacy-lex.json"
    path.write_text(json.dumps(LEGACY_LEX_LINE, indent=2), encoding="utf-8")
    return path


def test_a_legacy_lex_bot_is_read_as_the_flow_language_one(
    legacy_lex_line: Path, lex_line: Path
) -> None:
    menu, problems = check_menu(legacy_lex_line)
    assert menu is not None and menu.hotline.name == "Legacy Lex line"
    ask = menu.nodes["ask"]
    assert isinstance(ask, MenuNode)
    assert ask.options == () and ask.input_modes == ("speech",) and ask.retries == 0
    assert {o.name: (o.phrases, o.goto) for o in ask.spoken} == {
        "CheckBalance": (("check balance",), "balance"),
        "SpeakToAgent": (("speak to agent",), "agent_queue"),
    }
    assert (ask.on_invalid, ask.on_timeout) == ("sorry", "bye")
    flow_language = load_menu(lex_line).nodes["ask"]
    assert isinstance(flow_language, MenuNode)
    assert [(o.name, o.phrases, o.goto) for o in ask.spoken] == [
        (o.name, o.phrases, o.goto) for o in flow_language.spoken
    ]
    assert ask.prompt == flow_language.prompt
    dropped = [p for p in problems if 'the intent condition "Evaluate Equals' in p.message]
    assert len(dropped) == 2 and all(p.line > 1 for p in dropped)  # located at the block
    sorry = menu.nodes["sorry"]  # no intent tested: a decision over the bot's branches
    assert isinstance(sorry, DecideNode) and sorry.about == "Lex bot CareBot"


def test_a_caller_of_the_legacy_lex_line_is_routed_by_what_they_say(
    legacy_lex_line: Path,
) -> None:
    menu = load_menu(legacy_lex_line)
    call = Call(menu)
    call.start()
    step = call.speak("check balance please")
    assert step.matched == "CheckBalance" and "balance" in call.path
    report = audit_menu(menu).as_dict()
    assert [(h["node"], h["keys"]) for h in report["humans"]] == [
        ("agent_queue", ['say "speak to agent"'])
    ]


def test_a_legacy_lex_line_round_trips_through_yaml(legacy_lex_line: Path, tmp_path: Path) -> None:
    written = tmp_path / "legacy-lex.yaml"
    result = CliRunner().invoke(main, ["import", str(legacy_lex_line), "-o", str(written)])
    assert result.exit_code == 0, result.output
    assert graph_of(written) == graph_of(legacy_lex_line)
