"""Fault tests under load: gunicorn with 4 workers, callers placing calls, and the call
database failing underneath. Every request answered must end up stored: zero lost events,
zero 5xx. Also: 4 workers starting together on a fresh database all boot.

Faults: PostgreSQL stopped for 10 s with a worker killed by SIGKILL meanwhile; requests
carrying NUL bytes throughout (PostgreSQL refuses NUL in text); a SQLite file system full
for 10 s; a SQLite file that new connections can only open read-only for a few seconds,
with a worker killed and restarted meanwhile (so it opens the file read-only).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from postgres_support import PostgresCluster
from sqlalchemy import func, select

from ivr.web.records import CallRecords, call_events, make_engine
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
CLIENTS = 8
URL_ATTRIBUTE = re.compile(r'(action|waitUrl)="([^"]+)"')
FORM = {"AccountSid": "AC" + "0" * 32, "From": "+14155550100", "To": "+14155550199"}
pytestmark = pytest.mark.slow


@contextlib.contextmanager
def gunicorn(database: str, journal: Path, workers: int = WORKERS) -> Iterator[tuple[int, int]]:
    """gunicorn serving the webhook on a free port: (port, master pid); stopped after.
    Its log is ``gunicorn.log`` beside the journal folder."""
    port = free_port()
    env = {
        **os.environ,
        "IVR_MENU_DIR": str(ROOT / "menus"),
        "IVR_DATABASE_URL": database,
        "IVR_JOURNAL_DIR": str(journal),
        "IVR_STATE_SECRET": "shared by every worker",
        "IVR_NOW": "2026-11-23T10:00",
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", "4"),
        *("--bind", f"127.0.0.1:{port}", "--graceful-timeout", "15", "--timeout", "60"),
        "ivr.web:create_app()",
    ]
    log = (journal.parent / "gunicorn.log").open("a")
    master = subprocess.Popen(command, env=env, cwd=ROOT, stderr=log)
    try:
        wait_until_answering(port, master)
        yield port, master.pid
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()
        log.close()


def post(port: int, path: str, fields: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            urlencode({**FORM, **fields}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def wait_until_answering(port: int, master: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if master.poll() is not None:
            raise AssertionError(f"gunicorn exited with {master.returncode}")
        with contextlib.suppress(OSError):
            if post(port, "/voice/acme-hot", {"CallSid": "CA-probe"})[0] == 200:
                return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


def workers_of(master: int) -> list[int]:
    """The pids of the master's worker processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master:
                    found.append(int(entry.name))
    return found


def kill_a_worker(master: int) -> None:
    os.kill(workers_of(master)[0], signal.SIGKILL)


@dataclass
class Load:
    """Callers placing calls (answer, press 0, hold) until stopped; what was answered."""

    port: int
    answered: Counter = field(default_factory=Counter)  # CallSid -> requests answered 200
    errors: Counter = field(default_factory=Counter)  # status (or "dropped") -> count
    stop: threading.Event = field(default_factory=threading.Event)

    def call(self, number: int) -> None:
        sid = f"CA{uuid.uuid4().hex}"
        poisoned = number % 5 == 0  # every fifth call says something with a NUL in it
        fields = {"CallSid": sid}
        path = "/voice/acme-hot"
        for step in ("answer", "press", "hold"):
            if step == "press":
                fields["Digits"] = "0"
                if poisoned:
                    fields["SpeechResult"] = "agen\x00\x01 tolong"
            if step == "hold":
                fields = {"CallSid": sid, "QueuePosition": "1\x00" if poisoned else "1"}
            try:
                status, body = post(self.port, path, fields)
            except (OSError, http.client.HTTPException):  # the worker was killed mid-request
                self.errors["dropped"] += 1  # (even half way through its answer): not answered
                return
            if status != 200 or not body.startswith("<?xml"):
                self.errors[status] += 1
                return
            self.answered[sid] += 1
            links = dict(URL_ATTRIBUTE.findall(body))
            path = links.get("waitUrl" if step == "press" else "action", "").replace("&amp;", "&")
            if not path:
                return

    def run(self) -> None:
        numbers = iter(range(10**9))
        while not self.stop.is_set():
            self.call(next(numbers))

    def during(self, faults: Callable[[], None]) -> None:
        """Run the callers while ``faults`` runs, then stop them."""
        clients = [threading.Thread(target=self.run) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        try:
            faults()
        finally:
            self.stop.set()
            for client in clients:
                client.join(60)


def stored(database: str) -> Counter:
    engine = make_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            select(call_events.c.call_sid, func.count()).group_by(call_events.c.call_sid)
        ).all()
    engine.dispose()
    return Counter(dict(rows))


def lost(load: Load, database: str) -> int:
    have = stored(database)
    return sum(max(0, count - have[sid]) for sid, count in load.answered.items())


