"""Importers never crash: any JSON shaped roughly like a flow either imports (with located
warnings) and loads, or is refused with located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.errors import MenuLoadError
from ivr.importers import import_text
from ivr.loader import check_menu

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 99),
    st.text(max_size=6),
    st.sampled_from(["1", "0,9", "#"]),
)
ANY = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
NAMES = st.sampled_from(["a", "b", "c", "Trigger", ""])
STUDIO_TYPES = st.sampled_from(
    [
        "trigger",
        "say-play",
        "gather-input-on-call",
        "split-based-on",
        "send-to-flex",
        "connect-call-to",
        "record-voicemail",
        "run-function",
        "set-variables",
        "odd",
    ]
)
TRANSITION = st.fixed_dictionaries(
    {
        "event": st.sampled_from(
            [
                "incomingCall",
                "keypress",
                "speech",
                "timeout",
                "match",
                "noMatch",
                "success",
                "audioComplete",
            ]
        ),
        "next": st.one_of(NAMES, ANY),
    },
    optional={
        "conditions": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["equal_to", "matches_any_of", "contains", "regex"]),
                    "value": st.one_of(SCALARS, ANY),
                }
            ),
            max_size=2,
        )
    },
)
WIDGET = st.fixed_dictionaries(
    {"name": st.one_of(NAMES, ANY), "type": st.one_of(STUDIO_TYPES, ANY)},
    optional={
        "transitions": st.one_of(st.lists(TRANSITION, max_size=3), ANY),
        "properties": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "say": st.one_of(st.text(max_size=8), ANY),
                    "play": ANY,
                    "input": st.sampled_from(
                        ["{{widgets.a.Digits}}", "{{widgets.b.SpeechResult}}"]
                    ),
                    "timeout": ANY,
                    "number_of_digits": ANY,
                    "finish_on_key": ANY,
                    "noun": ANY,
                    "to": ANY,
                    "max_length": ANY,
                    "variables": ANY,
                },
            ),
            ANY,
        ),
    },
)
CONNECT_TYPES = st.sampled_from(
    [
        "MessageParticipant",
        "GetParticipantInput",
        "ConnectParticipantWithLexBot",
        "Compare",
        "TransferContactToQueue",
        "TransferToFlow",
        "DisconnectParticipant",
        "UpdateContactTargetQueue",
        "Odd",
    ]
)
ACTION = st.fixed_dictionaries(
    {"Identifier": st.one_of(NAMES, ANY), "Type": st.one_of(CONNECT_TYPES, ANY)},
    optional={
        "Parameters": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "Text": ANY,
                    "SSML": ANY,
                    "StoreInput": ANY,
                    "InputTimeLimitSeconds": ANY,
                    "ContactFlowId": ANY,
                    "QueueId": ANY,
                    "InputValidation": ANY,
                },
            ),
            ANY,
        ),
        "Transitions": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "NextAction": st.one_of(NAMES, ANY),
                    "Errors": st.one_of(
                        st.lists(
                            st.fixed_dictionaries(
                                {"ErrorType": ANY, "NextAction": st.one_of(NAMES, ANY)}
                            ),
                            max_size=2,
                        ),
                        ANY,
                    ),
                    "Conditions": st.one_of(
                        st.lists(
                            st.fixed_dictionaries(
                                {
                                    "NextAction": st.one_of(NAMES, ANY),
                                    "Condition": st.one_of(
                                        st.fixed_dictionaries(
                                            {
                                                "Operator": ANY,
                                                "Operands": st.one_of(
                                                    st.lists(SCALARS, max_size=2), ANY
                                                ),
                                            }
                                        ),
                                        ANY,
                                    ),
                                }
                            ),
                            max_size=2,
                        ),
                        ANY,
                    ),
                },
            ),
            ANY,
        ),
    },
)
STUDIO = st.fixed_dictionaries(
    {"initial_state": st.just("Trigger"), "states": st.lists(st.one_of(WIDGET, ANY), max_size=5)},
    optional={"description": ANY},
)
CONNECT = st.fixed_dictionaries(
    {"StartAction": st.one_of(NAMES, ANY), "Actions": st.lists(st.one_of(ACTION, ANY), max_size=5)},
    optional={"Version": st.just("2019-10-30"), "Metadata": ANY},
)
MODULES = st.fixed_dictionaries(
    {
        "start": st.one_of(NAMES, ANY),
        "modules": st.lists(
            st.one_of(
                ANY,
                st.fixed_dictionaries(
                    {
                        "id": NAMES,
                        "type": st.sampled_from(["PlayPrompt", "GetUserInput", "Transfer", "X"]),
                        "branches": ANY,
                        "parameters": ANY,
                    },
                    optional={"target": st.one_of(st.just("Lex"), ANY)},  # a legacy Lex bot
                ),
            ),
            max_size=4,
        ),
    },
)


def check(document: object, folder: Path, name: str) -> None:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    try:
        import_text(path.read_text(), str(path))
    except MenuLoadError as exc:
        assert all(error.file == str(path) for error in exc.errors)
    menu, problems = check_menu(path)  # never a crash; a refusal is located
    assert menu is not None or problems
    assert all(problem.line >= 1 and problem.col >= 1 for problem in problems)


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=STUDIO)
def test_hostile_studio_flows_never_crash(tmp_path: Path, document: dict) -> None:
    check(document, tmp_path, "studio.json")


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=st.one_of(CONNECT, MODULES))
def test_hostile_connect_flows_never_crash(tmp_path: Path, document: dict) -> None:
    check(document, tmp_path, "connect.json")
