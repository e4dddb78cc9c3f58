"""Call records: one row per webhook request, through SQLAlchemy Core.

SQLite (a file, in WAL mode) by default; any SQLAlchemy URL works, and
``postgresql://`` means PostgreSQL through psycopg 3 (``pip install 'ivr[postgres]'``).
A call is its ``CallSid``; its path is the nodes of its events in the order
they happened (the per-call sequence number the call state carries, then the
time), and the observed seconds to a human run from its first event to the
first event that reached a human endpoint.

The webhook never waits for the database and never loses an event it has
answered: ``add`` writes the event to this process's journal on disk
(``ivr.web.journal``) and one writer thread copies the journal into the
database, reconnecting after faults. Inserts are idempotent (every event has
an id), text is cleaned of NUL and control characters, and a row the database
refuses is set aside in the journal folder's ``dead-letter.jsonl`` instead of
holding back the others.

>>> records = CallRecords("sqlite://")
>>> records.add(Event("CA1", "acme", "answer", ["welcome", "main"], "gather", at=100.0))
>>> records.add(Event("CA1", "acme", "press", ["care"], "enqueue", "0", "human", at=112.5, seq=1))
>>> [(c.sid, c.path, c.seconds_to_human) for c in records.recent()]
[('CA1', ['welcome', 'main', 'care'], 12.5)]
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
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
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError, StatementError
from sqlalchemy.pool import StaticPool

from ivr.web.journal import Journal, Segment

FIELD_LIMIT = 200
PATH_LIMIT = 200  # nodes kept of one request's path: a journal line stays far below READ_BYTES
BATCH = 500
IDLE_SECONDS = 5.0  # the writer looks for orphaned journal segments this often
GATHER_SECONDS = 0.05  # while events keep coming, the writer stores them this often, in batches
RETRY_SECONDS = (0.1, 0.2, 0.5, 1.0, 2.0)  # waits after consecutive database faults
CLOSE_SECONDS = 10.0  # how long the end of a process waits for the database
SCHEMA_ATTEMPTS = 5
SCHEMA_LOCK = 0x1F0C_A11  # PostgreSQL advisory lock serialising schema creation
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
log = logging.getLogger(__name__)
metadata = MetaData()
call_events = Table(
    "call_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(32), unique=True, index=True),
    Column("call_sid", String(64), nullable=False, index=True),
    Column("menu", String(128), nullable=False),
    Column("event", String(32), nullable=False),
    Column("seq", Integer, nullable=False, server_default="0"),
    Column("path", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("input", String(FIELD_LIMIT)),
    Column("outcome", String(32)),
    Column("at", Float, nullable=False, index=True),
)
COLUMNS = tuple(column.name for column in call_events.columns if column.name != "id")
# Columns added after the first release, added to an older database on start
LATER_COLUMNS = {"event_id": "VARCHAR(32)", "seq": "INTEGER NOT NULL DEFAULT 0"}


@dataclass(frozen=True)
class Event:
    """One request of a call: what the caller did, the nodes it went through, the answer.

    ``seq`` numbers a call's requests in the order Twilio made them (carried in the
    call state), so a call reads right whichever worker stored which event first."""

    call_sid: str
    menu: str
    event: str
    path: list[str]
    action: str
    input: str | None = None
    outcome: str | None = None
    at: float = field(default_factory=time.time)
    seq: int = 0


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


def clean(value: str | None, limit: int) -> str | None:
    """``value`` as any database stores it: control characters (NUL...) become spaces,
    text that is not valid Unicode is replaced, and it is cut to ``limit`` characters.

    >>> clean("1\\x002\\n", 10), clean("\\ud800x", 10), clean(None, 5)
    ('1 2 ', '?x', None)
    """
    if value is None:
        return None
    value = CONTROL.sub(" ", str(value)[: limit * 2])
    return value.encode("utf-8", "replace").decode("utf-8")[:limit]


def row_of(item: Event) -> dict:
    """The database row of ``item``, with a fresh event id."""
    path = [clean(node, FIELD_LIMIT) for node in item.path[:PATH_LIMIT]]
    return {
        "event_id": uuid.uuid4().hex,
        "call_sid": clean(item.call_sid, 64),
        "menu": clean(item.menu, 128),
        "event": clean(item.event, 32),
        "seq": int(item.seq),
        "path": json.dumps(path, ensure_ascii=False),
        "action": clean(item.action, 32),
        "input": clean(item.input, FIELD_LIMIT),
        "outcome": clean(item.outcome, 32),
        "at": float(item.at),
    }


def database_url(url: str) -> str:
    """``url`` with PostgreSQL's driver made explicit: ``postgresql://`` (and Heroku's
    ``postgres://``) mean psycopg 3, the driver of the ``postgres`` extra.

    >>> database_url("postgresql://ivr@db/calls"), database_url("sqlite:///x.db")
    ('postgresql+psycopg://ivr@db/calls', 'sqlite:///x.db')
    """
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and thread-safe connections."""
    url = database_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    memory = database in (None, "", ":memory:")
    if database and not memory:
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