def wait_for_records(load: Load, database: str, seconds: float = 60) -> int:
    """Wait until everything answered is stored; the events still missing."""
    deadline = time.monotonic() + seconds
    missing = lost(load, database)
    while missing and time.monotonic() < deadline:
        time.sleep(1)
        missing = lost(load, database)
    return missing


def replay_what_is_left(database: str, journal: Path) -> None:
    """The next start: a process on the same journal adopts what stopped workers left."""
    records = CallRecords(database, background=True, journal_dir=journal)
    assert records.flush(60)
    records.close()


def report(name: str, load: Load, missing: int, log: Path) -> int:
    """Print what happened; how many database faults the workers logged."""
    faults = log.read_text(errors="replace").count("cannot store call events yet")
    print(
        f"\n{name}: {sum(load.answered.values())} events answered in "
        f"{len(load.answered)} calls, {missing} lost, errors {dict(load.errors)}, "
        f"{faults} database faults logged"
    )
    return faults


def test_postgresql_stopped_for_10_s_and_a_worker_killed_lose_nothing(postgres, tmp_path):
    database = postgres.new_database()
    journal = tmp_path / "journal"
    with gunicorn(database, journal) as (port, master):
        load = Load(port)

        def faults() -> None:
            time.sleep(3)
            kill_a_worker(master)
            time.sleep(2)
            postgres.stop()
            time.sleep(4)
            kill_a_worker(master)  # its journal holds what PostgreSQL could not take
            time.sleep(6)
            postgres.start()
            time.sleep(5)

        load.during(faults)
        missing = wait_for_records(load, database)
    if missing:
        replay_what_is_left(database, journal)
        missing = lost(load, database)
    assert report("PostgreSQL outage", load, missing, tmp_path / "gunicorn.log")
    assert sum(load.answered.values()) > 500
    assert missing == 0
    assert not [status for status in load.errors if status != "dropped"]


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A file system of ``size`` at ``folder`` (skips the test where mounting is not allowed)."""
    folder.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]
    if os.geteuid() != 0 or subprocess.run(command, capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def point(link: Path, target: Path) -> None:
    """Make ``link`` a symlink to ``target``, atomically."""
    fresh = link.with_name(link.name + ".new")
    fresh.unlink(missing_ok=True)
    fresh.symlink_to(target)
    os.replace(fresh, link)


def test_sqlite_disk_full_and_read_only_file_lose_nothing(tmp_path):
    with small_disk(tmp_path / "disk", "64m") as disk:
        (disk / "calls").mkdir()
        read_only = tmp_path / "read-only"
        read_only.mkdir()
        subprocess.run(["mount", "--bind", str(disk / "calls"), str(read_only)], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(read_only)], check=True)
        try:
            where = tmp_path / "calls"  # the workers' path to the database folder
            point(where, disk / "calls")
            database = f"sqlite:///{where / 'calls.db'}"
            journal = tmp_path / "journal"
            with gunicorn(database, journal) as (port, master):
                load = Load(port)

                def faults() -> None:
                    time.sleep(3)
                    filler = disk / "filler"
                    free = shutil.disk_usage(disk).free
                    with filler.open("wb") as fill, contextlib.suppress(OSError):
                        fill.write(b"\0" * free)  # the disk is full for 10 s
                    time.sleep(10)
                    filler.unlink()
                    time.sleep(2)
                    point(where, read_only)  # new connections open the file read-only
                    kill_a_worker(master)  # its successor connects while it is read-only
                    time.sleep(5)
                    point(where, disk / "calls")
                    time.sleep(4)

                load.during(faults)
                missing = wait_for_records(load, database)
            if missing:
                replay_what_is_left(database, journal)
                missing = lost(load, database)
        finally:
            subprocess.run(["umount", "-l", str(read_only)], check=True)
    assert report("SQLite disk full and read-only", load, missing, tmp_path / "gunicorn.log")
    assert sum(load.answered.values()) > 500
    assert missing == 0
    assert not [status for status in load.errors if status != "dropped"]


# each start boots 4 workers: about 15 s on 2 busy cores; more with IVR_TEST_COLD_STARTS
STARTS = int(os.environ.get("IVR_TEST_COLD_STARTS", "3"))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_four_workers_starting_on_a_fresh_database_all_boot(kind, tmp_path, request):
    for start in range(STARTS):
        if kind == "sqlite":
            database = f"sqlite:///{tmp_path / f'fresh{start}' / 'calls.db'}"
        else:
            cluster: PostgresCluster = request.getfixturevalue("postgres")
            database = cluster.new_database()
        with gunicorn(database, tmp_path / f"journal{start}") as (port, master):
            time.sleep(1)  # let every worker take requests
            answers = [post(port, "/voice/acme-hot", {"CallSid": f"CA{n}"}) for n in range(20)]
            assert [status for status, _ in answers] == [200] * 20
            assert len(workers_of(master)) == WORKERS
        assert stored(database)["CA0"] == 1
