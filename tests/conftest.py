"""Keeps the markers honest: the fast loop (``-m "not browser and not speech"``) stays fast.

A test that uses a Playwright fixture must be marked ``browser``; a test that starts
text-to-speech (pyttsx3 on espeak-ng) or speech recognition (vosk) must be marked
``speech``. Both are checked here, so an unmarked heavy test fails instead of slowing
the loop down. Tests marked ``slow`` run in a full run (no ``-m``) and when the ``-m``
expression names them (``-m slow``, ``-m "speech or slow"``); any other ``-m`` selection,
such as the fast loop, leaves them out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class WsgiServerClient(FlaskClient):
    """A test client that reads each response whole and closes it, as a WSGI server does.

    Werkzeug's client otherwise keeps the file of a ``send_file`` response, and the
    temporary file holding a large request body, open until the test closes the response;
    warnings-as-errors would report them as leaks that the server does not have.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        for answered in (*response.history, response):
            answered.close()
            answered.request.environ["wsgi.input"].close()
        return response


Flask.test_client_class = WsgiServerClient

# --doctest-modules would import every conftest.py as a module named "conftest", and two of
# them in different folders clash; they hold fixtures, never doctests.
collect_ignore_glob = ["conftest.py", "*/conftest.py"]

BROWSER_FIXTURES = frozenset({"playwright", "browser", "tab"})


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The session's one Playwright: two sync Playwrights cannot run in one thread."""
    from playwright.sync_api import sync_playwright  # only browser tests pay for it

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Headless Chromium, shared by every browser test of the session."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS

    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


SPEECH_MODULES = ("pyttsx3", "vosk")  # imported only when speech is rendered or heard


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test that drives the browser without the ``browser`` marker; leave ``slow``
    tests out of a run whose ``-m`` expression does not name them (the fast loop)."""
    unmarked = [
        item.nodeid
        for item in items
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("browser") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that use Playwright must be marked @pytest.mark.browser: " + ", ".join(unmarked)
        )
    selection = config.getoption("markexpr")
    if selection and "slow" not in selection:
        slow = [item for item in items if item.get_closest_marker("slow")]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if not item.get_closest_marker("slow")]


@contextmanager
def _speech_only_if_marked(item: pytest.Item) -> Iterator[None]:
    before = {name for name in SPEECH_MODULES if name in sys.modules}
    yield
    started = [name for name in SPEECH_MODULES if name in sys.modules and name not in before]
    if started and item.get_closest_marker("speech") is None:
        pytest.fail(
            f"{item.nodeid} started {' and '.join(started)}: mark it @pytest.mark.speech",
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """A fixture that loads speech counts for the test that requests it."""
    with _speech_only_if_marked(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """The test itself must not start speech unless it is marked ``speech``."""
    with _speech_only_if_marked(item):
        return (yield)
