"""Caller audio is checked and converted: every bad file gets a clear error, never a crash."""

from __future__ import annotations

import struct
from array import array

import pytest
from voices_support import tone, wav_bytes, zero_crossings

from voices.audio import MAX_SECONDS, AudioError, read_audio
from voices.tts import VoiceCache, VoiceSettings


def pcm16(samples: list[int]) -> bytes:
    return array("h", samples).tobytes()


@pytest.mark.speech
def test_espeak_audio_is_resampled_to_16k_keeping_its_length(tmp_path):
    rendering = VoiceCache(tmp_path).render(
        "For billing, press 1.", VoiceSettings("en", "gmw/en-us", 150)
    )
    audio = read_audio(rendering.path)
    assert audio.rate == 16000
    assert audio.seconds == pytest.approx(rendering.seconds, abs=0.01)
    assert audio.peak() > 1000  # speech, not silence


def test_stereo_8bit_8khz_becomes_mono_16k_with_the_same_pitch():
    left = tone(1.0, 8000, frequency=300)
    frames = bytes(b for s in left for b in (s // 256 + 128, s // 256 + 128))  # two channels
    audio = read_audio(wav_bytes(frames, rate=8000, channels=2, width=1))
    assert (audio.rate, round(audio.seconds, 2)) == (16000, 1.0)
    # 300 Hz: about 600 sign changes per second, before and after resampling
    assert zero_crossings(audio.samples) == pytest.approx(600, rel=0.02)


def test_24_bit_audio_is_read():
    samples = tone(0.5, 16000)
    frames = b"".join(struct.pack("<i", s << 8)[:3] for s in samples)
    audio = read_audio(wav_bytes(frames, rate=16000, width=3))
    assert audio.samples.tolist()[:50] == pytest.approx(samples[:50], abs=1)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "the file is empty"),
        (b"hello, this is not a recording\n", "not a WAV file (it is text)"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100), "not a WAV file (it is an MP3 file)"),
        (b"OggS" + bytes(60), "it is an Ogg file"),
        (bytes([0x00, 0xFF, 0x13, 0x99]) * 40, "not audio that can be read"),
        (b"RIFF\x24\x00\x00\x00WAVEjunkjunk", "a WAV file this tool cannot read"),
    ],
)
def test_unusable_files_get_a_clear_error(data, says):
    with pytest.raises(AudioError) as error:
        read_audio(data, name="answer.wav")
    assert str(error.value).startswith("answer.wav: ")
    assert says in str(error.value)


def test_a_wav_without_samples_is_refused():
    with pytest.raises(AudioError, match="holds no audio"):
        read_audio(wav_bytes(b"", rate=16000))


def test_float_wav_is_refused_with_what_is_expected():
    data = bytearray(wav_bytes(pcm16(tone(0.1, 16000)), rate=16000))
    data[20:22] = struct.pack("<H", 3)  # WAVE_FORMAT_IEEE_FLOAT
    with pytest.raises(AudioError, match="expected uncompressed PCM"):
        read_audio(bytes(data))


def test_too_long_recordings_are_refused():
    long = wav_bytes(bytes(2 * 8000 * int(MAX_SECONDS + 1)), rate=8000)
    with pytest.raises(AudioError, match=r"31\.0 s of audio is too long"):
        read_audio(long)
    assert read_audio(long, max_seconds=60).seconds == pytest.approx(MAX_SECONDS + 1)


def test_too_low_sample_rate_is_refused():
    with pytest.raises(AudioError, match="2000 Hz is too low"):
        read_audio(wav_bytes(pcm16(tone(0.5, 2000, 100)), rate=2000))


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(AudioError, match="no such file"):
        read_audio(tmp_path / "nothing.wav")
    with pytest.raises(AudioError, match="is a folder"):
        read_audio(tmp_path)
