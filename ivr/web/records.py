"""Call records: one row per webhook request, through SQLAlchemy Core.

SQLite (a file, in WAL mode) by default; any SQLAlchemy URL works. A call is
its ``CallSid``; its path is the nodes of its events in order, and the
observed seconds to a human run from its first event to the first event that
reached a human endpoint.

>>> records = CallRecords("sqlite://")
>>> records.add(Event("CA1", "acme", "answer", ["welcome", "main"], "gather", at=100.0))
>>> records.add(Event("CA1", "acme", "press", ["care"], "enqueue", "0", "human", at=112.5))
>>> [(c.sid, c.path, c.seconds_to_human) for c in records.recent()]
[('CA1', ['welcome', 'main', 'care'], 12.5)]
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

FIELD_LIMIT = 200
BATCH = 500
BATCH_DELAY = 0.02
WRITE_ATTEMPTS = 3
log = logging.getLogger(__name__)
metadata = MetaData()
call_events = Table(
    "call_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_sid", String(64), nullable=False, index=True),
    Column("menu", String(128), nullable=False),
    Column("event", String(32), nullable=False),
    Column("path", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("input", String(FIELD_LIMIT)),
    Column("outcome", String(32)),
    Column("at", Float, nullable=False, index=True),
)


@dataclass(frozen=True)
class Event:
    """One request of a call: what the caller did, the nodes it went through, the answer."""

    call_sid: str
    menu: str
    event: str
    path: list[str]
    action: str
    input: str | None = None
    outcome: str | None = None
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class CallSummary:
    """A call as ``ivr calls`` shows it."""

    sid: str
    menu: str
    started: float
    path: list[str]
    events: int
    outcome: str | None
    seconds_to_human: float | None


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and thread-safe connections."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    memory = database in (None, "", ":memory:")
    if not memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:  # pragma: no cover - exercised via connect
        cursor = connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


class CallRecords:
    """The call database: ``add`` events, read ``recent`` calls and ``events`` of one.

    With ``background=True`` (the webhook's choice) ``add`` only queues the event
    and one writer thread stores queued events in batches, one transaction each:
    a request never waits for the database, and SQLite never sees two writers
    of one process. Reads, ``flush()`` and the end of the process wait for the
    queue to drain.
    """

    def __init__(self, url: str, *, background: bool = False):
        self.engine = make_engine(url)
        metadata.create_all(self.engine)
        self.background = background
        self._queue: queue.SimpleQueue[dict] = queue.SimpleQueue()
        self._pending = 0
        self._drained = threading.Condition()
        self._writer: threading.Thread | None = None
        if background:
            atexit.register(self.flush)

    def add(self, item: Event) -> None:
        """Store one event (long fields are cut to a safe length)."""
        row = {
            "call_sid": item.call_sid[:64],
            "menu": item.menu[:128],
            "event": item.event[:32],
            "path": json.dumps(item.path, ensure_ascii=False),
            "action": item.action[:32],
            "input": item.input[:FIELD_LIMIT] if item.input is not None else None,
            "outcome": item.outcome,
            "at": item.at,
        }
        if not self.background:
            self._insert([row])
            return
        with self._drained:
            self._pending += 1
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._write_queued, daemon=True, name="ivr-call-records"
                )
                self._writer.start()
        self._queue.put(row)

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until every queued event is stored; False if that took over ``timeout`` s."""
        with self._drained:
            return self._drained.wait_for(lambda: self._pending == 0, timeout)

    def _insert(self, rows: list[dict]) -> None:
        with self.engine.begin() as connection:
            connection.execute(call_events.insert(), rows)

    def _write_queued(self) -> None:
        while True:
            rows = [self._queue.get()]
            time.sleep(BATCH_DELAY)  # let a batch gather: one transaction for many requests
            while len(rows) < BATCH:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    self._insert(rows)
                    break
                except SQLAlchemyError:
                    log.exception(
                        "could not store %d call events (attempt %d of %d)",
                        len(rows),
                        attempt + 1,
                        WRITE_ATTEMPTS,
                    )
                    time.sleep(0.5 * (attempt + 1))
            with self._drained:
                self._pending -= len(rows)
                self._drained.notify_all()

    def events(self, call_sid: str | None = None) -> list[Event]:
        """Every stored event (of one call when ``call_sid`` is given), oldest first."""
        self.flush()
        query = select(call_events).order_by(call_events.c.id)
        if call_sid is not None:
            query = query.where(call_events.c.call_sid == call_sid)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            Event(
                r["call_sid"],
                r["menu"],
                r["event"],
                json.loads(r["path"]),
                r["action"],
                r["input"],
                r["outcome"],
                r["at"],
            )
            for r in rows
        ]

    def recent(self, limit: int = 20, menu: str | None = None) -> list[CallSummary]:
        """The ``limit`` most recently started calls, newest first."""
        self.flush()
        started = func.min(call_events.c.at).label("started")
        query = select(call_events.c.call_sid, started).group_by(call_events.c.call_sid)
        if menu is not None:
            query = query.where(call_events.c.menu == menu)
        query = query.order_by(started.desc()).limit(limit)
        with self.engine.connect() as connection:
            sids = [row.call_sid for row in connection.execute(query)]
            rows = (
                connection.execute(
                    select(call_events)
                    .where(call_events.c.call_sid.in_(sids))
                    .order_by(call_events.c.id)
                )
                .mappings()
                .all()
                if sids
                else []
            )
        by_sid: dict[str, list] = {sid: [] for sid in sids}
        for row in rows:
            by_sid[row["call_sid"]].append(row)
        return [summarize(sid, by_sid[sid]) for sid in sids]

    def count(self) -> int:
        """How many events are stored."""
        self.flush()
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(call_events)).scalar_one()


def summarize(sid: str, rows: list) -> CallSummary:
    """A ``CallSummary`` from one call's event rows (oldest first)."""
    path: list[str] = []
    for row in rows:
        path.extend(json.loads(row["path"]))
    first = rows[0]["at"]
    human = next((row["at"] for row in rows if row["outcome"] == "human"), None)
    outcome = next((row["outcome"] for row in reversed(rows) if row["outcome"]), None)
    return CallSummary(
        sid,
        rows[0]["menu"],
        first,
        path,
        len(rows),
        outcome,
        round(human - first, 2) if human is not None else None,
    )
