"""Calls first: in one process, page requests take turns and give way to live calls.

The browser phone's pages share a worker with the webhook (unless they are served
apart, ``IVR_PAGES=off``). Python runs one thread at a time per process, so a
page being built holds up the calls being answered beside it. ``CallsFirst``
keeps pages out of their way:

- one page request at a time per process (the others wait, without holding
  Python's lock, so calls keep it);
- a page starts only when no call is being answered in its process, or after
  waiting ``yield_seconds`` at most (pages are slowed by calls, never refused).

>>> turns = CallsFirst(yield_seconds=0.01)
>>> turns.call_began(); turns.page_began(); turns.page_ended(); turns.call_ended()
>>> turns.calls, turns.pages_waiting
(0, 0)
"""

from __future__ import annotations

import threading

from flask import Flask, current_app, g

PAGE_YIELD_SECONDS = 0.05
EXTENSION = "ivr.calls_first"


class CallsFirst:
    """Counts the calls being answered in this process; lets one page through at a time."""

    def __init__(self, yield_seconds: float = PAGE_YIELD_SECONDS):
        self.yield_seconds = yield_seconds
        self.calls = 0
        self.pages_waiting = 0
        self._changed = threading.Condition()
        self._turn = threading.Lock()

    def call_began(self) -> None:
        """A webhook request starts."""
        with self._changed:
            self.calls += 1

    def call_ended(self) -> None:
        """A webhook request is answered: a page waiting for calls may go."""
        with self._changed:
            self.calls -= 1
            if self.pages_waiting and not self.calls:
                self._changed.notify_all()

    def page_began(self) -> None:
        """Wait for this page's turn, then (briefly) for the calls being answered."""
        self._turn.acquire()
        with self._changed:
            self.pages_waiting += 1
            self._changed.wait_for(lambda: not self.calls, self.yield_seconds)
            self.pages_waiting -= 1

    def page_ended(self) -> None:
        """The page is answered: the next one may go."""
        self._turn.release()


def init_calls_first(app: Flask) -> CallsFirst:
    """Give ``app`` its turns (one per process: gunicorn's workers are processes)."""
    turns = CallsFirst()
    app.extensions[EXTENSION] = turns
    return turns


def _turns() -> CallsFirst:
    return current_app.extensions[EXTENSION]


def call_began() -> None:
    """``before_request`` of the webhook."""
    _turns().call_began()
    g.ivr_call_counted = True


def call_ended(_error: BaseException | None = None) -> None:
    """``teardown_request`` of the webhook."""
    if g.pop("ivr_call_counted", False):
        _turns().call_ended()


def page_began() -> None:
    """``before_request`` of the pages."""
    _turns().page_began()
    g.ivr_page_turn = True


def page_ended(_error: BaseException | None = None) -> None:
    """``teardown_request`` of the pages."""
    if g.pop("ivr_page_turn", False):
        _turns().page_ended()
