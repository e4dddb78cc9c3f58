"""A WSGI app served by a real HTTP server in a thread, for the tests that call it over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

# How often the serving loop looks for a shutdown request. The standard library's default,
# half a second, made every test that stops a server wait about a quarter second for nothing.
POLL_SECONDS = 0.01


@contextmanager
def served(app, backlog: int | None = None) -> Iterator[str]:
    """``app`` on a free port of 127.0.0.1, threaded; yields its base URL, then stops it.

    ``backlog`` widens the queue of connections waiting to be accepted (for many
    simultaneous callers)."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    if backlog is not None:
        httpd.socket.listen(backlog)
    thread = threading.Thread(target=httpd.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(10)
        httpd.server_close()
