"""Report formats: the JSON shape of DESIGN.md, text, Markdown, JUnit, SARIF, baselines."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from audit_support import MENUS, audit_data, good, variant

from audit.baseline import compare
from audit.reports import FORMATS
from audit.run import audit_menu
from ivr.loader import load_menu

DESIGN_KEYS = [
    "menu",
    "hotline",
    "temperature",
    "depth_to_human",
    "time_to_human",
    "humans",
    "findings",
]
DESIGN_FINDING_KEYS = ["code", "rule", "severity", "node", "line", "message"]


def cold_and_hot():
    return [
        audit_menu(load_menu(MENUS / "acme-cold.yaml")),
        audit_menu(load_menu(MENUS / "acme-hot.yaml")),
    ]


def test_json_has_the_design_shape_in_a_stable_order():
    reports = json.loads(FORMATS["json"](cold_and_hot(), frozenset({"error"})))
    for report in reports:
        assert list(report)[:7] == DESIGN_KEYS
        assert list(report["time_to_human"]) == ["expert_s", "first_time_s", "ivr_s", "queue_s"]
        for human in report["humans"]:
            assert list(human) == ["node", "depth", "keys", "expert_s", "first_time_s", "path"]
        for finding in report["findings"]:
            assert list(finding) == [*DESIGN_FINDING_KEYS, "harm", "places"]
            assert finding["places"][0] == {"node": finding["node"], "line": finding["line"]}
    hot = reports[1]
    assert hot["temperature"] == "hot" and hot["depth_to_human"] == 1
    assert hot["humans"][0]["keys"] == ["0"]
    assert hot["time_to_human"]["first_time_s"] == round(
        hot["time_to_human"]["ivr_s"] + hot["time_to_human"]["queue_s"], 2
    )
    assert FORMATS["json"](cold_and_hot(), frozenset()) == FORMATS["json"](
        cold_and_hot(), frozenset()
    )


def test_json_report_is_the_report_data_with_a_line_per_person_finding_and_queue():
    audits = cold_and_hot()
    report = FORMATS["json"](audits, frozenset({"error"}))
    assert json.loads(report) == [audit.as_dict() for audit in audits]
    lines = {line.removesuffix(",") for line in report.splitlines()}
    for audit in audits:
        data = audit.as_dict()
        for entry in (*data["humans"], *data["findings"], *data["queues"]):
            assert "      " + json.dumps(entry, ensure_ascii=False) in lines
    assert FORMATS["json"]([], frozenset({"error"})) == "[]\n"


def test_text_report_has_a_table_per_menu_and_the_findings():
    text = FORMATS["text"](cold_and_hot(), frozenset({"error"}))
    assert "temperature     FROZEN" in text and "temperature     HOT" in text
    assert "node        depth  keys" in text
    assert "menus/acme-cold.yaml:106:3: error IVR202 queue-overloaded" in text.replace(
        str(MENUS.parent) + "/", ""
    )
    assert re.search(r"\n2 menus \(1 frozen, 1 hot\): \d+ errors, \d+ warnings, \d+ info\n$", text)


def test_markdown_report_tables():
    markdown = FORMATS["markdown"](cold_and_hot(), frozenset({"error"}))
    assert markdown.startswith("# IVR audit")
    assert "| menu | hotline | temperature | depth | first-time | expert |" in markdown
    assert "| error | IVR202 | queue-overloaded |" in markdown


def test_junit_fails_the_rules_with_failing_findings():
    root = ET.fromstring(FORMATS["junit"](cold_and_hot(), frozenset({"error"})))
    cold, hot = root.findall("testsuite")
    failed = {c.get("name") for c in cold.findall("testcase") if c.find("failure") is not None}
    assert "IVR202 queue-overloaded" in failed and "IVR110 forced-language-menu" not in failed
    assert cold.get("failures") == str(len(failed)) and hot.get("failures") == "0"
    strict = ET.fromstring(FORMATS["junit"](cold_and_hot(), frozenset({"error", "warning"})))
    # no warning on the hot line: its orders queue answers 84 % within 20 s (Erlang A)
    assert strict.findall("testsuite")[1].get("failures") == "0"
    assert int(strict.findall("testsuite")[0].get("failures")) > int(cold.get("failures"))


def test_sarif_2_1_0_log():
    log = json.loads(FORMATS["sarif"](cold_and_hot(), frozenset({"error"})))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][:2] == ["IVR101", "IVR102"]
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    result = next(r for r in run["results"] if r["ruleId"] == "IVR202")
    assert result["level"] == "error" and rules[result["ruleIndex"]]["id"] == "IVR202"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("acme-cold.yaml")
    assert location["region"]["startLine"] == 106
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


def test_baseline_comparison_names_the_changes(tmp_path):
    before = audit_data(
        tmp_path, variant(lambda d: d["nodes"]["agent"]["queue"].update(hold="silence"))
    ).as_dict()
    after = audit_data(tmp_path, good()).as_dict()
    text = compare([before], [after])
    assert "findings        1 -> 0 (-1); fixed: IVR207 at agent" in text
    assert "temperature     hot -> hot" in text
    assert "depth to human  1 -> 1" in text


def test_html_report_shows_menu_text_as_text(tmp_path):
    """The report is rendered by autoescaping templates: markup in a hotline name, a prompt
    or a finding never becomes markup (no script element, the text shown as written)."""
    menu = tmp_path / "hostile.yaml"
    menu.write_text(
        'hotline: {name: "<script>alert(1)</script> & Co", languages: [en]}\n'
        "start: main\nnodes:\n"
        '  main: {menu: {prompt: "<marquee>Press 1</marquee>", options: {"1": bye}}}\n'
        "  bye: {hangup: {}}\n",
        encoding="utf-8",
    )
    page = FORMATS["html"]([audit_menu(load_menu(menu))], frozenset({"error"}))
    elements = re.findall(r"<([a-zA-Z]+)", page)
    assert "script" not in elements and "marquee" not in elements
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert page.count('class="node ') == 2  # the tree is drawn
