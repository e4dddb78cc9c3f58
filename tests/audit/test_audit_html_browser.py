"""The HTML report in a real headless Chromium: no console errors, no network, and a
screenshot showing the tree with the route to the nearest person and the bar chart."""

from __future__ import annotations

import pytest
from audit_support import MENUS, ROOT
from click.testing import CliRunner

from ivr.cli import main

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "audit"


def orange(svg, selector: str) -> int:
    """How many elements of ``svg`` the browser draws with the route's orange stroke."""
    return svg.evaluate(
        "(svg, selector) => [...svg.querySelectorAll(selector)]"
        ".filter((e) => getComputedStyle(e).stroke === 'rgb(234, 88, 12)').length",
        selector,
    )


def test_html_report_renders_tree_route_and_chart_without_errors(browser, tmp_path):
    report = tmp_path / "audit.html"
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(MENUS / "acme-hot.yaml"),
            str(MENUS / "acme-cold.yaml"),
            "--format",
            "html",
            "--output",
            str(report),
        ],
    )
    assert result.exit_code == 1, result.output  # the cold line has errors
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")

    trees = page.locator('svg[aria-label^="phone tree"]')
    charts = page.locator('svg[aria-label="time to a person"]')
    assert trees.count() == 2 and charts.count() == 2
    hot_tree = trees.nth(0)
    # welcome -> main -> care: two highlighted edges, three highlighted nodes
    assert orange(hot_tree, ".edge path") == 2
    assert orange(hot_tree, ".node rect") == 3
    assert hot_tree.locator("text", has_text="care").count() >= 1
    hot_chart = charts.nth(0)
    assert hot_chart.locator("rect title").count() == 4  # 2 people x 2 callers
    labels = hot_chart.evaluate("svg => svg.textContent")
    assert "care" in labels and "order_care" in labels
    assert page.locator("details#rule-IVR202 summary").inner_text().startswith("IVR202")
    assert page.locator("text=Fix.").count() >= 1
    box = hot_tree.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 150

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    hot_tree.screenshot(path=str(ARTIFACTS / "tree-hot.png"))
    charts.nth(1).screenshot(path=str(ARTIFACTS / "chart-cold.png"))
    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    page.close()


def test_graph_html_page_draws_the_tree_with_the_route(browser, tmp_path):
    result = CliRunner().invoke(main, ["graph", str(MENUS / "acme-cold.yaml"), "--format", "html"])
    assert result.exit_code == 0
    page_file = tmp_path / "tree.html"
    page_file.write_text(result.output, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(page_file.as_uri())
    assert "welcome → language → main → service → complaints → agents" in page.inner_text("body")
    tree = page.locator('svg[aria-label^="phone tree"]')
    assert orange(tree, ".edge path") == 5
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-cold.png"), full_page=True)
    assert problems == []
    page.close()
