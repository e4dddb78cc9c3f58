"""A throw-away PostgreSQL cluster for tests: ``initdb`` and ``pg_ctl`` in a temporary folder,
on a free loopback port, run as an unprivileged user when the tests run as root."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import uuid
from pathlib import Path

from tests.ports import free_port

UNPRIVILEGED = "postgres"  # the user Debian's postgresql package makes; initdb refuses root


def postgres_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian keeps them out of PATH)."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder on a free loopback port, run as an
    unprivileged user when the tests run as root. ``stop()``/``start()`` make outages."""

    def __init__(self, binaries: Path, folder: Path):
        self.binaries = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.user = UNPRIVILEGED if os.geteuid() == 0 else None
        if self.user:
            account = pwd.getpwnam(self.user)
            os.chown(folder, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "ivr", "--no-sync")
        self.start()

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.binaries / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-F -p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200"
        )
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop the server at once (connected clients are cut off)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """The ``postgresql://`` URL of ``database``, written as the docs write it."""
        return f"postgresql://ivr@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a fresh, empty database."""
        import psycopg

        name = f"calls_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=ivr dbname=postgres") as db:
            db.autocommit = True
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)
