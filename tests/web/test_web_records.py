"""Call records on SQLite and on a real PostgreSQL: nothing answered is lost, junk is cleaned,
a refused row is set aside, replays never duplicate, calls read in the order they happened."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from web_support import make_app, parse_twiml, twilio_form

from ivr.cli import main
from ivr.web import call_records
from ivr.web.journal import DEAD_LETTER, SUFFIX
from ivr.web.records import CallRecords, Event, ensure_schema, make_engine

ROOT = Path(__file__).resolve().parents[2]


def event(sid: str, seq: int, node: str, at: float, outcome: str | None = None) -> Event:
    return Event(sid, "acme", "press", [node], "gather", str(seq), outcome, at=at, seq=seq)


def journal_line(event_id: str, **fields: object) -> str:
    row = {
        "event_id": event_id,
        "call_sid": "CA-journal",
        "menu": "acme",
        "event": "press",
        "seq": 0,
        "path": '["main"]',
        "action": "gather",
        "input": None,
        "outcome": None,
        "at": 1000.0,
        **fields,
    }
    return json.dumps(row) + "\n"


@pytest.mark.slow
def test_the_documented_postgresql_url_works_as_written(postgres):
    url = postgres.new_database()
    assert url.startswith("postgresql://")
    with CallRecords(url) as records:
        assert records.engine.dialect.driver == "psycopg"
        records.add(event("CA1", 0, "welcome", 10.0))
        assert records.count() == 1


def test_nul_bytes_and_control_characters_are_stored_cleaned_and_lose_no_other_call(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(tmp_path, DATABASE_URL=database_url)
    client = app.test_client()
    sids = [f"CA{n:032d}" for n in range(20)]
    for sid in sids:
        client.post("/voice/acme-hot", data=twilio_form(sid))
    poisoned = twilio_form("CA\x00nul", SpeechResult="agen\x00\x07 tolong")
    assert client.post("/voice/acme-hot", data=poisoned).status_code == 200
    records = call_records(app)
    assert records.flush(30)
    stored = records.events()
    assert {e.call_sid for e in stored} == {*sids, "CA nul"}
    assert all("\x00" not in e.call_sid for e in stored)
    records.close()


def test_a_row_the_database_refuses_is_set_aside_and_the_others_are_stored(database_url, tmp_path):
    journal = tmp_path / "journal"
    journal.mkdir()
    lines = [journal_line(f"good{n}", seq=n) for n in range(5)]
    lines.insert(2, journal_line("refused", call_sid=None))  # NOT NULL: the database says no
    lines.insert(4, "this is not an event\n")
    (journal / f"gone-1-0{SUFFIX}").write_text("".join(lines))
    records = CallRecords(database_url, background=True, journal_dir=journal)
    assert records.flush(30)
    assert records.count() == 5
    assert [e.input for e in records.events("CA-journal")] == [None] * 5
    refused = [json.loads(line) for line in (journal / DEAD_LETTER).read_text().splitlines()]
    assert {str(entry["event"]) for entry in refused} == {
        "this is not an event",
        str(json.loads(journal_line("refused", call_sid=None))),
    }
    assert not list(journal.glob(f"*-0{SUFFIX}"))  # replayed, then deleted
    records.close()


def test_a_journal_replayed_twice_stores_each_event_once(database_url, tmp_path):
    journal = tmp_path / "journal"
    journal.mkdir()
    segment = "".join(journal_line(f"event{n}", seq=n) for n in range(10))
    (journal / f"gone-1-0{SUFFIX}").write_text(segment)
    first = CallRecords(database_url, background=True, journal_dir=journal)
    assert first.flush(30) and first.count() == 10
    (journal / f"gone-1-1{SUFFIX}").write_text(segment)  # the same events again
    first.journal.adopt_orphans()
    assert first.flush(30) and first.count() == 10
    first.close()


KILLED_WORKER = """
import os, signal, sys
from ivr.web.records import CallRecords, Event
records = CallRecords(sys.argv[1], background=True, journal_dir=sys.argv[2])
for n in range(200):
    records.add(Event(f"CA{n % 7}", "acme", "press", ["main"], "gather", at=1000.0 + n, seq=n))
