"""The JSON Schema shipped in the package: bundled menus pass, broken ones do not."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from ivr import menufile
from ivr.linelimits import RANGES
from ivr.loader import check_menu
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
    "option pattern with a bad letter": ('{"0": {goto', '{"2XYX": {goto'),
    "option pattern with a wildcard": ('{"0": {goto', '{"2XX.": {goto'),
    "hold kind": ("hold: message", "hold: musik"),
    "menu without options": ('      options: {"0": {goto: agent, say: [agent]}}\n', ""),
    "schedule day": ("mon-fri:", "weekdays:"),
    "hotline without name": ("{name: T, ", "{"),
}


def test_the_good_example_validates(validator: jsonschema.Draft7Validator) -> None:
    assert problems(validator, parse_yaml(GOOD)[0]) == []


SPOKEN = "      spoken: {check_balance: {say: [check balance], goto: agent}}\n"


@pytest.mark.parametrize(
    ("old", "new", "valid"),
    [
        ("", SPOKEN, True),  # beside keyed options
        ('      options: {"0": {goto: agent, say: [agent]}}\n', SPOKEN, True),  # alone
        ("", SPOKEN.replace("say: [check balance], ", ""), False),  # no phrases
        ("", SPOKEN.replace("[check balance]", "[]"), False),
        ("", SPOKEN.replace("check_balance:", '"9":'), False),  # a key, not a name
        ("", SPOKEN.replace("check_balance:", '"check balance":'), False),
        ("", SPOKEN.replace("check_balance:", "잔액_확인:"), True),  # a name in any script
        ("", SPOKEN.replace("goto: agent", "goto: agent, key: 1"), False),
    ],
)
def test_schema_and_loader_agree_on_spoken_options(
    validator: jsonschema.Draft7Validator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    valid: bool,
) -> None:
    anchor = '      options: {"0": {goto: agent, say: [agent]}}\n'
    text = GOOD.replace(anchor, anchor.replace(old, "", 1) + new if old else anchor + new)
    assert (problems(validator, parse_yaml(text)[0]) == []) is valid
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(text, encoding="utf-8")
    assert (check_menu("m.yaml")[1] == []) is valid


@pytest.mark.parametrize("old, new", BROKEN.values(), ids=list(BROKEN))
def test_broken_menu_does_not_validate(
    validator: jsonschema.Draft7Validator, old: str, new: str
) -> None:
    text = GOOD.replace(old, new) if old in GOOD else GOOD + old
    assert text != GOOD
    assert problems(validator, parse_yaml(text)[0]) != []


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("2XXX", True),
        ("[1-5]", True),
        ("N[2-35]Z", True),
        ("X" * 15, True),
        ("*#", True),
        ("2XYX", False),
        ("2XX.", False),
        ("_2XXX", False),
        ("2xxx", False),
        ("X" * 16, False),
    ],
)
def test_schema_and_loader_agree_on_option_keys(
    validator: jsonschema.Draft7Validator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    valid: bool,
) -> None:
    text = GOOD.replace('{"0": {goto', f'{{"0": agent, "{key}": {{goto')
    assert (problems(validator, parse_yaml(text)[0]) == []) is valid
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(text, encoding="utf-8")
    assert (check_menu("m.yaml")[1] == []) is valid


# -- the schema and the loader know the same keys ---------------------------------


def properties_at(schema: dict, path: str) -> set[str]:
    """The property names of the schema object at ``path`` (``/``-separated, ``[i]`` indexes)."""
    node: object = schema
    for part in filter(None, path.split("/")):
        name, _, index = part.partition("[")
        node = node[name]  # type: ignore[index]
        if index:
            node = node[int(index[:-1])]  # type: ignore[index]
    return set(node["properties"])  # type: ignore[index]


KEY_TABLES = {
    "properties": menufile.TOP_KEYS,
    "properties/hotline/properties": menufile.HOTLINE_KEYS,
    "properties/hotline/properties/promise/properties": menufile.PROMISE_KEYS,
    "properties/hotline/properties/voices/additionalProperties/properties": menufile.VOICE_KEYS,
    "properties/defaults/properties": menufile.DEFAULT_KEYS,
    "definitions/prompt/anyOf[1]/properties": menufile.RECORDED_PROMPT_KEYS,
    "definitions/option/anyOf[1]/properties": menufile.OPTION_KEYS,
    "definitions/spoken_option/properties": menufile.SPOKEN_KEYS,
    "definitions/node/properties": (*menufile.NODE_KINDS, "next"),
    "definitions/node/properties/menu/properties": menufile.MENU_KEYS,
    "definitions/node/properties/input/properties": menufile.INPUT_KEYS,
    "definitions/node/properties/input/properties/digits/anyOf[1]/properties": (
        menufile.DIGITS_KEYS
    ),
    "definitions/node/properties/queue/properties": menufile.QUEUE_KEYS,
    "definitions/node/properties/transfer/properties": menufile.TRANSFER_KEYS,
    "definitions/node/properties/record/properties": menufile.RECORD_KEYS,
    "definitions/node/properties/branch/items/properties": menufile.BRANCH_RULE_KEYS,
    "definitions/node/properties/branch/items/properties/when/properties": (
        menufile.CONDITION_KEYS
    ),
    "definitions/node/properties/hangup/anyOf[3]/properties": menufile.HANGUP_KEYS,
    "definitions/node/properties/decide/properties": menufile.DECIDE_KEYS,
    "definitions/node/properties/decide/properties/outcomes/additionalProperties/anyOf[1]/"
    "properties": menufile.OUTCOME_KEYS,
}


@pytest.mark.parametrize("path, keys", KEY_TABLES.items(), ids=list(KEY_TABLES))
def test_schema_properties_equal_the_loaders_keys(
    validator: jsonschema.Draft7Validator, path: str, keys: tuple[str, ...]
) -> None:
    where = path.removesuffix("/properties").removesuffix("properties")
    assert properties_at(validator.schema, where) == set(keys)


def test_every_object_of_the_schema_is_compared(validator: jsonschema.Draft7Validator) -> None:
    found = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                found.append(f"{path}/properties".strip("/"))
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(validator.schema, "")
    assert sorted(found) == sorted(KEY_TABLES)


def numeric_fields(schema: dict) -> dict[str, tuple[str, float, float]]:
    """Every number of the schema: its path, the ``RANGES`` field it is, minimum and maximum."""
    fields = {}

    def walk(node: object, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer"):
                named = [p for p in path if p not in NOT_NAMES and not p.startswith("[")]
                field = {"min": "digits", "max": "digits", "traffic": "traffic share"}.get(
                    named[-1], named[-1]
                )
                if path[-1] == "items":
                    field = "traffic weight"
                low = node.get("minimum", node.get("exclusiveMinimum"))
                fields["/".join(path)] = (field, low, node.get("maximum"))
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, f"[{index}]"))

    walk(schema, ())
    return fields


NOT_NAMES = {"properties", "additionalProperties", "anyOf", "items", "definitions"}


def test_schema_number_limits_equal_the_loaders_ranges(
    validator: jsonschema.Draft7Validator,
) -> None:
    fields = numeric_fields(validator.schema)
    assert len(fields) >= 20
    for path, (field, low, high) in fields.items():
        limits = RANGES[field]
        assert (low, high) == (limits.minimum, limits.maximum), path
