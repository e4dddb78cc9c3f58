"""Prompts to audio: pyttsx3 driving espeak-ng, with a content-addressed cache.

Every rendering is keyed by (text, language, voice, rate): the WAV lives at
``<cache>/<key[:2]>/<key>.wav`` under ``IVR_VOICE_CACHE`` (default
``~/.cache/ivr/voices``), so an unchanged prompt is never rendered twice and
a changed one gets a new file. The voice and rate of a language come from the
hotline's ``voices:`` section, else from ``ivr.languages`` and ``DEFAULT_RATE``.

pyttsx3 2.99 writes only the last of several queued ``save_to_file`` calls, so
each prompt gets its own ``runAndWait()``.

>>> VoiceCache("/tmp/cache").path_for("Hello", VoiceSettings("en", "gmw/en-us", 150)).suffix
'.wav'
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import json
import os
import threading
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ivr.languages import LANGUAGES
from ivr.model import Hotline, Menu, Prompt

DEFAULT_RATE = 150  # words per minute: the rate of the text estimate (ivr.duration)
CACHE_ENV = "IVR_VOICE_CACHE"
DEFAULT_CACHE = Path("~/.cache/ivr/voices")
RENDER_ATTEMPTS = 3


class SpeechError(RuntimeError):
    """Text-to-speech is not possible: no espeak-ng, an unknown voice, a failed render."""


@dataclass(frozen=True)
class VoiceSettings:
    """The espeak-ng voice and rate (words per minute) used for one language."""

    lang: str
    voice: str
    rate: int


def voice_for(hotline: Hotline, lang: str) -> VoiceSettings:
    """The voice settings of ``lang`` on ``hotline``: its ``voices:`` entry, else defaults.

    >>> voice_for(Hotline(languages=("ko",)), "ko")
    VoiceSettings(lang='ko', voice='ko', rate=150)
    """
    configured = hotline.voices.get(lang)
    default = LANGUAGES[lang].espeak if lang in LANGUAGES else lang
    voice = configured.voice if configured and configured.voice else default
    rate = configured.rate if configured and configured.rate else DEFAULT_RATE
    return VoiceSettings(lang, voice, rate)


def cache_dir() -> Path:
    """Where rendered prompts are kept: ``IVR_VOICE_CACHE`` or ``~/.cache/ivr/voices``."""
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE).expanduser()


@dataclass(frozen=True)
class Rendering:
    """One prompt as audio: where the WAV is, how long it lasts, whether it was new."""

    text: str
    settings: VoiceSettings
    path: Path
    seconds: float
    fresh: bool


@dataclass(frozen=True)
class PromptItem:
    """A prompt text of a menu in one language, and the nodes that say it."""

    text: str
    lang: str
    nodes: tuple[str, ...]


class VoiceCache:
    """Rendered prompts on disk, rendering only what is missing."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else cache_dir()

    @staticmethod
    def key(text: str, settings: VoiceSettings) -> str:
        """The content address of a rendering: sha256 of text, language, voice and rate."""
        spec = json.dumps([text, settings.lang, settings.voice, settings.rate], ensure_ascii=False)
        return hashlib.sha256(spec.encode("utf-8")).hexdigest()

    def path_for(self, text: str, settings: VoiceSettings) -> Path:
        """Where the rendering of ``text`` with ``settings`` is (or would be) kept."""
        key = self.key(text, settings)
        return self.root / key[:2] / f"{key}.wav"

    def cached(self, text: str, settings: VoiceSettings) -> Path | None:
        """The cached WAV of ``text``, or None when it has not been rendered yet."""
        path = self.path_for(text, settings)
        return path if path.is_file() else None

    def render(self, text: str, settings: VoiceSettings) -> Rendering:
        """The audio of ``text``: from the cache, or rendered now and stored."""
        path = self.path_for(text, settings)
        fresh = not path.is_file()
        if fresh:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
            try:
                synthesise(text, settings, partial)
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
        return Rendering(text, settings, path, wav_seconds(path), fresh)


