"""The scenario format: what a caller hears and does, and where the call must end.

A scenario file is YAML::

    menu: ../menus/acme-hot.yaml       # optional: the menu, relative to this file's folder
    scenarios:
      - name: "main: press 0 -> agent"
        at: "2026-11-23T10:00"           # optional: when the call is made (the line's time)
        steps:
          - hear: "To speak to an agent, press 0"   # the prompt contains this text
            press: "0"
          - hear: {similar: "Enter your account number", threshold: 0.8}
            press: "12345678#"
          - silence: true
        expect: {end: human, node: agent, within: 40}

Each step holds at most one ``hear`` (text the line said since the caller's last
step: a string or ``{contains: ...}`` for "contains", ``{similar: ..., threshold:
T}`` for "is similar to") and exactly one action: ``press``, ``say``, ``silence`` or
``hangup``. ``expect.end`` is ``human``, ``system``, ``voicemail``, ``hangup`` or
``caller-hangup``; ``node`` (optional) the node the call ends at; ``within``
(optional) the seconds the call may take.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import MenuError, MenuLoadError
from ivr.walks import CallerAction as Action
from ivr.yamlsource import Marks, read_yaml

ACTIONS = ("press", "say", "silence", "hangup")
ENDS = ("human", "system", "voicemail", "hangup", "caller-hangup")
DEFAULT_THRESHOLD = 0.8
SCHEMA_URL = "https://raw.githubusercontent.com/ivr/ivr/main/ivr/schema/scenarios.schema.json"


def squash(text: str) -> str:
    """Lower-case with single spaces: what ``hear`` compares."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Hear:
    """What the caller must have heard: text it contains, or text it is similar to."""

    text: str
    similar: bool = False
    threshold: float = DEFAULT_THRESHOLD

    def matches(self, heard: str) -> bool:
        """Whether ``heard`` contains the text (or a part of it is similar enough).

        >>> Hear("press 0").matches("To speak to an agent, PRESS 0.")
        True
        >>> Hear("Enter your acount number", similar=True).matches("Please enter your account.")
        False
        """
        wanted, said = squash(self.text), squash(heard)
        if not self.similar:
            return wanted in said
        return similarity(wanted, said) >= self.threshold

    def describe(self) -> str:
        """``contains "..."`` or ``is similar to "..." (0.8)``."""
        if self.similar:
            return f'is similar to "{self.text}" ({self.threshold:g})'
        return f'contains "{self.text}"'


def similarity(wanted: str, said: str) -> float:
    """The best ratio between ``wanted`` and a window of ``said`` of the same word count."""
    words, heard = wanted.split(), said.split()
    if not words:
        return 1.0
    size = len(words)
    windows = [heard[i : i + size] for i in range(max(1, len(heard) - size + 1))]
    return max(difflib.SequenceMatcher(None, wanted, " ".join(w)).ratio() for w in windows)


@dataclass(frozen=True)
class ScenarioStep:
    """When the line has said ``hear`` (if given), the caller does ``action``."""

    action: Action
    hear: Hear | None = None


@dataclass(frozen=True)
class Expect:
    """Where the call must end, and within how many seconds."""

    end: str
    node: str | None = None
    within: float | None = None


@dataclass(frozen=True)
class Scenario:
    """One path test."""

    name: str
    steps: tuple[ScenarioStep, ...]
    expect: Expect
    at: str | None = None
    line: int = 0


@dataclass(frozen=True)
class ScenarioFile:
    """The scenarios of one file, and the menu they were made from."""

    path: str
    scenarios: tuple[Scenario, ...]
    menu: str | None = None


def load_scenarios(path: str | Path) -> ScenarioFile:
    """Read a scenario file; every problem is a ``file:line:col`` error, all at once."""
    data, marks = read_yaml(path)
    errors: list[MenuError] = []
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise MenuLoadError([marks.error((), "expected a mapping with a `scenarios:` list")])
    errors.extend(_unknown_keys(data, ("menu", "scenarios"), (), marks))
    menu = data.get("menu")
    if menu is not None and not isinstance(menu, str):
        errors.append(marks.error(("menu",), "`menu` must be a file name"))
    scenarios = []
    for index, raw in enumerate(data["scenarios"]):
        scenario = _scenario(raw, ("scenarios", str(index)), marks, errors)
        if scenario is not None:
            scenarios.append(scenario)
    if errors:
        raise MenuLoadError(errors)
    if menu is not None:  # relative to the scenario file's folder
        menu = str(Path(path).parent / menu)
    return ScenarioFile(str(path), tuple(scenarios), menu)


def _scenario(
    raw: Any, at: tuple[str, ...], marks: Marks, errors: list[MenuError]
) -> Scenario | None:
    if not isinstance(raw, dict):
        errors.append(marks.error(at, "a scenario must be a mapping with name, steps and expect"))
        return None
    before = len(errors)
    errors.extend(_unknown_keys(raw, ("name", "at", "steps", "expect"), at, marks))
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        errors.append(marks.error(at, "a scenario needs a `name`"))
    when = raw.get("at")
    if when is not None and not isinstance(when, str):
        errors.append(marks.error((*at, "at"), "`at` must be a time such as 2026-11-23T10:00"))
    steps_raw = raw.get("steps", [])
    if not isinstance(steps_raw, list):
        errors.append(marks.error((*at, "steps"), "`steps` must be a list"))
        steps_raw = []
    steps = [_step(item, (*at, "steps", str(i)), marks, errors) for i, item in enumerate(steps_raw)]
    expect = _expect(raw.get("expect"), (*at, "expect"), marks, errors)
    if len(errors) > before or expect is None:
        return None
    return Scenario(str(name), tuple(s for s in steps if s), expect, when, marks.at(at)[0])


