"""The webhook: a Flask app that answers phone calls for every menu in a folder.

``create_app(config)`` builds it; ``config`` takes the keys of the ``IVR_*``
environment variables without the prefix (see ``ivr.web.config.KEYS`` and
``docs/webhook.md``) plus ``CLOCK``, a callable giving the time calls are made
at. Blueprints: ``voice`` (``/voice/<menu>``, see ``ivr.web.voice``) and
``phone`` (the browser phone at ``/``, see ``ivr.web.phone``).

>>> app = create_app({"MENU_DIR": "menus", "DATABASE_URL": "sqlite://"})
>>> app.test_client().post("/voice/acme-hot", data={"CallSid": "CA1"}).mimetype
'text/xml'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from ivr.web.config import Settings
from ivr.web.phone import phone
from ivr.web.records import CallRecords
from ivr.web.voice import EXTENSION, init_voice

MAX_REQUEST_BYTES = 64 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The webhook app for ``config`` (on top of the ``IVR_*`` environment variables)."""
    settings = Settings.load(config)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["IVR_SETTINGS"] = settings
    init_voice(app, settings)
    app.register_blueprint(phone)
    return app


def call_records(app: Flask) -> CallRecords:
    """The call database ``app`` writes to (its reads wait for queued events)."""
    return app.extensions[EXTENSION].records