def ensure_schema(engine: Engine) -> None:
    """Create the table (or add later columns) once, safely while other workers do the same.

    PostgreSQL serialises creators with an advisory lock; elsewhere the loser of a
    creation race sees the table on its next look."""
    for attempt in range(SCHEMA_ATTEMPTS):
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK}
                    )
                metadata.create_all(connection)
                _add_later_columns(connection)
            return
        except SQLAlchemyError:
            if attempt == SCHEMA_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))  # another worker is creating it: look again


def _add_later_columns(connection: Connection) -> None:
    present = {column["name"] for column in inspect(connection).get_columns("call_events")}
    for name, kind in LATER_COLUMNS.items():
        if name not in present:
            connection.execute(text(f"ALTER TABLE call_events ADD COLUMN {name} {kind}"))
    if "event_id" not in present:
        connection.execute(
            text(
                "CREATE UNIQUE INDEX IF NOT EXISTS ix_call_events_event_id "
                "ON call_events (event_id)"
            )
        )


def insert_rows(connection: Connection, rows: list[dict]) -> None:
    """Insert ``rows``, skipping any whose event id is stored already (a replay)."""
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite if dialect == "sqlite" else postgresql).insert(call_events)
        connection.execute(insert.on_conflict_do_nothing(index_elements=["event_id"]), rows)
        return
    wanted = [row["event_id"] for row in rows]
    stored = set(
        connection.execute(
            select(call_events.c.event_id).where(call_events.c.event_id.in_(wanted))
        ).scalars()
    )
    fresh = [row for row in rows if row["event_id"] not in stored]
    if fresh:
        connection.execute(call_events.insert(), fresh)


def refused_row(error: BaseException) -> bool:
    """True when the database refused a row for what is in it (not for being unavailable)."""
    if isinstance(error, DBAPIError):
        return isinstance(error, DataError | IntegrityError) and not error.connection_invalidated
    return isinstance(error, StatementError | ValueError | TypeError | KeyError)


