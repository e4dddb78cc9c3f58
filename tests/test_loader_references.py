"""Cross-file references: resolved as references, and only inside the menu's folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.loader import check_menu, load_menu
from ivr.model import InputNode, MenuNode, QueueNode

MAIN = """\
hotline: {name: Split line, languages: [en]}
start: main
nodes:
  main:
    menu:
      prompt: "For your account, press 1. For staff, press 2."
      options:
        "1": account
        "2": staff.yaml
  account:
    input:
      prompt: "Enter your account number, then press hash."
      var: acct
      finish_on: "#"
      next: staff.yaml#desk
  bye:
    hangup: {say: "Goodbye."}
"""

STAFF = """\
start: desk
nodes:
  desk:
    queue: {name: "#", message: "staff.yaml#", after_hours: m.yaml#bye}
"""


@pytest.fixture(autouse=True)
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder, so error messages name short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> None:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_text(text, encoding="utf-8")


def test_finish_on_hash_survives_a_menu_split_across_files() -> None:
    write("m.yaml", MAIN)
    write("staff.yaml", STAFF)
    menu = load_menu("m.yaml")
    account = menu.nodes["account"]
    assert isinstance(account, InputNode)
    assert account.finish_on == "#"
    assert account.next == "staff.yaml#desk"
    main = menu.nodes["main"]
    assert isinstance(main, MenuNode)
    assert [option.goto for option in main.options] == [
        "account",
        "staff.yaml#desk",
    ]  # a whole file: its start node
    desk = menu.nodes["staff.yaml#desk"]
    assert isinstance(desk, QueueNode)
    # text fields that look like file keys are text, never targets
    assert desk.name == "#"
    assert desk.message.text("en") == "staff.yaml#"
    assert desk.after_hours == "bye"


FILE_KEYS = st.sampled_from(["#", "staff.yaml#", "m.yaml#", "main", "desk", "staff.yaml#desk"])
SAFE_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"), exclude_characters="\ufeff"
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.one_of(FILE_KEYS, SAFE_TEXT))
def test_any_text_survives_cross_file_loading(value: str) -> None:
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    write("m.yaml", MAIN.replace('"Goodbye."', quoted).replace("var: acct", f"var: {quoted}"))
    staff = STAFF.replace('message: "staff.yaml#"', f"message: {quoted}")
    write("staff.yaml", staff.replace('name: "#"', f"name: {quoted}"))
    menu = load_menu("m.yaml")
    desk = menu.nodes["staff.yaml#desk"]
    assert isinstance(desk, QueueNode)
    assert (desk.name, desk.message.text("en")) == (value, value)
    bye, account = menu.nodes["bye"], menu.nodes["account"]
    assert bye.prompt.text("en") == value  # type: ignore[attr-defined]
    assert isinstance(account, InputNode) and account.var == value


# -- references stay inside the menu's folder ----------------------------------------


def errors_of(name: str, **kwargs: object) -> list[str]:
    menu, errors = check_menu(name, **kwargs)  # type: ignore[arg-type]
    assert menu is None
    return [str(e) for e in errors if e.severity == "error"]


SECRET = "hotline: {name: secret}\nstart: leaked_key_name\nnodes:\n  leaked_key_name: {say: x}\n"


@pytest.mark.parametrize(
    "target",
    ["../outside/secret.yaml#leaked_key_name", "/etc/passwd#x", "/proc/self/environ#x"],
)
def test_references_outside_the_menu_folder_are_refused(target: str) -> None:
    write("outside/secret.yaml", SECRET)
    write("menus/m.yaml", MAIN.replace("next: staff.yaml#desk", f"next: {target}"))
    write("menus/staff.yaml", STAFF)
    errors = errors_of("menus/m.yaml")
    assert errors == [
        f'menus/m.yaml:15:13: next reaches into "{target}", which is outside the menu '
        "folder; only files under it can be named"
    ]


def test_a_configured_root_allows_a_parent_folder() -> None:
    write("shared/staff.yaml", STAFF.replace("m.yaml#bye", "../menus/m.yaml#bye"))
    write("menus/m.yaml", MAIN.replace("staff.yaml", "../shared/staff.yaml"))
    assert errors_of("menus/m.yaml") != []
    menu = load_menu("menus/m.yaml", root=".")
    assert "../shared/staff.yaml#desk" in menu.nodes


def test_a_symlink_out_of_the_folder_is_refused(folder: Path) -> None:
    write("outside/secret.yaml", SECRET)
    write("menus/m.yaml", MAIN)
    os.symlink(folder / "outside/secret.yaml", "menus/staff.yaml")
    assert errors_of("menus/m.yaml") == [
        'menus/m.yaml:9:14: option "2" reaches into "staff.yaml", which is outside the menu '
        "folder; only files under it can be named",
        'menus/m.yaml:15:13: next reaches into "staff.yaml#desk", which is outside the menu '
        "folder; only files under it can be named",
    ]


def test_a_fifo_is_not_read() -> None:
    write("m.yaml", MAIN)
    os.mkfifo("staff.yaml")
    assert errors_of("m.yaml") == [
        'm.yaml:9:14: option "2" reaches into "staff.yaml", but "staff.yaml" is not a regular file',
        'm.yaml:15:13: next reaches into "staff.yaml#desk", but "staff.yaml" is not a regular file',
    ]


def test_a_device_is_not_read() -> None:
    write("m.yaml", MAIN.replace("staff.yaml", "zero.yaml"))
    os.symlink("/dev/zero", "zero.yaml")
    errors = errors_of("m.yaml")
    assert errors and all("outside the menu folder" in e for e in errors)
    # the main file itself is checked as well
    menu, main_errors = check_menu("zero.yaml", root="/")
    assert menu is None
    assert [str(e) for e in main_errors] == ["zero.yaml:1:1: cannot read: not a regular file"]
