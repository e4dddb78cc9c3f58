"""Every real fixture flow: importing it, writing the YAML and loading that YAML gives the
same graph; a folder mixing YAML menus and flows is audited line by line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main
from ivr.graph import build_graph
from ivr.importers import import_file
from ivr.loader import load_menu

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
FLOWS = sorted(
    [
        *FIXTURES.glob("studio-*.json"),
        *FIXTURES.glob("connect-*.json"),
        *(FIXTURES / "connect-rules-engine").glob("*.json"),
    ]
)


def graph_of(path: Path) -> tuple[list, list]:
    graph = build_graph(load_menu(path))
    nodes = sorted((node, data["kind"]) for node, data in graph.nodes(data=True))
    return nodes, sorted(graph.edges(data="ways"))


@pytest.mark.parametrize("flow", FLOWS, ids=lambda p: p.name)
def test_import_then_yaml_then_load_gives_the_same_graph(flow: Path, tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    shutil.copytree(flow.parent, folder, ignore=shutil.ignore_patterns("*.md", "studio-widgets"))
    copy = folder / flow.name
    written = folder / f"{flow.stem}.yaml"  # beside the flows it may transfer into
    written.write_text(import_file(copy).yaml(), encoding="utf-8")
    assert graph_of(written) == graph_of(copy)


def test_a_folder_of_yaml_and_flows_is_audited_line_by_line(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "studio-schedule-flow.json", tmp_path / "hours.json")
    shutil.copy(FIXTURES / "connect-ivr-feedback-flow.json", tmp_path / "feedback.json")
    shutil.copy(Path("menus") / "acme-hot.yaml", tmp_path / "acme-hot.yaml")
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--format", "json"])
    reports = json.loads(result.output)
    assert sorted(Path(report["menu"]).name for report in reports) == [
        "acme-hot.yaml",
        "feedback.json",
        "hours.json",
    ]
    by_name = {Path(report["menu"]).name: report for report in reports}
    assert by_name["feedback.json"]["temperature"] == "frozen"
    assert [h["node"] for h in by_name["hours.json"]["humans"]] == ["send_to_flex"]
    assert result.exit_code == 1  # the feedback line reaches no person: an error finding


def test_a_folder_without_menus_or_flows_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x"}')
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert "no menu files" in result.output


def test_ivr_import_reports_a_broken_file_and_goes_on_with_the_next(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "initial_state": "Trigger",\n  "states": [\n    {"name": }\n  ]\n}\n')
    result = CliRunner().invoke(
        main, ["import", str(broken), str(FIXTURES / "studio-callback-flow.json")]
    )
    assert result.exit_code == 1
    assert f"{broken}:4:14: invalid JSON: Expecting value" in result.stderr
    assert "SendCallToAgent:" in result.stdout  # the good file is still imported
    both = CliRunner().invoke(main, ["import", str(broken), str(broken), "-o", str(tmp_path / "x")])
    assert both.exit_code == 2 and "takes one FILE" in both.output
