"""Fixtures for the browser phone: an app on a copy of the menus, a real server, a tab."""

from __future__ import annotations

import shutil
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from phone_support import (
    BROKEN_MENU,
    RECORDED_MENU,
    ROOT,
    SCRIPT_MENU,
    SHORT_MENU,
    Page,
)

from ivr.web import create_app
from tests.serving import served


@pytest.fixture(scope="session")
def menu_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled menus and test menus: markup in prompts, recorded, short and broken."""
    folder = tmp_path_factory.mktemp("menus")
    for name in ("acme-cold.yaml", "acme-hot.yaml", "ko-clinic.yaml"):
        shutil.copy(ROOT / "menus" / name, folder / name)
    (folder / "script-prompt.yaml").write_text(SCRIPT_MENU, encoding="utf-8")
    (folder / "broken.yaml").write_text(BROKEN_MENU, encoding="utf-8")
    (folder / "recorded.yaml").write_text(RECORDED_MENU, encoding="utf-8")
    (folder / "short-prompt.yaml").write_text(SHORT_MENU, encoding="utf-8")
    (folder / "prompts").mkdir()
    with wave.open(str(folder / "prompts" / "main.wav"), "wb") as recording:
        recording.setparams((1, 2, 16000, 0, "NONE", "not compressed"))
        recording.writeframes(bytes(16000))
    return folder


@pytest.fixture(scope="session")
def app(menu_dir: Path):
    """The app as ``ivr serve`` builds it, on the test menus."""
    return create_app(
        {"MENU_DIR": str(menu_dir), "DATABASE_URL": "sqlite://", "STATE_SECRET": "phone-tests"}
    )


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def server(app) -> Iterator[str]:
    """The app served by a real HTTP server on 127.0.0.1; yields its base URL."""
    with served(app) as url:
        yield url


VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 860}}


@pytest.fixture(params=list(VIEWPORTS))
def tab(request, browser) -> Iterator[Page]:
    """A fresh tab at phone width (375 px) and at desktop width."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = request.node.originalname.removeprefix("test_") + "-" + request.param
    yield Page(page, name)
    context.close()