print("answered", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
def test_events_of_a_worker_killed_while_the_database_was_locked_are_replayed(
    database_url, tmp_path
):
    journal = tmp_path / "journal"
    engine = make_engine(database_url)
    ensure_schema(engine)
    blocker = engine.connect()
    blocking = blocker.begin()
    if blocker.dialect.name == "sqlite":
        blocker.exec_driver_sql("DELETE FROM call_events")  # holds the write lock
    else:
        blocker.execute(text("LOCK TABLE call_events IN ACCESS EXCLUSIVE MODE"))
    try:
        worker = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(KILLED_WORKER), database_url, str(journal)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    finally:
        blocking.rollback()
        blocker.close()
        engine.dispose()
    assert worker.returncode == -signal.SIGKILL and "answered" in worker.stdout, worker.stderr
    assert list(journal.glob(f"*{SUFFIX}"))  # what it had answered is on disk
    after = CallRecords(database_url, background=True, journal_dir=journal)
    assert after.flush(30)
    assert after.count() == 200
    assert not list(journal.glob(f"*{SUFFIX}"))
    after.close()


def test_a_call_reads_in_the_order_it_happened_whichever_worker_stored_first(database_url):
    stalled = CallRecords(database_url)
    quick = CallRecords(database_url)
    # the second and third requests went to a worker that stored them first
    quick.add(event("CA1", 1, "main", 101.0))
    quick.add(event("CA1", 2, "care", 102.0, "human"))
    stalled.add(event("CA1", 0, "welcome", 100.0))
    [summary] = quick.recent()
    assert summary.path == ["welcome", "main", "care"]
    assert summary.seconds_to_human == 2.0
    assert [e.seq for e in quick.events("CA1")] == [0, 1, 2]
    stalled.close()
    quick.close()
    shown = CliRunner().invoke(main, ["calls", "--database", database_url])
    assert "path: welcome > main > care" in shown.output, shown.output


def test_workers_creating_the_schema_at_once_all_start(database_url):
    engines = [make_engine(database_url) for _ in range(8)]
    start = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def create(engine) -> None:
        start.wait(10)
        try:
            ensure_schema(engine)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=create, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    assert failures == []


def test_an_older_call_database_gets_the_new_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    with old.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE call_events (id INTEGER PRIMARY KEY, call_sid VARCHAR(64) NOT NULL, "
            "menu VARCHAR(128) NOT NULL, event VARCHAR(32) NOT NULL, path TEXT NOT NULL, "
            "action VARCHAR(32) NOT NULL, input VARCHAR(200), outcome VARCHAR(32), "
            "at FLOAT NOT NULL)"
        )
        connection.exec_driver_sql(
            "INSERT INTO call_events (call_sid, menu, event, path, action, at) "
            "VALUES ('CA0', 'acme', 'answer', '[\"welcome\"]', 'gather', 5.0)"
        )
    old.dispose()
    with CallRecords(url) as records:
        records.add(event("CA0", 1, "main", 6.0))
        assert records.recent()[0].path == ["welcome", "main"]


@pytest.mark.slow
def test_a_sqlite_file_that_was_read_only_at_start_is_written_once_it_is_writable(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]
    if os.geteuid() != 0 or subprocess.run(command, capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        url = f"sqlite:///{mount / 'calls.db'}"
        engine = make_engine(url)
        ensure_schema(engine)
        engine.dispose()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        records = CallRecords(url, background=True, journal_dir=tmp_path / "journal")
        for n in range(50):
            records.add(event("CA1", n, "main", 100.0 + n))
        assert not records.flush(1.0)  # nothing can be written yet
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        assert records.flush(30)
        assert records.count() == 50
        records.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_the_webhook_numbers_the_requests_of_a_call_in_their_order(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    form = twilio_form()
    answered = parse_twiml(client.post("/voice/acme-hot", data=form).data)
    action = answered.find(".//Gather").get("action")
    enqueued = parse_twiml(client.post(action, data={**form, "Digits": "0"}).data).find("Enqueue")
    client.post(enqueued.get("waitUrl"), data={**form, "QueuePosition": "1"})
    client.post(enqueued.get("action"), data={**form, "QueueResult": "hangup"})
    events = call_records(app).events(form["CallSid"])
    call_records(app).close()
    assert [(e.event, e.seq) for e in events] == [
        ("answer", 0),
        ("press", 1),
        ("wait", 2),
        ("queue-result", 2),
    ]


def test_events_that_cannot_be_journaled_are_still_stored(database_url, tmp_path, caplog):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    records = CallRecords(database_url, background=True, journal_dir=blocked / "journal")
    for n in range(30):
        records.add(event("CA1", n, "main", 100.0 + n))
    assert records.flush(30)
    assert records.count() == 30
    records.close()
    assert "cannot journal call events" in caplog.text


def test_an_event_reaches_the_database_without_anyone_waiting_for_it(tmp_path):
    """The idle writer is woken by an event (not only by a reader's flush), every time."""
    url = f"sqlite:///{tmp_path}/calls.db"
    records = CallRecords(url, background=True, journal_dir=tmp_path / "journal")
    engine = create_engine(url)
    try:
        for count in (1, 2, 3):
            time.sleep(0.2)  # the writer has stored the last event and sleeps
            records.add(event("CA-idle", count, "main", 1000.0 + count))
            deadline = time.monotonic() + 3  # the writer's idle nap is 5 s
            stored = 0
            while stored < count and time.monotonic() < deadline:
                time.sleep(0.02)
                with engine.connect() as connection:
                    if inspect(connection).has_table("call_events"):
                        stored = connection.execute(
                            text("SELECT count(*) FROM call_events")
                        ).scalar_one()
            assert stored == count
    finally:
        engine.dispose()
        records.close()


def test_every_event_of_concurrent_requests_is_on_disk_when_add_returns(tmp_path):
    """Flushes run side by side (the kernel joins them): still, each covers its line."""
    records = CallRecords("sqlite://", background=True, journal_dir=tmp_path / "journal")
    threads = [
        threading.Thread(target=records.add, args=(event(f"CA-{i}", 0, "main", 1000.0 + i),))
        for i in range(40)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    segment = records.journal.segments()[-1]
    assert segment.synced == segment.end == segment.size() > 0
    assert records.count() == 40
    records.close()
