"""The webhook: a Flask app that answers phone calls for every menu in a folder.

``create_app(config)`` builds it; ``config`` takes the keys of the ``IVR_*``
environment variables without the prefix (see ``ivr.web.config.KEYS`` and
``docs/webhook.md``) plus ``CLOCK``, a callable giving the time calls are made
at. Blueprints: ``voice`` (``/voice/<menu>``, see ``ivr.web.voice``) and
``phone`` (the browser phone at ``/``, see ``ivr.web.phone``; left out with
``PAGES=off``). Every route reads menus from the app's one ``MenuCache``.

>>> app = create_app({"MENU_DIR": "menus", "DATABASE_URL": "sqlite://"})
>>> app.test_client().post("/voice/acme-hot", data={"CallSid": "CA1"}).mimetype
'text/xml'
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from ivr.web.calls_first import init_calls_first
from ivr.web.config import Settings
from ivr.web.menus import init_menus
from ivr.web.phone import phone
from ivr.web.phone_audit import init_page_audits
from ivr.web.records import CallRecords
from ivr.web.voice import EXTENSION, init_voice

MAX_REQUEST_BYTES = 64 * 1024
log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The webhook app for ``config`` (on top of the ``IVR_*`` environment variables)."""
    settings = Settings.load(config).with_state_secret()
    chosen = settings.state_secret_origin in ("IVR_STATE_SECRET", "the Twilio auth token")
    (log.info if chosen else log.warning)(
        "call state is signed with %s", settings.state_secret_origin
    )
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["IVR_SETTINGS"] = settings
    menus = init_menus(app, settings.menu_dir, settings.menu_check_seconds)
    init_calls_first(app)
    init_voice(app, settings, menus)
    if settings.pages:
        init_page_audits(app)
        app.register_blueprint(phone)
    return app


def call_records(app: Flask) -> CallRecords:
    """The call database ``app`` writes to (its reads wait for queued events)."""
    return app.extensions[EXTENSION].records