def wav_seconds(path: str | Path) -> float:
    """Duration of a WAV file in seconds."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def has_samples(path: Path) -> bool:
    """Whether ``path`` is a WAV file with sound; False for a missing, empty or
    half-written one (the espeak driver may hand back a file before writing its header)."""
    try:
        return path.is_file() and wav_seconds(path) > 0
    except (EOFError, wave.Error):
        return False


_engine_lock = threading.Lock()
_engine = None


def _tts_engine():
    """The process's one pyttsx3 engine on espeak-ng (espeak initialises once per process)."""
    global _engine
    if _engine is None:
        try:
            import pyttsx3

            _engine = pyttsx3.init("espeak")
            atexit.register(_drop_engine)
        except (ImportError, OSError, RuntimeError) as exc:
            raise SpeechError(
                f"text-to-speech needs espeak-ng (Debian: apt-get install "
                f"espeak-ng) and pyttsx3: {exc}"
            ) from exc
    return _engine


def known_voice(voice: str) -> bool:
    """Whether espeak-ng has ``voice`` (an id like ``gmw/en-us``, its last part, or a name).

    A variant may follow a plus sign (``ko+f3``: espeak-ng's voice ``ko``, variant ``f3``).
    """
    return voice.lower().split("+", 1)[0] in _voice_names()


@lru_cache(maxsize=1)
def _voice_names() -> frozenset[str]:
    names = set()
    for entry in _tts_engine().getProperty("voices"):
        names.update(
            {entry.id.lower(), entry.id.lower().rsplit("/", 1)[-1], str(entry.name).lower()}
        )
    return frozenset(names)


def _drop_engine() -> None:
    """Let pyttsx3 clean up before interpreter shutdown (its ``__del__`` needs its modules)."""
    global _engine
    _engine = None


def synthesise(text: str, settings: VoiceSettings, path: Path) -> None:
    """Render ``text`` to the WAV file ``path`` (22050 Hz mono) with espeak-ng.

    pyttsx3 runs espeak-ng asynchronously: a voice or rate change is only sure to
    apply once espeak's command queue has been drained (``Synchronize``). Its driver
    now and then hands back a file without samples; that is retried.
    """
    if not known_voice(settings.voice):
        raise SpeechError(
            f'espeak-ng has no voice "{settings.voice}" (language '
            f'"{settings.lang}"); list voices with `espeak-ng --voices` and '
            f"set hotline.voices.{settings.lang}.voice"
        )
    from pyttsx3.drivers import _espeak

    with _engine_lock:
        engine = _tts_engine()
        engine.setProperty("voice", settings.voice)
        engine.setProperty("rate", settings.rate)
        _espeak.Synchronize()
        for _ in range(RENDER_ATTEMPTS):
            # pyttsx3 prints "Audio saved to ..." for every file; keep stdout for the caller.
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, str(path))
                engine.runAndWait()
            _espeak.Synchronize()  # the driver writes the file from espeak's callback
            if has_samples(path):
                return
    raise SpeechError(f'espeak-ng produced no audio for "{text}" ({settings.voice})')


def prompt_texts(prompt: Prompt, hotline: Hotline) -> dict[str, str]:
    """The text a caller hears from ``prompt`` in each of the hotline's languages."""
    texts = {lang: prompt.text(lang, hotline.default_language) for lang in hotline.languages}
    return {lang: text for lang, text in texts.items() if text.strip()}


def node_prompts(menu: Menu) -> list[tuple[str, Prompt]]:
    """Every ``(node id, prompt)`` of the menu: prompts, hold messages, goodbyes."""
    found = []
    for node_id, node in menu.nodes.items():
        for attribute in ("prompt", "message"):
            prompt = getattr(node, attribute, None)
            if isinstance(prompt, Prompt) and prompt:
                found.append((node_id, prompt))
    return found


def menu_prompts(menu: Menu) -> list[PromptItem]:
    """Each distinct (text, language) of the menu's prompts, with the nodes that say it."""
    seen: dict[tuple[str, str], list[str]] = {}
    for node_id, prompt in node_prompts(menu):
        for lang, text in prompt_texts(prompt, menu.hotline).items():
            nodes = seen.setdefault((text, lang), [])
            if node_id not in nodes:
                nodes.append(node_id)
    return [PromptItem(text, lang, tuple(nodes)) for (text, lang), nodes in seen.items()]
