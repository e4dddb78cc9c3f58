"""The call-records journal: events are on disk before Twilio hears the answer.

Each process appends its events, one JSON line each, to its own segment file
(``<host>-<pid>-<n>.jsonl``) in the journal folder and flushes it to disk
(``fdatasync``) before the request is answered. The process holds an exclusive ``flock`` on its
segments: a segment whose lock can be taken belongs to a process that is gone
(ended, crashed, killed with SIGKILL), and whoever takes the lock adopts it and
replays it. A segment is deleted only once every line in it is in the
database; the database insert is idempotent (keyed by the event id), so a
segment replayed twice never duplicates an event.

>>> import tempfile
>>> journal = Journal(Path(tempfile.mkdtemp()))
>>> journal.append({"event_id": "e1", "call_sid": "CA1"})
>>> [segment.unread()[0] for segment in journal.segments()]
[[{'event_id': 'e1', 'call_sid': 'CA1'}]]
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

SUFFIX = ".jsonl"
SEGMENT_BYTES = 4 * 1024 * 1024  # a process starts a new segment past this size
READ_BYTES = 1024 * 1024  # read at most this much of a segment at once
DEAD_LETTER = "dead-letter.jsonl"
log = logging.getLogger(__name__)


@dataclass
class Segment:
    """One journal file: its path, the open descriptor holding its lock, how far it is read."""

    path: Path
    fd: int
    read_at: int = 0
    closed: bool = False  # no line will be added: delete it once it is fully read and stored
    synced: int = 0  # bytes known to be on disk
    end: int = 0  # the file's size as this process wrote it (kept here: no fstat per line)
    synced_lock: threading.Lock = field(default_factory=threading.Lock)

    def sync(self, end: int) -> None:
        """Make sure the first ``end`` bytes are on disk.

        A flush covers every line written before it started, so a line that an earlier
        flush covered needs none. Otherwise the caller flushes at once, even while
        another flush is under way: the kernel joins concurrent flushes of one file
        (group commit), which on a busy disk answered twice as many requests as queueing
        them one after another in Python (``bench/webhook.py``)."""
        if self.synced >= end:
            return
        covered = self.end  # every line counted here is written already
        flush_data(self.fd)
        with self.synced_lock:
            self.synced = max(self.synced, covered)

    def size(self) -> int:
        """Bytes in the file now."""
        return os.fstat(self.fd).st_size

    def unread(self) -> tuple[list[object], int]:
        """The complete lines after ``read_at`` (parsed; a line that is not JSON as its text)
        and the offset just after them. A last line without its newline is left unread:
        its writer was interrupted before it could answer the request."""
        data = os.pread(self.fd, READ_BYTES, self.read_at)
        end = data.rfind(b"\n") + 1
        if end == 0 and len(data) == READ_BYTES:  # one line longer than a read: not ours
            end = len(data)
        items: list[object] = []
        for line in data[:end].splitlines():
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError:
                items.append(line.decode("utf-8", "replace"))
        return items, self.read_at + end

    def finished(self) -> bool:
        """True when no line will be added and every line has been read."""
        return self.closed and self.read_at >= self.size()

    def remove(self) -> None:
        """Delete the file, then let go of its lock."""
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


_SEGMENT_NUMBERS = itertools.count()


class Journal:
    """This process's journal segments in ``folder``, and adoption of orphaned ones."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._segments: list[Segment] = []
        self._active: Segment | None = None
        self.appended = 0  # lines written by this process

    def append(self, row: dict) -> None:
        """Write ``row`` as one line and force it to disk; OSError when that is impossible
        (a failed write leaves no half line behind)."""
        line = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        with self._lock:
            segment = self._writable()
            start = segment.end
            try:
                written = os.write(segment.fd, line)
                if written != len(line):
                    raise OSError(f"short write to {segment.path}")
            except OSError:
                os.ftruncate(segment.fd, start)
                raise
            segment.end = start + len(line)
            self.appended += 1
        segment.sync(start + len(line))

    def _writable(self) -> Segment:
        if self._pid != os.getpid():  # a forked child: its parent's segments are not its own
            self._pid, self._segments, self._active = os.getpid(), [], None
        active = self._active
        if active is not None and active.end < SEGMENT_BYTES:
            return active
        if active is not None:
            active.closed = True
        self.folder.mkdir(parents=True, exist_ok=True)
        # numbered across the process: two apps (two journals) in one process never share a file
        name = f"{socket.gethostname()}-{os.getpid()}-{next(_SEGMENT_NUMBERS)}{SUFFIX}"
        path = self.folder / name
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
        _sync_folder(self.folder)
        self._active = Segment(path, fd, end=os.fstat(fd).st_size)
        self._segments.append(self._active)
        return self._active

    def segments(self) -> list[Segment]:
        """This process's segments (and adopted ones), oldest first."""
        with self._lock:
            return list(self._segments) if self._pid == os.getpid() else []

    def retire(self, segment: Segment) -> None:
        """Delete a segment whose every line is stored."""
        with self._lock:
            if segment in self._segments:
                self._segments.remove(segment)
            if segment is self._active:
                self._active = None
        segment.remove()

    def close(self) -> None:
        """At the end of the process: delete segments that are fully stored, keep the rest
        (the next process to look adopts them)."""
        with self._lock:
            segments, self._segments, self._active = self._segments, [], None
        for segment in segments:
            segment.closed = True
            if segment.finished():
                segment.remove()
            else:
                os.close(segment.fd)

    def adopt_orphans(self) -> int:
        """Take over the segments of processes that are gone; how many were adopted."""
        if not self.folder.is_dir():
            return 0
        adopted = 0
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            if path.name == DEAD_LETTER:
                continue
            segment = _lock_orphan(path)
            if segment is None:
                continue
            with self._lock:
                self._segments.insert(0, segment)
            adopted += 1
            log.warning("replaying call events left by a stopped process: %s", path)
        return adopted

    def dead_letter(self, item: object, error: str) -> None:
        """Keep an event the database refuses, with the reason, in ``dead-letter.jsonl``."""
        entry = {"event": item, "error": error[:2000]}
        line = json.dumps(entry, ensure_ascii=False, default=str).encode() + b"\n"
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.folder / DEAD_LETTER, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)


def _lock_orphan(path: Path) -> Segment | None:
    """The segment at ``path`` locked by us, or None while its process lives (or it is gone)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino != os.stat(path).st_ino:  # replayed and deleted meanwhile
            raise FileNotFoundError(path)
    except OSError:
        os.close(fd)
        return None
    return Segment(path, fd, closed=True)


def flush_data(fd: int) -> None:
    """Force the data of ``fd`` (and its size, without which it could not be read back) to
    disk: ``fdatasync`` where there is one (it skips the modification time), else ``fsync``."""
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def _sync_folder(folder: Path) -> None:
    """Make a new file's name in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