def default_journal_dir(url: str) -> Path:
    """Where the journal of ``url`` lives: beside a SQLite file, else in the user's state
    folder under a name derived from the URL (so two databases never share a journal)."""
    plain = make_url(database_url(url))
    if plain.drivername.startswith("sqlite") and plain.database not in (None, "", ":memory:"):
        return Path(f"{plain.database}.journal")
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    key = hashlib.sha256(plain.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return state / "ivr" / "journal" / key


class CallRecords:
    """The call database: ``add`` events, read ``recent`` calls and ``events`` of one.

    With ``background=True`` (the webhook's choice) ``add`` writes the event to
    the journal in ``journal_dir`` (default: ``default_journal_dir``) and returns;
    a writer thread stores it. Reads, ``flush()`` and the end of the process
    wait for the journal to be stored. Without it, ``add`` inserts at once.
    """

    def __init__(self, url: str, *, background: bool = False, journal_dir: Path | None = None):
        self.engine = make_engine(url)
        self.background = background
        self._schema_ready = False
        self._memory = make_url(database_url(url)).database in (None, "", ":memory:")
        if not background:
            return
        if journal_dir is None:
            journal_dir = (
                Path(tempfile.mkdtemp(prefix="ivr-journal-"))
                if self._memory and url.startswith("sqlite")
                else default_journal_dir(url)
            )
        self.journal = Journal(Path(journal_dir))
        self._unjournaled: list[dict] = []
        self._changed = threading.Condition()
        self._wanted = False  # events were added since the writer last looked
        self._urgent = False  # someone waits for the database (flush, close)
        self._idle = False  # the writer waits for events: ``add`` must wake it
        self._looked_at = 0  # the journal's count of lines when the writer last looked
        self._closing = False
        self._writer: threading.Thread | None = None
        self._writer_pid = 0
        self.journal.adopt_orphans()  # what a stopped process left: flush() waits for it too
        self._start_writer()
        atexit.register(self.close)

    # -- writing ---------------------------------------------------------------------
    def add(self, item: Event) -> None:
        """Store one event: on disk before this returns (in the database soon after)."""
        row = row_of(item)
        if not self.background:
            self._ready()
            with self.engine.begin() as connection:
                insert_rows(connection, [row])
            return
        self._start_writer()
        try:
            self.journal.append(row)
        except OSError as error:  # the journal's disk is full or gone: keep it for the writer
            with self._changed:
                self._unjournaled.append(row)
                if len(self._unjournaled) % 1000 == 1:  # once, then every 1000th
                    log.error(
                        "cannot journal call events in %s (%s): %d kept in memory",
                        self.journal.folder,
                        error,
                        len(self._unjournaled),
                    )
        if self._idle:  # else the writer looks again within GATHER_SECONDS
            with self._changed:
                self._wanted = True
                self._changed.notify_all()

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until every event added here is in the database; False after ``timeout`` s."""
        if not self.background:
            return True
        self._start_writer()
        with self._changed:
            self._urgent = True
            self._changed.notify_all()
            return self._changed.wait_for(self._all_stored, timeout)

    def close(self) -> None:
        """Let go of the database; in the background, first store what can be stored
        (the rest stays journaled for the next process)."""
        if self.background and not self._closing:
            stored = self.flush(CLOSE_SECONDS)
            with self._changed:
                self._closing = True
                self._changed.notify_all()
            if self._writer is not None and self._writer_pid == os.getpid():
                self._writer.join(CLOSE_SECONDS)
            if not stored:
                log.error("call events not stored yet stay in %s", self.journal.folder)
            self.journal.close()
            if self._memory:
                shutil.rmtree(self.journal.folder, ignore_errors=True)
        self.engine.dispose()

    def __enter__(self) -> CallRecords:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _all_stored(self) -> bool:
        return not self._unjournaled and all(  # a closed segment is deleted once stored
            not segment.closed and segment.read_at >= segment.size()
            for segment in self.journal.segments()
        )

    def _start_writer(self) -> None:
        """Start the writer thread (again in a forked child, whose parent's thread is gone)."""
        if self._writer_pid == os.getpid() and self._writer and self._writer.is_alive():
            return
        with _fork_guard:
            if self._writer_pid == os.getpid() and self._writer and self._writer.is_alive():
                return
            if self._writer_pid not in (0, os.getpid()):
                self.engine.dispose(close=False)  # the parent's connections are not ours
                self._changed = threading.Condition()
            self._writer_pid = os.getpid()
            self._writer = threading.Thread(
                target=self._write, daemon=True, name="ivr-call-records"
            )
            self._writer.start()

    def _write(self) -> None:
        """The writer thread: copy journals (own and orphaned) into the database."""
        faults = 0
        next_look = time.monotonic() + IDLE_SECONDS
        while not self._closing:
            if time.monotonic() >= next_look:
                self.journal.adopt_orphans()
                next_look = time.monotonic() + IDLE_SECONDS
            try:
                stored = self._store_all()
                faults = 0
            except Exception as error:  # noqa: BLE001 - the writer must outlive any fault
                self._fault(error, faults)
                faults += 1
                time.sleep(RETRY_SECONDS[min(faults, len(RETRY_SECONDS)) - 1])
                continue
            with self._changed:
                self._changed.notify_all()
                if stored:  # busy: let the events of the next moment gather into one batch
                    self._changed.wait_for(lambda: self._urgent or self._closing, GATHER_SECONDS)
                else:
                    self._wait_for_events()
                self._urgent = False

    def _wait_for_events(self) -> None:
        """Sleep until an event is added, someone waits for the database, or IDLE_SECONDS
        pass (called holding ``_changed``). ``add`` wakes the writer only while it is idle:
        an event journaled before ``_idle`` is set shows in the journal's count."""
        self._idle = True
        if self.journal.appended == self._looked_at and not self._unjournaled:
            self._changed.wait_for(
                lambda: self._wanted or self._urgent or self._closing, IDLE_SECONDS
            )
        self._idle = False

    def _fault(self, error: Exception, faults: int) -> None:
        """Log a database fault (once per outage, then every tenth try) and reconnect."""
        if faults % 10 == 0:
            log.error("cannot store call events yet, retrying: %s", error)
        self._schema_ready = False
        self.engine.dispose()  # e.g. a SQLite connection opened read-only: open a new one

    def _store_all(self) -> int:
        """Store every unstored journal line and every event that could not be journaled;
        how many lines and events were stored."""
        with self._changed:
            self._wanted = False
        self._looked_at = self.journal.appended
        stored = sum(self._store_segment(segment) for segment in self.journal.segments())
        with self._changed:
            waiting = list(self._unjournaled)
        if waiting:
            self._store(waiting)
            with self._changed:
                del self._unjournaled[: len(waiting)]
                self._changed.notify_all()
        return stored + len(waiting)

    def _store_segment(self, segment: Segment) -> int:
        """Store the unread lines of ``segment``; how many there were."""
        stored = 0
        while True:
            items, end = segment.unread()
            if end == segment.read_at:
                break
            rows = []
            for item in items:
                row = _journal_row(item)
                if row is None:
                    self._set_aside(item, "not an event")
                else:
                    rows.append(row)
            for start in range(0, len(rows), BATCH):
                self._store(rows[start : start + BATCH])
            segment.read_at = end
            stored += len(items)
            with self._changed:
                self._changed.notify_all()
        if segment.finished():
            self.journal.retire(segment)
        return stored

    def _store(self, rows: list[dict]) -> None:
        """Insert ``rows`` in one transaction; when the database refuses it, row by row, and
        set aside the rows it refuses. Raises when the database is unavailable."""
        self._ready()
        try:
            with self.engine.begin() as connection:
                insert_rows(connection, rows)
            return
        except Exception as error:
            if not refused_row(error):
                raise
        for row in rows:
            try:
                with self.engine.begin() as connection:
                    insert_rows(connection, [row])
            except Exception as error:
                if not refused_row(error):
                    raise
                self._set_aside(row, str(error))

    def _set_aside(self, item: object, reason: str) -> None:
        log.error(
            "a call event the database refuses is kept in %s: %s", self.journal.folder, reason
        )
        self.journal.dead_letter(item, reason)

    def _ready(self) -> None:
        if not self._schema_ready:
            ensure_schema(self.engine)
            self._schema_ready = True

    # -- reading ---------------------------------------------------------------------
    def events(self, call_sid: str | None = None) -> list[Event]:
        """Every stored event (of one call when ``call_sid`` is given), in the order they
        happened: a call's by its sequence, then time; all calls' by time."""
        self.flush()
        self._ready()
        columns = call_events.c
        if call_sid is None:
            query = select(call_events).order_by(columns.at, columns.seq, columns.id)
        else:
            query = (
                select(call_events)
                .where(columns.call_sid == call_sid)
                .order_by(columns.seq, columns.at, columns.id)
            )
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
                r["seq"],
            )
            for r in rows
        ]

    def recent(self, limit: int = 20, menu: str | None = None) -> list[CallSummary]:
        """The ``limit`` most recently started calls, newest first."""
        self.flush()
        self._ready()
        columns = call_events.c
        started = func.min(columns.at).label("started")
        query = select(columns.call_sid, started).group_by(columns.call_sid)
        if menu is not None:
            query = query.where(columns.menu == menu)
        query = query.order_by(started.desc()).limit(limit)
        with self.engine.connect() as connection:
            sids = [row.call_sid for row in connection.execute(query)]
            rows = (
                connection.execute(
                    select(call_events)
                    .where(columns.call_sid.in_(sids))
                    .order_by(columns.call_sid, columns.seq, columns.at, columns.id)
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
        self._ready()
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(call_events)).scalar_one()


_fork_guard = threading.Lock()


def _renew_fork_guard() -> None:
    global _fork_guard
    _fork_guard = threading.Lock()


os.register_at_fork(after_in_child=_renew_fork_guard)


def _journal_row(item: object) -> dict | None:
    """The row of one journal line, or None when the line is not an event."""
    if not isinstance(item, dict) or not isinstance(item.get("event_id"), str):
        return None
    return {name: item.get(name) for name in COLUMNS}


def summarize(sid: str, rows: Iterable) -> CallSummary:
    """A ``CallSummary`` from one call's event rows (in the order they happened)."""
    rows = list(rows)
    path: list[str] = []
    for row in rows:
        path.extend(json.loads(row["path"]))
    first = min(row["at"] for row in rows)
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
