"""Fixtures: third-party-style TwiML apps in subprocesses, and a server with scripted quirks."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.ports import free_port

APPS = Path(__file__).parent / "apps"


def start_app(name: str) -> Iterator[str]:
    """Run ``apps/<name>.py`` on a free loopback port; yield its base URL; stop it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(APPS / f"{name}.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the {name} app did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def phone_tree_app() -> Iterator[str]:
    """The classic phone tree (relative URLs, lower-case numdigits, text/html, catch-all)."""
    yield from start_app("phone_tree")


@pytest.fixture(scope="session")
def session_app() -> Iterator[str]:
    """The line that keeps its state in a session cookie behind one URL."""
    yield from start_app("session_line")


# A quirk: (status, headers, body) for a request (method, path, form body); the body is
# bytes, or a callable that writes to the socket itself (a server that streams forever).
Quirk = Callable[[str, str, str], tuple[int, dict[str, str], object]]


class QuietServer(ThreadingHTTPServer):
    """A test server that does not print the broken pipes of clients the caller cut off."""

    def handle_error(self, *_request_and_address: object) -> None:
        return


@pytest.fixture
def quirk_server() -> Iterator[Callable[[dict[str, Quirk]], str]]:
    """A real HTTP server whose answers the test scripts per path; yields a starter."""
    servers: list[ThreadingHTTPServer] = []
    seen: list[tuple[str, str, str]] = []

    def start(routes: dict[str, Quirk]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                seen.append((self.command, self.path, body))
                route = routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                status, headers, payload = route(self.command, self.path, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if callable(payload):  # a body the route writes itself, e.g. forever
                    self.end_headers()
                    with contextlib.suppress(OSError):
                        payload(self.wfile)
                    return
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *_args: object) -> None:
                return

        server = QuietServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    start.seen = seen  # type: ignore[attr-defined]
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
