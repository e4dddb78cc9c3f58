"""``ivr validate``: ok lines, located errors with suggestions, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main

BROKEN = """\
hotline:
  name: Typo line
  timezone: Asia/Jakarta
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1. For an agent, press 0."
      options:
        "1": biling
        "0": {goto: agnet, say: [agent]}
      timout: 5
  billing:
    queue: {name: billing, hold: musik}
  agent:
    transfer: {to: "+62 21 555 0000"}
"""


def test_bundled_menus_are_ok() -> None:
    result = CliRunner().invoke(main, ["validate", "menus"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "menus/acme-cold.yaml: ok, 13 nodes, 1 human endpoint",
        "menus/acme-hot.yaml: ok, 8 nodes, 2 human endpoints",
        "menus/ko-clinic.yaml: ok, 12 nodes, 2 human endpoints",
        "menus/nusantara-bank.yaml: ok, 34 nodes, 8 human endpoints",
    ]


def test_every_error_of_the_file_is_listed_with_suggestions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("typo.yaml").write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "typo.yaml"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'typo.yaml:10:14: option "1" goes to unknown node "biling" (did you mean "billing"?)',
        'typo.yaml:11:21: option "0" goes to unknown node "agnet" (did you mean "agent"?)',
        'typo.yaml:12:7: unknown key "timout" in menu (did you mean "timeout"?); expected one '
        "of: prompt, timeout, retries, on_fail, on_timeout, on_invalid, interruptible, "
        "reprompt, options, spoken, input",
        'typo.yaml:14:34: hold must be one of music, message, silence, got "musik" (did you '
        'mean "music"?)',
    ]


def test_good_and_bad_files_together_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "typo.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "menus/acme-hot.yaml", str(bad), "-q"])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 4  # -q: no ok line for the good file
    assert all(line.startswith(f"{bad}:") for line in result.output.splitlines())


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "spare.yaml"
    path.write_text(
        BROKEN.replace("biling", "billing")
        .replace("agnet", "agent")
        .replace("      timout: 5\n", "")
        .replace(", hold: musik", "")
        + '  spare:\n    hangup: {say: "Unused."}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f'{path}:16:3: warning: node "spare" cannot be reached from the start node "main"',
        f"{path}: ok, 4 nodes, 2 human endpoints",
    ]


def test_structural_errors_fail(tmp_path: Path) -> None:
    path = tmp_path / "dead.yaml"
    path.write_text(
        'hotline: {name: D}\nstart: hi\nnodes:\n  hi:\n    say: "Hello."\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f'{path}:4:3: node "hi" is a dead end: it has no way out and does not end the call'
    ]


def test_a_missing_path_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["validate", "no/such.yaml"])
    assert result.exit_code == 2
    assert "Path 'no/such.yaml' does not exist." in result.output


@pytest.mark.parametrize("command", ["validate", "audit"])
def test_a_folder_without_menus_is_an_error_that_says_what_was_looked_for(
    tmp_path: Path, command: str
) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "notes.txt").write_text("not a menu", encoding="utf-8")
    result = CliRunner().invoke(main, [command, str(flows)])
    assert result.exit_code == 2
    assert f"no menu files (*.yaml, *.yml) in {flows}/" in result.stderr
    assert result.stdout == ""


SMALL = """\
hotline: {name: Small line, languages: [en]}
start: main
nodes:
  main:
    menu:
      prompt: "For an agent, press 0."
      options:
        "0": agent
  agent:
    transfer: {to: "+62 21 555 0000", human: true}
"""
HOSTILE_NAME = "hot\x1b[2J\x1b]0;pwned\x07\r.yaml"  # clears the screen, retitles the window


@pytest.mark.parametrize(
    ("args", "menu"),
    [
        (["validate"], SMALL),
        (["validate"], BROKEN),
        (["audit"], SMALL),
        (["audit", "--format", "markdown"], SMALL),
        (["graph", "--format", "html"], SMALL),
    ],
)
def test_menu_text_reaches_the_terminal_without_control_sequences(
    tmp_path: Path, args: list[str], menu: str
) -> None:
    """A menu whose file name carries ``\\e[2J`` must not clear the screen of whoever reads
    the output (the loader already refuses control characters inside menus); the rest of
    the text is kept."""
    path = tmp_path / HOSTILE_NAME
    path.write_text(menu, encoding="utf-8")
    result = CliRunner().invoke(main, [*args[:1], str(path), *args[1:]])
    printed = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not any(char in printed for char in "\x1b\x07\r")
    assert f"{tmp_path}/hot.yaml" in printed


def test_ivr_call_prints_what_a_caller_says_without_control_sequences(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    result = CliRunner().invoke(main, ["call", str(path), "--say", "\x1b[2Jagent\x07"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert 'said "agent"' in result.output
