"""The crawler: live TwiML apps that ivr did not write become menus an analyst would draw."""

from __future__ import annotations

import time

import pytest
import yaml
from click.testing import CliRunner

from ivr.cli import main
from ivr.crawl.crawler import Crawler
from ivr.crawl.menu_yaml import menu_yaml
from ivr.loader import load_menu
from ivr.model import InputNode, MenuNode, QueueNode, TransferNode
from ivr.pathtests.explore import explore, scenarios
from ivr.pathtests.run import run_via
from ivr.twiml_caller import TwimlCaller, urllib_transport


def crawled(url: str, tmp_path, **bounds):
    line = Crawler(url, TwimlCaller(url), **bounds).crawl()
    path = tmp_path / "crawled.yaml"
    path.write_text(menu_yaml(line), encoding="utf-8")
    return line, load_menu(path), path


def audit_of(path):
    from audit.run import audit_menu

    return audit_menu(load_menu(path))


def test_the_phone_tree_becomes_two_people_two_menus_deep(phone_tree_app, tmp_path):
    line, menu, path = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    people = {n.to for n in menu.nodes.values() if isinstance(n, TransferNode)}
    assert people == {"+12024173378", "+12027336386"}
    welcome = menu.nodes[menu.start]
    assert isinstance(welcome, MenuNode) and [o.key for o in welcome.options] == ["1", "2"]
    audit = audit_of(path)
    assert audit.metrics.depth_to_human == 2
    assert {r.node for r in audit.metrics.humans} == {
        n.id for n in menu.nodes.values() if isinstance(n, TransferNode)
    }
    assert any('numdigits" is not "numDigits"' in w for w in line.warnings)


def test_silence_with_no_fallback_is_a_hang_up_the_audit_reports(phone_tree_app, tmp_path):
    _, menu, path = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    welcome = menu.nodes[menu.start]
    assert isinstance(welcome, MenuNode) and welcome.on_timeout
    assert menu.nodes[welcome.on_timeout].kind == "hangup"
    codes = {(f.code, f.node) for f in audit_of(path).findings}
    assert ("IVR108", menu.start) in codes


def test_a_500_is_what_twilio_plays_then(phone_tree_app, tmp_path):
    _, menu, path = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    text = path.read_text()
    assert "HTTP 500 from" in text  # the note names the error
    errors = [n for n in menu.nodes.values() if n.id.startswith("error")]
    assert errors and errors[0].prompt.text("en").startswith("We are sorry, an application error")


def test_wrong_keys_are_the_lines_answer_to_a_wrong_key_not_options(phone_tree_app, tmp_path):
    _, menu, _ = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    welcome = menu.nodes[menu.start]
    assert isinstance(welcome, MenuNode) and welcome.on_invalid is not None
    says = menu.nodes[welcome.on_invalid]
    assert says.prompt.text("en") == "Returning to the main menu."


def test_a_line_that_keeps_its_state_in_a_cookie_is_crawled_through(session_app, tmp_path):
    _, menu, path = crawled(f"{session_app}/voice", tmp_path)
    queues = [n for n in menu.nodes.values() if isinstance(n, QueueNode)]
    inputs = [n for n in menu.nodes.values() if isinstance(n, InputNode)]
    assert [q.name for q in queues] == ["sales"]
    assert [(i.min_digits, i.max_digits) for i in inputs] == [(4, 4)]
    audit = audit_of(path)
    assert audit.metrics.depth_to_human == 1
    assert audit.as_dict()["time_to_human"]["queue_s"] is None  # a crawled queue's wait is unknown


@pytest.mark.parametrize("app", ["phone_tree_app", "session_app"])
def test_path_tests_made_from_the_crawl_pass_against_the_live_app(app, request, tmp_path):
    base = request.getfixturevalue(app)
    url = f"{base}/ivr/welcome" if app == "phone_tree_app" else f"{base}/voice"
    _, menu, _ = crawled(url, tmp_path)
    found = explore(menu)
    assert found.coverage == 1.0 or found.uncovered
    failures = [r.failure for r in (run_via(s, url) for s in scenarios(found)) if r.failure]
    assert failures == []


def test_the_crawl_stops_at_its_request_bound_and_says_so(phone_tree_app, tmp_path):
    line, menu, _ = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path, max_requests=5)
    assert line.requests <= 6
    assert any("over --max-requests 5" in w for w in line.warnings)
    assert menu.start in menu.nodes


def test_redirect_loops_dead_servers_and_pages_that_are_not_twiml_end_in_errors(quirk_server):
    def slow(*_):
        time.sleep(3)
        return 200, {}, b"<Response/>"

    base = quirk_server(
        {
            "/voice": lambda *_: (
                200,
                {"Content-Type": "application/xml"},
                b'<Response><Gather numDigits="1" action="/next"><Say>Press 1, 2 or 3.</Say>'
                b"</Gather></Response>",
            ),
            "/next": lambda _m, _p, body: (
                {
                    "Digits=1": (302, {"Location": "/loop"}, b""),
                    "Digits=2": (
                        200,
                        {"Content-Type": "text/html"},
                        b"<html><body>Login</body></html>",
                    ),
                }.get(
                    next((p for p in body.split("&") if p.startswith("Digits=")), ""),
                    (200, {}, b"x"),
                )
                if "Digits=3" not in body
                else slow()
            ),
            "/loop": lambda *_: (302, {"Location": "/loop"}, b""),
        }
    )
    url = f"{base}/voice"
    started = time.monotonic()
    line = Crawler(url, TwimlCaller(url, transport=urllib_transport(timeout=1.0))).crawl()
    assert time.monotonic() - started < 20
    notes = "\n".join(note for node in line.nodes.values() for note in node.notes)
    assert "11215" in notes and "is <html>, not <Response>" in notes and "cannot reach" in notes


def test_ivr_crawl_writes_commented_yaml_and_ivr_audit_url_crawls_and_audits(session_app, tmp_path):
    out = tmp_path / "line.yaml"
    result = CliRunner().invoke(main, ["crawl", f"{session_app}/voice", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert f"# POST {session_app}/voice (reached by the call's start)" in text
    assert yaml.safe_load(text)["hotline"]["apologies"] is False
    audited = CliRunner().invoke(main, ["audit", f"{session_app}/voice", "--format", "json"])
    assert audited.exit_code == 1  # IVR108: silence hangs up
    assert '"hotline": "Line crawled from' in audited.output
    refused = CliRunner().invoke(main, ["crawl", "ftp://example"])
    assert refused.exit_code == 2 and "is not an http:// or https:// URL" in refused.output