def _step(
    raw: Any, at: tuple[str, ...], marks: Marks, errors: list[MenuError]
) -> ScenarioStep | None:
    if not isinstance(raw, dict):
        errors.append(marks.error(at, "a step must be a mapping such as {hear: ..., press: '1'}"))
        return None
    actions = [key for key in raw if key in ACTIONS]
    errors.extend(_unknown_keys(raw, ("hear", *ACTIONS), at, marks))
    if len(actions) != 1:
        errors.append(marks.error(at, f"a step needs exactly one of {', '.join(ACTIONS)}"))
        return None
    kind = actions[0]
    value = raw[kind]
    if kind in ("press", "say"):
        if isinstance(value, int) and kind == "press":
            value = str(value)
        if not isinstance(value, str) or not value:
            errors.append(marks.error((*at, kind), f"`{kind}` needs the keys or words, as text"))
            return None
    elif value is not True:
        errors.append(marks.error((*at, kind), f"`{kind}` takes `true`"))
        return None
    hear = _hear(raw.get("hear"), (*at, "hear"), marks, errors) if "hear" in raw else None
    return ScenarioStep(Action(kind, value if isinstance(value, str) else ""), hear)


def _hear(raw: Any, at: tuple[str, ...], marks: Marks, errors: list[MenuError]) -> Hear | None:
    if isinstance(raw, str) and raw:
        return Hear(raw)
    if isinstance(raw, dict) and len({"contains", "similar"} & set(raw)) == 1:
        threshold = raw.get("threshold", DEFAULT_THRESHOLD)
        valid = isinstance(threshold, int | float) and 0 < threshold <= 1
        if not valid or set(raw) - {"contains", "similar", "threshold"}:
            errors.append(
                marks.error(at, "`hear` takes contains or similar, and a threshold in (0, 1]")
            )
            return None
        text = raw.get("contains", raw.get("similar"))
        if isinstance(text, str) and text:
            return Hear(text, "similar" in raw, float(threshold))
    errors.append(
        marks.error(at, "`hear` must be text, {contains: TEXT} or {similar: TEXT, threshold: T}")
    )
    return None


def _expect(raw: Any, at: tuple[str, ...], marks: Marks, errors: list[MenuError]) -> Expect | None:
    if not isinstance(raw, dict) or raw.get("end") not in ENDS:
        errors.append(marks.error(at, f"`expect` needs `end`: one of {', '.join(ENDS)}"))
        return None
    node, within = raw.get("node"), raw.get("within")
    if node is not None and not isinstance(node, str):
        errors.append(marks.error((*at, "node"), "`node` must be a node id"))
    if within is not None and (
        isinstance(within, bool) or not isinstance(within, int | float) or not 0 < within <= 86400
    ):
        errors.append(marks.error((*at, "within"), "`within` must be seconds between 0 and 86400"))
        return None
    errors.extend(_unknown_keys(raw, ("end", "node", "within"), at, marks))
    return Expect(raw["end"], node, float(within) if within is not None else None)


def _unknown_keys(
    raw: dict[str, Any], allowed: tuple[str, ...], at: tuple[str, ...], marks: Marks
) -> list[MenuError]:
    return [
        marks.error((*at, key), f"unknown key `{key}` (expected {', '.join(allowed)})", key=True)
        for key in raw
        if key not in allowed
    ]


def dump_scenarios(file: ScenarioFile, header: str = "") -> str:
    """The scenarios as YAML, with ``header`` as comment lines and the schema modeline."""
    data: dict[str, Any] = {}
    if file.menu:
        data["menu"] = file.menu
    data["scenarios"] = [_plain(s) for s in file.scenarios]
    lines = [f"# yaml-language-server: $schema={SCHEMA_URL}"]
    lines += [f"# {line}".rstrip() for line in header.splitlines()]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(lines) + "\n" + body


def _plain(scenario: Scenario) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    for step in scenario.steps:
        item: dict[str, Any] = {}
        if step.hear is not None:
            item["hear"] = (
                {"similar": step.hear.text, "threshold": step.hear.threshold}
                if step.hear.similar
                else step.hear.text
            )
        item[step.action.kind] = step.action.value if step.action.kind in ("press", "say") else True
        steps.append(item)
    expect: dict[str, Any] = {"end": scenario.expect.end}
    if scenario.expect.node:
        expect["node"] = scenario.expect.node
    if scenario.expect.within is not None:
        expect["within"] = scenario.expect.within
    plain: dict[str, Any] = {"name": scenario.name}
    if scenario.at:
        plain["at"] = scenario.at
    return {**plain, "steps": steps, "expect": expect}
