"""Audio-only prompts (a recording with no text, as imported flows have): timed from the
recording when its file is there, flagged when it is not."""

from __future__ import annotations

import wave
from pathlib import Path

from audit.run import audit_menu
from ivr.loader import check_menu, load_menu

MENU = """\
hotline: {name: Recorded line}
start: welcome
nodes:
  welcome:
    say: {audio: AUDIO}
    next: agent
  agent:
    transfer: {to: "+1 555 0100"}
"""


def silence_wav(path: Path, seconds: float, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\0\0" * int(seconds * rate))


def test_a_recording_without_text_is_timed_from_its_file(tmp_path: Path) -> None:
    silence_wav(tmp_path / "welcome.wav", 7.5)
    path = tmp_path / "line.yaml"
    path.write_text(MENU.replace("AUDIO", "welcome.wav"))
    menu, problems = check_menu(path)
    assert menu is not None and problems == []
    report = audit_menu(menu)
    assert report.metrics.nearest is not None
    assert report.metrics.nearest.ivr_s == 7.5


def test_a_recording_without_text_or_file_is_flagged_where_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "line.yaml"
    path.write_text(MENU.replace("AUDIO", "https://example.com/welcome.mp3"))
    menu, problems = check_menu(path)
    assert menu is not None
    assert [str(p) for p in problems] == [
        f'{path}:5:18: warning: the recorded prompt "https://example.com/welcome.mp3" has no '
        "text and is not a file in the menu's folder: how long it plays is unknown (timed as "
        "0 s) and no check can read it"
    ]
    assert audit_menu(load_menu(path)).metrics.nearest.ivr_s == 0.0
