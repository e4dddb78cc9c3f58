"""The console examples of docs/crawl.md and docs/testing.md are what the commands print."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
ROOT = DOCS.parent


def console_example(page: str, command: str) -> list[str]:
    """The lines printed under ``$ COMMAND`` in the first console block of ``page`` that has it."""
    text = (DOCS / page).read_text(encoding="utf-8")
    block = re.search(rf"```console\n\$ {re.escape(command)}\n(.*?)```", text, re.S)
    assert block, f"{page} has no example of `{command}`"
    return block.group(1).splitlines()


def test_the_http_caller_example_in_docs_crawl(phone_tree_app):
    command = "ivr call --via http://127.0.0.1:8000/ivr/welcome --press 2# --press 3"
    expected = console_example("crawl.md", command)
    args = shlex.split(command)[1:]
    args[2] = args[2].replace("http://127.0.0.1:8000", phone_tree_app)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert result.output.splitlines() == expected


@pytest.mark.parametrize(
    "command",
    [
        "ivr paths menus/acme-hot.yaml -o hot.yaml --coverage",
        pytest.param(
            "ivr paths menus/nusantara-bank.yaml -o bank.yaml --coverage", marks=pytest.mark.slow
        ),
    ],
)
def test_the_path_test_examples_in_docs_testing(command, tmp_path, monkeypatch):
    expected = console_example("testing.md", command)
    args = shlex.split(command)[1:]
    args[1] = str(ROOT / args[1])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == expected
