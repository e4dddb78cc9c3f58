"""Import time of large generated flows: a Twilio Studio flow with 1,000 widgets and an
Amazon Connect flow with 1,000 actions (goal: under 1 s each).

Each flow is a chain of menus (a gather and its digit split, or a GetParticipantInput)
whose keys lead on to the next menu or to a queue, with a function or Lambda decision
every tenth step. Prints the import time (JSON to ImportedFlow), the load time
(import plus the loader's checks, as ``ivr validate`` does) and the YAML writing time.

    .venv/bin/python bench/import.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from ivr.importers import import_file
from ivr.loader import load_menu

SIZE = 1_000


def studio_flow(widgets: int) -> dict:
    """A Studio flow of ``widgets`` widgets: trigger, then gather/split pairs and functions."""
    states: list[dict] = [
        {
            "name": "Trigger",
            "type": "trigger",
            "transitions": [{"event": "incomingCall", "next": "w1"}],
            "properties": {},
        },
        {
            "name": "queue",
            "type": "send-to-flex",
            "transitions": [],
            "properties": {"workflow": "WW1"},
        },
    ]
    index = 1
    while len(states) < widgets:
        name, following = f"w{index}", f"w{index + 1}" if len(states) + 3 < widgets else "queue"
        if index % 10 == 0:
            states.append(
                {
                    "name": name,
                    "type": "run-function",
                    "properties": {"url": "https://f"},
                    "transitions": [
                        {"event": "success", "next": following},
                        {"event": "fail", "next": "queue"},
                    ],
                }
            )
        else:
            states.append(
                {
                    "name": name,
                    "type": "gather-input-on-call",
                    "properties": {
                        "say": f"Menu {index}. For more, press 1. For an agent, press 0."
                    },
                    "transitions": [
                        {"event": "keypress", "next": f"{name}_split"},
                        {"event": "timeout", "next": name},
                    ],
                }
            )
            digits = f"{{{{widgets.{name}.Digits}}}}"
            states.append(
                {
                    "name": f"{name}_split",
                    "type": "split-based-on",
                    "properties": {"input": digits},
                    "transitions": [
                        {"event": "noMatch", "next": name},
                        {
                            "event": "match",
                            "next": following,
                            "conditions": [
                                {
                                    "type": "equal_to",
                                    "value": "1",
                                    "friendly_name": "1",
                                    "arguments": [digits],
                                }
                            ],
                        },
                        {
                            "event": "match",
                            "next": "queue",
                            "conditions": [
                                {
                                    "type": "equal_to",
                                    "value": "0",
                                    "friendly_name": "0",
                                    "arguments": [digits],
                                }
                            ],
                        },
                    ],
                }
            )
        index += 1
    return {"description": "Generated", "initial_state": "Trigger", "states": states}


def connect_flow(actions: int) -> dict:
    """A Connect flow of ``actions`` actions: menus with a Lambda every tenth, then a queue."""
    items: list[dict] = [
        {
            "Identifier": "queue",
            "Type": "TransferContactToQueue",
            "Parameters": {},
            "Transitions": {
                "NextAction": "bye",
                "Errors": [{"NextAction": "bye", "ErrorType": "QueueAtCapacity"}],
            },
        },
        {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
    ]
    for index in range(1, actions - 1):
        following = f"a{index + 1}" if index + 1 < actions - 1 else "queue"
        if index % 10 == 0:
            items.append(
                {
                    "Identifier": f"a{index}",
                    "Type": "InvokeLambdaFunction",
                    "Parameters": {"LambdaFunctionARN": "arn:lambda"},
                    "Transitions": {
                        "NextAction": following,
                        "Errors": [{"NextAction": "queue", "ErrorType": "NoMatchingError"}],
                    },
                }
            )
            continue
        items.append(
            {
                "Identifier": f"a{index}",
                "Type": "GetParticipantInput",
                "Parameters": {
                    "Text": f"Menu {index}. For more, press 1. For an agent, press 0.",
                    "InputTimeLimitSeconds": "5",
                },
                "Transitions": {
                    "NextAction": "bye",
                    "Conditions": [
                        {
                            "NextAction": following,
                            "Condition": {"Operator": "Equals", "Operands": ["1"]},
                        },
                        {
                            "NextAction": "queue",
                            "Condition": {"Operator": "Equals", "Operands": ["0"]},
                        },
                    ],
                    "Errors": [
                        {"NextAction": f"a{index}", "ErrorType": "InputTimeLimitExceeded"},
                        {"NextAction": "queue", "ErrorType": "NoMatchingCondition"},
                    ],
                },
            }
        )
    return {"Version": "2019-10-30", "StartAction": "a1", "Actions": items}


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, flow, size_name in (
            ("Studio", studio_flow(SIZE), "widgets"),
            ("Connect", connect_flow(SIZE), "actions"),
        ):
            path = Path(folder) / f"{label.lower()}.json"
            path.write_text(json.dumps(flow, indent=2), encoding="utf-8")
            count = len(flow.get("states") or flow.get("Actions"))
            imported = import_file(path)
            nodes = len(load_menu(path).nodes)
            import_s = best_of(5, lambda p=path: import_file(p))
            load_s = best_of(5, lambda p=path: load_menu(p))
            yaml_s = best_of(5, imported.yaml)
            print(
                f"{label}: {count:,} {size_name} ({path.stat().st_size / 1e6:.1f} MB) -> {nodes:,} "
                f"nodes: import {import_s:.3f} s, import + load checks {load_s:.3f} s, "
                f"YAML {yaml_s:.3f} s (best of 5)"
            )
    print(f"python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
