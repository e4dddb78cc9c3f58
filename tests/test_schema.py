"""The JSON Schema shipped in the package: bundled menus pass, broken ones do not."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from ivr.yamlsource import parse_yaml, read_yaml

MENUS = sorted(Path("menus").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    text = resources.files("ivr").joinpath("schema/menu.schema.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def problems(validator: jsonschema.Draft7Validator, data: object) -> list[str]:
    return sorted("/".join(map(str, error.absolute_path)) for error in validator.iter_errors(data))


@pytest.mark.parametrize("path", MENUS, ids=str)
def test_bundled_menu_validates(validator: jsonschema.Draft7Validator, path: Path) -> None:
    data, _ = read_yaml(path)
    assert problems(validator, data) == []


@pytest.mark.parametrize("path", MENUS, ids=str)
def test_bundled_menu_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../ivr/schema/menu.schema.json"


GOOD = """\
hotline: {name: T, languages: [en], hours: {office: {mon-fri: "09:00-17:00"}}}
start: main
nodes:
  main:
    menu:
      prompt: "For an agent, press 0."
      options: {"0": {goto: agent, say: [agent]}}
  agent:
    queue: {hours: office, after_hours: bye, hold: message}
  bye:
    hangup: {say: "Goodbye."}
"""

BROKEN = {
    "unknown top-level key": ("strt: main\n", ""),
    "misspelled node kind": ("    queue: {hours", "    queu: {hours"),
    "two node kinds": ('    hangup: {say: "Goodbye."}', '    hangup: {}\n    say: "Bye."'),
    "option key not a keypad key": ('{"0": {goto', '{"zero": {goto'),
    "unknown option key": ("say: [agent]}", "sey: [agent]}"),
    "option without goto": ("{goto: agent, say: [agent]}", "{say: [agent]}"),
    "hold kind": ("hold: message", "hold: musik"),
    "menu without options": ('      options: {"0": {goto: agent, say: [agent]}}\n', ""),
    "schedule day": ("mon-fri:", "weekdays:"),
    "hotline without name": ("{name: T, ", "{"),
}


def test_the_good_example_validates(validator: jsonschema.Draft7Validator) -> None:
    assert problems(validator, parse_yaml(GOOD)[0]) == []


@pytest.mark.parametrize("old, new", BROKEN.values(), ids=list(BROKEN))
def test_broken_menu_does_not_validate(
    validator: jsonschema.Draft7Validator, old: str, new: str
) -> None:
    text = GOOD.replace(old, new) if old in GOOD else GOOD + old
    assert text != GOOD
    assert problems(validator, parse_yaml(text)[0]) != []
