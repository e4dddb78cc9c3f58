"""Caller audio: read a WAV file, check it, and bring it to 16 kHz mono 16-bit.

Everything a caller (or a test) hands in goes through ``read_audio``: a file
that is empty, not audio at all, in a format the ``wave`` module cannot read
or longer than allowed gets an ``AudioError`` whose message says what is
wrong and what is expected. Other sample rates
and stereo are converted (linear-interpolation resampling, channels mixed).

>>> audio = Audio.silence(0.5)
>>> audio.rate, audio.seconds
(16000, 0.5)
>>> round(resample(Audio.silence(1.0, rate=22050), 16000).seconds, 2)
1.0
"""

from __future__ import annotations

import io
import struct
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

TARGET_RATE = 16000
MAX_SECONDS = 30.0
MIN_RATE = 4000

# What a file that is not a WAV usually starts with, to say what it is instead.
_MAGIC = [
    (b"ID3", "an MP3 file"),
    (b"\xff\xfb", "an MP3 file"),
    (b"\xff\xf3", "an MP3 file"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC file"),
    (b"\x1aE\xdf\xa3", "a WebM/Matroska file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
]


class AudioError(ValueError):
    """Caller audio that cannot be used; the message says why and what is expected."""


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit samples at ``rate`` Hz."""

    samples: array
    rate: int = TARGET_RATE

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate

    @classmethod
    def silence(cls, seconds: float, rate: int = TARGET_RATE) -> Audio:
        """``seconds`` of digital silence."""
        return cls(array("h", bytes(2 * round(seconds * rate))), rate)

    def pcm(self) -> bytes:
        """Little-endian 16-bit PCM bytes, as vosk wants them."""
        samples = self.samples
        if sys.byteorder != "little":
            samples = array("h", samples)
            samples.byteswap()
        return samples.tobytes()

    def wav_bytes(self) -> bytes:
        """The audio as a complete WAV file."""
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.rate)
            out.writeframes(self.pcm())
        return buffer.getvalue()

    def peak(self) -> int:
        """The largest absolute sample value (0 for silence)."""
        return max((abs(s) for s in self.samples), default=0)


def read_audio(
    source: str | Path | bytes, *, max_seconds: float = MAX_SECONDS, name: str | None = None
) -> Audio:
    """Read a WAV file (path or bytes) as 16 kHz mono audio, or raise ``AudioError``.

    ``name`` is how the audio is called in error messages (default: the path).
    """
    if isinstance(source, bytes):
        data, label = source, name or "the recording"
    else:
        label = name or str(source)
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise AudioError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise AudioError(f"{label}: is a folder, expected a WAV file") from None
        except OSError as exc:
            raise AudioError(f"{label}: cannot be read ({exc.strerror})") from None
    audio = decode_wav(data, label)
    if audio.seconds > max_seconds:
        raise AudioError(
            f"{label}: {audio.seconds:.1f} s of audio is too long; "
            f"an answer to a menu may last at most {max_seconds:g} s"
        )
    return to_target(audio)


def decode_wav(data: bytes, label: str) -> Audio:
    """Decode WAV bytes into mono 16-bit ``Audio`` at the file's own rate."""
    if not data:
        raise AudioError(f"{label}: the file is empty; expected a WAV recording")
    if not (data[:4] == b"RIFF" and data[8:12] == b"WAVE"):
        kind = next((what for magic, what in _MAGIC if data.startswith(magic)), None)
        if kind is None:
            kind = "text" if _looks_like_text(data) else "not audio that can be read"
        raise AudioError(
            f"{label}: not a WAV file (it is {kind}); expected a PCM WAV "
            f"recording, e.g. 16 kHz mono 16-bit"
        )
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, RuntimeError, ValueError, struct.error) as exc:
        raise AudioError(
            f"{label}: a WAV file this tool cannot read ({exc}); expected "
            f"uncompressed PCM, 8 to 32 bit"
        ) from None
    if width not in (1, 2, 3, 4):
        raise AudioError(
            f"{label}: {8 * width}-bit samples are not supported; expected 8, 16, 24 or 32 bit PCM"
        )
    if rate < MIN_RATE:
        raise AudioError(
            f"{label}: a sample rate of {rate} Hz is too low for speech; "
            f"expected at least {MIN_RATE} Hz (16000 Hz is best)"
        )
    usable = len(frames) - len(frames) % (width * channels)
    if usable == 0:
        raise AudioError(f"{label}: the WAV file holds no audio (0 samples)")
    samples = _to_int16(frames[:usable], width)
    if channels > 1:
        samples = _mix_down(samples, channels)
    return Audio(samples, rate)


def to_target(audio: Audio) -> Audio:
    """``audio`` at 16 kHz (resampled when needed)."""
    return audio if audio.rate == TARGET_RATE else resample(audio, TARGET_RATE)


def resample(audio: Audio, rate: int) -> Audio:
    """Linear-interpolation resampling (enough for speech recognition, not for music).

    >>> resample(Audio(array("h", [0, 100, 200, 300]), 4), 8).samples.tolist()
    [0, 50, 100, 150, 200, 250, 300, 300]
    """
    source = audio.samples
    count = len(source)
    if count == 0 or rate == audio.rate:
        return Audio(array("h", source), rate)
    length = max(1, round(count * rate / audio.rate))
    step = audio.rate / rate
    out = array("h", bytes(2 * length))
    last = count - 1
    for i in range(length):
        position = i * step
        left = int(position)
        if left >= last:
            out[i] = source[last]
            continue
        fraction = position - left
        out[i] = round(source[left] + (source[left + 1] - source[left]) * fraction)
    return Audio(out, rate)


def _to_int16(frames: bytes, width: int) -> array:
    if width == 2:
        samples = array("h", frames)
        if sys.byteorder != "little":
            samples.byteswap()
        return samples
    if width == 1:  # unsigned 8-bit
        return array("h", ((b - 128) << 8 for b in frames))
    step = width
    return array(
        "h",
        (
            int.from_bytes(frames[i + step - 2 : i + step], "little", signed=True)
            for i in range(0, len(frames), step)
        ),
    )


def _mix_down(samples: array, channels: int) -> array:
    return array(
        "h", (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels))
    )


def _looks_like_text(data: bytes) -> bool:
    head = data[:512]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
