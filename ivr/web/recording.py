"""Speech without Twilio: a caller's recorded answer, and prompts played from rendered audio.

Twilio recognises speech itself and posts ``SpeechResult``. Without Twilio (a
test rig, a SIP bridge, ``curl``) a Gather's action URL also takes the
caller's answer as a WAV file in the multipart field ``Recording``: it is
recognised with vosk against the grammar of the node the call waits at
(``voices.asr``) and goes on as speech. Nothing heard, unreadable audio or no
speech model: a no-match, never an error.

With ``PLAY_AUDIO`` on (``IVR_PLAY_AUDIO=1``), a text prompt that ``ivr voices
render`` has rendered is answered with ``<Play>`` of the cached WAV, served
at ``/voice/<menu>/audio/tts/<key>.wav``; anything not rendered is a ``<Say>``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import request
from werkzeug.exceptions import HTTPException

from ivr.model import Menu
from ivr.prompt_audio import regular_file_under

RECORDING_FIELD = "Recording"
MAX_RECORDING_BYTES = 2 * 1024 * 1024  # 30 s of 16-bit mono at 32 kHz
NOTHING_HEARD = "(nothing heard)"
RENDERED_KEY = re.compile(r"^[0-9a-f]{64}$")
log = logging.getLogger(__name__)


def allow_recordings() -> None:
    """Before a request: a Gather result may carry a recording larger than other requests."""
    if request.path.endswith("/gather") and request.mimetype == "multipart/form-data":
        request.max_content_length = MAX_RECORDING_BYTES


def heard_in_recording(
    menu: Menu, node_id: str, lang: str, model_folder: str | None = None
) -> str | None:
    """What the caller says in the request's ``Recording`` ("" when nothing could be heard);
    None when the request carries no recording. ``model_folder``: the configured vosk model."""
    from voices.asr import ModelNotFound, NotAnswerable, listen, load_model
    from voices.audio import AudioError

    try:
        upload = request.files.get(RECORDING_FIELD)
    except HTTPException:  # e.g. over MAX_RECORDING_BYTES
        log.warning("a recording that could not be received: %s", request.path)
        return ""
    if upload is None:
        return None
    try:
        data = upload.read()
    finally:
        upload.close()  # the upload's spooled temporary file, whatever happens
    try:
        heard = listen(data, menu, node_id, lang=lang, model=load_model(model_folder))
    except (AudioError, ModelNotFound, NotAnswerable) as exc:
        log.warning("a recording that could not be heard: %s", exc)
        return ""
    return heard.text


def rendered_key(menu: Menu, text: str, lang: str) -> str | None:
    """The voice-cache key of the rendered audio of ``text`` in ``lang``, once rendered."""
    from voices.tts import VoiceCache, voice_for

    if not text or lang not in menu.hotline.languages:
        return None
    key = VoiceCache.key(text, voice_for(menu.hotline, lang))
    return key if rendered_file(key) else None


def rendered_file(key: str) -> Path | None:
    """The cached WAV with content address ``key``: a regular file in the voice cache."""
    from voices.tts import VoiceCache

    if not RENDERED_KEY.match(key):
        return None
    return regular_file_under(VoiceCache().root, f"{key[:2]}/{key}.wav")
