"""Every bundled menu, through HTTP: a scripted caller reaches each person the graph can reach,
along the same path the engine takes for the same keys."""

from __future__ import annotations

import pytest
from web_support import (
    bundled_menus,
    flask_transport,
    make_app,
    parse_twiml,
    reachable_humans,
    routes_to_humans,
)

from ivr.loader import load_menu
from ivr.twiml_caller import TwimlCaller
from ivr.web import call_records


@pytest.mark.parametrize("path", bundled_menus(), ids=lambda p: p.stem)
def test_each_human_endpoint_is_reached_over_http_on_the_engine_path(path, tmp_path):
    menu = load_menu(path)
    routes = routes_to_humans(menu)
    assert set(routes) == reachable_humans(menu), "a reachable person has no key route"
    apps = {}
    for human, (events, when, engine) in routes.items():
        if when not in apps:
            apps[when] = make_app(tmp_path / when.replace(":", ""), NOW=when)
        app = apps[when]
        caller = TwimlCaller(
            f"http://localhost/voice/{path.stem}", transport=flask_transport(app.test_client())
        )
        result = caller.call(events)
        assert result.path == engine.path, human
        assert result.path[-1] == human
        assert result.reached is not None and result.end in ("hangup", "waiting"), result
        stored = call_records(app).events(result.sid)
        assert len(stored) == result.requests
        assert [n for e in stored for n in e.path] == engine.path


@pytest.mark.parametrize("path", bundled_menus(), ids=lambda p: p.stem)
def test_every_answer_of_a_scripted_call_is_twiml(path, tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    answer = client.post(f"/voice/{path.stem}", data={"CallSid": "CA" + "b" * 32})
    assert answer.status_code == 200
    assert answer.mimetype == "text/xml"
    parse_twiml(answer.data)
