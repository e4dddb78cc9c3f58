"""Free transcription of recorded prompts: the words of a line's own audio, with vosk.

Callers' answers are heard against a menu's grammar (``voices.asr``); a prompt
played by a line we crawl has no grammar, so it is transcribed with the model's
whole vocabulary. Only audio in the model's language is transcribed: the language
is read from the model's folder name (``vosk-model-small-ko-0.22`` is Korean).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from voices.asr import ModelNotFound, find_model, load_model
from voices.audio import AudioError, read_audio

MODEL_LANGUAGE = re.compile(r"vosk[-_]model(?:[-_]small)?[-_]([a-z]{2})(?:[-_]|$)")


def model_language(folder: Path) -> str | None:
    """The language of a vosk model from its folder or package name, if it says.

    >>> model_language(Path("/x/vosk-model-small-ko-0.22")), model_language(Path("/x/model"))
    ('ko', None)
    """
    for part in reversed(folder.parts):
        match = MODEL_LANGUAGE.search(part.lower())
        if match:
            return match.group(1)
    return None


def transcribe(path: str | Path, languages: list[str]) -> str | None:
    """The words spoken in the WAV file at ``path``; None when no installed model speaks one
    of ``languages`` or the file is not audio vosk can read."""
    try:
        folder = find_model()
    except ModelNotFound:
        return None
    if model_language(folder) not in languages:
        return None
    try:
        audio = read_audio(path)
    except AudioError:
        return None
    from vosk import KaldiRecognizer

    recogniser = KaldiRecognizer(load_model(), audio.rate)
    recogniser.AcceptWaveform(audio.samples.tobytes())
    return json.loads(recogniser.FinalResult()).get("text", "").strip() or None
