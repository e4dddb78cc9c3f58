"""A real server on 127.0.0.1: concurrent calls (20; 200 under ``slow``), the call database,
and the CLI commands."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_support import (
    CALL_TIMES,
    MENU_DIR,
    ROOT,
    bundled_menus,
    make_app,
    parse_twiml,
    routes_to_humans,
)

from ivr.cli import main
from ivr.loader import load_menu
from ivr.twiml_caller import TwimlCaller, press
from ivr.web import call_records
from ivr.web.records import CallRecords
from tests.ports import free_port
from tests.serving import served


@pytest.fixture
def server(tmp_path):
    """The webhook on a free port of 127.0.0.1, in a thread; yields (base URL, app)."""
    app = make_app(tmp_path)
    with served(app, backlog=512) as url:
        yield url, app


def scripted_calls() -> list[tuple[str, str, list, list[str]]]:
    """(menu, person, events, engine path) for each route open at the first call time."""
    found = []
    for path in bundled_menus():
        for human, (events, when, engine) in routes_to_humans(load_menu(path)).items():
            if when == CALL_TIMES[0]:
                found.append((path.stem, human, events, engine.path))
    return found


@pytest.mark.parametrize(
    "calls", [pytest.param(20, id="20"), pytest.param(200, id="200", marks=pytest.mark.slow)]
)
def test_concurrent_calls_reach_their_people_and_are_all_stored(server, calls):
    base, app = server
    plans = scripted_calls()
    assert len(plans) >= 5
    chosen = [plans[i % len(plans)] for i in range(calls)]
    start = threading.Barrier(calls)

    def place(plan):
        menu, _human, events, _path = plan
        caller = TwimlCaller(f"{base}/voice/{menu}")
        start.wait(60)
        return caller.call(events)

    with ThreadPoolExecutor(calls) as pool:
        results = list(pool.map(place, chosen))
    for (menu, human, _events, path), result in zip(chosen, results, strict=True):
        assert result.path == path, (menu, human, result.end)
        assert result.reached is not None and result.path[-1] == human
    records = call_records(app)
    stored = records.events()
    assert Counter(e.call_sid for e in stored) == Counter({r.sid: r.requests for r in results})
    for result in results:
        assert [n for e in records.events(result.sid) for n in e.path] == result.path


def test_ivr_call_via_a_running_server_prints_the_transcript(server):
    base, _app = server
    result = CliRunner().invoke(
        main,
        [
            "call",
            str(MENU_DIR / "acme-hot.yaml"),
            "--via",
            base,
            "--press",
            "1",
            "--press",
            "1",
            "--press",
            "12345678#",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "IVR: Halo, ini ACME." in result.output
    assert "caller: pressed 12345678#" in result.output
    assert "reached queue:orders" in result.output
    assert "welcome > main > orders > order_status > order_care" in result.output
    refused = CliRunner().invoke(
        main, ["call", str(MENU_DIR / "acme-hot.yaml"), "--via", base, "--at", "2026-11-23T10:00"]
    )
    assert refused.exit_code == 2 and "--at cannot be used with --via" in refused.output


def test_ivr_calls_lists_paths_and_observed_seconds_to_a_person(server, tmp_path):
    base, app = server
    caller = TwimlCaller(f"{base}/voice/acme-hot")
    reached = caller.call([press("0")])
    waiting = caller.call([press("1")])
    assert call_records(app).flush()
    url = app.config["IVR_SETTINGS"].database_url
    result = CliRunner().invoke(main, ["calls", "--database", url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert reached.sid in result.output and waiting.sid in result.output
    assert lines[0].split()[2] == waiting.sid  # newest first
    assert "path: welcome > main > orders" in lines[1]
    assert "s to a person" in lines[2] and "path: welcome > main > care" in lines[3]
    assert "no person reached" in lines[0]
    empty = CliRunner().invoke(main, ["calls", "--database", f"sqlite:///{tmp_path}/none.db"])
    assert "No calls recorded" in empty.output


def test_the_call_database_is_sqlite_in_wal_mode(tmp_path):
    records = CallRecords(f"sqlite:///{tmp_path}/deep/calls.db")
    with records.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_ivr_serve_answers_calls_on_127_0_0_1(tmp_path):
    port = free_port()
    env = {**os.environ, "IVR_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db"}
    ivr = Path(sys.executable).with_name("ivr")
    process = subprocess.Popen(
        [str(ivr), "serve", str(MENU_DIR), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{port}/voice/acme-cold", data=b"CallSid=CA1"
                    ),
                    timeout=5,
                ) as answer:
                    body = answer.read()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[0]
                time.sleep(0.1)
        assert body is not None, "the server did not answer"
        assert parse_twiml(body).find("Gather") is not None
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/voice/acme-hot" in output


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("IVR_NOW", "junk", 'Error: IVR_NOW must be a time like 2026-11-23T10:00, got "junk"'),
        (
            "IVR_MENU_CHECK_SECONDS",
            "soon",
            'Error: IVR_MENU_CHECK_SECONDS must be a number of seconds (0 or more), got "soon"',
        ),
    ],
)
def test_serve_names_a_bad_setting_instead_of_a_traceback(
    variable: str, value: str, message: str
) -> None:
    result = CliRunner().invoke(main, ["serve", "menus"], env={variable: value})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message
