"""Shared helpers for the webhook tests: apps, Twilio-shaped posts, TwiML checks, routes."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import networkx as nx
from flask import Flask
from flask.testing import FlaskClient

from ivr.engine import Call
from ivr.graph import build_graph, humans
from ivr.model import Gathering, InputNode, Menu, MenuNode, Node, TransferNode
from ivr.twiml_caller import CallerEvent, Transport, press, say, silence
from ivr.web import create_app

ROOT = Path(__file__).resolve().parents[2]
MENU_DIR = ROOT / "menus"
# Monday mid-morning, then other times of the week, in each hotline's own timezone
CALL_TIMES = ("2026-11-23T10:00", "2026-11-28T10:00", "2026-11-23T21:00", "2026-11-22T03:00")
VERBS = {
    "Say",
    "Play",
    "Pause",
    "Gather",
    "Redirect",
    "Enqueue",
    "Dial",
    "Record",
    "Hangup",
    "Leave",
    "Reject",
    "Number",
}
TWILIO_FIELDS = {
    "AccountSid": "AC" + "1" * 32,
    "From": "+14155550100",
    "To": "+14155550199",
    "CallStatus": "in-progress",
    "Direction": "inbound",
    "ApiVersion": "2010-04-01",
}


def make_app(tmp_path: Path, menu_dir: Path = MENU_DIR, **config) -> Flask:
    """An app on ``menu_dir`` with its call database in ``tmp_path``."""
    settings = {
        "MENU_DIR": str(menu_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}",
        "NOW": CALL_TIMES[0],
        **config,
    }
    return create_app(settings)


def twilio_form(sid: str = "CA" + "a" * 32, **fields: str) -> dict[str, str]:
    """The parameters Twilio posts, plus ``fields``."""
    return {
        "CallSid": sid,
        **TWILIO_FIELDS,
        "Caller": TWILIO_FIELDS["From"],
        "Called": TWILIO_FIELDS["To"],
        **fields,
    }


def parse_twiml(body: bytes | str) -> ET.Element:
    """The TwiML document in ``body``; fails unless it is a ``<Response>`` of known verbs."""
    root = ET.fromstring(body)
    assert root.tag == "Response", body
    for element in root.iter():
        assert element.tag == "Response" or element.tag in VERBS, element.tag
    return root


def flask_transport(client: FlaskClient) -> Transport:
    """A ``TwimlCaller`` transport through Flask's test client."""

    def send(method: str, url: str, form: dict[str, str], headers: dict[str, str]):
        if method == "POST":
            answer = client.post(url, data=form, headers=headers)
        else:
            answer = client.open(url, method=method, headers=headers)
        return answer.status_code, answer.headers.to_wsgi_list(), answer.get_data(as_text=True)

    return send


def bundled_menus() -> list[Path]:
    """Every menu file in ``menus/`` (more are added over time)."""
    return sorted(p for p in MENU_DIR.iterdir() if p.suffix in (".yaml", ".yml"))


def call_time(menu: Menu, text: str) -> datetime:
    """``text`` as the hotline's local time."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(menu.hotline.timezone))


def way_events(node: Node, way: dict, target: str) -> list[CallerEvent] | None:
    """What a caller does to take one way out of ``node`` (None: not a caller's doing)."""
    kind = way["kind"]
    if isinstance(node, Gathering) and kind == "fail":
        return None if node.on_timeout else [silence() for _ in range(node.retries + 1)]
    if isinstance(node, MenuNode):
        if kind == "key" and "dtmf" in node.input_modes:
            return [press(way["key"])]
        if kind == "speech":
            return [say(way["phrases"][0])]
        if kind == "timeout" and node.on_timeout == target:
            return [silence()]
        return None
    if isinstance(node, InputNode):
        return [press("1" * node.min_digits + (node.finish_on or ""))] if kind == "next" else None
    if isinstance(node, TransferNode):
        return None  # no-answer: Twilio's doing, not the caller's
    return []


def caller_graph(menu: Menu) -> nx.DiGraph:
    """The phone tree with the call's language in each node, and caller events on each edge."""
    graph = build_graph(menu)
    walks = nx.DiGraph()
    for src, dst, ways in graph.edges(data="ways"):
        node = graph.nodes[src]["node"]
        for lang, way in itertools.product(menu.hotline.languages, ways):
            events = way_events(node, way, dst)
            target = (dst, way.get("lang") or lang)
            if events is not None and not walks.has_edge((src, lang), target):
                walks.add_edge((src, lang), target, events=events)
    return walks


def engine_call(menu: Menu, events: list[CallerEvent], when: datetime) -> Call:
    """The same call run by the engine directly."""
    call = Call(menu, at=when)
    call.start()
    for event in events:
        if call.ended or call.waiting_node is None:
            break
        {"press": call.press, "say": call.speak}.get(event.kind, lambda _v: call.silence())(
            event.value
        )
    return call


def routes_to_humans(menu: Menu, max_routes: int = 200) -> dict[str, tuple[list, str, Call]]:
    """For each reachable human endpoint: caller events, a call time, and the engine's call.

    Routes are walks through the phone tree (with the call's language, so a
    language switch can lead back to a menu), shortest first; the first one the
    engine actually follows to that person at one of ``CALL_TIMES`` wins.
    """
    walks = caller_graph(menu)
    start = (menu.start, menu.hotline.default_language)
    found: dict[str, tuple[list, str, Call]] = {}
    for human in reachable_humans(menu):
        sink = ("reached", human)
        walks.add_edges_from(((human, lang), sink) for lang in menu.hotline.languages)
        if start not in walks or not nx.has_path(walks, start, sink):
            continue
        for route in itertools.islice(nx.shortest_simple_paths(walks, start, sink), max_routes):
            steps = itertools.pairwise(route[:-1])
            events = [event for a, b in steps for event in walks.edges[a, b]["events"]]
            for when in CALL_TIMES:
                call = engine_call(menu, events, call_time(menu, when))
                if call.outcome and call.outcome.kind == "human" and call.outcome.node == human:
                    found[human] = (events, when, call)
                    break
            if human in found:
                break
        walks.remove_node(sink)
    return found


def reachable_humans(menu: Menu) -> set[str]:
    """Human endpoints the graph can reach from the start."""
    graph = build_graph(menu)
    return {h for h in humans(graph) if nx.has_path(graph, graph.graph["start"], h)}


FEATURE_MENU = Path(__file__).with_name("feature-line.yaml")
SID = "CA" + "f" * 32


def feature_app(tmp_path: Path, *, audio: bool = False, **config) -> Flask:
    """An app serving only ``feature-line.yaml`` (and its recorded greeting when ``audio``)."""
    menus = tmp_path / "menus"
    menus.mkdir(parents=True, exist_ok=True)
    (menus / "feature-line.yaml").write_text(FEATURE_MENU.read_text())
    if audio:
        (menus / "voices").mkdir(exist_ok=True)
        (menus / "voices" / "hello.wav").write_bytes(b"RIFF fake greeting")
    return make_app(tmp_path, menus, **config)


def post(client: FlaskClient, url: str, **fields: str) -> ET.Element:
    """POST a Twilio-shaped request; the TwiML answer (after checking status and type)."""
    answer = client.post(url, data=twilio_form(SID, **fields))
    assert answer.status_code == 200, answer.status_code
    assert answer.mimetype == "text/xml"
    return parse_twiml(answer.data)


def gather_action(document: ET.Element) -> str:
    """The action URL of the document's Gather."""
    return document.find("Gather").get("action")
